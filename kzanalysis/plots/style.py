"""The house style: colours, one per outlet, figure files (``save_figure``), and how many rows a figure shows."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Sequence

import pandas as pd

from .. import config

if TYPE_CHECKING:
    from matplotlib.figure import Figure


STYLE_FILE = Path(__file__).parent.parent / "kzanalysis.mplstyle"
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

    Example:
        >>> files = SavedFiles([Path("figures/00-lengths.png"), Path("figures/00-lengths.svg")])
        >>> [f.suffix for f in files]
        ['.png', '.svg']
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
