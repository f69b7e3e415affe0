"""Progress stage helper: a progress bar for long steps in an interactive notebook, silence everywhere else."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import TypeVar

__all__ = ["progress", "progress_enabled", "PROGRESS_ENV"]

T = TypeVar("T")

PROGRESS_ENV = "KZANALYSIS_PROGRESS"
"""Environment variable: ``"0"`` turns every progress bar off (the report runner sets it for HTML reports)."""


def progress_enabled() -> bool:
    """Whether a progress bar would help: running in an interactive IPython kernel and not switched off.

    Returns:
        ``True`` only inside a Jupyter/IPython kernel (not a plain script, not pytest) and when the environment
        variable ``KZANALYSIS_PROGRESS`` is not ``"0"``.

    Example:
        >>> progress_enabled()  # a doctest is not a notebook kernel
        False
    """
    if os.environ.get(PROGRESS_ENV, "").strip() == "0":
        return False
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with Jupyter
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def progress(
    iterable: Iterable[T], *, total: int | None = None, desc: str = "", enabled: bool | None = None
) -> Iterator[T]:
    """Iterate over ``iterable``, showing a progress bar when that helps a reader waiting in a notebook.

    Args:
        iterable: What to iterate over; its items are passed through unchanged.
        total: Number of items, for the bar's length (``len(iterable)`` when it has one).
        desc: Label shown before the bar.
        enabled: ``True``: always show a bar (a widget in Jupyter when ipywidgets is installed, else a text bar);
            ``False``: never; ``None``: only in an interactive IPython kernel and when the environment variable
            ``KZANALYSIS_PROGRESS`` is not ``"0"`` (see :func:`progress_enabled`), so HTML reports and tests stay
            silent.

    Returns:
        An iterator over the same items, in the same order.

    Example:
        >>> list(progress(range(3), desc="chunks", enabled=False))
        [0, 1, 2]
    """
    if enabled is None:
        enabled = progress_enabled()
    if not enabled:
        return iter(iterable)
    return iter(_bar_class()(iterable, total=total, desc=desc or None, leave=False))


def _bar_class() -> type:
    """tqdm's widget bar where ipywidgets is installed, its text bar otherwise (no IProgress warning)."""
    from importlib.util import find_spec

    if find_spec("ipywidgets") is not None:
        from tqdm.auto import tqdm
    else:
        from tqdm.std import tqdm
    return tqdm
