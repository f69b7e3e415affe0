"""Passages: segments (sentences and quotations), paragraph-pair scores and their alignment."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..parallel import chunk_bounds, give_back_freed_memory, run_chunks, workers
from ..quotations import quote_spans
from ._base import (
    MIN_NEAR_DUPLICATE_SCORE, MIN_PASSAGE_SCORE, MIN_QUOTE_CHARS, MIN_SEGMENT_TERMS, SCORE_COLUMNS,
    SEGMENT_COLUMNS, _DECIMALS, _content_terms, _languages_by_doc, _ordered_units, _pairs_frame, _sentence_terms,
    _term_weights,
)


# --------------------------------------------------------------------------------------------
# Passages: segments, paragraph-pair scores, alignment
# --------------------------------------------------------------------------------------------


def segments(units: pd.DataFrame, *, min_terms: int = MIN_SEGMENT_TERMS, splitter: str = "auto",
             sents: pd.DataFrame | None = None) -> pd.DataFrame:
    """The sentences and quotations of each paragraph that are long enough to be evidence of shared text.

    Quotations (text between “ ”, " " or « ») are segments of their own as well as part of their sentence, so
    a statement quoted inside a sentence with a different attribution ("..., the spokesman wrote on Twitter")
    is compared without the attribution.

    Args:
        units: Body paragraphs (``doc_id``, ``para_id``, ``text``). Not modified.
        min_terms: Segments with fewer content words (stems, stop words out, numbers kept) are left out.
        splitter: Sentence splitter, as in :func:`kzanalysis.sentences`.
        sents: ``kz.sentences(units, splitter=splitter)`` if already computed (split here otherwise); sentences
            of paragraphs not in ``units`` are left out.

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
    return _segments(units, min_terms=min_terms, splitter=splitter, sents=sents)[0]


class _SegmentTexts:
    """The texts of segments without a copy of each: sentences' from the sentences table they were cut from,
    quotations' of their own. Passage scoring keeps this instead of a text column (at 100,000 articles the
    segments' texts are as large as the sentences', 0.67 GB) and takes the few it lists.

    Example:
        >>> texts = _SegmentTexts(pd.Series(["One.", "Two."]), ["a quote"])
        >>> texts.take(np.array([1, -1, 2])).tolist()  # sources: sentence 1, none, the first quotation
        ['Two.', '', 'a quote']
    """

    def __init__(self, sentences: pd.Series, quotes: list[str]) -> None:
        self._all = pd.concat([sentences.astype(str).reset_index(drop=True), pd.Series([*quotes, ""], dtype=str)],
                              ignore_index=True)  # the last: no segment

    def take(self, sources: np.ndarray) -> pd.Series:
        """The texts of these sources (rows of the sentences, then the quotations in order); ``-1``: ``""``."""
        return self._all.take(np.where(sources >= 0, sources, len(self._all) - 1)).reset_index(drop=True)


def _segments(units: pd.DataFrame, *, min_terms: int, splitter: str, sents: pd.DataFrame | None,
              texts: bool = True) -> tuple[pd.DataFrame, list[list[str]], _SegmentTexts | None]:
    """:func:`segments`, and the content stems of each of its rows (read once, not kept in the memo of
    :func:`_remembered_terms`: only passage scoring reads sentences, and at 100,000 articles their stems were
    several GB held to the end of the run). With ``texts=False`` the table has a ``source`` column in place of
    ``text``, and the texts come as :class:`_SegmentTexts`."""
    from ..tokenize import sentences

    ordered = _ordered_units(units)
    if sents is None:
        sents = sentences(ordered, splitter=splitter)  # type: ignore[arg-type]
    else:
        keys = set(zip(ordered["doc_id"].astype(str), ordered["para_id"].astype("int64")))
        sents = sents[np.asarray([key in keys for key in zip(sents["doc_id"].astype(str),
                                                             sents["para_id"].astype("int64"))], dtype=bool)]
    quotes = [(str(doc_id), int(para_id), text[start + 1:end - 1].strip(" ,."))
              for doc_id, para_id, text in zip(ordered["doc_id"], ordered["para_id"], ordered["text"])
              if isinstance(text, str)
              for start, end, level, closed in quote_spans(text)
              if level == 0 and closed and end - start - 2 >= MIN_QUOTE_CHARS]
    quote_docs, quote_paras, quote_texts = (list(column) for column in zip(*quotes)) if quotes else ([], [], [])
    del quotes
    # the sentences' columns as they are (a row of Python objects per sentence, its text copied out of Arrow, was
    # the largest memory of passage scoring at 100,000 articles), the quotations after them
    frame = pd.DataFrame({
        "doc_id": pd.concat([sents["doc_id"].astype(str), pd.Series(quote_docs, dtype=str)], ignore_index=True),
        "para_id": np.concatenate([sents["para_id"].to_numpy(dtype=np.int64), np.asarray(quote_paras, dtype=np.int64)]),
        "kind": pd.Series(np.repeat(np.array(["sentence", "quote"], dtype=object), [len(sents), len(quote_docs)]),
                          dtype=str)})
    if texts:
        frame["text"] = pd.concat([sents["text"].astype(str), pd.Series(quote_texts, dtype=str)], ignore_index=True)
    languages = _languages_by_doc(ordered)
    terms = _sentence_terms(sents, languages)  # the rows' first len(sents) are the sentences
    terms += [_content_terms(t, languages.get(d, "en"), remember=False) for d, t in zip(quote_docs, quote_texts)]
    source_texts = None if texts else _SegmentTexts(sents["text"], quote_texts)
    kept = np.asarray([len(found) >= min_terms for found in terms], dtype=bool)
    frame = frame[kept]
    frame = frame.assign(kind_order=(frame["kind"] == "quote").astype(int), row=np.flatnonzero(kept))
    frame = frame.sort_values(["doc_id", "para_id", "kind_order"], kind="stable").drop(columns="kind_order")
    terms = [terms[row] for row in frame["row"]]
    frame["seg_id"] = frame.groupby(["doc_id", "para_id"]).cumcount().astype("int64")
    frame["para_id"] = frame["para_id"].astype("int64")
    columns = list(SEGMENT_COLUMNS) if texts else [c for c in SEGMENT_COLUMNS if c != "text"] + ["source"]
    return frame.rename(columns={"row": "source"})[columns].reset_index(drop=True), terms, source_texts


