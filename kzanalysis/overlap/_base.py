"""Shared settings, column sets and small helpers of the overlap stage."""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeVar

import numpy as np
import pandas as pd

from .. import config
from .._rows import row_hashes
from ..languages import unit_languages
from ..tokenize import _WORD_REGEX, _codes, _index_type, analysis_tokens

if TYPE_CHECKING:
    import scipy.sparse as sp

    from ..features import _Counts


Relation = Literal["near_duplicate", "translated_copy", "shared_passages", "same_event", "unrelated"]
CandidateMethod = Literal["auto", "all", "minhash", "neighbors"]

RELATIONS: tuple[str, ...] = ("near_duplicate", "translated_copy", "shared_passages", "same_event", "unrelated")
"""Values of ``relation``, strongest first (see :func:`classify_relations`)."""

SHINGLE_SIZE = 3
"""Words per shingle: 3 consecutive content stems (stop words out, numbers kept)."""
MIN_PASSAGE_SCORE = 0.45
"""A paragraph pair whose score reaches this shares a passage (see :func:`passage_scores`)."""
MIN_NEAR_DUPLICATE_SCORE = 0.25
"""Inside a near-duplicate pair, paragraphs are aligned down to this score (the story's order is known to match)."""
MIN_NEAR_DUPLICATE_COVERAGE = 0.5
"""A pair is ``near_duplicate`` when at least this share of EACH document's content words lies in aligned paragraphs."""
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
MIN_SHARED_RUN = 4
"""A shared passage needs this many content words in a row, the same in both texts (``shared_words``): reused
text keeps whole runs of words, a paraphrase of a common fact ("guarded strategic facilities" / "to guard strategic
facilities") keeps scattered ones. Four is the shortest run of the seed's translated statements (the Kremlin's
readout, Nazarbayev's call to unite) that a reader counts as one source's words. A run whose every word is
capitalised is a name with its title ("Senate Minority Leader Chuck Schumer", "Russian President Vladimir
Putin"), which any two stories of one beat share, and does not count."""
MIN_NEIGHBOR_COSINE = 0.05
"""Nearest neighbours below this cosine are not candidates; below it a cosine counts as 0 in a document's beat."""
MAX_NEIGHBOR_TERM_DOCS = 1000
"""Nearest neighbours are looked for through the words of at most this many documents, then ranked by their full
cosine. A word in more documents than this ("government", "said", a beat's recurring names) does not single out one
story's coverage; two reports of one story share rarer ones (its names, figures and quoted words). Up to this many
documents no word is left out and the search is exact; above it each document meets only the documents that share
one of its rarer words, at most this many per word, so the cost grows with the corpus and not with its square
(``benchmarks/neighbor_search.py`` times both, and measures on the two labelled corpora what the search misses
when the cap is as small a share of the corpus as 1,000 is of 33,000 documents). What it gives up: two documents
that share only a sentence of common words, and no rarer word, are no longer neighbours (on the planted corpora,
whose articles are all built from the same seed sentences, 17% fewer neighbour pairs at 10,000 articles)."""
NEIGHBOR_POOL = 3
"""Above :data:`MAX_NEIGHBOR_TERM_DOCS` documents, this many times ``n_neighbors`` documents with the highest cosine
on rarer words are ranked by their full cosine."""
MIN_SAME_EVENT_COSINE = 0.1
"""No pair below this document cosine is ``same_event``, however far above the two documents' beats it lies: in
the two labelled corpora of ``benchmarks/real_corpora.py`` the lowest cosine of a same-story pair is 0.14 (BASIL)
and 0.16 (story chains)."""
BEAT_NEIGHBORS = 10
"""A document's *beat* is the mean cosine to its this many nearest documents: how alike the corpus's texts on its
subject are anyway (a corpus of ten years of US politics: high; a corpus of one-paragraph business news: low)."""
MIN_ABOVE_BEAT = 1.2
"""A pair is the same story when its cosine is at least this many times the geometric mean of its two documents'
beats (``above_beat``): it stands out from what the two documents share with their whole beat. Set on the two
labelled corpora of ``benchmarks/real_corpora.py``: with 10 neighbours any value from 1.1 to 1.3 gives pair F1 of
0.91 to 0.94 on both; with 5 or 20 neighbours F1 falls to between 0.72 and 0.94 (the results file lists the grid),
so the two settings go together."""
MIN_BEAT_DOCS = 2 * BEAT_NEIGHBORS + 1
"""A beat needs more documents than the neighbours it averages: below this many documents the corpus has no
background to measure a pair against, and ``same_event`` falls back to :data:`SMALL_CORPUS_COSINE`."""
SMALL_CORPUS_COSINE = 0.15
"""``same_event`` cosine for corpora under :data:`MIN_BEAT_DOCS` documents, where no beat can be measured. In the
labelled corpora of ``benchmarks/real_corpora.py`` 99% (BASIL) and 100% (story chains) of same-story pairs reach it,
and so do 2% of the other pairs: in a small corpus on one beat expect a few ``same_event`` calls between different
stories (a larger corpus is calibrated by its beats instead)."""
MIN_SHARED_ANCHORS = 2
"""Two reports of one story name the same people, places and figures: a ``same_event`` pair shares at least this
many distinct anchors (numbers and names, :func:`kzanalysis.overlap.anchors.anchors`; ``n_shared_anchors``). In the
labelled corpora every same-story pair shares at least 5 (BASIL) and 7 (story chains), so the rule costs nothing
there; it keeps one-line items on one beat that share only common words ("offshore wind farm") apart. Two, not
more: a place and a day ("Almaty", "Wednesday") is what two short reports of one day's events may share."""
MIN_TRANSLATION_ANCHORS = 5
"""A ``translated_copy`` shares at least this many anchors (numbers, names) in the same order."""
MIN_TRANSLATION_SHARE = 0.4
"""... and they are at least this share of the anchors of the document with fewer: a translation keeps most figures
and names of its original in their order, two stories of one event in two languages keep a few. Not all: titles and
words that open a sentence are capitalised in one language and not the other, and German capitalises every noun.
On the hand-written translations of ``tests/data/translations.csv`` translations keep 0.48 to 0.87 of the shorter
text's anchors, different stories at most 0.14 (a German report of the same deaths and figures, d3-de, shares 2 with the English original)."""
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
MAX_PRODUCT_ENTRIES = 20_000_000
"""Most non-zeros one chunk of the nearest-neighbour search may produce (rows x all documents; about 0.5 GB with
the copies scipy makes): a chunk of rows whose terms are in many documents is cut shorter."""
ROW_PAIRS_CHUNK = 20_000
"""Row pairs whose dot products are taken at once (:func:`_row_dots`): the copies of their rows stay small."""

