"""Figures stage: the house style, one colour per outlet, ``plot_*`` functions and ``save_figure``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Sequence

import pandas as pd

from . import config

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

STYLE_FILE = Path(__file__).with_name("kzanalysis.mplstyle")
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
"""Okabe & Ito's colour-blind-safe palette, in the order outlets receive it."""
UNKNOWN_COLOR = "#999999"


def use_style() -> None:
    """Apply the shipped matplotlib style (call once at the top of a notebook).

    Example:
        >>> use_style()
    """
    import matplotlib.pyplot as plt

    plt.style.use(STYLE_FILE)


def outlet_colors(outlets: Iterable[str]) -> dict[str, str]:
    """One fixed colour per outlet: outlets sorted by name take the palette in order.

    Outlets beyond the palette's eight cycle through it; ``"unknown"`` is grey.

    Example:
        >>> outlet_colors(["RFI", "CNN", "unknown"])
        {'CNN': '#0072B2', 'RFI': '#E69F00', 'unknown': '#999999'}
    """
    names = sorted({str(o) for o in outlets} - {"unknown"})
    colors = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(names)}
    if "unknown" in {str(o) for o in outlets}:
        colors["unknown"] = UNKNOWN_COLOR
    return colors


def save_figure(
    fig: Figure,
    name: str,
    *,
    out_dir: Path | str | None = None,
    formats: Sequence[str] = ("png", "svg"),
) -> list[Path]:
    """Write a figure as 300 dpi PNG and SVG, byte-identical from run to run.

    Metadata that would change between runs is removed (no creation date, no software
    version) and SVG ids come from a fixed hash salt (set in the shipped style).

    Args:
        fig: The figure.
        name: File stem, e.g. ``"00-document-lengths"``.
        out_dir: The report folder (``None``: ``reports/``); files go to ``<out_dir>/figures/``.
        formats: File formats to write.

    Returns:
        The paths written, one per format.

    Example:
        >>> import matplotlib.pyplot as plt
        >>> fig, ax = plt.subplots()
        >>> [p.suffix for p in save_figure(fig, "example", out_dir="/tmp/kz-example-report")]
        ['.png', '.svg']
    """
    import matplotlib as mpl

    folder = Path(out_dir if out_dir is not None else config.REPORTS_DIR) / "figures"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in formats:
        path = folder / f"{name}.{fmt}"
        metadata = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None},
                    "pdf": {"CreationDate": None, "Producer": None, "Creator": None}}.get(fmt, {})
        with mpl.rc_context({"svg.hashsalt": "kzanalysis"}):
            fig.savefig(path, format=fmt, dpi=300, metadata=metadata)
        written.append(path)
    return written


