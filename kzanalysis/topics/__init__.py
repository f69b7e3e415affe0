"""Topics stage: themes of body paragraphs (NMF, KMeans as a cross-check), how many, how stable, and each outlet's share.

One job per module: ``stories`` (can the corpus be clustered; which version of each story is fitted), ``fit`` (choosing the
number of topics, fitting the model), ``tables`` (what a fitted model says, as tables), ``assign`` (topics of paragraphs the model was not
fitted on: new units, a corpus in parts). Every public name is importable from here (``kz.topics.fit_topics``).
"""

from __future__ import annotations

from ._base import (
    DEFAULT_K_VALUES, LARGE_KMEANS_INITS, LARGE_MAX_ITER, MIN_PARAGRAPHS,
    MIN_PARAGRAPHS_PER_TOPIC, Method, NO_TOPIC, SELECTION_SAMPLE, TABLE_COLUMNS, TopicModel, WeightBy,
)
from .stories import (
    clustering_problem,
)
from .fit import (
    fit_topics, select_n_topics,
)
from .tables import (
    cross_method_table, dominant_topics, empty_tables, model_agreement, paragraph_map, paragraph_topics,
    report_tables, representative_paragraphs, run_agreement, stability_summary, surface_forms, topic_by_source,
    topic_labels, topic_stability, topic_summary, topic_terms,
)
from .assign import (
    assign_topics,
)
from ..features import TOKEN_COLUMNS

__all__ = [
    "DEFAULT_K_VALUES",
    "LARGE_KMEANS_INITS",
    "LARGE_MAX_ITER",
    "MIN_PARAGRAPHS",
    "MIN_PARAGRAPHS_PER_TOPIC",
    "Method",
    "NO_TOPIC",
    "SELECTION_SAMPLE",
    "TABLE_COLUMNS",
    "TOKEN_COLUMNS",
    "TopicModel",
    "WeightBy",
    "clustering_problem",
    "fit_topics",
    "select_n_topics",
    "cross_method_table",
    "dominant_topics",
    "empty_tables",
    "model_agreement",
    "paragraph_map",
    "paragraph_topics",
    "report_tables",
    "representative_paragraphs",
    "run_agreement",
    "stability_summary",
    "surface_forms",
    "topic_by_source",
    "topic_labels",
    "topic_stability",
    "topic_summary",
    "topic_terms",
    "assign_topics",
]
