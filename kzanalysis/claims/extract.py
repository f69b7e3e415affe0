"""Numeric claims: how many were killed, injured or detained, who, on whose word; compared across outlets."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .._rows import iter_rows
from ._base import CASUALTY_KINDS, CLAIM_COLUMNS
from ..clean import map_body_units
from ..corpus import CorpusParts
from .numbers import (
    VAGUE_RANGES, _AS_OF, _HEDGES, _KIND_BEFORE, _KIND_NOUNS, _KIND_PATTERNS, _NUMBER, _QUALIFIER_BEFORE,
    _WEAK_VAGUE, _WHO_SKIP, _WHO_STOP, _WHO_WORD, _Mention, _mentions, _sentence_counts, _sentences,
)


# --------------------------------------------------------------------------------------------------
# Citations (shared by claims and sources): read by kz.quotes, placed on sentences here



@dataclass(frozen=True)
class _Citation:
    source: str
    cue: str
    start: int  # offset of the cue in its unit
    chained: bool  # "citing X" / "quoting X": X is the further source of the sentence's main source


def _sentence_citations(units: pd.DataFrame, sents: pd.DataFrame, *, quoted_speakers: bool = True,
                        quotes: pd.DataFrame | None = None, citations: pd.DataFrame | None = None
                        ) -> list[list[_Citation]]:
    """The citations of each sentence row (in order), from ``kz.quotes``.

    A sentence's citations are the speech cues inside it (``kz.citations``). With ``quoted_speakers``, a
    sentence inside a quotation whose speaker is given (a quotation of several sentences, cut by the sentence
    splitter) is cited to that speaker, and a sentence holding a quotation puts the quotation's speaker first:
    claims and framing name the same speaker for the same quotation. ``quotes`` and ``citations``: those of
    ``units`` if already read (both; read here otherwise).
    """
    from kzanalysis.quotations import _read

    result: list[list[_Citation]] = [[] for _ in range(len(sents))]
    if not len(sents):
        return result
    quoted, found = _read(units) if quotes is None or citations is None else (quotes, citations)
    quoted = quoted[(quoted["level"] == 0) & (quoted["speaker"] != "")]
    cites_of: dict[tuple[object, int], list[tuple[int, _Citation]]] = {}
    for c in iter_rows(found):
        cites_of.setdefault((c.doc_id, int(c.para_id)), []).append(
            (int(c.start), _Citation(c.source, c.cue, int(c.start), bool(c.chained))))
    quotes_of: dict[tuple[object, int], list[tuple[int, int, str]]] = {}
    for q in iter_rows(quoted):
        quotes_of.setdefault((q.doc_id, int(q.para_id)), []).append((int(q.start), int(q.end), str(q.speaker)))
    for i, (doc_id, para_id, start, end) in enumerate(zip(sents["doc_id"], sents["para_id"], sents["start"],
                                                          sents["end"])):
        key = (doc_id, int(para_id))
        own = [c for at, c in cites_of.get(key, []) if start <= at < end]
        speakers = [(q_start, who) for q_start, q_end, who in quotes_of.get(key, []) if q_start < end and start < q_end
                    and quoted_speakers]
        if speakers:
            q_start, who = speakers[0]
            main = next((c for c in own if not c.chained and c.source == who), None)
            own = [main or _Citation(who, "quotation", q_start, False)] + [c for c in own if c is not main]
        result[i] = own
    return result


def _check_no_tables_for_parts(**tables: pd.DataFrame | None) -> None:
    """A corpus in parts is split and read part by part: tables of the whole corpus cannot be given with it."""
    given = [name for name, table in tables.items() if table is not None]
    if given:
        raise ValueError(f"sentences and quotations are read part by part from a corpus in parts; pass "
                         f"{', '.join(f'{name}=None' for name in given)}")


def _attribution(citations: list[_Citation]) -> str:
    """The sentence's attribution as one string: "X" or, with "citing"/"quoting", "Y via X"."""
    main = next((c for c in citations if not c.chained), None)
    further = next((c for c in citations if c.chained), None)
    if main and further:
        return f"{further.source} via {main.source}"
    return (further or main).source if (further or main) else ""


# --------------------------------------------------------------------------------------------------
# Claims


def _kind_after(words: list[str]) -> str:
    for word in words[:10]:
        bare = word.strip("“”\"‘’'.,;:()")
        for kind, pattern in _KIND_PATTERNS:
            if pattern.match(bare):
                return kind
    return "other"


