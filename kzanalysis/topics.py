"""Topics stage: themes of body paragraphs (NMF, KMeans as a cross-check), how many, how stable, and each outlet's share."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Literal

import numpy as np
import pandas as pd

from .features import Features, tfidf

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
DUPLICATE_THRESHOLD = 0.6
"""Cosine similarity of document TF-IDF (stems, stop words out) at or above which two documents count as one story.

On the seed corpus the two CNN versions score 0.87 and every other pair 0.23-0.29.
"""
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


# --------------------------------------------------------------------------------------------- checks


def _content_paragraphs(units: pd.DataFrame) -> int:
    """Number of units with at least one content term (stems, stop words and numbers out)."""
    from .languages import unit_languages
    from .tokenize import analysis_tokens

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


def _restarts(matrix, k: int, *, method: Method, n_restarts: int, random_state: int, max_iter: int = _MAX_ITER
              ) -> tuple[list[str], list[np.ndarray], list[np.ndarray], object]:
    """The reference fit and ``n_restarts - 1`` random restarts: (names, loadings, components, reference estimator)."""
    seeds = np.random.default_rng(random_state).integers(0, 2**31 - 1, size=max(n_restarts - 1, 1)).tolist()
    reference = "nndsvda" if method == "nmf" else "k-means++"
    names = [f"{method}-{reference}"] + [f"{method}-seed-{s}" for s in seeds[: n_restarts - 1]]
    inits = [(reference, random_state)] + [("random", int(s)) for s in seeds[: n_restarts - 1]]
    loadings, components, estimators = [], [], []
    for init, seed in inits:
        load, comp, estimator = _fit_once(matrix, k, method=method, init=init, seed=seed, max_iter=max_iter)
        loadings.append(load)
        components.append(comp)
        estimators.append(estimator)
    return names, loadings, components, estimators[0]


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
    selection, _ = _select(matrix, method=method, k_values=k_values, n_restarts=n_restarts, n_terms=n_terms,
                           tolerance=tolerance, random_state=random_state)
    return selection


def _select(matrix, *, method: Method, k_values: Sequence[int], n_restarts: int, n_terms: int,
            tolerance: float, random_state: int, max_iter: int = _MAX_ITER) -> tuple[pd.DataFrame, dict[int, tuple]]:
    """The selection table, and for each k tried: (run names, dominant labels, top-term sets, reference estimator)."""
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
    for k in usable:
        names, loadings, components, reference = _restarts(matrix, k, method=method, n_restarts=n_restarts,
                                                           random_state=random_state, max_iter=max_iter)
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
    return selection, runs


def _check_method(method: str) -> None:
    if method not in ("nmf", "kmeans"):
        raise ValueError(f"method must be 'nmf' or 'kmeans', not {method!r}")


def fit_topics(
    units: pd.DataFrame,
    *,
    n_topics: int | None = None,
    method: Method = "nmf",
    k_values: Sequence[int] = DEFAULT_K_VALUES,
    n_restarts: int = 6,
    n_terms: int = 10,
    tolerance: float = 0.02,
    dedupe: bool = False,
    groups: Mapping[str, str] | None = None,
    duplicate_threshold: float = DUPLICATE_THRESHOLD,
    min_df: int | float | None = None,
    min_paragraphs: int = MIN_PARAGRAPHS,
    selection_sample: int | None = SELECTION_SAMPLE,
    random_state: int = 0,
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
    the topics. With ``dedupe=True`` documents whose TF-IDF cosine similarity is at least
    ``duplicate_threshold`` form one story (see :func:`near_duplicates`), or ``groups`` maps ``doc_id`` to a
    story name of your own; the model is then fitted on the first version of each story only and the
    other versions are projected onto its topics (they keep their rows in every table).

    Args:
        units: Analysis units (``doc_id``, ``para_id``, ``text``): ``kz.body_paragraphs(kz.paragraphs(corpus))``.
        n_topics: Fixed number of topics, or ``None`` to choose among ``k_values``.
        method: ``"nmf"`` (topic mixtures) or ``"kmeans"`` (one cluster per paragraph).
        k_values: Candidate numbers of topics.
        n_restarts: Runs per candidate ``k`` and for the stability report (at least 2; caps the cost).
        n_terms: Top terms per topic for coherence and term agreement.
        tolerance: See :func:`select_n_topics`.
        dedupe: Count each near-duplicate story once.
        groups: ``doc_id -> story`` (documents not in it are their own story; the first ``doc_id`` of each
            story is the version fitted); overrides ``dedupe``.
        duplicate_threshold: Similarity at which ``dedupe`` joins two documents.
        min_df: Keep terms in at least this many paragraphs; ``None``: 1 below 2,000 paragraphs, then
            ``paragraphs // 1000`` up to 5 (so a small corpus never loses its vocabulary).
        min_paragraphs: Fewest paragraphs with a content term accepted (default :data:`MIN_PARAGRAPHS`).
        selection_sample: Paragraphs on which ``k`` is chosen when there are more (default
            :data:`SELECTION_SAMPLE`; ``None``: always all of them); above it NMF also stops after
            :data:`LARGE_MAX_ITER` iterations and the KMeans
            reference run uses :data:`LARGE_KMEANS_INITS` initialisations.
        random_state: Seed of every restart, of the selection sample and of the cross-check.

    Returns:
        A :class:`TopicModel`; turn it into tables with :func:`topic_terms`, :func:`paragraph_topics`,
        :func:`topic_by_source`, :func:`topic_summary`.

    Raises:
        ValueError: If the corpus is too small (the message names the minimum: at least
            :data:`MIN_PARAGRAPHS` paragraphs with a content term and 3 per topic), or an option is invalid.

    Example:
        >>> import kzanalysis as kz
        >>> units = kz.body_paragraphs(kz.paragraphs(kz.load_corpus()))
        >>> model = fit_topics(units, dedupe=True)
        >>> model.n_topics >= 2
        True
    """
    _check_method(method)
    problem = clustering_problem(units, n_topics=n_topics, min_paragraphs=min_paragraphs, dedupe=dedupe,
                                 groups=groups, duplicate_threshold=duplicate_threshold)
    if problem:
        raise ValueError(problem)
    features = tfidf(units, grain="paragraph", min_df=_auto_min_df(len(units)) if min_df is None else min_df)
    stories = _stories(units, dedupe=dedupe, groups=groups, threshold=duplicate_threshold)
    fitted_docs = set(stories.loc[stories["fitted"], "doc_id"])
    fitted = features.ids["doc_id"].astype(str).isin(fitted_docs).to_numpy()
    matrix = features.matrix[np.flatnonzero(fitted)]
    if n_topics is not None and n_topics > matrix.shape[1]:
        raise ValueError(f"n_topics={n_topics} exceeds the {matrix.shape[1]} terms of this corpus")
    large = selection_sample is not None and matrix.shape[0] > selection_sample
    max_iter = LARGE_MAX_ITER if large else _MAX_ITER
    options = dict(method=method, n_restarts=n_restarts, n_terms=n_terms, tolerance=tolerance,
                   random_state=random_state, max_iter=max_iter)
    if n_topics is None and large:
        sample = np.sort(np.random.default_rng(random_state).choice(matrix.shape[0], selection_sample, replace=False))
        selection, _ = _select(matrix[sample], k_values=k_values, **options)
        chosen = int(selection.loc[selection["chosen"], "n_topics"].iloc[0])
        _, runs = _select(matrix, k_values=[chosen], **options)
    else:
        selection, runs = _select(matrix, k_values=k_values if n_topics is None else [n_topics], **options)
    k = int(selection.loc[selection["chosen"], "n_topics"].iloc[0])
    names, labels, top_terms, reference = runs[k]
    other: Method = "kmeans" if method == "nmf" else "nmf"
    other_loadings, other_components, _ = _fit_once(
        matrix, k, method=other, init="nndsvda" if other == "nmf" else "k-means++", seed=random_state,
        max_iter=max_iter)
    names = [*names, other]
    run_labels = np.vstack([labels, _dominant(other_loadings)[None, :]])
    run_top_terms = (*top_terms, _top_columns(other_components, n_terms))
    if method == "nmf":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            all_loadings = reference.transform(features.matrix)
    else:
        all_loadings = np.eye(k)[reference.predict(features.matrix)]
    all_loadings = np.where(all_loadings > 1e-12, all_loadings, 0.0)
    totals = all_loadings.sum(axis=1, keepdims=True)
    weights = np.divide(all_loadings, totals, out=np.zeros_like(all_loadings), where=totals > 0)
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
    )


