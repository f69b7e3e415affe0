"""Figures of the corpus (notebook 00): document lengths."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from .style import _group_colors, _group_label, _height, outlet_colors, outlet_groups, shows_outlets

if TYPE_CHECKING:
    from matplotlib.axes import Axes


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
