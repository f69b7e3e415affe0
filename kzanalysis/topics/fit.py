"""Fitting topics: choosing their number by stability and coherence, and the model itself (NMF or k-means)."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from itertools import combinations

import numpy as np
import pandas as pd

from ..features import Features, tfidf
from ._base import (
    DEFAULT_K_VALUES, LARGE_KMEANS_INITS, LARGE_MAX_ITER, _MAX_ITER, Method,
    MIN_PARAGRAPHS, MIN_PARAGRAPHS_PER_TOPIC, NO_TOPIC, _ROUND, SELECTION_SAMPLE, TopicModel,
)
from .stories import clustering_problem, _stories

# ---------------------------------------------------------------------------------------- fitting


def _auto_min_df(n_paragraphs: int) -> int:
    return int(max(1, min(5, n_paragraphs // 1000)))


def _fit_once(matrix, k: int, *, method: Method, init: str, seed: int, max_iter: int = _MAX_ITER
              ) -> tuple[np.ndarray, np.ndarray, object]:
    """One model: (loadings of the given rows, components, the estimator); ``max_iter`` below the default also
    means a large corpus, where the KMeans reference run uses :data:`LARGE_KMEANS_INITS` initialisations."""
    from sklearn.cluster import KMeans
    from sklearn.decomposition import NMF
    from sklearn.exceptions import ConvergenceWarning
    from threadpoolctl import threadpool_limits

    # One BLAS thread: these are small dense products (NNDSVD's randomized SVD above all), and on a busy
    # machine a pool of BLAS threads makes them tens of times slower, not faster.
    with warnings.catch_warnings(), threadpool_limits(limits=1, user_api="blas"):
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)  # sqrt of a -0.0 reconstruction error on exact fits
        if method == "nmf":
            model = NMF(n_components=k, init=init, random_state=seed, max_iter=max_iter)
            loadings = model.fit_transform(matrix)
            return loadings, model.components_, model
        n_init = 1 if init == "random" else (10 if max_iter >= _MAX_ITER else LARGE_KMEANS_INITS)
        model = KMeans(n_clusters=k, n_init=n_init, random_state=seed)
        labels = model.fit_predict(matrix)
        return np.eye(k)[labels], model.cluster_centers_, model


def _topic_weights(estimator: object, method: Method, k: int, matrix) -> tuple[np.ndarray, np.ndarray]:
    """Loadings of the rows of ``matrix`` on a fitted model's topics, and the same scaled to sum to 1 per row."""
    if method == "nmf":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            loadings = estimator.transform(matrix)  # type: ignore[attr-defined]
    else:
        loadings = np.eye(k)[estimator.predict(matrix)]  # type: ignore[attr-defined]
    loadings = np.where(loadings > 1e-12, loadings, 0.0)
    totals = loadings.sum(axis=1, keepdims=True)
    return loadings, np.divide(loadings, totals, out=np.zeros_like(loadings), where=totals > 0)


def _dominant(loadings: np.ndarray) -> np.ndarray:
    labels = loadings.argmax(axis=1)
    labels[loadings.max(axis=1) <= 0] = NO_TOPIC
    return labels


def _top_columns(components: np.ndarray, n: int) -> tuple[frozenset[int], ...]:
    return tuple(frozenset(np.argsort(-row, kind="stable")[:n].tolist()) for row in components)


def _npmi_coherence(binary, components: np.ndarray, n_terms: int) -> float:
    """Mean NPMI of each topic's top-term pairs over paragraph co-occurrence (pairs never together count -1)."""
    n_rows = binary.shape[0]
    doc_freq = np.asarray(binary.sum(axis=0)).ravel() / n_rows
    scores = []
    for top in _top_columns(components, n_terms):
        cols = sorted(top)
        sub = binary[:, cols]
        joint = (sub.T @ sub).toarray() / n_rows
        for a, b in combinations(range(len(cols)), 2):
            p_ab = joint[a, b]
            if p_ab <= 0:
                scores.append(-1.0)
            elif p_ab >= 1:
                scores.append(1.0)
            else:
                pmi = np.log(p_ab / (doc_freq[cols[a]] * doc_freq[cols[b]]))
                scores.append(float(pmi / -np.log(p_ab)))
    return float(np.mean(scores)) if scores else float("nan")


