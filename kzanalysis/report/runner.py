"""Report stage, runner: execute the numbered notebooks into a new folder, then put the report in place.

A run never writes into the report folder it replaces. It builds the whole report in a sibling
folder named ``<out>.partial-<time>-<pid>`` and, once every notebook has finished (``ok`` or not), swaps
it in for ``<out>``. An interrupted, killed or crashed run therefore leaves the previous report
exactly as it was, and its partial output clearly named beside it. Kernels are started by this
process (never by worker processes), so they end with it: on Ctrl-C or SIGTERM the runner kills
them, and if the command is killed outright, each kernel notices that its parent is gone and exits.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence

import pandas as pd

from kzanalysis import config
from kzanalysis.report.tables import OutputPaths, display_path, write_table

NOTEBOOK_GLOB = "[0-9][0-9]-*.ipynb"
PARAMETERS_TAG = "parameters"
INJECTED_TAG = "injected-parameters"
PROVENANCE_TAG = "kzanalysis-provenance"
REMOVE_INPUT_TAG = "remove-input"
"""Cells with this tag show their output but not their code in the HTML reports."""
TABLE_READER_KEY = "reads_tables"
"""Notebook metadata ``{"kzanalysis": {"reads_tables": true}}``: it reads other notebooks' tables, so it waits for
the notebooks numbered before it; ``["stories"]``: it reads those tables only, so it starts as soon as they are
written (or, when an earlier notebook does not write them, once the earlier notebooks are done)."""
REPORT_MARKER = ".kzanalysis-report"
"""File in a finished report folder; a later run may replace a folder that has it."""
REPORT_ENTRIES = frozenset({"html", "tables", "figures", "notebooks", "index.html", REPORT_MARKER})
"""What a run writes at the top of its folder. Anything else found there (a README) is carried over untouched."""
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
KERNEL_ENVIRONMENT = {
    "KZANALYSIS_PROGRESS": "0",  # no progress bars in HTML reports
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",  # no debugger notice about frozen modules
    "MPLBACKEND": INLINE_BACKEND,  # figures shown in the report whatever the caller's MPLBACKEND (e.g. Agg)
}
"""Set in every kernel the runner starts; the caller's own environment is left untouched."""
NOTEBOOK_VARIABLE = "KZANALYSIS_NOTEBOOK"
"""Also set in every kernel (and so in its worker processes): the notebook's file name, which lets a monitor tell
which notebook of a run a process belongs to (``benchmarks/series_scale.py`` measures each notebook's memory so)."""
KERNEL_THREAD_DEFAULTS = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
"""One BLAS thread per kernel unless the caller's environment asks for more: kernels already run side by side, and
OpenBLAS's per-thread buffers are what exhausts a small memory limit first."""
KERNEL_ARROW_POOL = "jemalloc"
"""Arrow's allocator in every kernel (``ARROW_DEFAULT_MEMORY_POOL``) unless the caller's environment names one, and
where this pyarrow has it. pandas keeps text in Arrow arrays, so every string operation of a notebook allocates
there; Arrow's default allocator (mimalloc) keeps what they free for Arrow's own later use, which the numpy arrays
that follow never make, while Arrow's jemalloc gives it back to the system at once. See :func:`kernel_defaults`."""


def kernel_defaults() -> dict[str, str]:
    """Environment variables every kernel of a run gets unless the caller's environment sets them:
    :data:`KERNEL_THREAD_DEFAULTS`, and :data:`KERNEL_ARROW_POOL` as Arrow's allocator when pyarrow is installed
    with it (the Linux wheels are; elsewhere Arrow's default stays).

    Example:
        >>> defaults = kernel_defaults()
        >>> defaults["OMP_NUM_THREADS"], defaults.get("ARROW_DEFAULT_MEMORY_POOL") in (None, KERNEL_ARROW_POOL)
        ('1', True)
    """
    defaults = dict(KERNEL_THREAD_DEFAULTS)
    try:
        import pyarrow as pa

        getattr(pa, f"{KERNEL_ARROW_POOL}_memory_pool")()
    except (ImportError, AttributeError, NotImplementedError):  # no pyarrow, or built without it
        return defaults
    return {**defaults, "ARROW_DEFAULT_MEMORY_POOL": KERNEL_ARROW_POOL}


class ReportError(ValueError):
    """A report cannot be written where it was asked to be (the message names the folder and why)."""


