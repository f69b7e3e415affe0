"""Shared fixtures: the notebook series run once per test session, on the seed corpus and on a tiny corpus."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

TINY_TEXTS = {
    # no metadata, names with spaces and non-Latin letters, markup that must be escaped in reports
    "Жаңалықтар 1.txt": (
        "Protesters gathered in Almaty on Tuesday after fuel prices doubled.\n\n"
        "Police said 18 officers were killed; the president called the crowds terrorists.\n"
        "Subscribe to our newsletter updates\n"
    ),
    "report two.txt": (
        "<i>Bandits</i> & reform\n"
        "Officials blamed <b>bandits</b> & foreign-trained terrorists for the unrest in Almaty.\n"
        "Protesters said they wanted lower fuel prices and political reform.\n"
        "Troops from Russia arrived to guard airports and government buildings.\n"
    ),
    "third-article.txt": (
        "Fuel prices rose sharply in January and protests spread across the country.\n"
        "The government resigned and a state of emergency was declared.\n"
        "Reporting by A. Writer; Editing by B. Editor\n"
    ),
}


@pytest.fixture(scope="session")
def tiny_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tiny corpus")
    for name, text in TINY_TEXTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _run(corpus: Path, out: Path) -> pd.DataFrame:
    from kzanalysis.report import run_series

    runs = run_series(corpus, out=out)
    failed = runs[runs["status"] != "ok"]
    assert failed.empty, f"notebooks failed on {corpus}:\n{failed[['notebook', 'error']].to_string()}"
    return runs


@pytest.fixture(scope="session")
def seed_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole series run on the seed corpus by ``make report`` itself (MPLBACKEND=Agg, as the Makefile sets);
    returns the report folder. Outside a checkout with its .venv, through ``run_series``."""
    import os
    import subprocess

    from kzanalysis import config

    out = tmp_path_factory.mktemp("seed-report") / "reports"
    makefile, venv = config.PROJECT_ROOT / "Makefile", config.PROJECT_ROOT / ".venv" / "bin" / "kzanalysis"
    if makefile.exists() and venv.exists():
        done = subprocess.run(["make", "-s", "report", f"OUT={out}"], cwd=config.PROJECT_ROOT, capture_output=True,
                              text=True, env={**os.environ, "MPLBACKEND": "Agg"})
        assert done.returncode == 0, done.stdout + done.stderr
        assert "index:" in done.stdout
    else:
        _run(config.RAW_DIR, out)
    return out


@pytest.fixture(scope="session")
def tiny_report(tmp_path_factory: pytest.TempPathFactory, tiny_corpus: Path) -> Path:
    """The whole series run on a three-document corpus without metadata; returns the report folder."""
    out = tmp_path_factory.mktemp("tiny-report")
    _run(tiny_corpus, out)
    return out


# A corpus with other facts than the seed's: a port strike; one outlet calls the strikers terrorists in its own
# voice, another only quotes a minister doing so, two outlets carry the same quoted union statement, no copies.
UNION_STATEMENT = ("“We will not return to the cranes until the harbour board restores the night shift allowance "
                   "and reinstates the eleven dismissed crane operators,” the dockworkers union said in a statement.")
FACTS_TEXTS = {
    "gazette-1.txt": (
        "Harbour workers walked out on Monday, halting cargo traffic at the northern container terminal.\n"
        "The Gazette regards the organisers as terrorists who hold the regional economy hostage for their pay demands.\n"
        "Shipping companies said 40 vessels were waiting at anchor outside the breakwater by Tuesday evening.\n"
        "Police detained 12 pickets after a scuffle with security guards at the main gate, officers said.\n"
        + UNION_STATEMENT + "\n"
    ),
    "wire-2.txt": (
        "A strike by dockworkers entered its second day as negotiations with the harbour board stalled.\n"
        "“These are terrorists, not workers,” the transport minister told reporters in the capital.\n"
        "Union leaders rejected the label and said the walkout would continue until wages were restored.\n"
        "Police said 30 pickets were detained during clashes at the northern container terminal.\n"
        + UNION_STATEMENT + "\n"
    ),
    "radio-3.txt": (
        "Fishermen in the old harbour say the strike has cut off ice deliveries for their boats this week.\n"
        "Market traders reported that fresh produce prices rose sharply as lorries queued outside the port.\n"
        "Protesters marched through the town centre on Wednesday in support of the striking crane crews.\n"
        "Local councillors called for mediation by an independent panel before the holiday season begins.\n"
    ),
}
FACTS_METADATA = ("doc_id,file,outlet\n"
                  "gazette-1,gazette-1.txt,Harbour Gazette\n"
                  "wire-2,wire-2.txt,Coastal Wire\n"
                  "radio-3,radio-3.txt,Dock Radio\n")


@pytest.fixture(scope="session")
def facts_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("port strike")
    for name, text in FACTS_TEXTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "metadata.csv").write_text(FACTS_METADATA, encoding="utf-8")
    return folder


def two_notebook_series(root: Path, cells: dict[str, str]) -> tuple[Path, list[Path]]:
    """A one-file corpus and a series of small notebooks (name -> code after the parameters cell) under ``root``."""
    import nbformat

    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Protests in the harbour.\n", encoding="utf-8")
    folder = root / "notebooks"
    folder.mkdir()
    for name, source in cells.items():
        nb = nbformat.v4.new_notebook(cells=[
            nbformat.v4.new_code_cell("corpus_dir = None\nmetadata_file = None\nout_dir = None",
                                      metadata={"tags": ["parameters"]}),
            nbformat.v4.new_code_cell(source)])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, folder / name)
    return corpus, sorted(folder.glob("*.ipynb"))


def run_in_kernel(root: Path, code: str) -> dict:
    """Run ``code`` as the one cell of a notebook through the report runner's kernel; return the run's row."""
    import nbformat

    from kzanalysis import report

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("corpus_dir = None", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(code)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, root / "00-probe.ipynb")
    return report.execute_notebook(root / "00-probe.ipynb", {}, paths=report.output_paths(root / "out"))


@pytest.fixture
def chunk_calls(monkeypatch: pytest.MonkeyPatch) -> Callable[[ModuleType], list[tuple[int, int]]]:
    """Spy on ``kz.parallel.run_chunks`` as a module imported it: ``chunk_calls(module)`` returns the list that
    each call's ``(n_jobs, number of chunks)`` is appended to (the chunks still run)."""
    from kzanalysis import parallel

    calls: list[tuple[int, int]] = []
    run_chunks = parallel.run_chunks  # the real one, also when kz.parallel's own name is the one replaced

    def spy(function, source, bounds, *args, n_jobs: int, **kwargs):  # type: ignore[no-untyped-def]
        calls.append((n_jobs, len(bounds)))
        return run_chunks(function, source, bounds, *args, n_jobs=n_jobs, **kwargs)

    def install(module: ModuleType) -> list[tuple[int, int]]:
        monkeypatch.setattr(module, "run_chunks", spy)
        return calls

    return install
