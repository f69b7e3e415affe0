"""Can this corpus be clustered, and which version of each story is fitted (stories come from ``kz.overlap.stories``)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ._base import MIN_PARAGRAPHS, MIN_PARAGRAPHS_PER_TOPIC

# --------------------------------------------------------------------------------------------- checks


def _content_paragraphs(units: pd.DataFrame, *, enough: int | None = None) -> int:
    """Number of units with at least one content term (stems, stop words and numbers out), counted up to
    ``enough`` when given (a check needs no more: the first few paragraphs of a large corpus settle it)."""
    from kzanalysis.languages import unit_languages
    from kzanalysis.tokenize import analysis_tokens

    count = 0
    for text, language in zip(units["text"].tolist(), unit_languages(units)):
        if isinstance(text, str) and analysis_tokens(text, language=language):
            count += 1
            if enough is not None and count >= enough:
                break
    return count


def clustering_problem(
    units: pd.DataFrame,
    *,
    n_topics: int | None = None,
    min_paragraphs: int = MIN_PARAGRAPHS,
    groups: Mapping[str, str] | None = None,
) -> str | None:
    """Say why a set of paragraphs cannot be clustered into topics, or return ``None`` when it can.

    Args:
        units: Analysis units (``doc_id``, ``para_id``, ``text``), e.g. ``kz.body_paragraphs(paras)``.
        n_topics: A fixed number of topics to check for (needs ``3 * n_topics`` paragraphs); ``None``
            checks for the smallest, 2.
        min_paragraphs: Fewest paragraphs with a content term accepted.
        groups: As passed to :func:`fit_topics`: the count is then made on the paragraphs the model would be
            fitted on (one version of each story).

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
    n_content = _content_paragraphs(units, enough=needed)
    if n_content < needed:
        return (f"topic clustering needs at least {needed} paragraphs with a content term{why};"
                f" this corpus has {n_content}")
    if groups is not None:
        stories = _stories(units, groups=groups)
        kept = units[units["doc_id"].astype(str).isin(set(stories.loc[stories["fitted"], "doc_id"]))]
        n_kept = _content_paragraphs(kept, enough=needed)
        if n_kept < needed:
            return (f"topic clustering needs at least {needed} paragraphs with a content term{why};"
                    f" this corpus has {_content_paragraphs(units)}, but only {n_kept} when each story is counted once")
    return None


def _stories(units: pd.DataFrame, *, groups: Mapping[str, str] | None) -> pd.DataFrame:
    """``doc_id``, ``story`` (the version kept), ``fitted``: the document named like its story when the story has
    one (``kz.overlap.stories`` names a story after its fullest version), else its first ``doc_id``."""
    doc_ids = sorted(units["doc_id"].astype(str).unique())
    story_of = {d: str(groups.get(d, d)) for d in doc_ids} if groups is not None else {d: d for d in doc_ids}
    members: dict[str, list[str]] = {}
    for d in doc_ids:
        members.setdefault(story_of[d], []).append(d)
    kept = {story: story if story in docs else docs[0] for story, docs in members.items()}
    stories = pd.DataFrame({"doc_id": doc_ids, "story": [kept[story_of[d]] for d in doc_ids]})
    stories["fitted"] = stories["doc_id"] == stories["story"]
    return stories.reset_index(drop=True)
