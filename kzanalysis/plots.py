"""Figures stage: the house style, one colour per outlet, ``plot_*`` functions and ``save_figure``."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
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

MAX_DOCUMENTS_SHOWN = 30
"""Per-document figures draw one row (or cell) per document up to this many documents; above it they draw one
per outlet, aggregating that outlet's documents, and their title says so ("per outlet (1,000 articles)").
Every such ``plot_*`` function takes ``max_documents=`` to change the limit for one figure."""
MAX_GROUPS_SHOWN = 30
"""Outlet-level figures show at most this many outlets (those with the most documents); the others are pooled
into one row named "other outlets (n)"."""
MAX_FIGURE_HEIGHT = 16.0
"""Figures that grow a row per item stop growing at this height in inches (the rows get thinner instead)."""
MAX_POINTS_VECTOR = 2000
"""Scatter plots with more points than this are stored as pixels inside the SVG (text and axes stay vector), so
that the SVG of a map of thousands of paragraphs stays small."""


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


class SavedFiles(list):
    """The paths :func:`save_figure` wrote: a plain list of paths that shows nothing as a notebook cell's value.

    The figure itself is what a reader should see below the cell, not the machine's paths to its files.
    """

    def _ipython_display_(self) -> None:
        return None


_UNSAFE_IN_NAME = re.compile(r"[^\w.-]+")


def figure_file_stem(name: str) -> str:
    """A file stem made safe from a figure name that may hold document ids (``../x``, URLs, spaces).

    Anything but letters, digits, ``_``, ``.`` and ``-`` becomes ``_``, leading dots go, and the
    stem is cut to 120 characters; when that changed the name, a short hash of the original is
    appended, so two different names never share a file.

    Example:
        >>> figure_file_stem("01-alignment-a-b"), figure_file_stem("01-alignment-../x-b")
        ('01-alignment-a-b', '01-alignment-.._x-b-18d21b88')
    """
    import hashlib

    safe = _UNSAFE_IN_NAME.sub("_", name).lstrip("._")[:120] or "figure"
    if safe == name:
        return name
    return f"{safe}-{hashlib.sha256(name.encode('utf-8')).hexdigest()[:8]}"


def save_figure(
    fig: Figure,
    name: str,
    *,
    out_dir: Path | str | None = None,
    formats: Sequence[str] = ("png", "svg"),
) -> SavedFiles:
    """Write a figure as 300 dpi PNG and SVG, byte-identical from run to run.

    Metadata that would change between runs is removed (no creation date, no software
    version) and SVG ids come from a fixed hash salt (set in the shipped style).

    Args:
        fig: The figure.
        name: File stem, e.g. ``"00-document-lengths"``; made safe by :func:`figure_file_stem` when it
            holds characters a file name should not (document ids can be anything).
        out_dir: The report folder (``None``: ``reports/``); files go to ``<out_dir>/figures/``.
        formats: File formats to write.

    Returns:
        The paths written, one per format (a list that a notebook does not print).

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
    stem = figure_file_stem(name)
    for fmt in formats:
        path = folder / f"{stem}.{fmt}"
        metadata = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None},
                    "pdf": {"CreationDate": None, "Producer": None, "Creator": None}}.get(fmt, {})
        with mpl.rc_context({"svg.hashsalt": "kzanalysis"}):
            fig.savefig(path, format=fmt, dpi=300, metadata=metadata, bbox_inches="tight")
        written.append(path)
    return SavedFiles(written)


# --------------------------------------------------------------------------------------------------
# many documents: per-document figures switch to outlet level above MAX_DOCUMENTS_SHOWN
# --------------------------------------------------------------------------------------------------


def shows_outlets(n_documents: int, max_documents: int | None = None) -> bool:
    """Whether a per-document figure of ``n_documents`` documents draws outlets instead of documents.

    Args:
        n_documents: Documents the figure would show.
        max_documents: The limit (``None``: :data:`MAX_DOCUMENTS_SHOWN`).

    Returns:
        True above the limit.

    Example:
        >>> shows_outlets(5), shows_outlets(1000), shows_outlets(5, max_documents=3)
        (False, True, True)
    """
    return n_documents > (MAX_DOCUMENTS_SHOWN if max_documents is None else max_documents)


def outlet_groups(outlets: pd.Series, *, max_groups: int = MAX_GROUPS_SHOWN) -> pd.Series:
    """The row each document takes in an outlet-level figure: its outlet, or "other outlets (n)".

    The ``max_groups`` outlets with the most documents (ties: by name) keep their name; when there are more
    outlets, the rest are pooled into one group so that a figure never has more than ``max_groups + 1`` rows.

    Args:
        outlets: The outlet of each document (one entry per document, any index).
        max_groups: Outlets kept by name.

    Returns:
        A Series aligned with ``outlets`` holding each document's group name.

    Example:
        >>> outlet_groups(pd.Series(["A", "A", "B", "C"]), max_groups=1).tolist()
        ['A', 'A', 'other outlets (2)', 'other outlets (2)']
    """
    names = outlets.astype(str)
    counts = names.value_counts()
    if len(counts) <= max_groups:
        return names
    order = sorted(counts.index, key=lambda o: (-int(counts[o]), o))
    kept = set(order[:max_groups])
    other = f"other outlets ({len(order) - max_groups})"
    return names.where(names.isin(kept), other)