class Interrupted(KeyboardInterrupt):
    """The run was stopped (Ctrl-C or SIGTERM); ``partial`` is the folder holding what it had written."""

    def __init__(self, message: str = "interrupted", *, partial: Path | None = None) -> None:
        super().__init__(message)
        self.partial = partial


# --------------------------------------------------------------------------------------------
# Running the series


def discover_notebooks(notebooks_dir: Path | str = config.NOTEBOOKS_DIR) -> list[Path]:
    """The numbered notebooks (``NN-name.ipynb``) of a folder, in order.

    Example:
        >>> [p.name for p in discover_notebooks()][0]
        '00-corpus-overview.ipynb'
    """
    found = sorted(Path(notebooks_dir).glob(NOTEBOOK_GLOB))
    if not found:
        raise FileNotFoundError(f"{notebooks_dir}: no notebooks named like {NOTEBOOK_GLOB}")
    return found


def copy_notebooks(folder: Path | str, *, notebooks_dir: Path | str = config.NOTEBOOKS_DIR) -> list[Path]:
    """Copy the numbered notebooks into ``folder`` (created if missing) so a researcher can edit their own series.

    Run the edited series with ``kzanalysis report --notebooks FOLDER``. Existing files are never
    overwritten: a notebook of the same name already in ``folder`` stops the copy before anything is written.

    Returns:
        The paths written, in numbering order.

    Raises:
        FileExistsError: Naming the notebook that is already there.

    Example:
        >>> import tempfile
        >>> [p.name for p in copy_notebooks(tempfile.mkdtemp())][:1]
        ['00-corpus-overview.ipynb']
    """
    target = Path(folder)
    sources = discover_notebooks(notebooks_dir)
    taken = [target / p.name for p in sources if (target / p.name).exists()]
    if taken:
        raise FileExistsError(f"{taken[0]} already exists; copy the notebooks into a new folder, or move yours away")
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for source in sources:
        destination = target / source.name
        shutil.copyfile(source, destination)
        written.append(destination)
    return written


def inject_parameters(notebook: Any, parameters: Mapping[str, Any], *, name: str = "notebook") -> Any:
    """Insert a cell that sets ``parameters`` right after the cell tagged ``parameters`` (papermill's convention).

    The input notebook is not changed; a copy is returned. A previous injected cell is replaced.

    Args:
        notebook: An ``nbformat`` notebook node.
        parameters: Names and values; values must have a Python ``repr`` that evaluates back.
        name: Used in the error message.

    Returns:
        A new notebook node with the injected cell.

    Raises:
        ValueError: When the notebook has no cell tagged ``parameters``.

    Example:
        >>> import nbformat
        >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]})])
        >>> inject_parameters(nb, {"x": 2}).cells[1].source
        '# Parameters injected by kzanalysis report\\nx = 2'
    """
    import copy

    import nbformat

    nb = copy.deepcopy(notebook)
    nb.cells = [c for c in nb.cells if INJECTED_TAG not in c.get("metadata", {}).get("tags", [])]
    index = next((i for i, c in enumerate(nb.cells) if PARAMETERS_TAG in c.get("metadata", {}).get("tags", [])), None)
    if index is None:
        raise ValueError(f"{name}: no cell tagged '{PARAMETERS_TAG}' to inject parameters after")
    lines = ["# Parameters injected by kzanalysis report"] + [f"{k} = {v!r}" for k, v in parameters.items()]
    cell = nbformat.v4.new_code_cell("\n".join(lines), metadata={"tags": [INJECTED_TAG]})
    cell["id"] = INJECTED_TAG
    nb.cells.insert(index + 1, cell)
    return nb