def _who(after: str) -> tuple[str, str]:
    """(who, kind noun) from the words right after a number: "protesters", "law enforcement officers"."""
    words = after.split()
    kept: list[str] = []
    skipping = True
    for i, raw in enumerate(words):
        match = _WHO_WORD.match(raw.rstrip(",.;:!?)"))
        if not match or _NUMBER.fullmatch(raw.strip("“”\"‘’'.,;:")):
            break
        word = match.group(1)
        lower = word.lower()
        if skipping and lower in _WHO_SKIP:
            continue
        skipping = False
        if _KIND_NOUNS.match(lower) and not kept:
            return "", _kind_after([lower])
        if lower in _WHO_STOP or any(p.match(lower) for _, p in _KIND_PATTERNS):
            break
        if lower == "and" and (i + 1 >= len(words) or words[i + 1].lower().strip(",.") in _WHO_STOP):
            break
        kept.append(word)
        if raw[-1:] in ",.;:!?)" or len(kept) >= 5:
            break
    while kept and kept[-1].lower() == "and":
        kept.pop()
    if len(kept) > 1 and kept[-1].lower().endswith("ed"):  # "cars torched": a participle, not part of who
        kept.pop()
    return " ".join(kept), ""


def _sentence_claims(sentence: str, cites: list[_Citation], counts: tuple[_Mention, ...] | None = None
                     ) -> list[dict[str, object]]:
    """The claims of one sentence: one per ``count`` mention (found here unless ``counts`` gives them)."""
    if counts is None:
        counts = tuple(m for m in _mentions(sentence) if m.role == "count")
    if not counts:
        return []
    hedges = [h.lower() for h in _HEDGES.findall(sentence)]
    as_of = ["as of" + m.group(0)[5:] for m in _AS_OF.finditer(sentence)]
    attributed = _attribution(cites)
    claims: list[dict[str, object]] = []
    previous_who = ""
    for i, m in enumerate(counts):
        stop = counts[i + 1].start if i + 1 < len(counts) else len(sentence)
        after = sentence[m.end: stop]
        before = sentence[: m.start]
        qualifier = _QUALIFIER_BEFORE.search(before)
        core_before = before[: qualifier.start()] if qualifier else before
        kind_before = _KIND_BEFORE.search(core_before)
        who, noun_kind = _who(after)
        if kind_before:
            verb = (kind_before.group("verb") or "").lower()
            kind = "killed" if kind_before.group("toll") else _kind_after([verb])
        elif noun_kind:
            kind = noun_kind
        else:
            kind = _kind_after(after.split())
        if m.quantity_word in _WEAK_VAGUE and kind == "other":
            continue
        if not who and kind != "other":
            who = previous_who
        previous_who = who if kind != "other" else previous_who
        parts = ([qualifier.group("q").lower()] if qualifier else []) + hedges + as_of
        claims.append({
            "quantity": m.quantity,
            "quantity_word": m.quantity_word,
            "qualifier": "; ".join(dict.fromkeys(parts)),
            "unit_kind": kind,
            "who": who.replace("“", "").replace("”", "").replace('"', ""),
            "attributed_to": attributed,
        })
    return claims


