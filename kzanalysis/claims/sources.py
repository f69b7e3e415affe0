"""Sources: who each article cites, typed by a researcher-editable lexicon, and each outlet's sourcing profile."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from .._rows import iter_rows
from ..clean import map_body_units
from ..corpus import CorpusParts
from ._base import SOURCE_COLUMNS, SOURCE_LEXICON, SOURCE_SUMMARY_COLUMNS, SOURCE_TYPE_ORDER, UNCLASSIFIED
from .extract import _check_no_tables_for_parts, _sentence_citations
from .numbers import _sentences


# --------------------------------------------------------------------------------------------------
# Sources


def load_source_lexicon(path: Path | str = SOURCE_LEXICON) -> pd.DataFrame:
    """Read the source typing lexicon: one case-insensitive regular expression per row, first match wins.

    Args:
        path: CSV with columns ``pattern``, ``source_type``, ``note``.

    Returns:
        One row per rule, in file order: ``pattern``, ``source_type``, ``note``.

    Raises:
        ValueError: Naming the file and line when a column is missing or a pattern does not compile.

    Example:
        >>> "state_media" in set(load_source_lexicon()["source_type"])
        True
    """
    path = Path(path)
    lexicon = pd.read_csv(path, dtype=str, keep_default_na=False, comment=None)
    missing = [c for c in ("pattern", "source_type") if c not in lexicon.columns]
    if missing:
        raise ValueError(f"{path}: source lexicon lacks column(s) {missing}; expected pattern, source_type, note")
    for line, row in enumerate(lexicon.itertuples(index=False), start=2):
        try:
            re.compile(row.pattern)
        except re.error as err:
            raise ValueError(f"{path}, line {line}: pattern {row.pattern!r} does not compile: {err}") from err
    if "note" not in lexicon.columns:
        lexicon["note"] = ""
    return lexicon[["pattern", "source_type", "note"]].reset_index(drop=True)


def source_types(lexicon: pd.DataFrame | None = None) -> list[str]:
    """The source types of a lexicon in file order, then ``unclassified``.

    Example:
        >>> source_types()[-1]
        'unclassified'
    """
    lexicon = load_source_lexicon() if lexicon is None else lexicon
    present = list(dict.fromkeys(lexicon["source_type"]))
    ordered = [t for t in SOURCE_TYPE_ORDER if t in present] + [t for t in present if t not in SOURCE_TYPE_ORDER]
    return [*ordered, UNCLASSIFIED]


def type_source(source: str, lexicon: pd.DataFrame | None = None) -> str:
    """The type of one cited source: the ``source_type`` of the first lexicon pattern it matches.

    Example:
        >>> type_source("state television Khabar 24"), type_source("Kremlin"), type_source("Mr Nobody")
        ('state_media', 'foreign_government', 'unclassified')
    """
    lexicon = load_source_lexicon() if lexicon is None else lexicon
    for pattern, kind in zip(lexicon["pattern"], lexicon["source_type"]):
        if re.search(pattern, source, flags=re.IGNORECASE):
            return str(kind)
    return UNCLASSIFIED


def extract_sources(units: pd.DataFrame | CorpusParts, *, lexicon: pd.DataFrame | None = None,
                    splitter: str = "auto", sents: pd.DataFrame | None = None, quotes: pd.DataFrame | None = None,
                    citations: pd.DataFrame | None = None) -> pd.DataFrame:
    """Who each article quotes or cites, typed by the source lexicon.

    A citation is a speech or reporting verb with its subject ("Police said", "the Kremlin said in
    a statement", "Kazhegeldin told Reuters", "protesters saying"), an inverted one after a quote
    or comma ("…,” describes Régis Gente", "reports Xinhua news agency"), or "according to X",
    "citing X", "quoting X". Pronouns and "the statement" are resolved to the last named source of
    the same or the two previous paragraphs, and dropped when there is none. Quotations without a
    speech verb are not counted.

    Args:
        units: One row per analysis unit with ``doc_id``, ``para_id``, ``text``. Not modified.
            Or a corpus in parts (:func:`kzanalysis.corpus_parts`): each part's body units as a Dask task
            (:func:`kzanalysis.clean.map_body_units`); ``sents``, ``quotes`` and ``citations`` must then be ``None``.
        lexicon: Source typing rules (:func:`load_source_lexicon`; the shipped file when ``None``).
        splitter: Sentence splitter, as in :func:`kzanalysis.sentences`.
        sents: ``kz.sentences(units, splitter=splitter)`` if already computed (split here otherwise).
        quotes: ``kz.quotes(units)`` if already read, with ``citations`` (both are read here otherwise).
        citations: ``kz.citations(units)`` if already read, with ``quotes``.

    Returns:
        One row per citation, sorted by ``doc_id, para_id`` and position: ``doc_id``, ``para_id``,
        ``source`` (leading articles and possessive pronouns dropped), ``source_type``, ``cue`` (the
        verb or phrase as written, lower case), ``text`` (the sentence).

    Example:
        >>> units = pd.DataFrame({"doc_id": ["a"], "para_id": [0],
        ...                       "text": ["Police said 6,044 people had been arrested, according to TASS."]})
        >>> extract_sources(units)[["source", "source_type", "cue"]].values.tolist()
        [['Police', 'official', 'said'], ['TASS', 'state_media', 'according to']]
    """
    if isinstance(units, CorpusParts):
        _check_no_tables_for_parts(sents=sents, quotes=quotes, citations=citations)
        return map_body_units(extract_sources, units, lexicon=lexicon, splitter=splitter)
    lexicon = load_source_lexicon() if lexicon is None else lexicon
    sents = _sentences(units, splitter, sents).reset_index(drop=True)
    rows = []
    types: dict[str, str] = {}  # each distinct source typed once (a corpus cites the same few sources again and again)
    cited = _sentence_citations(units, sents, quoted_speakers=False, quotes=quotes, citations=citations)
    for sent, cites in zip(iter_rows(sents), cited):
        for c in sorted(cites, key=lambda c: c.start):
            if c.source not in types:
                types[c.source] = type_source(c.source, lexicon)
            rows.append((sent.doc_id, sent.para_id, c.source, types[c.source], c.cue, sent.text))
    table = pd.DataFrame(rows, columns=SOURCE_COLUMNS)
    table["para_id"] = table["para_id"].astype("int64")
    return table.sort_values(["doc_id", "para_id"], kind="stable").reset_index(drop=True)


def sources_by_outlet(sources: pd.DataFrame, corpus: pd.DataFrame, *,
                      lexicon: pd.DataFrame | None = None) -> pd.DataFrame:
    """Sourcing profile: how many citations of each type each article makes, and their share.

    Args:
        sources: Output of :func:`extract_sources`.
        corpus: Output of ``load_corpus`` (every document gets rows, even one that cites no one).
        lexicon: Gives the list of types (:func:`source_types`); the shipped file when ``None``.

    Returns:
        One row per (document, source type), documents in ``doc_id`` order and types in lexicon
        order: ``doc_id``, ``outlet``, ``source_type``, ``n_citations``, ``share`` (of the
        document's citations, rounded to 4 places; missing when the document cites no one).

    Example:
        >>> corpus = pd.DataFrame({"doc_id": ["a"], "outlet": ["X"]})
        >>> sources = pd.DataFrame({"doc_id": ["a"], "source_type": ["official"]})
        >>> sources_by_outlet(sources, corpus).query("n_citations > 0")[["source_type", "share"]].values.tolist()
        [['official', 1.0]]
    """
    types = source_types(lexicon)
    extra = sorted(set(sources["source_type"]) - set(types))
    types = types + extra
    outlets = corpus.set_index("doc_id")["outlet"] if "outlet" in corpus else pd.Series(dtype=str)
    counts = sources.groupby(["doc_id", "source_type"]).size()
    rows = []
    for doc_id in sorted(corpus["doc_id"]):
        total = int(sum(counts.get((doc_id, t), 0) for t in types))
        for kind in types:
            n = int(counts.get((doc_id, kind), 0))
            rows.append((doc_id, str(outlets.get(doc_id, "unknown")), kind, n,
                         round(n / total, 4) if total else float("nan")))
    return pd.DataFrame(rows, columns=SOURCE_SUMMARY_COLUMNS)
