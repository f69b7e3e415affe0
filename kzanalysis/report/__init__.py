"""Report stage: the helpers notebooks call (tables, paths, provenance) and the runner of the notebook series.

``tables`` holds what a notebook uses; ``shared`` the inputs a run computes once for all its notebooks;
``runner`` executes the series into a new folder and puts it in place; ``index`` writes the page a reader
starts from.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE: dict[str, str] = {
    "write_index": "index",
    "INJECTED_TAG": "runner",
    "NOTEBOOK_VARIABLE": "runner",
    "NOTEBOOK_GLOB": "runner",
    "PARAMETERS_TAG": "runner",
    "PROVENANCE_TAG": "runner",
    "REMOVE_INPUT_TAG": "runner",
    "REPORT_MARKER": "runner",
    "TABLE_READER_KEY": "runner",
    "Interrupted": "runner",
    "ReportError": "runner",
    "check_output_folder": "runner",
    "copy_notebooks": "runner",
    "discover_notebooks": "runner",
    "execute_notebook": "runner",
    "inject_parameters": "runner",
    "notebook_parameters": "runner",
    "kernels_at_once": "runner",
    "plan_series": "runner",
    "run_series": "runner",
    "tables_read": "runner",
    "SHARED_FOLDER": "shared",
    "RunInputs": "shared",
    "run_inputs": "shared",
    "share_inputs": "shared",
    "shared_bytes": "shared",
    "MAX_FILES_LISTED": "tables",
    "OutputPaths": "tables",
    "corpus_path": "tables",
    "display_path": "tables",
    "escape": "tables",
    "output_paths": "tables",
    "package_versions": "tables",
    "provenance": "tables",
    "read_table": "tables",
    "read_table_for": "tables",
    "show_table": "tables",
    "write_table": "tables",
}
"""Public name -> submodule. Imported on first use (PEP 562): a stage that needs ``escape`` or ``read_table``
loads ``tables`` only, never the runner."""


_SUBMODULES = frozenset({"tables", "runner", "index", "shared"})


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(f"kzanalysis.report.{_WHERE[name]}"), name)
    if name in _SUBMODULES:
        return importlib.import_module(f"kzanalysis.report.{name}")
    raise AttributeError(f"module 'kzanalysis.report' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*__all__, *_SUBMODULES})


__all__ = [
    "INJECTED_TAG", "NOTEBOOK_GLOB", "PARAMETERS_TAG", "PROVENANCE_TAG", "REMOVE_INPUT_TAG", "REPORT_MARKER",
    "TABLE_READER_KEY", "MAX_FILES_LISTED", "SHARED_FOLDER", "Interrupted", "ReportError", "OutputPaths",
    "RunInputs", "check_output_folder",
    "copy_notebooks",
    "corpus_path", "discover_notebooks", "display_path", "escape", "execute_notebook", "inject_parameters",
    "kernels_at_once", "notebook_parameters", "output_paths", "package_versions", "plan_series", "provenance", "read_table",
    "read_table_for",
    "run_inputs", "run_series", "share_inputs", "shared_bytes", "show_table", "tables_read", "write_index",
    "write_table",
]