HAND_ALIGNMENT_FILE: Path = config.LABELS_DIR / "cnn_alignment.csv"
"""The hand alignment of the two CNN versions' body paragraphs (000 against 001)."""

PAIR_COLUMNS: tuple[str, ...] = ("doc_a", "doc_b", "cosine", "jaccard", "containment_a_in_b", "containment_b_in_a")
SIMILARITY_COLUMNS: tuple[str, ...] = (
    *PAIR_COLUMNS, "relation", "n_aligned", "coverage_a", "coverage_b", "best_score",
    "best_passage_a", "best_passage_b", "shared_words", "same_story", "above_beat", "n_shared_anchors",
    "shared_anchors",
)
STORY_COLUMNS: tuple[str, ...] = ("doc_id", "story_id", "story_size", "event_id", "event_size")
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
    found: set[str] = set()
    for doc_id, text in zip(units["doc_id"], units["text"]):  # until two documents have a content word
        if str(doc_id) not in found and _content_terms(text, languages.get(str(doc_id), "en")):
            found.add(str(doc_id))
            if len(found) >= 2:
                return None
    with_terms = sorted(found)
    named = f" ({', '.join(with_terms)})" if with_terms else ""
    one = len(with_terms) == 1
    return f"only {len(with_terms)} document{'' if one else 's'}{named} {'has' if one else 'have'} body text with " \
           "content words: overlap needs at least two."


