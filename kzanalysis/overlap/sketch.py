"""Shingles and MinHash signatures: each document as a set of hashed runs of content stems."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import chain

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ._base import (
    CHUNK_DOCS, PARALLEL_MIN_DOCS, SHINGLE_SIZE, _SHINGLE_BASE, _content_terms, _languages_by_doc, _mix64,
    _ordered_units, _term_hash,
)
from ..parallel import chunk_bounds, run_chunks, workers


# --------------------------------------------------------------------------------------------
# Shingles, MinHash-LSH and nearest-neighbour candidates
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Shingles:
    """Each document's set of shingle hashes, as one sorted array per row, with the row ids.

    Attributes:
        doc_ids: Row ids (sorted document ids).
        indptr: Row ``n`` holds ``values[indptr[n]:indptr[n + 1]]`` (int64, one more entry than rows).
        values: ``uint64`` shingle hashes, distinct and ascending within each row. A hash is the shingle's
            identity: the same across corpora, runs and machines.
        k: Words per shingle.

    Example:
        >>> units = pd.DataFrame({"doc_id": ["a", "b"], "para_id": [0, 0],
        ...                       "text": ["Troops guard the airport in Almaty.", "Troops guard the airport."]})
        >>> sh = shingles(units, k=2)
        >>> sh.doc_ids.tolist(), sh.sizes.tolist()
        (['a', 'b'], [3, 2])
    """

    doc_ids: np.ndarray
    indptr: np.ndarray
    values: np.ndarray
    k: int

    @property
    def sizes(self) -> np.ndarray:
        """Distinct shingles per document."""
        return np.diff(self.indptr)

    @cached_property
    def hashes(self) -> np.ndarray:
        """The distinct shingle hashes of all documents, sorted: the columns of :attr:`matrix`."""
        return np.unique(self.values)

    @cached_property
    def matrix(self) -> sp.csr_matrix:
        """Binary document x shingle CSR matrix (float64 ones), one column per entry of :attr:`hashes`."""
        columns = np.searchsorted(self.hashes, self.values)
        return sp.csr_matrix((np.ones(len(columns)), columns, self.indptr.copy()),
                             shape=(len(self.doc_ids), len(self.hashes)))

    def row(self, n: int) -> np.ndarray:
        """The sorted shingle hashes of row ``n``."""
        return self.values[self.indptr[n]:self.indptr[n + 1]]


def _document_terms(units: pd.DataFrame) -> tuple[np.ndarray, list[list[str]]]:
    """Sorted document ids and each document's content stems: its units' in ``para_id`` order (tokens never cross
    a paragraph, so these are the stems of the whole body), each unit's stems in its document's language.

    Inside one comparison (:func:`kzanalysis.overlap.source_overlap`) each unit's stems are already remembered
    (:func:`_content_terms`); elsewhere they are computed here, paragraph by paragraph (as fast as tokenising
    each joined body: 9.4-10.0 s against 8.6-11.9 s for the 90,994 body paragraphs of 10,000 planted articles).
    """
    ordered = _ordered_units(units)
    if ordered.empty:
        return np.zeros(0, dtype=str), []
    by_doc = _languages_by_doc(ordered)
    doc_ids = ordered["doc_id"].to_numpy(dtype=object)
    starts = _run_starts(doc_ids)
    bounds = np.append(starts, len(ordered)).tolist()
    unit_terms = [_content_terms(text, by_doc.get(doc_id, "en"))
                  for doc_id, text in zip(ordered["doc_id"].tolist(), ordered["text"].tolist())]
    return (np.asarray(doc_ids[starts], dtype=str),
            [list(chain.from_iterable(unit_terms[a:b])) for a, b in zip(bounds[:-1], bounds[1:])])


def _run_starts(ids: np.ndarray) -> np.ndarray:
    """Where each run of equal ids starts (the rows of a sorted units frame where a document starts)."""
    return np.flatnonzero(np.concatenate([[True], ids[1:] != ids[:-1]])) if len(ids) else np.zeros(0, dtype=np.int64)


_TERM_HASHES: dict[str, int] = {}
"""Each content stem's 64-bit hash (grows with the vocabulary; worker processes fill their own copy)."""


