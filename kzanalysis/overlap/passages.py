"""Passages: segments (sentences and quotations), paragraph-pair scores and their alignment."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..quotations import quote_spans
from ._base import (
    MIN_NEAR_DUPLICATE_SCORE, MIN_PASSAGE_SCORE, MIN_QUOTE_CHARS, MIN_SEGMENT_TERMS, SCORE_COLUMNS,
    SEGMENT_COLUMNS, _DECIMALS, _content_terms, _languages_by_doc, _ordered_units, _pairs_frame, _term_weights,
)


# --------------------------------------------------------------------------------------------
# Passages: segments, paragraph-pair scores, alignment
# --------------------------------------------------------------------------------------------


def segments(units: pd.DataFrame, *, min_terms: int = MIN_SEGMENT_TERMS, splitter: str = "auto") -> pd.DataFrame:
    """The sentences and quotations of each paragraph that are long enough to be evidence of shared text.

    Quotations (text between “ ”, " " or « ») are segments of their own as well as part of their sentence, so
    a statement quoted inside a sentence with a different attribution ("..., the spokesman wrote on Twitter")
    is compared without the attribution.

    Args:
        units: Body paragraphs (``doc_id``, ``para_id``, ``text``). Not modified.
        min_terms: Segments with fewer content words (stems, stop words out, numbers kept) are left out.
        splitter: Sentence splitter, as in :func:`kzanalysis.sentences`.

    Returns:
        One row per segment, sorted by ``doc_id, para_id, seg_id``: ``doc_id``, ``para_id``, ``seg_id``
        (0-based within the paragraph: sentences first, then quotations), ``kind`` (``"sentence"`` or
        ``"quote"``), ``text``.

    Example:
        >>> units = pd.DataFrame({"doc_id": ["a"], "para_id": [0], "text": [
        ...     '“We will restore constitutional order in every region of the country,” Tokayev said.']})
        >>> segments(units)["kind"].tolist()
        ['sentence', 'quote']
    """
    from ..tokenize import sentences

    ordered = _ordered_units(units)
    rows: list[tuple[str, int, str, str]] = []
    sents = sentences(ordered, splitter=splitter)  # type: ignore[arg-type]
    for doc_id, para_id, text in zip(sents["doc_id"], sents["para_id"], sents["text"]):
        rows.append((str(doc_id), int(para_id), "sentence", text))
    for doc_id, para_id, text in zip(ordered["doc_id"], ordered["para_id"], ordered["text"]):
        text = text if isinstance(text, str) else ""
        for start, end, level, closed in quote_spans(text):
            if level == 0 and closed and end - start - 2 >= MIN_QUOTE_CHARS:
                rows.append((str(doc_id), int(para_id), "quote", text[start + 1:end - 1].strip(" ,.")))
    frame = pd.DataFrame(rows, columns=["doc_id", "para_id", "kind", "text"])
    languages = _languages_by_doc(ordered)
    frame = frame[[len(_content_terms(t, languages.get(d, "en"))) >= min_terms
                   for d, t in zip(frame["doc_id"], frame["text"])]]
    frame = frame.assign(kind_order=(frame["kind"] == "quote").astype(int))
    frame = frame.sort_values(["doc_id", "para_id", "kind_order"], kind="stable").drop(columns="kind_order")
    frame["seg_id"] = frame.groupby(["doc_id", "para_id"]).cumcount().astype("int64")
    frame["para_id"] = frame["para_id"].astype("int64")
    return frame[list(SEGMENT_COLUMNS)].reset_index(drop=True)


class _Coded:
    """Term sequences coded as integers, with idf weights, and a binary row x term matrix for prefiltering."""

    def __init__(self, term_lists: list[list[str]], vocabulary: dict[str, int], weights: np.ndarray) -> None:
        self.codes = [np.asarray([vocabulary[t] for t in terms], dtype=np.int64) for terms in term_lists]
        self.totals = np.asarray([weights[c].sum() for c in self.codes], dtype=np.float64)
        rows = np.repeat(np.arange(len(self.codes)), [len(c) for c in self.codes])
        columns = np.concatenate(self.codes) if self.codes else np.zeros(0, dtype=np.int64)
        matrix = sp.csr_matrix((np.ones(len(columns)), (rows, columns)), shape=(len(self.codes), len(vocabulary)))
        matrix.sum_duplicates()
        matrix.data[:] = 1.0
        self.binary = matrix


def _weighted_lcs(a: np.ndarray, b: np.ndarray, weights: np.ndarray) -> float:
    """Largest total weight of a common subsequence of ``a`` and ``b`` (terms in the same order, gaps allowed).

    One numpy pass per term of ``a``: ``L[i, j] = cummax_j max(L[i-1, j], L[i-1, j-1] + w(a_i) [a_i == b_j])``.
    """
    previous = np.zeros(len(b) + 1)
    for term in a[np.isin(a, b)]:  # a term b lacks leaves the row unchanged
        match = b == term
        diagonal = np.where(match, previous[:-1] + weights[term], -np.inf)
        previous[1:] = np.maximum.accumulate(np.maximum(previous[1:], diagonal))
    return float(previous[-1])


def _dice(coded_a: _Coded, i: int, coded_b: _Coded, j: int, weights: np.ndarray) -> float:
    total = coded_a.totals[i] + coded_b.totals[j]
    if total <= 0:
        return 0.0
    return 2.0 * _weighted_lcs(coded_a.codes[i], coded_b.codes[j], weights) / total


def _shared_term_pairs(binary_a: sp.csr_matrix, binary_b: sp.csr_matrix, min_shared: int) -> tuple[np.ndarray, np.ndarray]:
    shared = (binary_a @ binary_b.T).tocoo()
    keep = shared.data >= min_shared
    order = np.lexsort((shared.col[keep], shared.row[keep]))
    return shared.row[keep][order], shared.col[keep][order]


def passage_scores(
    units: pd.DataFrame,
    pairs: pd.DataFrame,
    *,
    min_segment_terms: int = MIN_SEGMENT_TERMS,
    splitter: str = "auto",
) -> pd.DataFrame:
    """Score every paragraph pair of the given document pairs for shared text, robust to rewording and order.

    Each paragraph becomes its sequence of content stems (stop words out, numbers kept), each stem weighted by
    its idf over all paragraphs of ``units`` (a rare word shared is stronger evidence than "Kazakhstan").
    Two sequences score the weighted Dice of their weighted longest common subsequence:
    ``2 * W(LCS) / (W(a) + W(b))``: 1 for the same words in the same order, lower as words are replaced,
    dropped or moved. Translation rewording keeps most content words in order, so the score stays high,
    while two paragraphs that merely mention the same people score low. A paragraph pair is scored at two
    levels: whole paragraphs (``para_score``), and the best pair of their sentences or quotations
    (``segment_score``, see :func:`segments`), which finds a statement quoted inside an otherwise different
    paragraph. ``score`` is the larger of the two. Only paragraph (segment) pairs sharing at least two content
    stems are scored; the rest score 0 and are not listed.

    Args:
        units: Body paragraphs of the corpus (``doc_id``, ``para_id``, ``text``). Not modified.
        pairs: Document pairs (``doc_a``, ``doc_b``), e.g. from :func:`candidate_pairs`.
        min_segment_terms: Shortest sentence or quotation (in content words) that counts as a passage.
        splitter: Sentence splitter, as in :func:`kzanalysis.sentences`.

    Returns:
        One row per scored paragraph pair, sorted by ``doc_a, para_a, doc_b, para_b``: ``doc_a``, ``para_a``,
        ``doc_b``, ``para_b`` (``doc_a < doc_b``; para ids as in ``paragraphs``), ``score``, ``para_score``,
        ``segment_score``, ``segment_a``, ``segment_b`` (the best-matching sentence or quotation of each
        paragraph; empty when no segment pair was scored). Scores rounded to 4 decimals.

    Example:
        >>> units = pd.DataFrame({"doc_id": ["a", "b"], "para_id": [0, 0], "text": [
        ...     "The presidents exchanged views on the measures taken to restore order in Kazakhstan.",
        ...     "The presidents exchanged opinions on the measures being taken to restore order in Kazakhstan."]})
        >>> float(passage_scores(units, pd.DataFrame({"doc_a": ["a"], "doc_b": ["b"]}))["score"].iloc[0]) > 0.8
        True
    """
    ordered = _ordered_units(units)
    empty = pd.DataFrame({c: pd.Series(dtype=str if c in ("doc_a", "doc_b", "segment_a", "segment_b")
                                       else ("int64" if c in ("para_a", "para_b") else float))
                          for c in SCORE_COLUMNS})
    pairs = _pairs_frame(pairs["doc_a"].astype(str).tolist(), pairs["doc_b"].astype(str).tolist()) \
        if len(pairs) else pd.DataFrame({"doc_a": [], "doc_b": []})
    if pairs.empty or ordered.empty:
        return empty
    languages = _languages_by_doc(ordered)
    unit_terms = [_content_terms(t, languages.get(d, "en")) for d, t in zip(ordered["doc_id"], ordered["text"])]
    segs = segments(ordered, min_terms=min_segment_terms, splitter=splitter)
    seg_terms = [_content_terms(t, languages.get(d, "en")) for d, t in zip(segs["doc_id"], segs["text"])]
    idf = _term_weights(unit_terms)
    vocabulary = {t: n for n, t in enumerate(sorted(set(idf) | {t for terms in seg_terms for t in terms}))}
    default = math.log(1 + len(unit_terms)) + 1.0
    weights = np.asarray([idf.get(t, default) for t in vocabulary], dtype=np.float64)
    coded_units = _Coded(unit_terms, vocabulary, weights)
    coded_segs = _Coded(seg_terms, vocabulary, weights)
    unit_rows = ordered.groupby("doc_id", sort=True).indices
    seg_rows = segs.groupby("doc_id", sort=True).indices if len(segs) else {}
    unit_index = {key: n for n, key in enumerate(zip(ordered["doc_id"], ordered["para_id"]))}
    seg_unit = np.asarray([unit_index[(d, p)] for d, p in zip(segs["doc_id"], segs["para_id"])], dtype=np.int64)
    para_ids = ordered["para_id"].to_numpy()
    seg_texts = segs["text"].tolist()
    records: dict[tuple[int, int], list] = {}
    for doc_a, doc_b in zip(pairs["doc_a"], pairs["doc_b"]):
        rows_a, rows_b = unit_rows.get(doc_a), unit_rows.get(doc_b)
        if rows_a is None or rows_b is None:
            continue
        for i, j in zip(*_shared_term_pairs(coded_units.binary[rows_a], coded_units.binary[rows_b], 2)):
            ua, ub = int(rows_a[i]), int(rows_b[j])
            records[(ua, ub)] = [_dice(coded_units, ua, coded_units, ub, weights), 0.0, "", ""]
        srows_a, srows_b = seg_rows.get(doc_a), seg_rows.get(doc_b)
        if srows_a is None or srows_b is None:
            continue
        for i, j in zip(*_shared_term_pairs(coded_segs.binary[srows_a], coded_segs.binary[srows_b], 2)):
            sa, sb = int(srows_a[i]), int(srows_b[j])
            score = _dice(coded_segs, sa, coded_segs, sb, weights)
            key = (int(seg_unit[sa]), int(seg_unit[sb]))
            record = records.setdefault(key, [0.0, 0.0, "", ""])
            if score > record[1]:
                record[1:] = [score, seg_texts[sa], seg_texts[sb]]
    if not records:
        return empty
    keys = sorted(records)
    ua = np.asarray([k[0] for k in keys])
    ub = np.asarray([k[1] for k in keys])
    values = [records[k] for k in keys]
    para_score = np.round([v[0] for v in values], _DECIMALS)
    segment_score = np.round([v[1] for v in values], _DECIMALS)
    result = pd.DataFrame({
        "doc_a": ordered["doc_id"].to_numpy()[ua].astype(str),
        "para_a": para_ids[ua].astype("int64"),
        "doc_b": ordered["doc_id"].to_numpy()[ub].astype(str),
        "para_b": para_ids[ub].astype("int64"),
        "score": np.maximum(para_score, segment_score),
        "para_score": para_score,
        "segment_score": segment_score,
        "segment_a": [v[2] for v in values],
        "segment_b": [v[3] for v in values],
    })
    result = result[result["score"] > 0]
    return result.sort_values(["doc_a", "para_a", "doc_b", "para_b"], kind="stable").reset_index(drop=True)


def align_passages(
    scores: pd.DataFrame,
    *,
    min_score: float = MIN_PASSAGE_SCORE,
    near_duplicates: pd.DataFrame | None = None,
    near_duplicate_min_score: float = MIN_NEAR_DUPLICATE_SCORE,
) -> pd.DataFrame:
    """Which paragraphs correspond: a one-to-one matching of paragraphs per document pair.

    For each document pair, the paragraph pairs scoring at least the threshold are matched one to one so that
    the total score is largest (the Hungarian method, ``scipy.optimize.linear_sum_assignment``); order plays no
    part, so moved paragraphs are found. Inside a near-duplicate pair (the same story in another version) the
    threshold is the lower ``near_duplicate_min_score``, because there every paragraph is expected to have a
    counterpart and the one-to-one matching keeps weak but unique matches honest.

    Args:
        scores: From :func:`passage_scores`.
        min_score: Threshold for ordinary pairs.
        near_duplicates: Document pairs (``doc_a``, ``doc_b``) aligned with the lower threshold.
        near_duplicate_min_score: Threshold inside near-duplicate pairs.

    Returns:
        The matched rows of ``scores`` (same columns), sorted by ``doc_a, para_a, doc_b, para_b``.

    Example:
        >>> scores = pd.DataFrame({"doc_a": ["a", "a"], "para_a": [0, 0], "doc_b": ["b", "b"], "para_b": [0, 1],
        ...                        "score": [0.9, 0.5]})
        >>> align_passages(scores)["para_b"].tolist()
        [0]
    """
    from scipy.optimize import linear_sum_assignment

    if scores.empty:
        return scores.copy()
    low = set()
    if near_duplicates is not None and len(near_duplicates):
        low = set(zip(near_duplicates["doc_a"].astype(str), near_duplicates["doc_b"].astype(str)))
    kept: list[pd.DataFrame] = []
    for (doc_a, doc_b), group in scores.groupby(["doc_a", "doc_b"], sort=True):
        threshold = near_duplicate_min_score if (doc_a, doc_b) in low else min_score
        group = group[group["score"] >= threshold]
        if group.empty:
            continue
        rows_a = np.unique(group["para_a"])
        rows_b = np.unique(group["para_b"])
        matrix = np.zeros((len(rows_a), len(rows_b)))
        matrix[np.searchsorted(rows_a, group["para_a"]), np.searchsorted(rows_b, group["para_b"])] = group["score"]
        picked_a, picked_b = linear_sum_assignment(matrix, maximize=True)
        chosen = {(rows_a[i], rows_b[j]) for i, j in zip(picked_a, picked_b) if matrix[i, j] >= threshold}
        kept.append(group[[(a, b) in chosen for a, b in zip(group["para_a"], group["para_b"])]])
    if not kept:
        return scores.iloc[0:0].copy()
    aligned = pd.concat(kept, ignore_index=True)
    return aligned.sort_values(["doc_a", "para_a", "doc_b", "para_b"], kind="stable").reset_index(drop=True)


def alignment_coverage(alignment: pd.DataFrame, units: pd.DataFrame, *, min_score: float = 0.0) -> pd.DataFrame:
    """How much of each document lies in aligned paragraphs.

    Args:
        alignment: From :func:`align_passages`.
        units: The body paragraphs the alignment was made from.
        min_score: Count only aligned rows scoring at least this.

    Returns:
        One row per document pair with an aligned row: ``doc_a``, ``doc_b``, ``n_aligned``, ``coverage_a``
        and ``coverage_b`` (share of the document's content words, stems without stop words, that lie in its
        aligned paragraphs).

    Example:
        >>> units = pd.DataFrame({"doc_id": ["a", "a", "b"], "para_id": [0, 1, 0],
        ...                       "text": ["Troops guard airport.", "Prices rose sharply.", "Troops guard airport."]})
        >>> aligned = pd.DataFrame({"doc_a": ["a"], "para_a": [0], "doc_b": ["b"], "para_b": [0], "score": [1.0]})
        >>> alignment_coverage(aligned, units)[["coverage_a", "coverage_b"]].values.tolist()
        [[0.5, 1.0]]
    """
    columns = ["doc_a", "doc_b", "n_aligned", "coverage_a", "coverage_b"]
    ordered = _ordered_units(units)
    kept = alignment[alignment["score"] >= min_score] if len(alignment) else alignment
    if kept.empty:
        return pd.DataFrame({c: pd.Series(dtype=str if c.startswith("doc") else float) for c in columns})
    languages = _languages_by_doc(ordered)
    size = {(d, int(p)): len(_content_terms(t, languages.get(d, "en")))
            for d, p, t in zip(ordered["doc_id"], ordered["para_id"], ordered["text"])}
    totals: dict[str, int] = {}
    for (d, _), n in size.items():
        totals[d] = totals.get(d, 0) + n
    rows = []
    for (doc_a, doc_b), group in kept.groupby(["doc_a", "doc_b"], sort=True):
        covered_a = sum(size.get((doc_a, int(p)), 0) for p in group["para_a"].unique())
        covered_b = sum(size.get((doc_b, int(p)), 0) for p in group["para_b"].unique())
        rows.append({"doc_a": doc_a, "doc_b": doc_b, "n_aligned": len(group),
                     "coverage_a": round(covered_a / max(totals.get(doc_a, 0), 1), _DECIMALS),
                     "coverage_b": round(covered_b / max(totals.get(doc_b, 0), 1), _DECIMALS)})
    return pd.DataFrame(rows, columns=columns)
