"""Relations between documents (near_duplicate, shared_passages, same_event, unrelated) and the whole overlap run."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from .._rows import iter_rows
from ..parallel import give_back_freed_memory
from ._base import (
    NEAR_DUPLICATE_JACCARD, CandidateMethod, MIN_ABOVE_BEAT, MIN_NEAR_DUPLICATE_COVERAGE, MIN_NEAR_DUPLICATE_SCORE,
    MAX_ALL_PAIRS_DOCS, MIN_PASSAGE_SCORE, MIN_SAME_EVENT_COSINE, MIN_SEGMENT_TERMS, MIN_SHARED_RUN, RELATIONS,
    SHINGLE_SIZE, SIMILARITY_COLUMNS, STORY_COLUMNS, Relation, _TokenStems, _content_terms, _forget_for_units,
    _languages_by_doc, _ordered_units, _paragraph_texts, _remember_token_stems, _remembered_terms, comparison_problem,
)
from .passages import align_passages, alignment_coverage, passage_scores
from .stories import document_relations, story_groups


_WORD = re.compile(r"\w[\w'’-]*")


@lru_cache(maxsize=1 << 17)
def _word_stem(word: str, language: str) -> str:
    """The first content stem of one word as written ("" for a stop word), as :func:`_content_terms` gives it;
    remembered per word: the pairs' texts hold the same few thousand words again and again."""
    stems = _content_terms(word, language, remember=False)
    return stems[0] if stems else ""


def shared_run(text_a: str, text_b: str, *, language: str = "en") -> tuple[str, bool]:
    """The longest run of content words the two texts share in the same order, as written in ``text_a``, and
    whether it is a name (every word of it capitalised).

    Example:
        >>> shared_run("The presidents exchanged views on the measures taken to restore order.",
        ...            "The Presidents exchanged opinions on the measures being taken to restore order.")
        ('measures taken to restore order', False)
        >>> shared_run("Senate Minority Leader Chuck Schumer urged a vote.", "Senate Minority Leader Chuck Schumer said no.")
        ('Senate Minority Leader Chuck Schumer', True)
    """
    def content(text: str) -> list[tuple[str, re.Match[str]]]:
        found = []
        for match in _WORD.finditer(text):
            stem = _word_stem(match.group(0), language)
            if stem:
                found.append((stem, match))
        return found

    a, b = content(text_a), content(text_b)
    positions: dict[str, list[int]] = {}
    for j, (stem, _) in enumerate(b, 1):
        positions.setdefault(stem, []).append(j)
    # the run ending at (i, j) extends the one ending at (i - 1, j - 1); only equal words are visited, in the order
    # of the full table, so the first longest run is kept
    best, end = 0, 0
    previous: dict[int, int] = {}
    for i, (stem, _) in enumerate(a, 1):
        current: dict[int, int] = {}
        for j in positions.get(stem, ()):
            run = current[j] = previous.get(j - 1, 0) + 1
            if run > best:
                best, end = run, i
        previous = current
    if not best:
        return "", False
    words = [match for _, match in a[end - best:end]]
    return text_a[words[0].start():words[-1].end()], all(m.group(0)[:1].isupper() for m in words)


