"""Near duplicates at any scale: documents that are copies of each other, exact or edited, found by MinHash-LSH and
checked exactly, in memory or over a corpus in parts as Dask tasks (the same table either way).

In memory, :func:`near_duplicates` sketches the documents in chunks (worker processes), buckets their LSH bands by
sorting and checks the candidates. Over a corpus in parts (:func:`kzanalysis.corpus_parts`), the steps are sets
of tasks (on the cluster of :func:`kzanalysis.parallel.use_scheduler`):

1. **Sketch** each part: read it (:meth:`kzanalysis.corpus.CorpusParts.read`), make its body paragraphs,
   shingles and MinHash signatures, exactly as the in-memory path does for a chunk of documents. The sketches
   stay where they were computed.
2. **Band keys**: one row per (document, band) with the band's 64-bit key, ``(band, key, row)``, where ``row``
   numbers the documents across parts.
3. **Shuffle** the band rows on their key (``dask.dataframe``), so that every bucket lands in one partition,
   and list the pairs of each bucket there.
4. **Verify**: the candidate pairs (two 8-byte row numbers each, deduplicated in this process) are grouped by
   the parts of their two documents; one task per pair of parts checks them with both parts' sketches.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._base import CHUNK_DOCS, _DECIMALS, NEAR_DUPLICATE_JACCARD, PARALLEL_MIN_DOCS, SHINGLE_SIZE
from .candidates import _band_key, _band_pairs, _bucket_pairs, _signed_rows
from .measures import _shingle_overlap
from .sketch import Shingles, _sketch, _sketch_corpus, _sketch_source
from ..corpus import CorpusParts, check_part_ids
from ..parallel import compute, persist


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
            :mod:`kzanalysis.overlap.duplicates`). Not modified.
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


# --------------------------------------------------------------------------------------------
# A corpus in parts, as Dask tasks
# --------------------------------------------------------------------------------------------


_BAND_META = pd.DataFrame({"band": pd.Series(dtype=np.int64), "key": pd.Series(dtype=np.uint64),
                           "row": pd.Series(dtype=np.int64)})
_PAIR_META = pd.DataFrame({"first": pd.Series(dtype=np.int64), "second": pd.Series(dtype=np.int64)})

BUCKET_ROWS_PER_PARTITION = 2_000_000
"""About this many (band, key, row) rows per partition after the shuffle (about 48 MB each)."""


def _sketch_part(parts: CorpusParts, n: int, k: int, n_perm: int, random_state: int) -> tuple[np.ndarray, _Sketch]:
    """Part ``n``'s document ids (all of them, for the id check) and its sketch."""
    corpus = parts.read(n)
    doc_ids, indptr, values, signatures = _sketch_corpus(_sketch_source(corpus), k, n_perm, random_state)
    return (corpus["doc_id"].to_numpy(dtype=str),
            _Sketch(Shingles(doc_ids=doc_ids, indptr=indptr, values=values, k=k), signatures))


def _part_ids(sketched: tuple[np.ndarray, _Sketch]) -> tuple[np.ndarray, int]:
    return sketched[0], len(sketched[1].shingles.doc_ids)


def _band_rows(sketched: tuple[np.ndarray, _Sketch], offset: int, bands: int) -> pd.DataFrame:
    """One row per (signed document, band) of a part: ``band``, ``key``, ``row`` (``offset`` + its row)."""
    signatures = sketched[1].signatures
    rows = _signed_rows(signatures)
    width = signatures.shape[1] // bands
    keys = [_band_key(signatures[rows, band * width:(band + 1) * width]) for band in range(bands)]
    return pd.DataFrame({"band": np.repeat(np.arange(bands, dtype=np.int64), len(rows)),
                         "key": np.concatenate(keys) if keys else np.zeros(0, dtype=np.uint64),
                         "row": np.tile(rows.astype(np.int64) + offset, bands)})