def _group_label(group: str, n_documents: int) -> str:
    return f"{group}\n({n_documents:,} article{'s' if n_documents != 1 else ''})"


def _height(n_rows: int, per_row: float, extra: float) -> float:
    """Figure height for ``n_rows`` rows, capped at :data:`MAX_FIGURE_HEIGHT`."""
    return min(per_row * n_rows + extra, MAX_FIGURE_HEIGHT)


def _group_colors(groups: Iterable[str]) -> dict[str, str]:
    """Outlet colours, with the pooled "other outlets" group in grey."""
    names = [str(g) for g in groups]
    colors = outlet_colors([g for g in names if not g.startswith("other outlets (")])
    colors.update({g: UNKNOWN_COLOR for g in names if g.startswith("other outlets (")})
    return colors


def plot_document_lengths(lengths: pd.DataFrame, *, label: str = "outlet", max_documents: int | None = None,
                          ax: Axes | None = None) -> Axes:
    """Horizontal bars: body words per document, with the boilerplate share written beside each bar.

    Above ``max_documents`` documents (default :data:`MAX_DOCUMENTS_SHOWN`) one box per outlet instead: the
    spread of its articles' body words (box: middle half; whiskers: 5th to 95th percentile; the median marked)
    with the number of articles and their mean boilerplate share beside it.

    Args:
        lengths: One row per document with ``doc_id``, ``body_words``, ``boilerplate_share`` and
            the ``label`` column (see ``clean.document_lengths`` joined with the corpus).
        label: Column naming each bar and choosing its colour (one colour per outlet).
        max_documents: Most documents drawn one by one.
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

    if shows_outlets(len(lengths), max_documents):
        return _plot_lengths_by_outlet(lengths, label=label, ax=ax)
    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, _height(len(lengths), 0.45, 1.2)))
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


def _plot_lengths_by_outlet(lengths: pd.DataFrame, *, label: str, ax: Axes | None) -> Axes:
    import matplotlib.pyplot as plt

    data = lengths.assign(_group=outlet_groups(lengths[label]).to_numpy())
    groups = sorted(data["_group"].unique(), reverse=True)
    if ax is None:
        _, ax = plt.subplots(figsize=(7.0, _height(len(groups), 0.45, 1.4)))
    colors = _group_colors(groups)
    values = [data.loc[data["_group"] == g, "body_words"].to_numpy(dtype=float) for g in groups]
    boxes = ax.boxplot(values, orientation="horizontal", whis=(5, 95), showfliers=False, patch_artist=True, widths=0.6,
                       medianprops={"color": "black"})
    for patch, group in zip(boxes["boxes"], groups):
        patch.set_facecolor(colors[group])
        patch.set_alpha(0.8)
    counts = data.groupby("_group").size()
    shares = data.groupby("_group")["boilerplate_share"].mean()
    ax.set_yticks(range(1, len(groups) + 1), [_group_label(g, int(counts[g])) for g in groups], fontsize=8)
    highs = [float(pd.Series(v).quantile(0.95)) if len(v) else 0.0 for v in values]
    for y, (group, high) in enumerate(zip(groups, highs), start=1):
        ax.annotate(f" boilerplate {shares[group]:.0%} (mean)", (high, y), va="center", fontsize=8)
    ax.set_xlabel("body words (box: middle half of the articles; whiskers: 5th-95th percentile)")
    ax.set_xlim(0, max(max(highs, default=1.0), 1.0) * 1.6)
    ax.set_title(f"Body length per outlet ({len(data):,} articles), and the mean share flagged as boilerplate")
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
    for row in similarity.itertuples(index=False):
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


# --------------------------------------------------------------------------------------------------
# framing (notebook 03): plots of kzanalysis.framing results
# --------------------------------------------------------------------------------------------------


def plot_family_voice(contrast: pd.DataFrame, *, by: str = "outlet", max_groups: int = MAX_GROUPS_SHOWN,
                      ax: Axes | None = None) -> Axes:
    """Paired bars per group: each family's occurrences in the outlet's own voice (solid) and in quotes (hatched).

    At most ``max_groups`` groups are drawn (those with the most occurrences); the others are summed into one
    "other (n)" group, so a table by document (``by="doc_id"``) of thousands of rows still gives a readable figure.

    Args:
        contrast: From ``framing.family_contrast`` (one row per ``by`` and ``family``, with ``narrative``
            and ``in_quotes``).
        by: The grouping column (one colour per value).
        max_groups: Most groups drawn by name.
        ax: Axes to draw on (a new figure when ``None``).

    Returns:
        The axes.

    Example:
        >>> import pandas as pd
        >>> c = pd.DataFrame({"outlet": ["X", "X"], "family": ["protest", "terror"], "narrative": [3, 0],
        ...                   "in_quotes": [0, 2]})
        >>> plot_family_voice(c).get_xlabel()
        'occurrences in body text'
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator

    data = contrast
    if data[by].nunique() > max_groups:
        totals = (data["narrative"] + data["in_quotes"]).groupby(data[by].astype(str)).sum()
        kept = set(sorted(totals.index, key=lambda g: (-int(totals[g]), g))[:max_groups])
        other = f"other ({len(totals) - max_groups})"
        data = (data.assign(**{by: data[by].astype(str).where(data[by].astype(str).isin(kept), other)})
                .groupby([by, "family"], as_index=False)[["narrative", "in_quotes"]].sum())
    data = data.sort_values([by, "family"], ascending=[False, False]).reset_index(drop=True)
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, _height(len(data), 0.42, 1.5)))
    colors = outlet_colors(data[by].astype(str)) if by == "outlet" else {
        str(v): PALETTE[i % len(PALETTE)] for i, v in enumerate(sorted(data[by].astype(str).unique()))}
    labels = [f"{g} · {f}" for g, f in zip(data[by], data["family"])]
    color = [colors[str(g)] for g in data[by]]
    ax.barh(labels, data["narrative"], color=color, edgecolor=color)
    ax.barh(labels, data["in_quotes"], left=data["narrative"], color="white", edgecolor=color, hatch="////")
    for y, (n, q) in enumerate(zip(data["narrative"], data["in_quotes"])):
        ax.annotate(f" {n} own voice, {q} quoted", (n + q, y), va="center", fontsize=7)
    ax.set_xlabel("occurrences in body text")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    longest = float((data["narrative"] + data["in_quotes"]).max()) if len(data) else 0.0
    ax.set_xlim(0, max(longest, 1.0) * 1.6)
    ax.legend(handles=[Patch(facecolor="grey", edgecolor="grey", label="outlet's own voice"),
                       Patch(facecolor="white", edgecolor="grey", hatch="////", label="inside quotation marks")],
              loc="lower right", fontsize=8)
    ax.set_title("Who says it: family counts split into narrative and quoted speech", fontsize=10)
    return ax