def _shingle_terms(term_lists: list[list[str]], k: int) -> tuple[np.ndarray, np.ndarray]:
    """``indptr`` and ``values`` (see :class:`Shingles`) of the k-shingles of each list of content stems.

    Each stem type is hashed once (BLAKE2b, 64 bits); the ``k`` hashes of a window are combined by a polynomial
    and spread by SplitMix64, all in numpy. Rows are then sorted and deduplicated together, by one sort on a key
    that puts the row number in the top bits.
    """
    lengths = np.fromiter(map(len, term_lists), dtype=np.int64, count=len(term_lists))
    all_terms = list(chain.from_iterable(term_lists))
    for term in set(all_terms).difference(_TERM_HASHES):
        _TERM_HASHES[term] = _term_hash(term)
    term_hashes = np.fromiter(map(_TERM_HASHES.__getitem__, all_terms), dtype=np.uint64, count=len(all_terms))
    n_windows = np.maximum(lengths - k + 1, 0)
    first_window = np.cumsum(n_windows) - n_windows
    starts = np.repeat(np.cumsum(lengths) - lengths - first_window, n_windows) + np.arange(n_windows.sum())
    combined = np.zeros(len(starts), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for offset in range(k):
            combined = combined * _SHINGLE_BASE + term_hashes[starts + offset]
    hashed = _mix64(combined)
    rows = np.repeat(np.arange(len(term_lists), dtype=np.uint64), n_windows)
    row_bits = max(int(len(term_lists)).bit_length(), 1)
    order = np.argsort((rows << np.uint64(64 - row_bits)) | (hashed >> np.uint64(row_bits)))
    values, rows = hashed[order], rows[order]
    if ((rows[1:] == rows[:-1]) & (values[1:] < values[:-1])).any():  # two hashes equal in their top bits
        order = np.lexsort((hashed, np.repeat(np.arange(len(term_lists)), n_windows)))
        values, rows = hashed[order], np.repeat(np.arange(len(term_lists), dtype=np.uint64), n_windows)[order]
    keep = np.ones(len(values), dtype=bool)
    keep[1:] = (values[1:] != values[:-1]) | (rows[1:] != rows[:-1])
    counts = np.bincount(rows[keep].astype(np.int64), minlength=len(term_lists))
    return np.concatenate([[0], np.cumsum(counts)]).astype(np.int64), values[keep]


def _sketch_units(
    units: pd.DataFrame, k: int, n_perm: int, random_state: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """Document ids, shingles and (``n_perm`` > 0) MinHash signatures of a chunk of units (whole documents)."""
    doc_ids, term_lists = _document_terms(units)
    indptr, values = _shingle_terms(term_lists, k)
    # the low 32 bits of each bin's minimum: two different minima agree by chance with probability 2**-32,
    # and signatures take half the memory (and half the time to compare)
    signatures = _minhash(indptr, values, n_perm, random_state).astype(np.uint32) if n_perm else None
    return doc_ids, indptr, values, signatures


def _sketch_corpus(
    corpus: pd.DataFrame, k: int, n_perm: int, random_state: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """Body paragraphs (``kz.paragraphs`` / ``kz.body_paragraphs``) of a chunk of documents, then :func:`_sketch_units`."""
    from kzanalysis.clean import body_paragraphs, paragraphs

    return _sketch_units(body_paragraphs(paragraphs(corpus)), k, n_perm, random_state)


def _sketch_source(corpus: pd.DataFrame) -> pd.DataFrame:
    """What the sketch of a corpus reads: ``doc_id`` (as text), ``text`` and the language columns, sorted by id."""
    keep = ["doc_id", "text", *[c for c in ("detected_language", "language") if c in corpus.columns]]
    source = corpus[keep].assign(doc_id=corpus["doc_id"].astype(str))
    if source["doc_id"].duplicated().any():
        raise ValueError("a corpus must have one row per doc_id; found duplicates")
    if not source["doc_id"].is_monotonic_increasing:
        source = source.sort_values("doc_id", kind="stable")
    return source


def _sketch(
    frame: pd.DataFrame, *, corpus: bool, k: int, n_perm: int, random_state: int, n_jobs: int | None, desc: str,
    show: bool | None, chunk_docs: int = CHUNK_DOCS, parallel_min_docs: int = PARALLEL_MIN_DOCS,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """Document ids, shingle ``indptr`` / ``values`` and (``n_perm`` > 0) MinHash signatures of a corpus or units.

    The frame is cut into chunks of whole documents; each chunk is made into bodies, tokenised, shingled and
    hashed in a worker (see :func:`kzanalysis.parallel.run_chunks`), so the parent never holds the documents as
    Python strings.
    """
    if corpus:
        source = _sketch_source(frame)
        doc_starts = np.arange(len(source) + 1)
        function = _sketch_corpus
    else:
        source = _ordered_units(frame)[["doc_id", "para_id", "text", *(["language"] if "language" in frame.columns
                                                                        else [])]]
        ids = source["doc_id"].to_numpy(dtype=object)
        doc_starts = np.append(_run_starts(ids), len(ids))
        function = _sketch_units
    n_docs = len(doc_starts) - 1
    n_workers = workers(n_jobs, n_docs, min_items=parallel_min_docs)
    bounds = [(int(doc_starts[a]), int(doc_starts[b]))
              for a, b in chunk_bounds(n_docs, n_workers, chunk_size=chunk_docs)]
    found = run_chunks(function, source, bounds, (k, n_perm, random_state), n_jobs=n_workers, desc=desc, show=show)
    del source
    doc_ids = np.concatenate([part[0] for part in found]) if found else np.zeros(0, dtype=str)
    parts = [part[1:] for part in found]
    del found
    return (doc_ids, *_stack(parts))


def _stack(parts: list) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Concatenate chunks of (indptr, values, signatures) into one, releasing each chunk once copied.

    ``parts`` is emptied, so that the chunks and their concatenation are not both held in memory.
    """
    sizes = np.concatenate([np.diff(part[0]) for part in parts]) if parts else np.zeros(0, dtype=np.int64)
    indptr = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    values = np.empty(int(indptr[-1]), dtype=np.uint64)
    signatures = None
    if parts and parts[0][2] is not None:
        signatures = np.empty((len(sizes), parts[0][2].shape[1]), dtype=parts[0][2].dtype)
    row = 0
    parts.reverse()
    while parts:
        part_indptr, part_values, part_signatures = parts.pop()
        n_rows = len(part_indptr) - 1
        values[indptr[row]:indptr[row + n_rows]] = part_values
        if signatures is not None:
            signatures[row:row + n_rows] = part_signatures
        row += n_rows
    return indptr, values, signatures


def shingles(
    units: pd.DataFrame, *, k: int = SHINGLE_SIZE, n_jobs: int | None = 1, progress: bool | None = None,
    chunk_docs: int = CHUNK_DOCS, parallel_min_docs: int = PARALLEL_MIN_DOCS,
) -> Shingles:
    """Hash every run of ``k`` consecutive content stems of each document into a set of shingles.

    Content stems are those of :func:`kzanalysis.analysis_tokens` with stop words out and numbers kept, so
    light rewording ("the violence continued into the next day" / "into the following day") breaks fewer
    shingles than raw words would. Shingles run across paragraph breaks within a document. Hashing is
    vectorised: each word type is hashed once (BLAKE2b, 64 bits), windows are combined with a polynomial
    in numpy, so a corpus of 100k documents needs no Python loop over shingles.

    Args:
        units: Body paragraphs (``doc_id``, ``para_id``, ``text``). Not modified.
        k: Words per shingle (at least 1). A document with fewer than ``k`` content words has no shingle.
        n_jobs: Workers that tokenise, scikit-learn's meaning (``-1``: all cores; ``None``: one); one below
            :data:`PARALLEL_MIN_DOCS` documents. The result does not depend on it.
        progress: Progress bar over chunks of documents (``None``: only in an interactive notebook; see
            :func:`kzanalysis.progress.progress`).
        chunk_docs: Documents per chunk of work (memory per chunk stays bounded).
        parallel_min_docs: Fewest documents worth starting worker processes for.

    Returns:
        A :class:`Shingles` whose rows follow the sorted document ids.

    Example:
        >>> units = pd.DataFrame({"doc_id": ["a", "b"], "para_id": [0, 0],
        ...                       "text": ["Troops guard the airport in Almaty.", "Troops guard the airport."]})
        >>> sh = shingles(units, k=2)
        >>> sh.sizes.tolist()  # troop guard, guard airport, airport almati | troop guard, guard airport
        [3, 2]
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    doc_ids, indptr, values, _ = _sketch(units, corpus=False, k=k, n_perm=0, random_state=0, n_jobs=n_jobs,
                                         desc="shingles", show=progress, chunk_docs=chunk_docs,
                                         parallel_min_docs=parallel_min_docs)
    return Shingles(doc_ids=doc_ids, indptr=indptr, values=values, k=k)


_EMPTY = np.iinfo(np.uint64).max
_DENSIFY_TRIES = 256


@lru_cache(maxsize=32)
def _minhash_parameters(n_perm: int, random_state: int) -> tuple[np.uint64, np.ndarray]:
    """The hash seed and the table of bins an empty bin borrows from (try ``t``: ``probes[t, bin]``)."""
    rng = np.random.default_rng(random_state)
    seed = rng.integers(0, _EMPTY, dtype=np.uint64, endpoint=True)
    salts = rng.integers(0, _EMPTY, size=(_DENSIFY_TRIES, 1), dtype=np.uint64, endpoint=True)
    probes = (_mix64(salts ^ np.arange(n_perm, dtype=np.uint64)) % np.uint64(n_perm)).astype(np.intp)
    probes.setflags(write=False)
    return np.uint64(seed), probes


def _minhash(indptr: np.ndarray, values: np.ndarray, n_perm: int, random_state: int) -> np.ndarray:
    """One-permutation MinHash with optimal densification of the rows ``indptr`` / ``values`` (see below)."""
    n_docs = len(indptr) - 1
    signatures = np.full((n_docs, n_perm), _EMPTY, dtype=np.uint64)
    if len(values) == 0:
        return signatures
    seed, probes = _minhash_parameters(n_perm, random_state)
    hashed = _mix64(values ^ seed)
    bins = ((hashed >> np.uint64(32)) * np.uint64(n_perm)) >> np.uint64(32)
    rows = np.repeat(np.arange(n_docs, dtype=np.uint64), np.diff(indptr))
    np.minimum.at(signatures.reshape(-1), (rows * np.uint64(n_perm) + bins).astype(np.intp), hashed)
    filled = signatures != _EMPTY
    rows, columns = np.nonzero(~filled & filled.any(axis=1, keepdims=True))
    for probe in probes:
        if len(rows) == 0:
            break
        source = probe[columns]
        found = filled[rows, source]
        signatures[rows[found], columns[found]] = signatures[rows[found], source[found]]
        rows, columns = rows[~found], columns[~found]
    if len(rows):  # documents with a handful of shingles: borrow from their first filled bin
        signatures[rows, columns] = signatures[rows, filled.argmax(axis=1)[rows]]
    return signatures


def minhash_signatures(sh: Shingles, *, n_perm: int = 128, random_state: int = 0) -> np.ndarray:
    """MinHash signatures of each document's shingle set (one-permutation hashing, densified).

    Every shingle hash is mixed once with a random 64-bit seed (SplitMix64); the top bits of the result
    pick one of ``n_perm`` bins and each document keeps, per bin, its smallest mixed value (one pass over
    the shingles, whatever ``n_perm``: Li, Owen and Zhang 2012). A bin in which a document has no shingle
    borrows the value of another bin, chosen by a fixed random sequence of tries that is the same for every
    document (optimal densification, Shrivastava 2017), so two documents still agree on a bin with
    probability equal to the Jaccard similarity of their shingle sets. Documents are processed in chunks of
    :data:`CHUNK_DOCS`, so memory stays bounded.

    Args:
        sh: From :func:`shingles`.
        n_perm: Signature length (number of bins).
        random_state: Seed of the hash and of the densification tries.

    Returns:
        ``uint64`` array of shape ``(n_documents, n_perm)``. A document without shingles gets the largest
        uint64 in every entry and never collides with another (see :func:`lsh_candidates`).

    Example:
        >>> units = pd.DataFrame({"doc_id": ["a", "b"], "para_id": [0, 0], "text": ["One two three four."] * 2})
        >>> sig = minhash_signatures(shingles(units, k=2), n_perm=16)
        >>> bool((sig[0] == sig[1]).all())
        True
    """
    if n_perm < 1:
        raise ValueError(f"n_perm must be at least 1, not {n_perm}")
    blocks = []
    for start, stop in chunk_bounds(len(sh.doc_ids), 1, chunk_size=CHUNK_DOCS):
        lo, hi = sh.indptr[start], sh.indptr[stop]
        blocks.append(_minhash(sh.indptr[start:stop + 1] - lo, sh.values[lo:hi], n_perm, random_state))
    return np.concatenate(blocks) if blocks else np.full((0, n_perm), _EMPTY, dtype=np.uint64)