def _mean_pairwise_ari(labels: np.ndarray) -> tuple[float, float]:
    from sklearn.metrics import adjusted_rand_score

    scores = [adjusted_rand_score(a, b) for a, b in combinations(labels, 2)]
    return float(np.mean(scores)), float(np.min(scores))


PARALLEL_MIN_PARAGRAPHS = 5_000
"""From this many paragraphs the runs of one fit go to ``n_jobs`` workers (below, workers cost more than they save)."""


def _fit_runs(runs: Sequence[tuple[int, Method, str, int]], matrix, max_iter: int) -> list[tuple]:
    """:func:`_fit_once` of each ``(k, method, init, seed)`` (top level, for worker processes)."""
    return [_fit_once(matrix, k, method=method, init=init, seed=seed, max_iter=max_iter)
            for k, method, init, seed in runs]


def _fit_all(matrix, runs: Sequence[tuple[int, Method, str, int]], *, max_iter: int, n_jobs: int | None
             ) -> list[tuple]:
    """Every run fitted, one run per chunk on ``n_jobs`` workers for a large matrix: each run is the same fit
    wherever it runs, so the results do not depend on the workers."""
    from kzanalysis.parallel import chunk_bounds, run_chunks, workers

    n_workers = workers(n_jobs, matrix.shape[0], min_items=PARALLEL_MIN_PARAGRAPHS)
    if n_workers == 1:
        return _fit_runs(runs, matrix, max_iter)
    chunks = run_chunks(_fit_runs, list(runs), chunk_bounds(len(runs), n_workers, chunk_size=1), (matrix, max_iter),
                        n_jobs=n_workers, desc="topic runs", show=False)
    return [fit for chunk in chunks for fit in chunk]


def _starts(k: int, *, method: Method, n_restarts: int, random_state: int) -> tuple[list[str], list[tuple]]:
    """Names and ``(k, method, init, seed)`` of the reference run and ``n_restarts - 1`` random restarts."""
    seeds = np.random.default_rng(random_state).integers(0, 2**31 - 1, size=max(n_restarts - 1, 1)).tolist()
    reference = "nndsvda" if method == "nmf" else "k-means++"
    names = [f"{method}-{reference}"] + [f"{method}-seed-{s}" for s in seeds[: n_restarts - 1]]
    inits = [(k, method, reference, random_state)] + [(k, method, "random", int(s)) for s in seeds[: n_restarts - 1]]
    return names, inits


def select_n_topics(
    features: Features,
    *,
    method: Method = "nmf",
    k_values: Sequence[int] = DEFAULT_K_VALUES,
    n_restarts: int = 6,
    n_terms: int = 10,
    tolerance: float = 0.02,
    rows: np.ndarray | None = None,
    random_state: int = 0,
) -> pd.DataFrame:
    """Score each candidate number of topics by stability across restarts and by coherence, and choose one.

    For each ``k``, the model is fitted ``n_restarts`` times (NMF: the deterministic NNDSVDa start and
    random starts; KMeans: k-means++ with 10 inits and single random inits). **Stability** is the mean
    adjusted Rand index (ARI) between every pair of runs' dominant topics per paragraph (1: the runs
    agree on every paragraph; 0: no more than chance). **Coherence** is the mean normalised pointwise
    mutual information (NPMI, -1 to 1) of the reference run's top-term pairs, from their co-occurrence in
    the same paragraphs. The chosen ``k`` is the most coherent among those whose stability is within
    ``tolerance`` of the best.

    Args:
        features: Paragraph TF-IDF (``kz.tfidf(units, grain="paragraph")``).
        method: ``"nmf"`` or ``"kmeans"``.
        k_values: Numbers of topics to try; those above ``rows / 3`` or the number of terms are skipped.
        n_restarts: Runs per ``k`` (at least 2); the cost grows linearly with it.
        n_terms: Top terms per topic for coherence.
        tolerance: Stability below the best by at most this much counts as equally stable.
        rows: Boolean mask of the rows to fit on (``None``: all).
        random_state: Seed for every restart.

    Returns:
        One row per ``k`` tried, ascending: ``n_topics``, ``stability``, ``stability_min`` (the least
        agreeing pair of runs), ``coherence``, ``chosen`` (True on one row); scores rounded to 4 decimals.

    Raises:
        ValueError: If ``n_restarts < 2`` or no ``k`` can be tried on this many paragraphs.

    Example:
        >>> # select_n_topics(kz.tfidf(units, grain="paragraph"), k_values=range(2, 6))
    """
    _check_method(method)
    matrix = features.matrix if rows is None else features.matrix[np.flatnonzero(rows)]
    selection, _, _ = _select(matrix, method=method, k_values=k_values, n_restarts=n_restarts, n_terms=n_terms,
                              tolerance=tolerance, random_state=random_state)
    return selection


