"""Parallelism, once: cut a table or a list into chunks and run a function on each, in worker processes when asked.

Every stage that spreads work over cores (TF-IDF tokenising, shingling and MinHash) goes through :func:`run_chunks`
with scikit-learn's meaning of ``n_jobs``: a positive number of processes, or ``None`` for all cores. Workers are
forked where the system can (no import, no ``if __name__ == "__main__"`` guard needed; they read their slice of the
input from memory shared with the parent, so it is neither copied nor pickled) and spawned elsewhere (slices are
then sent). Results come back in chunk order, so the output never depends on the number of processes.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

MAX_WORKERS = 64
"""At most this many processes, however many cores the machine reports."""

_FORKED_SOURCE: object = None
"""The input of the chunked work in progress, read by forked workers from the memory they share with the parent."""


def workers(n_jobs: int | None, n_items: int, *, min_items: int) -> int:
    """How many processes to use for ``n_items``: one below ``min_items`` (workers cost more than they save).

    Args:
        n_jobs: A positive number of processes, or ``None`` for all cores (scikit-learn's meaning).
        n_items: Items (documents, texts) to process.
        min_items: Fewest items worth starting workers for.

    Raises:
        ValueError: If ``n_jobs`` is below 1.

    Example:
        >>> workers(2, 10, min_items=100), workers(2, 1000, min_items=100)
        (1, 2)
    """
    if n_jobs is not None and n_jobs < 1:
        raise ValueError(f"n_jobs must be a positive number of processes or None (all cores), not {n_jobs}")
    if n_items < min_items:
        return 1
    return max(1, min(os.cpu_count() or 1, MAX_WORKERS) if n_jobs is None else n_jobs)


def chunk_bounds(n_items: int, n_jobs: int, *, chunk_size: int) -> list[tuple[int, int]]:
    """``(start, stop)`` of consecutive chunks of at most ``chunk_size`` items; about four chunks per worker.

    Example:
        >>> chunk_bounds(10, 1, chunk_size=4)
        [(0, 4), (4, 8), (8, 10)]
    """
    size = max(1, min(chunk_size, -(-n_items // (4 * n_jobs)) if n_jobs > 1 else chunk_size))
    return [(start, min(start + size, n_items)) for start in range(0, n_items, size)]


def _take(source: object, start: int, stop: int) -> object:
    return source.iloc[start:stop] if isinstance(source, pd.DataFrame) else source[start:stop]  # type: ignore[index]


def _forked_call(function: Callable[..., Any], bounds: tuple[int, int], options: tuple[Any, ...]) -> Any:
    """Run ``function`` on a slice of :data:`_FORKED_SOURCE` (in a forked worker: nothing is pickled but bounds)."""
    return function(_take(_FORKED_SOURCE, *bounds), *options)


def run_chunks(
    function: Callable[..., Any], source: pd.DataFrame | Sequence[Any], bounds: list[tuple[int, int]],
    options: tuple[Any, ...], *, n_jobs: int, desc: str = "", show: bool | None = False,
) -> list[Any]:
    """``[function(source[a:b], *options) for a, b in bounds]``, in ``n_jobs`` worker processes when above 1.

    ``function`` must be defined at a module's top level (spawned workers import it). A progress bar counts
    finished chunks (see :func:`kzanalysis.progress.progress`; ``show=False`` hides it).

    Example:
        >>> run_chunks(sum, [1, 2, 3, 4, 5], chunk_bounds(5, 1, chunk_size=2), (), n_jobs=1)
        [3, 7, 5]
    """
    global _FORKED_SOURCE
    from .progress import progress

    if n_jobs > 1 and len(bounds) > 1:
        from concurrent.futures import ProcessPoolExecutor
        from multiprocessing import get_all_start_methods, get_context

        fork = "fork" in get_all_start_methods()
        context = get_context("fork" if fork else "spawn")
        repeat = [[option] * len(bounds) for option in options]
        try:
            _FORKED_SOURCE = source if fork else None
            with ProcessPoolExecutor(max_workers=min(n_jobs, len(bounds)), mp_context=context) as pool:
                if fork:
                    done = pool.map(_forked_call, [function] * len(bounds), bounds, [options] * len(bounds))
                else:
                    done = pool.map(function, [_take(source, a, b) for a, b in bounds], *repeat)
                return list(progress(done, total=len(bounds), desc=desc, enabled=show))
        finally:
            _FORKED_SOURCE = None
    return [function(_take(source, a, b), *options)
            for a, b in progress(bounds, total=len(bounds), desc=desc, enabled=show)]
