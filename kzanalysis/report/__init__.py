"""Report stage: the helpers notebooks call (tables, paths, provenance) and the runner of the notebook series.

``tables`` holds what a notebook uses; ``runner`` executes the series into a new folder and puts it
in place; ``index`` writes the page a reader starts from.
"""

from __future__ import annotations

from kzanalysis.report.index import write_index
from kzanalysis.report.runner import (
    INJECTED_TAG,
    NOTEBOOK_GLOB,
    PARAMETERS_TAG,
    PROVENANCE_TAG,
    REMOVE_INPUT_TAG,
    REPORT_MARKER,
    TABLE_READER_KEY,
    Interrupted,
    ReportError,
    check_output_folder,
    copy_notebooks,
    discover_notebooks,
    execute_notebook,
    inject_parameters,
    notebook_parameters,
    plan_series,
    run_series,
)
from kzanalysis.report.tables import (
    MAX_FILES_LISTED,
    OutputPaths,
    corpus_path,
    display_path,
    escape,
    output_paths,
    package_versions,
    provenance,
    read_table,
    show_table,
    write_table,
)

__all__ = [
    "INJECTED_TAG", "NOTEBOOK_GLOB", "PARAMETERS_TAG", "PROVENANCE_TAG", "REMOVE_INPUT_TAG", "REPORT_MARKER",
    "TABLE_READER_KEY", "MAX_FILES_LISTED", "Interrupted", "ReportError", "OutputPaths", "check_output_folder",
    "copy_notebooks",
    "corpus_path", "discover_notebooks", "display_path", "escape", "execute_notebook", "inject_parameters",
    "notebook_parameters", "output_paths", "package_versions", "plan_series", "provenance", "read_table",
    "run_series", "show_table", "write_index", "write_table",
]
