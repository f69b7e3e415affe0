"""Claims stage: numeric claims (killed, injured, detained), the sources each article cites, and where a text comes from.

Everything here is rule based and readable: regular expressions over sentences, a researcher-editable source
lexicon (``data/lexicons/sources.csv``) and a hand list of the seed corpus's claims (``data/labels/claims_seed.csv``)
that the tests and notebook 05 score the rules against. The rules are English-only and tuned on news of one event;
read the recall and precision the notebook reports before trusting them on another corpus. Who said what comes from
:mod:`kzanalysis.quotations`, the reader framing uses too.

One job per module: ``numbers`` (every number and its role), ``extract`` (claims and their comparison across
outlets), ``sources`` (citations typed by the lexicon), ``provenance`` (datelines, credits, wires, translation
signs), ``evaluate`` (scoring against the hand list). Every public name is importable from here.
"""

from __future__ import annotations

from ._base import (
    CASUALTY_KINDS, CLAIM_COLUMNS, CLAIM_LABELS, LABEL_COLUMNS, NUMBER_COLUMNS, NUMBER_ROLES,
    PROVENANCE_COLUMNS, SOURCE_COLUMNS, SOURCE_LEXICON, SOURCE_SUMMARY_COLUMNS, SOURCE_TYPE_ORDER, Signal,
    UNCLASSIFIED, UNIT_KINDS, UnitKind,
)
from .numbers import (
    VAGUE_RANGES, VAGUE_WORDS, number_mentions,
)
from .extract import (
    casualty_claims, claims_from_text, compare_claims, extract_claims, figures_by_outlet,
)
from .sources import (
    extract_sources, load_source_lexicon, source_types, sources_by_outlet, type_source,
)
from .provenance import (
    TRANSLATION_SIGNS, WIRES, provenance_signals, provenance_summary,
)
from .evaluate import (
    load_claim_labels, score_claims,
)

__all__ = [
    "CASUALTY_KINDS",
    "CLAIM_COLUMNS",
    "CLAIM_LABELS",
    "LABEL_COLUMNS",
    "NUMBER_COLUMNS",
    "NUMBER_ROLES",
    "PROVENANCE_COLUMNS",
    "SOURCE_COLUMNS",
    "SOURCE_LEXICON",
    "SOURCE_SUMMARY_COLUMNS",
    "SOURCE_TYPE_ORDER",
    "Signal",
    "UNCLASSIFIED",
    "UNIT_KINDS",
    "UnitKind",
    "VAGUE_RANGES",
    "VAGUE_WORDS",
    "number_mentions",
    "casualty_claims",
    "claims_from_text",
    "compare_claims",
    "extract_claims",
    "figures_by_outlet",
    "extract_sources",
    "load_source_lexicon",
    "source_types",
    "sources_by_outlet",
    "type_source",
    "TRANSLATION_SIGNS",
    "WIRES",
    "provenance_signals",
    "provenance_summary",
    "load_claim_labels",
    "score_claims",
]
