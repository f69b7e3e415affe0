"""Document-pair measures: cosine, shingle Jaccard and containment; near-duplicates at scale."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._base import (
    CHUNK_DOCS, _DECIMALS, NEAR_DUPLICATE_JACCARD, _ordered_units, PAIR_COLUMNS, _pairs_frame,
    PARALLEL_MIN_DOCS, SHINGLE_SIZE,
)
from .candidates import _band_pairs, _doc_features, candidate_pairs
from .sketch import Shingles, _sketch
from ..corpus import CorpusParts


def pair_measures(units: pd.DataFrame, pairs: pd.DataFrame | None = None, *, k: int = SHINGLE_SIZE) -> pd.DataFrame:
    """Document-level measures of each pair: TF-IDF cosine, shingle Jaccard and containment both ways.

    ``cosine`` is over TF-IDF of Snowball stems (stop words and numbers out) of each document's body;
    ``jaccard`` is ``|A ∩ B| / |A ∪ B|`` of the two shingle sets (see :func:`shingles`);
    ``containment_a_in_b`` is ``|A ∩ B| / |A|``, the share of A's shingles found in B (A's text re-used in B),
    and ``containment_b_in_a`` the reverse. Only the given pairs are computed (row-wise sparse products).

    Args:
        units: Body paragraphs (``doc_id``, ``para_id``, ``text``). Not modified.
        pairs: ``doc_a``, ``doc_b`` to measure; ``None``: :func:`candidate_pairs` with ``method="auto"``.
        k: Words per shingle.

    Returns:
        One row per pair, sorted: ``doc_a``, ``doc_b`` (``doc_a < doc_b``), ``cosine``, ``jaccard``,
        ``containment_a_in_b``, ``containment_b_in_a`` (rounded to 4 decimals; 0 when a set is empty).

    Example:
        >>> units = pd.DataFrame({"doc_id": ["a", "b"], "para_id": [0, 0],
        ...                       "text": ["Troops guard the airport.", "Troops guard the airport in Almaty."]})
        >>> pair_measures(units, k=2)[["jaccard", "containment_a_in_b", "containment_b_in_a"]].values.tolist()
        [[0.6667, 1.0, 0.6667]]
    """
    ordered = _ordered_units(units)
    if pairs is None:
        pairs = candidate_pairs(ordered, k=k)
    pairs = _pairs_frame(pairs["doc_a"].astype(str).tolist(), pairs["doc_b"].astype(str).tolist())
    if pairs.empty:
        return pd.DataFrame({c: pd.Series(dtype=str if c in ("doc_a", "doc_b") else float) for c in PAIR_COLUMNS})
    sh, features = _doc_features(ordered, k=k)
    position = {d: n for n, d in enumerate(sh.doc_ids)}
    unknown = sorted(set(pairs["doc_a"]).union(pairs["doc_b"]) - set(position))
    if unknown:
        raise ValueError(f"pairs name documents with no body text in units: {unknown[:5]}")
    i = pairs["doc_a"].map(position).to_numpy()
    j = pairs["doc_b"].map(position).to_numpy()
    cosine = np.asarray(features.matrix[i].multiply(features.matrix[j]).sum(axis=1)).ravel()
    result = pairs.assign(cosine=np.clip(cosine, 0.0, 1.0), **_shingle_overlap(sh, i, j))
    return result.round(_DECIMALS)[list(PAIR_COLUMNS)]


def _shingle_overlap(sh: Shingles, i: np.ndarray, j: np.ndarray, other: Shingles | None = None) -> dict[str, np.ndarray]:
    """Exact ``jaccard``, ``containment_a_in_b`` and ``containment_b_in_a`` of the row pairs ``(i[n], j[n])``:
    row ``i[n]`` of ``sh`` with row ``j[n]`` of ``other`` (default: ``sh`` too).

    Shared shingles are counted by intersecting the two rows' sorted hash arrays, one pair at a time: memory
    stays that of two documents, however many pairs (a sparse row-wise product would copy both rows per pair).
    """
    other = sh if other is None else other
    shared = np.fromiter((len(np.intersect1d(sh.row(a), other.row(b), assume_unique=True)) for a, b in zip(i, j)),
                         dtype=np.float64, count=len(i))
    size_a, size_b = sh.sizes[i].astype(float), other.sizes[j].astype(float)
    union = size_a + size_b - shared
    with np.errstate(invalid="ignore", divide="ignore"):
        return {"jaccard": np.where(union > 0, shared / union, 0.0),
                "containment_a_in_b": np.where(size_a > 0, shared / size_a, 0.0),
                "containment_b_in_a": np.where(size_b > 0, shared / size_b, 0.0)}


NEAR_DUPLICATE_PERMUTATIONS = 576
"""MinHash bins of :func:`near_duplicates` (signature length)."""
NEAR_DUPLICATE_BANDS = 192
"""LSH bands of :func:`near_duplicates`: 192 bands of 3 rows. A pair becomes a candidate with probability
``1 - (1 - s**3)**192``: 0.79 at Jaccard 0.2, 0.95 at 0.25, 0.995 at 0.3 and 0.9995 at 0.36 (the least similar
planted edited copy); unrelated pairs (Jaccard about 0.01) with probability about 2e-4."""

NEAR_DUPLICATE_COLUMNS: tuple[str, ...] = ("doc_a", "doc_b", "jaccard", "containment_a_in_b", "containment_b_in_a")


_FIRST_LOOK = 64
"""Bins of the first, cheap agreement check of :func:`near_duplicates`' candidates. At the threshold 0.2 a
pair agrees on about 13 of 64 bins; it falls below ``threshold / 4`` (under 4 of 64) with probability about
5e-4 (2e-5 at 0.25, 5e-7 at 0.3), while a chance candidate (Jaccard 0.01 to 0.02) stays above it with
probability 0.004 to 0.04. The full check then keeps pairs agreeing on at least ``threshold / 2`` of all bins
(a pair at 0.2 falls below with probability about 4e-11)."""


def _signature_agreement(signatures: np.ndarray, i: np.ndarray, j: np.ndarray, other: np.ndarray | None = None, *,
                         chunk: int = 20_000) -> np.ndarray:
    """Share of equal signature entries of each row pair, row ``i[n]`` of ``signatures`` with row ``j[n]`` of
    ``other`` (default: ``signatures``): the MinHash estimate of their Jaccard."""
    other = signatures if other is None else other
    agreement = np.empty(len(i), dtype=np.float64)
    for start in range(0, len(i), chunk):
        stop = start + chunk
        agreement[start:stop] = (signatures[i[start:stop]] == other[j[start:stop]]).mean(axis=1)
    return agreement


@dataclass(frozen=True, eq=False)
class _Sketch:
    """The shingles and MinHash signatures of some documents (all of a corpus, or one part of it)."""

    shingles: Shingles
    signatures: np.ndarray


def _verified_pairs(a: _Sketch, i: np.ndarray, b: _Sketch, j: np.ndarray, *, threshold: float) -> pd.DataFrame:
    """The candidate row pairs ``(i[n]`` of ``a``, ``j[n]`` of ``b)`` that are near duplicates, with their exact
    measures (unrounded); ``doc_a < doc_b`` in each row.

    Most candidates are chance collisions: a look at the first :data:`_FIRST_LOOK` bins drops them, then the
    pairs whose signatures agree on less than half of ``threshold`` go, and the rest are measured exactly.
    """
    if a.signatures.shape[1] >= 4 * _FIRST_LOOK:
        likely = _signature_agreement(a.signatures[:, :_FIRST_LOOK], i, j, b.signatures[:, :_FIRST_LOOK]) \
            >= threshold / 4
        i, j = i[likely], j[likely]
    likely = _signature_agreement(a.signatures, i, j, b.signatures) >= threshold / 2
    i, j = i[likely], j[likely]
    measures = pd.DataFrame({"doc_a": a.shingles.doc_ids[i], "doc_b": b.shingles.doc_ids[j],
                             **_shingle_overlap(a.shingles, i, j, b.shingles)})
    measures = measures[measures["jaccard"] >= threshold]
    swap = (measures["doc_a"] > measures["doc_b"]).to_numpy()
    if not swap.any():
        return measures
    columns = {c: measures[c].to_numpy() for c in NEAR_DUPLICATE_COLUMNS}
    return pd.DataFrame({**{c: np.where(swap, columns[mirror], columns[c]) for c, mirror in (
        ("doc_a", "doc_b"), ("doc_b", "doc_a"), ("containment_a_in_b", "containment_b_in_a"),
        ("containment_b_in_a", "containment_a_in_b"))}, "jaccard": columns["jaccard"]})[list(NEAR_DUPLICATE_COLUMNS)]


def _near_duplicate_table(measures: list[pd.DataFrame]) -> pd.DataFrame:
    """The near-duplicate table from verified pairs: rounded, sorted by ``doc_a, doc_b``."""
    found = [m for m in measures if not m.empty]
    if not found:
        return pd.DataFrame({c: pd.Series(dtype=str if c.startswith("doc") else float) for c in NEAR_DUPLICATE_COLUMNS})
    table = pd.concat(found, ignore_index=True).round(_DECIMALS)
    return table.sort_values(["doc_a", "doc_b"], kind="stable").reset_index(drop=True)[list(NEAR_DUPLICATE_COLUMNS)]


def near_duplicates(
    corpus_or_units: pd.DataFrame | CorpusParts,
    *,
    threshold: float = NEAR_DUPLICATE_JACCARD,
    k: int = SHINGLE_SIZE,
    n_perm: int = NEAR_DUPLICATE_PERMUTATIONS,
    bands: int = NEAR_DUPLICATE_BANDS,
    n_jobs: int | None = -1,
    random_state: int = 0,
    progress: bool | None = None,
    chunk_docs: int = CHUNK_DOCS,
    parallel_min_docs: int = PARALLEL_MIN_DOCS,
) -> pd.DataFrame:
    """Pairs of documents that are copies of each other, exact or edited, in a corpus of any size.

    The same machinery as :func:`source_overlap`'s candidates, at scale: body text -> :func:`shingles` of
    content stems -> :func:`minhash_signatures` -> :func:`lsh_candidates` -> exact shingle Jaccard and
    containment (as in :func:`pair_measures`) of the candidates. Candidates whose signatures agree on less than
    half of ``threshold`` are dropped before the exact check (a pair at the threshold falls that low with
    negligible probability; most chance candidates are dropped earlier by a look at the first 64 bins, see
    :data:`_FIRST_LOOK`). Documents are tokenised, shingled and hashed in chunks, in ``n_jobs`` processes,
    so memory stays bounded and no document x document matrix is built. See :data:`NEAR_DUPLICATE_JACCARD` for
    why the threshold is 0.2, and :data:`NEAR_DUPLICATE_BANDS` for the chance that a pair is found.

    Args:
        corpus_or_units: Either a corpus (one row per document with ``doc_id`` and ``text``, as from
            :func:`kzanalysis.load_corpus`: body paragraphs are then made with :func:`kzanalysis.paragraphs`
            and :func:`kzanalysis.body_paragraphs`, in the worker processes), or units (``doc_id``, ``para_id``,
            ``text``, e.g. ``kz.body_paragraphs(paras)``), recognised by their ``para_id`` column, or a corpus
            in parts (:func:`kzanalysis.corpus_parts`; each part read and sketched as a task, the LSH bands
            grouped by a Dask shuffle, on the cluster of :func:`kzanalysis.parallel.use_scheduler` or in this
            process without one; ``n_jobs``, ``progress`` and the chunk options are not used; see
            :mod:`kzanalysis.overlap.parts`). Not modified.
        threshold: Lowest exact shingle Jaccard of a near-duplicate pair.
        k: Words per shingle.
        n_perm: MinHash bins.
        bands: LSH bands (must divide ``n_perm``).
        n_jobs: Workers, scikit-learn's meaning (``-1``: all cores, or all the cluster's threads after
            :func:`kzanalysis.parallel.use_scheduler`; ``None``: one); one below :data:`PARALLEL_MIN_DOCS`
            documents. The result does not depend on it.
        random_state: Seed of the MinHash hashing.
        progress: Progress bar over chunks of documents: ``None`` shows one only in an interactive notebook
            (and not when ``KZANALYSIS_PROGRESS=0``); see :func:`kzanalysis.progress.progress`.
        chunk_docs: Documents per chunk of work (memory per chunk stays bounded).
        parallel_min_docs: Fewest documents worth starting worker processes for.

    Returns:
        One row per near-duplicate pair, sorted by ``doc_a, doc_b``: ``doc_a``, ``doc_b`` (``doc_a < doc_b``),
        ``jaccard`` (exact, of the two shingle sets), ``containment_a_in_b`` (share of A's shingles found in B),
        ``containment_b_in_a``; rounded to 4 decimals. Documents without body text are in no pair.

    Example:
        >>> text = "Security forces in Almaty opened fire on demonstrators as the government struggled to cope."
        >>> corpus = pd.DataFrame({"doc_id": ["a", "b", "c"],
        ...                        "text": [text, text + " Shops were closed.", "Football club wins the cup."]})
        >>> near_duplicates(corpus)[["doc_a", "doc_b", "jaccard"]].values.tolist()
        [['a', 'b', 0.75]]
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], not {threshold}")
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    if n_perm < 1 or bands < 1 or n_perm % bands:
        raise ValueError(f"bands ({bands}) must divide n_perm ({n_perm}), both positive")
    frame = corpus_or_units
    if isinstance(frame, CorpusParts):
        from .parts import near_duplicates_of_parts

        return near_duplicates_of_parts(frame, threshold=threshold, k=k, n_perm=n_perm, bands=bands,
                                        random_state=random_state)
    if "para_id" not in frame.columns and not {"doc_id", "text"} <= set(frame.columns):
        raise ValueError("near_duplicates needs a corpus (doc_id, text) or units (doc_id, para_id, text); "
                         f"got columns {list(frame.columns)}")
    doc_ids, indptr, values, signatures = _sketch(
        frame, corpus="para_id" not in frame.columns, k=k, n_perm=n_perm, random_state=random_state, n_jobs=n_jobs,
        desc="near duplicates", show=progress, chunk_docs=chunk_docs, parallel_min_docs=parallel_min_docs,
    )
    if signatures is None or len(doc_ids) < 2:
        return _near_duplicate_table([])
    sketch = _Sketch(Shingles(doc_ids=doc_ids, indptr=indptr, values=values, k=k), signatures)
    i, j = _band_pairs(signatures, bands)
    return _near_duplicate_table([_verified_pairs(sketch, i, sketch, j, threshold=threshold)])
