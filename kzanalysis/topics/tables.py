"""Tables of a fitted model: topic terms and labels, paragraph and document topics, stability, the map."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._base import NO_TOPIC, _ROUND, TABLE_COLUMNS, TopicModel, WeightBy
from .fit import _dominant


# ----------------------------------------------------------------------------------------- tables


def surface_forms(token_frame: pd.DataFrame) -> pd.DataFrame:
    """The most frequent written (lower-case) form of each stem, so that stems can be shown as words.

    Args:
        token_frame: From ``kz.tokens(units)`` (needs ``lower`` and ``stem``), or ``kz.compact_tokens`` of it
            (the same table: its categories are sorted, so groups and ties come out in the same order).

    Returns:
        One row per stem, sorted: ``stem``, ``surface`` (its most frequent ``lower`` form; ties go to the
        shortest, then alphabetically first), ``n`` (its count).

    Example:
        >>> import kzanalysis as kz
        >>> units = pd.DataFrame({"doc_id": ["a"], "para_id": [0], "text": ["Protesters protested; protesters."]})
        >>> surface_forms(kz.tokens(units)).values.tolist()
        [['protest', 'protesters', 2]]
        >>> surface_forms(kz.compact_tokens(kz.tokens(units))).equals(surface_forms(kz.tokens(units)))
        True
    """
    counts = token_frame.groupby(["stem", "lower"], sort=True, observed=True).size().rename("n").reset_index()
    counts["length"] = counts["lower"].str.len().astype("int64")
    counts = counts.sort_values(["stem", "n", "length", "lower"], ascending=[True, False, True, True], kind="stable")
    best = counts.drop_duplicates("stem").astype({"stem": str, "lower": str})  # text, also from categories
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
    return _topic_rows(model.features.ids, model.weights)


def _topic_rows(ids: pd.DataFrame, weights: np.ndarray) -> pd.DataFrame:
    """The :func:`paragraph_topics` rows of paragraphs ``ids`` with topic ``weights`` (paragraphs x topics)."""
    weights = np.round(weights, _ROUND)
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
        >>> # model_agreement(fit_topics(units, groups=story_of), fit_topics(units, n_topics=4))
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