PARALLEL_MIN_PAIRS = 2000
"""Below this many document pairs, passages are scored in one process (starting workers costs more)."""
CHUNK_BLOCKS = 500
"""Documents per chunk of passage scoring (each with all its partners): bounds a chunk's memory and lets the
work spread evenly over the workers."""
_LCS_CELLS = 1 << 20
"""Cells of the subsequence programme per batch of pairs (:func:`_lcs_weights`): a few arrays of this many
floats at a time."""
_LCS_PAIRS = 1 << 16
"""Pairs whose shared terms :func:`_lcs_weights` finds at once (a few arrays of their terms, tens of MB)."""

_HALF_UNIT = 0.5 * 10.0 ** -_DECIMALS
"""Half the last digit scores are rounded to: a score this far below a floor still rounds up to it."""


class _Coded:
    """Term sequences coded as integers, with idf weights, and a row x term matrix for prefiltering.

    Row ``i``'s codes are ``values[starts[i]:starts[i + 1]]`` (one flat array: a list of Python ints per row
    costs nine times the memory); ``totals`` holds each row's total weight; ``weighted`` (CSR, each row's distinct
    terms in ascending order) holds each term's weight times its count in the row.
    """

    def __init__(self, term_lists: list[list[str]], vocabulary: dict[str, int], weights: np.ndarray) -> None:
        lengths = np.fromiter(map(len, term_lists), dtype=np.int64, count=len(term_lists))
        self.starts = np.zeros(len(term_lists) + 1, dtype=np.int64)
        np.cumsum(lengths, out=self.starts[1:])
        self.values = np.fromiter((vocabulary[t] for terms in term_lists for t in terms), dtype=np.int32,
                                  count=int(self.starts[-1]))
        self.totals = np.asarray([weights[self.values[a:b]].sum() for a, b in zip(self.starts[:-1], self.starts[1:])],
                                 dtype=np.float64)
        # each term's count in its row (a term twice in a row: summed), then times its weight in place (a
        # product matrix beside the counts was the largest memory of the overlap notebook at 100,000 articles)
        self.weighted = sp.csr_matrix((np.ones(len(self.values)), self.values.copy(), self.starts.copy()),
                                      shape=(len(term_lists), len(vocabulary)))
        self.weighted.sum_duplicates()
        self.weighted.sort_indices()
        self.weighted.data *= weights[self.weighted.indices]

    def plain(self) -> _Coded:
        """The same rows in plain numpy arrays. A worker process receives memory-mapped ones, and each index into
        a ``numpy.memmap`` goes through its Python-level ``__getitem__`` (a sixth of the subsequence time when it
        was walked pair by pair, profiled at 10,000 articles); a plain view of the same memory indexes in C."""
        out = object.__new__(_Coded)
        out.starts, out.values, out.totals = np.asarray(self.starts), np.asarray(self.values), np.asarray(self.totals)
        weighted = self.weighted
        out.weighted = sp.csr_matrix((np.asarray(weighted.data), np.asarray(weighted.indices),
                                      np.asarray(weighted.indptr)), shape=weighted.shape)
        return out


