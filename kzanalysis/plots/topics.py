"""Figures of topics (notebook 02): model selection, topic shares and terms, paragraph map, stability."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Sequence

import pandas as pd

from .style import MAX_POINTS_VECTOR, PALETTE, _group_label, _height, outlet_groups, shows_outlets

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


# --------------------------------------------------------------------------------------------------
# topics (notebook 02): plots of kzanalysis.topics results
# --------------------------------------------------------------------------------------------------

TOPIC_PALETTE = ("#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255",
                 "#AA4499", "#661100", "#6699CC", "#888888")
"""Paul Tol's muted qualitative palette for topics (distinct from the outlet colours); cycles beyond twelve."""
_OUTLET_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">")


def topic_colors(topics: Iterable[int]) -> dict[int, str]:
    """One fixed colour per topic number (topic -1, "no topic", is light grey).

    Example:
        >>> topic_colors([1, 0, -1])
        {0: '#332288', 1: '#88CCEE', -1: '#DDDDDD'}
    """
    numbers = sorted({int(t) for t in topics})
    colors = {t: TOPIC_PALETTE[t % len(TOPIC_PALETTE)] for t in numbers if t >= 0}
    if -1 in numbers:
        colors[-1] = "#DDDDDD"
    return colors


def plot_topic_selection(selection: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Stability and coherence against the number of topics, the chosen number marked.

    Args:
        selection: ``topics.select_n_topics`` output (``n_topics``, ``stability``, ``stability_min``,
            ``coherence``, ``chosen``).
        ax: Axes to draw on (a new figure when ``None``); coherence goes on a twin right-hand axis.

    Returns:
        The stability axes.

    Example:
        >>> frame = pd.DataFrame({"n_topics": [2, 3], "stability": [0.5, 0.9], "stability_min": [0.4, 0.8],
        ...                       "coherence": [0.1, 0.2], "chosen": [False, True]})
        >>> plot_topic_selection(frame).get_xlabel()
        'number of topics k'
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, 3.6))
    data = selection.sort_values("n_topics")
    k = data["n_topics"].to_numpy()
    ax.fill_between(k, data["stability_min"], data["stability"], color=PALETTE[0], alpha=0.15, lw=0,
                    label="least agreeing pair of restarts")
    ax.plot(k, data["stability"], "o-", color=PALETTE[0], label="stability: mean ARI between restarts")
    ax.set_ylim(min(0.0, float(data["stability_min"].min())), 1.05)
    ax.set_xlabel("number of topics k")
    ax.set_ylabel("stability (adjusted Rand index)", color=PALETTE[0])
    ax.set_xticks(k)
    twin = ax.twinx()
    twin.plot(k, data["coherence"], "s--", color=PALETTE[1], label="coherence: mean NPMI of top terms")
    twin.set_ylabel("coherence (NPMI)", color=PALETTE[1])
    twin.grid(False)
    twin.spines["right"].set_visible(True)
    chosen = data.loc[data["chosen"], "n_topics"]
    for value in chosen:
        ax.axvline(value, color="#444444", lw=1, ls=":")
        ax.annotate(f" chosen k = {value}", (value, 0.03), ha="left", va="bottom", fontsize=8)
    handles = ax.get_legend_handles_labels()[0] + twin.get_legend_handles_labels()[0]
    ax.legend(handles, [h.get_label() for h in handles], loc="lower left", bbox_to_anchor=(0.0, 0.1), fontsize=8)
    ax.set_title("Choosing the number of topics: agreement across restarts, and coherence")
    return ax


