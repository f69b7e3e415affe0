"""Overlap stage: which documents share text, how much, in which direction, and which passages correspond."""

from __future__ import annotations

import difflib
import hashlib
import math
import os
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import chain
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp

from . import config
from .quotations import quote_spans
from .report import escape
from .languages import unit_languages
from .tokenize import analysis_tokens

__all__ = [
    "OverlapResult",
    "Shingles",
    "comparison_problem",
    "shingles",
    "minhash_signatures",
    "lsh_candidates",
    "neighbor_candidates",
    "candidate_pairs",
    "pair_measures",
    "near_duplicates",
    "segments",
    "passage_scores",
    "align_passages",
    "alignment_coverage",
    "classify_relations",
    "source_overlap",
    "rewording",
    "word_edits",
    "diff_html",
    "aligned_passages_html",
    "load_hand_alignment",
    "compare_alignments",
    "alignment_agreement",
    "calibration_pairs",
    "calibration_units",
    "calibration_results",
    "pair_scores",
    "hand_alignment_problem",
]

Relation = Literal["near_duplicate", "shared_passages", "same_event", "unrelated"]
CandidateMethod = Literal["auto", "all", "minhash", "neighbors"]

RELATIONS: tuple[str, ...] = ("near_duplicate", "shared_passages", "same_event", "unrelated")
"""Values of ``relation``, strongest first. ``unrelated`` (no shared text and almost no shared vocabulary) never
occurs on a corpus collected around one event; it keeps a disjoint pair from being called ``same_event``."""

SHINGLE_SIZE = 3
"""Words per shingle: 3 consecutive content stems (stop words out, numbers kept)."""
MIN_PASSAGE_SCORE = 0.45
"""A paragraph pair whose score reaches this shares a passage (see :func:`passage_scores`)."""
MIN_NEAR_DUPLICATE_SCORE = 0.25
"""Inside a near-duplicate pair, paragraphs are aligned down to this score (the story's order is known to match)."""
MIN_NEAR_DUPLICATE_COVERAGE = 0.5
"""A pair is ``near_duplicate`` when at least this share of EACH document's content words lies in aligned paragraphs."""
MIN_SAME_EVENT_COSINE = 0.05
"""Below this document cosine, a pair with no shared passage is ``unrelated`` rather than ``same_event``."""
MIN_SEGMENT_TERMS = 5
"""Sentences and quotes with fewer content words are too short to count as a shared passage on their own."""
MAX_ALL_PAIRS_DOCS = 100
"""``candidates="auto"`` compares every pair up to this many documents, and uses MinHash-LSH plus nearest
neighbours above it. Passage scoring costs about 0.5 ms per paragraph pair, so every pair of 100
ten-paragraph articles (4,950 pairs) already takes about 4 minutes; above that only candidates are scored."""

PARALLEL_MIN_DOCS = 2000
"""Below this many documents shingles are made in one process (starting workers costs more than it saves)."""
CHUNK_DOCS = 2000
"""Documents per chunk of shingling and MinHash work: bounds the memory of the numpy temporaries."""

HAND_ALIGNMENT_FILE: Path = config.LABELS_DIR / "cnn_alignment.csv"
"""The hand alignment of the two CNN versions' body paragraphs (000 against 001)."""

PAIR_COLUMNS: tuple[str, ...] = ("doc_a", "doc_b", "cosine", "jaccard", "containment_a_in_b", "containment_b_in_a")
SIMILARITY_COLUMNS: tuple[str, ...] = (
    *PAIR_COLUMNS, "relation", "n_aligned", "coverage_a", "coverage_b", "best_score",
    "best_passage_a", "best_passage_b",
)
SCORE_COLUMNS: tuple[str, ...] = (
    "doc_a", "para_a", "doc_b", "para_b", "score", "para_score", "segment_score", "segment_a", "segment_b",
)
ALIGNMENT_COLUMNS: tuple[str, ...] = SCORE_COLUMNS
SEGMENT_COLUMNS: tuple[str, ...] = ("doc_id", "para_id", "seg_id", "kind", "text")

_SHINGLE_BASE = np.uint64(0x100000001B3)  # FNV-64 prime, as the polynomial base of the rolling combination
MIN_QUOTE_CHARS = 10
"""A quotation counts as a segment of its own from this many characters inside its marks (shorter ones are
scare quotes: "bandits", "terrorists")."""
_DIFF_TOKEN = re.compile(r"\w+(?:[-'’]\w+)*|\s+|[^\w\s]")
_DECIMALS = 4


# --------------------------------------------------------------------------------------------
# Preconditions and small helpers
# --------------------------------------------------------------------------------------------


def comparison_problem(units: pd.DataFrame) -> str | None:
    """Say why documents cannot be compared, or return None when they can.

    Args:
        units: Body paragraphs (``doc_id``, ``para_id``, ``text``), e.g. from :func:`kzanalysis.body_paragraphs`.

    Returns:
        ``None`` when at least two documents have body text with a content word; otherwise one sentence saying
        what is missing (the notebook prints it and writes empty tables).

    Example:
        >>> comparison_problem(pd.DataFrame({"doc_id": ["a"], "para_id": [0], "text": ["Protests in Almaty."]}))
        'only 1 document (a) has body text with content words: overlap needs at least two.'
    """
    _check_units(units)
    languages = _languages_by_doc(units)
    with_terms = sorted({str(d) for d, t in zip(units["doc_id"], units["text"])
                         if _content_terms(t, languages.get(str(d), "en"))})
    if len(with_terms) >= 2:
        return None
    named = f" ({', '.join(with_terms)})" if with_terms else ""
    return f"only {len(with_terms)} document{'' if len(with_terms) == 1 else 's'}{named} has body text with content " \
           "words: overlap needs at least two."


def _check_units(units: pd.DataFrame) -> None:
    missing = [c for c in ("doc_id", "para_id", "text") if c not in units.columns]
    if missing:
        raise ValueError(f"units need columns doc_id, para_id and text (see kz.body_paragraphs); missing {missing}")
    if units.duplicated(["doc_id", "para_id"]).any():
        raise ValueError("units must have one row per (doc_id, para_id); found duplicates")


def _content_terms(text: object, language: str = "en") -> list[str]:
    """Content stems of one text in its language: stop words out, numbers kept ("18 killed" is evidence of reuse)."""
    return analysis_tokens(text, drop_numbers=False, language=language) if isinstance(text, str) else []


def _languages_by_doc(frame: pd.DataFrame) -> dict[str, str]:
    """``doc_id`` -> language of a units frame's documents (empty without a ``language`` column: English)."""
    if "language" not in frame.columns:
        return {}
    first = frame.drop_duplicates("doc_id")
    return dict(zip(first["doc_id"].astype(str), unit_languages(first)))


def _ordered_units(units: pd.DataFrame) -> pd.DataFrame:
    _check_units(units)
    ordered = units.assign(doc_id=units["doc_id"].astype(str))
    return ordered.sort_values(["doc_id", "para_id"], kind="stable").reset_index(drop=True)


def _term_weights(term_lists: list[list[str]]) -> dict[str, float]:
    """Smoothed idf of each term over the given rows (paragraphs): ``ln((1 + n) / (1 + df)) + 1``."""
    df: dict[str, int] = {}
    for terms in term_lists:
        for term in set(terms):
            df[term] = df.get(term, 0) + 1
    n = len(term_lists)
    return {term: math.log((1 + n) / (1 + count)) + 1.0 for term, count in df.items()}


@lru_cache(maxsize=2**20)
def _term_hash(term: str) -> int:
    """A 64-bit hash of one term that is the same on every machine and run (Python's hash() is salted)."""
    return int.from_bytes(hashlib.blake2b(term.encode("utf-8"), digest_size=8).digest(), "little")


def _mix64(values: np.ndarray) -> np.ndarray:
    """SplitMix64 finaliser: spreads the bits of uint64 values (vectorised, wraps modulo 2**64)."""
    z = values.astype(np.uint64, copy=True)
    with np.errstate(over="ignore"):
        z ^= z >> np.uint64(30)
        z *= np.uint64(0xBF58476D1CE4E5B9)
        z ^= z >> np.uint64(27)
        z *= np.uint64(0x94D049BB133111EB)
        z ^= z >> np.uint64(31)
    return z