# ----------------------------------------------------------------------------------------- tables


def surface_forms(token_frame: pd.DataFrame) -> pd.DataFrame:
    """The most frequent written (lower-case) form of each stem, so that stems can be shown as words.

    Args:
        token_frame: From ``kz.tokens(units)`` (needs ``lower`` and ``stem``).

    Returns:
        One row per stem, sorted: ``stem``, ``surface`` (its most frequent ``lower`` form; ties go to the
        shortest, then alphabetically first), ``n`` (its count).

    Example:
        >>> import kzanalysis as kz
        >>> units = pd.DataFrame({"doc_id": ["a"], "para_id": [0], "text": ["Protesters protested; protesters."]})
        >>> surface_forms(kz.tokens(units)).values.tolist()
        [['protest', 'protesters', 2]]
    """
    counts = token_frame.groupby(["stem", "lower"], sort=True).size().rename("n").reset_index()
    counts["length"] = counts["lower"].str.len()
    counts = counts.sort_values(["stem", "n", "length", "lower"], ascending=[True, False, True, True], kind="stable")
    best = counts.drop_duplicates("stem")
    return best.rename(columns={"lower": "surface"})[["stem", "surface", "n"]].reset_index(drop=True)


def topic_terms(model: TopicModel, *, n_terms: int = 10, surface: pd.DataFrame | None = None) -> pd.DataFrame:
    """The ``n_terms`` highest-weighted terms of each topic.

    Args:
        model: From :func:`fit_topics`.
        n_terms: Terms per topic.
        surface: From :func:`surface_forms`, to add each stem's readable form (``surface`` is the stem
            itself when ``None`` or the stem is not found).

    Returns:
        One row per (``topic``, ``rank``): ``topic``, ``rank`` (1 = highest weight; ties by term), ``term``
        (the stem), ``weight`` (the topic's term weight, rounded to 4 decimals; zero weights left out),
        ``surface`` (the stem's most frequent written form).

    Example:
        >>> # topic_terms(model, n_terms=10, surface=surface_forms(kz.tokens(units)))
    """
    if n_terms < 1:
        raise ValueError(f"n_terms must be at least 1, not {n_terms}")
    forms = {} if surface is None else dict(zip(surface["stem"], surface["surface"]))
    terms = model.features.terms
    order_alpha = np.argsort(np.argsort(terms, kind="stable"), kind="stable")
    rows = []
    for topic, row in enumerate(model.components):
        order = np.lexsort((order_alpha, -row))[:n_terms]
        for rank, col in enumerate(order, start=1):
            if row[col] <= 0:
                break
            rows.append({"topic": topic, "rank": rank, "term": str(terms[col]),
                         "surface": forms.get(str(terms[col]), str(terms[col])), "weight": round(float(row[col]), _ROUND)})
    return pd.DataFrame(rows, columns=TABLE_COLUMNS["topic_terms"])