def plot_frame_rates(table: pd.DataFrame, *, families: Sequence[str] = ("terror", "protest"),
                     label: str = "outlet", max_documents: int | None = None, ax: Axes | None = None) -> Axes:
    """Rate per 1,000 body tokens of each family in each document, with its bootstrap interval.

    Above ``max_documents`` documents (default :data:`MAX_DOCUMENTS_SHOWN`) one row per outlet (the ``label``
    column) and family instead: a dot at the outlet's pooled rate (its occurrences over its body tokens) and a
    bar over the middle half (25th to 75th percentile) of its articles' own rates, the spread between articles.

    Args:
        table: From ``framing.frame_terms`` (``doc_id``, ``family``, ``rate_per_1k``, ``rate_low``,
            ``rate_high``, ``count``, ``n_tokens``, ``confidence`` and the ``label`` column).
        families: Families to show, one row block each.
        label: Column naming and colouring each document.
        max_documents: Most documents drawn one by one.
        ax: Axes to draw on (a new figure when ``None``).

    Returns:
        The axes.

    Example:
        >>> import pandas as pd
        >>> t = pd.DataFrame({"doc_id": ["a"], "outlet": ["X"], "family": ["terror"], "count": [1],
        ...                   "rate_per_1k": [2.0], "rate_low": [0.0], "rate_high": [5.0], "confidence": [0.95]})
        >>> plot_frame_rates(t, families=["terror"]).get_xlabel()
        'occurrences per 1,000 body tokens (95% bootstrap interval over sentences)'
    """
    import matplotlib.pyplot as plt

    data = table[table["family"].isin(families) & table["rate_per_1k"].notna()]
    docs = sorted(data["doc_id"].unique())
    if shows_outlets(len(docs), max_documents):
        return _plot_frame_rates_by_outlet(data, families=families, label=label, ax=ax)
    n_rows = len(families) * (len(docs) + 1)
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, _height(n_rows, 0.3, 1.3)))
    colors = outlet_colors(data[label].astype(str))
    ticks, names, y = [], [], 0
    for family in families:
        part = data[data["family"] == family].set_index("doc_id")
        for doc in docs:
            if doc not in part.index:
                continue
            row = part.loc[doc]
            color = colors[str(row[label])]
            ax.errorbar(row["rate_per_1k"], y, xerr=[[row["rate_per_1k"] - row["rate_low"]],
                                                     [row["rate_high"] - row["rate_per_1k"]]],
                        fmt="o", color=color, ecolor=color, capsize=3, ms=5)
            ax.annotate(f" n={int(row['count'])}", (row["rate_high"], y), va="center", fontsize=7)
            ticks.append(y)
            names.append(f"{family} · {doc[:3]} {row[label]}")
            y += 1
        y += 1
    ax.set_yticks(ticks, names, fontsize=8)
    ax.invert_yaxis()
    level = float(data["confidence"].iloc[0]) if len(data) else 0.95
    ax.set_xlabel(f"occurrences per 1,000 body tokens ({level:.0%} bootstrap interval over sentences)")
    ax.set_xlim(left=0)
    ax.set_title("Rates with intervals: small counts per article leave wide, overlapping intervals", fontsize=10)
    return ax


