"""Tests of the project's promises: dependencies agree, notebooks are clean and well formed, the two commands exist."""

from __future__ import annotations

import ast
from pathlib import Path
import re
import subprocess
import sys
import tomllib

import nbformat
import pytest

from kzanalysis import config, report

ROOT = config.PROJECT_ROOT
NOTEBOOKS = report.discover_notebooks()


def _requirement_name(spec: str) -> str:
    return re.split(r"[<>=!~ \[;]", spec.strip(), maxsplit=1)[0].lower()


def _environment_dependencies() -> dict[str, str]:
    """name -> spec of the conda dependencies in environment.yml (a flat list; parsed without PyYAML)."""
    specs: dict[str, str] = {}
    in_pip = False
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    for line in text.split("dependencies:", 1)[1].splitlines():
        if re.match(r"^\s+- pip:\s*$", line):
            in_pip = True
            continue
        match = re.match(r"^  - (\S+)\s*$", line)
        if match and not in_pip:
            specs[_requirement_name(match.group(1))] = match.group(1)
    return specs


def test_environment_yml_agrees_with_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {_requirement_name(s): s.replace(" ", "") for s in project["dependencies"] + project["optional-dependencies"]["dev"]}
    conda = _environment_dependencies()
    conda.pop("pip", None)
    python = conda.pop("python")
    assert python == "python" + project["requires-python"]
    assert conda == wanted, "environment.yml and pyproject.toml list different dependencies or versions"
    assert "--editable ." in (ROOT / "environment.yml").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_clean_and_well_formed(path) -> None:
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code), "stored with outputs"
    assert re.fullmatch(r"\d\d-[a-z0-9-]+\.ipynb", path.name)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# ")
    for heading in ("**Question.**", "**Inputs.**", "**Outputs**"):
        assert heading in first.source
    assert nb.cells[1].cell_type == "code" and "import kzanalysis" in nb.cells[1].source
    assert "sys.path" not in nb.cells[1].source
    assert "parameters" in nb.cells[2].metadata.get("tags", [])
    for cell in code:  # every def, class and file I/O lives in the package
        tree = ast.parse(cell.source)
        assert not any(isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)) for n in ast.walk(tree))
        assert not re.search(r"\bopen\(|\.to_csv\(|\.read_csv\(|savefig\(", cell.source), cell.source
    for previous, cell in zip(nb.cells[3:], nb.cells[4:]):  # a result is followed by words on it
        if previous.cell_type == "code" and cell.cell_type == "code":
            pytest.fail(f"two code cells in a row without a note on the first result:\n{previous.source}")


def test_readme_quick_start_has_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start", 1)[1].split("###", 1)[0]
    assert re.findall(r"^make \w+", quick, flags=re.M) == ["make report", "make test"]


def test_ci_runs_make_test_without_nltk_data() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci and "NLTK_DATA" in ci and "mktemp -d" in ci


def test_make_help_lists_targets() -> None:
    out = subprocess.run(["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    for target in ("report", "test", "help"):
        assert f"make {target}" in out


def test_import_is_light() -> None:
    code = "import sys, kzanalysis; print(sorted(m for m in ('pandas', 'sklearn', 'nltk', 'matplotlib') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_every_subpackage_goes_into_the_wheel() -> None:
    """A stage split into a package must be listed in pyproject.toml, or the wheel silently lacks it."""
    import tomllib

    root = Path(__file__).resolve().parents[1]
    listed = set(tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(root).parts) for p in (root / "kzanalysis").rglob("__init__.py")}
    assert found <= listed, sorted(found - listed)