def topic_labels(model: TopicModel, *, surface: pd.DataFrame | None = None, n_terms: int = 3) -> pd.DataFrame:
    """A short readable label per topic: its ``n_terms`` most characteristic terms as words, joined by " / ".

    Terms are ranked by weight times exclusivity (the term's weight in this topic over its weight in all
    topics), so that a word every topic uses ("said") does not name one; each stem is shown as its most
    frequent written form.

    Args:
        model: From :func:`fit_topics`.
        surface: From :func:`surface_forms` (stems shown as they are when ``None``).
        n_terms: Terms per label.

    Returns:
        One row per topic (and :data:`NO_TOPIC` when some paragraph has no topic): ``topic``, ``label``
        (e.g. ``"3 nazarbayev / leader / nation"``: the topic number first, so labels stay unique).

    Example:
        >>> # topic_labels(model, surface=surface_forms(kz.tokens(units)))
    """
    forms = {} if surface is None else dict(zip(surface["stem"], surface["surface"]))
    components = np.clip(model.components, 0, None)
    totals = components.sum(axis=0)
    exclusivity = np.divide(components, totals, out=np.zeros_like(components), where=totals > 0)
    score = components * exclusivity
    rows = []
    for topic, row in enumerate(score):
        order = np.lexsort((model.features.terms, -row))[:n_terms]
        words = [forms.get(str(model.features.terms[c]), str(model.features.terms[c])) for c in order if row[c] > 0]
        rows.append({"topic": topic, "label": f"{topic} {' / '.join(words)}".strip()})
    if (model.weights.sum(axis=1) == 0).any():
        rows.append({"topic": NO_TOPIC, "label": "none (no content term or zero weights)"})
    return pd.DataFrame(rows)


