"""Stories and events: which documents are versions of one text, and which report one event, calibrated to the corpus.

Document-level evidence only (no passage alignment), so it runs at any scale on the candidate pairs:

- a **version** of a story is a copy (shingle Jaccard of the whole texts at least :data:`NEAR_DUPLICATE_JACCARD`,
  the package's one notion of a near duplicate) or a translation (:func:`translated`); versions chain into one
  story (a wire republished by three sites);
- two documents report **the same event** when their cosine stands out from their *beats* (:func:`beat_levels`):
  a corpus of one event and a corpus of ten years of politics need different cosines, and each document's own
  neighbours say which. Events are grown from the strongest pairs, and two groups merge only when at least half
  of the pairs between them are linked, so one loose pair does not chain two events into one.

Example:
    >>> units = pd.DataFrame({"doc_id": ["a", "b", "c"], "para_id": [0, 0, 0],
    ...     "text": ["Troops guard the airport in Almaty after the riots, officials said on Friday.",
    ...              "Troops guard the airport in Almaty after the riots, officials said on Friday night.",
    ...              "Wheat harvest in the north beat every forecast this autumn."]})
    >>> stories(units)[["doc_id", "story_id", "story_size"]].values.tolist()
    [['a', 'b', 2], ['b', 'b', 2], ['c', 'c', 1]]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._base import (
    BEAT_NEIGHBORS, CandidateMethod, MIN_ABOVE_BEAT, MIN_BEAT_DOCS, MIN_NEIGHBOR_COSINE, MIN_SAME_EVENT_COSINE,
    MIN_SHARED_ANCHORS, MIN_TRANSLATION_ANCHORS, MIN_TRANSLATION_SHARE, NEAR_DUPLICATE_JACCARD, PAIR_COLUMNS, SHINGLE_SIZE,
    SMALL_CORPUS_COSINE, STORY_COLUMNS, _languages_by_doc, _ordered_units, _pairs_frame,
)
from ..tokenize import analysis_tokens
from .anchors import anchor_candidates, common_positions, document_anchors
from .candidates import candidate_pairs
from .measures import pair_measures

DOCUMENT_RELATION_COLUMNS: tuple[str, ...] = (*PAIR_COLUMNS, "above_beat", "n_shared_anchors", "same_story",
                                               "translated", "shared_anchors")
EVENT_LINKED_SHARE = 0.5
"""Two groups of documents become one event when at least this share of the pairs between them are linked."""


def beat_levels(measures: pd.DataFrame, doc_ids: list[str], *, n_neighbors: int = BEAT_NEIGHBORS,
                min_cosine: float = MIN_NEIGHBOR_COSINE) -> pd.Series:
    """Each document's beat: the mean cosine to its ``n_neighbors`` nearest documents among the measured pairs
    (cosines under ``min_cosine`` count as 0, as the nearest-neighbour search of a large corpus never sees them;
    in a corpus of ``n_neighbors`` documents or fewer, the mean over all the others).

    Args:
        measures: From :func:`pair_measures` (``doc_a``, ``doc_b``, ``cosine``).
        doc_ids: Every document compared (one without a measured pair has beat 0).
        n_neighbors: Neighbours averaged (:data:`BEAT_NEIGHBORS`).
        min_cosine: Cosines below it count as 0.

    Returns:
        A float Series indexed by ``doc_id``.

    Example:
        >>> m = pd.DataFrame({"doc_a": ["a", "a", "b"], "doc_b": ["b", "c", "c"], "cosine": [0.6, 0.2, 0.03]})
        >>> beat_levels(m, ["a", "b", "c", "d"], n_neighbors=2).round(3).tolist()
        [0.4, 0.3, 0.1, 0.0]
    """
    both = pd.concat([measures[["doc_a", "cosine"]].set_axis(["doc_id", "cosine"], axis=1),
                      measures[["doc_b", "cosine"]].set_axis(["doc_id", "cosine"], axis=1)], ignore_index=True)
    both["cosine"] = both["cosine"].where(both["cosine"] >= min_cosine, 0.0)
    top = both.sort_values("cosine", ascending=False, kind="stable").groupby("doc_id", sort=False).head(n_neighbors)
    level = top.groupby("doc_id")["cosine"].sum() / max(1, min(n_neighbors, len(doc_ids) - 1))
    return level.reindex([str(d) for d in doc_ids], fill_value=0.0).astype(float)


def document_relations(
    units: pd.DataFrame,
    *,
    pairs: pd.DataFrame | None = None,
    k: int = SHINGLE_SIZE,
    candidates: CandidateMethod = "auto",
    n_perm: int = 128,
    bands: int = 32,
    n_neighbors: int = BEAT_NEIGHBORS,
    random_state: int = 0,
    min_cosine: float = MIN_SAME_EVENT_COSINE,
    min_above_beat: float = MIN_ABOVE_BEAT,
    small_corpus_cosine: float = SMALL_CORPUS_COSINE,
    min_shared_anchors: int = MIN_SHARED_ANCHORS,
    min_anchors: int = MIN_TRANSLATION_ANCHORS,
    min_anchor_share: float = MIN_TRANSLATION_SHARE,
    n_jobs: int | None = -1,
) -> pd.DataFrame:
    """Document-level evidence of every candidate pair: measures, how far it stands above the beat, translation.

    Rules (the numbers are the defaults, documented where they are defined):

    - ``same_story``: a copy (``jaccard`` >= :data:`NEAR_DUPLICATE_JACCARD`), a translation, or a cosine of at least
      ``min_cosine`` that is at least ``min_above_beat`` times the geometric mean of the two documents' beats
      (``above_beat``, :func:`beat_levels`) with at least ``min_shared_anchors`` numbers and names in common
      (``n_shared_anchors``). A corpus under :data:`MIN_BEAT_DOCS` documents has no beat to measure against: there
      a cosine of ``small_corpus_cosine`` (and the shared names) is enough.
    - ``translated``: the two documents are in different languages and share at least ``min_anchors`` anchors
      (numbers, names; :func:`kzanalysis.overlap.anchors.anchors`) in the same order, at least
      ``min_anchor_share`` of the anchors of the document with fewer. ``shared_anchors`` shows them as document A
      writes them (``|`` between; empty for pairs in one language).

    Args:
        units: Body paragraphs (``doc_id``, ``para_id``, ``text``, optional ``language``). Not modified.
        pairs: The pairs to measure; ``None``: :func:`candidate_pairs` (``candidates``), plus, in a corpus too large
            to compare every pair and written in several languages, the nearest neighbours by anchors.
        k, candidates, n_perm, bands, random_state: As in :func:`candidate_pairs`.
        n_neighbors: Neighbours per document (candidates, and the beat).
        min_cosine, min_above_beat, small_corpus_cosine, min_shared_anchors: The ``same_story`` rule.
        min_anchors, min_anchor_share: The ``translated`` rule.
        n_jobs: Workers that read the documents' anchors (:func:`kzanalysis.overlap.anchors.document_anchors`),
            scikit-learn's meaning.

    Returns:
        One row per pair, sorted: :data:`DOCUMENT_RELATION_COLUMNS`.

    Example:
        >>> units = pd.DataFrame({"doc_id": ["a", "b"], "para_id": [0, 0], "language": ["en", "it"], "text": [
        ...     "On 7 January Tokayev said 8,000 people were held in Almaty, Astana and Shymkent; 164 died.",
        ...     "Il 7 gennaio Tokayev ha detto che 8.000 persone sono state fermate ad Almaty, Astana e Shymkent; "
        ...     "164 i morti."]})
        >>> document_relations(units)[["translated", "shared_anchors"]].values.tolist()
        [[True, '7 | Tokayev | 8,000 | Almaty | Astana | Shymkent | 164']]
    """
    ordered = _ordered_units(units)
    languages = _languages_by_doc(ordered)
    doc_ids = sorted(ordered["doc_id"].unique())
    several = len(set(languages.values())) > 1
    found = document_anchors(ordered, languages, n_jobs=n_jobs)  # one pass: compared on the one spelling, shown as written
    anchors_by_doc = {doc: [key for key, _ in pairs] for doc, pairs in found.items()}
    anchor_sets = {doc: set(keys) for doc, keys in anchors_by_doc.items()}
    if pairs is None:
        pairs = candidate_pairs(ordered, method=candidates, k=k, n_perm=n_perm, bands=bands,
                                n_neighbors=max(n_neighbors, BEAT_NEIGHBORS), random_state=random_state)
        if several and len(pairs) < len(doc_ids) * (len(doc_ids) - 1) // 2:
            extra = anchor_candidates(anchors_by_doc, languages, n_neighbors=n_neighbors)
            pairs = _pairs_frame([*pairs["doc_a"], *extra["doc_a"]], [*pairs["doc_b"], *extra["doc_b"]])
    measures = pair_measures(ordered, pairs, k=k)
    beat = beat_levels(measures, doc_ids, n_neighbors=n_neighbors)
    base = np.sqrt(measures["doc_a"].map(beat).to_numpy() * measures["doc_b"].map(beat).to_numpy())
    with np.errstate(divide="ignore", invalid="ignore"):
        above = np.where(base > 0, measures["cosine"].to_numpy() / np.where(base > 0, base, 1.0), 0.0)
    result = measures.assign(above_beat=np.round(above, 4))
    shared, translated = [], []
    for a, b in zip(result["doc_a"], result["doc_b"]):
        if languages.get(a, "en") == languages.get(b, "en"):
            shared.append("")
            translated.append(False)
            continue
        run = common_positions(anchors_by_doc.get(a, []), anchors_by_doc.get(b, []))
        fewer = min(len(anchors_by_doc.get(a, [])), len(anchors_by_doc.get(b, []))) or 1
        shared.append(" | ".join(found[a][i][1] for i in run))
        translated.append(len(run) >= min_anchors and len(run) / fewer >= min_anchor_share)
    result["translated"] = translated
    result["shared_anchors"] = shared
    result["n_shared_anchors"] = [len(anchor_sets.get(a, set()) & anchor_sets.get(b, set()))
                                  for a, b in zip(result["doc_a"], result["doc_b"])]
    result["n_shared_anchors"] = result["n_shared_anchors"].astype("int64")
    if len(doc_ids) < MIN_BEAT_DOCS:
        event = result["cosine"] >= small_corpus_cosine
    else:
        event = (result["cosine"] >= min_cosine) & (result["above_beat"] >= min_above_beat)
    event &= result["n_shared_anchors"] >= min_shared_anchors
    result["same_story"] = event | (result["jaccard"] >= NEAR_DUPLICATE_JACCARD) | result["translated"]
    return result[list(DOCUMENT_RELATION_COLUMNS)].reset_index(drop=True)


def same_event_rule(n_documents: int, *, min_cosine: float = MIN_SAME_EVENT_COSINE,
                    min_above_beat: float = MIN_ABOVE_BEAT, small_corpus_cosine: float = SMALL_CORPUS_COSINE) -> str:
    """The ``same_event`` rule a corpus of ``n_documents`` gets from :func:`document_relations`, in one sentence.

    Example:
        >>> same_event_rule(5)
        '5 documents are too few to measure a beat (21 needed): a pair is the same story from cosine 0.15.'
    """
    if n_documents < MIN_BEAT_DOCS:
        return (f"{n_documents:,} documents are too few to measure a beat ({MIN_BEAT_DOCS} needed): a pair is the "
                f"same story from cosine {small_corpus_cosine:g}.")
    return (f"{n_documents:,} documents: a pair is the same story when its cosine is at least {min_cosine:g} and "
            f"{min_above_beat:g} times the geometric mean of the two documents' beats (mean cosine to their "
            f"{BEAT_NEIGHBORS} nearest documents).")


def _fullest(members: list[str], n_terms: dict[str, int]) -> str:
    """The version with the most content terms (ties: the first ``doc_id``): the one kept when counting once."""
    return min(members, key=lambda d: (-n_terms.get(d, 0), d))


def story_groups(relations: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """The ``stories`` table from :func:`document_relations` (or the ``doc_similarity`` table, which has the same
    columns): one row per document of ``units``.

    A **story** is a set of versions of one text: documents joined by copies (``jaccard`` >=
    :data:`NEAR_DUPLICATE_JACCARD`) or translations (``translated``, or ``relation == "translated_copy"``), chained.
    An **event** groups ``same_story`` pairs, strongest first (copies, then by cosine); two groups merge only when
    at least :data:`EVENT_LINKED_SHARE` of the pairs between them are ``same_story``. Both are named after their
    fullest member (most distinct content terms, numbers out, as TF-IDF counts them), the version a stage that
    counts a story once keeps.

    Args:
        relations: Pairs with ``doc_a``, ``doc_b``, ``cosine``, ``jaccard``, ``same_story`` and ``translated`` or
            ``relation``.
        units: The body paragraphs compared (every document gets a row, alone or not).

    Returns:
        :data:`STORY_COLUMNS`: ``doc_id``, ``story_id``, ``story_size`` (documents in the story), ``event_id``,
        ``event_size``; one row per document, sorted by ``doc_id``.

    Example:
        >>> rel = pd.DataFrame({"doc_a": ["a", "a", "b"], "doc_b": ["b", "c", "c"], "cosine": [0.9, 0.3, 0.3],
        ...                     "jaccard": [0.7, 0.0, 0.0], "same_story": [True, True, False],
        ...                     "translated": [False, False, False]})
        >>> units = pd.DataFrame({"doc_id": ["a", "b", "c", "d"], "para_id": 0, "text": "Troops in Almaty."})
        >>> story_groups(rel, units).values.tolist()
        [['a', 'a', 2, 'a', 3], ['b', 'a', 2, 'a', 3], ['c', 'c', 1, 'a', 3], ['d', 'd', 1, 'd', 1]]
    """
    ordered = _ordered_units(units)
    languages = _languages_by_doc(ordered)
    doc_ids = sorted(ordered["doc_id"].unique())
    pairs = relations.assign(doc_a=relations["doc_a"].astype(str), doc_b=relations["doc_b"].astype(str))
    translated = (pairs["translated"] if "translated" in pairs.columns
                  else pairs.get("relation", pd.Series("", index=pairs.index)) == "translated_copy")
    copy = (pairs["jaccard"] >= NEAR_DUPLICATE_JACCARD) | translated.astype(bool)

    story = {d: d for d in doc_ids}  # union-find over copies

    def find(d: str) -> str:
        while story[d] != d:
            story[d] = story[story[d]]
            d = story[d]
        return d

    for a, b in zip(pairs.loc[copy, "doc_a"], pairs.loc[copy, "doc_b"]):
        ra, rb = find(a), find(b)
        if ra != rb:
            story[max(ra, rb)] = min(ra, rb)

    linked = pairs.assign(copy=copy)[pairs["same_story"].astype(bool) | copy]
    linked = linked.sort_values(["copy", "cosine", "doc_a", "doc_b"], ascending=[False, False, True, True],
                                kind="stable")
    neighbours: dict[str, set[str]] = {}
    for a, b in zip(linked["doc_a"], linked["doc_b"]):
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    group: dict[str, frozenset[str]] = {d: frozenset([d]) for d in doc_ids}
    for a, b in zip(linked["doc_a"], linked["doc_b"]):
        first, second = group[a], group[b]
        if first is second:
            continue
        small, large = (first, second) if len(first) <= len(second) else (second, first)
        links = sum(len(neighbours.get(d, set()) & large) for d in small)
        if links >= EVENT_LINKED_SHARE * len(first) * len(second):
            merged = first | second
            for d in merged:
                group[d] = merged
    stories_of: dict[str, list[str]] = {}
    for d in doc_ids:
        stories_of.setdefault(find(d), []).append(d)
    # only a document with company needs its terms counted (a story or event of one is named after it)
    counted = {d for members in stories_of.values() if len(members) > 1 for d in members}
    counted |= {d for d in doc_ids if len(group[d]) > 1}
    texts = ordered[ordered["doc_id"].isin(counted)]
    n_terms = {doc: len({term for t in text if isinstance(t, str)
                         for term in analysis_tokens(t, language=languages.get(doc, "en"))})
               for doc, text in texts.groupby("doc_id", sort=False)["text"]}
    story_id = {d: _fullest(members, n_terms) for members in stories_of.values() for d in members}
    event_id = {d: _fullest(sorted(group[d]), n_terms) for d in doc_ids}
    table = pd.DataFrame({"doc_id": doc_ids, "story_id": [story_id[d] for d in doc_ids],
                          "event_id": [event_id[d] for d in doc_ids]})
    table["story_size"] = table.groupby("story_id")["doc_id"].transform("size").astype("int64")
    table["event_size"] = table.groupby("event_id")["doc_id"].transform("size").astype("int64")
    return table[list(STORY_COLUMNS)]


def stories(units: pd.DataFrame, *, relations: pd.DataFrame | None = None) -> pd.DataFrame:
    """The ``stories`` table of a corpus: :func:`story_groups` over :func:`document_relations`.

    Args:
        units: Body paragraphs (``doc_id``, ``para_id``, ``text``), e.g. ``kz.body_paragraphs(paras)``.
        relations: Document-level relations already computed (:func:`document_relations` with options of your
            own, or a ``doc_similarity`` table); ``None``: :func:`document_relations` with its defaults.

    Returns:
        :data:`STORY_COLUMNS`, one row per document (see :func:`story_groups`; the module's example).

    Example:
        >>> import kzanalysis as kz
        >>> stories(kz.body_paragraphs(kz.paragraphs(kz.load_corpus())))["story_size"].tolist()  # doctest: +SKIP
        [2, 2, 1, 1, 1]
    """
    ordered = _ordered_units(units)
    return story_groups(document_relations(ordered) if relations is None else relations, ordered)