def plot_document_lengths(lengths: pd.DataFrame, *, label: str = "outlet", ax: Axes | None = None) -> Axes:
    """Horizontal bars: body words per document, with the boilerplate share written beside each bar.

    Args:
        lengths: One row per document with ``doc_id``, ``body_words``, ``boilerplate_share`` and
            the ``label`` column (see ``clean.document_lengths`` joined with the corpus).
        label: Column naming each bar and choosing its colour (one colour per outlet).
        ax: Axes to draw on (a new figure when ``None``).

    Returns:
        The axes.

    Example:
        >>> import pandas as pd
        >>> frame = pd.DataFrame({"doc_id": ["a"], "outlet": ["X"], "body_words": [10], "boilerplate_share": [0.1]})
        >>> plot_document_lengths(frame).get_xlabel()
        'body words'
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, 0.45 * len(lengths) + 1.2))
    data = lengths.sort_values("doc_id", ascending=False)
    colors = outlet_colors(lengths[label])
    names = [f"{d}\n{o}" for d, o in zip(data["doc_id"], data[label])]
    ax.barh(names, data["body_words"], color=[colors[str(o)] for o in data[label]])
    for y, (words, share) in enumerate(zip(data["body_words"], data["boilerplate_share"])):
        ax.annotate(f" boilerplate {share:.0%}", (words, y), va="center", fontsize=8)
    ax.set_xlabel("body words")
    ax.set_xlim(0, max(float(data["body_words"].max()), 1.0) * 1.3)
    ax.set_title("Body length per article, and the share of characters flagged as boilerplate")
    return ax


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
    ax.legend(handles, [h.get_label() for h in handles], loc="lower right", fontsize=8)
    ax.set_title("Choosing the number of topics: agreement across restarts, and coherence")
    return ax


def plot_topic_shares(by_source: pd.DataFrame, labels: pd.DataFrame, *, ax: Axes | None = None) -> Axes:
    """Heatmap of each document's share in each topic, shares written in the cells.

    Args:
        by_source: ``topics.topic_by_source`` output (``doc_id``, ``outlet``, ``topic``, ``share``).
        labels: ``topics.topic_labels`` output (``topic``, ``label``).
        ax: Axes to draw on (a new figure when ``None``).

    Returns:
        The axes.

    Example:
        >>> shares = pd.DataFrame({"doc_id": ["a", "a"], "outlet": ["X", "X"], "topic": [0, 1], "share": [0.25, 0.75]})
        >>> plot_topic_shares(shares, pd.DataFrame({"topic": [0, 1], "label": ["0 fuel", "1 troops"]})).get_title()
        'Share of each article in each topic'
    """
    import matplotlib.pyplot as plt

    grid = by_source.pivot(index=["doc_id", "outlet"], columns="topic", values="share").sort_index()
    names = dict(zip(labels["topic"], labels["label"]))
    if ax is None:
        _, ax = plt.subplots(figsize=(max(5.0, 1.25 * grid.shape[1] + 2.5), 0.5 * grid.shape[0] + 2.2))
    image = ax.imshow(grid.to_numpy(dtype=float), cmap="Blues", vmin=0, vmax=max(float(grid.to_numpy().max()), 0.01),
                      aspect="auto")
    ax.grid(False)
    ax.set_yticks(range(grid.shape[0]), [f"{d}\n{o}" for d, o in grid.index], fontsize=8)
    ax.set_xticks(range(grid.shape[1]), [names.get(t, str(t)).replace(" / ", "\n") for t in grid.columns],
                  fontsize=8)
    threshold = float(grid.to_numpy().max()) * 0.6
    for i, row in enumerate(grid.to_numpy(dtype=float)):
        for j, value in enumerate(row):
            ax.text(j, i, f"{value:.0%}", ha="center", va="center", fontsize=8,
                    color="white" if value > threshold else "black")
    ax.figure.colorbar(image, ax=ax, label="share of the article's paragraph weight", shrink=0.8)
    ax.set_title("Share of each article in each topic")
    return ax


def plot_topic_terms(terms: pd.DataFrame, labels: pd.DataFrame, *, n: int = 8, n_cols: int = 3) -> Figure:
    """Small multiples: the top terms of each topic as horizontal bars of their weights.

    Args:
        terms: ``topics.topic_terms`` output (``topic``, ``rank``, ``term``, ``weight``, and ``surface`` shown
            when present).
        labels: ``topics.topic_labels`` output (``topic``, ``label``).
        n: Terms per topic.
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
    fig, axes = plt.subplots(n_rows, cols, figsize=(2.6 * cols + 0.8, 0.19 * n * n_rows + 0.9 * n_rows + 0.3),
                             squeeze=False)
    names = dict(zip(labels["topic"], labels["label"]))
    colors = topic_colors(topics)
    word = "surface" if "surface" in terms.columns else "term"
    for ax, topic in zip(axes.ravel(), topics):
        top = terms[(terms["topic"] == topic) & (terms["rank"] <= n)].sort_values("rank", ascending=False)
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
                   facecolors=fill if fitted else "none", edgecolors=fill if not fitted else "white")
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
                         ) -> Sequence[Axes]:
    """Two panels: how well each topic's top terms come back across restarts, and the ARI between every pair of runs.

    Args:
        summary: ``topics.topic_summary`` output (``topic``, ``label``, ``term_agreement``).
        agreement: ``topics.run_agreement`` output (``run_a``, ``run_b``, ``ari``).
        axes: Two axes to draw on (a new figure when ``None``).

    Returns:
        The two axes.

    Example:
        >>> summary = pd.DataFrame({"topic": [0], "label": ["0 fuel"], "term_agreement": [0.9]})
        >>> agreement = pd.DataFrame({"run_a": ["a"], "run_b": ["a"], "ari": [1.0]})
        >>> len(plot_topic_stability(summary, agreement))
        2
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
    return axes