def paragraph_topics(model: TopicModel) -> pd.DataFrame:
    """Each paragraph's share in each topic.

    Args:
        model: From :func:`fit_topics`.

    Returns:
        One row per (``doc_id``, ``para_id``, ``topic``) with positive weight, sorted: ``weight`` is the
        paragraph's share in the topic (its NMF weights scaled to sum to 1; KMeans: 1 for its cluster),
        rounded to 4 decimals. A paragraph that no topic explains has one row with ``topic`` -1 and
        weight 1, so every paragraph has a row.

    Example:
        >>> # paragraph_topics(model).groupby(["doc_id", "para_id"])["weight"].sum()  # about 1 each
    """
    ids = model.features.ids
    weights = np.round(model.weights, _ROUND)
    rows, cols = np.nonzero(weights > 0)
    empty = np.flatnonzero(weights.sum(axis=1) == 0)
    frame = pd.DataFrame({
        "doc_id": ids["doc_id"].to_numpy()[np.concatenate([rows, empty])],
        "para_id": ids["para_id"].to_numpy()[np.concatenate([rows, empty])].astype(np.int64),
        "topic": np.concatenate([cols, np.full(len(empty), NO_TOPIC)]).astype(np.int64),
        "weight": np.concatenate([weights[rows, cols], np.ones(len(empty))]).astype(np.float64),
    })
    return frame.sort_values(["doc_id", "para_id", "topic"], kind="stable").reset_index(drop=True)


def dominant_topics(model: TopicModel) -> pd.DataFrame:
    """Each paragraph's dominant (highest-weight) topic.

    Args:
        model: From :func:`fit_topics`.

    Returns:
        One row per paragraph, in ``features.ids`` order: ``doc_id``, ``para_id``, ``topic`` (-1 when no
        topic explains it), ``weight`` (its share, rounded to 4 decimals), ``fitted`` (False for a
        second version of a story that was projected, not fitted).

    Example:
        >>> # dominant_topics(model).groupby("topic").size()
    """
    labels = _dominant(model.weights)
    share = np.where(labels >= 0, model.weights.max(axis=1), 1.0)
    frame = model.features.ids.copy()
    frame["topic"] = labels.astype(np.int64)
    frame["weight"] = np.round(share, _ROUND)
    frame["fitted"] = model.fitted
    return frame


def _paragraph_mass(model: TopicModel, weight_by: WeightBy) -> np.ndarray:
    if weight_by == "paragraphs":
        return np.ones(model.weights.shape[0])
    if weight_by == "terms":
        return np.asarray(model.features.matrix.getnnz(axis=1), dtype=np.float64)
    raise ValueError(f"weight_by must be 'terms' or 'paragraphs', not {weight_by!r}")


def topic_by_source(model: TopicModel, corpus: pd.DataFrame | None = None, *,
                    weight_by: WeightBy = "terms") -> pd.DataFrame:
    """How each document divides its attention among the topics.

    A document's share in a topic is the mean of its paragraphs' topic shares, each paragraph weighted by
    its number of distinct content terms (``weight_by="terms"``, so a one-line subheading counts little) or
    equally (``"paragraphs"``).

    Args:
        model: From :func:`fit_topics`.
        corpus: One row per document with ``doc_id`` and ``outlet`` (``kz.load_corpus``); outlet is
            ``"unknown"`` when ``None`` or missing.
        weight_by: ``"terms"`` or ``"paragraphs"``.

    Returns:
        One row per (``doc_id``, ``topic``) for every topic (zeros kept, so each document's shares sum to 1;
        topic -1 appears only when some paragraph has no topic), sorted: ``doc_id``, ``outlet``, ``topic``,
        ``share`` (rounded to 4 decimals).

    Example:
        >>> # topic_by_source(model, corpus).pivot(index="doc_id", columns="topic", values="share")
    """
    mass = _paragraph_mass(model, weight_by)
    weights = model.weights
    topics = list(range(model.n_topics))
    empty = weights.sum(axis=1) == 0
    if empty.any():
        weights = np.column_stack([weights, empty.astype(np.float64)])
        topics.append(NO_TOPIC)
    mass = np.where(mass > 0, mass, 1.0)
    doc_ids = model.features.ids["doc_id"].to_numpy()
    frame = pd.DataFrame(weights * mass[:, None], columns=topics)
    frame["doc_id"] = doc_ids
    sums = frame.groupby("doc_id", sort=True)[topics].sum()
    shares = sums.div(sums.sum(axis=1), axis=0).round(_ROUND)
    long = shares.reset_index().melt(id_vars="doc_id", var_name="topic", value_name="share")
    long["topic"] = long["topic"].astype(np.int64)
    outlets: dict[object, str] = {}
    if corpus is not None and "outlet" in corpus.columns:
        outlets = dict(zip(corpus["doc_id"], corpus["outlet"].astype(str)))
    long["outlet"] = [outlets.get(d, "unknown") for d in long["doc_id"]]
    long = long.sort_values(["doc_id", "topic"], kind="stable").reset_index(drop=True)
    return long[TABLE_COLUMNS["topic_by_source"]]


