"""Findings stage, shared pieces: the :class:`Findings` object and the wording helpers every stage uses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

import pandas as pd

FINDINGS_KEY = "kzanalysis-findings"
"""Output metadata key the report index reads the headline from (see ``kzanalysis.report.index``)."""
UNKNOWN_OUTLET = "unknown"


@dataclass(frozen=True)
class Findings:
    """What one stage found on one corpus: headline lines, further points and caveats, all Markdown.

    Attributes:
        stage: The stage that computed them (``"corpus"``, ``"overlap"``, ...).
        headline: Two or three lines a reader should take away; the report index shows these.
        details: Further findings, each one line.
        caveats: What the corpus's size or the method's limits mean for reading them.

    Example:
        >>> f = Findings("corpus", headline=("3 documents.",), caveats=("Few documents.",))
        >>> print(f.to_markdown())
        **Findings on this corpus**
        <BLANKLINE>
        - 3 documents.
        <BLANKLINE>
        *Caveats.* Few documents.
    """

    stage: str
    headline: tuple[str, ...]
    details: tuple[str, ...] = ()
    caveats: tuple[str, ...] = field(default=())

    def to_markdown(self) -> str:
        """The findings as a Markdown block: headline and details as bullets, caveats as a closing paragraph."""
        lines = ["**Findings on this corpus**", ""]
        lines += [f"- {line}" for line in (*self.headline, *self.details)]
        if self.caveats:
            lines += ["", "*Caveats.* " + " ".join(self.caveats)]
        return "\n".join(lines)

    def _repr_markdown_(self) -> tuple[str, dict[str, Any]]:
        return self.to_markdown(), {FINDINGS_KEY: {"stage": self.stage, "headline": list(self.headline)}}

    def __str__(self) -> str:
        return self.to_markdown()


def plural(n: int | float, singular: str, plural_form: str | None = None) -> str:
    """``n`` and the noun, in the singular for exactly one.

    Example:
        >>> plural(1, "article"), plural(1200, "article"), plural(2, "story", "stories")
        ('1 article', '1,200 articles', '2 stories')
    """
    word = singular if n == 1 else (plural_form or singular + "s")
    return f"{n:,} {word}" if isinstance(n, int) or float(n).is_integer() else f"{n:,.2f} {word}"


def join_names(items: Iterable[str], *, limit: int = 6) -> str:
    """``"A, B and C"``; beyond ``limit`` items, ``"A, B, ... and 4 more"``.

    Example:
        >>> join_names(["CNN", "RFI", "IANS"]), join_names([f"o{i}" for i in range(9)], limit=3)
        ('CNN, RFI and IANS', 'o0, o1, o2 and 6 more')
    """
    items = [str(i) for i in items]
    if len(items) > limit:
        return ", ".join(items[:limit]) + f" and {len(items) - limit:,} more"
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def share(part: float, whole: float) -> str:
    """A share as a whole percentage (``"n/a"`` for an empty whole; ``"<1%"`` for a small non-zero one).

    Example:
        >>> share(1, 3), share(0, 0), share(1, 400)
        ('33%', 'n/a', '<1%')
    """
    if not whole:
        return "n/a"
    value = 100 * part / whole
    return "<1%" if 0 < value < 1 else f"{value:.0f}%"


def quote_text(text: str, *, limit: int = 110) -> str:
    """Document text for a finding: in quotation marks, cut at a word boundary, backticks and asterisks removed.

    Example:
        >>> quote_text("The presidents exchanged views on the measures taken", limit=30)
        '“The presidents exchanged …”'
    """
    text = " ".join(str(text).replace("`", "'").replace("*", "").split())
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] + " …"
    return f"“{text}”"


def doc_label(doc_id: str, outlet: str | None = None) -> str:
    """How a finding names a document: its id in code, with its outlet when one is known.

    Example:
        >>> doc_label("004", "Reuters"), doc_label("a", "unknown")
        ('`004` (Reuters)', '`a`')
    """
    if outlet and str(outlet) != UNKNOWN_OUTLET:
        return f"`{doc_id}` ({outlet})"
    return f"`{doc_id}`"


def comparison_unit(table: pd.DataFrame) -> str:
    """``"outlet"`` when the table names at least two outlets, else ``"doc_id"`` (compare articles instead).

    Example:
        >>> comparison_unit(pd.DataFrame({"doc_id": ["a", "b"], "outlet": ["unknown", "unknown"]}))
        'doc_id'
    """
    if "outlet" not in table.columns:
        return "doc_id"
    outlets = set(table["outlet"].astype(str)) - {UNKNOWN_OUTLET}
    return "outlet" if len(outlets) >= 2 else "doc_id"


def unit_label(unit: str, value: str) -> str:
    """A group named for a finding: an outlet in plain text, a document id in code.

    Example:
        >>> unit_label("outlet", "RFI"), unit_label("doc_id", "a")
        ('RFI', '`a`')
    """
    return str(value) if unit == "outlet" else f"`{value}`"


def size_caveat(n_documents: int, n_outlets: int, *, per: str = "outlet") -> str:
    """The caveat the corpus's size calls for, from its numbers of documents and named outlets.

    Example:
        >>> size_caveat(5, 5)
        'Five or fewer articles per outlet (here 5 articles, 5 outlets): differences between outlets are differences between a few articles, not editorial lines.'
    """
    if n_documents <= 1:
        return "One document: nothing here can be compared, only described."
    if n_outlets <= 1:
        return (f"No two outlets are named ({plural(n_documents, 'document')}): comparisons are between "
                "documents, and nothing here speaks for an outlet.")
    per_outlet = n_documents / n_outlets
    if per_outlet <= 5:
        return (f"Five or fewer articles per {per} (here {plural(n_documents, 'article')}, "
                f"{plural(n_outlets, 'outlet')}): differences between outlets are differences between a few "
                "articles, not editorial lines.")
    return (f"{plural(n_documents, 'article')} from {plural(n_outlets, 'outlet')} (about {per_outlet:,.0f} per "
            f"{per}): outlet-level figures pool their articles; check that one prolific outlet does not "
            "dominate a pooled result.")


def named_outlets(outlets: Sequence[str]) -> int:
    """How many distinct outlets are named (``unknown`` not counted).

    Example:
        >>> named_outlets(["CNN", "unknown", "CNN"])
        1
    """
    return len(set(map(str, outlets)) - {UNKNOWN_OUTLET})


def not_analysed_line(not_analysed: pd.DataFrame | None) -> str:
    """A finding naming the documents an English-only analysis left out, with their languages ("" when none).

    Example:
        >>> not_analysed_line(pd.DataFrame({"doc_id": ["a", "b"], "language": ["de", "de"]}))[:56]
        '2 documents not analysed here, in de (2): the lexicons a'
    """
    if not_analysed is None or not len(not_analysed):
        return ""
    counts = not_analysed["language"].replace("", "unidentified").value_counts().sort_index()
    counts = counts.sort_values(ascending=False, kind="stable")  # most first, ties alphabetical
    return (f"{plural(len(not_analysed), 'document')} not analysed here, in "
            + join_names(f"{k} ({v})" for k, v in counts.items())
            + ": the lexicons and patterns are English (`tables/corpus.csv` has each document's language).")
