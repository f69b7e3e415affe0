"""Figures of claims and sources (notebook 05): casualty figures by outlet, sourcing profiles."""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import pandas as pd

from .style import MAX_FIGURE_HEIGHT, _group_colors, _group_label, _height, outlet_colors, outlet_groups, shows_outlets

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


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