def _pairs_frame(doc_a: list[str], doc_b: list[str]) -> pd.DataFrame:
    """Unordered pairs with doc_a < doc_b, deduplicated and sorted."""
    a = np.asarray(doc_a, dtype=object)
    b = np.asarray(doc_b, dtype=object)
    swap = a > b
    first, second = np.where(swap, b, a), np.where(swap, a, b)
    frame = pd.DataFrame({"doc_a": first.astype(str), "doc_b": second.astype(str)})
    frame = frame[frame["doc_a"] != frame["doc_b"]].drop_duplicates()
    return frame.sort_values(["doc_a", "doc_b"], kind="stable").reset_index(drop=True)


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


def _document_texts(units: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """Sorted document ids and each document's body: its unit texts in ``para_id`` order, one per line.

    (Each document's language, where the units carry one, is read by :func:`_languages_by_doc`.)

    Tokens never cross a line break, so tokenising the joined body gives each unit's tokens in order, with one
    call per document instead of one per paragraph.
    """
    ordered = _ordered_units(units)
    if ordered.empty:
        return np.zeros(0, dtype=str), []
    doc_ids = ordered["doc_id"].to_numpy(dtype=object)
    texts = [text if isinstance(text, str) else "" for text in ordered["text"].tolist()]
    starts = np.flatnonzero(np.concatenate([[True], doc_ids[1:] != doc_ids[:-1]]))
    bounds = np.append(starts, len(texts)).tolist()
    bodies = ["\n".join(texts[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]
    return np.asarray(doc_ids[starts], dtype=str), bodies


_TERM_HASHES: dict[str, int] = {}
"""Each content stem's 64-bit hash (grows with the vocabulary; worker processes fill their own copy)."""


def _shingle_texts(texts: list[str], k: int, languages: list[str] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``indptr`` and ``values`` (see :class:`Shingles`) of the k-shingles of each text's content stems.

    Each stem type is hashed once (BLAKE2b, 64 bits); the ``k`` hashes of a window are combined by a polynomial
    and spread by SplitMix64, all in numpy. Rows are then sorted and deduplicated together, by one sort on a key
    that puts the row number in the top bits.
    """
    term_lists = ([_content_terms(text) for text in texts] if languages is None
                  else [_content_terms(text, language) for text, language in zip(texts, languages)])
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
    rows = np.repeat(np.arange(len(texts), dtype=np.uint64), n_windows)
    row_bits = max(int(len(texts)).bit_length(), 1)
    order = np.argsort((rows << np.uint64(64 - row_bits)) | (hashed >> np.uint64(row_bits)))
    values, rows = hashed[order], rows[order]
    if ((rows[1:] == rows[:-1]) & (values[1:] < values[:-1])).any():  # two hashes equal in their top bits
        order = np.lexsort((hashed, np.repeat(np.arange(len(texts)), n_windows)))
        values, rows = hashed[order], np.repeat(np.arange(len(texts), dtype=np.uint64), n_windows)[order]
    keep = np.ones(len(values), dtype=bool)
    keep[1:] = (values[1:] != values[:-1]) | (rows[1:] != rows[:-1])
    counts = np.bincount(rows[keep].astype(np.int64), minlength=len(texts))
    return np.concatenate([[0], np.cumsum(counts)]).astype(np.int64), values[keep]


def _sketch_texts(
    texts: list[str], k: int, n_perm: int, random_state: int, languages: list[str] | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Shingles of each text and, when ``n_perm`` > 0, their MinHash signatures (one chunk of documents)."""
    indptr, values = _shingle_texts(texts, k, languages)
    # the low 32 bits of each bin's minimum: two different minima agree by chance with probability 2**-32,
    # and signatures take half the memory (and half the time to compare)
    signatures = _minhash(indptr, values, n_perm, random_state).astype(np.uint32) if n_perm else None
    return indptr, values, signatures


def _sketch_units(
    units: pd.DataFrame, k: int, n_perm: int, random_state: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """Document ids and :func:`_sketch_texts` of a chunk of units (whole documents)."""
    doc_ids, texts = _document_texts(units)
    by_doc = _languages_by_doc(units)
    languages = [by_doc.get(str(d), "en") for d in doc_ids] if by_doc else None
    return (doc_ids, *_sketch_texts(texts, k, n_perm, random_state, languages))


def _sketch_corpus(
    corpus: pd.DataFrame, k: int, n_perm: int, random_state: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """Body paragraphs (``kz.paragraphs`` / ``kz.body_paragraphs``) of a chunk of documents, then :func:`_sketch_units`."""
    from .clean import body_paragraphs, paragraphs

    return _sketch_units(body_paragraphs(paragraphs(corpus)), k, n_perm, random_state)


def _sketch(
    frame: pd.DataFrame, *, corpus: bool, k: int, n_perm: int, random_state: int, n_jobs: int | None, desc: str,
    show: bool | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """Document ids, shingle ``indptr`` / ``values`` and (``n_perm`` > 0) MinHash signatures of a corpus or units.

    The frame is cut into chunks of whole documents; each chunk is made into bodies, tokenised, shingled and
    hashed in a worker (see :func:`_run_chunks`), so the parent never holds the documents as Python strings.
    """
    if corpus:
        keep = ["doc_id", "text", *[c for c in ("detected_language", "language") if c in frame.columns]]
        source = frame[keep].assign(doc_id=frame["doc_id"].astype(str))
        if source["doc_id"].duplicated().any():
            raise ValueError("a corpus must have one row per doc_id; found duplicates")
        if not source["doc_id"].is_monotonic_increasing:
            source = source.sort_values("doc_id", kind="stable")
        doc_starts = np.arange(len(source) + 1)
        function = _sketch_corpus
    else:
        source = _ordered_units(frame)[["doc_id", "para_id", "text", *(["language"] if "language" in frame.columns
                                                                        else [])]]
        ids = source["doc_id"].to_numpy(dtype=object)
        doc_starts = np.flatnonzero(np.concatenate([[True], ids[1:] != ids[:-1]])) if len(ids) else np.zeros(0, int)
        doc_starts = np.append(doc_starts, len(ids))
        function = _sketch_units
    n_docs = len(doc_starts) - 1
    workers = _n_workers(n_jobs, n_docs)
    bounds = [(int(doc_starts[a]), int(doc_starts[b])) for a, b in _chunk_bounds(n_docs, workers)]
    found = _run_chunks(function, source, bounds, (k, n_perm, random_state), n_jobs=workers, desc=desc, show=show)
    del source
    doc_ids = np.concatenate([part[0] for part in found]) if found else np.zeros(0, dtype=str)
    parts = [part[1:] for part in found]
    del found
    return (doc_ids, *_stack(parts))


def _n_workers(n_jobs: int | None, n_docs: int) -> int:
    if n_jobs is not None and n_jobs < 1:
        raise ValueError(f"n_jobs must be a positive number of processes or None (all cores), not {n_jobs}")
    if n_docs < PARALLEL_MIN_DOCS:
        return 1
    return max(1, min(os.cpu_count() or 1, 64) if n_jobs is None else n_jobs)


_FORKED_SOURCE: object = None
"""The input of the chunked work in progress, read by forked workers from the memory they share with the parent."""


def _take(source: object, start: int, stop: int) -> object:
    return source.iloc[start:stop] if isinstance(source, pd.DataFrame) else source[start:stop]  # type: ignore[index]


def _forked_call(function, bounds: tuple[int, int], options: tuple):
    """Run ``function`` on a slice of :data:`_FORKED_SOURCE` (in a forked worker: nothing is pickled but bounds)."""
    return function(_take(_FORKED_SOURCE, *bounds), *options)


def _run_chunks(
    function, source: object, bounds: list[tuple[int, int]], options: tuple, *, n_jobs: int, desc: str,
    show: bool | None,
) -> list:
    """``[function(source[a:b], *options) for a, b in bounds]``, in ``n_jobs`` worker processes when above 1.

    Workers are forked where the system can (no import, no ``if __name__ == "__main__"`` guard needed, as in
    :func:`kzanalysis.tfidf`; they read their slice of ``source`` from memory shared with the parent, so the
    input is neither copied nor pickled) and spawned elsewhere (slices are then sent). Results come back in
    chunk order; a progress bar counts finished chunks (see :func:`kzanalysis.progress.progress`).
    """
    global _FORKED_SOURCE
    from .progress import progress

    if n_jobs > 1 and len(bounds) > 1:
        from concurrent.futures import ProcessPoolExecutor
        from multiprocessing import get_all_start_methods, get_context

        fork = "fork" in get_all_start_methods()
        context = get_context("fork" if fork else "spawn")
        repeat = [[option] * len(bounds) for option in options]
        try:
            _FORKED_SOURCE = source if fork else None
            with ProcessPoolExecutor(max_workers=min(n_jobs, len(bounds)), mp_context=context) as pool:
                if fork:
                    done = pool.map(_forked_call, [function] * len(bounds), bounds, [options] * len(bounds))
                else:
                    done = pool.map(function, [_take(source, a, b) for a, b in bounds], *repeat)
                return list(progress(done, total=len(bounds), desc=desc, enabled=show))
        finally:
            _FORKED_SOURCE = None
    return [function(_take(source, a, b), *options)
            for a, b in progress(bounds, total=len(bounds), desc=desc, enabled=show)]


def _chunk_bounds(n_items: int, n_jobs: int) -> list[tuple[int, int]]:
    size = max(1, min(CHUNK_DOCS, -(-n_items // (4 * n_jobs)) if n_jobs > 1 else CHUNK_DOCS))
    return [(start, min(start + size, n_items)) for start in range(0, n_items, size)]


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
    units: pd.DataFrame, *, k: int = SHINGLE_SIZE, n_jobs: int | None = 1, progress: bool | None = None
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
        n_jobs: Processes that tokenise (``None``: all cores); one below :data:`PARALLEL_MIN_DOCS` documents.
            The result does not depend on it.
        progress: Progress bar over chunks of documents (``None``: only in an interactive notebook; see
            :func:`kzanalysis.progress.progress`).

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
                                         desc="shingles", show=progress)
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
    for start, stop in _chunk_bounds(len(sh.doc_ids), 1):
        lo, hi = sh.indptr[start], sh.indptr[stop]
        blocks.append(_minhash(sh.indptr[start:stop + 1] - lo, sh.values[lo:hi], n_perm, random_state))
    return np.concatenate(blocks) if blocks else np.full((0, n_perm), _EMPTY, dtype=np.uint64)


def _band_pairs(signatures: np.ndarray, bands: int) -> tuple[np.ndarray, np.ndarray]:
    """Row pairs ``(i, j)``, ``i < j``, that agree on at least one whole band; sorted, without repeats."""
    n_docs, n_perm = signatures.shape
    if bands < 1 or n_perm % bands:
        raise ValueError(f"bands ({bands}) must divide the signature length ({n_perm})")
    rows_per_band = n_perm // bands
    rows = np.flatnonzero(~(signatures == np.iinfo(signatures.dtype).max).all(axis=1))
    codes: list[np.ndarray] = []
    found: list[np.ndarray] = []
    for band in range(bands):
        block = signatures[rows, band * rows_per_band:(band + 1) * rows_per_band]
        key = np.zeros(len(rows), dtype=np.uint64)
        with np.errstate(over="ignore"):
            for column in range(rows_per_band):
                key = _mix64(key * _SHINGLE_BASE + block[:, column])
        order = np.argsort(key, kind="stable")
        sorted_keys = key[order]
        in_run = np.zeros(len(order), dtype=bool)
        same = sorted_keys[1:] == sorted_keys[:-1]
        in_run[1:] |= same
        in_run[:-1] |= same
        members = order[in_run]
        run = np.cumsum(np.concatenate([[True], ~same]))[in_run]
        for distance in range(1, len(members)):
            together = run[distance:] == run[:-distance]
            if not together.any():
                break
            first, second = rows[members[:-distance][together]], rows[members[distance:][together]]
            found.append(np.minimum(first, second).astype(np.int64) * n_docs + np.maximum(first, second))
        if sum(len(f) for f in found) > 4_000_000:
            codes.append(np.unique(np.concatenate(found)))
            found = []
    codes.append(np.concatenate(found) if found else np.zeros(0, dtype=np.int64))
    unique = np.unique(np.concatenate(codes))
    return unique // n_docs, unique % n_docs


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
    matrix: sp.csr_matrix, doc_ids: np.ndarray, *, n_neighbors: int = 10, min_cosine: float = MIN_SAME_EVENT_COSINE,
    chunk_size: int = 2000,
) -> pd.DataFrame:
    """Candidate pairs from sparse nearest neighbours: each document's most similar documents by cosine.

    Rows are compared a chunk at a time (``chunk_size`` x ``n_documents`` sparse products), so no dense
    document x document matrix is ever built.

    Args:
        matrix: L2-normalised CSR rows (e.g. ``kz.tfidf(...).matrix``), one per ``doc_ids`` entry.
        doc_ids: The row ids.
        n_neighbors: Neighbours kept per document.
        min_cosine: Neighbours below this cosine are dropped.
        chunk_size: Rows per sparse product.

    Returns:
        One row per candidate pair: ``doc_a``, ``doc_b`` (``doc_a < doc_b``), sorted.

    Example:
        >>> m = sp.csr_matrix(np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]]))
        >>> neighbor_candidates(m, np.array(["a", "b", "c"]), n_neighbors=1).values.tolist()
        [['a', 'b'], ['b', 'c']]
    """
    first: list[np.ndarray] = []
    second: list[np.ndarray] = []
    transposed = matrix.T.tocsc()
    for start in range(0, matrix.shape[0], chunk_size):
        product = (matrix[start:start + chunk_size] @ transposed).tocsr()
        for row in range(product.shape[0]):
            lo, hi = product.indptr[row], product.indptr[row + 1]
            cols, vals = product.indices[lo:hi], product.data[lo:hi]
            keep = (cols != start + row) & (vals >= min_cosine)
            cols, vals = cols[keep], vals[keep]
            if len(cols) > n_neighbors:
                top = np.lexsort((cols, -vals))[:n_neighbors]
                cols = cols[top]
            first.append(np.full(len(cols), start + row))
            second.append(cols)
    if not first or not sum(len(c) for c in first):
        return pd.DataFrame({"doc_a": pd.Series(dtype=str), "doc_b": pd.Series(dtype=str)})
    i = np.concatenate(first)
    j = np.concatenate(second)
    return _pairs_frame(doc_ids[i].tolist(), doc_ids[j].tolist())


def _doc_features(units: pd.DataFrame, *, k: int):
    """Shingles and document TF-IDF (stems, stop words and numbers out) of the same documents, same row order."""
    from .features import tfidf

    ordered = _ordered_units(units)
    sh = shingles(ordered, k=k)
    features = tfidf(ordered, grain="document")
    if features.ids["doc_id"].astype(str).tolist() != sh.doc_ids.tolist():  # pragma: no cover - both sort doc ids
        raise RuntimeError("shingle and TF-IDF rows disagree")
    return sh, features


def candidate_pairs(
    units: pd.DataFrame,
    *,
    method: CandidateMethod = "auto",
    k: int = SHINGLE_SIZE,
    n_perm: int = 128,
    bands: int = 32,
    n_neighbors: int = 10,
    min_cosine: float = MIN_SAME_EVENT_COSINE,
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


def _shingle_overlap(sh: Shingles, i: np.ndarray, j: np.ndarray) -> dict[str, np.ndarray]:
    """Exact ``jaccard``, ``containment_a_in_b`` and ``containment_b_in_a`` of the row pairs ``(i[n], j[n])``.

    Shared shingles are counted by intersecting the two rows' sorted hash arrays, one pair at a time: memory
    stays that of two documents, however many pairs (a sparse row-wise product would copy both rows per pair).
    """
    shared = np.fromiter((len(np.intersect1d(sh.row(a), sh.row(b), assume_unique=True)) for a, b in zip(i, j)),
                         dtype=np.float64, count=len(i))
    size_a, size_b = sh.sizes[i].astype(float), sh.sizes[j].astype(float)
    union = size_a + size_b - shared
    with np.errstate(invalid="ignore", divide="ignore"):
        return {"jaccard": np.where(union > 0, shared / union, 0.0),
                "containment_a_in_b": np.where(size_a > 0, shared / size_a, 0.0),
                "containment_b_in_a": np.where(size_b > 0, shared / size_b, 0.0)}


NEAR_DUPLICATE_JACCARD = 0.2
"""Shingle Jaccard from which two documents are near duplicates (:func:`near_duplicates`).

An edited copy that replaces a share ``e`` of the words keeps a 3-stem shingle only when none of the words
its window spans changed. Content stems are about 55% of the words of news text, so three of them span about
5.5 words and a shingle survives with probability about ``(1 - e) ** 5.5``: containment about 0.6 and Jaccard
``c / (2 - c)`` about 0.45 for ``e`` = 0.1 (a replaced stop word also becomes a content word, which breaks a
few more). On the planted corpora of ``benchmarks/synthetic.py`` (10% of words replaced, paragraphs
shuffled) edited copies measure 0.36 to 0.58 (mean 0.46) on 10,000 documents; documents that merely share one
paragraph measure 0.02 to 0.12 and unrelated documents below 0.03. 0.2 lies between the two groups with room
on both sides; it corresponds to a containment of about 0.33, i.e. copies with up to about 20% of their words
changed."""
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


def _signature_agreement(signatures: np.ndarray, i: np.ndarray, j: np.ndarray, *, chunk: int = 20_000) -> np.ndarray:
    """Share of equal signature entries of each row pair (the MinHash estimate of their Jaccard)."""
    agreement = np.empty(len(i), dtype=np.float64)
    for start in range(0, len(i), chunk):
        stop = start + chunk
        agreement[start:stop] = (signatures[i[start:stop]] == signatures[j[start:stop]]).mean(axis=1)
    return agreement


def near_duplicates(
    corpus_or_units: pd.DataFrame,
    *,
    threshold: float = NEAR_DUPLICATE_JACCARD,
    k: int = SHINGLE_SIZE,
    n_perm: int = NEAR_DUPLICATE_PERMUTATIONS,
    bands: int = NEAR_DUPLICATE_BANDS,
    n_jobs: int | None = None,
    random_state: int = 0,
    progress: bool | None = None,
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
            ``text``, e.g. ``kz.body_paragraphs(paras)``), recognised by their ``para_id`` column. Not modified.
        threshold: Lowest exact shingle Jaccard of a near-duplicate pair.
        k: Words per shingle.
        n_perm: MinHash bins.
        bands: LSH bands (must divide ``n_perm``).
        n_jobs: Processes (``None``: all cores); one process below :data:`PARALLEL_MIN_DOCS` documents. The
            result does not depend on it.
        random_state: Seed of the MinHash hashing.
        progress: Progress bar over chunks of documents: ``None`` shows one only in an interactive notebook
            (and not when ``KZANALYSIS_PROGRESS=0``); see :func:`kzanalysis.progress.progress`.

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
    if "para_id" not in frame.columns and not {"doc_id", "text"} <= set(frame.columns):
        raise ValueError("near_duplicates needs a corpus (doc_id, text) or units (doc_id, para_id, text); "
                         f"got columns {list(frame.columns)}")
    doc_ids, indptr, values, signatures = _sketch(
        frame, corpus="para_id" not in frame.columns, k=k, n_perm=n_perm, random_state=random_state, n_jobs=n_jobs,
        desc="near duplicates", show=progress,
    )
    empty = pd.DataFrame({c: pd.Series(dtype=str if c.startswith("doc") else float) for c in NEAR_DUPLICATE_COLUMNS})
    if signatures is None or len(doc_ids) < 2:
        return empty
    sh = Shingles(doc_ids=doc_ids, indptr=indptr, values=values, k=k)
    i, j = _band_pairs(signatures, bands)
    if n_perm >= 4 * _FIRST_LOOK:  # most candidates are chance collisions: a look at a few bins drops them
        likely = _signature_agreement(signatures[:, :_FIRST_LOOK], i, j) >= threshold / 4
        i, j = i[likely], j[likely]
    likely = _signature_agreement(signatures, i, j) >= threshold / 2
    i, j = i[likely], j[likely]
    measures = pd.DataFrame({"doc_a": doc_ids[i], "doc_b": doc_ids[j], **_shingle_overlap(sh, i, j)})
    measures = measures[measures["jaccard"] >= threshold]
    if measures.empty:
        return empty
    measures = measures.round(_DECIMALS).sort_values(["doc_a", "doc_b"], kind="stable").reset_index(drop=True)
    return measures[list(NEAR_DUPLICATE_COLUMNS)]


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
    from .tokenize import sentences

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
    for term in a:
        match = b == term
        if not match.any():
            continue
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
                record[1:] = [score, segs["text"].iat[sa], segs["text"].iat[sb]]
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


def classify_relations(
    measures: pd.DataFrame,
    alignment: pd.DataFrame,
    units: pd.DataFrame,
    *,
    min_passage_score: float = MIN_PASSAGE_SCORE,
    min_coverage: float = MIN_NEAR_DUPLICATE_COVERAGE,
    min_cosine: float = MIN_SAME_EVENT_COSINE,
) -> pd.DataFrame:
    """Name the relation of each document pair from its aligned passages, with the evidence.

    The rules, in order (the first that holds):

    - ``near_duplicate``: paragraphs scoring at least ``min_passage_score`` cover at least ``min_coverage`` of
      EACH document's content words: most of either text has a counterpart in the other (edited, re-translated,
      republished). A short text wholly inside one more than twice its length is not a near duplicate but:
    - ``shared_passages``: at least one aligned paragraph pair scores ``min_passage_score`` or more;
    - ``same_event``: no shared passage, but a document cosine of at least ``min_cosine``;
    - ``unrelated``: neither.

    Args:
        measures: From :func:`pair_measures`.
        alignment: From :func:`align_passages`.
        units: The body paragraphs.
        min_passage_score: Score a paragraph pair needs to count as a shared passage.
        min_coverage: Share of each document that near duplicates have aligned.
        min_cosine: Cosine separating ``same_event`` from ``unrelated``.

    Returns:
        ``measures`` with, added: ``relation``, ``n_aligned`` (aligned paragraph pairs, any score),
        ``coverage_a``, ``coverage_b`` (share of each document's content words in paragraphs scoring at least
        ``min_passage_score``), ``best_score`` and ``best_passage_a``, ``best_passage_b`` (the strongest shared
        sentence or quotation, or paragraph when no sentence pair scored higher; empty when none aligned).
        One row per pair, sorted by ``doc_a, doc_b``.

    Example:
        >>> measures = pd.DataFrame({"doc_a": ["a"], "doc_b": ["b"], "cosine": [0.01], "jaccard": [0.0],
        ...                          "containment_a_in_b": [0.0], "containment_b_in_a": [0.0]})
        >>> units = pd.DataFrame({"doc_id": ["a", "b"], "para_id": [0, 0], "text": ["x", "y"]})
        >>> classify_relations(measures, pd.DataFrame(columns=list(SCORE_COLUMNS)), units)["relation"].tolist()
        ['unrelated']
    """
    ordered = _ordered_units(units)
    text = {(d, int(p)): t for d, p, t in zip(ordered["doc_id"], ordered["para_id"], ordered["text"])}
    result = measures.copy()
    result["doc_a"] = result["doc_a"].astype(str)
    result["doc_b"] = result["doc_b"].astype(str)
    coverage = alignment_coverage(alignment, ordered, min_score=min_passage_score)
    result = result.merge(coverage.drop(columns="n_aligned"), on=["doc_a", "doc_b"], how="left")
    result[["coverage_a", "coverage_b"]] = result[["coverage_a", "coverage_b"]].fillna(0.0)
    if len(alignment):
        counts = alignment.groupby(["doc_a", "doc_b"]).size().rename("n_aligned").reset_index()
        best = alignment.sort_values(["score", "para_a", "para_b"], ascending=[False, True, True], kind="stable")
        best = best.drop_duplicates(["doc_a", "doc_b"])
        passages = []
        for row in best.itertuples(index=False):
            use_segment = row.segment_score >= row.para_score and row.segment_a
            passages.append({
                "doc_a": row.doc_a, "doc_b": row.doc_b, "best_score": row.score,
                "best_passage_a": row.segment_a if use_segment else text.get((row.doc_a, int(row.para_a)), ""),
                "best_passage_b": row.segment_b if use_segment else text.get((row.doc_b, int(row.para_b)), ""),
            })
        result = result.merge(counts, on=["doc_a", "doc_b"], how="left")
        result = result.merge(pd.DataFrame(passages), on=["doc_a", "doc_b"], how="left")
    else:
        result = result.assign(n_aligned=0, best_score=0.0, best_passage_a="", best_passage_b="")
    result["n_aligned"] = result["n_aligned"].fillna(0).astype("int64")
    result["best_score"] = result["best_score"].fillna(0.0).astype(float)
    result[["best_passage_a", "best_passage_b"]] = result[["best_passage_a", "best_passage_b"]].fillna("")
    shared = result["best_score"] >= min_passage_score
    near = (result["coverage_a"] >= min_coverage) & (result["coverage_b"] >= min_coverage)
    result["relation"] = np.select(
        [near, shared, result["cosine"] >= min_cosine], ["near_duplicate", "shared_passages", "same_event"],
        default="unrelated",
    )
    result = result.sort_values(["doc_a", "doc_b"], kind="stable").reset_index(drop=True)
    return result[list(SIMILARITY_COLUMNS)]


@dataclass(frozen=True)
class OverlapResult:
    """Everything :func:`source_overlap` computes.

    Attributes:
        similarity: One row per document pair (the ``doc_similarity`` table; columns :data:`SIMILARITY_COLUMNS`).
        alignment: One row per aligned paragraph pair (the ``passage_alignment`` table; :data:`ALIGNMENT_COLUMNS`).
        scores: Every scored paragraph pair, aligned or not (for the threshold plots).
        problem: Why nothing could be compared (``None`` when the corpus could be compared).
    """

    similarity: pd.DataFrame
    alignment: pd.DataFrame
    scores: pd.DataFrame
    problem: str | None = None


def source_overlap(
    units: pd.DataFrame,
    *,
    k: int = SHINGLE_SIZE,
    candidates: CandidateMethod = "auto",
    min_passage_score: float = MIN_PASSAGE_SCORE,
    min_near_duplicate_score: float = MIN_NEAR_DUPLICATE_SCORE,
    min_coverage: float = MIN_NEAR_DUPLICATE_COVERAGE,
    min_cosine: float = MIN_SAME_EVENT_COSINE,
    min_segment_terms: int = MIN_SEGMENT_TERMS,
    n_perm: int = 128,
    bands: int = 32,
    n_neighbors: int = 10,
    random_state: int = 0,
    splitter: str = "auto",
) -> OverlapResult:
    """Compare documents end to end: candidates, measures, passage scores, alignment and relations.

    Steps: :func:`candidate_pairs` -> :func:`pair_measures` -> :func:`passage_scores` -> a first
    :func:`align_passages` at ``min_passage_score`` decides which pairs are near duplicates (the rule of
    :func:`classify_relations`) -> those pairs are aligned again down to ``min_near_duplicate_score`` ->
    :func:`classify_relations`.

    Args:
        units: Body paragraphs (``doc_id``, ``para_id``, ``text``), e.g. ``kz.body_paragraphs(paras)``.
        k: Words per shingle.
        candidates: How pairs are chosen (see :func:`candidate_pairs`).
        min_passage_score: See :func:`classify_relations`.
        min_near_duplicate_score: See :func:`align_passages`.
        min_coverage: See :func:`classify_relations`.
        min_cosine: See :func:`classify_relations`.
        min_segment_terms: See :func:`segments`.
        n_perm: MinHash permutations (large corpora only).
        bands: LSH bands (large corpora only).
        n_neighbors: Nearest neighbours per document (large corpora only).
        random_state: Seed of the MinHash permutations.
        splitter: Sentence splitter, as in :func:`kzanalysis.sentences`.

    Returns:
        An :class:`OverlapResult`. With fewer than two comparable documents its tables are empty (with their
        columns) and ``problem`` says why.

    Example:
        >>> import kzanalysis as kz
        >>> result = source_overlap(kz.body_paragraphs(kz.paragraphs(kz.load_corpus())))  # doctest: +SKIP
        >>> result.similarity.set_index(["doc_a", "doc_b"])["relation"].iloc[0]  # doctest: +SKIP
        'near_duplicate'
    """
    ordered = _ordered_units(units)
    problem = comparison_problem(ordered)
    empty_scores = passage_scores(ordered, pd.DataFrame({"doc_a": [], "doc_b": []}))
    if problem is not None:
        empty_similarity = pd.DataFrame({c: pd.Series(dtype=float) for c in SIMILARITY_COLUMNS})
        for c in ("doc_a", "doc_b", "relation", "best_passage_a", "best_passage_b"):
            empty_similarity[c] = empty_similarity[c].astype(str)
        return OverlapResult(empty_similarity, empty_scores, empty_scores, problem)
    languages = _languages_by_doc(ordered)
    with_terms = ordered[[bool(_content_terms(t, languages.get(d, "en"))) for d, t in zip(ordered["doc_id"], ordered["text"])]]
    docs = with_terms["doc_id"].unique()
    ordered = ordered[ordered["doc_id"].isin(docs)].reset_index(drop=True)
    pairs = candidate_pairs(ordered, method=candidates, k=k, n_perm=n_perm, bands=bands, n_neighbors=n_neighbors,
                            min_cosine=min_cosine, random_state=random_state)
    measures = pair_measures(ordered, pairs, k=k)
    scores = passage_scores(ordered, pairs, min_segment_terms=min_segment_terms, splitter=splitter)
    first = align_passages(scores, min_score=min_passage_score)
    coverage = alignment_coverage(first, ordered, min_score=min_passage_score)
    near = coverage[(coverage["coverage_a"] >= min_coverage) & (coverage["coverage_b"] >= min_coverage)]
    alignment = align_passages(scores, min_score=min_passage_score, near_duplicates=near,
                               near_duplicate_min_score=min_near_duplicate_score)
    similarity = classify_relations(measures, alignment, ordered, min_passage_score=min_passage_score,
                                    min_coverage=min_coverage, min_cosine=min_cosine)
    return OverlapResult(similarity, alignment, scores, None)


# --------------------------------------------------------------------------------------------
# Wording: what changed between aligned paragraphs, and how to show it
# --------------------------------------------------------------------------------------------


def _diff_tokens(text: str) -> list[str]:
    return _DIFF_TOKEN.findall(text)


def _words(text: str) -> list[str]:
    return [t.lower().replace("’", "'") for t in _diff_tokens(text) if t[0].isalnum() or t[0] == "_"]


def _aligned_texts(alignment: pd.DataFrame, units: pd.DataFrame) -> list[tuple[tuple, str, str]]:
    ordered = _ordered_units(units)
    text = {(d, int(p)): t for d, p, t in zip(ordered["doc_id"], ordered["para_id"], ordered["text"])}
    out = []
    for row in alignment.itertuples(index=False):
        key = (row.doc_a, int(row.para_a), row.doc_b, int(row.para_b))
        out.append((key, text.get((row.doc_a, int(row.para_a)), ""), text.get((row.doc_b, int(row.para_b)), "")))
    return out


def rewording(alignment: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """How much of the wording of each aligned paragraph pair is unchanged, word for word.

    Words are lower-cased word tokens (stop words included: a translation round trip changes those too); the
    unchanged words are those of the matching blocks of ``difflib.SequenceMatcher``.

    Args:
        alignment: From :func:`align_passages` (or the ``passage_alignment`` table).
        units: The body paragraphs.

    Returns:
        One row per aligned pair, in ``alignment`` order: ``doc_a``, ``para_a``, ``doc_b``, ``para_b``,
        ``n_words_a``, ``n_words_b``, ``n_same`` (words in identical runs) and ``share_same``
        (``2 * n_same / (n_words_a + n_words_b)``, rounded to 4 decimals).

    Example:
        >>> units = pd.DataFrame({"doc_id": ["a", "b"], "para_id": [0, 0],
        ...                       "text": ["Media reported local.", "Local media reported."]})
        >>> aligned = pd.DataFrame({"doc_a": ["a"], "para_a": [0], "doc_b": ["b"], "para_b": [0]})
        >>> rewording(aligned, units)[["n_same", "share_same"]].values.tolist()
        [[2.0, 0.6667]]
    """
    rows = []
    for (doc_a, para_a, doc_b, para_b), text_a, text_b in _aligned_texts(alignment, units):
        words_a, words_b = _words(text_a), _words(text_b)
        matcher = difflib.SequenceMatcher(None, words_a, words_b, autojunk=False)
        same = sum(block.size for block in matcher.get_matching_blocks())
        total = len(words_a) + len(words_b)
        rows.append({"doc_a": doc_a, "para_a": para_a, "doc_b": doc_b, "para_b": para_b,
                     "n_words_a": len(words_a), "n_words_b": len(words_b), "n_same": float(same),
                     "share_same": round(2 * same / total, _DECIMALS) if total else 0.0})
    columns = ["doc_a", "para_a", "doc_b", "para_b", "n_words_a", "n_words_b", "n_same", "share_same"]
    return pd.DataFrame(rows, columns=columns)


def word_edits(alignment: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Every word-level edit between aligned paragraphs: what A says where B says something else.

    Args:
        alignment: From :func:`align_passages`.
        units: The body paragraphs.

    Returns:
        One row per edit, in ``alignment`` order then position: ``doc_a``, ``para_a``, ``doc_b``, ``para_b``,
        ``edit`` (``"replace"``, ``"delete"``: words only in A, ``"insert"``: words only in B), ``words_a``,
        ``words_b`` (lower-cased words joined by spaces; empty on the side that has none).

    Example:
        >>> units = pd.DataFrame({"doc_id": ["a", "b"], "para_id": [0, 0],
        ...                       "text": ["Poverty and poverty.", "Poverty and unemployment."]})
        >>> aligned = pd.DataFrame({"doc_a": ["a"], "para_a": [0], "doc_b": ["b"], "para_b": [0]})
        >>> word_edits(aligned, units)[["edit", "words_a", "words_b"]].values.tolist()
        [['replace', 'poverty', 'unemployment']]
    """
    rows = []
    for (doc_a, para_a, doc_b, para_b), text_a, text_b in _aligned_texts(alignment, units):
        words_a, words_b = _words(text_a), _words(text_b)
        matcher = difflib.SequenceMatcher(None, words_a, words_b, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                continue
            rows.append({"doc_a": doc_a, "para_a": para_a, "doc_b": doc_b, "para_b": para_b, "edit": op,
                         "words_a": " ".join(words_a[i1:i2]), "words_b": " ".join(words_b[j1:j2])})
    return pd.DataFrame(rows, columns=["doc_a", "para_a", "doc_b", "para_b", "edit", "words_a", "words_b"])


_DIFF_STYLE = (
    "<style>.kz-diff{border-collapse:collapse;width:100%;font-size:0.9em}"
    ".kz-diff td,.kz-diff th{border:1px solid #ddd;padding:4px 6px;vertical-align:top;text-align:left}"
    ".kz-diff .a{background:#fde0c5}.kz-diff .b{background:#cfe8fc}.kz-diff .n{color:#666;white-space:nowrap}</style>"
)


def _highlight(text_a: str, text_b: str) -> tuple[str, str]:
    """Both texts as escaped HTML, words that differ wrapped in <span class="a"> / <span class="b">."""
    tokens_a, tokens_b = _diff_tokens(text_a), _diff_tokens(text_b)
    key_a = [t.lower().replace("’", "'") for t in tokens_a]
    key_b = [t.lower().replace("’", "'") for t in tokens_b]
    matcher = difflib.SequenceMatcher(lambda t: t.isspace(), key_a, key_b, autojunk=False)
    out_a: list[str] = []
    out_b: list[str] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        part_a = escape("".join(tokens_a[i1:i2]))
        part_b = escape("".join(tokens_b[j1:j2]))
        if op == "equal":
            out_a.append(part_a)
            out_b.append(part_b)
            continue
        if part_a.strip():
            out_a.append(f'<span class="a">{part_a}</span>')
        else:
            out_a.append(part_a)
        if part_b.strip():
            out_b.append(f'<span class="b">{part_b}</span>')
        else:
            out_b.append(part_b)
    return "".join(out_a), "".join(out_b)


def diff_html(text_a: str, text_b: str, *, label_a: str = "A", label_b: str = "B") -> str:
    """Two texts side by side with a word-level difference highlight; every piece of text is HTML-escaped.

    Args:
        text_a: The first text.
        text_b: The second text.
        label_a: Column heading of the first text.
        label_b: Column heading of the second text.

    Returns:
        An HTML fragment (a ``<table class="kz-diff">`` with its style): words only in A on orange, words only in
        B on blue. Show it with ``IPython.display.HTML``.

    Example:
        >>> html = diff_html("<b>riots</b> in Almaty", "riots in Almaty city")
        >>> "&lt;b&gt;" in html and '<span class="b"> city</span>' in html
        True
    """
    a, b = _highlight(str(text_a), str(text_b))
    return (f'{_DIFF_STYLE}<table class="kz-diff"><tr><th>{escape(label_a)}</th><th>{escape(label_b)}</th></tr>'
            f"<tr><td>{a}</td><td>{b}</td></tr></table>")


def aligned_passages_html(
    alignment: pd.DataFrame, units: pd.DataFrame, *, doc_a: str, doc_b: str, max_rows: int | None = None,
) -> str:
    """The aligned paragraphs of one document pair side by side, with word-level differences highlighted.

    Args:
        alignment: From :func:`align_passages`.
        units: The body paragraphs.
        doc_a: First document (the smaller id).
        doc_b: Second document.
        max_rows: Show at most this many pairs (in ``para_a`` order); ``None``: all.

    Returns:
        An HTML fragment: one table row per aligned pair with ``para_a``, ``para_b``, ``score`` and the two
        highlighted texts (all document text escaped). Says so when the pair has no aligned paragraphs.

    Example:
        >>> units = pd.DataFrame({"doc_id": ["a", "b"], "para_id": [0, 0], "text": ["x & y", "x & z"]})
        >>> aligned = pd.DataFrame({"doc_a": ["a"], "para_a": [0], "doc_b": ["b"], "para_b": [0], "score": [0.5]})
        >>> "x &amp; " in aligned_passages_html(aligned, units, doc_a="a", doc_b="b")
        True
    """
    rows = alignment[(alignment["doc_a"] == doc_a) & (alignment["doc_b"] == doc_b)]
    rows = rows.sort_values(["para_a", "para_b"], kind="stable")
    if rows.empty:
        return f"<p>No aligned paragraphs between {escape(doc_a)} and {escape(doc_b)}.</p>"
    shown = rows if max_rows is None else rows.head(max_rows)
    body = []
    for (_, para_a, _, para_b), text_a, text_b in _aligned_texts(shown, units):
        score = float(shown.loc[(shown["para_a"] == para_a) & (shown["para_b"] == para_b), "score"].iloc[0])
        a, b = _highlight(text_a, text_b)
        body.append(f'<tr><td class="n">{para_a}</td><td class="n">{para_b}</td><td class="n">{score:.2f}</td>'
                    f"<td>{a}</td><td>{b}</td></tr>")
    note = f"<p><em>{len(shown)} of {len(rows)} aligned pairs shown.</em></p>" if len(shown) < len(rows) else ""
    return (f'{_DIFF_STYLE}<table class="kz-diff"><tr><th>para_a</th><th>para_b</th><th>score</th>'
            f"<th>{escape(doc_a)} (only here: orange)</th><th>{escape(doc_b)} (only here: blue)</th></tr>"
            + "".join(body) + "</table>" + note)


# --------------------------------------------------------------------------------------------
# Checking against hand labels and hand-made pairs
# --------------------------------------------------------------------------------------------


def load_hand_alignment(path: Path | str = HAND_ALIGNMENT_FILE) -> pd.DataFrame:
    """Read a hand alignment of paragraphs (by default the CNN pair, 000 against 001, made by reading them).

    In the shipped file, 001's headline (para 0) and its subheading "‘Kill without warning’" (para 10) have no
    counterpart in 000 and are therefore absent; 000's paragraphs 11/12 and 21/22 appear in 001 in swapped order.

    Args:
        path: A CSV with ``doc_a``, ``para_a``, ``doc_b``, ``para_b`` (and optionally ``note``).

    Returns:
        One row per hand-aligned paragraph pair: ``doc_a``, ``para_a``, ``doc_b``, ``para_b``, ``note``.

    Example:
        >>> len(load_hand_alignment())
        25
    """
    table = pd.read_csv(path, dtype={"doc_a": str, "doc_b": str}, keep_default_na=False)
    missing = [c for c in ("doc_a", "para_a", "doc_b", "para_b") if c not in table.columns]
    if missing:
        raise ValueError(f"{path}: a hand alignment needs columns doc_a, para_a, doc_b, para_b; missing {missing}")
    if "note" not in table.columns:
        table["note"] = ""
    return table.astype({"para_a": "int64", "para_b": "int64"})[["doc_a", "para_a", "doc_b", "para_b", "note"]]


def compare_alignments(auto: pd.DataFrame, hand: pd.DataFrame) -> pd.DataFrame:
    """Put an automatic alignment next to a hand alignment, on the document pairs the hand alignment covers.

    Args:
        auto: From :func:`align_passages`.
        hand: From :func:`load_hand_alignment`.

    Returns:
        One row per paragraph pair in either, sorted by ``doc_a, para_a, para_b``: ``doc_a``, ``para_a``,
        ``doc_b``, ``para_b``, ``in_auto``, ``in_hand`` (bool) and ``score`` (the automatic score; NaN when the
        pair was not aligned automatically).

    Example:
        >>> hand = pd.DataFrame({"doc_a": ["a"], "para_a": [0], "doc_b": ["b"], "para_b": [1]})
        >>> auto = pd.DataFrame({"doc_a": ["a"], "para_a": [0], "doc_b": ["b"], "para_b": [1], "score": [0.9]})
        >>> compare_alignments(auto, hand)[["in_auto", "in_hand"]].values.tolist()
        [[True, True]]
    """
    keys = ["doc_a", "para_a", "doc_b", "para_b"]
    pairs = set(zip(hand["doc_a"].astype(str), hand["doc_b"].astype(str)))
    auto = auto.assign(doc_a=auto["doc_a"].astype(str), doc_b=auto["doc_b"].astype(str))
    auto = auto[[(a, b) in pairs for a, b in zip(auto["doc_a"], auto["doc_b"])]]
    left = auto[keys + ["score"]].astype({"para_a": "int64", "para_b": "int64"}).assign(in_auto=True)
    right = hand[keys].astype({"doc_a": str, "doc_b": str, "para_a": "int64", "para_b": "int64"}).assign(in_hand=True)
    merged = left.merge(right, on=keys, how="outer")
    merged["in_auto"] = merged["in_auto"].fillna(False).astype(bool)
    merged["in_hand"] = merged["in_hand"].fillna(False).astype(bool)
    merged = merged.sort_values(["doc_a", "doc_b", "para_a", "para_b"], kind="stable").reset_index(drop=True)
    return merged[keys + ["in_auto", "in_hand", "score"]]


def alignment_agreement(auto: pd.DataFrame, hand: pd.DataFrame) -> pd.DataFrame:
    """Precision and recall of an automatic alignment against a hand alignment.

    Args:
        auto: From :func:`align_passages`.
        hand: From :func:`load_hand_alignment`.

    Returns:
        One row: ``n_hand``, ``n_auto`` (automatic pairs on the hand-aligned document pairs), ``n_agree``,
        ``precision`` (``n_agree / n_auto``), ``recall`` (``n_agree / n_hand``) and ``f1``; NaN when undefined.

    Example:
        >>> hand = pd.DataFrame({"doc_a": ["a", "a"], "para_a": [0, 1], "doc_b": ["b", "b"], "para_b": [0, 1]})
        >>> auto = pd.DataFrame({"doc_a": ["a"], "para_a": [0], "doc_b": ["b"], "para_b": [0], "score": [1.0]})
        >>> alignment_agreement(auto, hand)[["precision", "recall"]].values.tolist()
        [[1.0, 0.5]]
    """
    both = compare_alignments(auto, hand)
    n_hand, n_auto = int(both["in_hand"].sum()), int(both["in_auto"].sum())
    n_agree = int((both["in_hand"] & both["in_auto"]).sum())
    precision = n_agree / n_auto if n_auto else float("nan")
    recall = n_agree / n_hand if n_hand else float("nan")
    f1 = 2 * precision * recall / (precision + recall) if n_agree else (0.0 if n_auto and n_hand else float("nan"))
    return pd.DataFrame([{"n_hand": n_hand, "n_auto": n_auto, "n_agree": n_agree, "precision": round(precision, 4),
                          "recall": round(recall, 4), "f1": round(f1, 4)}])


_BASE = (
    "Security forces in Almaty opened fire on demonstrators on Thursday as the government struggled to contain "
    "the worst unrest in the country's history.\n"
    "The interior ministry said that 26 armed rioters had been killed and more than 3,000 people detained since "
    "the protests began over a sharp rise in fuel prices.\n"
    "President Tokayev rejected calls for talks with the protesters, saying that those who refused to surrender "
    "would be destroyed.\n"
    "Troops from a Russian-led military alliance arrived at the city's airport, which had been seized by the "
    "crowds a day earlier."
)
_OTHER = (
    "The local football club won the regional cup on Sunday after a penalty shoot-out in front of a home crowd.\n"
    "Its coach praised the goalkeeper, who saved two penalties, and promised a parade through the town centre.\n"
    "Season tickets for the next championship go on sale in March, the club said on its website."
)
_CALIBRATION = (
    ("identical", "near_duplicate", "the same text twice", _BASE, _BASE),
    ("disjoint", "unrelated", "a text on the unrest and one on a football match", _BASE, _OTHER),
    ("contained", "shared_passages",
     "A's two paragraphs appear word for word inside B, a story three times as long",
     "\n".join(_BASE.split("\n")[:2]),
     "Kazakhstan's government resigned on Wednesday and a state of emergency was declared in the capital.\n"
     + "\n".join(_BASE.split("\n")[:2]) + "\n"
     "Banks and shops stayed closed in the largest city, where residents queued for bread and cash.\n"
     "Internet access was cut across the country for most of the week, making it hard to check reports.\n"
     "Diplomats in Moscow and Washington called for restraint and for an independent investigation.\n"
     "Analysts said the crisis showed a struggle within the ruling elite over the succession to the former "
     "president, who had kept a powerful security post after stepping down."),
    ("reordered", "near_duplicate", "B has A's four paragraphs in another order", _BASE,
     "\n".join(_BASE.split("\n")[i] for i in (2, 0, 3, 1))),
    ("paraphrase", "near_duplicate", "an editor's rewrite: words swapped, sentences kept in order", _BASE,
     "Security forces in Almaty fired on protesters on Thursday while the government struggled to contain the "
     "worst unrest in the nation's history.\n"
     "The interior ministry said 26 armed rioters were killed and over 3,000 people arrested since the "
     "demonstrations started over a steep rise in fuel prices.\n"
     "President Tokayev rejected calls for negotiations with the protesters, saying those who would not "
     "surrender would be destroyed.\n"
     "Soldiers from a Russian-led military alliance landed at the city's airport, which crowds had seized the "
     "day before."),
    ("round_trip", "near_duplicate", "a translated-and-back version, written by hand in the style of 000", _BASE,
     "The security forces in Almaty opened the fire on the demonstrators on Thursday, while the government "
     "fought to contain the worst troubles in the history of the country.\n"
     "More than 3,000 people were detained and 26 armed rioters were killed since the protests began because "
     "of a strong rise of the prices of fuel, the ministry of interior said.\n"
     "President Tokayev rejected the calls for the talks with protesters, saying that who refuse to surrender "
     "will be destroyed.\n"
     "The troops of a military alliance led by Russia arrived at the airport of the city, which was seized by "
     "the crowds the day before."),
    ("rewrite", "same_event", "the same news retold from scratch: nothing shared but the facts", _BASE,
     "On Thursday police and soldiers in Almaty shot at crowds while officials fought to regain control.\n"
     "Since fuel costs jumped, over 3,000 have been arrested and 26 rioters killed, according to the police.\n"
     "Tokayev ruled out negotiating and said anyone who kept resisting would be eliminated.\n"
     "Russia sent soldiers, who took over the airport that protesters had occupied."),
    ("shared_quote", "shared_passages",
     "two different stories that carry one statement in two translations",
     "Kazakhstan's president thanked Moscow on Saturday for sending troops to guard airports and power plants.\n"
     "“We will restore constitutional order in every region of the country and punish all those responsible "
     "for the violence,” Tokayev said in a televised address.\n"
     "Banks reopened in the capital, but the largest city remained under curfew.",
     "Fuel prices will be capped for six months, the new cabinet announced on Monday.\n"
     "The president promised to “restore the constitutional order in all regions of the country and to punish "
     "everyone responsible for the violence”, according to a translation by the state news agency.\n"
     "More than 6,000 people have been detained, police said, and many remain in custody."),
    ("same_event", "same_event", "two outlets reporting the same day independently",
     "Protesters in Almaty stormed the mayor's office on Wednesday and set it on fire, witnesses said.\n"
     "The president declared a two-week state of emergency in the city and dismissed the cabinet.",
     "Kazakhstan's cabinet was dismissed on Wednesday as anger over fuel prices spread from the west of the "
     "country to Almaty.\n"
     "Police used tear gas and stun grenades against crowds in the city, and the internet was cut."),
)


def calibration_pairs() -> pd.DataFrame:
    """Hand-made pairs of texts with known answers, for checking the measures and justifying the thresholds.

    Every text was written for this package: identical, disjoint, contained, reordered, an editor's
    paraphrase, a hand-written imitation of a machine-translation round trip, a full rewrite of the same news
    (which shares no text, so no text measure can see that it was derived), a statement carried in two
    translations, and two independent reports of the same day.

    Returns:
        One row per pair: ``pair``, ``expected`` (the relation a reader would give), ``description``,
        ``text_a``, ``text_b`` (paragraphs separated by line breaks).

    Example:
        >>> calibration_pairs().set_index("pair").loc["round_trip", "expected"]
        'near_duplicate'
    """
    return pd.DataFrame(list(_CALIBRATION), columns=["pair", "expected", "description", "text_a", "text_b"])


def calibration_units(pairs: pd.DataFrame | None = None) -> pd.DataFrame:
    """The hand-made pairs as body paragraphs: documents ``<pair>:a`` and ``<pair>:b``, one paragraph per line.

    Args:
        pairs: From :func:`calibration_pairs` (the default).

    Returns:
        One row per paragraph: ``pair``, ``doc_id``, ``para_id``, ``text``.

    Example:
        >>> calibration_units().query("pair == 'identical'")["doc_id"].unique().tolist()
        ['identical:a', 'identical:b']
    """
    pairs = calibration_pairs() if pairs is None else pairs
    rows = []
    for row in pairs.itertuples(index=False):
        for side, text in (("a", row.text_a), ("b", row.text_b)):
            for para_id, line in enumerate(line for line in text.split("\n") if line.strip()):
                rows.append({"pair": row.pair, "doc_id": f"{row.pair}:{side}", "para_id": para_id, "text": line})
    return pd.DataFrame(rows, columns=["pair", "doc_id", "para_id", "text"])


def calibration_results(pairs: pd.DataFrame | None = None, **options: object) -> pd.DataFrame:
    """Run :func:`source_overlap` on each hand-made pair on its own and set the result beside the known answer.

    Args:
        pairs: From :func:`calibration_pairs` (the default).
        **options: Keyword options of :func:`source_overlap` (thresholds), to see how a change moves the results.

    Returns:
        One row per pair, in ``pairs`` order: ``pair``, ``expected``, ``relation``, ``correct`` (bool), and the
        measures and evidence columns of ``doc_similarity`` (without the document ids), and ``max_pair_score``
        (the highest score of any paragraph pair, aligned or not: for pairs that share no text, how close
        unshared text came to the thresholds).

    Example:
        >>> bool(calibration_results()["correct"].all())
        True
    """
    pairs = calibration_pairs() if pairs is None else pairs
    units = calibration_units(pairs)
    rows = []
    for row in pairs.itertuples(index=False):
        result = source_overlap(units[units["pair"] == row.pair].drop(columns="pair"), **options)  # type: ignore[arg-type]
        found = result.similarity.iloc[0].drop(["doc_a", "doc_b"]).to_dict()
        top = float(result.scores["score"].max()) if len(result.scores) else 0.0
        rows.append({"pair": row.pair, "expected": row.expected, **found, "max_pair_score": top})
    table = pd.DataFrame(rows)
    table.insert(3, "correct", table["expected"] == table["relation"])
    first = ["pair", "expected", "relation", "correct"]
    return table[first + [c for c in table.columns if c not in first]]


def pair_scores(result: OverlapResult, *, hand: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every scored paragraph pair labelled for the threshold plot: aligned or not, and what the hand says.

    Args:
        result: From :func:`source_overlap`.
        hand: A hand alignment (:func:`load_hand_alignment`); its document pairs get ``hand_aligned`` /
            ``hand_not_aligned`` labels instead of ``aligned`` / ``not_aligned``.

    Returns:
        ``result.scores`` with ``relation`` (of the document pair) and ``label`` added.

    Example:
        >>> empty = source_overlap(pd.DataFrame({"doc_id": ["a"], "para_id": [0], "text": ["x"]}))
        >>> pair_scores(empty).empty
        True
    """
    scores = result.scores.merge(result.similarity[["doc_a", "doc_b", "relation"]], on=["doc_a", "doc_b"], how="left")
    keys = ["doc_a", "para_a", "doc_b", "para_b"]
    aligned = set(map(tuple, result.alignment[keys].astype(object).values.tolist()))
    label = np.asarray(["aligned" if tuple(k) in aligned else "not_aligned"
                        for k in scores[keys].astype(object).values.tolist()], dtype=object)
    if hand is not None and len(hand):
        hand_pairs = set(zip(hand["doc_a"].astype(str), hand["doc_b"].astype(str)))
        hand_rows = set(map(tuple, hand[keys].astype(object).values.tolist()))
        for n, key in enumerate(scores[keys].astype(object).values.tolist()):
            if (key[0], key[2]) in hand_pairs:
                label[n] = "hand_aligned" if tuple(key) in hand_rows else "hand_not_aligned"
    return scores.assign(label=pd.Series(label, index=scores.index, dtype=object))


def hand_alignment_problem(hand: pd.DataFrame, units: pd.DataFrame) -> str | None:
    """Say why a hand alignment cannot be checked on these units, or return None when it can.

    Args:
        hand: From :func:`load_hand_alignment`.
        units: The body paragraphs being compared.

    Returns:
        ``None`` when every document of the hand alignment is in ``units``; otherwise a sentence naming the
        missing documents (the hand alignment belongs to the seed corpus).

    Example:
        >>> hand_alignment_problem(load_hand_alignment(), pd.DataFrame({"doc_id": ["x"], "para_id": [0], "text": ["y"]}))[:40]
        'the hand alignment is of documents 000_1'
    """
    needed = sorted(set(hand["doc_a"].astype(str)) | set(hand["doc_b"].astype(str)))
    present = set(units["doc_id"].astype(str))
    missing = [d for d in needed if d not in present]
    if not missing:
        return None
    return (f"the hand alignment is of documents {', '.join(needed)}, and {', '.join(missing)} "
            "is not in this corpus: no agreement to report.")