def _check_units(units: pd.DataFrame) -> None:
    missing = [c for c in ("doc_id", "para_id", "text") if c not in units.columns]
    if missing:
        raise ValueError(f"units need columns doc_id, para_id and text (see kz.body_paragraphs); missing {missing}")
    if units.duplicated(["doc_id", "para_id"]).any():
        raise ValueError("units must have one row per (doc_id, para_id); found duplicates")


T = TypeVar("T")

_TERM_MEMO: dict[tuple[bytes, str], list[str]] | None = None
"""Content stems already computed, while :func:`_remembered_terms` is active (one ``source_overlap`` call), by a
128-bit digest of the text and its language: a text read from an Arrow column is a new copy at each read, and the
memo would otherwise keep one copy of every paragraph and sentence (1.7 MB per 100 articles)."""
_UNITS_MEMO: dict[tuple[str, object], object] | None = None
"""Results computed from the whole units frame in that same block (:func:`_remembered_for_units`)."""


_TOKEN_STEMS: _TokenStems | None = None
"""The content stems read from a tokens table in that same block (:func:`_remember_token_stems`), for sentences."""


@contextmanager
def _remembered_terms() -> Iterator[None]:
    """Within the block, :func:`_content_terms` computes each (text, language) once: the comparison reads every
    paragraph and sentence at several steps (candidates, scores, coverage, shared runs); and
    :func:`_remembered_for_units` keeps what was computed from the same units. Forgotten at the end."""
    global _TERM_MEMO, _UNITS_MEMO, _TOKEN_STEMS
    if _TERM_MEMO is not None:  # already inside one
        yield
        return
    _TERM_MEMO, _UNITS_MEMO = {}, {}
    try:
        yield
    finally:
        _TERM_MEMO = _UNITS_MEMO = _TOKEN_STEMS = None


def _remember_token_stems(stems: _TokenStems, units: pd.DataFrame, languages: dict[str, str]) -> None:
    """Inside :func:`_remembered_terms`: each unit's content stems from its tokens go into the memo (a unit read
    in another language than its tokens were stemmed in is left to be tokenised), and the sentences' are kept for
    :func:`_sentence_terms`."""
    global _TOKEN_STEMS
    memo = _TERM_MEMO
    if memo is None:
        raise RuntimeError("_remember_token_stems needs an active _remembered_terms block")
    found = stems.unit_terms(units)
    for doc_id, text, language, terms in zip(units["doc_id"].tolist(), units["text"].tolist(),
                                             unit_languages(units), found):
        read_as = languages.get(str(doc_id), "en")
        if isinstance(text, str) and language == read_as:
            memo.setdefault(_memo_key(text, read_as), terms)
    _TOKEN_STEMS = stems


def _sentence_terms(sents: pd.DataFrame, languages: dict[str, str]) -> list[list[str]]:
    """The content stems of each sentence (``doc_id``, ``para_id``, ``sent_id``, ``text``): from the tokens of
    :func:`_remember_token_stems` where known, else tokenised (not remembered: see :func:`_content_terms`).

    Those tokens are then forgotten: passage scoring reads the sentences once, the last of the comparison's steps
    to read the tokens (the document features read them before), and the memory they hold is then needed to code
    the sentences' terms."""
    global _TOKEN_STEMS
    known = (_TOKEN_STEMS.sentence_terms(sents) if _TOKEN_STEMS is not None and len(sents)
             else [None] * len(sents))
    _TOKEN_STEMS = None
    return [found if found is not None else _content_terms(text, languages.get(str(doc_id), "en"), remember=False)
            for found, doc_id, text in zip(known, sents["doc_id"].tolist(), sents["text"].tolist())]