def _plot_frame_rates_by_outlet(data: pd.DataFrame, *, families: Sequence[str], label: str,
                                ax: Axes | None) -> Axes:
    import matplotlib.pyplot as plt

    outlets = data.drop_duplicates("doc_id").set_index("doc_id")[label]
    groups = outlet_groups(outlets)
    data = data.assign(_group=data["doc_id"].map(groups))
    names_sorted = sorted(groups.unique())
    sizes = groups.value_counts()
    n_rows = len(families) * (len(names_sorted) + 1)
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, _height(n_rows, 0.3, 1.3)))
    colors = _group_colors(names_sorted)
    ticks, names, y = [], [], 0
    for family in families:
        part = data[data["family"] == family]
        for group in names_sorted:
            mine = part[part["_group"] == group]
            if mine.empty:
                continue
            count = int(mine["count"].sum())
            if "n_tokens" in mine.columns and mine["n_tokens"].sum() > 0:
                pooled = 1000.0 * count / float(mine["n_tokens"].sum())
            else:
                pooled = float(mine["rate_per_1k"].mean())
            low, high = (float(q) for q in mine["rate_per_1k"].quantile([0.25, 0.75]))
            color = colors[group]
            ax.plot([low, high], [y, y], "-", color=color, lw=5, alpha=0.35, solid_capstyle="butt")
            ax.plot([pooled], [y], "o", color=color, ms=5)
            ax.annotate(f" n={count:,}", (max(high, pooled), y), va="center", fontsize=7)
            ticks.append(y)
            names.append(f"{family} · {group} ({int(sizes[group]):,})")
            y += 1
        y += 1
    ax.set_yticks(ticks, names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("occurrences per 1,000 body tokens (dot: the outlet's pooled rate; "
                  "bar: middle half of its articles' rates)")
    ax.set_xlim(left=0)
    ax.set_title(f"Rates per outlet ({len(groups):,} articles; articles per outlet in brackets)", fontsize=10)
    return ax


def plot_keyness(keyness: pd.DataFrame, *, n_terms: int = 8, n_cols: int = 3) -> Figure:
    """Small multiples: each group's most distinctive terms by Fightin' Words z-score.

    Args:
        keyness: From ``framing.keyness`` (``group``, ``term``, ``count_group``, ``z``).
        n_terms: Terms per group (the highest z).
        n_cols: Panels per row.

    Returns:
        The figure (one panel per group).

    Example:
        >>> import pandas as pd
        >>> k = pd.DataFrame({"group": ["A", "B"], "term": ["x", "y"], "count_group": [3, 2], "z": [2.0, 1.0]})
        >>> len(plot_keyness(k).axes)
        2
    """
    import matplotlib.pyplot as plt

    groups = sorted(keyness["group"].astype(str).unique())
    n_cols = max(1, min(n_cols, len(groups)))
    n_rows = -(-len(groups) // n_cols)
    fig, axes = plt.subplots(n_rows, n_cols, figsize=(3.3 * n_cols, 0.28 * n_terms * n_rows + 1.2 * n_rows),
                             squeeze=False)
    colors = outlet_colors(groups)
    for ax, group in zip(axes.ravel(), groups):
        top = keyness[keyness["group"].astype(str) == group].nlargest(n_terms, "z").iloc[::-1]
        ax.barh([f"{t} ({c})" for t, c in zip(top["term"], top["count_group"])], top["z"], color=colors[group])
        ax.axvline(1.96, color="black", lw=0.8, ls="--")
        ax.set_title(group, fontsize=9)
        ax.tick_params(axis="y", labelsize=7)
        ax.set_xlabel("z (log-odds, informative prior)", fontsize=7)
    for ax in axes.ravel()[len(groups):]:
        ax.set_visible(False)
    fig.suptitle("Most distinctive words of each group against the rest (count in brackets; dashed: z = 1.96)",
                 fontsize=10)
    return fig


# --------------------------------------------------------------------------------------------------
# claims (notebook 05): plots of kzanalysis.claims results
# --------------------------------------------------------------------------------------------------

SOURCE_TYPE_COLORS = {"official": "#332288", "state_media": "#CC6677", "foreign_government": "#DDCC77",
                      "media": "#88CCEE", "independent": "#117733", "expert": "#AA4499", "unclassified": "#BBBBBB"}
"""One colour per source type (Paul Tol's muted palette); types a researcher adds are grey."""


def plot_claims(comparison: pd.DataFrame, *, kinds: Sequence[str] = ("killed", "injured", "detained"),
                max_documents: int | None = None, axes: Sequence[Axes] | None = None) -> Figure:
    """Side by side: every casualty or detention figure each document reports, one panel per kind, log scale.

    An exact figure is a dot; a vague word ("dozens", "thousands") is a bar over its conventional range
    (``claims.VAGUE_RANGES``, a reading aid, not a measurement). Each mark is labelled with the figure,
    who it counts and on whose authority. Colour is the outlet.

    Above ``max_documents`` documents with a figure (default :data:`MAX_DOCUMENTS_SHOWN`) one row per outlet
    instead: each distinct figure (range) it reports is one mark, its size growing with the number of the
    outlet's articles that report it, and the three most reported are labelled with that number.

    Args:
        comparison: ``claims.compare_claims`` output (``unit_kind``, ``who``, ``figure``, ``low``, ``high``,
            ``doc_id``, ``outlet``, ``attributed_to``).
        kinds: The panels, top to bottom.
        max_documents: Most documents drawn one by one.
        axes: One axes per kind (a new figure when ``None``).

    Returns:
        The figure.

    Example:
        >>> frame = pd.DataFrame({"unit_kind": ["killed"], "who": ["people"], "figure": ["164"], "low": [164.0],
        ...                       "high": [164.0], "doc_id": ["a"], "outlet": ["X"], "attributed_to": ["media"]})
        >>> len(plot_claims(frame).axes)
        3
    """
    import matplotlib.pyplot as plt

    docs = sorted(comparison["doc_id"].unique(), reverse=True)
    if shows_outlets(len(docs), max_documents):
        return _plot_claims_by_outlet(comparison, kinds=kinds, axes=axes)
    outlet_of = dict(zip(comparison["doc_id"], comparison["outlet"]))
    colors = outlet_colors(comparison["outlet"])
    heights = [max(1, int((comparison["unit_kind"] == k).groupby(comparison["doc_id"]).sum().max() or 1))
               for k in kinds]
    if axes is None:
        height = min(0.55 * sum(max(h, 1) * len(docs) for h in heights) ** 0.5 * 3.2 + 1.0, MAX_FIGURE_HEIGHT)
        fig, axes = plt.subplots(len(kinds), 1, figsize=(10.0, height), sharex=True, squeeze=False)
        axes = list(axes.ravel())
    fig = axes[0].figure
    finite = comparison[["low", "high"]].to_numpy(dtype=float)
    top = float(finite.max()) if finite.size else 10.0
    for ax, kind in zip(axes, kinds):
        rows = comparison[comparison["unit_kind"] == kind]
        labels = []
        y = 0
        ticks = []
        for doc_id in docs:
            mine = rows[rows["doc_id"] == doc_id].sort_values("high", kind="stable")
            if mine.empty:
                continue
            start = y
            for claim in mine.itertuples(index=False):
                color = colors[str(claim.outlet)]
                if claim.low == claim.high:
                    ax.plot([claim.low], [y], "o", color=color, ms=6)
                else:
                    ax.plot([claim.low, claim.high], [y, y], "-", color=color, lw=6, alpha=0.45,
                            solid_capstyle="butt")
                who = f" {claim.who}" if claim.who else ""
                ax.annotate(f"  {claim.figure}{who} · {claim.attributed_to}", (claim.high, y), va="center",
                            fontsize=7)
                y += 1
            ticks.append((start + y - 1) / 2)
            labels.append(f"{doc_id[:12]}\n{outlet_of[doc_id]}")
            ax.axhline(y - 0.5, color="#DDDDDD", lw=0.6)
        ax.set_yticks(ticks, labels, fontsize=7)
        ax.set_ylim(y - 0.5 if y else 0.5, -0.5)
        ax.set_xscale("log")
        ax.set_xlim(1, top * 60)
        ax.set_title(f"{kind}" + ("" if y else ": no figure reported"), loc="left", fontsize=9)
        ax.grid(True, axis="x", which="major")
    axes[-1].set_xlabel("number reported (log scale; bars: conventional range of a vague word such as 'dozens')")
    fig.suptitle("Casualty and detention figures by article: how many, of whom, on whose authority", fontsize=10)
    return fig


def _plot_claims_by_outlet(comparison: pd.DataFrame, *, kinds: Sequence[str], axes: Sequence[Axes] | None
                           ) -> Figure:
    import matplotlib.pyplot as plt

    outlets = comparison.drop_duplicates("doc_id").set_index("doc_id")["outlet"]
    groups = outlet_groups(outlets)
    data = comparison.assign(_group=comparison["doc_id"].map(groups))
    names = sorted(groups.unique())
    sizes = groups.value_counts()
    colors = _group_colors(names)
    if axes is None:
        fig, axes = plt.subplots(len(kinds), 1, figsize=(10.0, _height(len(kinds) * (len(names) + 1), 0.32, 1.6)),
                                 sharex=True, squeeze=False)
        axes = list(axes.ravel())
    fig = axes[0].figure
    finite = comparison[["low", "high"]].to_numpy(dtype=float)
    top = float(finite.max()) if finite.size else 10.0
    for ax, kind in zip(axes, kinds):
        rows = data[data["unit_kind"] == kind]
        marks = (rows.groupby(["_group", "low", "high"])
                 .agg(n_articles=("doc_id", "nunique"), figure=("figure", lambda f: f.value_counts().index[0]))
                 .reset_index())
        for y, group in enumerate(names):
            mine = marks[marks["_group"] == group]
            color = colors[group]
            exact = mine[mine["low"] == mine["high"]]
            reach = (exact["n_articles"] / max(int(sizes[group]), 1)) ** 0.5  # area: root of the share reporting it
            ax.scatter(exact["low"], [y] * len(exact), s=10 + 150 * reach, color=color, alpha=0.7,
                       edgecolor="white", linewidth=0.4)
            for claim in mine[mine["low"] != mine["high"]].itertuples(index=False):
                ax.plot([claim.low, claim.high], [y, y], "-", color=color, lw=6, alpha=0.3, solid_capstyle="butt")
            top_marks = mine.sort_values(["n_articles", "high"], ascending=[False, True], kind="stable").head(3)
            for rank, claim in enumerate(top_marks.sort_values("high").itertuples(index=False)):
                ax.annotate(f"{claim.figure} ×{claim.n_articles}", (claim.high, y),
                            xytext=(3, 5 if rank % 2 == 0 else -11), textcoords="offset points", fontsize=6)
        ax.set_yticks(range(len(names)), [f"{g} ({int(sizes[g]):,})" for g in names], fontsize=7)
        ax.set_ylim(len(names) - 0.5, -0.7)
        ax.set_xscale("log")
        ax.set_xlim(1, top * 60)
        ax.set_title(f"{kind}" + ("" if len(rows) else ": no figure reported"), loc="left", fontsize=9)
        ax.grid(True, axis="x", which="major")
    axes[-1].set_xlabel("number reported (log scale; mark size: share of the outlet's articles reporting it; "
                        "bars: range of a vague word)")
    fig.suptitle(f"Casualty and detention figures per outlet ({len(groups):,} articles with a figure; articles per "
                 "outlet in brackets; most reported figures labelled ×articles)", fontsize=10)
    return fig


def plot_source_profile(by_outlet: pd.DataFrame, *, max_documents: int | None = None,
                        ax: Axes | None = None) -> Axes:
    """Stacked bars: each document's citations by source type, with the number of citations at the end.

    Above ``max_documents`` documents (default :data:`MAX_DOCUMENTS_SHOWN`) one bar per outlet instead: all
    its articles' citations pooled (an article with many citations weighs more).

    Args:
        by_outlet: ``claims.sources_by_outlet`` output (``doc_id``, ``outlet``, ``source_type``, ``n_citations``,
            ``share``).
        max_documents: Most documents drawn one by one.
        ax: Axes to draw on (a new figure when ``None``).

    Returns:
        The axes.

    Example:
        >>> frame = pd.DataFrame({"doc_id": ["a", "a"], "outlet": ["X", "X"], "source_type": ["official", "media"],
        ...                       "n_citations": [3, 1], "share": [0.75, 0.25]})
        >>> plot_source_profile(frame).get_xlabel()
        'share of the article’s citations'
    """
    import matplotlib.pyplot as plt

    docs = sorted(by_outlet["doc_id"].unique(), reverse=True)
    n_docs = len(docs)
    types = list(dict.fromkeys(by_outlet["source_type"]))
    per_outlet = shows_outlets(n_docs, max_documents)
    if per_outlet:
        groups = outlet_groups(by_outlet.drop_duplicates("doc_id").set_index("doc_id")["outlet"])
        counts = (by_outlet.assign(doc_id=by_outlet["doc_id"].map(groups))
                  .groupby(["doc_id", "source_type"])["n_citations"].sum().unstack("source_type"))
        docs = sorted(counts.index, reverse=True)
        grid = counts.div(counts.sum(axis=1).where(lambda t: t > 0), axis=0).reindex(index=docs, columns=types)
        totals = counts.sum(axis=1)
        sizes = groups.value_counts()
        names = [_group_label(g, int(sizes[g])) for g in docs]
    else:
        grid = by_outlet.pivot(index="doc_id", columns="source_type", values="share").reindex(index=docs,
                                                                                                columns=types)
        totals = by_outlet.groupby("doc_id")["n_citations"].sum()
        outlet_of = dict(zip(by_outlet["doc_id"], by_outlet["outlet"]))
        names = [f"{d[:12]}\n{outlet_of[d]}" for d in docs]
    if ax is None:
        _, ax = plt.subplots(figsize=(8.0, _height(len(docs), 0.5, 1.6)))
    left = [0.0] * len(docs)
    for kind in types:
        values = grid[kind].fillna(0.0).tolist()
        ax.barh(names, values, left=left, color=SOURCE_TYPE_COLORS.get(kind, "#999999"), label=kind.replace("_", " "))
        left = [a + b for a, b in zip(left, values)]
    for i, doc_id in enumerate(docs):
        ax.annotate(f" {int(totals[doc_id]):,} citations", (max(left[i], 0.0), i), va="center", fontsize=8)
    ax.set_xlim(0, 1.25)
    ax.set_xlabel("share of the outlet’s citations" if per_outlet else "share of the article’s citations")
    ax.tick_params(axis="y", labelsize=8)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, title="source type", title_fontsize=8)
    ax.set_title(f"Who gets to speak: cited sources by type, per outlet ({n_docs:,} articles)" if per_outlet
                 else "Who gets to speak: each article's cited sources by type")
    return ax


# --------------------------------------------------------------------------------------------------
# publication figures (notebook 04): rebuilt from the tables notebooks 00-03 wrote
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportedFigure:
    """A publication figure: its files and caption, or why it could not be drawn."""

    name: str
    caption: str
    source_notebook: str
    files: tuple[Path, ...] = ()
    problem: str = ""

    def _repr_html_(self) -> str:
        import base64
        import html

        if self.problem:
            return f"<p><strong>{html.escape(self.name)}</strong>: not drawn: {html.escape(self.problem)}</p>"
        png = next(p for p in self.files if p.suffix == ".png")
        data = base64.b64encode(png.read_bytes()).decode("ascii")
        return (f'<figure><img src="data:image/png;base64,{data}" style="max-width:100%" '
                f'alt="{html.escape(self.caption)}"><figcaption><strong>{html.escape(png.name)}</strong> '
                f"({html.escape(self.source_notebook)}): {html.escape(self.caption)}</figcaption></figure>")


def _outlet_labels(corpus: pd.DataFrame) -> dict[str, str]:
    return {d: f"{d[:12]}\n{o}" for d, o in zip(corpus["doc_id"], corpus["outlet"])}


def _figure_corpus(tables: dict[str, pd.DataFrame]) -> tuple[Figure, str]:
    corpus = tables["corpus"]
    ax = plot_document_lengths(corpus[["doc_id", "outlet", "body_words", "boilerplate_share"]])
    if shows_outlets(len(corpus)):
        return ax.figure, (f"Body length in words of the {len(corpus):,} articles per outlet (box: middle half; "
                           "whiskers: 5th to 95th percentile), with the mean share of the raw texts' characters "
                           "that the boilerplate rules flagged.")
    return ax.figure, (f"Body length in words of each of the {len(corpus)} articles, coloured by outlet, with the "
                       "share of each raw text's characters that the boilerplate rules flagged.")


def _figure_similarity(tables: dict[str, pd.DataFrame]) -> tuple[Figure, str]:
    similarity, corpus = tables["doc_similarity"], tables["corpus"]
    if similarity.empty:
        raise ValueError("the corpus has fewer than two documents, so there is no pair to compare")
    fig = plot_similarity_heatmaps(similarity, measures=("cosine", "containment"), labels=_outlet_labels(corpus),
                                   outlets=dict(zip(corpus["doc_id"].astype(str), corpus["outlet"])))
    if shows_outlets(len(corpus)):
        return fig, (f"Similarity of the {len(corpus):,} articles' body text per outlet: mean TF-IDF cosine of stems "
                     "(left) and mean directional containment (right) over every pair of articles of the row and "
                     "column outlets (pairs not compared count as 0).")
    return fig, ("Pairwise similarity of the articles' body text: TF-IDF cosine of stems (left) and directional "
                 "containment, the share of the row article's shingles of three content stems found in the column article (right).")


def _figure_topics(tables: dict[str, pd.DataFrame]) -> tuple[Figure, str]:
    by_source, summary = tables["topic_by_source"], tables["topic_summary"]
    if by_source.empty:
        raise ValueError("topic clustering was skipped for this corpus (too few paragraphs); see notebook 02")
    ax = plot_topic_shares(by_source, summary[["topic", "label"]])
    if shows_outlets(by_source["doc_id"].nunique()):
        return ax.figure, (f"Mean share of each outlet's articles' paragraph weight in each of the "
                           f"{summary['topic'].nunique()} NMF topics ({by_source['doc_id'].nunique():,} articles); "
                           "topic labels are the topics' most distinctive words.")
    return ax.figure, (f"Share of each article's paragraph weight in each of the {summary['topic'].nunique()} NMF "
                       "topics; topic labels are the topics' most distinctive words.")


def _figure_frame_rates(tables: dict[str, pd.DataFrame]) -> tuple[Figure, str]:
    frames = tables["frame_terms"]
    confidence = float(frames["confidence"].iloc[0]) if "confidence" in frames.columns and len(frames) else 0.95
    ax = plot_frame_rates(frames, families=("terror", "protest"))
    if shows_outlets(frames["doc_id"].nunique()):
        return ax.figure, (f"Uses of the 'terror' and 'protest' term families per 1,000 body tokens, per outlet "
                           f"({frames['doc_id'].nunique():,} articles): the outlet's pooled rate (dot) and the middle "
                           "half of its articles' rates (bar).")
    return ax.figure, ("Uses of the 'terror' and 'protest' term families per 1,000 body tokens in each article, "
                       f"with {confidence:.0%} bootstrap intervals over sentences.")


def _figure_voice(tables: dict[str, pd.DataFrame]) -> tuple[Figure, str]:
    from .framing import family_contrast

    ax = plot_family_voice(family_contrast(tables["frame_terms"], families=("terror", "protest"), by="outlet"))
    return ax.figure, ("Occurrences of the 'terror' and 'protest' families per outlet, in the outlet's own voice "
                       "(solid) and inside quoted speech (hatched).")


def _figure_keyness(tables: dict[str, pd.DataFrame]) -> tuple[Figure, str]:
    keyness = tables["keyness"]
    if keyness.empty:
        raise ValueError("keyness needs at least two outlets; this corpus has one")
    return plot_keyness(keyness), ("Each outlet's most distinctive words against all other outlets: log-odds ratio "
                                   "with an informative Dirichlet prior, as z-scores (Monroe, Colaresi & Quinn 2008).")


PUBLICATION_FIGURES: dict[str, tuple[str, tuple[str, ...], Callable[[dict[str, pd.DataFrame]], tuple[Figure, str]]]] = {
    "corpus": ("00-corpus-overview", ("corpus",), _figure_corpus),
    "similarity": ("01-source-overlap", ("doc_similarity", "corpus"), _figure_similarity),
    "topics": ("02-topic-clustering", ("topic_by_source", "topic_summary"), _figure_topics),
    "frame-rates": ("03-framing-terms", ("frame_terms",), _figure_frame_rates),
    "voice": ("03-framing-terms", ("frame_terms",), _figure_voice),
    "keyness": ("03-framing-terms", ("keyness",), _figure_keyness),
}
"""Publication figure name -> (notebook whose tables it draws, tables it reads, drawing function)."""


def publication_figure(name: str, *, out_dir: Path | str | None = None) -> ExportedFigure:
    """Rebuild one publication figure from the tables in ``<out_dir>/tables`` and export it.

    Reads only tables (so notebook 04 can be rerun alone), draws with the house style, and writes
    ``<out_dir>/figures/04-<name>.png`` (300 dpi) and ``.svg`` through :func:`save_figure`.

    Args:
        name: One of :data:`PUBLICATION_FIGURES`.
        out_dir: The report folder holding ``tables/`` (``None``: ``reports/``).

    Returns:
        The :class:`ExportedFigure` (shown in a notebook as the image with its caption), or one whose
        ``problem`` says why the figure cannot be drawn for this corpus (a table is missing or empty).

    Example:
        >>> # publication_figure("similarity", out_dir="reports").caption
    """
    import matplotlib.pyplot as plt

    from .report import read_table

    source, table_names, draw = PUBLICATION_FIGURES[name]
    with plt.style.context(STYLE_FILE):
        try:
            tables = {table: read_table(table, out_dir=out_dir) for table in table_names}
            fig, caption = draw(tables)
        except (FileNotFoundError, ValueError) as err:
            return ExportedFigure(name=name, caption="", source_notebook=source, problem=str(err))
        files = tuple(save_figure(fig, f"04-{name}", out_dir=out_dir))
    plt.close(fig)
    return ExportedFigure(name=name, caption=caption, source_notebook=source, files=files)


def figure_catalog(exported: Sequence[ExportedFigure]) -> pd.DataFrame:
    """The ``figures`` table: one row per exported file.

    Returns:
        Columns ``file`` (path relative to the report folder, e.g. ``figures/04-corpus.png``),
        ``caption``, ``source_notebook``; figures that could not be drawn have no rows.

    Example:
        >>> figure_catalog([]).columns.tolist()
        ['file', 'caption', 'source_notebook']
    """
    rows = [{"file": f"figures/{path.name}", "caption": figure.caption, "source_notebook": figure.source_notebook}
            for figure in exported for path in figure.files]
    return pd.DataFrame(rows, columns=["file", "caption", "source_notebook"])
