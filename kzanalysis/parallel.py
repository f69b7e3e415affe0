"""Parallelism, once: cut a table or a list into chunks and run a function on each, on this machine or a cluster.

Every stage that spreads work (TF-IDF tokenising, shingling and MinHash) goes through :func:`run_chunks`, with
scikit-learn's meaning of ``n_jobs``: a positive number of workers, ``-1`` for all cores (``-2`` all but one,
...), ``None`` for one unless a cluster is in use (:func:`use_scheduler`) or a ``joblib.parallel_config``
says otherwise. On one machine the chunks run in joblib's worker processes; after :func:`use_scheduler` they
run as tasks on a Dask cluster (the optional extra ``kzanalysis[dask]``), whose workers need kzanalysis
installed. Results come back in chunk order and every chunk is computed the same way wherever it runs, so the
output never depends on the number of workers or on where they are.
"""

from __future__ import annotations

import ctypes
import functools
import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pandas as pd

MAX_WORKERS = 64
"""At most this many processes on one machine, however many cores it reports."""

LOCAL_CLUSTER_WORKERS = 2
"""Workers of the cluster ``use_scheduler("local")`` starts (one thread each)."""

_CLIENT: Any = None
"""The Dask client chunked work goes to (:func:`use_scheduler`), or ``None`` for this machine."""
_CLUSTER: Any = None
"""The LocalCluster ``use_scheduler("local")`` started, closed with the client."""


def use_scheduler(address: str | None, *, timeout: float = 20.0) -> str:
    """Send chunked work to a Dask cluster from now on (or back to this machine with ``None``).

    Args:
        address: A scheduler address (``"tcp://10.0.0.5:8786"``), ``"local"`` to start a
            ``distributed.LocalCluster`` of :data:`LOCAL_CLUSTER_WORKERS` single-threaded workers on this
            machine, or ``None`` to close any previous client and work here (joblib processes).
        timeout: Seconds to wait for a scheduler at ``address``.

    Returns:
        A line saying where chunked work runs, for a notebook to print.

    Raises:
        ImportError: If ``address`` is given and Dask is not installed (``pip install "kzanalysis[dask]"``).
        OSError: If no scheduler answers at ``address``.

    Example:
        >>> use_scheduler(None)
        'chunked work runs on this machine (joblib processes)'
    """
    global _CLIENT, _CLUSTER
    for resource in (_CLIENT, _CLUSTER):
        if resource is not None:
            resource.close()
    _CLIENT = _CLUSTER = None
    if address is None:
        return "chunked work runs on this machine (joblib processes)"
    try:
        from distributed import Client, LocalCluster
    except ImportError as err:
        raise ImportError(f"scheduler {address!r} needs Dask: pip install \"kzanalysis[dask]\" ({err})") from err
    if address == "local":
        _CLUSTER = LocalCluster(n_workers=LOCAL_CLUSTER_WORKERS, threads_per_worker=1, processes=True,
                                dashboard_address=None)
        _CLIENT = Client(_CLUSTER)
    else:
        try:
            _CLIENT = Client(address, timeout=f"{timeout}s")
        except (OSError, TimeoutError) as err:
            raise OSError(f"no Dask scheduler answers at {address!r}: {err}") from err
    return f"chunked work runs on the Dask cluster at {scheduler_address()} ({cluster_threads()} threads)"


def scheduler_address() -> str | None:
    """The address of the connected Dask scheduler (``None`` with no cluster).

    Example:
        >>> scheduler_address() is None
        True
    """
    return None if _CLIENT is None else str(_CLIENT.scheduler.address)


def cluster_threads() -> int:
    """Threads of the connected Dask cluster's workers (0 with no cluster).

    Example:
        >>> cluster_threads()
        0
    """
    if _CLIENT is None:
        return 0
    return int(sum(_CLIENT.nthreads().values()))


def workers(n_jobs: int | None, n_items: int, *, min_items: int) -> int:
    """How many workers to use for ``n_items``: one below ``min_items`` (workers cost more than they save).

    Args:
        n_jobs: scikit-learn's meaning: a positive number, ``-1`` all cores (``-2`` all but one, ...), ``None``
            one (all the cluster's threads after :func:`use_scheduler`, or what a ``joblib.parallel_config``
            context sets).
        n_items: Items (documents, texts) to process.
        min_items: Fewest items worth starting workers for.

    Raises:
        ValueError: If ``n_jobs`` is 0.

    Example:
        >>> workers(2, 10, min_items=100), workers(2, 1000, min_items=100), workers(None, 1000, min_items=100)
        (1, 2, 1)
    """
    import joblib

    if n_jobs == 0:
        raise ValueError("n_jobs must be a positive number of workers, -1 (all cores, -2 all but one ...) or None, not 0")
    if n_items < min_items:
        return 1
    if _CLIENT is not None and (n_jobs is None or n_jobs < 0):
        return max(1, cluster_threads())
    return max(1, min(joblib.effective_n_jobs(n_jobs), MAX_WORKERS))


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


