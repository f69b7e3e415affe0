"""Can this corpus be clustered, and which documents tell the same story (counted once when fitting)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..features import tfidf
from ._base import DUPLICATE_THRESHOLD, MIN_PARAGRAPHS, MIN_PARAGRAPHS_PER_TOPIC, _ROUND

# --------------------------------------------------------------------------------------------- checks


def _content_paragraphs(units: pd.DataFrame) -> int:
    """Number of units with at least one content term (stems, stop words and numbers out)."""
    from kzanalysis.languages import unit_languages
    from kzanalysis.tokenize import analysis_tokens

    return sum(1 for text, language in zip(units["text"].tolist(), unit_languages(units))
               if isinstance(text, str) and analysis_tokens(text, language=language))


def clustering_problem(
    units: pd.DataFrame,
    *,
    n_topics: int | None = None,
    min_paragraphs: int = MIN_PARAGRAPHS,
    dedupe: bool = False,
    groups: Mapping[str, str] | None = None,
    duplicate_threshold: float = DUPLICATE_THRESHOLD,
) -> str | None:
    """Say why a set of paragraphs cannot be clustered into topics, or return ``None`` when it can.

    Args:
        units: Analysis units (``doc_id``, ``para_id``, ``text``), e.g. ``kz.body_paragraphs(paras)``.
        n_topics: A fixed number of topics to check for (needs ``3 * n_topics`` paragraphs); ``None``
            checks for the smallest, 2.
        min_paragraphs: Fewest paragraphs with a content term accepted.
        dedupe, groups, duplicate_threshold: As passed to :func:`fit_topics`: the count is then made on the
            paragraphs the model would be fitted on (one version of each story).

    Returns:
        ``None`` when :func:`fit_topics` can run with these options, otherwise one sentence naming the minimum
        and what the corpus has (the package's one style for "can this run?": ``*_problem`` functions).

    Example:
        >>> units = pd.DataFrame({"doc_id": ["a"], "para_id": [0], "text": ["Protesters met police."]})
        >>> clustering_problem(units)
        'topic clustering needs at least 10 paragraphs with a content term; this corpus has 1'
    """
    missing = [c for c in ("doc_id", "para_id", "text") if c not in units.columns]
    if missing:
        return f"units need columns doc_id, para_id, text; missing {missing}"
    if n_topics is not None and n_topics < 2:
        return f"n_topics must be at least 2, not {n_topics}"
    needed = max(min_paragraphs, MIN_PARAGRAPHS_PER_TOPIC * (n_topics or 2))
    why = f" for n_topics={n_topics} ({MIN_PARAGRAPHS_PER_TOPIC} per topic)" if n_topics else ""
    n_content = _content_paragraphs(units)
    if n_content < needed:
        return (f"topic clustering needs at least {needed} paragraphs with a content term{why};"
                f" this corpus has {n_content}")
    if dedupe or groups is not None:
        stories = _stories(units, dedupe=dedupe, groups=groups, threshold=duplicate_threshold)
        kept = units[units["doc_id"].astype(str).isin(set(stories.loc[stories["fitted"], "doc_id"]))]
        n_kept = _content_paragraphs(kept)
        if n_kept < needed:
            return (f"topic clustering needs at least {needed} paragraphs with a content term{why};"
                    f" this corpus has {n_content}, but only {n_kept} when each near-duplicate story is counted once")
    return None


# ----------------------------------------------------------------------------------- near-duplicates


def near_duplicates(units: pd.DataFrame, *, threshold: float = DUPLICATE_THRESHOLD) -> pd.DataFrame:
    """Group documents that tell the same story (a translation round trip, a republished wire).

    Two documents are linked when the cosine similarity of their document TF-IDF (Snowball stems, stop
    words and numbers out, every unit of the document) is at least ``threshold``; a story is a connected
    group of linked documents, named after its fullest version (the most distinct content terms; ties go
    to the first ``doc_id``), which is the version kept when a story is counted once.

    Args:
        units: Analysis units (``doc_id``, ``para_id``, ``text``).
        threshold: Similarity at or above which two documents are one story (default
            :data:`DUPLICATE_THRESHOLD`, 0.6).

    Returns:
        One row per document, sorted by ``doc_id``: ``doc_id``, ``story``, ``kept`` (True for the first
        version of each story), ``most_similar`` (the other document it resembles most; empty with one
        document) and ``similarity`` (that cosine similarity, rounded to 4 decimals).

    Example:
        >>> units = pd.DataFrame({"doc_id": ["a", "b", "c"], "para_id": [0, 0, 0],
        ...     "text": ["Troops guard the airport in Almaty.", "Troops guarded Almaty's airport.",
        ...              "Fuel prices doubled in January."]})
        >>> near_duplicates(units)[["doc_id", "story", "kept"]].values.tolist()
        [['a', 'a', True], ['b', 'a', False], ['c', 'c', True]]
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], not {threshold}")
    features = tfidf(units, grain="document")
    doc_ids = features.ids["doc_id"].tolist()
    similarity = (features.matrix @ features.matrix.T).toarray()
    np.fill_diagonal(similarity, -np.inf)
    parent = list(range(len(doc_ids)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in zip(*np.nonzero(np.triu(similarity >= threshold - 1e-12, k=1))):
        a, b = find(int(i)), find(int(j))
        parent[max(a, b)] = min(a, b)
    # name each story after its fullest version (most content terms; ties: first doc_id)
    n_terms = np.asarray(features.matrix.getnnz(axis=1))
    fullest: dict[int, int] = {}
    for i in range(len(doc_ids)):
        root = find(i)
        if root not in fullest or n_terms[i] > n_terms[fullest[root]]:
            fullest[root] = i
    story = [doc_ids[fullest[find(i)]] for i in range(len(doc_ids))]
    if len(doc_ids) > 1:
        best = similarity.argmax(axis=1)
        most_similar = [doc_ids[j] for j in best]
        score = np.round(similarity[np.arange(len(doc_ids)), best], _ROUND)
    else:
        most_similar, score = [""], np.array([np.nan])
    return pd.DataFrame({
        "doc_id": pd.Series(doc_ids, dtype=features.ids["doc_id"].dtype),
        "story": story,
        "kept": [s == d for s, d in zip(story, doc_ids)],
        "most_similar": most_similar,
        "similarity": score.astype(np.float64),
    })


def _stories(units: pd.DataFrame, *, dedupe: bool, groups: Mapping[str, str] | None,
             threshold: float) -> pd.DataFrame:
    doc_ids = sorted(units["doc_id"].astype(str).unique())
    if groups is not None:  # the first doc_id of each group is the version kept
        story_of = {d: str(groups.get(d, d)) for d in doc_ids}
        first: dict[str, str] = {}
        for d in doc_ids:
            first.setdefault(story_of[d], d)
        stories = pd.DataFrame({"doc_id": doc_ids, "story": [first[story_of[d]] for d in doc_ids]})
    elif dedupe:
        stories = near_duplicates(units, threshold=threshold)[["doc_id", "story"]]
        stories = stories.assign(doc_id=stories["doc_id"].astype(str))
    else:
        stories = pd.DataFrame({"doc_id": doc_ids, "story": doc_ids})
    stories["fitted"] = stories["doc_id"] == stories["story"]
    return stories.reset_index(drop=True)
