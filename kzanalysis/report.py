"""Report stage: run the numbered notebooks with parameters, export HTML, write tables, state provenance."""

from __future__ import annotations

import html
import os
import platform
from functools import partial
import time
from dataclasses import dataclass
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any, Mapping, Sequence

import pandas as pd

from . import config

NOTEBOOK_GLOB = "[0-9][0-9]-*.ipynb"
PARAMETERS_TAG = "parameters"
INJECTED_TAG = "injected-parameters"
PROVENANCE_TAG = "kzanalysis-provenance"
REMOVE_INPUT_TAG = "remove-input"
"""Cells with this tag show their output but not their code in the HTML reports."""
TABLE_READER_KEY = "reads_tables"
"""Notebook metadata ``{"kzanalysis": {"reads_tables": true}}``: it reads other notebooks' tables, so runs last."""
MAX_FILES_LISTED = 20
"""Provenance names this many corpus files at most; the content hash covers all of them."""
REPORTED_PACKAGES = ("kzanalysis", "pandas", "numpy", "scipy", "scikit-learn", "nltk", "matplotlib",
                     "nbclient", "nbconvert", "ipykernel")


@dataclass(frozen=True)
class OutputPaths:
    """Where one report run writes: ``root/html``, ``root/tables``, ``root/figures``, ``root/notebooks``."""

    root: Path

    @property
    def html(self) -> Path:
        return self.root / "html"

    @property
    def tables(self) -> Path:
        return self.root / "tables"

    @property
    def figures(self) -> Path:
        return self.root / "figures"

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    def make(self) -> OutputPaths:
        """Create the folders (and the root) if missing; return self."""
        for folder in (self.html, self.tables, self.figures, self.notebooks):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def output_paths(out_dir: Path | str | None = None) -> OutputPaths:
    """Resolve a notebook's ``out_dir`` parameter (``None``: the project's ``reports/``) and create its folders.

    Args:
        out_dir: The report folder, or ``None`` for ``config.REPORTS_DIR``.

    Returns:
        The :class:`OutputPaths` with every folder created.

    Example:
        >>> paths = output_paths("/tmp/kz-example-report")
        >>> paths.tables.name
        'tables'
    """
    return OutputPaths(Path(out_dir if out_dir is not None else config.REPORTS_DIR).resolve()).make()


def corpus_path(corpus_dir: Path | str | None = None) -> Path:
    """Resolve a notebook's ``corpus_dir`` parameter: ``None`` means the seed corpus (``config.RAW_DIR``).

    Example:
        >>> corpus_path(None) == config.RAW_DIR
        True
    """
    return Path(corpus_dir) if corpus_dir is not None else config.RAW_DIR


def write_table(table: pd.DataFrame, name: str, *, out_dir: Path | str | None = None) -> Path:
    """Write one table as ``<out_dir>/tables/<name>.csv`` (UTF-8, ``\\n`` line ends, no index).

    The same table always gives the same bytes, so two runs can be compared file by file.

    Args:
        table: Any DataFrame.
        name: File stem, e.g. ``"paragraphs"``.
        out_dir: The report folder (``None``: ``reports/``).

    Returns:
        The path written.

    Example:
        >>> import pandas as pd
        >>> write_table(pd.DataFrame({"a": [1]}), "example", out_dir="/tmp/kz-example-report").name
        'example.csv'
    """
    path = output_paths(out_dir).tables / f"{name}.csv"
    table.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
    return path


def read_table(name: str, *, out_dir: Path | str | None = None) -> pd.DataFrame:
    """Read a table that an earlier notebook wrote, ids kept as strings.

    Raises:
        FileNotFoundError: Naming the missing file and the notebook series that writes it.

    Example:
        >>> read_table("example", out_dir="/tmp/kz-example-report").columns.tolist()
        ['a']
    """
    root = Path(out_dir if out_dir is not None else config.REPORTS_DIR).resolve()
    path = OutputPaths(root).tables / f"{name}.csv"  # reading creates no folders
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: run the notebook that writes it first (kzanalysis report)")
    return pd.read_csv(path, dtype={"doc_id": str, "doc_a": str, "doc_b": str}, keep_default_na=False)


def package_versions(packages: Sequence[str] = REPORTED_PACKAGES) -> pd.DataFrame:
    """Versions of the packages a report depends on.

    Returns:
        One row per package: ``package``, ``version`` (``"not installed"`` when missing), and a
        first row for Python itself.

    Example:
        >>> "pandas" in set(package_versions()["package"])
        True
    """
    rows = [{"package": "python", "version": platform.python_version()}]
    for name in packages:
        try:
            version = importlib_metadata.version(name)
        except importlib_metadata.PackageNotFoundError:
            version = "not installed"
        rows.append({"package": name, "version": version})
    return pd.DataFrame(rows)