def _forget_for_units() -> None:
    """Inside :func:`_remembered_terms`: forget what :func:`_remembered_for_units` kept (the document features of
    candidates and measures), once no later step reads it."""
    if _UNITS_MEMO is not None:
        _UNITS_MEMO.clear()


def _remembered_for_units(name: str, units: pd.DataFrame, compute: Callable[[], T]) -> T:
    """``compute()``, once per content of ``units`` (its ids and texts) inside :func:`_remembered_terms`;
    always computed outside it."""
    if _UNITS_MEMO is None:
        return compute()
    hashed = row_hashes(units[["doc_id", "para_id", "text"]])
    key = (name, (len(hashed), hashed.tobytes()))
    if key not in _UNITS_MEMO:
        _UNITS_MEMO[key] = compute()
    return _UNITS_MEMO[key]  # type: ignore[return-value]


STEM_COLUMNS: tuple[str, ...] = ("doc_id", "para_id", "start", "end", "stem", "is_stop", "is_number")
"""The columns of a tokens table (:func:`kzanalysis.tokens`) that :func:`source_overlap` reads content stems
from, when given one (``toks=``). At 10,000 planted articles reading and cutting them took 3.7 s where
tokenising the paragraphs and sentences again took 20.6 s."""


_SEARCH_TOKENS = 1 << 22
"""Tokens per block when :class:`_TokenStems` finds the sentences' tokens (a 64-bit key each: 32 MB a block)."""


def _whole_numbers(column: pd.Series) -> np.ndarray:
    """A column of whole numbers as a numpy array in its own integer type (no copy), other types as int64."""
    values = column.to_numpy()
    return values if values.dtype.kind in "iu" else column.to_numpy(dtype=np.int64)