def extract_claims(units: pd.DataFrame | CorpusParts, *, splitter: str = "auto",
                   sents: pd.DataFrame | None = None, quotes: pd.DataFrame | None = None,
                   citations: pd.DataFrame | None = None, numbers: pd.DataFrame | None = None) -> pd.DataFrame:
    """Numeric claims in body text: how many, of what (killed, injured, detained, other), who, on whose word.

    Works sentence by sentence. Each ``count`` number of :func:`number_mentions` (dates, years,
    percentages, ages, durations, times, money and numbers inside names are left out) becomes one
    claim. Its kind is read from a verb or noun right before it ("killing 26", "death toll rose to
    164") or else the first casualty word in the ten words after it, before the next number
    ("18 officers had been killed", "748 injured", "thousands of protesters detained"); no such word
    gives ``other``. ``who`` is the noun phrase right after the number ("law enforcement officers",
    "armed criminals", quotes dropped); an elided one ("... killed and 748 injured") is carried over
    from the previous claim of the sentence. ``qualifier`` joins a qualifier right before the number
    ("more than", "at least"), hedges anywhere in the sentence ("reportedly") and "as of <date>".
    ``attributed_to`` is the source the sentence cites ("according to X", "X said/reported",
    "citing X", inverted "reports X"); "X reported, citing Y" gives "Y via X"; "he"/"it"/"the
    statement" is resolved to the last named source of the same or the two previous paragraphs.
    "Several", "multiple", "many" and "numerous" count only next to a casualty word.

    Args:
        units: One row per analysis unit with ``doc_id``, ``para_id``, ``text``. Not modified.
            Or a corpus in parts (:func:`kzanalysis.corpus_parts`): each part's body units as a Dask task
            (:func:`kzanalysis.clean.map_body_units`); ``sents``, ``quotes`` and ``citations`` must then be ``None``.
        splitter: Sentence splitter, as in :func:`kzanalysis.sentences`.
        sents: ``kz.sentences(units, splitter=splitter)`` if already computed (split here otherwise).
        quotes: ``kz.quotes(units)`` if already read, with ``citations`` (both are read here otherwise), e.g. a
            report run's shared ones (``inputs.quotes(units)``).
        citations: ``kz.citations(units)`` if already read, with ``quotes``.
        numbers: :func:`number_mentions` of the same ``sents`` if already computed: the claims' numbers are its
            ``count`` mentions (the sentences are not searched for numbers again; the claims are the same).

    Returns:
        One row per claim, sorted by ``doc_id, para_id`` and position: ``doc_id``, ``para_id``,
        ``quantity`` (integer; missing for words like "dozens"), ``quantity_word`` (vague word, else
        empty), ``qualifier``, ``unit_kind`` (killed / injured / detained / other), ``who``,
        ``attributed_to`` (empty when the sentence cites no one), ``text`` (the sentence).

    Example:
        >>> units = pd.DataFrame({"doc_id": ["a"], "para_id": [0],
        ...                       "text": ["Police said more than 3,000 protesters had been detained."]})
        >>> extract_claims(units)[["quantity", "qualifier", "unit_kind", "who", "attributed_to"]].values.tolist()
        [[3000, 'more than', 'detained', 'protesters', 'Police']]
    """
    if isinstance(units, CorpusParts):
        _check_no_tables_for_parts(sents=sents, quotes=quotes, citations=citations, numbers=numbers)
        return map_body_units(extract_claims, units, splitter=splitter)
    sents = _sentences(units, splitter, sents).reset_index(drop=True)
    cites = _sentence_citations(units, sents, quotes=quotes, citations=citations)
    counts = [None] * len(sents) if numbers is None else _sentence_counts(numbers, sents)
    rows = []
    for sent, sent_cites, sent_counts in zip(iter_rows(sents), cites, counts):
        for claim in _sentence_claims(sent.text, sent_cites, sent_counts):
            rows.append({"doc_id": sent.doc_id, "para_id": sent.para_id, **claim, "text": sent.text})
    table = pd.DataFrame(rows, columns=CLAIM_COLUMNS)
    table["quantity"] = table["quantity"].astype("Int64")
    table["para_id"] = table["para_id"].astype("int64")
    return table.sort_values(["doc_id", "para_id"], kind="stable").reset_index(drop=True)


def claims_from_text(text: str, *, splitter: str = "auto") -> pd.DataFrame:
    """:func:`extract_claims` on one text (doc_id ``"text"``, para_id 0): for trying the rules on a sentence.

    Example:
        >>> claims_from_text("Dozens have died, hundreds have been injured.")[["quantity_word", "unit_kind"]].values.tolist()
        [['dozens', 'killed'], ['hundreds', 'injured']]
    """
    return extract_claims(pd.DataFrame({"doc_id": ["text"], "para_id": [0], "text": [text]}), splitter=splitter)


def casualty_claims(claims: pd.DataFrame) -> pd.DataFrame:
    """The claims about people killed, injured or detained (``unit_kind`` other than ``other``).

    Example:
        >>> len(casualty_claims(claims_from_text("Two cars burned and 18 people were killed.")))
        1
    """
    return claims[claims["unit_kind"].isin(CASUALTY_KINDS)].reset_index(drop=True)


def _figure(quantity: object, word: str, qualifier: str) -> str:
    number = f"{int(quantity):,}" if pd.notna(quantity) else word  # type: ignore[call-overload]
    lead = next((q for q in qualifier.split("; ") if q and q not in ("reportedly",) and not q.startswith("as of")), "")
    return f"{lead} {number}".strip()


