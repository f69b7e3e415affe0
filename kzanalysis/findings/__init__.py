"""Findings stage: what each analysis found on *this* corpus, written as Markdown from its tables.

Notebooks explain method and how to read a result in fixed prose; every sentence that states a
result comes from one of these functions, computed on the corpus at hand, with its numbers and the
caveats the corpus's size calls for. Each returns a :class:`Findings`, which a notebook shows as
Markdown and whose headline lines the report index repeats.

Example:
    >>> import kzanalysis as kz
    >>> from kzanalysis import clean, findings
    >>> paras = kz.paragraphs(kz.load_corpus())
    >>> overview = kz.load_corpus().merge(clean.document_lengths(paras), on="doc_id")
    >>> findings.corpus_findings(overview, paras).headline[0]
    '5 documents from 5 outlets: CNN, CNN (MT round trip), IANS, RFI and Reuters via The Kootneeti (1 each).'
"""

from __future__ import annotations

from kzanalysis.findings.base import Findings
from kzanalysis.findings.claims import claims_findings
from kzanalysis.findings.corpus import corpus_findings
from kzanalysis.findings.figures import figure_findings
from kzanalysis.findings.framing import framing_findings
from kzanalysis.findings.overlap import overlap_findings
from kzanalysis.findings.topics import topic_findings

__all__ = ["Findings", "claims_findings", "corpus_findings", "figure_findings", "framing_findings", "overlap_findings",
           "topic_findings"]
