"""Near duplicates of a corpus in parts, as Dask tasks: sketches per part, LSH bands grouped by a shuffle, pairs
verified block by block. The same table as :func:`~kzanalysis.overlap.near_duplicates` of the whole corpus.

The steps, each a set of tasks (on the cluster of :func:`kzanalysis.parallel.use_scheduler`):

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

import numpy as np
import pandas as pd

from ._base import SHINGLE_SIZE, _mix64
from .candidates import _band_key, _bucket_pairs, _signed_rows
from .measures import _near_duplicate_table, _Sketch, _verified_pairs
from .sketch import Shingles, _sketch_corpus, _sketch_source
from ..corpus import CorpusParts, check_part_ids
from ..parallel import compute, persist

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
    """The row pairs sharing a bucket, a bucket being one band's key; ``first < second``, without repeats."""
    if frame.empty:
        return _PAIR_META.copy()
    band = frame["band"].to_numpy()
    # the band goes into the key, so that equal keys of different bands are different buckets
    key = _mix64(frame["key"].to_numpy(dtype=np.uint64) ^ _mix64(band.astype(np.uint64) + np.uint64(1)))
    first, second = _bucket_pairs(key, np.arange(len(frame)))
    same_band = band[first] == band[second]
    first, second = first[same_band], second[same_band]
    same_key = frame["key"].to_numpy()[first] == frame["key"].to_numpy()[second]  # a collision of the mixed keys
    rows = frame["row"].to_numpy()
    a, b = rows[first[same_key]], rows[second[same_key]]
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