def plot_topic_shares(by_source: pd.DataFrame, labels: pd.DataFrame, *, max_documents: int | None = None,
                      ax: Axes | None = None) -> Axes:
    """Heatmap of each document's share in each topic, shares written in the cells.

    Above ``max_documents`` documents (default :data:`MAX_DOCUMENTS_SHOWN`) one row per outlet instead: the
    mean share of its articles in each topic (each article counts once, whatever its length).

    Args:
        by_source: ``topics.topic_by_source`` output (``doc_id``, ``outlet``, ``topic``, ``share``).
        labels: ``topics.topic_labels`` output (``topic``, ``label``).
        max_documents: Most documents drawn one by one.
        ax: Axes to draw on (a new figure when ``None``).

    Returns:
        The axes.

    Example:
        >>> shares = pd.DataFrame({"doc_id": ["a", "a"], "outlet": ["X", "X"], "topic": [0, 1], "share": [0.25, 0.75]})
        >>> plot_topic_shares(shares, pd.DataFrame({"topic": [0, 1], "label": ["0 fuel", "1 troops"]})).get_title()
        'Share of each article in each topic'
    """
    import matplotlib.pyplot as plt

    n_docs = by_source["doc_id"].nunique()
    by_outlet = shows_outlets(n_docs, max_documents)
    if by_outlet:
        outlets = by_source.drop_duplicates("doc_id").set_index("doc_id")["outlet"]
        groups = outlet_groups(outlets)
        data = by_source.assign(outlet=by_source["doc_id"].map(groups))
        grid = data.groupby(["outlet", "topic"])["share"].mean().unstack("topic").fillna(0.0).sort_index()
        sizes = groups.value_counts()
        row_names = [_group_label(o, int(sizes[o])) for o in grid.index]
    else:
        grid = by_source.pivot(index=["doc_id", "outlet"], columns="topic", values="share").sort_index()
        row_names = [f"{d}\n{o}" for d, o in grid.index]
    names = dict(zip(labels["topic"], labels["label"]))
    if ax is None:
        _, ax = plt.subplots(figsize=(max(5.0, 1.25 * grid.shape[1] + 2.5), _height(grid.shape[0], 0.5, 2.2)))
    image = ax.imshow(grid.to_numpy(dtype=float), cmap="Blues", vmin=0, vmax=max(float(grid.to_numpy().max()), 0.01),
                      aspect="auto")
    ax.grid(False)
    ax.set_yticks(range(grid.shape[0]), row_names, fontsize=8)
    ax.set_xticks(range(grid.shape[1]), [names.get(t, str(t)).replace(" / ", "\n") for t in grid.columns],
                  fontsize=8)
    threshold = float(grid.to_numpy().max()) * 0.6
    for i, row in enumerate(grid.to_numpy(dtype=float)):
        for j, value in enumerate(row):
            ax.text(j, i, f"{value:.0%}", ha="center", va="center", fontsize=8,
                    color="white" if value > threshold else "black")
    if by_outlet:
        ax.figure.colorbar(image, ax=ax, label="mean share of its articles' paragraph weight", shrink=0.8)
        ax.set_title(f"Share of each outlet's articles in each topic, per outlet ({n_docs:,} articles)")
    else:
        ax.figure.colorbar(image, ax=ax, label="share of the article's paragraph weight", shrink=0.8)
        ax.set_title("Share of each article in each topic")
    return ax