def _pairs_of_buckets(frame: pd.DataFrame) -> pd.DataFrame:
    """The row pairs sharing a bucket (one band's key): ``first < second``, without repeats."""
    if frame.empty:
        return _PAIR_META.copy()
    order = np.argsort(frame["band"].to_numpy(), kind="stable")
    band, key, rows = (frame[c].to_numpy()[order] for c in ("band", "key", "row"))
    starts = np.flatnonzero(np.concatenate([[True], band[1:] != band[:-1]]))
    found = [_bucket_pairs(key[a:b], rows[a:b]) for a, b in zip(starts, np.append(starts[1:], len(band)))]
    a, b = np.concatenate([f for f, _ in found]), np.concatenate([s for _, s in found])
    pairs = np.unique(np.stack([np.minimum(a, b), np.maximum(a, b)], axis=1), axis=0)
    return pd.DataFrame({"first": pairs[:, 0], "second": pairs[:, 1]}) if len(pairs) else _PAIR_META.copy()


def _verify_block(a: tuple[np.ndarray, _Sketch], i: np.ndarray, b: tuple[np.ndarray, _Sketch], j: np.ndarray,
                  threshold: float) -> pd.DataFrame:
    return _verified_pairs(a[1], i, b[1], j, threshold=threshold)


def near_duplicates_of_parts(
    parts: CorpusParts, *, threshold: float, k: int = SHINGLE_SIZE, n_perm: int, bands: int, random_state: int = 0,
) -> pd.DataFrame:
    """:func:`~kzanalysis.overlap.near_duplicates` of a corpus in parts, as Dask tasks (see the module's steps).

    Called by ``near_duplicates(parts)``; the arguments mean the same. The tasks run on the cluster of
    :func:`kzanalysis.parallel.use_scheduler`, or one after another in this process without one. Memory in
    this process: the candidate pairs (16 bytes each) and every document id (for the check that ids are unique
    across parts).

    Example:
        >>> import tempfile, pathlib, json
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> text = "Security forces in Almaty opened fire on demonstrators as the government struggled to cope."
        >>> for n, (doc, body) in enumerate([("a", text), ("b", text + " Shops were closed.")]):
        ...     _ = (folder / f"part-{n}.jsonl").write_text(json.dumps({"id": doc, "text": body}) + "\\n")
        >>> from kzanalysis.corpus import corpus_parts
        >>> near_duplicates_of_parts(corpus_parts(folder), threshold=0.2, n_perm=576,
        ...                          bands=192)[["doc_a", "doc_b", "jaccard"]].values.tolist()
        [['a', 'b', 0.75]]
    """
    import dask
    import dask.dataframe as dd

    sketches = persist(*[dask.delayed(_sketch_part)(parts, n, k, n_perm, random_state) for n in range(len(parts))])
    found = compute(*[dask.delayed(_part_ids)(s) for s in sketches])
    check_part_ids(parts, [ids for ids, _ in found])
    sizes = np.array([n_signed for _, n_signed in found], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    if offsets[-1] < 2:
        return _near_duplicate_table([])
    band_rows = dd.from_delayed([dask.delayed(_band_rows)(s, int(offsets[n]), bands) for n, s in enumerate(sketches)],
                                meta=_BAND_META, verify_meta=False)
    n_out = max(1, int(offsets[-1]) * bands // BUCKET_ROWS_PER_PARTITION)
    pairs = band_rows.shuffle("key", npartitions=n_out).map_partitions(_pairs_of_buckets, meta=_PAIR_META)
    frame, = compute(pairs)
    codes = np.unique(frame["first"].to_numpy(dtype=np.int64) * offsets[-1] + frame["second"].to_numpy(dtype=np.int64))
    del frame
    first, second = codes // offsets[-1], codes % offsets[-1]
    part_a = np.searchsorted(offsets, first, side="right") - 1
    part_b = np.searchsorted(offsets, second, side="right") - 1
    order = np.lexsort((part_b, part_a))
    first, second, part_a, part_b = first[order], second[order], part_a[order], part_b[order]
    block = np.flatnonzero(np.concatenate([[True], (part_a[1:] != part_a[:-1]) | (part_b[1:] != part_b[:-1])]))
    tasks = []
    for start, stop in zip(block, np.append(block[1:], len(first))):
        pa, pb = int(part_a[start]), int(part_b[start])
        tasks.append(dask.delayed(_verify_block)(sketches[pa], first[start:stop] - offsets[pa], sketches[pb],
                                                 second[start:stop] - offsets[pb], threshold))
    return _near_duplicate_table(list(compute(*tasks)))
