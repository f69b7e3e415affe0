"""Figures of framing (notebook 03): frame families by voice, frame rates, keyness."""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import pandas as pd

from .style import MAX_GROUPS_SHOWN, PALETTE, _group_colors, _height, outlet_colors, outlet_groups, shows_outlets

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


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