def provenance(corpus: pd.DataFrame, *, parameters: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """What a report was computed from: corpus, content hash, parameters, versions, NLTK data.

    Args:
        corpus: Output of ``load_corpus``.
        parameters: The notebook's parameters (names and values) to record.

    Returns:
        One row per fact: ``item``, ``value``. Items: ``corpus files`` (the first
        :data:`MAX_FILES_LISTED` and how many more), ``corpus sha256``,
        ``n_documents``, one ``parameter: NAME`` per parameter, one ``version: PACKAGE`` per
        package, and one ``nltk data: RESOURCE`` per NLTK resource (installed or the fallback used).

    Example:
        >>> import kzanalysis as kz
        >>> facts = provenance(kz.load_corpus())
        >>> facts.loc[facts["item"] == "n_documents", "value"].item()
        '5'
    """
    from .corpus import corpus_fingerprint
    from .tokenize import nltk_resources

    files = corpus["file"].astype(str).tolist()
    shown = ", ".join(files) if len(files) <= MAX_FILES_LISTED else (
        ", ".join(files[:MAX_FILES_LISTED]) + f", ... ({len(files) - MAX_FILES_LISTED:,} more)")
    rows = [
        {"item": "corpus files", "value": shown},
        {"item": "corpus sha256", "value": corpus_fingerprint(corpus)},
        {"item": "n_documents", "value": str(len(corpus))},
    ]
    for name, value in (parameters or {}).items():
        rows.append({"item": f"parameter: {name}", "value": repr(value)})
    for row in package_versions().itertuples(index=False):
        rows.append({"item": f"version: {row.package}", "value": row.version})
    for row in nltk_resources().itertuples(index=False):
        state = "installed, used" if row.installed else f"not installed; fallback: {row.fallback}"
        rows.append({"item": f"nltk data: {row.resource}", "value": state})
    return pd.DataFrame(rows)


def escape(text: object) -> str:
    """HTML-escape any document text before it is shown as HTML (a corpus may contain markup).

    Example:
        >>> escape("<b>riot</b> & more")
        '&lt;b&gt;riot&lt;/b&gt; &amp; more'
    """
    return html.escape(str(text), quote=True)


def show_table(table: pd.DataFrame, *, max_rows: int = 100, max_colwidth: int | None = None) -> Any:
    """Display a table in a notebook with full (HTML-escaped) text instead of pandas' 50-character cut.

    Args:
        table: Any DataFrame.
        max_rows: Rows shown at most (the first and last halves when longer; the HTML says so).
        max_colwidth: Characters per cell at most (``None``: all).

    Returns:
        An ``IPython.display.HTML`` object (the notebook shows it when it is a cell's last value).

    Example:
        >>> import pandas as pd
        >>> "&lt;b&gt;" in show_table(pd.DataFrame({"text": ["<b>x</b>"]})).data
        True
    """
    from IPython.display import HTML

    with pd.option_context("display.max_colwidth", max_colwidth):
        body = table.to_html(index=False, escape=True, max_rows=max_rows, border=0, classes="dataframe")
    note = f"<p><em>{len(table)} rows; {max_rows} shown.</em></p>" if len(table) > max_rows else ""
    return HTML(body + note)


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


def _append_provenance(notebook: Any, parameters: Mapping[str, Any]) -> None:
    """Add a closing section stating corpus, content hash, parameters, versions and NLTK data."""
    import nbformat

    source = (
        "import pandas as _pd\nimport kzanalysis as _kz\nfrom IPython.display import display as _display\n\n"
        "with _pd.option_context('display.max_colwidth', None, 'display.max_rows', None):\n"
        f"    _display(_kz.report.provenance(_kz.load_corpus(_kz.report.corpus_path({parameters.get('corpus_dir')!r}), "
        f"metadata={parameters.get('metadata_file')!r}), parameters={dict(parameters)!r}))"
    )
    notebook.cells.append(nbformat.v4.new_markdown_cell(
        "## Provenance\n\nAdded by `kzanalysis report`: the corpus files and their SHA-256 content hash, the "
        "parameters of this run, the package versions, and which NLTK data (if any) was used. Two reports with the "
        "same rows here were computed from the same inputs.", metadata={"tags": [PROVENANCE_TAG]}))
    notebook.cells.append(nbformat.v4.new_code_cell(source, metadata={"tags": [PROVENANCE_TAG, REMOVE_INPUT_TAG]}))


def _strip_ids(notebook: Any) -> None:
    """Give cells stable ids so the exported files do not change from run to run."""
    for i, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{i:03d}"


def execute_notebook(
    path: Path | str,
    parameters: Mapping[str, Any],
    *,
    paths: OutputPaths,
    timeout: int = 900,
    kernel_name: str = "python3",
) -> dict[str, Any]:
    """Execute one notebook with parameters and write its executed copy and HTML report.

    Args:
        path: The notebook to run (it is only read).
        parameters: Injected after its ``parameters`` cell.
        paths: Output folders; writes ``notebooks/<name>.ipynb`` and ``html/<name>.html``.
        timeout: Seconds a cell may run.
        kernel_name: Jupyter kernel to start.

    Returns:
        ``notebook``, ``status`` (``ok`` or ``error``), ``seconds``, ``html``, ``error`` (the
        failing cell's error name and message, empty when ok).

    Example:
        >>> # execute_notebook("notebooks/00-corpus-overview.ipynb", {}, paths=output_paths())
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    path = Path(path)
    source = nbformat.read(path, as_version=4)
    nb = inject_parameters(source, parameters, name=path.name)
    _append_provenance(nb, notebook_parameters(source, parameters))
    _strip_ids(nb)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name=kernel_name,
        resources={"metadata": {"path": str(path.parent)}},
    )
    started = time.perf_counter()
    status, error = "ok", ""
    # kernels get no progress bars (HTML reports) and no debugger notices; the caller's environment is untouched
    env = {**os.environ, "KZANALYSIS_PROGRESS": "0", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    try:
        client.execute(env=env)
    except CellExecutionError as err:
        status = "error"
        error = f"{err.ename}: {err.evalue}"
    except (CellTimeoutError, DeadKernelError) as err:  # the rest of the series still runs
        status = "error"
        error = f"{type(err).__name__}: {str(err).splitlines()[0]}"
    seconds = time.perf_counter() - started
    executed = paths.notebooks / path.name
    nbformat.write(nb, executed)
    html_path = paths.html / f"{path.stem}.html"
    html_path.write_text(_to_html(nb), encoding="utf-8")
    return {"notebook": path.name, "status": status, "seconds": round(seconds, 2), "html": str(html_path),
            "error": error}


def _to_html(notebook: Any) -> str:
    """Export an executed notebook to standalone HTML (no input prompts' execution counts)."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(template_name="lab")
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.register_preprocessor(TagRemovePreprocessor(remove_input_tags={REMOVE_INPUT_TAG}), enabled=True)
    body, _ = exporter.from_notebook_node(notebook)
    return body


def plan_series(notebooks: Sequence[Path | str]) -> dict[Path, list[Path]]:
    """Which notebooks each notebook must wait for.

    A notebook that reads other notebooks' tables (metadata ``{"kzanalysis": {"reads_tables": true}}``)
    waits for every notebook numbered before it that does not itself read tables; every other
    notebook can start at once.

    Returns:
        Each notebook (in numbering order) mapped to the notebooks it waits for.

    Example:
        >>> plan = plan_series(discover_notebooks())
        >>> [p.name for p in plan[next(p for p in plan if p.name.startswith("04"))]][0]
        '00-corpus-overview.ipynb'
    """
    import nbformat

    ordered = sorted(map(Path, notebooks), key=lambda p: p.name)
    readers = {p for p in ordered
               if nbformat.read(p, as_version=4).metadata.get("kzanalysis", {}).get(TABLE_READER_KEY)}
    return {p: [q for q in ordered if q.name < p.name and q not in readers] if p in readers else []
            for p in ordered}


def _run_planned(plan: dict[Path, list[Path]], workers: int, run: Any) -> list[dict[str, Any]]:
    """Run notebooks as their dependencies allow, ``workers`` at a time; readers of tables go first once ready."""
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from multiprocessing import get_context

    if workers == 1:
        return [run(p) for p in plan]
    done: set[Path] = set()
    results: list[dict[str, Any]] = []
    waiting = list(plan)
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        running: dict[Any, Path] = {}
        while waiting or running:
            ready = sorted((p for p in waiting if set(plan[p]) <= done), key=lambda p: (not plan[p], p.name))
            for path in ready[: workers - len(running)]:
                waiting.remove(path)
                running[pool.submit(run, path)] = path
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                done.add(running.pop(future))
                results.append(future.result())
    return results


def _execute_one(path: Path, *, parameters: Mapping[str, Any], paths: OutputPaths, timeout: int) -> dict[str, Any]:
    """:func:`execute_notebook` with a keyword-only signature that ``functools.partial`` can pickle."""
    return execute_notebook(path, parameters, paths=paths, timeout=timeout)


def run_series(
    corpus: Path | str = config.RAW_DIR,
    *,
    metadata: Path | str | None = None,
    out: Path | str = config.REPORTS_DIR,
    notebooks: Sequence[Path | str] | None = None,
    jobs: int | None = None,
    timeout: int = 900,
) -> pd.DataFrame:
    """Run the numbered notebooks on one corpus and write the report folder with its index.

    Each notebook gets the parameters ``corpus_dir``, ``metadata_file`` and ``out_dir`` (absolute
    paths) and a closing provenance section. The corpus is checked first, so a bad corpus fails
    with the loader's message before any kernel starts. Independent notebooks run side by side
    (``jobs`` kernels at once); those that read other notebooks' tables start once the notebooks
    before them are done (see :func:`plan_series`).

    Args:
        corpus: A folder of ``.txt`` files (optional ``metadata.csv``).
        metadata: A metadata CSV elsewhere than ``<corpus>/metadata.csv``.
        out: The report folder; gets ``html/``, ``tables/``, ``figures/``, ``notebooks/`` and ``index.html``.
        notebooks: The notebooks to run (default: every ``NN-*.ipynb`` in ``notebooks/``).
        jobs: Kernels at once (default: the number of CPU cores, at most 4).
        timeout: Seconds a single cell may run.

    Returns:
        One row per notebook, in numbering order: ``notebook``, ``status``, ``seconds``, ``html``,
        ``error``. Also written to ``tables/report_runs.csv`` (without timings, so that reruns
        compare equal).

    Example:
        >>> # runs = run_series(out="/tmp/kz-report")  # about half a minute on the seed corpus
    """
    from .corpus import load_corpus

    corpus_dir = Path(corpus).resolve()
    metadata_file = str(Path(metadata).resolve()) if metadata is not None else None
    load_corpus(corpus_dir, metadata=metadata_file)  # fail early, with the loader's message
    paths = output_paths(out)
    parameters = {"corpus_dir": str(corpus_dir), "metadata_file": metadata_file, "out_dir": str(paths.root)}
    todo = [Path(p).resolve() for p in notebooks] if notebooks is not None else discover_notebooks()
    workers = max(1, min(jobs or os.cpu_count() or 1, 4))
    run = partial(_execute_one, parameters=parameters, paths=paths, timeout=timeout)
    runs = _run_planned(plan_series(todo), workers, run)
    table = pd.DataFrame(runs, columns=["notebook", "status", "seconds", "html", "error"])
    table = table.sort_values("notebook", kind="stable").reset_index(drop=True)
    write_table(table[["notebook", "status", "error"]], "report_runs", out_dir=paths.root)
    write_index(table, paths=paths)
    return table


def write_index(runs: pd.DataFrame, *, paths: OutputPaths) -> Path:
    """Write ``index.html``: a link to every notebook report and every figure, with captions.

    Captions come from ``tables/figures.csv`` (``file``, ``caption``, ``source_notebook``) when a
    notebook wrote it; other figures are listed by file name.

    Args:
        runs: Output of :func:`run_series` (``notebook``, ``status``, ``error``).
        paths: The report folders.

    Returns:
        The path of ``index.html``.

    Example:
        >>> # write_index(runs, paths=output_paths("reports"))
    """
    captions: dict[str, tuple[str, str]] = {}
    figures_table = paths.tables / "figures.csv"
    if figures_table.exists():
        for row in pd.read_csv(figures_table, dtype=str, keep_default_na=False).itertuples(index=False):
            captions[Path(row.file).name] = (row.caption, row.source_notebook)
    items = []
    for run in runs.itertuples(index=False):
        stem = Path(run.notebook).stem
        note = "" if run.status == "ok" else f' <strong>failed</strong>: {escape(run.error)}'
        items.append(f'<li><a href="html/{escape(stem)}.html">{escape(stem)}</a>{note}</li>')
    figures = []
    for png in sorted(paths.figures.glob("*.png")):
        caption, source = captions.get(png.name, ("", ""))
        svg = png.with_suffix(".svg")
        links = f'<a href="figures/{escape(png.name)}">PNG</a>'
        if svg.exists():
            links += f' · <a href="figures/{escape(svg.name)}">SVG</a>'
        text = f"<p>{escape(caption)}</p>" if caption else ""
        origin = f" <small>({escape(source)})</small>" if source else ""
        figures.append(f'<figure><img src="figures/{escape(png.name)}" alt="{escape(caption or png.stem)}" width="480">'
                       f"<figcaption><strong>{escape(png.stem)}</strong>{origin} {links}{text}</figcaption></figure>")
    page = "\n".join([
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8"><title>kzanalysis reports</title>',
        "<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
        "figure{display:inline-block;vertical-align:top;width:30rem;margin:0 1rem 2rem 0}"
        "img{max-width:100%;border:1px solid #ddd}</style></head><body>",
        "<h1>kzanalysis reports</h1>", "<h2>Notebooks</h2>", "<ul>", *items, "</ul>",
        "<p>Tables (CSV) are in <a href=\"tables/\">tables/</a>.</p>",
        "<h2>Figures</h2>", *(figures or ["<p>No figures.</p>"]), "</body></html>", "",
    ])
    index = paths.root / "index.html"
    index.write_text(page, encoding="utf-8")
    return index