def run_chunks(
    function: Callable[..., Any], source: pd.DataFrame | Sequence[Any], bounds: list[tuple[int, int]],
    options: tuple[Any, ...], *, n_jobs: int, desc: str = "", show: bool | None = False,
) -> list[Any]:
    """``[function(source[a:b], *options) for a, b in bounds]``, on ``n_jobs`` workers when above 1.

    ``function`` must be defined at a module's top level (workers import it). With ``n_jobs`` above 1 the chunks
    run in joblib's worker processes, or as tasks of the Dask cluster of :func:`use_scheduler`; a progress bar
    counts finished chunks (see :func:`kzanalysis.progress.progress`; ``show=False`` hides it).

    Example:
        >>> run_chunks(sum, [1, 2, 3, 4, 5], chunk_bounds(5, 1, chunk_size=2), (), n_jobs=1)
        [3, 7, 5]
    """
    return list(iter_chunks(function, source, bounds, options, n_jobs=n_jobs, desc=desc, show=show))


def iter_chunks(
    function: Callable[..., Any], source: pd.DataFrame | Sequence[Any], bounds: list[tuple[int, int]],
    options: tuple[Any, ...], *, n_jobs: int, desc: str = "", show: bool | None = False,
) -> Iterator[Any]:
    """:func:`run_chunks` one chunk's result at a time, in chunk order: a caller that writes each result away
    (:func:`kzanalysis.report.share_inputs`) never holds them all.

    Example:
        >>> list(iter_chunks(sum, [1, 2, 3, 4, 5], chunk_bounds(5, 1, chunk_size=2), (), n_jobs=2))
        [3, 7, 5]
    """
    from .progress import progress

    if n_jobs > 1 and len(bounds) > 1:
        if _CLIENT is not None:
            # an option that is not a plain value (coded passages, a weight array) goes to each worker once, not
            # inside every task
            shared = [option if isinstance(option, (int, float, str, bool, type(None)))
                      else _CLIENT.scatter([option], broadcast=True, hash=False)[0] for option in options]
            futures = [_CLIENT.submit(function, _take(source, a, b), *shared, pure=False) for a, b in bounds]
            for k in progress(range(len(futures)), total=len(futures), desc=desc, enabled=show):
                result, futures[k] = futures[k].result(), None  # a result handed over is released on the cluster
                yield result
            return
        from joblib import Parallel, delayed

        run = Parallel(n_jobs=min(n_jobs, len(bounds)), return_as="generator")
        yield from progress(run(delayed(function)(_take(source, a, b), *options) for a, b in bounds),
                            total=len(bounds), desc=desc, enabled=show)
        return
    for a, b in progress(bounds, total=len(bounds), desc=desc, enabled=show):
        yield function(_take(source, a, b), *options)
    if len(bounds) > 1:
        give_back_freed_memory()  # what the chunks freed here, before the caller builds on their results


def give_back_freed_memory() -> bool:
    """Return to the system the memory the C allocator holds freed (glibc's ``malloc_trim``); elsewhere nothing.

    glibc keeps much of what numpy frees for later ``malloc`` calls, which the Arrow-backed strings that usually
    follow in this package never make (Arrow has its own allocator): held, it counts against the process
    as if in use. :func:`iter_chunks` calls this after running several chunks in this process, where their
    intermediate arrays were freed (measured on notebook 01 at 100,000 planted articles on one core: glibc held
    1.18 GB freed after passage scoring, while the scored pairs' texts were built beside it).

    Returns:
        ``True`` if memory was given back, ``False`` if nothing was (not glibc, or nothing to give).

    Example:
        >>> isinstance(give_back_freed_memory(), bool)
        True
    """
    trim = _malloc_trim()
    return bool(trim(0)) if trim is not None else False


@functools.cache
def _malloc_trim() -> Any:
    """glibc's ``malloc_trim`` through ctypes, or ``None`` where the C library has none (macOS, Windows, musl)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim


def compute(*collections: Any) -> tuple[Any, ...]:
    """The values of Dask collections (delayed objects, dataframes): on the cluster of :func:`use_scheduler`, or,
    without one, task after task in this process.

    This is how the stages given a :class:`kzanalysis.corpus.CorpusParts` (``kz.tfidf``,
    ``kz.overlap.near_duplicates``, ``kz.clean.map_body_units``, ...) run. Dask's local process pool is not used: it would copy every
    kept part into each task that reads it (measured: slower than one process on 2,000 planted articles in 8
    parts); ``use_scheduler("local")`` gives this machine's cores to the parts instead.

    Example:
        >>> import dask
        >>> compute(dask.delayed(sum)([1, 2]))
        (3,)
    """
    import dask

    with _quiet_shuffle_notes():
        return dask.compute(*collections, scheduler=_CLIENT if _CLIENT is not None else "sync")


_SHUFFLE_NOTES = "distributed.shuffle._scheduler_plugin"
"""The logger of Dask's shuffle that notes, as WARNING, when each shuffle starts and ends on a cluster."""


@contextmanager
def _quiet_shuffle_notes() -> Iterator[None]:
    """Within the block, Dask's shuffle notes (not errors) are not logged: a notebook would show two red lines per
    shuffle of the near-duplicate bands, saying nothing is wrong. A failed shuffle still raises."""
    logger = logging.getLogger(_SHUFFLE_NOTES)
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def persist(*collections: Any) -> tuple[Any, ...]:
    """Dask collections computed once and kept (in the cluster's workers; without one, in this process), to be
    used by several later tasks. Same placement as :func:`compute`.

    Example:
        >>> import dask
        >>> kept, = persist(dask.delayed(sum)([1, 2]))
        >>> compute(kept)
        (3,)
    """
    import dask

    return dask.persist(*collections, scheduler=_CLIENT if _CLIENT is not None else "sync")