def classify_relations(
    measures: pd.DataFrame,
    alignment: pd.DataFrame,
    units: pd.DataFrame,
    *,
    min_passage_score: float = MIN_PASSAGE_SCORE,
    min_coverage: float = MIN_NEAR_DUPLICATE_COVERAGE,
    min_jaccard: float = NEAR_DUPLICATE_JACCARD,
    min_shared_run: int = MIN_SHARED_RUN,
) -> pd.DataFrame:
    """Name the relation of each document pair from its document-level evidence and aligned passages.

    The rules, in order (the first that holds):

    - ``near_duplicate``: the whole body texts share at least ``min_jaccard`` of their shingles (the document-level
      evidence of :func:`near_duplicates`, the package's one notion of a copy) AND paragraphs scoring at least
      ``min_passage_score`` cover at least ``min_coverage`` of EACH document's content words: most of either text
      has a counterpart in the other (edited, re-translated, republished). Alignment coverage alone is never
      enough: two one-paragraph stories on one beat align their one paragraph pair and cover 100% of each other
      while sharing almost no wording. A short text wholly inside one more than twice its length is not a near
      duplicate but at most:
    - ``translated_copy``: the two are in different languages and share their numbers and names in order
      (``translated``, evidence in ``shared_anchors``; see :func:`document_relations`);
    - ``shared_passages``: at least one aligned paragraph pair scores ``min_passage_score`` or more, and its best
      passages share a run of at least ``min_shared_run`` content words in order that is not a name
      (:func:`shared_run`, :data:`MIN_SHARED_RUN`): reused wording, not a paraphrase of a common fact;
    - ``same_event``: no shared passage, but the pair is ``same_story``: its cosine stands out from the two
      documents' beats (``above_beat``; :func:`document_relations` gives the rule and its numbers);
    - ``unrelated``: none of these.

    ``same_story`` is kept as a column of its own: a pair that shares a quotation may or may not report the
    same event, and the ``stories`` table (:func:`story_groups`) is built from it.

    Args:
        measures: From :func:`document_relations` (measures, ``above_beat``, ``same_story``, ``translated``,
            ``shared_anchors``).
        alignment: From :func:`align_passages`.
        units: The body paragraphs.
        min_passage_score: Score a paragraph pair needs to count as a shared passage.
        min_coverage: Share of each document that near duplicates have aligned.
        min_jaccard: Shingle Jaccard of the whole texts that near duplicates reach.
        min_shared_run: Content words in a row that a shared passage's two sides have in common.

    Returns:
        ``measures`` with, added: ``relation``, ``n_aligned`` (aligned paragraph pairs, any score),
        ``coverage_a``, ``coverage_b`` (share of each document's content words in paragraphs scoring at least
        ``min_passage_score``), ``best_score`` and ``best_passage_a``, ``best_passage_b`` (the strongest shared
        sentence or quotation, or paragraph when no sentence pair scored higher; empty when none aligned),
        ``shared_words`` (the longest run of content words the best passages share, as written in A; empty when
        none aligned). One row per pair, sorted by ``doc_a, doc_b``.

    Example:
        >>> measures = pd.DataFrame({"doc_a": ["a"], "doc_b": ["b"], "cosine": [0.01], "jaccard": [0.0],
        ...                          "containment_a_in_b": [0.0], "containment_b_in_a": [0.0], "above_beat": [0.0],
        ...                          "n_shared_anchors": [0],
        ...                          "same_story": [False], "translated": [False], "shared_anchors": [""]})
        >>> units = pd.DataFrame({"doc_id": ["a", "b"], "para_id": [0, 0], "text": ["x", "y"]})
        >>> from kzanalysis.overlap import ALIGNMENT_COLUMNS
        >>> classify_relations(measures, pd.DataFrame(columns=list(ALIGNMENT_COLUMNS)), units)["relation"].tolist()
        ['unrelated']
    """
    ordered = _ordered_units(units)
    result = measures.copy()
    result["doc_a"] = result["doc_a"].astype(str)
    result["doc_b"] = result["doc_b"].astype(str)
    coverage = alignment_coverage(alignment, ordered, min_score=min_passage_score)
    result = result.merge(coverage.drop(columns="n_aligned"), on=["doc_a", "doc_b"], how="left")
    result[["coverage_a", "coverage_b"]] = result[["coverage_a", "coverage_b"]].fillna(0.0)
    if len(alignment):
        counts = alignment.groupby(["doc_a", "doc_b"]).size().rename("n_aligned").reset_index()
        # each pair's best row, found on the keys and taken once (sorting, then filtering, the alignment copied
        # its segment texts twice: the comparison's largest memory at 100,000 planted articles on one core)
        keys = alignment[["doc_a", "doc_b", "score", "para_a", "para_b"]].reset_index(drop=True)
        keys = keys.sort_values(["score", "para_a", "para_b"], ascending=[False, True, True], kind="stable")
        best = alignment.iloc[keys.index[~keys.duplicated(["doc_a", "doc_b"])]]
        del keys
        segment_wins = ((best["segment_score"] >= best["para_score"]) & (best["segment_a"] != "")).to_numpy()
        text = _paragraph_texts(ordered, best[~segment_wins])  # the paragraphs shown where no segment wins
        passages = []
        for row, use_segment in zip(iter_rows(best), segment_wins):
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
    by_doc = _languages_by_doc(ordered)  # once, not once per pair
    languages = [by_doc.get(doc, "en") for doc in result["doc_a"]]
    runs = [shared_run(a, b, language=language) if a and b else ("", False)
            for a, b, language in zip(result["best_passage_a"], result["best_passage_b"], languages)]
    result["shared_words"] = [words for words, _ in runs]
    reused = pd.Series([not name and len(_content_terms(words, language)) >= min_shared_run
                        for (words, name), language in zip(runs, languages)], index=result.index)
    shared = (result["best_score"] >= min_passage_score) & reused
    near = ((result["coverage_a"] >= min_coverage) & (result["coverage_b"] >= min_coverage)
            & (result["jaccard"] >= min_jaccard))
    result["relation"] = np.select(
        [near, result["translated"].astype(bool), shared, result["same_story"].astype(bool)],
        ["near_duplicate", "translated_copy", "shared_passages", "same_event"], default="unrelated",
    )
    result = result.sort_values(["doc_a", "doc_b"], kind="stable").reset_index(drop=True)
    return result[list(SIMILARITY_COLUMNS)]