def _select(matrix, *, method: Method, k_values: Sequence[int], n_restarts: int, n_terms: int,
            tolerance: float, random_state: int, max_iter: int = _MAX_ITER, n_jobs: int | None = None,
            also: Sequence[tuple[int, Method, str, int]] = ()) -> tuple[pd.DataFrame, dict[int, tuple], list[tuple]]:
    """The selection table; for each k tried: (run names, dominant labels, top-term sets, reference estimator);
    and the fits of the runs ``also`` asks for (fitted with the others, so that workers share them out)."""
    if n_restarts < 2:
        raise ValueError(f"n_restarts must be at least 2 to measure stability, not {n_restarts}")
    n_rows, n_vocabulary = matrix.shape
    usable = sorted({int(k) for k in k_values if 2 <= k <= min(n_rows // MIN_PARAGRAPHS_PER_TOPIC, n_vocabulary)})
    if not usable:
        raise ValueError(
            f"no number of topics in {list(k_values)} can be tried on {n_rows} paragraphs: each k needs"
            f" {MIN_PARAGRAPHS_PER_TOPIC} paragraphs per topic (at least {2 * MIN_PARAGRAPHS_PER_TOPIC}"
            " paragraphs for k=2)"
        )
    binary = (matrix > 0).astype(np.float64).tocsc()
    records = []
    runs: dict[int, tuple] = {}
    starts = {k: _starts(k, method=method, n_restarts=n_restarts, random_state=random_state) for k in usable}
    fits = iter(_fit_all(matrix, [run for k in usable for run in starts[k][1]] + list(also), max_iter=max_iter,
                         n_jobs=n_jobs))
    for k in usable:
        names = starts[k][0]
        loadings, components, estimators = zip(*[next(fits) for _ in starts[k][1]])
        reference = estimators[0]
        labels = np.array([_dominant(x) for x in loadings])
        runs[k] = (names, labels, [_top_columns(c, n_terms) for c in components], reference)
        stability, worst = _mean_pairwise_ari(labels)
        coherence = _npmi_coherence(binary, components[0], n_terms)
        records.append({"n_topics": k, "stability": round(stability, _ROUND), "stability_min": round(worst, _ROUND),
                        "coherence": round(coherence, _ROUND)})
    selection = pd.DataFrame(records)
    best = selection["stability"].max()
    candidates = selection[selection["stability"] >= best - tolerance - 1e-12]
    chosen = candidates.sort_values(["coherence", "n_topics"], ascending=[False, True], kind="stable").iloc[0]
    selection["chosen"] = selection["n_topics"] == chosen["n_topics"]
    return selection, runs, list(fits)


def _check_method(method: str) -> None:
    if method not in ("nmf", "kmeans"):
        raise ValueError(f"method must be 'nmf' or 'kmeans', not {method!r}")


def _check_features(features: Features, units: pd.DataFrame, *, min_df: int | float | None) -> None:
    """Raise unless ``features`` are paragraph TF-IDF with one row per unit (and ``min_df`` was left out)."""
    if min_df is not None:
        raise ValueError("give min_df or features, not both: the features already have their vocabulary")
    rows = units[["doc_id", "para_id"]].astype({"doc_id": str}).sort_values(["doc_id", "para_id"], kind="stable")
    ids = features.ids.astype({"doc_id": str}) if features.grain == "paragraph" else None
    if ids is None or len(ids) != len(rows) or not (ids.to_numpy() == rows.to_numpy()).all():
        raise ValueError("features must be the paragraph TF-IDF of these units (one row per doc_id, para_id), "
                         "e.g. model.features of a fit on the same units")


def fit_topics(
    units: pd.DataFrame,
    *,
    n_topics: int | None = None,
    method: Method = "nmf",
    k_values: Sequence[int] = DEFAULT_K_VALUES,
    n_restarts: int = 6,
    n_terms: int = 10,
    tolerance: float = 0.02,
    groups: Mapping[str, str] | None = None,
    min_df: int | float | None = None,
    min_paragraphs: int = MIN_PARAGRAPHS,
    selection_sample: int | None = SELECTION_SAMPLE,
    random_state: int = 0,
    n_jobs: int | None = None,
    features: Features | None = None,
    toks: pd.DataFrame | None = None,
) -> TopicModel:
    """Find the themes of body paragraphs: NMF (or KMeans) on paragraph TF-IDF, with ``k`` chosen on the data.

    Features are ``kz.tfidf(units, grain="paragraph")`` (Snowball stems, stop words and numbers out,
    sublinear tf, l2 rows). When ``n_topics`` is ``None`` it is chosen by :func:`select_n_topics`
    (stability across restarts, then coherence), on a random sample of ``selection_sample`` paragraphs when
    there are more (the ``selection`` table then describes the sample). The final model is the reference run
    of the chosen ``k`` on all fitted paragraphs (NMF: NNDSVDa
    start, deterministic), and every paragraph, fitted or not, gets its topic weights from it. The
    other method is fitted at the same ``k`` as a cross-check (KMeans for NMF and vice versa).

    Reused text: a story that appears twice (a translated round trip, a republished wire) weighs twice in
    the topics. ``groups`` maps ``doc_id`` to its story: the ``stories`` table of ``kz.overlap.stories``
    (``dict(zip(stories["doc_id"], stories["story_id"]))``, copies and translations, found at any scale) or
    names of your own; the model is then fitted on one version of each story only (the document named like its
    story, else the first ``doc_id``) and the other versions are projected onto its topics (they keep their rows in
    every table).

    Args:
        units: Analysis units (``doc_id``, ``para_id``, ``text``): ``kz.body_paragraphs(kz.paragraphs(corpus))``.
        n_topics: Fixed number of topics, or ``None`` to choose among ``k_values``.
        method: ``"nmf"`` (topic mixtures) or ``"kmeans"`` (one cluster per paragraph).
        k_values: Candidate numbers of topics.
        n_restarts: Runs per candidate ``k`` and for the stability report (at least 2; caps the cost).
        n_terms: Top terms per topic for coherence and term agreement.
        tolerance: See :func:`select_n_topics`.
        groups: ``doc_id -> story`` (documents not in it are their own story); ``None``: every document is fitted.
        min_df: Keep terms in at least this many paragraphs; ``None``: 1 below 2,000 paragraphs, then
            ``paragraphs // 1000`` up to 5 (so a small corpus never loses its vocabulary).
        min_paragraphs: Fewest paragraphs with a content term accepted (default :data:`MIN_PARAGRAPHS`).
        selection_sample: Paragraphs on which ``k`` is chosen when there are more (default
            :data:`SELECTION_SAMPLE`; ``None``: always all of them); above it NMF also stops after
            :data:`LARGE_MAX_ITER` iterations and the KMeans
            reference run uses :data:`LARGE_KMEANS_INITS` initialisations.
        random_state: Seed of every restart, of the selection sample and of the cross-check.
        n_jobs: Workers for the runs (restarts and cross-check) from :data:`PARALLEL_MIN_PARAGRAPHS` fitted
            paragraphs on, scikit-learn's meaning (``-1``: all cores); every run is the same fit wherever it runs.
        features: The units' paragraph TF-IDF if already made as here (``model.features`` of an earlier fit on the
            same units, e.g. to refit with other ``groups``): used instead of counting the texts again. Its rows
            must be the units' paragraphs; ``min_df`` is then not given (the features have their vocabulary).
        toks: ``kz.tokens(units)`` if already made (a report run shares them; at least the columns
            :data:`kzanalysis.features.TOKEN_COLUMNS`), or ``kz.compact_tokens`` of it: the features are counted
            from them instead of tokenizing the texts again, the same features to the last bit (see ``rows`` of
            :func:`kzanalysis.tfidf`).

    Returns:
        A :class:`TopicModel`; turn it into tables with :func:`topic_terms`, :func:`paragraph_topics`,
        :func:`topic_by_source`, :func:`topic_summary`.

    Raises:
        ValueError: If the corpus is too small (the message names the minimum: at least
            :data:`MIN_PARAGRAPHS` paragraphs with a content term and 3 per topic), or an option is invalid.

    Example:
        >>> import kzanalysis as kz
        >>> units = kz.body_paragraphs(kz.paragraphs(kz.load_corpus()))
        >>> stories = kz.overlap.stories(units)
        >>> model = fit_topics(units, groups=dict(zip(stories["doc_id"], stories["story_id"])))
        >>> model.n_topics >= 2
        True
    """
    _check_method(method)
    problem = clustering_problem(units, n_topics=n_topics, min_paragraphs=min_paragraphs, groups=groups)
    if problem:
        raise ValueError(problem)
    if features is None:
        features = tfidf(units if toks is None else toks, grain="paragraph", rows=None if toks is None else units,
                         min_df=_auto_min_df(len(units)) if min_df is None else min_df)
    elif toks is not None:
        raise ValueError("give toks or features, not both: the features are already counted")
    else:
        _check_features(features, units, min_df=min_df)
    stories = _stories(units, groups=groups)
    fitted_docs = set(stories.loc[stories["fitted"], "doc_id"])
    fitted = features.ids["doc_id"].astype(str).isin(fitted_docs).to_numpy()
    matrix = features.matrix[np.flatnonzero(fitted)]
    if n_topics is not None and n_topics > matrix.shape[1]:
        raise ValueError(f"n_topics={n_topics} exceeds the {matrix.shape[1]} terms of this corpus")
    large = selection_sample is not None and matrix.shape[0] > selection_sample
    max_iter = LARGE_MAX_ITER if large else _MAX_ITER
    options = dict(method=method, n_restarts=n_restarts, n_terms=n_terms, tolerance=tolerance,
                   random_state=random_state, max_iter=max_iter, n_jobs=n_jobs)
    other: Method = "kmeans" if method == "nmf" else "nmf"

    def cross_check(k: int) -> tuple[tuple[int, Method, str, int]]:  # the other method at the chosen k
        return ((k, other, "nndsvda" if other == "nmf" else "k-means++", random_state),)

    if n_topics is None and large:
        sample = np.sort(np.random.default_rng(random_state).choice(matrix.shape[0], selection_sample, replace=False))
        selection, _, _ = _select(matrix[sample], k_values=k_values, **options)
        chosen = int(selection.loc[selection["chosen"], "n_topics"].iloc[0])
        _, runs, checked = _select(matrix, k_values=[chosen], also=cross_check(chosen), **options)
    else:
        known = () if n_topics is None else cross_check(n_topics)
        selection, runs, checked = _select(matrix, k_values=k_values if n_topics is None else [n_topics],
                                           also=known, **options)
    k = int(selection.loc[selection["chosen"], "n_topics"].iloc[0])
    names, labels, top_terms, reference = runs[k]
    if not checked:  # k was chosen by that selection
        checked = _fit_all(matrix, cross_check(k), max_iter=max_iter, n_jobs=n_jobs)
    other_loadings, other_components, _ = checked[0]
    names = [*names, other]
    run_labels = np.vstack([labels, _dominant(other_loadings)[None, :]])
    run_top_terms = (*top_terms, _top_columns(other_components, n_terms))
    all_loadings, weights = _topic_weights(reference, method, k, features.matrix)
    return TopicModel(
        features=features,
        method=method,
        n_topics=k,
        loadings=all_loadings,
        weights=weights,
        components=np.asarray(reference.components_ if method == "nmf" else reference.cluster_centers_),
        fitted=fitted,
        stories=stories,
        selection=selection,
        runs=tuple(names),
        run_labels=run_labels,
        run_top_terms=tuple(run_top_terms),
        random_state=random_state,
        estimator=reference,
    )