def notebook_parameters(notebook: Any, injected: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters a run used: the literal defaults of the ``parameters`` cell, updated by ``injected``.

    Example:
        >>> import nbformat
        >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("k = 3  # topics", metadata={"tags": ["parameters"]})])
        >>> notebook_parameters(nb, {"out_dir": "/tmp/r"})
        {'k': 3, 'out_dir': '/tmp/r'}
    """
    import ast

    values: dict[str, Any] = {}
    for cell in notebook.cells:
        if PARAMETERS_TAG not in cell.get("metadata", {}).get("tags", []):
            continue
        for node in ast.parse(cell.source).body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                try:
                    values[node.targets[0].id] = ast.literal_eval(node.value)
                except ValueError:
                    values[node.targets[0].id] = ast.unparse(node.value)
    values.update(injected)
    return values


def _append_provenance(notebook: Any, parameters: Mapping[str, Any], *, shown: Mapping[str, Any] | None = None) -> None:
    """Add a closing section stating corpus, content hash, parameters, versions and NLTK data.

    ``shown`` replaces parameter values as the report shows them (paths as the user gave them, the final
    report folder rather than the folder the run writes into).
    """
    import nbformat

    displayed = {**parameters, **{k: v for k, v in (shown or {}).items() if k in parameters}}
    source = (
        "import pandas as _pd\nimport kzanalysis as _kz\nfrom IPython.display import display as _display\n\n"
        "with _pd.option_context('display.max_colwidth', None, 'display.max_rows', None):\n"
        f"    _display(_kz.report.provenance(_kz.report.run_inputs(_kz.report.corpus_path("
        f"{parameters.get('corpus_dir')!r}), metadata={parameters.get('metadata_file')!r}, "
        f"text_column={parameters.get('text_column')!r}, id_column={parameters.get('id_column')!r}, "
        f"out_dir={parameters.get('out_dir')!r}).corpus, parameters={displayed!r}))"
    )
    notebook.cells.append(nbformat.v4.new_markdown_cell(
        "## Provenance\n\nAdded by `kzanalysis report`: the corpus files and their SHA-256 content hash, the "
        "parameters of this run, the package versions, and which NLTK data (if any) was used. Two reports with the "
        "same rows here were computed from the same inputs.", metadata={"tags": [PROVENANCE_TAG]}))
    notebook.cells.append(nbformat.v4.new_code_cell(source, metadata={"tags": [PROVENANCE_TAG, REMOVE_INPUT_TAG]}))


def _stable_ids(notebook: Any) -> None:
    """Give cells stable ids so the exported files do not change from run to run."""
    for i, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{i:03d}"


class _Kernels:
    """The kernels this run has started, so that an interruption can end every one of them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._managers: list[Any] = []
        self.stopping = False

    def started(self, manager: Any) -> None:
        """Register a kernel that just started; end it at once if the run is already stopping."""
        with self._lock:
            self._managers.append(manager)
            stopping = self.stopping
        if stopping:
            self._kill(manager)

    def kill_all(self) -> None:
        """End every registered kernel and its child processes (each kernel leads its own process group)."""
        with self._lock:
            self.stopping = True
            managers = list(self._managers)
        for manager in managers:
            self._kill(manager)

    @staticmethod
    def _kill(manager: Any) -> None:
        process = getattr(getattr(manager, "provisioner", None), "process", None)
        pid = getattr(process, "pid", None)
        if pid is None:
            return
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError, OSError):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