@dataclass(frozen=True)
class OverlapResult:
    """Everything :func:`source_overlap` computes.

    Attributes:
        similarity: One row per document pair (the ``doc_similarity`` table; columns :data:`SIMILARITY_COLUMNS`).
        alignment: One row per aligned paragraph pair (the ``passage_alignment`` table; :data:`ALIGNMENT_COLUMNS`).
        scores: The scored paragraph pairs, aligned or not (for the threshold plots); see ``all_scores`` of
            :func:`source_overlap` for which.
        problem: Why nothing could be compared (``None`` when the corpus could be compared).
        stories: One row per document (the ``stories`` table; :data:`STORY_COLUMNS`, see :func:`story_groups`).

    Example:
        >>> units = pd.DataFrame({"doc_id": ["a"], "para_id": [0], "text": ["Protests in Almaty."]})
        >>> result = source_overlap(units)
        >>> result.problem, result.similarity.empty
        ('only 1 document (a) has body text with content words: overlap needs at least two.', True)
    """

    similarity: pd.DataFrame
    alignment: pd.DataFrame
    scores: pd.DataFrame
    problem: str | None = None
    stories: pd.DataFrame | None = None

    def alignment_of(self, relation: Relation, *, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """The aligned paragraph pairs of the document pairs whose ``relation`` (in ``similarity``) is the one
        given: ``alignment``'s rows in its order, with ``columns`` only (all by default), a fresh index.

        The same table as merging the alignment with those pairs, without copying what is not returned (merging
        copied every column of every matched row, the segment texts included).

        Example:
            >>> result = OverlapResult(
            ...     similarity=pd.DataFrame({"doc_a": ["a", "a"], "doc_b": ["b", "c"],
            ...                              "relation": ["near_duplicate", "shared_passages"]}),
            ...     alignment=pd.DataFrame({"doc_a": ["a", "a", "a"], "para_a": [0, 1, 2], "doc_b": ["b", "c", "b"],
            ...                             "para_b": [0, 4, 2], "score": [0.9, 0.5, 0.8]}),
            ...     scores=pd.DataFrame())
            >>> result.alignment_of("near_duplicate", columns=["para_a", "para_b"]).values.tolist()
            [[0, 0], [2, 2]]
        """
        if relation not in RELATIONS:
            raise ValueError(f"relation: {relation!r} is not one of {', '.join(RELATIONS)}")
        alignment = self.alignment
        chosen = list(alignment.columns) if columns is None else list(columns)
        missing = [c for c in chosen if c not in alignment.columns]
        if missing:
            raise ValueError(f"columns: the alignment has no {', '.join(map(repr, missing))}")
        pairs = self.similarity.loc[self.similarity["relation"] == relation, ["doc_a", "doc_b"]].astype(str)
        aligned = pd.MultiIndex.from_arrays([alignment["doc_a"].astype(str), alignment["doc_b"].astype(str)])
        rows = np.flatnonzero(aligned.isin(pd.MultiIndex.from_frame(pairs)))
        return alignment.iloc[rows, [alignment.columns.get_loc(c) for c in chosen]].reset_index(drop=True)


def source_overlap(
    units: pd.DataFrame,
    *,
    k: int = SHINGLE_SIZE,
    candidates: CandidateMethod = "auto",
    min_passage_score: float = MIN_PASSAGE_SCORE,
    min_near_duplicate_score: float = MIN_NEAR_DUPLICATE_SCORE,
    min_coverage: float = MIN_NEAR_DUPLICATE_COVERAGE,
    min_cosine: float = MIN_SAME_EVENT_COSINE,
    min_above_beat: float = MIN_ABOVE_BEAT,
    min_jaccard: float = NEAR_DUPLICATE_JACCARD,
    min_shared_run: int = MIN_SHARED_RUN,
    min_segment_terms: int = MIN_SEGMENT_TERMS,
    n_perm: int = 128,
    bands: int = 32,
    n_neighbors: int = 10,
    random_state: int = 0,
    splitter: str = "auto",
    sents: pd.DataFrame | None = None,
    toks: pd.DataFrame | None = None,
    all_scores: bool | None = None,
    n_jobs: int | None = -1,
    on_stories: Callable[[pd.DataFrame], object] | None = None,
) -> OverlapResult:
    """Compare documents end to end: candidates, measures, passage scores, alignment and relations.

    Steps: :func:`document_relations` (candidates, measures, beats, translations) -> :func:`passage_scores` on the
    pairs whose whole texts share at least one shingle (the document-level evidence of reuse; every shared passage
    and near duplicate has it, so pairs without one are never aligned and cost nothing), in full when
    ``all_scores``, else only the paragraph pairs that can reach the least score they are ever aligned at:
    ``min_near_duplicate_score`` in pairs whose Jaccard reaches ``min_jaccard`` (they may be near duplicates),
    ``min_passage_score`` in the others (the relations and alignment are the same either way; only ``scores``,
    the thresholds figure's input, lists fewer rows) -> a first
    :func:`align_passages` at ``min_passage_score`` decides which pairs are near duplicates (the rule of
    :func:`classify_relations`) -> those pairs are aligned again down to ``min_near_duplicate_score`` ->
    :func:`classify_relations`; the ``stories`` table from the document-level evidence (:func:`story_groups`).

    Args:
        units: Body paragraphs (``doc_id``, ``para_id``, ``text``), e.g. ``kz.body_paragraphs(paras)``.
        k: Words per shingle.
        candidates: How pairs are chosen (see :func:`candidate_pairs`).
        min_passage_score: See :func:`classify_relations`.
        min_near_duplicate_score: See :func:`align_passages`.
        min_coverage: See :func:`classify_relations`.
        min_cosine: See :func:`document_relations`.
        min_above_beat: See :func:`document_relations`.
        min_jaccard: See :func:`classify_relations`.
        min_shared_run: See :func:`classify_relations`.
        min_segment_terms: See :func:`segments`.
        n_perm: MinHash permutations (large corpora only).
        bands: LSH bands (large corpora only).
        n_neighbors: Nearest neighbours per document (large corpora only).
        random_state: Seed of the MinHash permutations.
        splitter: Sentence splitter, as in :func:`kzanalysis.sentences`.
        sents: ``kz.sentences(units, splitter=splitter)`` if already computed (split here otherwise), e.g. a
            report run's shared sentences (``inputs.sentences(units)``).
        toks: The units' tokens (``kz.tokens(units)``, default stop words; at least the columns of
            :data:`STEM_COLUMNS`) if already computed: the content stems of the paragraphs and sentences, and the
            terms of the documents' TF-IDF, are read from them instead of tokenising each text again (the results
            are the same), also from ``kz.compact_tokens`` of them. Passed in the call
            (``toks=inputs.tokens(units, columns=overlap.STEM_COLUMNS, compact=True)``), the table is freed once read.
        all_scores: Score every paragraph pair of the compared pairs, even those that cannot be aligned.
            ``None``: when the corpus has at most :data:`MAX_ALL_PAIRS_DOCS` documents (above, scoring them
            costs most of the run: 2.9 million sentence pairs on 1,000 planted articles, against 80,000).
        n_jobs: Workers for the anchors and the passage scores (scikit-learn's meaning: ``-1`` all cores, or the
            cluster's threads after :func:`kzanalysis.parallel.use_scheduler`; small corpora use one). The tables
            do not depend on it.
        on_stories: Called with the ``stories`` table as soon as it is known, before the passages are scored (most of
            the time on a large corpus); e.g. a report run writes it there, so that notebook 02, which reads only
            it, need not wait for the rest. It is also ``result.stories``.

    Returns:
        An :class:`OverlapResult`. With fewer than two comparable documents its tables are empty (with their
        columns) and ``problem`` says why.

    Example:
        >>> import kzanalysis as kz
        >>> result = source_overlap(kz.body_paragraphs(kz.paragraphs(kz.load_corpus())))  # doctest: +SKIP
        >>> result.similarity.set_index(["doc_a", "doc_b"])["relation"].iloc[0]  # doctest: +SKIP
        'near_duplicate'
    """
    with _remembered_terms():  # each paragraph and sentence is tokenised once across the steps
        ordered = _ordered_units(units)
        problem = comparison_problem(ordered)
        empty_scores = passage_scores(ordered, pd.DataFrame({"doc_a": [], "doc_b": []}))
        if problem is not None:
            empty_similarity = pd.DataFrame({c: pd.Series(dtype=float) for c in SIMILARITY_COLUMNS})
            for c in ("doc_a", "doc_b", "relation", "best_passage_a", "best_passage_b"):
                empty_similarity[c] = empty_similarity[c].astype(str)
            alone = pd.DataFrame({"doc_id": sorted(ordered["doc_id"].unique())})
            alone = alone.assign(story_id=alone["doc_id"], story_size=1, event_id=alone["doc_id"], event_size=1)
            alone = alone[list(STORY_COLUMNS)].astype({"story_size": "int64", "event_size": "int64"})
            if on_stories is not None:
                on_stories(alone)
            return OverlapResult(empty_similarity, empty_scores, empty_scores, problem, alone)
        languages = _languages_by_doc(ordered)
        if toks is not None:
            stems = _TokenStems(toks, sents)
            del toks  # read (at 10,000 planted articles the table held 357 MB, the stems cut from it 58 MB)
            _remember_token_stems(stems, ordered, languages)
            del stems
        has_terms = np.fromiter((bool(_content_terms(t, languages.get(d, "en")))
                                 for d, t in zip(ordered["doc_id"], ordered["text"])), dtype=bool, count=len(ordered))
        docs = ordered["doc_id"][has_terms].unique()
        if len(docs) < ordered["doc_id"].nunique():  # a document without content words is not compared; when every
            ordered = ordered[ordered["doc_id"].isin(docs)].reset_index(drop=True)  # one has some, no copy is made
        measures = document_relations(ordered, k=k, candidates=candidates, n_perm=n_perm, bands=bands,
                                      n_neighbors=n_neighbors, random_state=random_state, min_cosine=min_cosine,
                                      min_above_beat=min_above_beat, n_jobs=n_jobs)
        _forget_for_units()  # the shingles and TF-IDF of candidates and measures: not read again
        stories = story_groups(measures, units)
        if on_stories is not None:
            on_stories(stories)
        # paragraphs are compared only where the whole texts share a shingle: a shared passage (a run of
        # min_shared_run content stems) and a near duplicate always do, so no relation depends on the other pairs.
        # Above MAX_ALL_PAIRS_DOCS documents, only the paragraph pairs that can reach the least score they are
        # ever aligned at: min_near_duplicate_score in pairs that can be near duplicates (their alignment goes
        # down to it), min_passage_score in the others.
        pairs = measures.loc[measures["jaccard"] > 0, ["doc_a", "doc_b", "jaccard"]]
        if all_scores is None:
            all_scores = len(docs) <= MAX_ALL_PAIRS_DOCS
        floor = 0.0 if all_scores else min_passage_score
        near_floor = 0.0 if all_scores else min(min_near_duplicate_score, min_passage_score)
        pairs = pairs.assign(min_score=np.where(pairs["jaccard"] >= min_jaccard, near_floor, floor))
        scores = passage_scores(ordered, pairs.drop(columns="jaccard"), min_segment_terms=min_segment_terms,
                                splitter=splitter, sents=sents, n_jobs=n_jobs)
        del sents  # read (passed in the call, the run's shared sentences are freed here: 0.67 GB at 100,000 articles)
        first = align_passages(scores, min_score=min_passage_score)
        coverage = alignment_coverage(first, ordered, min_score=min_passage_score)
        coverage = coverage.merge(measures[["doc_a", "doc_b", "jaccard"]].astype({"doc_a": str, "doc_b": str}),
                                  on=["doc_a", "doc_b"], how="left")
        near = coverage[(coverage["coverage_a"] >= min_coverage) & (coverage["coverage_b"] >= min_coverage)
                        & (coverage["jaccard"].fillna(0.0) >= min_jaccard)].drop(columns="jaccard")
        del first, coverage  # the first pass is as long as the alignment: not held beside it
        alignment = align_passages(scores, min_score=min_passage_score, near_duplicates=near,
                                   near_duplicate_min_score=min_near_duplicate_score)
        give_back_freed_memory()  # what scoring and aligning freed, before the relations' texts are built
        similarity = classify_relations(measures, alignment, ordered, min_passage_score=min_passage_score,
                                        min_coverage=min_coverage, min_jaccard=min_jaccard,
                                        min_shared_run=min_shared_run)
        return OverlapResult(similarity, alignment, scores, None, stories)


# --------------------------------------------------------------------------------------------