def _lcs_weights(coded: _Coded, rows_a: np.ndarray, rows_b: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Largest total weight of a common subsequence (terms in the same order, gaps allowed) of each row pair
    ``(rows_a[k], rows_b[k])`` of ``coded``.

    A term only one row of a pair has is in no common subsequence, so each pair is first cut to the terms both
    rows have (two passages share few). Then the dynamic programme of the weighted longest common subsequence,
    for many pairs at once: ``L[i, j]``, the best over the first ``i`` terms of ``a`` and the first ``j`` of
    ``b``, is the running maximum over ``j`` of ``L[i - 1, j]`` and, where ``a[i] == b[j]``,
    ``L[i - 1, j - 1] + w(a[i])``; so one row of every pair in a batch is a few array operations. Pairs go in
    batches of similar lengths (at most :data:`_LCS_CELLS` cells of the programme), padded to the batch's longest
    rows. Every chain's weight is summed in its own order, so each total is the same float whichever side is
    walked.

    Example:
        >>> weights = np.array([0.0, 1.0, 2.0, 4.0, 9.0])
        >>> coded = _Coded([[1, 2, 3], [2, 4, 3, 1]], {n: n for n in range(5)}, weights)
        >>> _lcs_weights(coded, np.array([0, 0]), np.array([1, 0]), weights).tolist()  # 2 then 3: 2 + 4
        [6.0, 7.0]
    """
    if len(rows_a) > _LCS_PAIRS:  # the shared terms of this many pairs at a time
        return np.concatenate([_lcs_weights(coded, rows_a[s:s + _LCS_PAIRS], rows_b[s:s + _LCS_PAIRS], weights)
                               for s in range(0, len(rows_a), _LCS_PAIRS)])
    out = np.zeros(len(rows_a), dtype=np.float64)
    shared_a, shared_b = _shared_terms(coded, rows_a, rows_b), _shared_terms(coded, rows_b, rows_a)
    swap = np.diff(shared_a[1]) > np.diff(shared_b[1])  # each pair's shorter row is walked
    shorter, longer = _either(shared_a, shared_b, swap), _either(shared_b, shared_a, swap)
    short, long = np.diff(shorter[1]), np.diff(longer[1])
    order = np.lexsort((short, long))
    order = order[short[order] > 0]
    start = 0
    while start < len(order):  # as many pairs as fit the cells, padded to the batch's longest rows
        stop = min(start + max(1, _LCS_CELLS // int(long[order[start]] * short[order[start]])), len(order))
        while stop - start > 1 and (stop - start) * long[order[stop - 1]] * short[order[start:stop]].max() > _LCS_CELLS:
            stop = start + (stop - start) // 2
        batch = order[start:stop]
        out[batch] = _lcs_batch(_padded(*shorter, batch, fill=-1), _padded(*longer, batch, fill=-2), weights)
        start = stop
    return out


def _shared_terms(coded: _Coded, rows: np.ndarray, others: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The codes of each row of ``rows`` that its partner ``others[k]`` has too, in order, as ``(values,
    starts)``: pair ``k``'s are ``values[starts[k]:starts[k + 1]]``.

    Example:
        >>> coded = _Coded([["x", "y", "x"], ["x", "z"]], {"x": 0, "y": 1, "z": 2}, np.ones(3))
        >>> [x.tolist() for x in _shared_terms(coded, np.array([0, 1]), np.array([1, 1]))]
        [[0, 0, 0, 2], [0, 2, 4]]
    """
    entries, owner = _ranges(coded.starts, rows)
    matrix = coded.weighted  # each row's distinct terms, ascending: the partners' keys come out sorted
    other_entries, other_owner = _ranges(matrix.indptr, others)
    size = matrix.shape[1] + 1  # more than any code
    keys = owner.astype(np.int64) * size + coded.values[entries]
    other_keys = other_owner.astype(np.int64) * size + matrix.indices[other_entries]
    found = np.minimum(np.searchsorted(other_keys, keys), max(len(other_keys) - 1, 0))
    keep = other_keys[found] == keys if len(other_keys) else np.zeros(len(keys), dtype=bool)
    starts = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(np.bincount(owner[keep], minlength=len(rows)), out=starts[1:])
    return coded.values[entries[keep]].astype(np.int64), starts


def _either(first: tuple[np.ndarray, np.ndarray], second: tuple[np.ndarray, np.ndarray], take_second: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray]:
    """Rows given as ``(values, starts)`` (row ``k`` is ``values[starts[k]:starts[k + 1]]``): row ``k`` of
    ``second`` where ``take_second[k]``, else of ``first``.

    Example:
        >>> first, second = (np.array([1, 2, 3]), np.array([0, 1, 3])), (np.array([7, 8, 9]), np.array([0, 2, 3]))
        >>> [x.tolist() for x in _either(first, second, np.array([True, False]))]
        [[7, 8, 2, 3], [0, 2, 4]]
    """
    lengths = np.where(take_second, np.diff(second[1]), np.diff(first[1]))
    starts = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=starts[1:])
    values = np.empty(int(starts[-1]), dtype=np.int64)
    for (source, source_starts), rows in ((first, np.flatnonzero(~take_second)), (second, np.flatnonzero(take_second))):
        values[_ranges(starts, rows)[0]] = source[_ranges(source_starts, rows)[0]]
    return values, starts


