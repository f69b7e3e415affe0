"""Report stage, notebook side: where a report writes, its tables, escaped display of text, and provenance."""

from __future__ import annotations

import html
import os
import platform
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import pandas as pd

from kzanalysis import config

MAX_FILES_LISTED = 20
"""Provenance names this many corpus files at most; the content hash covers all of them."""
REPORTED_PACKAGES = ("kzanalysis", "pandas", "numpy", "scipy", "scikit-learn", "nltk", "matplotlib",
                     "nbclient", "nbconvert", "ipykernel")
PATH_PARAMETERS = ("corpus_dir", "metadata_file", "out_dir", "labels_file", "lexicon_file")
"""Parameters holding paths: reports show them relative to the working folder (or by name), never absolute."""


@dataclass(frozen=True)
class OutputPaths:
    """Where one report run writes: ``root/html``, ``root/tables``, ``root/figures``, ``root/notebooks``.

    Example:
        >>> OutputPaths(Path("reports")).tables.as_posix()
        'reports/tables'
    """

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


def display_path(path: Path | str | None, *, start: Path | str | None = None) -> str | None:
    """A path as a report shows it: relative to ``start`` (the working folder) when inside it, else its name.

    Reports are shared; the absolute paths of the machine that made them say nothing to a reader
    and leak its layout. The corpus content hash, not its path, identifies what was analysed.

    Args:
        path: Any path, or ``None`` (returned unchanged).
        start: The folder paths are shown relative to (``None``: the current working folder).

    Returns:
        ``"data/raw"`` for a path under ``start``; ``".../name"`` for one outside it.

    Example:
        >>> display_path("/work/project/data/raw", start="/work/project")
        'data/raw'
        >>> display_path("/tmp/elsewhere/my corpus", start="/work/project")
        '.../my corpus'
    """
    if path is None:
        return None
    resolved = Path(os.path.abspath(path))
    base = Path(os.path.abspath(start if start is not None else Path.cwd()))
    try:
        relative = resolved.relative_to(base)
    except ValueError:
        return f".../{resolved.name}"
    return relative.as_posix() or "."


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""A text cell starting with one of these is a formula to a spreadsheet (OWASP, "CSV Injection")."""
_GUARD = "'"


def neutralise_formulas(table: pd.DataFrame) -> pd.DataFrame:
    """A copy in which every text cell a spreadsheet would run as a formula starts with ``'``.

    OWASP's rule: a cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a
    leading single quote, which spreadsheets show as text. A text cell that already starts with
    ``'`` gets one more, so :func:`restore_formulas` gives back exactly the original. Only text
    (object or string) columns change; numbers stay numbers.

    Example:
        >>> neutralise_formulas(pd.DataFrame({"text": ["=SUM(1)", "'quoted", "plain"]}))["text"].tolist()
        ["'=SUM(1)", "''quoted", 'plain']
    """
    return _guard_cells(table, (*FORMULA_START, _GUARD), lambda v: _GUARD + v)


def restore_formulas(table: pd.DataFrame) -> pd.DataFrame:
    """Undo :func:`neutralise_formulas`: drop one leading ``'`` from every text cell that has one.

    Example:
        >>> restore_formulas(pd.DataFrame({"text": ["'=SUM(1)", "''quoted", "plain"]}))["text"].tolist()
        ['=SUM(1)', "'quoted", 'plain']
    """
    return _guard_cells(table, (_GUARD,), lambda v: v[1:])


def _guard_cells(table: pd.DataFrame, prefixes: tuple[str, ...], change: Any) -> pd.DataFrame:
    """A copy with ``change`` applied to the text cells that start with one of ``prefixes``; other cells and dtypes
    untouched."""
    out = table.copy()
    for column in out.columns:
        values = out[column]
        if isinstance(values.dtype, pd.CategoricalDtype):  # its categories change (one-to-one), not its cells
            out[column] = values.cat.rename_categories(
                lambda c: change(c) if isinstance(c, str) and c.startswith(prefixes) else c)
            continue
        if values.dtype == object:  # anything may be in it: only its str cells are text
            picked = values.map(lambda v: isinstance(v, str) and v.startswith(prefixes)).astype(bool)
        elif pd.api.types.is_string_dtype(values.dtype):  # a column of text (missing cells aside): one vector test
            picked = values.str.startswith(prefixes).fillna(False).astype(bool)
        else:
            continue
        if picked.any():
            out.loc[picked, column] = out.loc[picked, column].map(change)
    return out


def write_table(table: pd.DataFrame, name: str, *, out_dir: Path | str | None = None) -> Path:
    """Write one table as ``<out_dir>/tables/<name>.csv`` (UTF-8, ``\\n`` line ends, no index).

    Written whole or not at all (a hidden file renamed into place), so a notebook running beside reads either
    the table or nothing. The same table always gives the same bytes, so two runs can be compared file by file. Text
    cells that a spreadsheet would run as formulas are neutralised (:func:`neutralise_formulas`);
    :func:`read_table` restores them, so the package's own round trip is lossless.

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
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")  # a notebook started beside sees it whole or not
    try:
        neutralise_formulas(table).to_csv(partial, index=False, lineterminator="\n", encoding="utf-8")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def read_table(name: str, *, out_dir: Path | str | None = None) -> pd.DataFrame:
    """Read a table that an earlier notebook wrote, ids kept as strings, formula guards removed.

    Raises:
        FileNotFoundError: Naming the missing file and the notebook series that writes it.

    Example:
        >>> import pandas as pd
        >>> _ = write_table(pd.DataFrame({"a": ["=1+1"]}), "example", out_dir="/tmp/kz-example-report")
        >>> read_table("example", out_dir="/tmp/kz-example-report")["a"].tolist()
        ['=1+1']
    """
    path = _table_file(name, out_dir)
    if not path.exists():
        raise FileNotFoundError(f"tables/{name}.csv does not exist in this report: run the notebook that writes it "
                                f"first (kzanalysis report)")
    return _read_csv_table(path, ("doc_id", "doc_a", "doc_b"))