def plot_topic_terms(terms: pd.DataFrame, labels: pd.DataFrame, *, n_terms: int = 8, n_cols: int = 3) -> Figure:
    """Small multiples: the top terms of each topic as horizontal bars of their weights.

    Args:
        terms: ``topics.topic_terms`` output (``topic``, ``rank``, ``term``, ``weight``, and ``surface`` shown
            when present).
        labels: ``topics.topic_labels`` output (``topic``, ``label``).
        n_terms: Terms per topic.
        n_cols: Panels per row.

    Returns:
        The figure (one panel per topic).

    Example:
        >>> terms = pd.DataFrame({"topic": [0, 0], "rank": [1, 2], "term": ["fuel", "price"], "weight": [0.5, 0.3]})
        >>> len(plot_topic_terms(terms, pd.DataFrame({"topic": [0], "label": ["0 fuel"]})).axes)
        1
    """
    import matplotlib.pyplot as plt

    topics = sorted(terms["topic"].unique())
    n_rows = max(1, -(-len(topics) // n_cols))
    cols = min(n_cols, max(1, len(topics)))
    fig, axes = plt.subplots(n_rows, cols, figsize=(2.6 * cols + 0.8, 0.19 * n_terms * n_rows + 0.9 * n_rows + 0.3),
                             squeeze=False)
    names = dict(zip(labels["topic"], labels["label"]))
    colors = topic_colors(topics)
    word = "surface" if "surface" in terms.columns else "term"
    for ax, topic in zip(axes.ravel(), topics):
        top = terms[(terms["topic"] == topic) & (terms["rank"] <= n_terms)].sort_values("rank", ascending=False)
        ax.barh(top[word], top["weight"], color=colors[int(topic)])
        ax.set_title(names.get(topic, str(topic)), fontsize=9, loc="left")
        ax.tick_params(axis="x", labelsize=7)
        ax.tick_params(axis="y", labelsize=8)
    for ax in axes.ravel()[len(topics):]:
        ax.set_visible(False)
    fig.supxlabel("term weight in the topic", fontsize=9)
    return fig


def plot_paragraph_map(coords: pd.DataFrame, labels: pd.DataFrame, outlets: pd.Series | dict, *,
                       ax: Axes | None = None) -> Axes:
    """Paragraphs on a 2-D map, coloured by dominant topic and marked by outlet.

    Args:
        coords: ``topics.paragraph_map`` output (``doc_id``, ``para_id``, ``x``, ``y``, ``topic``, ``fitted``);
            projected paragraphs (``fitted`` False: a second version of a story) are drawn hollow.
        labels: ``topics.topic_labels`` output (``topic``, ``label``).
        outlets: ``doc_id -> outlet`` (a dict or a Series indexed by ``doc_id``).
        ax: Axes to draw on (a new figure when ``None``).

    Returns:
        The axes.

    Example:
        >>> coords = pd.DataFrame({"doc_id": ["a"], "para_id": [0], "x": [0.1], "y": [0.2], "topic": [0], "fitted": [True]})
        >>> plot_paragraph_map(coords, pd.DataFrame({"topic": [0], "label": ["0 fuel"]}), {"a": "X"}).get_xlabel()
        'LSA dimension 1'
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, 5.2))
    outlet_of = dict(outlets)
    data = coords.assign(outlet=[str(outlet_of.get(d, "unknown")) for d in coords["doc_id"]])
    names = dict(zip(labels["topic"], labels["label"]))
    colors = topic_colors(data["topic"])
    markers = {o: _OUTLET_MARKERS[i % len(_OUTLET_MARKERS)] for i, o in enumerate(sorted(data["outlet"].unique()))}
    for (outlet, fitted), group in data.groupby(["outlet", "fitted"], sort=True):
        fill = [colors[int(t)] for t in group["topic"]]
        ax.scatter(group["x"], group["y"], marker=markers[outlet], s=34, linewidths=1.0,
                   facecolors=fill if fitted else "none", edgecolors=fill if not fitted else "white",
                   rasterized=len(data) > MAX_POINTS_VECTOR)
    topic_handles = [Line2D([], [], ls="", marker="o", color=colors[t], label=names.get(t, str(t)))
                     for t in sorted(colors)]
    outlet_handles = [Line2D([], [], ls="", marker=m, color="#555555", label=o) for o, m in markers.items()]
    if not data["fitted"].all():
        outlet_handles.append(Line2D([], [], ls="", marker="o", markerfacecolor="none", color="#555555",
                                     label="hollow: second version,\nprojected, not fitted"))
    first = ax.legend(handles=topic_handles, title="dominant topic", loc="upper left", bbox_to_anchor=(1.01, 1.0),
                      fontsize=8, title_fontsize=8)
    ax.add_artist(first)
    ax.legend(handles=outlet_handles, title="outlet", loc="lower left", bbox_to_anchor=(1.01, 0.0), fontsize=8,
              title_fontsize=8)
    ax.set_xlabel("LSA dimension 1")
    ax.set_ylabel("LSA dimension 2")
    ax.grid(True, axis="both")
    ax.set_title("Paragraphs on the first two dimensions of their TF-IDF (truncated SVD)")
    return ax


def plot_topic_stability(summary: pd.DataFrame, agreement: pd.DataFrame, *, axes: Sequence[Axes] | None = None
                         ) -> Figure:
    """Two panels: how well each topic's top terms come back across restarts, and the ARI between every pair of runs.

    Args:
        summary: ``topics.topic_summary`` output (``topic``, ``label``, ``term_agreement``).
        agreement: ``topics.run_agreement`` output (``run_a``, ``run_b``, ``ari``).
        axes: Two axes to draw on (a new figure when ``None``).

    Returns:
        The figure holding the two panels (two axes belong together, as in every ``plot_*`` that draws
        several: one Axes is returned when there is one).

    Example:
        >>> summary = pd.DataFrame({"topic": [0], "label": ["0 fuel"], "term_agreement": [0.9]})
        >>> agreement = pd.DataFrame({"run_a": ["a"], "run_b": ["a"], "ari": [1.0]})
        >>> len(plot_topic_stability(summary, agreement).axes)  # the two panels and the colour bar
        3
    """
    import matplotlib.pyplot as plt

    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(10.0, 4.0), gridspec_kw={"width_ratios": [1, 1.2]})
    bars, matrix_ax = axes
    topics = summary[summary["topic"] >= 0].sort_values("topic", ascending=False)
    colors = topic_colors(topics["topic"])
    bars.barh(topics["label"], topics["term_agreement"], color=[colors[int(t)] for t in topics["topic"]])
    for y, value in enumerate(topics["term_agreement"]):
        bars.annotate(f" {value:.2f}", (0, y), va="center", fontsize=8, color="white" if value > 0.2 else "black")
    bars.set_xlim(0, 1)
    bars.set_xlabel("top-term agreement across restarts (Jaccard)")
    bars.tick_params(axis="y", labelsize=8)
    bars.set_title("Does each topic come back?", fontsize=10)
    runs = list(dict.fromkeys(agreement["run_a"]))
    grid = agreement.pivot(index="run_a", columns="run_b", values="ari").loc[runs, runs].to_numpy(dtype=float)
    image = matrix_ax.imshow(grid, cmap="viridis", vmin=min(0.0, float(grid.min())), vmax=1.0)
    matrix_ax.grid(False)
    matrix_ax.set_xticks(range(len(runs)), runs, rotation=60, ha="right", fontsize=7)
    matrix_ax.set_yticks(range(len(runs)), runs, fontsize=7)
    for i, row in enumerate(grid):
        for j, value in enumerate(row):
            matrix_ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=6,
                           color="black" if value > 0.6 else "white")
    matrix_ax.figure.colorbar(image, ax=matrix_ax, label="ARI of dominant topics", shrink=0.8)
    matrix_ax.set_title("Agreement between runs (restarts and the other method)", fontsize=10)
    return bars.figure