def _lcs_batch(codes_a: np.ndarray, codes_b: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """:func:`_lcs_weights` of one batch: row ``k`` of ``codes_a`` against row ``k`` of ``codes_b``, each padded
    with a code that matches nothing; ``codes_a`` (the narrower) walked term by term."""
    terms_a = np.where(codes_a >= 0, weights[np.maximum(codes_a, 0)], 0.0)
    best = np.zeros((len(codes_a), codes_b.shape[1] + 1), dtype=np.float64)  # L[i, 0..n] of each pair
    for i in range(codes_a.shape[1]):
        reach = best[:, :-1] + terms_a[:, i:i + 1]  # a chain taking a[i] at column j extends one before it
        np.maximum(best[:, 1:], np.where(codes_a[:, i:i + 1] == codes_b, reach, 0.0), out=best[:, 1:])
        np.maximum.accumulate(best, axis=1, out=best)
    return best[:, -1]


def _padded(values: np.ndarray, starts: np.ndarray, rows: np.ndarray, *, fill: int) -> np.ndarray:
    """Rows ``values[starts[r]:starts[r + 1]]`` of each ``r`` in ``rows`` as a matrix, ``fill`` after a row's end.

    Example:
        >>> _padded(np.array([5, 6, 7]), np.array([0, 1, 3]), np.array([0, 1]), fill=-1).tolist()
        [[5, -1], [6, 7]]
    """
    lengths = starts[rows + 1] - starts[rows]
    width = int(lengths.max(initial=0))
    valid = np.arange(width)[np.newaxis, :] < lengths[:, np.newaxis]
    at = np.where(valid, starts[rows][:, np.newaxis] + np.arange(width)[np.newaxis, :], 0)
    return np.where(valid, values[at], fill)


def _dice(coded: _Coded, rows_a: np.ndarray, rows_b: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The weighted Dice score of each row pair: twice the common subsequence's weight over both rows'."""
    total = coded.totals[rows_a] + coded.totals[rows_b]
    common = _lcs_weights(coded, rows_a, rows_b, weights)
    return np.where(total > 0, 2.0 * common / np.where(total > 0, total, 1.0), 0.0)


def _scorable_pairs(
    coded: _Coded, rows_a: np.ndarray, rows_b: np.ndarray, floors: np.ndarray, *, min_shared: int = 2,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row pairs ``(i, j)`` of ``rows_a`` x ``rows_b`` that share ``min_shared`` terms and can score ``floors[j]``.

    A common subsequence holds only terms both rows have, so its weight is at most the weight of the terms of
    one row that the other contains (counted as often as that row has them): ``W(LCS) <= min(Wa(a in b),
    Wb(b in a))``, and the Dice score is at most ``2 * min(...) / (W(a) + W(b))``. Pairs whose bound is below
    their floor (less half a unit of the rounding of scores) cannot reach it and are never scored: an exact
    filter, nothing that could pass is lost.
    Returned as positions into ``rows_a`` and ``rows_b``, sorted, with each pair's bound on its score.

    The rows' terms are joined on the term directly (a sort and a search): the blocks are small (one document's
    paragraphs against its partners'), and three sparse matrix products per block spent most of their time in
    scipy's checks, not in the arithmetic.
    """
    matrix = coded.weighted
    entries_a, owner_a = _ranges(matrix.indptr, rows_a)  # (row, term) entries: each row's distinct terms
    entries_b, owner_b = _ranges(matrix.indptr, rows_b)
    terms_b = matrix.indices[entries_b]
    by_term = np.argsort(terms_b, kind="stable")
    terms_b, entries_b, owner_b = terms_b[by_term], entries_b[by_term], owner_b[by_term]
    terms_a = matrix.indices[entries_a]
    first, last = np.searchsorted(terms_b, terms_a, side="left"), np.searchsorted(terms_b, terms_a, side="right")
    # every (entry of a, entry of b) with the same term: a term both rows have, once per row pair
    lengths = last - first
    which_a = np.repeat(np.arange(len(terms_a)), lengths)
    which_b = first[which_a] + np.arange(int(lengths.sum())) - (np.cumsum(lengths) - lengths)[which_a]
    keys = owner_a[which_a] * len(rows_b) + owner_b[which_b]  # i * len(rows_b) + j: sorted keys are sorted (i, j)
    dense = len(rows_a) * len(rows_b) <= 4 * len(keys)  # most (i, j) share a term: a bin for each, no sort of keys
    if dense:
        at, size = keys, len(rows_a) * len(rows_b)
    else:
        pair, at = np.unique(keys, return_inverse=True)
        size = len(pair)
    # each sum runs over the pair's entries in the same order either way, so the bounds are the same to the bit
    shared = np.bincount(at, minlength=size)
    bound_a = np.bincount(at, weights=matrix.data[entries_a[which_a]], minlength=size)
    bound_b = np.bincount(at, weights=matrix.data[entries_b[which_b]], minlength=size)
    if dense:  # the pairs are the bins that got a shared term
        pair = np.flatnonzero(shared)
        shared, bound_a, bound_b = shared[pair], bound_a[pair], bound_b[pair]
    row, column = pair // max(len(rows_b), 1), pair % max(len(rows_b), 1)
    bound = 2.0 * np.minimum(bound_a, bound_b)
    total = coded.totals[rows_a][row] + coded.totals[rows_b][column]
    reach = floors[column] - _HALF_UNIT  # scores are rounded before they meet a threshold
    keep = (shared >= min_shared) & (bound >= reach * total - 1e-9)
    return row[keep], column[keep], (bound / np.maximum(total, 1e-300))[keep]


def _ranges(bounds: np.ndarray, items: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows ``bounds[n]:bounds[n + 1]`` of each item ``n`` of ``items``, concatenated, and which position in
    ``items`` each row came from.

    Example:
        >>> [x.tolist() for x in _ranges(np.array([0, 2, 5, 6]), np.array([2, 0]))]
        [[5, 0, 1], [0, 1, 1]]
    """
    lengths = bounds[items + 1] - bounds[items]
    owner = np.repeat(np.arange(len(items)), lengths)
    first = np.cumsum(lengths) - lengths
    return bounds[items][owner] + np.arange(int(lengths.sum())) - first[owner], owner


def _score_blocks(
    blocks: list[tuple[int, np.ndarray, np.ndarray]], units: _Coded, segs: _Coded, weights: np.ndarray,
    unit_bounds: np.ndarray, seg_bounds: np.ndarray, seg_unit: np.ndarray,
) -> np.ndarray:
    """The scored paragraph pairs of some documents against their partners (the work of :func:`passage_scores`).

    Each block is ``(a, partners, floors)``: a document's position, its partners' positions (in the sorted
    documents) and each partner's floor. ``unit_bounds`` and ``seg_bounds`` give each document's rows of
    ``units`` and ``segs``; ``seg_unit`` each segment's paragraph row. A block is worked out on its own (every
    paragraph pair it lists has a paragraph of its document ``a``), so blocks can go to different workers.

    Returns:
        One row per scored paragraph pair, columns ``unit_a``, ``unit_b``, ``para_score``, ``segment_score``,
        ``seg_a``, ``seg_b`` (-1: no segment pair scored), ``floor``, as float64 (the row numbers are exact).
    """
    units, segs = units.plain(), segs.plain()
    # the pairs that can reach their floor, over all blocks: whole paragraphs, and sentences (or quotations)
    found_units: list[tuple[np.ndarray, ...]] = []
    found_segs: list[tuple[np.ndarray, ...]] = []
    for a, partners, floors in blocks:
        rows_a = np.arange(unit_bounds[a], unit_bounds[a + 1])
        rows_b, owner = _ranges(unit_bounds, partners)
        if len(rows_a) == 0 or len(rows_b) == 0:
            continue
        i, j, _ = _scorable_pairs(units, rows_a, rows_b, floors[owner])
        found_units.append((rows_a[i], rows_b[j], floors[owner][j]))
        srows_a = np.arange(seg_bounds[a], seg_bounds[a + 1])
        srows_b, seg_owner = _ranges(seg_bounds, partners)
        if len(srows_a) and len(srows_b):
            i, j, _ = _scorable_pairs(segs, srows_a, srows_b, floors[seg_owner])
            found_segs.append((srows_a[i], srows_b[j], floors[seg_owner][j]))
    ua, ub, unit_floor = _joined(found_units, 3)
    sa, sb, seg_floor = _joined(found_segs, 3)
    # a paragraph pair is listed when its paragraphs or any of their segments could reach the floor
    n_units = len(units.starts) - 1
    keys, first = np.unique(np.concatenate([ua * n_units + ub, seg_unit[sa] * n_units + seg_unit[sb]]),
                            return_index=True)
    floor = np.concatenate([unit_floor, seg_floor])[first]  # one floor per document pair, so per paragraph pair
    key_a, key_b = keys // max(n_units, 1), keys % max(n_units, 1)
    para_score = _dice(units, key_a, key_b, weights)
    best = _best_segments(segs, sa, sb, np.searchsorted(keys, seg_unit[sa] * n_units + seg_unit[sb]), len(keys),
                          weights)
    # a paragraph pair listed on its whole-paragraph score may have had its sentence pairs skipped (none could
    # reach the floor): score all of them, so that segment_score is the best sentence pair's for every listed row
    again = np.flatnonzero((floor > 0) & (para_score >= floor - _HALF_UNIT) & (best[0] < floor - _HALF_UNIT))
    pairs_again: list[tuple[np.ndarray, ...]] = []
    for n in again:
        seg_a = np.arange(*np.searchsorted(seg_unit, [key_a[n], key_a[n] + 1]))
        seg_b = np.arange(*np.searchsorted(seg_unit, [key_b[n], key_b[n] + 1]))
        if len(seg_a) and len(seg_b):
            i, j, _ = _scorable_pairs(segs, seg_a, seg_b, np.zeros(len(seg_b)))
            pairs_again.append((seg_a[i], seg_b[j], np.full(len(i), n)))
    sa, sb, at = _joined(pairs_again, 3)
    for column, rescored in zip(best, _best_segments(segs, sa, sb, at, len(keys), weights)):
        column[again] = rescored[again]
    return np.column_stack([key_a, key_b, para_score, *best, floor]).astype(np.float64)


def _joined(parts: list[tuple[np.ndarray, ...]], width: int) -> list[np.ndarray]:
    """The arrays of ``parts`` joined position by position (``width`` empty integer arrays when none)."""
    if not parts:
        return [np.zeros(0, dtype=np.int64) for _ in range(width)]
    return [np.concatenate(column) for column in zip(*parts)]


def _best_segments(segs: _Coded, sa: np.ndarray, sb: np.ndarray, at: np.ndarray, size: int, weights: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each of ``size`` paragraph pairs, its best-scoring segment pair among ``(sa[k], sb[k])`` (the pairs
    with ``at[k] == n`` belong to paragraph pair ``n``): the score, and the two segment rows (``-1`` where no
    pair scored above 0). Ties go to the first pair listed.

    Example:
        >>> segs = _Coded([["x", "y"], ["x", "y"], ["x", "y"], ["z"]], {"x": 0, "y": 1, "z": 2}, np.ones(3))
        >>> at = np.array([1, 1, 1])  # three segment pairs of paragraph pair 1; (0, 1) and (0, 2) tie
        >>> [x.tolist() for x in _best_segments(segs, np.array([0, 0, 0]), np.array([3, 1, 2]), at, 2, np.ones(3))]
        [[0.0, 1.0], [-1, 0], [-1, 1]]
    """
    score, seg_a, seg_b = np.zeros(size), np.full(size, -1, dtype=np.int64), np.full(size, -1, dtype=np.int64)
    scores = _dice(segs, sa, sb, weights)
    order = np.lexsort((np.arange(len(at)), -scores, at))  # each pair's best first, then the first listed
    top = order[np.r_[True, at[order][1:] != at[order][:-1]]] if len(order) else order
    top = top[scores[top] > 0]
    score[at[top]], seg_a[at[top]], seg_b[at[top]] = scores[top], sa[top], sb[top]
    return score, seg_a, seg_b


def _scored_pairs(pairs: pd.DataFrame, *, min_score: float) -> pd.DataFrame:
    """``doc_a < doc_b``, one row per pair, with its floor: the pair's ``min_score`` column or ``min_score``."""
    if not len(pairs):
        return pd.DataFrame({"doc_a": pd.Series(dtype=str), "doc_b": pd.Series(dtype=str),
                             "min_score": pd.Series(dtype=float)})
    a, b = pairs["doc_a"].astype(str).to_numpy(), pairs["doc_b"].astype(str).to_numpy()
    floors = pairs["min_score"].astype(float).to_numpy() if "min_score" in pairs else np.full(len(pairs), min_score)
    frame = pd.DataFrame({"doc_a": np.where(a < b, a, b), "doc_b": np.where(a < b, b, a), "min_score": floors})
    frame = frame[frame["doc_a"] != frame["doc_b"]]
    frame = frame.groupby(["doc_a", "doc_b"], sort=True, as_index=False)["min_score"].min()
    return frame


def passage_scores(
    units: pd.DataFrame,
    pairs: pd.DataFrame,
    *,
    min_segment_terms: int = MIN_SEGMENT_TERMS,
    min_score: float = 0.0,
    splitter: str = "auto",
    sents: pd.DataFrame | None = None,
    n_jobs: int | None = -1,
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

    Work grows with the pairs that can matter, not with paragraphs squared: the paragraph (sentence) pairs whose
    shared terms cannot reach ``min_score`` (the bound of :func:`_scorable_pairs`: a common subsequence holds
    only shared terms) are skipped without computing their subsequence, and only pairs scoring at least
    ``min_score`` are listed. With the default 0 every pair sharing two stems is listed.

    Args:
        units: Body paragraphs of the corpus (``doc_id``, ``para_id``, ``text``). Not modified.
        pairs: Document pairs (``doc_a``, ``doc_b``), e.g. from :func:`candidate_pairs`; an optional
            ``min_score`` column sets the floor pair by pair.
        min_segment_terms: Shortest sentence or quotation (in content words) that counts as a passage.
        min_score: Floor of the listed scores (for pairs without a ``min_score`` column). Listed rows are
            scored in full: the same ``para_score`` and ``segment_score`` as with no floor.
        splitter: Sentence splitter, as in :func:`kzanalysis.sentences`.
        sents: ``kz.sentences(units, splitter=splitter)`` if already computed (split here otherwise).
        n_jobs: Workers, scikit-learn's meaning (``-1``: all cores, or the cluster's threads after
            :func:`kzanalysis.parallel.use_scheduler`); one below :data:`PARALLEL_MIN_PAIRS` document pairs. Each
            worker scores the pairs of whole documents, so the table is the same for any number.

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
    pairs = _scored_pairs(pairs, min_score=min_score)
    if pairs.empty or ordered.empty:
        return empty
    languages = _languages_by_doc(ordered)
    unit_terms = [_content_terms(t, languages.get(d, "en")) for d, t in zip(ordered["doc_id"], ordered["text"])]
    segs, seg_terms, seg_texts = _segments(ordered, min_terms=min_segment_terms, splitter=splitter, sents=sents,
                                           texts=False)
    idf = _term_weights(unit_terms)
    vocabulary = {t: n for n, t in enumerate(sorted(set(idf) | {t for terms in seg_terms for t in terms}))}
    default = math.log(1 + len(unit_terms)) + 1.0
    weights = np.asarray([idf.get(t, default) for t in vocabulary], dtype=np.float64)
    give_back_freed_memory()  # what cutting the segments freed (Python strings), before their large coded arrays
    coded_units = _Coded(unit_terms, vocabulary, weights)
    coded_segs = _Coded(seg_terms, vocabulary, weights)
    del unit_terms, seg_terms, idf, vocabulary
    # documents by position in sorted order; each one's paragraphs (segments) are one run of rows
    docs, para_ids = ordered["doc_id"].to_numpy().astype(str), ordered["para_id"].to_numpy()
    doc_ids = np.unique(docs)
    unit_bounds = np.append(np.searchsorted(docs, doc_ids, side="left"), len(ordered)).astype(np.int64)
    seg_docs = segs["doc_id"].to_numpy().astype(str)
    seg_bounds = np.append(np.searchsorted(seg_docs, doc_ids, side="left"), len(segs)).astype(np.int64)
    unit_index = {key: n for n, key in enumerate(zip(ordered["doc_id"], ordered["para_id"]))}
    seg_unit = np.asarray([unit_index[(d, p)] for d, p in zip(segs["doc_id"], segs["para_id"])], dtype=np.int64)
    known = pairs[pairs["doc_a"].isin(doc_ids) & pairs["doc_b"].isin(doc_ids)]
    pos_a = np.searchsorted(doc_ids, known["doc_a"].to_numpy().astype(str))
    pos_b = np.searchsorted(doc_ids, known["doc_b"].to_numpy().astype(str))
    floors = known["min_score"].to_numpy(dtype=np.float64)
    starts = np.flatnonzero(np.r_[True, pos_a[1:] != pos_a[:-1]]) if len(pos_a) else np.zeros(0, dtype=np.int64)
    stops = np.r_[starts[1:], len(pos_a)]
    blocks = [(int(pos_a[s]), pos_b[s:e], floors[s:e]) for s, e in zip(starts, stops)]  # one per document a
    n_workers = workers(n_jobs, len(known), min_items=PARALLEL_MIN_PAIRS)
    found = run_chunks(_score_blocks, blocks, chunk_bounds(len(blocks), n_workers, chunk_size=CHUNK_BLOCKS),
                       (coded_units, coded_segs, weights, unit_bounds, seg_bounds, seg_unit),
                       n_jobs=n_workers, desc="passage scores", show=False)
    del coded_units, coded_segs  # the workers' output is all that is left to read
    table = np.concatenate(found) if found else np.zeros((0, 7))
    del found
    para_score = np.round(table[:, 2], _DECIMALS)
    segment_score = np.round(table[:, 3], _DECIMALS)
    score = np.maximum(para_score, segment_score)
    keep = (score > 0) & (score >= table[:, 6] - 1e-9)
    if not keep.any():
        return empty
    ua, ub = table[keep, 0].astype(np.int64), table[keep, 1].astype(np.int64)
    sa, sb = table[keep, 4].astype(np.int64), table[keep, 5].astype(np.int64)
    # rows of `ordered` run in (doc_id, para_id) order and ua < ub (doc_a < doc_b): sorting the row numbers sorts
    # by doc_a, para_a, doc_b, para_b without comparing strings; the (ua, ub) pairs are unique
    order = np.lexsort((ub, ua))
    ua, ub, sa, sb = ua[order], ub[order], sa[order], sb[order]
    doc_objects = ordered["doc_id"].to_numpy(dtype=object)  # the frame's strings, not a new one per row
    give_back_freed_memory()  # what coding and scoring freed, before Arrow (its own allocator) takes the texts
    sources = np.append(segs["source"].to_numpy(dtype=np.int64), -1)  # position -1: no segment pair, ""
    return pd.DataFrame({
        "doc_a": doc_objects[ua],
        "para_a": para_ids[ua].astype("int64"),
        "doc_b": doc_objects[ub],
        "para_b": para_ids[ub].astype("int64"),
        "score": score[keep][order],
        "para_score": para_score[keep][order],
        "segment_score": segment_score[keep][order],
        "segment_a": seg_texts.take(sources[sa]).array,
        "segment_b": seg_texts.take(sources[sb]).array,
    }).astype({"segment_a": str, "segment_b": str})


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
    # group the rows by document pair on integer codes: the frame is neither copied nor turned into Python
    # strings row by row (at 100,000 articles, millions of scored pairs); only the kept rows are taken at the end
    code_a, names_a = pd.factorize(scores["doc_a"], use_na_sentinel=False)
    code_b, names_b = pd.factorize(scores["doc_b"], use_na_sentinel=False)
    order = np.argsort(code_a * len(names_b) + code_b, kind="stable")  # scores is not empty here
    code_a, code_b = code_a[order], code_b[order]
    para_a, para_b = scores["para_a"].to_numpy()[order], scores["para_b"].to_numpy()[order]
    value = scores["score"].to_numpy(dtype=np.float64)[order]
    starts = np.flatnonzero(np.r_[True, (code_a[1:] != code_a[:-1]) | (code_b[1:] != code_b[:-1])])
    pair = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(order)]))  # each sorted row's pair
    is_low = np.zeros(len(starts), dtype=bool)
    if low:
        pair_names = zip(np.asarray(names_a, dtype=object)[code_a[starts]],
                         np.asarray(names_b, dtype=object)[code_b[starts]])
        is_low = np.fromiter((tuple(map(str, names)) in low for names in pair_names), dtype=bool, count=len(starts))
    threshold = np.where(is_low, near_duplicate_min_score, min_score)
    passed = np.flatnonzero(value >= threshold[pair])
    if len(passed) == 0:
        return scores.iloc[0:0].copy()
    pair = pair[passed]  # nondecreasing: each pair's passing rows are one run
    # each passing row's paragraphs numbered 0, 1, ... within its pair; a pair whose passing rows hold no
    # paragraph twice is one to one already (kept without a loop over them)
    index_a, distinct_a = _dense_ranks(pair, para_a[passed], len(starts))
    index_b, distinct_b = _dense_ranks(pair, para_b[passed], len(starts))
    n_rows = np.bincount(pair, minlength=len(starts))
    repeated = (distinct_a < n_rows) | (distinct_b < n_rows)
    kept: list[np.ndarray] = [passed[~repeated[pair]]]
    for n in np.flatnonzero(repeated):  # the others: the one-to-one matching of largest total score
        run = slice(np.searchsorted(pair, n, side="left"), np.searchsorted(pair, n, side="right"))
        rows, at_a, at_b = passed[run], index_a[run], index_b[run]
        matrix = np.zeros((distinct_a[n], distinct_b[n]))
        matrix[at_a, at_b] = value[rows]
        chosen = np.zeros(matrix.shape, dtype=bool)  # every row in it passed the floor: a picked row is kept
        chosen[linear_sum_assignment(matrix, maximize=True)] = True
        kept.append(rows[chosen[at_a, at_b]])
    aligned = scores.iloc[np.sort(order[np.concatenate(kept)])]
    return aligned.sort_values(["doc_a", "para_a", "doc_b", "para_b"], kind="stable").reset_index(drop=True)