def execute_notebook(
    path: Path | str,
    parameters: Mapping[str, Any],
    *,
    paths: OutputPaths,
    timeout: int = 900,
    kernel_name: str = "python3",
    kernels: _Kernels | None = None,
    shown: Mapping[str, Any] | None = None,
    cores: int | None = None,
) -> dict[str, Any]:
    """Execute one notebook with parameters and write its executed copy and HTML report.

    The kernel talks to this process over local (IPC) sockets, gets :data:`KERNEL_ENVIRONMENT`
    (inline figures, no progress bars) and, where the caller's environment does not set them,
    :func:`kernel_defaults` (one BLAS thread, Arrow's jemalloc), and is shut down when the notebook ends.

    Args:
        path: The notebook to run (it is only read).
        parameters: Injected after its ``parameters`` cell.
        paths: Output folders; writes ``notebooks/<name>.ipynb`` and ``html/<name>.html``.
        timeout: Seconds a cell may run.
        kernel_name: Jupyter kernel to start.
        kernels: The run's kernel registry (``None``: a private one).
        shown: Parameter values as the provenance section shows them (e.g. paths relative to where the
            command ran); the notebook itself gets ``parameters``.
        cores: Cores the kernel's worker processes may use (``n_jobs=-1`` inside it means this many; set as
            ``LOKY_MAX_CPU_COUNT`` unless the caller's environment sets it): :func:`run_series` gives each of the
            kernels it runs side by side its share. ``None``: all the machine's.

    Returns:
        ``notebook``, ``status`` (``ok`` or ``error``), ``seconds``, ``html``, ``error`` (the
        failing cell's error name and message, empty when ok).

    Example:
        >>> # execute_notebook("notebooks/00-corpus-overview.ipynb", {}, paths=output_paths())
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
    from traitlets.config import Config

    kernels = kernels if kernels is not None else _Kernels()
    path = Path(path)
    source = nbformat.read(path, as_version=4)
    nb = inject_parameters(source, parameters, name=path.name)
    _append_provenance(nb, notebook_parameters(source, parameters), shown=shown)
    _stable_ids(nb)
    started = time.perf_counter()
    status, error = "ok", ""
    share = {"LOKY_MAX_CPU_COUNT": str(max(1, cores))} if cores is not None else {}
    env = {**kernel_defaults(), **share, **os.environ, **KERNEL_ENVIRONMENT, NOTEBOOK_VARIABLE: path.name}
    with tempfile.TemporaryDirectory(prefix="kz-kernel-") as sockets:
        settings = Config({"KernelManager": {"transport": "ipc", "ip": str(Path(sockets) / "kernel")}})
        client = NotebookClient(
            nb,
            timeout=timeout,
            kernel_name=kernel_name,
            resources={"metadata": {"path": str(path.parent)}},
            config=settings,
            shutdown_kernel="immediate",
        )
        client.on_notebook_start = lambda notebook: kernels.started(client.km)
        try:
            if kernels.stopping:
                raise Interrupted()
            client.execute(env=env)
        except CellExecutionError as err:
            status, error = "error", f"{err.ename}: {err.evalue}"
        except (CellTimeoutError, DeadKernelError) as err:  # the rest of the series still runs
            status, error = "error", f"{type(err).__name__}: {str(err).splitlines()[0]}"
        except Exception as err:  # a kernel that cannot start, or dies while starting
            status, error = "error", f"{type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"
    if kernels.stopping:
        status, error = "error", "interrupted"
    seconds = time.perf_counter() - started
    nbformat.write(nb, paths.notebooks / path.name)
    html_path = paths.html / f"{path.stem}.html"
    html_path.write_text(_to_html(nb), encoding="utf-8")
    return {"notebook": path.name, "status": status, "seconds": round(seconds, 2), "html": str(html_path),
            "error": error}


def _quiet_alt_text(record: Any) -> bool:
    """Drop nbconvert's notice that inline figures have no alternative text (their captions follow them)."""
    return not str(record.getMessage()).startswith("Alternative text is missing")


def _to_html(notebook: Any) -> str:
    """Export an executed notebook to standalone HTML (no input prompts' execution counts)."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(template_name="lab")
    exporter.log.addFilter(_quiet_alt_text)
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_input_tags={REMOVE_INPUT_TAG, INJECTED_TAG}), enabled=True)
    body, _ = exporter.from_notebook_node(notebook)
    return body


def plan_series(notebooks: Sequence[Path | str]) -> dict[Path, list[Path]]:
    """Which notebooks each notebook must wait for.

    A notebook that reads other notebooks' tables (metadata ``{"kzanalysis": {"reads_tables": ...}}``, see
    :data:`TABLE_READER_KEY`) waits for every notebook numbered before it; every other notebook can start at
    once. One that names the tables it reads may start earlier, as soon as they are written (:func:`tables_read`).

    Returns:
        Each notebook (in numbering order) mapped to the notebooks it waits for.

    Example:
        >>> plan = plan_series(discover_notebooks())
        >>> [p.name for p in plan[next(p for p in plan if p.name.startswith("04"))]][0]
        '00-corpus-overview.ipynb'
    """
    ordered = sorted(map(Path, notebooks), key=lambda p: p.name)
    readers = {p for p in ordered if _reads(p)}
    return {p: [q for q in ordered if q.name < p.name] if p in readers else [] for p in ordered}


def tables_read(notebook: Path | str) -> list[str] | None:
    """The tables a notebook names in its metadata as all it reads of other notebooks' output, or ``None``.

    ``None`` when it reads none or does not say which (``"reads_tables": true``). A runner may start a notebook
    that names them as soon as every one is written, before the notebooks that write them are done.

    Example:
        >>> tables_read(next(p for p in discover_notebooks() if p.name.startswith("02")))
        ['stories']
        >>> tables_read(next(p for p in discover_notebooks() if p.name.startswith("04"))) is None
        True
    """
    reads = _reads(Path(notebook))
    return [str(name) for name in reads] if isinstance(reads, list) and reads else None


def _early_starts(notebooks: Sequence[Path], tables: Path) -> dict[Path, Callable[[], bool]]:
    """The notebooks that name the tables they read (:func:`tables_read`), each with whether those are all in the
    folder ``tables`` already."""
    def written(names: list[str]) -> Callable[[], bool]:
        return lambda: all((tables / f"{name}.csv").is_file() for name in names)

    return {path: written(names) for path in notebooks if (names := tables_read(path))}


def _reads(notebook: Path) -> Any:
    """A notebook's :data:`TABLE_READER_KEY` metadata (``None`` when absent)."""
    import nbformat

    return nbformat.read(notebook, as_version=4).metadata.get("kzanalysis", {}).get(TABLE_READER_KEY)


