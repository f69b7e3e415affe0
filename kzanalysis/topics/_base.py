"""Settings, table columns and the fitted model shared by the topics stage."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from ..features import Features

Method = Literal["nmf", "kmeans"]
WeightBy = Literal["terms", "paragraphs"]

MIN_PARAGRAPHS = 10
"""Fewest paragraphs with at least one content term that topic clustering accepts."""
MIN_PARAGRAPHS_PER_TOPIC = 3
"""A number of topics ``k`` is only tried when there are at least this many paragraphs per topic (``3 * k``)."""
DEFAULT_K_VALUES: tuple[int, ...] = tuple(range(2, 11))
"""Numbers of topics tried by default when ``n_topics`` is not given."""
SELECTION_SAMPLE = 1500
"""Above this many fitted paragraphs, :func:`fit_topics` chooses the number of topics on a random sample of this
many (drawn with ``random_state``), then fits the chosen ``k`` and its restarts on every paragraph. Choosing ``k``
costs ``len(k_values) * n_restarts`` fits, so this keeps it at a fixed cost on a corpus of thousands of articles;
the seed corpus (about 60 paragraphs) is never sampled."""
NO_TOPIC = -1
"""``topic`` of a paragraph that no topic explains (no content term, or all-zero topic weights)."""

TABLE_COLUMNS: dict[str, list[str]] = {
    "topic_terms": ["topic", "rank", "term", "weight", "surface"],
    "paragraph_topics": ["doc_id", "para_id", "topic", "weight"],
    "topic_by_source": ["doc_id", "outlet", "topic", "share"],
    "topic_summary": ["topic", "label", "n_paragraphs", "n_documents", "share", "term_agreement"],
    "topic_selection": ["n_topics", "stability", "stability_min", "coherence", "chosen"],
}
"""Columns of the tables the topic notebook writes (also used to write them empty when a corpus is too small)."""

_ROUND = 4
_MAX_ITER = 1000
LARGE_MAX_ITER = 100
"""NMF iterations at most when there are more than ``selection_sample`` fitted paragraphs (otherwise 1,000), so
that each of the dozens of fits stays affordable. On 1,500 paragraphs of a synthetic 1,000-article corpus, 100
iterations instead of 300 took half the time and moved stability and coherence by at most about 0.07 (the
stability of each ``k`` varies as much from one sample to another)."""
LARGE_KMEANS_INITS = 3
"""k-means++ initialisations of the KMeans reference run above ``selection_sample`` paragraphs (otherwise 10)."""


@dataclass(frozen=True, eq=False)
class TopicModel:
    """A fitted topic model of body paragraphs, with what it took to choose and check it.

    Attributes:
        features: Paragraph TF-IDF of every unit (``features.ids``: ``doc_id``, ``para_id``).
        method: ``"nmf"`` or ``"kmeans"``.
        n_topics: Number of topics ``k``; topics are numbered ``0 .. k-1``.
        loadings: Array (paragraphs x k): raw NMF weights (KMeans: 1 for the paragraph's cluster).
        weights: ``loadings`` scaled to sum to 1 per paragraph (all zero for a paragraph no topic explains).
        components: Array (k x terms): each topic's term weights (KMeans: the cluster centroid).
        fitted: Boolean array (paragraphs): the rows the model was fitted on (one version of each story
            when near-duplicates are counted once; the others are projected onto the fitted topics).
        stories: One row per document: ``doc_id``, ``story`` (``doc_id`` of the version of its story that was fitted),
            ``fitted`` (bool).
        selection: One row per number of topics tried: ``n_topics``, ``stability``, ``stability_min``,
            ``coherence``, ``chosen`` (a single row with NaN scores when ``n_topics`` was given).
        runs: Names of the restarts at the chosen ``k`` (``"nmf-nndsvda"``, ``"nmf-seed-<n>"``, ...,
            and ``"kmeans"`` or ``"nmf"`` for the other method's cross-check).
        run_labels: Array (runs x fitted paragraphs): each run's dominant topic per fitted paragraph.
        run_top_terms: For each run, the set of top-term column indices of each of its topics.
        random_state: The seed everything was derived from.
        estimator: The fitted scikit-learn model (``NMF`` or ``KMeans``) that weighs paragraphs, for
            :func:`assign_topics` on paragraphs it was not fitted on.

    Example:
        >>> import kzanalysis as kz
        >>> units = kz.body_paragraphs(kz.paragraphs(kz.load_corpus()))
        >>> model = kz.topics.fit_topics(units, n_topics=3, n_restarts=2)
        >>> model.n_topics, model.loadings.shape[1], bool(model.fitted.any())
        (3, 3, True)
    """

    features: Features
    method: Method
    n_topics: int
    loadings: np.ndarray
    weights: np.ndarray
    components: np.ndarray
    fitted: np.ndarray
    stories: pd.DataFrame
    selection: pd.DataFrame
    runs: tuple[str, ...]
    run_labels: np.ndarray
    run_top_terms: tuple[tuple[frozenset[int], ...], ...]
    random_state: int
    estimator: object = None