def _dense_ranks(group: np.ndarray, values: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Each row's value numbered among the distinct values of its group (0 for the smallest), and how many
    distinct values each of ``size`` groups has (``group[k]`` is row ``k``'s group).

    Example:
        >>> [x.tolist() for x in _dense_ranks(np.array([0, 0, 0, 2]), np.array([9, 4, 9, 7]), 3)]
        [[1, 0, 1, 0], [2, 0, 1]]
    """
    values = values - values.min(initial=0)
    span = int(values.max(initial=0)) + 1
    keys, inverse = np.unique(group * span + values, return_inverse=True)  # (group, value), sorted
    first = np.searchsorted(keys, np.arange(size) * span)  # each group's first key
    return inverse - first[group], np.bincount(keys // span, minlength=size)


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
    # only the keys of the alignment and the texts of the aligned documents' paragraphs are read, and neither table
    # is filtered whole (a filter copies its texts: at 100,000 planted articles on one core, each of those copies
    # was in turn the comparison's largest memory)
    keys = ["doc_a", "para_a", "doc_b", "para_b"]
    kept = alignment.loc[alignment["score"] >= min_score, keys] if len(alignment) else alignment
    if kept.empty:
        return pd.DataFrame({c: pd.Series(dtype=str if c.startswith("doc") else float) for c in columns})
    ordered = _ordered_units(units)
    involved = ordered["doc_id"].isin(set(kept["doc_a"]) | set(kept["doc_b"])).to_numpy()
    languages = _languages_by_doc(ordered)
    size = pd.DataFrame({"doc_id": ordered["doc_id"].astype(str), "para_id": ordered["para_id"].astype("int64"),
                         "n": [len(_content_terms(t, languages.get(d, "en"))) if read else 0
                               for d, t, read in zip(ordered["doc_id"], ordered["text"], involved)]})
    size = size.groupby(["doc_id", "para_id"], as_index=False)["n"].sum()
    totals = size.groupby("doc_id")["n"].sum()
    pairs = kept[["doc_a", "doc_b"]].astype(str).assign(para_a=kept["para_a"].astype("int64"),
                                                         para_b=kept["para_b"].astype("int64"))
    result = pairs.groupby(["doc_a", "doc_b"], sort=True).size().rename("n_aligned").reset_index()
    for side in ("a", "b"):
        covered = (pairs[["doc_a", "doc_b", f"para_{side}"]].drop_duplicates()
                   .merge(size, left_on=[f"doc_{side}", f"para_{side}"], right_on=["doc_id", "para_id"], how="left")
                   .groupby(["doc_a", "doc_b"], sort=True)["n"].sum())
        covered = covered.reindex(pd.MultiIndex.from_frame(result[["doc_a", "doc_b"]])).fillna(0).to_numpy()
        total = totals.reindex(result[f"doc_{side}"]).fillna(0).to_numpy()
        # Python's round on Python numbers (numpy's rounds 0.14375 the other way)
        result[f"coverage_{side}"] = [round(int(c) / max(int(t), 1), _DECIMALS) for c, t in zip(covered, total)]
    return result[columns]