class _TokenStems:
    """Content stems (stop words out, numbers kept: what :func:`_content_terms` gives) of units and of their
    sentences, read from the units' tokens table instead of tokenising every text again.

    One flat array of stem codes (``types[codes]``: each distinct stem one string object) is cut into units and
    sentences by ``(lo, hi)`` positions. A sentence is cut from its unit's tokens by character offsets, so the
    sentences need not come from the split that numbered the tokens' ``sent_id``; a sentence that a token crosses
    (a split inside a word) is not listed and is tokenised from its text. Built from ``kz.tokens(units)`` with its
    default stop words (``is_stop`` is what is left out), or from ``kz.compact_tokens`` of it.
    """

    def __init__(self, toks: pd.DataFrame, sents: pd.DataFrame | None = None) -> None:
        missing = [c for c in STEM_COLUMNS if c not in toks.columns]
        if missing:
            raise ValueError(f"toks need the columns {list(STEM_COLUMNS)} of kz.tokens(units); missing {missing}")
        # Every array as long as the tokens is read in the table's own type (32-bit in kz.compact_tokens) and none
        # is copied to 64 bits: at 100,000 planted articles (64 million tokens) each 64-bit copy was 0.5 GB, and
        # seven of them were held at once.
        doc_codes, doc_ids = _codes(toks["doc_id"], as_text=True)
        paras = _whole_numbers(toks["para_id"])
        new_unit = np.ones(len(toks), dtype=bool)
        np.not_equal(doc_codes[1:], doc_codes[:-1], out=new_unit[1:])
        new_unit[1:] |= paras[1:] != paras[:-1]
        unit_starts = np.flatnonzero(new_unit)
        del new_unit
        kept = ~toks["is_stop"].to_numpy(dtype=bool)
        stem_codes, self.types = _codes(toks["stem"], as_text=False)
        self.codes: np.ndarray = stem_codes[kept]  # the content stems, in token order: self.types[self.codes]
        if len(self.codes) and self.codes.min() < 0:
            row = int(np.flatnonzero(kept)[np.argmin(self.codes)])
            raise ValueError(f"toks: token row {row} (not a stop word) has no stem; kz.tokens gives every token one")
        self.numbers: np.ndarray = toks["is_number"].to_numpy(dtype=bool)[kept]
        del stem_codes
        position = np.zeros(len(toks) + 1, dtype=_index_type(len(toks)))
        np.cumsum(kept, out=position[1:])  # token row -> place in self.codes
        del kept
        bounds = np.append(unit_starts, len(toks))
        ends = _whole_numbers(toks["end"])
        self.units = pd.DataFrame({"doc_id": pd.Series(doc_ids[doc_codes[unit_starts]], dtype=str),
                                   "para_id": paras[unit_starts].astype(np.int64),
                                   "lo": position[bounds[:-1]].astype(np.int64),
                                   "hi": position[bounds[1:]].astype(np.int64),
                                   "last_end": ends[bounds[1:] - 1].astype(np.int64)})
        del doc_codes, paras
        if self.units.duplicated(["doc_id", "para_id"]).any():
            first = self.units.loc[self.units.duplicated(["doc_id", "para_id"]), ["doc_id", "para_id"]].iloc[0]
            raise ValueError(f"toks: the tokens of unit ({first['doc_id']}, {first['para_id']}) are not one run of "
                             "rows (a tokens table lists each unit's tokens together, as kz.tokens makes it)")
        self.sentences = (self._sentences(sents, bounds, _whole_numbers(toks["start"]), ends, position)
                          if sents is not None else None)

    def _sentences(self, sents: pd.DataFrame, bounds: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                   position: np.ndarray) -> pd.DataFrame:
        """``doc_id, para_id, sent_id, lo, hi`` of each sentence no token crosses.

        Unit ``r`` has the token rows ``bounds[r]:bounds[r + 1]``, in text order. A sentence's first token is the
        first of its unit that starts at or after the sentence's start, its end the first that starts at or after
        its end: searched in blocks of :data:`_SEARCH_TOKENS` tokens, each token keyed by its unit within the
        block and its start (a key for every token at once was another 0.5 GB at 64 million tokens)."""
        run = self.units[["doc_id", "para_id"]].assign(run=np.arange(len(self.units)))
        found = sents[["doc_id", "para_id", "sent_id", "start", "end"]].astype(
            {"doc_id": str, "para_id": "int64", "sent_id": "int64"}).merge(run, on=["doc_id", "para_id"])
        run_of = found["run"].to_numpy(dtype=np.int64)
        sent_start, sent_end = found["start"].to_numpy(dtype=np.int64), found["end"].to_numpy(dtype=np.int64)
        stride = int(max(ends.max(initial=0), sent_end.max(initial=0))) + 1
        first, stop = np.zeros(len(found), dtype=np.int64), np.zeros(len(found), dtype=np.int64)
        order = np.argsort(run_of, kind="stable")
        sorted_runs = run_of[order]
        lo_run = 0
        while lo_run < len(bounds) - 1:
            hi_run = max(lo_run + 1, int(np.searchsorted(bounds, bounds[lo_run] + _SEARCH_TOKENS, side="right")) - 1)
            hi_run = min(hi_run, len(bounds) - 1)
            rows = order[np.searchsorted(sorted_runs, lo_run):np.searchsorted(sorted_runs, hi_run)]
            if len(rows):
                sizes = np.diff(bounds[lo_run:hi_run + 1])
                keys = np.repeat(np.arange(hi_run - lo_run, dtype=np.int64) * stride, sizes)
                keys += starts[bounds[lo_run]:bounds[hi_run]]  # sorted: units in run order, tokens in text order
                base = (run_of[rows] - lo_run) * stride
                first[rows] = bounds[lo_run] + np.searchsorted(keys, base + sent_start[rows], side="left")
                stop[rows] = bounds[lo_run] + np.searchsorted(keys, base + sent_end[rows], side="left")
            lo_run = hi_run
        before = np.maximum(first - 1, 0)
        crossed_in = (first > bounds[run_of]) & (ends[before] > sent_start)  # a token of its unit crosses its start
        crossed_out = (stop > first) & (ends[np.maximum(stop - 1, 0)] > sent_end)
        clean = ~(crossed_in | crossed_out)
        return found.loc[clean, ["doc_id", "para_id", "sent_id"]].assign(
            lo=position[first[clean]].astype(np.int64), hi=position[stop[clean]].astype(np.int64),
        ).reset_index(drop=True)

    def document_counts(self, units: pd.DataFrame, ids: pd.DataFrame) -> _Counts:
        """Each document's stems without the numbers, counted (the counts of ``kz.tfidf(units, grain="document")``,
        its rows ``ids``): for units sorted by ``doc_id`` and ``para_id`` (:func:`_ordered_units`) whose tokens are
        here (:meth:`unit_terms` checked them). Counted from the stems' codes, no string per token."""
        from ..features import _count_coded

        found = units[["doc_id", "para_id"]].astype({"doc_id": str, "para_id": "int64"}).merge(
            self.units, on=["doc_id", "para_id"], how="left")
        index = _index_type(len(self.codes))
        lo = found["lo"].fillna(0).to_numpy(dtype=np.int64)
        sizes = found["hi"].fillna(0).to_numpy(dtype=np.int64) - lo
        at = np.repeat((lo - (np.cumsum(sizes) - sizes)).astype(index), sizes)  # the units' stems, in row order
        at += np.arange(len(at), dtype=index)
        doc_ids = found["doc_id"].to_numpy(dtype=object)
        unit_docs = np.cumsum(np.concatenate([[True], doc_ids[1:] != doc_ids[:-1]])) - 1 if len(found) else lo
        kept = ~self.numbers[at]
        rows = np.repeat(unit_docs.astype(index), sizes)[kept]
        return _count_coded(ids, rows, self.codes[at[kept]], self.types)

    def unit_terms(self, units: pd.DataFrame) -> list[list[str]]:
        """The content stems of each row of ``units`` (``doc_id``, ``para_id``, ``text``), in row order.

        Raises:
            ValueError: If a unit that has words has no tokens here, or its tokens end past its text: the
                tokens are not those of these units.
        """
        keys = units[["doc_id", "para_id"]].astype({"doc_id": str, "para_id": "int64"})
        found = keys.merge(self.units, on=["doc_id", "para_id"], how="left")
        texts = units["text"].tolist()
        lengths = np.fromiter((len(t) if isinstance(t, str) else 0 for t in texts), dtype=np.int64, count=len(texts))
        has = found["lo"].notna().to_numpy()
        past = has & (found["last_end"].fillna(0).to_numpy() > lengths)
        wordy = np.asarray([not h and isinstance(t, str) and _WORD_REGEX.search(t) is not None
                            for h, t in zip(has, texts)], dtype=bool)
        for wrong, what in ((past, "has tokens past the end of its text"), (wordy, "has words but no tokens")):
            if wrong.any():
                row = keys.iloc[int(np.flatnonzero(wrong)[0])]
                raise ValueError(f"toks are not the tokens of these units: unit ({row['doc_id']}, {row['para_id']}) "
                                 f"{what} (pass toks=kz.tokens(units))")
        lo = found["lo"].fillna(0).to_numpy(dtype=np.int64)
        hi = found["hi"].fillna(0).to_numpy(dtype=np.int64)
        return [self.types[self.codes[a:b]].tolist() for a, b in zip(lo.tolist(), hi.tolist())]

    def sentence_terms(self, keys: pd.DataFrame) -> list[list[str] | None]:
        """The content stems of each sentence ``(doc_id, para_id, sent_id)`` of ``keys``; None where not known."""
        if self.sentences is None:
            return [None] * len(keys)
        found = keys[["doc_id", "para_id", "sent_id"]].astype(
            {"doc_id": str, "para_id": "int64", "sent_id": "int64"}).merge(
            self.sentences, on=["doc_id", "para_id", "sent_id"], how="left")
        return [None if a != a else self.types[self.codes[int(a):int(b)]].tolist()
                for a, b in zip(found["lo"].tolist(), found["hi"].tolist())]