def _run_planned(plan: dict[Path, list[Path]], workers: int, run: Callable[[Path, int], dict[str, Any]],
                 kernels: _Kernels, *, early: Mapping[Path, Callable[[], bool]] | None = None,
                 ) -> list[dict[str, Any]]:
    """Run notebooks as their dependencies allow, ``workers`` at a time; readers of tables go first once ready.

    A notebook is ready when the notebooks it waits for are done, or, for one in ``early``, when its function
    says that the tables it reads of theirs are written (:func:`_early_starts`).

    ``run(path, at_once)`` runs one notebook; ``at_once`` is how many kernels may run while it does (at most
    ``workers``): the ones running and those still waiting that do not wait for it or may start early. A notebook
    that nothing can run beside (the last ones of a series, which wait for the others) gets ``at_once`` 1, so its
    kernel may use every core instead of leaving them idle. Threads of this process drive the kernels (the kernels
    do the work), so every kernel is a child of the command. On an interruption every kernel is killed before the
    exception goes on.
    """
    from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

    early = early or {}
    done: set[Path] = set()
    results: list[dict[str, Any]] = []
    waiting = list(plan)
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kz-notebook")
    running: dict[Future[dict[str, Any]], Path] = {}
    try:
        while waiting or running:
            ready = sorted((p for p in waiting if set(plan[p]) <= done or (p in early and early[p]())),
                           key=lambda p: (not plan[p], p.name))
            for path in ready[: workers - len(running)]:
                waiting.remove(path)
                beside = len(running) + sum(1 for other in waiting if path not in plan[other] or other in early)
                running[pool.submit(run, path, min(workers, beside + 1))] = path
            finished, _ = wait(running, timeout=0.5, return_when=FIRST_COMPLETED)
            for future in finished:
                done.add(running.pop(future))
                results.append(future.result())
    except BaseException:
        kernels.kill_all()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return results


def check_output_folder(out: Path | str, *, corpus: Path | str | None = None) -> Path:
    """Check, before any notebook starts, that a report can be written at ``out``; return it resolved.

    Refused with a :class:`ReportError` naming the folder: ``out`` is a file; ``out`` is the corpus
    folder, inside it, or contains it (a report never writes into the researcher's data, and
    replacing ``out`` must never touch the corpus); ``out`` holds files of a report folder's names
    (``html/``, ``tables/``, ...) but is not a kzanalysis report (it would be replaced); the folder
    that would hold ``out`` cannot be written to.

    Example:
        >>> import tempfile
        >>> check_output_folder(Path(tempfile.mkdtemp()) / "kz-example-report").name
        'kz-example-report'
    """
    target = Path(os.path.abspath(out))
    if target.exists() and not target.is_dir():
        raise ReportError(f"--out {out}: is a file, not a folder; name a new or report folder")
    if corpus is not None:
        source = Path(os.path.abspath(corpus))
        if target == source or source in target.parents:
            raise ReportError(f"--out {out}: is inside the corpus folder {corpus}; write reports elsewhere "
                              "so the corpus stays as you gave it")
        if target in source.parents:
            raise ReportError(f"--out {out}: contains the corpus folder {corpus}; a report replaces its folder "
                              "whole, so it must not hold your data")
    if target.is_dir() and not _is_report(target):
        ours = sorted(entry.name for entry in target.iterdir() if entry.name in REPORT_ENTRIES)
        if ours:
            raise ReportError(f"--out {out}: holds {', '.join(ours)} but is not a kzanalysis report, so it would "
                              "be replaced; choose a new or empty folder")
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=parent, prefix=f".{target.name}.probe-", delete=True)
        probe.close()
    except OSError as err:
        raise ReportError(f"--out {out}: cannot write in {display_path(parent)} ({err.strerror or err})") from None
    return target


