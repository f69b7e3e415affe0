"""Overlap stage: which documents share text, how much, in which direction, and which passages correspond.


One job per module, in the order the data flows:

- ``sketch``: each document as a set of hashed shingles (runs of content stems) and its MinHash signature;
- ``candidates``: pairs worth comparing (MinHash-LSH buckets, TF-IDF nearest neighbours), never all pairs of a
  large corpus;
- ``measures``: document-pair cosine, shingle Jaccard and containment;
- ``duplicates``: near-duplicates at any scale, in memory or over a corpus in part files as Dask tasks;
- ``passages``: segments (sentences and quotations), paragraph-pair scores, their one-to-one alignment;
- ``anchors``: numbers and names, which a translation keeps, and the run of them two texts share in order;
- ``stories``: document-level relations (copies, translations, pairs standing out from their beat) and the
  ``stories`` table (versions of one text, reports of one event), at any scale;
- ``relations``: each pair's relation and :func:`source_overlap`, the whole run notebook 01 makes;
- ``wording``: what changed between aligned paragraphs (word edits, side-by-side diff HTML);
- ``evaluate``: checks against the hand alignment of the seed articles and hand-made calibration pairs.

Every public name is importable from here (``kz.overlap.source_overlap``), as before the split.
"""

from __future__ import annotations

from ._base import (
    MIN_SHARED_RUN, ALIGNMENT_COLUMNS, CHUNK_DOCS, CandidateMethod, HAND_ALIGNMENT_FILE, MAX_ALL_PAIRS_DOCS,
    MAX_NEIGHBOR_TERM_DOCS, MAX_PRODUCT_ENTRIES, NEIGHBOR_POOL,
    MIN_NEAR_DUPLICATE_COVERAGE, MIN_NEAR_DUPLICATE_SCORE, MIN_PASSAGE_SCORE, MIN_QUOTE_CHARS,
    MIN_SAME_EVENT_COSINE, MIN_SEGMENT_TERMS, PAIR_COLUMNS, PARALLEL_MIN_DOCS, RELATIONS, Relation,
    SCORE_COLUMNS, SEGMENT_COLUMNS, SHINGLE_SIZE, SIMILARITY_COLUMNS, STEM_COLUMNS, comparison_problem,
    BEAT_NEIGHBORS, MIN_SHARED_ANCHORS, MIN_ABOVE_BEAT, MIN_BEAT_DOCS, MIN_NEIGHBOR_COSINE, MIN_TRANSLATION_ANCHORS,
    MIN_TRANSLATION_SHARE, SMALL_CORPUS_COSINE, STORY_COLUMNS,
)
from .sketch import (
    Shingles, minhash_signatures, shingles,
)
from .candidates import (
    candidate_pairs, lsh_candidates, neighbor_candidates,
)
from .measures import (
    pair_measures,
)
from .duplicates import (
    NEAR_DUPLICATE_BANDS, NEAR_DUPLICATE_COLUMNS, NEAR_DUPLICATE_JACCARD, NEAR_DUPLICATE_PERMUTATIONS,
    near_duplicates,
)
from .passages import (
    align_passages, alignment_coverage, passage_scores, segments,
)
from .anchors import (
    anchor_candidates, anchors, common_positions, document_anchors, shared_anchors,
)
from .stories import (
    DOCUMENT_RELATION_COLUMNS, EVENT_LINKED_SHARE, beat_levels, document_relations, same_event_rule, stories,
    story_groups,
)
from .relations import (
    OverlapResult, classify_relations, shared_run, source_overlap,
)
from .wording import (
    aligned_passages_html, diff_html, rewording, word_edits,
)
from .evaluate import (
    CALIBRATION_FILE, alignment_agreement, calibration_pairs, calibration_results, calibration_units, compare_alignments,
    hand_alignment_problem, load_hand_alignment, pair_scores,
)

__all__ = [
    "ALIGNMENT_COLUMNS",
    "CHUNK_DOCS",
    "CandidateMethod",
    "HAND_ALIGNMENT_FILE",
    "MAX_ALL_PAIRS_DOCS",
    "MAX_NEIGHBOR_TERM_DOCS",
    "MAX_PRODUCT_ENTRIES",
    "NEIGHBOR_POOL",
    "MIN_NEAR_DUPLICATE_COVERAGE",
    "MIN_NEAR_DUPLICATE_SCORE",
    "MIN_PASSAGE_SCORE",
    "MIN_QUOTE_CHARS",
    "MIN_SAME_EVENT_COSINE",
    "MIN_SEGMENT_TERMS",
    "MIN_SHARED_RUN",
    "PAIR_COLUMNS",
    "PARALLEL_MIN_DOCS",
    "RELATIONS",
    "Relation",
    "SCORE_COLUMNS",
    "SEGMENT_COLUMNS",
    "SHINGLE_SIZE",
    "SIMILARITY_COLUMNS",
    "STEM_COLUMNS",
    "comparison_problem",
    "BEAT_NEIGHBORS",
    "MIN_ABOVE_BEAT",
    "MIN_SHARED_ANCHORS",
    "MIN_BEAT_DOCS",
    "MIN_NEIGHBOR_COSINE",
    "MIN_TRANSLATION_ANCHORS",
    "MIN_TRANSLATION_SHARE",
    "SMALL_CORPUS_COSINE",
    "STORY_COLUMNS",
    "anchor_candidates",
    "anchors",
    "common_positions",
    "document_anchors",
    "shared_anchors",
    "DOCUMENT_RELATION_COLUMNS",
    "EVENT_LINKED_SHARE",
    "beat_levels",
    "document_relations",
    "same_event_rule",
    "stories",
    "story_groups",
    "Shingles",
    "minhash_signatures",
    "shingles",
    "candidate_pairs",
    "lsh_candidates",
    "neighbor_candidates",
    "NEAR_DUPLICATE_BANDS",
    "NEAR_DUPLICATE_COLUMNS",
    "NEAR_DUPLICATE_JACCARD",
    "NEAR_DUPLICATE_PERMUTATIONS",
    "near_duplicates",
    "pair_measures",
    "align_passages",
    "alignment_coverage",
    "passage_scores",
    "segments",
    "OverlapResult",
    "classify_relations",
    "shared_run",
    "source_overlap",
    "aligned_passages_html",
    "diff_html",
    "rewording",
    "word_edits",
    "alignment_agreement",
    "CALIBRATION_FILE",
    "calibration_pairs",
    "calibration_results",
    "calibration_units",
    "compare_alignments",
    "hand_alignment_problem",
    "load_hand_alignment",
    "pair_scores",
]