def topic_stability(model: TopicModel) -> pd.DataFrame:
    """How well each topic comes back in the other runs (random restarts at the same ``k``).

    For each topic of the final model and each restart, the best-matching topic of the restart is the one
    whose top-term set overlaps most (Jaccard index); ``term_agreement`` is the mean of that best overlap
    over the restarts (1: the same top terms every time; near 0: the topic is an accident of the start).

    Args:
        model: From :func:`fit_topics`.

    Returns:
        One row per topic: ``topic``, ``term_agreement`` (rounded to 4 decimals).

    Example:
        >>> # topic_stability(model)
    """
    reference = model.run_top_terms[0]
    restarts = [terms for name, terms in zip(model.runs, model.run_top_terms)
                if name.startswith(f"{model.method}-") and name != model.runs[0]]
    rows = []
    for topic, top in enumerate(reference):
        scores = [max(len(top & other) / len(top | other) for other in run) for run in restarts]
        rows.append({"topic": topic, "term_agreement": round(float(np.mean(scores)), _ROUND) if scores else np.nan})
    return pd.DataFrame(rows)


def run_agreement(model: TopicModel) -> pd.DataFrame:
    """Agreement between every pair of runs at the chosen ``k``: restarts and the other method's cross-check.

    Args:
        model: From :func:`fit_topics`.

    Returns:
        One row per ordered pair of runs (both orders, and each run with itself), in ``model.runs`` order:
        ``run_a``, ``run_b``, ``ari`` (adjusted Rand index of their dominant topics over the fitted
        paragraphs, rounded to 4 decimals).

    Example:
        >>> # run_agreement(model).pivot(index="run_a", columns="run_b", values="ari")
    """
    from sklearn.metrics import adjusted_rand_score

    rows = []
    for a, labels_a in zip(model.runs, model.run_labels):
        for b, labels_b in zip(model.runs, model.run_labels):
            rows.append({"run_a": a, "run_b": b, "ari": round(float(adjusted_rand_score(labels_a, labels_b)), _ROUND)})
    return pd.DataFrame(rows)


def stability_summary(model: TopicModel) -> pd.DataFrame:
    """The stability figures reported with the topics, one number each.

    Returns:
        One row per measure: ``measure`` (``restart_ari_mean``, ``restart_ari_min``: between the restarts of
        the chosen method; ``cross_method_ari``: between the final model and the other method at the same
        ``k``), ``value``.

    Example:
        >>> # stability_summary(model)
    """
    agreement = run_agreement(model)
    own = [r for r in model.runs if r.startswith(f"{model.method}-")]
    pairs = agreement[agreement["run_a"].isin(own) & agreement["run_b"].isin(own)
                      & (agreement["run_a"] < agreement["run_b"])]
    cross = agreement[(agreement["run_a"] == model.runs[0]) & (agreement["run_b"] == model.runs[-1])]
    return pd.DataFrame({
        "measure": ["restart_ari_mean", "restart_ari_min", "cross_method_ari"],
        "value": [round(float(pairs["ari"].mean()), _ROUND), round(float(pairs["ari"].min()), _ROUND),
                  round(float(cross["ari"].iloc[0]), _ROUND)],
    })


