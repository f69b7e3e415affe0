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
