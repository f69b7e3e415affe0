"""Topics of paragraphs a model was not fitted on: new units, or every paragraph of a corpus in parts.

For a corpus too large to fit topics on whole, fit them on a sample (``parts.sample(fraction=...)``, then
:func:`~kzanalysis.topics.fit_topics`) and assign every paragraph of the parts to the fitted topics here, one
Dask task per part.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..clean import map_body_units
from ..corpus import CorpusParts
from ..features import Features, transform
from ._base import TopicModel
from .fit import _topic_weights
from .tables import _topic_rows


def _assign_units(units: pd.DataFrame, vocabulary: Features, estimator: object, method: str, k: int) -> pd.DataFrame:
    """:func:`paragraph_topics` rows of ``units`` weighed over ``vocabulary`` and put through ``estimator``."""
    features = transform(vocabulary, units)
    if features.matrix.shape[0] == 0:
        return _topic_rows(features.ids, np.zeros((0, k)))
    _, weights = _topic_weights(estimator, method, k, features.matrix)  # type: ignore[arg-type]
    return _topic_rows(features.ids, weights)


def assign_topics(model: TopicModel, units: pd.DataFrame | CorpusParts) -> pd.DataFrame:
    """Each paragraph's share in each of a fitted model's topics, for paragraphs it was not (or was) fitted on.

    A paragraph is weighed as the model's own were (its terms, idf, tokens: :func:`kzanalysis.features.transform`)
    and put through the model's estimator (NMF ``transform``, KMeans ``predict``). Terms the model does not know
    are left out, so a paragraph of other words gets topic -1.

    Args:
        model: From :func:`fit_topics`.
        units: Analysis units (``doc_id``, ``para_id``, ``text``), or a corpus in parts
            (:func:`kzanalysis.corpus_parts`: each part's body units assigned as a Dask task, see
            :func:`kzanalysis.clean.map_body_units`). Not modified.

    Returns:
        The rows of :func:`paragraph_topics` for these paragraphs: one per (``doc_id``, ``para_id``, ``topic``)
        with positive weight, sorted (KMeans: the same rows :func:`paragraph_topics` gives for the model's own
        paragraphs; NMF weighs each batch of rows by iterations that stop on the whole batch's error, so a
        weight can differ from the model's in its third or fourth decimal).

    Raises:
        ValueError: If the model keeps no estimator or no weighting (made before they were kept).

    Example:
        >>> import kzanalysis as kz
        >>> units = kz.body_paragraphs(kz.paragraphs(kz.load_corpus()))
        >>> model = kz.topics.fit_topics(units, n_topics=3, method="kmeans", n_restarts=2)
        >>> assign_topics(model, units).equals(kz.topics.paragraph_topics(model))
        True
    """
    if model.estimator is None or model.features.weighting is None:
        raise ValueError("this topic model keeps no estimator or weighting; fit it again with kz.topics.fit_topics")
    features = model.features
    vocabulary = Features(matrix=sp.csr_matrix((0, len(features.terms))), ids=features.ids.iloc[:0],
                          terms=features.terms, grain=features.grain, term=features.term,
                          weighting=features.weighting)
    options = {"vocabulary": vocabulary, "estimator": model.estimator, "method": model.method, "k": model.n_topics}
    if isinstance(units, CorpusParts):
        return map_body_units(_assign_units, units, **options)
    return _assign_units(units, **options)