def topic_summary(model: TopicModel, *, surface: pd.DataFrame | None = None, n_terms: int = 3,
                  weight_by: WeightBy = "terms") -> pd.DataFrame:
    """One line per topic: its label, size, share of the corpus and stability.

    Args:
        model: From :func:`fit_topics`.
        surface: From :func:`surface_forms`, for readable labels.
        n_terms: Terms per label.
        weight_by: How paragraphs are weighted in ``share`` (as in :func:`topic_by_source`).

    Returns:
        One row per topic (and -1 when some paragraph has none): ``topic``, ``label``, ``n_paragraphs``
        (paragraphs whose dominant topic it is, fitted or projected), ``n_documents`` (documents with such a
        paragraph), ``share`` (of all paragraph weight in the fitted paragraphs), ``term_agreement``.

    Example:
        >>> # topic_summary(model, surface=surface_forms(kz.tokens(units)))
    """
    labels = topic_labels(model, surface=surface, n_terms=n_terms)
    dominant = dominant_topics(model)
    counts = dominant.groupby("topic").agg(n_paragraphs=("para_id", "size"), n_documents=("doc_id", "nunique"))
    mass = _paragraph_mass(model, weight_by)[model.fitted]
    weights = model.weights[model.fitted]
    shares = dict(enumerate((weights * mass[:, None]).sum(axis=0) / mass.sum()))
    shares[NO_TOPIC] = float(mass[weights.sum(axis=1) == 0].sum() / mass.sum())
    summary = labels.merge(counts, left_on="topic", right_index=True, how="left")
    summary = summary.merge(topic_stability(model), on="topic", how="left")
    summary[["n_paragraphs", "n_documents"]] = summary[["n_paragraphs", "n_documents"]].fillna(0).astype(np.int64)
    summary["share"] = [round(float(shares.get(t, 0.0)), _ROUND) for t in summary["topic"]]
    return summary[TABLE_COLUMNS["topic_summary"]]


def representative_paragraphs(model: TopicModel, units: pd.DataFrame, *, n: int = 3) -> pd.DataFrame:
    """The paragraphs that express each topic most strongly (its best examples to read).

    Among the fitted paragraphs whose dominant topic it is, those with the largest raw topic weight.

    Args:
        model: From :func:`fit_topics`.
        units: The units the model was fitted on (for the text).
        n: Paragraphs per topic.

    Returns:
        One row per (``topic``, ``rank``): ``topic``, ``rank``, ``doc_id``, ``para_id``, ``share`` (the
        paragraph's share in the topic), ``text``.

    Example:
        >>> # representative_paragraphs(model, units, n=2)
    """
    dominant = dominant_topics(model)
    dominant["strength"] = model.loadings.max(axis=1)
    dominant = dominant[dominant["fitted"] & (dominant["topic"] >= 0)]
    ranked = dominant.sort_values(["topic", "strength", "doc_id", "para_id"], ascending=[True, False, True, True],
                                  kind="stable")
    top = ranked.groupby("topic", sort=True).head(n).copy()
    top["rank"] = top.groupby("topic").cumcount() + 1
    top = top.merge(units[["doc_id", "para_id", "text"]], on=["doc_id", "para_id"], how="left")
    return top.rename(columns={"weight": "share"})[["topic", "rank", "doc_id", "para_id", "share", "text"]]


def paragraph_map(model: TopicModel, *, random_state: int | None = None) -> pd.DataFrame:
    """Two-dimensional coordinates of every paragraph for a map: truncated SVD (LSA) of the paragraph TF-IDF.

    The map is computed from the features, not from the topics, so it shows whether the topics are
    separated in the data rather than restating them.

    Args:
        model: From :func:`fit_topics`.
        random_state: Seed of the SVD (the model's when ``None``); the sign of each axis is fixed so that its
            largest loading is positive.

    Returns:
        One row per paragraph, in ``features.ids`` order: ``doc_id``, ``para_id``, ``x``, ``y`` (rounded to
        4 decimals), ``topic`` (dominant), ``fitted``.

    Example:
        >>> # paragraph_map(model)
    """
    from sklearn.decomposition import TruncatedSVD

    svd = TruncatedSVD(n_components=2, algorithm="arpack" if min(model.features.matrix.shape) > 2 else "randomized",
                       random_state=model.random_state if random_state is None else random_state)
    coords = svd.fit_transform(model.features.matrix)
    signs = np.sign(svd.components_[np.arange(2), np.abs(svd.components_).argmax(axis=1)])
    coords = coords * np.where(signs == 0, 1, signs)
    frame = dominant_topics(model)[["doc_id", "para_id", "topic", "fitted"]]
    frame.insert(2, "x", np.round(coords[:, 0], _ROUND))
    frame.insert(3, "y", np.round(coords[:, 1], _ROUND))
    return frame


