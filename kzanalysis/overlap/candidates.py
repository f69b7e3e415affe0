"""Candidate pairs: MinHash-LSH buckets and nearest neighbours by TF-IDF cosine, never all pairs of a large corpus."""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from . import _base
from ._base import (
    CandidateMethod, MAX_ALL_PAIRS_DOCS, MAX_NEIGHBOR_TERM_DOCS, MAX_PRODUCT_ENTRIES, MIN_NEIGHBOR_COSINE,
    NEIGHBOR_POOL, SHINGLE_SIZE, _SHINGLE_BASE, _mix64, _ordered_units, _pairs_frame, _remembered_for_units,
    _row_dots,
)
from .sketch import minhash_signatures, shingles


def _band_key(block: np.ndarray) -> np.ndarray:
    """One 64-bit key per row of a band's signature columns: rows agree on the whole band when their keys agree."""
    key = np.zeros(len(block), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for column in range(block.shape[1]):
            key = _mix64(key * _SHINGLE_BASE + block[:, column])
    return key


def _bucket_pairs(key: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every pair ``(first, second)`` of ``rows`` whose keys are equal (each unordered pair of a bucket once).

    Buckets are runs of the sorted keys (numpy), not Python dictionaries.
    """
    order = np.argsort(key, kind="stable")
    sorted_keys = key[order]
    in_run = np.zeros(len(order), dtype=bool)
    same = sorted_keys[1:] == sorted_keys[:-1]
    in_run[1:] |= same
    in_run[:-1] |= same
    members = order[in_run]
    run = np.cumsum(np.concatenate([[True], ~same]))[in_run]
    first: list[np.ndarray] = []
    second: list[np.ndarray] = []
    for distance in range(1, len(members)):
        together = run[distance:] == run[:-distance]
        if not together.any():
            break
        first.append(rows[members[:-distance][together]])
        second.append(rows[members[distance:][together]])
    if not first:
        return np.zeros(0, dtype=rows.dtype), np.zeros(0, dtype=rows.dtype)
    return np.concatenate(first), np.concatenate(second)


def _band_pairs(signatures: np.ndarray, bands: int) -> tuple[np.ndarray, np.ndarray]:
    """Row pairs ``(i, j)``, ``i < j``, that agree on at least one whole band; sorted, without repeats."""
    n_docs, n_perm = signatures.shape
    if bands < 1 or n_perm % bands:
        raise ValueError(f"bands ({bands}) must divide the signature length ({n_perm})")
    rows_per_band = n_perm // bands
    rows = _signed_rows(signatures)
    codes: list[np.ndarray] = []
    found: list[np.ndarray] = []
    for band in range(bands):
        first, second = _bucket_pairs(
            _band_key(signatures[rows, band * rows_per_band:(band + 1) * rows_per_band]), rows)
        found.append(np.minimum(first, second).astype(np.int64) * n_docs + np.maximum(first, second))
        if sum(len(f) for f in found) > 4_000_000:
            codes.append(np.unique(np.concatenate(found)))
            found = []
    codes.append(np.concatenate(found) if found else np.zeros(0, dtype=np.int64))
    unique = np.unique(np.concatenate(codes))
    return unique // n_docs, unique % n_docs


def _signed_rows(signatures: np.ndarray) -> np.ndarray:
    """Rows of documents with at least one shingle (an empty document's signature is all the largest value)."""
    return np.flatnonzero(~(signatures == np.iinfo(signatures.dtype).max).all(axis=1))


def lsh_candidates(signatures: np.ndarray, doc_ids: np.ndarray, *, bands: int = 32) -> pd.DataFrame:
    """Candidate pairs from locality-sensitive hashing: documents whose signatures agree on a whole band.

    With ``r = n_perm / bands`` rows per band, a pair of Jaccard ``s`` becomes a candidate with probability
    ``1 - (1 - s**r)**bands``; for 128 permutations in 32 bands the pair is found with probability 0.5 at
    ``s`` about 0.42 and 0.98 at ``s`` = 0.6. Buckets are found by sorting each band's keys (numpy), not in
    Python dictionaries.

    Args:
        signatures: From :func:`minhash_signatures`.
        doc_ids: The row ids (``Shingles.doc_ids``).
        bands: Number of bands; must divide the signature length.

    Returns:
        One row per candidate pair: ``doc_a``, ``doc_b`` (``doc_a < doc_b``), sorted.

    Example:
        >>> sig = np.array([[1, 2, 3, 4], [1, 2, 9, 9], [7, 7, 7, 7]], dtype=np.uint64)
        >>> lsh_candidates(sig, np.array(["a", "b", "c"]), bands=2).values.tolist()
        [['a', 'b']]
    """
    i, j = _band_pairs(signatures, bands)
    if len(i) == 0:
        return pd.DataFrame({"doc_a": pd.Series(dtype=str), "doc_b": pd.Series(dtype=str)})
    return _pairs_frame(doc_ids[i].tolist(), doc_ids[j].tolist())


def neighbor_candidates(
    matrix: sp.csr_matrix, doc_ids: np.ndarray, *, n_neighbors: int = 10, min_cosine: float = MIN_NEIGHBOR_COSINE,
    max_term_docs: int = MAX_NEIGHBOR_TERM_DOCS, chunk_size: int = 2000,
) -> pd.DataFrame:
    """Candidate pairs from sparse nearest neighbours: each document's most similar documents by cosine.

    Rows are compared a chunk at a time (``chunk_size`` x ``n_documents`` sparse products), so no dense
    document x document matrix is ever built. When a term occurs in more than ``max_term_docs`` documents,
    neighbours are looked for through the rarer terms only: the :data:`NEIGHBOR_POOL` x ``n_neighbors``
    documents with the highest cosine on rarer terms are ranked by their full cosine
    (:data:`MAX_NEIGHBOR_TERM_DOCS` says why; up to that many documents the search is exact).

    Args:
        matrix: L2-normalised CSR rows with no negative weight (e.g. ``kz.tfidf(...).matrix``), one per
            ``doc_ids`` entry.
        doc_ids: The row ids.
        n_neighbors: Neighbours kept per document.
        min_cosine: Neighbours below this cosine are dropped.
        max_term_docs: Terms in more documents than this are not searched through.
        chunk_size: Rows per sparse product (fewer where a chunk's product could exceed
            :data:`MAX_PRODUCT_ENTRIES` non-zeros).

    Returns:
        One row per candidate pair: ``doc_a``, ``doc_b`` (``doc_a < doc_b``), sorted.

    Example:
        >>> m = sp.csr_matrix(np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]]))
        >>> neighbor_candidates(m, np.array(["a", "b", "c"]), n_neighbors=1).values.tolist()
        [['a', 'b'], ['b', 'c']]
        >>> neighbor_candidates(m, np.array(["a", "b", "c"]), n_neighbors=1, max_term_docs=1).values.tolist()
        []
    """
    matrix = sp.csr_matrix(matrix)
    doc_freq = np.bincount(matrix.indices, minlength=matrix.shape[1])
    pruned = doc_freq.size > 0 and doc_freq.max() > max_term_docs
    searched = _without_terms(matrix, doc_freq > max_term_docs) if pruned else matrix
    first: list[np.ndarray] = []
    second: list[np.ndarray] = []
    transposed = searched.T.tocsc()
    for start, stop in _product_chunks(searched, chunk_size=chunk_size):
        product = (searched[start:stop] @ transposed).tocsr()
        i, j = _row_tops(product, start, n_neighbors * NEIGHBOR_POOL if pruned else n_neighbors,
                         min_cosine=-np.inf if pruned else min_cosine)
        if pruned:  # rank the pool by the full cosine
            i, j = _ranked(i, j, _row_dots(matrix, i, j), n_neighbors, min_cosine=min_cosine)
        first.append(i)
        second.append(j)
    if not first or not sum(len(c) for c in first):
        return pd.DataFrame({"doc_a": pd.Series(dtype=str), "doc_b": pd.Series(dtype=str)})
    i = np.concatenate(first)
    j = np.concatenate(second)
    return _pairs_frame(doc_ids[i].tolist(), doc_ids[j].tolist())


def _product_chunks(matrix: sp.csr_matrix, *, chunk_size: int) -> list[tuple[int, int]]:
    """``(start, stop)`` of consecutive row chunks of ``matrix`` whose product with ``matrix.T`` has at most
    :data:`MAX_PRODUCT_ENTRIES` non-zeros (and at most ``chunk_size`` rows; a row above the bound alone).

    A row's product has at most as many non-zeros as the documents of its terms added up (each shared term
    links it to that many documents), so that sum bounds a chunk's memory before it is computed.

    Example:
        >>> _product_chunks(sp.csr_matrix(np.eye(3)), chunk_size=2)
        [(0, 2), (2, 3)]
    """
    n_rows = matrix.shape[0]
    doc_freq = np.bincount(matrix.indices, minlength=matrix.shape[1])
    cost = np.bincount(np.repeat(np.arange(n_rows), np.diff(matrix.indptr)), weights=doc_freq[matrix.indices],
                       minlength=n_rows)
    reached = np.cumsum(cost)
    chunks = []
    start = 0
    while start < n_rows:
        before = reached[start - 1] if start else 0.0
        stop = int(np.searchsorted(reached, before + MAX_PRODUCT_ENTRIES, side="right"))
        stop = min(max(stop, start + 1), start + chunk_size, n_rows)
        chunks.append((start, stop))
        start = stop
    return chunks


def _without_terms(matrix: sp.csr_matrix, drop: np.ndarray) -> sp.csr_matrix:
    """``matrix`` with the columns where ``drop`` is true emptied (same shape, no explicit zeros)."""
    kept = matrix.copy()
    kept.data[drop[kept.indices]] = 0
    kept.eliminate_zeros()
    return kept


def _row_tops(product: sp.csr_matrix, start: int, n: int, *, min_cosine: float) -> tuple[np.ndarray, np.ndarray]:
    """Each row's ``n`` highest columns at or above ``min_cosine``, itself left out (row ``r`` is document
    ``start + r``); ties go to the lower column. Unordered within a row.

    The ``n``-th highest value is found by partition, not by sorting the row (a row holds every document that
    shares a term with it: at 10,000 planted articles sorting the rows took 8.4 s, the sparse products 1.9 s).

    Example:
        >>> product = sp.csr_matrix(np.array([[1.0, 0.5, 0.5, 0.9], [0.2, 1.0, 0.2, 0.1]]))
        >>> [sorted(j.tolist()) for j in np.split(_row_tops(product, 0, 2, min_cosine=0.15)[1], [2])]
        [[1, 3], [0, 2]]
    """
    first: list[np.ndarray] = []
    second: list[np.ndarray] = []
    for row in range(product.shape[0]):
        lo, hi = product.indptr[row], product.indptr[row + 1]
        cols, vals = product.indices[lo:hi], product.data[lo:hi]
        keep = (cols != start + row) & (vals >= min_cosine)
        cols, vals = cols[keep], vals[keep]
        if len(cols) > n:
            nth = np.partition(vals, len(vals) - n)[len(vals) - n]
            above = np.flatnonzero(vals > nth)
            tied = np.flatnonzero(vals == nth)  # the lowest columns of these fill the n
            cols = np.concatenate([cols[above], np.sort(cols[tied])[:n - len(above)]])
        first.append(np.full(len(cols), start + row))
        second.append(cols)
    if not first:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(first), np.concatenate(second)


def _ranked(i: np.ndarray, j: np.ndarray, value: np.ndarray, n: int, *,
            min_cosine: float) -> tuple[np.ndarray, np.ndarray]:
    """Of the pairs ``(i, j)``, each ``i``'s ``n`` with the highest ``value`` at or above ``min_cosine`` (ties go
    to the lower ``j``)."""
    keep = value >= min_cosine
    i, j, value = i[keep], j[keep], value[keep]
    order = np.lexsort((j, -value, i))
    i, j = i[order], j[order]
    rank = np.arange(len(i)) - np.searchsorted(i, i)  # place within its i's run (i is sorted)
    return i[rank < n], j[rank < n]


def _doc_features(units: pd.DataFrame, *, k: int):
    """Shingles and document TF-IDF (stems, stop words and numbers out) of the same documents, same row order.

    Inside a comparison given the units' tokens (:func:`_remember_token_stems`), the TF-IDF terms are their stems
    (:func:`kzanalysis.tfidf`'s defaults, the same matrix) instead of the texts tokenised again."""
    from ..features import _tfidf_of_counts, tfidf

    def compute():
        ordered = _ordered_units(units)
        sh = shingles(ordered, k=k)
        stems = _base._TOKEN_STEMS
        if stems is None:
            features = tfidf(ordered, grain="document")
        else:
            ids = pd.DataFrame({"doc_id": pd.Series(sh.doc_ids, dtype=ordered["doc_id"].dtype)})
            features = _tfidf_of_counts(stems.document_counts(ordered, ids), grain="document", term="stem",
                                        drop_stop_words=True, drop_numbers=True, min_df=1, max_df=1.0,
                                        sublinear_tf=True, norm="l2")
        if features.ids["doc_id"].astype(str).tolist() != sh.doc_ids.tolist():  # pragma: no cover - both sort ids
            raise RuntimeError("shingle and TF-IDF rows disagree")
        return sh, features

    return _remembered_for_units(f"doc_features-{k}", units, compute)  # candidates and measures of one run


def candidate_pairs(
    units: pd.DataFrame,
    *,
    method: CandidateMethod = "auto",
    k: int = SHINGLE_SIZE,
    n_perm: int = 128,
    bands: int = 32,
    n_neighbors: int = 10,
    min_cosine: float = MIN_NEIGHBOR_COSINE,
    random_state: int = 0,
) -> pd.DataFrame:
    """The document pairs worth measuring exactly.

    ``"all"`` lists every pair. ``"minhash"`` finds pairs with many shared shingles (near duplicates and long
    shared passages) by MinHash-LSH; ``"neighbors"`` finds each document's ``n_neighbors`` most similar
    documents by TF-IDF cosine (same event, shared quotes inside otherwise different stories). ``"auto"`` is
    ``"all"`` up to :data:`MAX_ALL_PAIRS_DOCS` documents and the union of the other two above it.

    Args:
        units: Body paragraphs (``doc_id``, ``para_id``, ``text``). Not modified.
        method: ``"auto"``, ``"all"``, ``"minhash"`` or ``"neighbors"``.
        k: Words per shingle.
        n_perm: MinHash permutations.
        bands: LSH bands (must divide ``n_perm``).
        n_neighbors: Neighbours per document for ``"neighbors"``.
        min_cosine: Lowest cosine a neighbour may have.
        random_state: Seed of the MinHash permutations.

    Returns:
        One row per pair: ``doc_a``, ``doc_b`` (``doc_a < doc_b``), sorted.

    Example:
        >>> units = pd.DataFrame({"doc_id": ["a", "b", "c"], "para_id": [0, 0, 0], "text": ["x y z"] * 3})
        >>> candidate_pairs(units, method="all").values.tolist()
        [['a', 'b'], ['a', 'c'], ['b', 'c']]
    """
    if method not in ("auto", "all", "minhash", "neighbors"):
        raise ValueError(f"method must be 'auto', 'all', 'minhash' or 'neighbors', not {method!r}")
    ordered = _ordered_units(units)
    doc_ids = np.asarray(sorted(ordered["doc_id"].unique()), dtype=str)
    if method == "auto":
        method = "all" if len(doc_ids) <= MAX_ALL_PAIRS_DOCS else "both"  # type: ignore[assignment]
    if method == "all" or len(doc_ids) < 2:
        i, j = np.triu_indices(len(doc_ids), 1)
        return _pairs_frame(doc_ids[i].tolist(), doc_ids[j].tolist())
    sh, features = _doc_features(ordered, k=k)
    found = []
    if method in ("minhash", "both"):
        found.append(lsh_candidates(minhash_signatures(sh, n_perm=n_perm, random_state=random_state), sh.doc_ids,
                                    bands=bands))
    if method in ("neighbors", "both"):
        found.append(neighbor_candidates(features.matrix, sh.doc_ids, n_neighbors=n_neighbors, min_cosine=min_cosine))
    pairs = pd.concat(found, ignore_index=True)
    return _pairs_frame(pairs["doc_a"].tolist(), pairs["doc_b"].tolist())