def _is_report(folder: Path) -> bool:
    """Whether ``folder`` is a report an earlier run wrote (marker file, or an index page of ours)."""
    if (folder / REPORT_MARKER).exists():
        return True
    index = folder / "index.html"
    return index.is_file() and "kzanalysis report" in index.read_text(encoding="utf-8", errors="replace")


@contextmanager
def _report_lock(target: Path) -> Iterator[Path]:
    """Hold ``.<out>.lock`` beside the report folder for the run; a second run into it gets a clear error."""
    lock = target.parent / f".{target.name}.lock"
    for _ in range(2):
        try:
            handle = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            holder = _lock_holder(lock)
            if holder is not None:
                raise ReportError(f"--out {display_path(target)}: another kzanalysis report (pid {holder}) is "
                                  f"writing it; wait for it to finish, or delete {lock.name} if it is gone") from None
            lock.unlink(missing_ok=True)  # left by a run that was killed
            continue
        except OSError as err:
            raise ReportError(f"--out {display_path(target)}: cannot write in its folder ({err.strerror})") from None
        with os.fdopen(handle, "w") as stream:
            stream.write(str(os.getpid()))
        break
    try:
        yield lock
    finally:
        lock.unlink(missing_ok=True)


def _lock_holder(lock: Path) -> int | None:
    """The pid of a live process holding ``lock``, or ``None`` when the lock is stale."""
    try:
        pid = int(lock.read_text(encoding="utf-8").strip() or "0")
    except (OSError, ValueError):
        return None
    if pid <= 0 or pid == os.getpid():
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return pid
    return pid


def _put_in_place(staging: Path, target: Path) -> None:
    """Replace ``target`` by the finished report in ``staging``; files a run does not write are carried over."""
    (staging / REPORT_MARKER).write_text("written by kzanalysis report\n", encoding="utf-8")
    if not target.exists():
        staging.rename(target)
        return
    previous = target.parent / f".{target.name}.replaced-{os.getpid()}"
    if previous.exists():
        shutil.rmtree(previous)
    target.rename(previous)
    try:
        staging.rename(target)
    except OSError:
        previous.rename(target)
        raise
    for entry in previous.iterdir():
        if entry.name not in REPORT_ENTRIES:  # e.g. reports/README.md
            entry.rename(target / entry.name)
    shutil.rmtree(previous, ignore_errors=True)


@contextmanager
def _stop_on_sigterm() -> Iterator[None]:
    """Turn SIGTERM into :class:`Interrupted` (main thread only), so a killed run cleans up like Ctrl-C."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        raise Interrupted("terminated")

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def _cluster(scheduler: str | None) -> Iterator[str | None]:
    """The scheduler address the notebooks connect to; ``"local"`` starts a LocalCluster for the run's length."""
    if scheduler is None:
        yield None
        return
    from kzanalysis import parallel

    parallel.use_scheduler(scheduler)
    try:
        yield parallel.scheduler_address()
    finally:
        parallel.use_scheduler(None)