def compare_claims(claims: pd.DataFrame, corpus: pd.DataFrame) -> pd.DataFrame:
    """Side by side: each casualty or detention figure, which outlet reports it, and on whose authority.

    Args:
        claims: Output of :func:`extract_claims` (or hand labels with the same columns).
        corpus: Output of ``load_corpus`` (``doc_id``, ``outlet``).

    Returns:
        One row per casualty claim, sorted by ``unit_kind`` (killed, injured, detained), ``who``,
        largest figure first, then ``doc_id``: ``unit_kind``, ``who``, ``figure`` (e.g. "more than
        3,000", "dozens"), ``quantity``, ``low`` and ``high`` (the figure's range: the number itself,
        or the conventional range of a vague word, :data:`VAGUE_RANGES`), ``doc_id``, ``outlet``,
        ``para_id``, ``attributed_to`` ("unattributed" when the sentence names no source),
        ``qualifier``.

    Example:
        >>> import kzanalysis as kz
        >>> corpus = pd.DataFrame({"doc_id": ["text"], "outlet": ["X"]})
        >>> compare_claims(claims_from_text("Police said 6,044 people were arrested."), corpus)["figure"].tolist()
        ['6,044']
    """
    columns = ["unit_kind", "who", "figure", "quantity", "low", "high", "doc_id", "outlet", "para_id",
               "attributed_to", "qualifier"]
    data = casualty_claims(claims)
    if data.empty:
        return pd.DataFrame(columns=columns)
    outlets = dict(zip(corpus["doc_id"], corpus["outlet"])) if "outlet" in corpus else {}
    low = [float(q) if pd.notna(q) else VAGUE_RANGES.get(w, (float("nan"),) * 2)[0]
           for q, w in zip(data["quantity"], data["quantity_word"])]
    high = [float(q) if pd.notna(q) else VAGUE_RANGES.get(w, (float("nan"),) * 2)[1]
            for q, w in zip(data["quantity"], data["quantity_word"])]
    table = pd.DataFrame({
        "unit_kind": data["unit_kind"],
        "who": data["who"].fillna(""),
        "figure": [_figure(q, w, str(f)) for q, w, f in zip(data["quantity"], data["quantity_word"], data["qualifier"])],
        "quantity": data["quantity"],
        "low": low,
        "high": high,
        "doc_id": data["doc_id"],
        "outlet": [str(outlets.get(d, "unknown")) for d in data["doc_id"]],
        "para_id": data["para_id"],
        "attributed_to": data["attributed_to"].fillna("").replace("", "unattributed"),
        "qualifier": data["qualifier"].fillna(""),
    })
    order = {k: i for i, k in enumerate(CASUALTY_KINDS)}
    table = table.assign(_k=table["unit_kind"].map(order), _h=-table["high"])
    table = table.sort_values(["_k", "who", "_h", "doc_id", "para_id"], kind="stable")
    return table.drop(columns=["_k", "_h"]).reset_index(drop=True)


def figures_by_outlet(comparison: pd.DataFrame) -> pd.DataFrame:
    """A wide, readable view of :func:`compare_claims`: each kind and group, what each outlet reports, on whose word.

    Args:
        comparison: Output of :func:`compare_claims`.

    Returns:
        One row per (``unit_kind``, ``who``) in the comparison's order, one column per outlet (sorted);
        a cell lists that outlet's figures as "figure (source)", joined by " | ", empty when it reports none.
        ``n_distinct_figures`` counts the different figures across outlets (2 or more: the outlets differ).

    Example:
        >>> comparison = pd.DataFrame({"unit_kind": ["detained"] * 2, "who": ["people"] * 2, "figure": ["4,404", "6,044"],
        ...                            "outlet": ["IANS", "Reuters"], "attributed_to": ["unattributed", "Police"]})
        >>> figures_by_outlet(comparison).iloc[0, :4].tolist()
        ['detained', 'people', '4,404 (unattributed)', '6,044 (Police)']
    """
    outlets = sorted(comparison["outlet"].astype(str).unique()) if len(comparison) else []
    columns = ["unit_kind", "who", *outlets, "n_distinct_figures"]
    if comparison.empty:
        return pd.DataFrame(columns=columns)
    data = pd.DataFrame({"unit_kind": comparison["unit_kind"], "who": comparison["who"],
                         "outlet": comparison["outlet"].astype(str), "figure": comparison["figure"],
                         "cell": [f"{f} ({a})" for f, a in zip(comparison["figure"], comparison["attributed_to"])]})
    groups = data.groupby(["unit_kind", "who"], sort=False)
    table = groups["figure"].nunique().rename("n_distinct_figures").reset_index()  # groups in order of appearance
    cells = (data.groupby(["unit_kind", "who", "outlet"], sort=False)["cell"]
             .agg(lambda found: " | ".join(dict.fromkeys(found))).unstack("outlet"))
    table = table.join(cells.reindex(columns=outlets), on=["unit_kind", "who"])
    table[outlets] = table[outlets].fillna("")
    table["n_distinct_figures"] = table["n_distinct_figures"].astype(int)
    return table[columns].reset_index(drop=True)