def _content_terms(text: object, language: str = "en", *, remember: bool = True) -> list[str]:
    """Content stems of one text in its language: stop words out, numbers kept ("18 killed" is evidence of reuse).

    The list is shared with other callers inside :func:`_remembered_terms`: read it, never change it. With
    ``remember=False`` it is neither looked up nor kept there (for texts read by one step only: sentences).
    """
    if not isinstance(text, str):
        return []
    memo = _TERM_MEMO
    if memo is None or not remember:
        return analysis_tokens(text, drop_numbers=False, language=language)
    key = _memo_key(text, language)
    found = memo.get(key)
    if found is None:
        found = memo[key] = analysis_tokens(text, drop_numbers=False, language=language)
    return found


def _memo_key(text: str, language: str) -> tuple[bytes, str]:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest(), language


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


def _paragraph_texts(units: pd.DataFrame, pairs: pd.DataFrame) -> dict[tuple[str, int], str]:
    """The texts of the paragraphs ``(doc_a, para_a)`` and ``(doc_b, para_b)`` of ``pairs``, by (doc_id, para_id):
    only these (every paragraph's text as a Python string, with its key, was 101 MB at 10,000 planted articles).

    Example:
        >>> units = pd.DataFrame({"doc_id": ["a", "a", "b"], "para_id": [0, 1, 0], "text": ["A0", "A1", "B0"]})
        >>> _paragraph_texts(units, pd.DataFrame({"doc_a": ["a"], "para_a": [1], "doc_b": ["b"], "para_b": [0]}))
        {('a', 1): 'A1', ('b', 0): 'B0'}
    """
    wanted = {(str(d), int(p)) for side in ("a", "b") for d, p in zip(pairs[f"doc_{side}"], pairs[f"para_{side}"])}
    return {(d, int(p)): t for d, p, t in zip(units["doc_id"].astype(str), units["para_id"], units["text"])
            if (d, int(p)) in wanted}


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