def _apart(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``function(*args, **kwargs)`` in a child process (joblib's loky), its result returned.

    What the work allocated goes back to the system when the child ends. At 100,000 planted articles loading the
    corpus left this process at 3.2 GB, and sharing the inputs at 12.6 GB (most of it the 64 million rows of
    tokens), memory a process keeps once it has had it: kept here, it stayed taken for the whole run, beside the
    notebooks' kernels. An error in the child is raised here; a child that dies without an answer (the system's
    out-of-memory killer) raises loky's ``TerminatedWorkerError``, naming its exit code; interrupted, the child
    is killed. Unlike ``multiprocessing``'s spawn, the caller's script is not run again in the child.
    """
    from joblib.externals.loky import ProcessPoolExecutor

    child = ProcessPoolExecutor(max_workers=1)
    try:
        result = child.submit(function, *args, **kwargs).result()
    except BaseException:
        child.shutdown(wait=True, kill_workers=True)
        raise
    child.shutdown(wait=True)  # the child ends as a process does: its own workers and files cleaned up
    return result


def _share_inputs_in(scheduler: str | None, corpus_dir: Path, **kwargs: Any) -> None:
    """:func:`kzanalysis.report.shared.share_inputs` with the run's scheduler (for :func:`_apart`)."""
    from kzanalysis import parallel
    from kzanalysis.report.shared import share_inputs

    if scheduler is not None:
        parallel.use_scheduler(scheduler)
    try:
        share_inputs(corpus_dir, **kwargs)
    finally:
        parallel.use_scheduler(None)


KERNEL_MEMORY_FACTOR = 1.1
"""How many times the run's shared inputs (:func:`kzanalysis.report.shared_bytes`) one kernel is taken to hold at
its peak, beside :data:`KERNEL_BASE_BYTES`: a notebook reads the shared tables it needs (the largest, the body
tokens, only in the columns it uses) and holds what it computes from them. Measured with
``benchmarks/series_scale.py``, for 9.0 GB of shared inputs at 100,000 planted articles the largest kernel of a run
held 9.3 GB with Arrow's default allocator and 8.5 GB with :data:`KERNEL_ARROW_POOL`; for 0.9 GB at 10,000, 1.5 and
1.2 GB."""
KERNEL_BASE_BYTES = 500_000_000
"""Bytes one kernel is taken to hold whatever the corpus: Python with the package, pandas, scikit-learn and
matplotlib imported (about 0.22 GB measured), and the small tables and figures of a notebook."""


def kernel_bytes(shared: int) -> int:
    """The memory one kernel is taken to need at its peak: :data:`KERNEL_BASE_BYTES` plus
    :data:`KERNEL_MEMORY_FACTOR` times the run's shared inputs (``shared`` bytes in memory).

    Example:
        >>> kernel_bytes(9 * 10**9) / 10**9
        10.4
    """
    return int(KERNEL_BASE_BYTES + KERNEL_MEMORY_FACTOR * shared)


def kernels_at_once(jobs: int, shared: int | None, *, available: int | None) -> int:
    """How many notebooks to run side by side: ``jobs``, or fewer, so that that many kernels, each needing
    :func:`kernel_bytes` of the run's shared inputs, fit in the memory available; at least one.

    Args:
        jobs: Kernels the cores allow.
        shared: Bytes the run's shared inputs take in memory (``None``: nothing shared; ``jobs`` is kept).
        available: Bytes of memory available (``None``: unknown; ``jobs`` is kept).

    Example:
        >>> GB = 10**9
        >>> kernels_at_once(2, 9 * GB, available=24 * GB), kernels_at_once(2, 9 * GB, available=16 * GB)
        (2, 1)
    """
    if shared is None or available is None or shared <= 0:
        return jobs
    return max(1, min(jobs, int(available // kernel_bytes(shared))))


def memory_available() -> int | None:
    """Bytes of memory available for new work (Linux's ``MemAvailable``; physical memory elsewhere), or ``None``.

    Example:
        >>> memory_available() is None or memory_available() > 0
        True
    """
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return int(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return None


def run_series(
    corpus: Path | str = config.RAW_DIR,
    *,
    metadata: Path | str | None = None,
    out: Path | str = config.REPORTS_DIR,
    notebooks: Sequence[Path | str] | None = None,
    jobs: int | None = None,
    timeout: int = 900,
    text_column: str | None = None,
    id_column: str | None = None,
    scheduler: str | None = None,
) -> pd.DataFrame:
    """Run the numbered notebooks on one corpus and put the finished report folder, with its index, at ``out``.

    ``out`` is checked first (:func:`check_output_folder`), and the corpus as it is loaded for the shared inputs,
    so a bad corpus or folder fails before any kernel starts. The report is built in ``<out>.partial-<time>-<pid>`` and
    replaces ``out`` only when every notebook has finished; a notebook that fails is named in the
    index and in the returned table. Independent notebooks run side by side (``jobs`` kernels at
    once); those that read other notebooks' tables start once the notebooks before them are done, or once the
    tables they name are written (see :func:`plan_series`, :func:`tables_read`). Two runs into one ``out`` at once
    are refused (a lock file).

    Args:
        corpus: A corpus folder (``.txt`` and ``.html`` files, optional ``metadata.csv``) or one file of
            articles (CSV export, JSON Lines, Parquet).
        metadata: A metadata CSV elsewhere than ``<corpus>/metadata.csv``.
        out: The report folder; gets ``html/``, ``tables/``, ``figures/``, ``notebooks/`` and ``index.html``.
            Other files already in it (a README) are kept.
        notebooks: The notebooks to run (default: every ``NN-*.ipynb`` in ``notebooks/``).
        jobs: Kernels at once (default: the number of CPU cores, at most 4, and fewer when that many would not
            fit in memory side by side: see :func:`kernels_at_once`).
        timeout: Seconds a single cell may run.
        text_column: For a file of articles, the column holding the text (default: a common name).
        id_column: For a file of articles, the column holding the id (default: a common name).
        scheduler: Run the notebooks' chunked work on a Dask cluster: its scheduler's address, or ``"local"``
            to start a ``distributed.LocalCluster`` for this run (shared by every notebook, closed at the end;
            see :func:`kzanalysis.parallel.use_scheduler`). ``None``: on this machine.

    Returns:
        One row per notebook, in numbering order: ``notebook``, ``status``, ``seconds``, ``html``
        (its final place), ``error``. Also written to ``tables/report_runs.csv`` (without timings,
        so that reruns compare equal).

    Raises:
        ReportError: ``out`` cannot take a report, or another run is writing it.
        Interrupted: Ctrl-C or SIGTERM; every kernel has been ended, ``out`` is as it was, and
            the exception's ``partial`` names the folder with what had been written.

    Example:
        >>> # runs = run_series(out="/tmp/kz-report")  # about half a minute on the seed corpus
    """
    from kzanalysis.report.index import write_index
    from kzanalysis.report.shared import SHARED_FOLDER, run_inputs, shared_bytes

    corpus_dir = Path(corpus).resolve()
    metadata_file = str(Path(metadata).resolve()) if metadata is not None else None
    target = check_output_folder(out, corpus=corpus_dir)
    options = {"metadata": metadata_file, "text_column": text_column, "id_column": id_column}
    todo = [Path(p).resolve() for p in notebooks] if notebooks is not None else discover_notebooks()
    workers = max(1, min(jobs or os.cpu_count() or 1, 4))
    with _report_lock(target), _cluster(scheduler) as address:
        staging = target.parent / f"{target.name}.partial-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
        paths = OutputPaths(staging).make()
        parameters = {"corpus_dir": str(corpus_dir), "metadata_file": metadata_file, "out_dir": str(staging),
                      "text_column": text_column, "id_column": id_column}
        shown = {"corpus_dir": display_path(corpus_dir), "metadata_file": display_path(metadata_file),
                 "out_dir": display_path(target)}
        if address is not None:
            parameters["scheduler"] = address
            shown["scheduler"] = scheduler
        kernels = _Kernels()

        def run(path: Path, at_once: int) -> dict[str, Any]:
            # kernels side by side share the cores: a notebook's own workers (n_jobs=-1) would otherwise compete
            # with the other kernels for them; one that nothing can run beside gets them all
            return execute_notebook(path, parameters, paths=paths, timeout=timeout, kernels=kernels, shown=shown,
                                    cores=max(1, (os.cpu_count() or 1) // at_once))

        try:
            with _stop_on_sigterm():
                # corpus, paragraphs, body tokens, sentences and quotations once for every notebook
                # (kzanalysis.report.shared); loading the corpus checks it, before any kernel starts: a bad corpus
                # fails here with the loader's message (file and line), and leaves no folder behind
                try:
                    _apart(_share_inputs_in, address, corpus_dir, out_dir=staging, **options)
                except Exception:
                    shutil.rmtree(staging, ignore_errors=True)
                    raise
                if jobs is None:  # the default: fewer kernels when the corpus is too large for them side by side
                    workers = kernels_at_once(workers, shared_bytes(staging / SHARED_FOLDER),
                                              available=memory_available())
                runs = _run_planned(plan_series(todo), workers, run, kernels, early=_early_starts(todo, paths.tables))
                table = pd.DataFrame(runs, columns=["notebook", "status", "seconds", "html", "error"])
                table = table.sort_values("notebook", kind="stable").reset_index(drop=True)
                write_table(table[["notebook", "status", "error"]], "report_runs", out_dir=staging)
                corpus_read = run_inputs(corpus_dir, out_dir=staging, **options).corpus  # the shared copy
                write_index(table, paths=paths, notebooks=todo, corpus=corpus_read, corpus_dir=corpus_dir)
                shutil.rmtree(staging / SHARED_FOLDER, ignore_errors=True)  # computed for this run only
                _put_in_place(staging, target)
        except KeyboardInterrupt as stop:
            kernels.kill_all()
            raise Interrupted(str(stop) or "interrupted", partial=staging) from None
    table["html"] = [str(target / "html" / Path(p).name) for p in table["html"]]
    return table
