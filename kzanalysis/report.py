"""Report stage: run the numbered notebooks with parameters, export HTML, write tables, state provenance."""

from __future__ import annotations

import html
import os
import platform
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
    path = output_paths(out_dir).tables / f"{name}.csv"
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
        One row per fact: ``item``, ``value``. Items: ``corpus files``, ``corpus sha256``,
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

    rows = [
        {"item": "corpus files", "value": ", ".join(corpus["file"].astype(str))},
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
    from nbclient.exceptions import CellExecutionError

    path = Path(path)
    nb = inject_parameters(nbformat.read(path, as_version=4), parameters, name=path.name)
    _strip_ids(nb)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name=kernel_name,
        resources={"metadata": {"path": str(path.parent)}},
    )
    started = time.perf_counter()
    status, error = "ok", ""
    try:
        client.execute()
    except CellExecutionError as err:
        status = "error"
        error = f"{err.ename}: {err.evalue}"
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

    exporter = HTMLExporter(template_name="lab")
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(notebook)
    return body


def run_series(
    corpus: Path | str = config.RAW_DIR,
    *,
    metadata: Path | str | None = None,
    out: Path | str = config.REPORTS_DIR,
    notebooks: Sequence[Path | str] | None = None,
    timeout: int = 900,
) -> pd.DataFrame:
    """Run the numbered notebooks in order on one corpus and write the report folder.

    Each notebook gets the parameters ``corpus_dir``, ``metadata_file`` and ``out_dir`` (absolute
    paths). The corpus is checked first, so a bad corpus fails with the loader's message before
    any kernel starts.

    Args:
        corpus: A folder of ``.txt`` files (optional ``metadata.csv``).
        metadata: A metadata CSV elsewhere than ``<corpus>/metadata.csv``.
        out: The report folder; gets ``html/``, ``tables/``, ``figures/``, ``notebooks/``.
        notebooks: The notebooks to run (default: every ``NN-*.ipynb`` in ``notebooks/``).
        timeout: Seconds a single cell may run.

    Returns:
        One row per notebook: ``notebook``, ``status``, ``seconds``, ``html``, ``error``. Also
        written to ``tables/report_runs.csv`` (without the timings, so that reruns compare equal).

    Example:
        >>> # runs = run_series(out="/tmp/kz-report")  # about a minute on the seed corpus
    """
    from .corpus import load_corpus

    corpus_dir = Path(corpus).resolve()
    metadata_file = str(Path(metadata).resolve()) if metadata is not None else None
    load_corpus(corpus_dir, metadata=metadata_file)  # fail early, with the loader's message
    paths = output_paths(out)
    parameters = {"corpus_dir": str(corpus_dir), "metadata_file": metadata_file, "out_dir": str(paths.root)}
    todo = [Path(p) for p in notebooks] if notebooks is not None else discover_notebooks()
    env_before = os.environ.get("PYDEVD_DISABLE_FILE_VALIDATION")
    os.environ["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # keeps debugger warnings out of the HTML
    try:
        runs = [execute_notebook(p, parameters, paths=paths, timeout=timeout) for p in todo]
    finally:
        if env_before is None:
            os.environ.pop("PYDEVD_DISABLE_FILE_VALIDATION", None)
    table = pd.DataFrame(runs, columns=["notebook", "status", "seconds", "html", "error"])
    write_table(table[["notebook", "status", "error"]], "report_runs", out_dir=paths.root)
    return table