def _table_file(name: str, out_dir: Path | str | None) -> Path:
    """Where a report's table ``name`` is (reading creates no folders)."""
    root = Path(out_dir if out_dir is not None else config.REPORTS_DIR).resolve()
    return OutputPaths(root).tables / f"{name}.csv"


def _read_csv_table(path: Path, text_columns: Iterable[str]) -> pd.DataFrame:
    """A table as :func:`write_table` wrote it: ``text_columns`` as text, blanks kept, formula guards removed."""
    return restore_formulas(pd.read_csv(path, dtype={c: str for c in text_columns}, keep_default_na=False,
                                        lineterminator="\n"))


def read_table_for(name: str, doc_ids: Iterable[object], *, out_dir: Path | str | None = None) -> pd.DataFrame | None:
    """A table an earlier notebook of this report wrote about exactly these documents, or ``None``.

    For a notebook that can reuse what an earlier one computed (notebook 02 reads notebook 01's ``stories``)
    and computes it itself otherwise: ``None`` when the table is missing or is about other documents (a
    report folder left from another corpus). Id columns (``*_id``, ``doc_a``, ``doc_b``) are read as text.

    Example:
        >>> import pandas as pd
        >>> _ = write_table(pd.DataFrame({"doc_id": ["007"], "story_id": ["007"]}), "example", out_dir="/tmp/kz-ex")
        >>> read_table_for("example", ["007"], out_dir="/tmp/kz-ex")["story_id"].tolist()
        ['007']
        >>> read_table_for("example", ["008"], out_dir="/tmp/kz-ex") is None
        True
    """
    path = _table_file(name, out_dir)
    if not path.exists():
        return None
    header = pd.read_csv(path, nrows=0).columns
    ids = [c for c in header if (c.endswith("_id") and c != "para_id") or c in ("doc_a", "doc_b")]
    table = _read_csv_table(path, ids)
    if "doc_id" not in table.columns or set(table["doc_id"]) != {str(d) for d in doc_ids}:
        return None
    return table


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
    rows += [{"package": name, "version": config.installed_version(name)} for name in packages]
    return pd.DataFrame(rows)


def provenance(corpus: pd.DataFrame, *, parameters: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """What a report was computed from: corpus, content hash, parameters, versions, NLTK data.

    Args:
        corpus: Output of ``load_corpus``.
        parameters: The notebook's parameters (names and values) to record; absolute paths among them
            (:data:`PATH_PARAMETERS`) are shown through :func:`display_path`.

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
    from kzanalysis.corpus import corpus_fingerprint
    from kzanalysis.tokenize import nltk_resources

    files = corpus["file"].astype(str).tolist()
    shown = ", ".join(files) if len(files) <= MAX_FILES_LISTED else (
        ", ".join(files[:MAX_FILES_LISTED]) + f", ... ({len(files) - MAX_FILES_LISTED:,} more)")
    rows = [
        {"item": "corpus files", "value": shown},
        {"item": "corpus sha256", "value": corpus_fingerprint(corpus)},
        {"item": "n_documents", "value": str(len(corpus))},
    ]
    if "detected_language" in corpus.columns:
        from kzanalysis.languages import detector_name

        counts = corpus["detected_language"].replace("", "unidentified").value_counts()
        rows.append({"item": "languages detected", "value": ", ".join(f"{k} {v:,}" for k, v in counts.items())
                     + f" ({detector_name()})"})
    pages = corpus["encoding"].astype(str).str.startswith("html (") if "encoding" in corpus.columns else []
    if len(pages) and pages.any():
        from kzanalysis.webpages import extractor_name

        rows.append({"item": "web page extractor", "value": f"{extractor_name()} ({int(pages.sum()):,} pages)"})
    for name, value in (parameters or {}).items():
        if name in PATH_PARAMETERS and isinstance(value, (str, Path)) and Path(value).is_absolute():
            value = display_path(value)
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