def _row_dots(matrix: sp.csr_matrix, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """The dot product of rows ``i[n]`` and ``j[n]`` for every ``n``: their cosine for L2-normalised rows.

    Taken :data:`ROW_PAIRS_CHUNK` pairs at a time: both rows of every pair are copied, which for all 720,000
    candidate pairs of 100,000 planted articles was several GB at once.
    """
    dots = np.zeros(len(i), dtype=np.float64)
    for start in range(0, len(i), ROW_PAIRS_CHUNK):
        stop = start + ROW_PAIRS_CHUNK
        dots[start:stop] = np.asarray(matrix[i[start:stop]].multiply(matrix[j[start:stop]]).sum(axis=1)).ravel()
    return dots


def _pairs_frame(doc_a: list[str], doc_b: list[str]) -> pd.DataFrame:
    """Unordered pairs with doc_a < doc_b, deduplicated and sorted."""
    a = np.asarray(doc_a, dtype=object)
    b = np.asarray(doc_b, dtype=object)
    swap = a > b
    first, second = np.where(swap, b, a), np.where(swap, a, b)
    frame = pd.DataFrame({"doc_a": first.astype(str), "doc_b": second.astype(str)})
    frame = frame[frame["doc_a"] != frame["doc_b"]].drop_duplicates()
    return frame.sort_values(["doc_a", "doc_b"], kind="stable").reset_index(drop=True)