def empty_tables() -> dict[str, pd.DataFrame]:
    """The notebook's tables with their columns and no rows, for a corpus too small to cluster.

    Example:
        >>> list(empty_tables()["topic_terms"].columns)
        ['topic', 'rank', 'term', 'weight', 'surface']
    """
    return {name: pd.DataFrame(columns=columns) for name, columns in TABLE_COLUMNS.items()}


def cross_method_table(model: TopicModel) -> pd.DataFrame:
    """How the final model's dominant topics map onto the other method's clusters (fitted paragraphs).

    Args:
        model: From :func:`fit_topics`.

    Returns:
        One row per (``topic``, ``other``) pair that occurs: ``topic`` (the final model's dominant topic),
        ``other`` (the cross-check's cluster: KMeans for NMF, NMF for KMeans), ``n_paragraphs``.

    Example:
        >>> # cross_method_table(model).pivot(index="topic", columns="other", values="n_paragraphs")
    """
    frame = pd.DataFrame({"topic": model.run_labels[0], "other": model.run_labels[-1]})
    return frame.groupby(["topic", "other"], sort=True).size().rename("n_paragraphs").reset_index()


def model_agreement(model_a: TopicModel, model_b: TopicModel, *, fitted_only: bool = True) -> float:
    """Adjusted Rand index between two models' dominant topics on the paragraphs they share.

    Use it to see how much an option changes the topics (e.g. counting a duplicated story once or twice).

    Args:
        model_a: From :func:`fit_topics`.
        model_b: Another model of (some of) the same paragraphs.
        fitted_only: Compare only paragraphs that both models were fitted on.

    Returns:
        The ARI, rounded to 4 decimals (1: the same partition of the paragraphs).

    Raises:
        ValueError: If the models share fewer than two paragraphs.

    Example:
        >>> # model_agreement(fit_topics(units, dedupe=True), fit_topics(units, n_topics=4))
    """
    from sklearn.metrics import adjusted_rand_score

    a, b = dominant_topics(model_a), dominant_topics(model_b)
    if fitted_only:
        a, b = a[a["fitted"]], b[b["fitted"]]
    both = a.merge(b, on=["doc_id", "para_id"], suffixes=("_a", "_b"))
    if len(both) < 2:
        raise ValueError(f"the models share {len(both)} paragraphs; need at least 2 to compare")
    return round(float(adjusted_rand_score(both["topic_a"], both["topic_b"])), _ROUND)


def report_tables(model: TopicModel, corpus: pd.DataFrame | None = None, *, surface: pd.DataFrame | None = None,
                  n_terms: int = 10, weight_by: WeightBy = "terms") -> dict[str, pd.DataFrame]:
    """Every table the topic notebook writes, keyed by file name (columns as in :data:`TABLE_COLUMNS`).

    Args:
        model: From :func:`fit_topics`.
        corpus: For the ``outlet`` column of ``topic_by_source``.
        surface: From :func:`surface_forms`, for readable terms and labels.
        n_terms: Terms per topic in ``topic_terms``.
        weight_by: Paragraph weighting of shares (see :func:`topic_by_source`).

    Returns:
        ``topic_terms``, ``paragraph_topics``, ``topic_by_source``, ``topic_summary``, ``topic_selection``.

    Example:
        >>> sorted(empty_tables()) == sorted(TABLE_COLUMNS)
        True
    """
    return {
        "topic_terms": topic_terms(model, n_terms=n_terms, surface=surface),
        "paragraph_topics": paragraph_topics(model),
        "topic_by_source": topic_by_source(model, corpus, weight_by=weight_by),
        "topic_summary": topic_summary(model, surface=surface, weight_by=weight_by),
        "topic_selection": model.selection[TABLE_COLUMNS["topic_selection"]].copy(),
    }
