"""Figures of overlap (notebook 01): similarity heatmaps, dendrogram, paragraph alignment, passage scores."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Sequence

import pandas as pd

from .._rows import iter_rows
from .style import MAX_FIGURE_HEIGHT, MAX_POINTS_VECTOR, PALETTE, _group_label, _height, outlet_groups, shows_outlets

if TYPE_CHECKING:
    import numpy as np
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


# --------------------------------------------------------------------------------------------
# overlap (notebook 01): similarity heatmap, dendrogram, paragraph alignment, passage scores
# --------------------------------------------------------------------------------------------


def _pair_matrix(similarity: pd.DataFrame, measure: str, doc_ids: Sequence[str] | None) -> tuple[list[str], "np.ndarray"]:
    """Square matrix of a symmetric (cosine, jaccard) or directional (containment) pair measure; diagonal 1."""
    import numpy as np

    ids = sorted(set(similarity["doc_a"]).union(similarity["doc_b"])) if doc_ids is None else [str(d) for d in doc_ids]
    where = {d: n for n, d in enumerate(ids)}
    matrix = np.full((len(ids), len(ids)), np.nan)
    np.fill_diagonal(matrix, 1.0)
    for row in iter_rows(similarity):
        i, j = where.get(row.doc_a), where.get(row.doc_b)
        if i is None or j is None:
            continue
        if measure == "containment":  # row document's shingles found in the column document
            matrix[i, j], matrix[j, i] = row.containment_a_in_b, row.containment_b_in_a
        else:
            matrix[i, j] = matrix[j, i] = getattr(row, measure)
    return ids, matrix


def outlet_similarity(similarity: pd.DataFrame, outlets: Mapping[str, str] | pd.Series, *,
                      measure: str = "cosine") -> tuple[list[str], "np.ndarray", dict[str, int]]:
    """Mean pair measure between the articles of each two outlets (and within each outlet), for many documents.

    Every pair of articles counts, also pairs absent from ``similarity`` (not candidates): they count as 0,
    as they do in :func:`plot_similarity_dendrogram`. Within an outlet the mean is over its distinct pairs
    (none, so blank, when it has one article). Outlets beyond :data:`MAX_GROUPS_SHOWN` are pooled
    (:func:`outlet_groups`).

    Args:
        similarity: The ``doc_similarity`` table.
        outlets: ``doc_id -> outlet`` for every document (documents missing from it are "unknown").
        measure: ``"cosine"``, ``"jaccard"`` or ``"containment"`` (directional: row outlet's articles' shingles
            found in the column outlet's articles).

    Returns:
        (outlet names sorted, square matrix of means, articles per outlet).

    Example:
        >>> sim = pd.DataFrame({"doc_a": ["a"], "doc_b": ["b"], "cosine": [0.5]})
        >>> names, matrix, sizes = outlet_similarity(sim, {"a": "X", "b": "Y"})
        >>> names, float(matrix[0, 1]), sizes
        (['X', 'Y'], 0.5, {'X': 1, 'Y': 1})
    """
    import numpy as np

    mapping = pd.Series(dict(outlets)) if not isinstance(outlets, pd.Series) else outlets
    mapping.index = mapping.index.astype(str)
    ids = sorted(set(mapping.index).union(similarity["doc_a"].astype(str)).union(similarity["doc_b"].astype(str)))
    groups = outlet_groups(mapping.reindex(ids).fillna("unknown"))
    names = sorted(groups.unique())
    code = pd.Series(pd.Categorical(groups, categories=names).codes, index=ids)
    sizes = groups.value_counts().reindex(names).to_numpy(dtype=float)
    a = code.reindex(similarity["doc_a"].astype(str)).to_numpy()
    b = code.reindex(similarity["doc_b"].astype(str)).to_numpy()
    total = np.zeros((len(names), len(names)))
    if measure == "containment":
        np.add.at(total, (a, b), similarity["containment_a_in_b"].to_numpy(dtype=float))
        np.add.at(total, (b, a), similarity["containment_b_in_a"].to_numpy(dtype=float))
        pairs = np.outer(sizes, sizes) - np.diag(sizes)  # ordered pairs of distinct articles
    else:
        values = similarity[measure].to_numpy(dtype=float)
        np.add.at(total, (a, b), values)
        np.add.at(total, (b, a), values)
        total[np.diag_indices(len(names))] /= 2  # a within-outlet pair was added twice
        pairs = np.outer(sizes, sizes)
        pairs[np.diag_indices(len(names))] = sizes * (sizes - 1) / 2
    with np.errstate(invalid="ignore", divide="ignore"):
        matrix = np.where(pairs > 0, total / np.where(pairs > 0, pairs, 1), np.nan)
    return names, matrix, {n: int(v) for n, v in zip(names, sizes)}


def plot_similarity_heatmap(
    similarity: pd.DataFrame,
    *,
    measure: str = "cosine",
    doc_ids: Sequence[str] | None = None,
    labels: dict[str, str] | None = None,
    outlets: Mapping[str, str] | pd.Series | None = None,
    max_documents: int | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Heatmap of one pair measure of ``doc_similarity``, the value written in each cell.

    Above ``max_documents`` documents (default :data:`MAX_DOCUMENTS_SHOWN`) one row and column per outlet
    instead (``outlets`` maps documents to outlets; without it every document is "unknown"): the mean
    measure over all pairs of their articles (:func:`outlet_similarity`).

    Args:
        similarity: The ``doc_similarity`` table (``overlap.source_overlap(...).similarity``).
        measure: ``"cosine"``, ``"jaccard"`` or ``"containment"`` (directional: the cell in row A, column B is
            the share of A's shingles found in B).
        doc_ids: Documents and their order (default: every document of the table, sorted); pairs not in the
            table (not candidates) are blank.
        labels: Tick label per document id (e.g. ``"000\\nCNN (MT round trip)"``); the id when missing.
        outlets: ``doc_id -> outlet``, for the outlet-level heatmap.
        max_documents: Most documents drawn one by one.
        ax: Axes to draw on (a new figure when ``None``).

    Returns:
        The axes.

    Example:
        >>> import pandas as pd
        >>> sim = pd.DataFrame({"doc_a": ["a"], "doc_b": ["b"], "cosine": [0.5], "jaccard": [0.1],
        ...                     "containment_a_in_b": [0.2], "containment_b_in_a": [0.3]})
        >>> plot_similarity_heatmap(sim).get_title()
        'cosine'
    """
    import matplotlib.pyplot as plt
    import numpy as np

    if measure not in ("cosine", "jaccard", "containment"):
        raise ValueError(f"measure must be 'cosine', 'jaccard' or 'containment', not {measure!r}")
    ids, matrix, sizes, n_docs = _similarity_grid(similarity, measure, doc_ids=doc_ids, outlets=outlets,
                                                  max_documents=max_documents)
    per_outlet = sizes is not None
    names = [_group_label(g, sizes[g]) for g in ids] if sizes is not None else [(labels or {}).get(d, d) for d in ids]
    if ax is None:
        size = min(1.0 + 0.75 * max(len(ids), 2), MAX_FIGURE_HEIGHT)
        _, ax = plt.subplots(figsize=(size + 1.0, size))
    # one article against another spans 0-1; outlet means are small, so their scale ends at the largest mean
    top = max(float(np.nanmax(matrix)), 0.01) if per_outlet and np.isfinite(matrix).any() else 1.0
    image = ax.imshow(matrix, vmin=0.0, vmax=top, cmap="Blues")
    ax.set_xticks(range(len(ids)), names, rotation=90, fontsize=7)
    ax.set_yticks(range(len(ids)), names, fontsize=7)
    ax.grid(False)
    if len(ids) <= 30:
        for i in range(len(ids)):
            for j in range(len(ids)):
                if matrix[i, j] == matrix[i, j]:  # not NaN
                    ax.text(j, i, f"{matrix[i, j]:.{2 if top >= 0.1 else 3}f}", ha="center", va="center", fontsize=7,
                            color="white" if matrix[i, j] > 0.6 * top else "black")
    ax.figure.colorbar(image, ax=ax, shrink=0.8)
    title = {"containment": "containment (row's shingles found in column)"}.get(measure, measure)
    if per_outlet:
        title = f"{title}\nmean over article pairs, per outlet ({n_docs:,} articles)"
    ax.set_title(title)
    return ax


def _similarity_grid(
    similarity: pd.DataFrame,
    measure: str,
    *,
    doc_ids: Sequence[str] | None,
    outlets: dict[str, str] | None,
    max_documents: int,
) -> tuple[list[str], np.ndarray, dict[str, int] | None, int]:
    """The square matrix a similarity figure draws: per document, or per outlet above ``max_documents``.

    Returns ``(ids, matrix, sizes, n_docs)``; ``sizes`` (articles per outlet) is ``None`` at document level.
    """
    n_docs = len(doc_ids) if doc_ids is not None else len(set(similarity["doc_a"]).union(similarity["doc_b"]))
    if outlets is not None:
        n_docs = max(n_docs, len(outlets))
    if shows_outlets(n_docs, max_documents):
        ids, matrix, sizes = outlet_similarity(similarity, outlets if outlets is not None else {}, measure=measure)
        return ids, matrix, sizes, n_docs
    ids, matrix = _pair_matrix(similarity, measure, doc_ids)
    return ids, matrix, None, n_docs


def plot_similarity_dendrogram(
    similarity: pd.DataFrame,
    *,
    measure: str = "cosine",
    labels: dict[str, str] | None = None,
    outlets: Mapping[str, str] | pd.Series | None = None,
    max_documents: int | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Average-linkage dendrogram of the documents on the distance ``1 - measure``.

    Pairs missing from the table (not candidates) are at distance 1. Needs at least two documents.
    Above ``max_documents`` documents (default :data:`MAX_DOCUMENTS_SHOWN`) the leaves are outlets instead,
    at distance ``1 -`` the mean measure between their articles (:func:`outlet_similarity`); then it needs at
    least two outlets.

    Args:
        similarity: The ``doc_similarity`` table.
        measure: ``"cosine"`` or ``"jaccard"``.
        labels: Leaf label per document id.
        outlets: ``doc_id -> outlet``, for the outlet-level dendrogram.
        max_documents: Most documents drawn one by one.
        ax: Axes to draw on (a new figure when ``None``).

    Returns:
        The axes.

    Example:
        >>> import pandas as pd
        >>> sim = pd.DataFrame({"doc_a": ["a"], "doc_b": ["b"], "cosine": [0.5]})
        >>> plot_similarity_dendrogram(sim).get_xlabel()
        '1 - cosine'
    """
    import matplotlib.pyplot as plt
    import numpy as np
    from scipy.cluster.hierarchy import dendrogram, linkage
    from scipy.spatial.distance import squareform

    if measure not in ("cosine", "jaccard"):
        raise ValueError(f"measure must be 'cosine' or 'jaccard', not {measure!r}")
    ids, matrix, sizes, n_docs = _similarity_grid(similarity, measure, doc_ids=None, outlets=outlets,
                                                  max_documents=max_documents)
    per_outlet = sizes is not None
    if len(ids) < 2:
        what = "an outlet dendrogram needs at least two outlets" if per_outlet else "a dendrogram needs at least two documents"
        raise ValueError(f"{what}, not {len(ids)}")
    names = [f"{g} ({sizes[g]:,})" for g in ids] if sizes is not None else [(labels or {}).get(d, d) for d in ids]
    distance = 1.0 - np.nan_to_num(matrix, nan=0.0)
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(np.clip(distance, 0.0, 1.0), checks=False), method="average")
    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, _height(len(ids), 0.35, 1.2)))
    dendrogram(tree, labels=names, orientation="left", ax=ax,
               color_threshold=0, above_threshold_color="#555555", leaf_font_size=8)
    ax.set_xlabel(f"1 - {measure}" + (" (mean over the outlets' article pairs)" if per_outlet else ""))
    ax.set_title(f"Outlets clustered by {measure}, per outlet ({n_docs:,} articles; articles in brackets)"
                 if per_outlet else f"Articles clustered by {measure} (average linkage)")
    ax.grid(False)
    return ax


def plot_alignment(
    alignment: pd.DataFrame,
    units: pd.DataFrame,
    *,
    doc_a: str,
    doc_b: str,
    label_a: str | None = None,
    label_b: str | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Paragraph alignment of one document pair: position in A against position in B.

    Every body paragraph of each document is a tick; each aligned pair a dot, darker for a higher score. A
    story kept in order lies on one rising line; a moved paragraph leaves it, so reordering is visible.

    Args:
        alignment: The ``passage_alignment`` table.
        units: The body paragraphs (``doc_id``, ``para_id``), for the axes' extent.
        doc_a: Document on the x axis.
        doc_b: Document on the y axis.
        label_a: Axis label for A (default: its id).
        label_b: Axis label for B (default: its id).
        ax: Axes to draw on (a new figure when ``None``).

    Returns:
        The axes.

    Example:
        >>> import pandas as pd
        >>> units = pd.DataFrame({"doc_id": ["a", "b"], "para_id": [0, 0], "text": ["x", "x"]})
        >>> aligned = pd.DataFrame({"doc_a": ["a"], "para_a": [0], "doc_b": ["b"], "para_b": [0], "score": [1.0]})
        >>> plot_alignment(aligned, units, doc_a="a", doc_b="b").get_xlabel()
        'a: body paragraph (para_id)'
    """
    import matplotlib.pyplot as plt

    rows = alignment[(alignment["doc_a"] == doc_a) & (alignment["doc_b"] == doc_b)]
    paras_a = sorted(units.loc[units["doc_id"].astype(str) == doc_a, "para_id"].astype(int))
    paras_b = sorted(units.loc[units["doc_id"].astype(str) == doc_b, "para_id"].astype(int))
    if ax is None:
        _, ax = plt.subplots(figsize=(5.2, 5.0))
    span = max(paras_a + paras_b + [1])
    ax.plot([0, span], [0, span], color="#cccccc", lw=0.8, zorder=0)
    ax.scatter(paras_a, [-1.0] * len(paras_a), marker="|", color="#999999", s=30, clip_on=False)
    ax.scatter([-1.0] * len(paras_b), paras_b, marker="_", color="#999999", s=30, clip_on=False)
    points = ax.scatter(rows["para_a"], rows["para_b"], c=rows["score"], cmap="viridis_r", vmin=0.0, vmax=1.0,
                        s=36, edgecolor="black", linewidth=0.4, zorder=3)
    ax.figure.colorbar(points, ax=ax, label="alignment score", shrink=0.8)
    ax.set_xlim(-1.5, span + 1)
    ax.set_ylim(-1.5, span + 1)
    ax.set_xlabel(f"{label_a or doc_a}: body paragraph (para_id)")
    ax.set_ylabel(f"{label_b or doc_b}: body paragraph (para_id)")
    ax.set_title(f"{len(rows)} aligned paragraph pairs", fontsize=10)
    ax.set_aspect("equal")
    return ax


def plot_passage_scores(
    scores: pd.DataFrame,
    *,
    min_passage_score: float,
    min_near_duplicate_score: float,
    calibration: pd.DataFrame | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Where the alignment thresholds sit among the scores: one dot per scored paragraph pair, by label.

    Args:
        scores: ``overlap.pair_scores(...)``: scored paragraph pairs with ``score`` and ``label``.
        min_passage_score: Drawn as a solid line.
        min_near_duplicate_score: Drawn as a dashed line.
        calibration: ``overlap.calibration_results()``; each hand-made pair's ``max_pair_score`` is drawn on
            its own row, marked by whether its expected relation shares text.
        ax: Axes to draw on (a new figure when ``None``).

    Returns:
        The axes.

    Example:
        >>> import pandas as pd
        >>> frame = pd.DataFrame({"score": [0.2, 0.9], "label": ["not_aligned", "aligned"]})
        >>> plot_passage_scores(frame, min_passage_score=0.45, min_near_duplicate_score=0.25).get_xlabel()
        'paragraph-pair score (weighted LCS Dice)'
    """
    import matplotlib.pyplot as plt
    import numpy as np

    order = [lab for lab in ("hand_aligned", "hand_not_aligned", "aligned", "not_aligned") if lab in set(scores["label"])]
    names = {"hand_aligned": "CNN pair: aligned by hand", "hand_not_aligned": "CNN pair: not aligned by hand",
             "aligned": "other pairs: aligned", "not_aligned": "other pairs: not aligned"}
    rows = [names[lab] for lab in order]
    if calibration is not None and len(calibration):
        rows.append("hand-made pairs (best pair)")
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 0.6 * max(len(rows), 1) + 1.4))
    rng = np.random.default_rng(0)
    for y, lab in enumerate(order):
        values = scores.loc[scores["label"] == lab, "score"].to_numpy()
        ax.scatter(values, y + rng.uniform(-0.18, 0.18, len(values)), s=9, alpha=0.6,
                   color=PALETTE[y % len(PALETTE)], rasterized=len(values) > MAX_POINTS_VECTOR)
    if calibration is not None and len(calibration):
        y = len(order)
        sharing = calibration["expected"].isin(["near_duplicate", "shared_passages"])
        for shares, marker, label in ((True, "o", "expected to share text"), (False, "x", "expected not to")):
            part = calibration[sharing == shares]
            ax.scatter(part["max_pair_score"], [y] * len(part), marker=marker, s=40, color="black", label=label)
            for value, names_here in part.groupby("max_pair_score", sort=True)["pair"]:
                ax.annotate("\n".join(names_here), (value, y), xytext=(0, 8 if shares else -8),
                            textcoords="offset points", fontsize=6, ha="center", va="bottom" if shares else "top")
        ax.legend(loc="upper left", fontsize=7)
    ax.axvline(min_passage_score, color="black", lw=1.0)
    ax.axvline(min_near_duplicate_score, color="black", lw=1.0, ls="--")
    ax.set_yticks(range(len(rows)), rows, fontsize=8)
    ax.set_ylim(-0.6, len(rows) + 0.6)
    ax.set_xlim(0, 1.02)
    ax.set_xlabel("paragraph-pair score (weighted LCS Dice)")
    ax.set_title(f"Thresholds: shared passage ≥ {min_passage_score} (solid), "
                 f"inside near duplicates ≥ {min_near_duplicate_score} (dashed)", fontsize=9)
    return ax


def plot_similarity_heatmaps(
    similarity: pd.DataFrame,
    *,
    measures: Sequence[str] = ("cosine", "jaccard", "containment"),
    labels: dict[str, str] | None = None,
    outlets: Mapping[str, str] | pd.Series | None = None,
    max_documents: int | None = None,
) -> Figure:
    """Several :func:`plot_similarity_heatmap` panels side by side, one per measure.

    Above ``max_documents`` documents (default :data:`MAX_DOCUMENTS_SHOWN`) each panel is per outlet
    (see :func:`plot_similarity_heatmap`).

    Args:
        similarity: The ``doc_similarity`` table.
        measures: Measures to draw, one panel each.
        labels: Tick label per document id.
        outlets: ``doc_id -> outlet``, for the outlet-level panels.
        max_documents: Most documents drawn one by one.

    Returns:
        The figure.

    Example:
        >>> import pandas as pd
        >>> sim = pd.DataFrame({"doc_a": ["a"], "doc_b": ["b"], "cosine": [0.5], "jaccard": [0.1],
        ...                     "containment_a_in_b": [0.2], "containment_b_in_a": [0.3]})
        >>> len(plot_similarity_heatmaps(sim).axes)
        6
    """
    import matplotlib.pyplot as plt

    n_docs = len(set(similarity["doc_a"]).union(similarity["doc_b"]))
    if outlets is not None:
        n_docs = max(n_docs, len(outlets))
    n_rows = n_docs
    if shows_outlets(n_docs, max_documents):
        n_rows = outlet_groups(pd.Series(dict(outlets)) if outlets is not None else pd.Series(["unknown"])).nunique()
    size = min(1.6 + 0.7 * max(n_rows, 2), MAX_FIGURE_HEIGHT - 0.8)
    fig, axes = plt.subplots(1, len(measures), figsize=((size + 1.0) * len(measures), size + 0.8), squeeze=False)
    for ax, measure in zip(axes[0], measures):
        plot_similarity_heatmap(similarity, measure=measure, labels=labels, outlets=outlets,
                                max_documents=max_documents, ax=ax)
    return fig
