"""Tests of the report stage: parameter injection, the notebook series end to end, the command line."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

import kzanalysis as kz
from kzanalysis import config, report
from kzanalysis.cli import main
from kzanalysis.report import tables

SEED_IDS = ["000_143417c5e503c3f3", "001_5fd3b595c2b22735", "002_f6fac79b3e52d7e7", "003_c32e65cbf677ca05",
            "004_15f499adc5933ae2"]


def _table(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / "tables" / f"{name}.csv", dtype={"doc_id": str}, keep_default_na=False)


def test_inject_parameters_after_tagged_cell_and_replaces_previous() -> None:
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# t"),
        nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("print(x)"),
    ])
    once = report.inject_parameters(nb, {"x": "a b", "y": None})
    twice = report.inject_parameters(once, {"x": 3})
    assert [c.source for c in twice.cells][1:3] == ["x = 1", "# Parameters injected by kzanalysis report\nx = 3"]
    assert len(twice.cells) == 4 and len(nb.cells) == 3  # input untouched
    assert "x = 'a b'\ny = None" in once.cells[2].source


def test_inject_parameters_requires_the_tag() -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    with pytest.raises(ValueError, match="my.ipynb: no cell tagged 'parameters'"):
        report.inject_parameters(nb, {"x": 2}, name="my.ipynb")


def test_write_table_is_byte_stable(tmp_path: Path) -> None:
    table = pd.DataFrame({"doc_id": ["b", "a"], "x": [0.1, 2 / 3]})
    first = report.write_table(table, "t", out_dir=tmp_path).read_bytes()
    second = report.write_table(table, "t", out_dir=tmp_path).read_bytes()
    assert first == second and b"\r\n" not in first
    assert report.read_table("t", out_dir=tmp_path)["doc_id"].tolist() == ["b", "a"]


def test_escape_document_text() -> None:
    assert report.escape('<script>alert("x")</script>') == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"


def test_provenance_states_corpus_hash_and_nltk() -> None:
    facts = report.provenance(kz.load_corpus(), parameters={"k": 3}).set_index("item")["value"]
    assert facts["n_documents"] == "5"
    assert len(facts["corpus sha256"]) == 64
    assert facts["parameter: k"] == "3"
    assert any(item.startswith("nltk data: punkt_tab") for item in facts.index)


def test_cli_reports_bad_corpus_naming_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "empty article.txt").write_text("   \n", encoding="utf-8")
    assert main(["report", "--corpus", str(corpus), "--out", str(tmp_path / "out")]) == 2
    assert "empty article.txt" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus"]  # no half-made report folder either


def test_cli_check_lists_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "ok.txt").write_text("Fine text.\n", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01\x02binary")
    assert main(["check", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "bad.txt" in out and "ok.txt" in out


@pytest.mark.slow
def test_series_on_seed_corpus_writes_reports_and_tables(seed_report: Path) -> None:
    html = {p.name for p in (seed_report / "html").glob("*.html")}
    assert {f"{p.stem}.html" for p in report.discover_notebooks()} <= html
    overview = (seed_report / "html" / "00-corpus-overview.html").read_text(encoding="utf-8")
    assert "Boilerplate audit" in overview and "Traceback" not in overview
    corpus = _table(seed_report, "corpus")
    assert corpus["doc_id"].tolist() == SEED_IDS
    assert corpus.set_index("doc_id")["outlet"].to_dict()["003_c32e65cbf677ca05"] == "RFI"
    assert corpus.set_index("doc_id")["translated"].tolist() == ["yes", "unclear", "no", "yes", "no"]
    paras = _table(seed_report, "paragraphs")
    assert list(paras.columns[:3]) == ["doc_id", "para_id", "text"]
    assert {"is_boilerplate", "boilerplate_kind", "rule"} <= set(paras.columns)
    assert len(paras) == 143 and paras["is_boilerplate"].sum() == 23
    assert paras.groupby("doc_id")["para_id"].max().tolist() == [25, 27, 13, 19, 54]
    mailchimp = paras[paras["text"].str.contains("mailchimp")]
    assert mailchimp[["is_boilerplate", "boilerplate_kind"]].values.tolist() == [[True, "newsletter"]]
    for fmt in ("png", "svg"):
        assert (seed_report / "figures" / f"00-document-lengths.{fmt}").stat().st_size > 1000


@pytest.mark.slow
def test_series_on_tiny_corpus_without_metadata(tiny_report: Path) -> None:
    corpus = _table(tiny_report, "corpus")
    assert sorted(corpus["doc_id"]) == ["report two", "third-article", "Жаңалықтар 1"]
    assert set(corpus["outlet"]) == {"unknown"}
    paras = _table(tiny_report, "paragraphs")
    flagged = paras[paras["is_boilerplate"]].set_index("doc_id")["rule"].to_dict()
    assert flagged == {"Жаңалықтар 1": "newsletter_signup", "third-article": "credit_reporting"}
    html = (tiny_report / "html" / "00-corpus-overview.html").read_text(encoding="utf-8")
    assert "&lt;i&gt;Bandits&lt;/i&gt; &amp; reform" in html and "<i>Bandits</i>" not in html


def test_console_script_is_installed() -> None:
    import sys

    script = Path(sys.executable).parent / "kzanalysis"  # beside the interpreter: venv, conda env or system
    if not script.exists():
        pytest.skip(f"no console script beside {sys.executable} (package not installed in this environment)")
    out = subprocess.run([str(script), "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "report" in out.stdout and "check" in out.stdout and "notebooks" in out.stdout


def test_show_table_escapes_and_keeps_full_text() -> None:
    long_text = "<b>" + "word " * 40 + "</b>"
    html = report.show_table(pd.DataFrame({"text": [long_text]})).data
    assert "&lt;b&gt;" in html and "<b>word" not in html
    assert ("word " * 40).strip() in html  # not cut at 50 characters


def test_notebook_parameters_reads_defaults_and_injected() -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "corpus_dir = None\nk_max = 8  # topics\nseed = 1 + 1", metadata={"tags": ["parameters"]})])
    assert report.notebook_parameters(nb, {"corpus_dir": "/c"}) == {"corpus_dir": "/c", "k_max": 8, "seed": "1 + 1"}


def test_plan_series_makes_table_readers_wait_for_earlier_notebooks(tmp_path: Path) -> None:
    for name, reads in [("00-a.ipynb", False), ("01-b.ipynb", False), ("02-c.ipynb", True), ("03-d.ipynb", False),
                        ("04-e.ipynb", True)]:
        nb = nbformat.v4.new_notebook(metadata={"kzanalysis": {"reads_tables": reads}})
        nbformat.write(nb, tmp_path / name)
    plan = report.plan_series(sorted(tmp_path.glob("*.ipynb"), reverse=True))
    assert [p.name for p in plan] == ["00-a.ipynb", "01-b.ipynb", "02-c.ipynb", "03-d.ipynb", "04-e.ipynb"]
    assert {p.name: [q.name for q in deps] for p, deps in plan.items()} == {
        "00-a.ipynb": [], "01-b.ipynb": [], "02-c.ipynb": ["00-a.ipynb", "01-b.ipynb"], "03-d.ipynb": [],
        # a reader waits for the readers before it too: it may read their tables
        "04-e.ipynb": ["00-a.ipynb", "01-b.ipynb", "02-c.ipynb", "03-d.ipynb"]}


@pytest.mark.slow
def test_every_report_states_provenance_and_index_links_all(seed_report: Path) -> None:
    for page in sorted((seed_report / "html").glob("*.html")):
        text = page.read_text(encoding="utf-8")
        assert "Provenance" in text and "corpus sha256" in text and "nltk data: punkt_tab" in text, page.name
        assert "Traceback" not in text and "Warning:" not in text, page.name
    index = (seed_report / "index.html").read_text(encoding="utf-8")
    for page in (seed_report / "html").glob("*.html"):
        assert f'href="html/{page.name}"' in index
    for figure in (seed_report / "figures").glob("*.png"):
        link = "src" if not figure.name.startswith("04-") else "href"  # publication copies: listed, not shown
        assert f'{link}="figures/{figure.name}"' in index
        assert index.count(f'src="figures/{figure.name}"') <= 1, "each figure is shown once"


@pytest.mark.slow
def test_two_runs_give_byte_identical_tables_and_figures(seed_report: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    again = tmp_path_factory.mktemp("seed-report-again")
    report.run_series(config.RAW_DIR, out=again)
    for folder in ("tables", "figures"):
        first = sorted(p.relative_to(seed_report) for p in (seed_report / folder).iterdir())
        second = sorted(p.relative_to(again) for p in (again / folder).iterdir())
        assert first == second and first
        changed = [str(p) for p in first if (seed_report / p).read_bytes() != (again / p).read_bytes()]
        assert not changed, f"files differ between two runs: {changed}"


def test_a_timed_out_notebook_is_reported_and_the_series_goes_on(tmp_path: Path) -> None:
    from conftest import two_notebook_series

    corpus, notebooks = two_notebook_series(tmp_path, {"00-slow.ipynb": "import time\ntime.sleep(120)",
                                                       "01-fine.ipynb": "x = 1"})
    # the time-out must leave room for the closing provenance cell (imports and loads the corpus: seconds on a cold
    # machine) and stay far below the slow cell
    runs = report.run_series(corpus, out=tmp_path / "out", notebooks=notebooks, jobs=1, timeout=20)
    assert runs["status"].tolist() == ["error", "ok"]
    assert runs.loc[0, "error"].startswith("CellTimeoutError")
    assert (tmp_path / "out" / "html" / "00-slow.html").exists() and (tmp_path / "out" / "index.html").exists()


def test_provenance_names_at_most_twenty_files_but_hashes_all() -> None:
    import pandas as pd

    corpus = pd.DataFrame({"file": [f"f{i:03d}.txt" for i in range(25)], "text": ["x"] * 25})
    facts = report.provenance(corpus).set_index("item")["value"]
    assert facts["corpus files"].endswith("f019.txt, ... (5 more)")
    changed = report.provenance(corpus.assign(text=["x"] * 24 + ["y"])).set_index("item")["value"]
    assert changed["corpus sha256"] != facts["corpus sha256"]


def test_kernels_run_without_progress_bars_and_caller_env_is_untouched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    monkeypatch.delenv("KZANALYSIS_PROGRESS", raising=False)
    from conftest import run_in_kernel

    run = run_in_kernel(tmp_path, "import os\nassert os.environ['KZANALYSIS_PROGRESS'] == '0'")
    assert run["status"] == "ok", run["error"]
    assert "KZANALYSIS_PROGRESS" not in os.environ


@pytest.mark.slow
def test_series_on_a_one_document_corpus_says_what_it_cannot_compute(tmp_path: Path) -> None:
    corpus = tmp_path / "one doc"
    corpus.mkdir()
    (corpus / "only one.txt").write_bytes((config.RAW_DIR / "002_f6fac79b3e52d7e7.txt").read_bytes())
    runs = report.run_series(corpus, out=tmp_path / "out")
    assert runs["status"].tolist() == ["ok"] * len(runs), runs[["notebook", "error"]].to_string()
    similarity = _table(tmp_path / "out", "doc_similarity")
    assert similarity.empty and {"doc_a", "doc_b", "relation"} <= set(similarity.columns)
    figures = pd.read_csv(tmp_path / "out" / "tables" / "figures.csv", keep_default_na=False)
    assert "figures/04-similarity.png" not in set(figures["file"])
    html = (tmp_path / "out" / "html" / "04-exported-figures.html").read_text(encoding="utf-8")
    assert "not drawn: the corpus has fewer than two documents" in html


def test_read_table_of_a_missing_report_names_it_and_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"tables/corpus\.csv does not exist"):
        report.read_table("corpus", out_dir=tmp_path / "nowhere")
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://x","click")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1)",
                                  "\tx", "\rx", "'already quoted", "plain"])
def test_tables_neutralise_formula_cells_and_read_them_back_unchanged(tmp_path: Path, cell: str) -> None:
    table = pd.DataFrame({"doc_id": [cell], "text": [cell], "n": [-1]})
    path = report.write_table(table, "t", out_dir=tmp_path)
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, lineterminator="\n")
    written = raw.loc[0, "text"]
    assert not written.startswith(("=", "+", "-", "@", "\t", "\r")), written
    assert raw.loc[0, "n"] == "-1"  # numbers stay numbers
    back = report.read_table("t", out_dir=tmp_path)
    assert back.loc[0, "text"] == cell and back.loc[0, "doc_id"] == cell


@pytest.mark.parametrize("dtype", ["str", "string[python]", "string[pyarrow]", object, "category"])
def test_formula_guard_is_the_same_for_every_kind_of_text_column(dtype: object) -> None:
    cells = ["=a", "'b", "''c", "plain", "", None, "-x", "\tz", "@", "\r", "+1", "é=", "'"]
    table = pd.DataFrame({"text": pd.Series(cells, dtype=dtype), "n": range(len(cells))})
    guarded = tables.neutralise_formulas(table)
    expected = [None if c is None else ("'" + c if c.startswith(("=", "+", "-", "@", "\t", "\r", "'")) else c)
                for c in cells]
    assert [None if pd.isna(v) else v for v in guarded["text"]] == expected
    assert list(map(str, guarded.dtypes)) == list(map(str, table.dtypes))  # a category column keeps its kind
    assert table["text"].tolist()[0] == "=a"  # a copy: the input unchanged
    assert tables.restore_formulas(guarded).equals(table)


@pytest.mark.parametrize("doc_id", ["../x", "https://example.org/a?b=c", "a b/c"])
def test_figure_file_names_from_ids_stay_inside_figures_and_unique(tmp_path: Path, doc_id: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from kzanalysis import plots

    fig, _ = plt.subplots()
    written = plots.save_figure(fig, f"01-alignment-{doc_id}-b", out_dir=tmp_path)
    plt.close(fig)
    for path in written:
        assert path.parent == tmp_path / "figures" and path.exists()
    assert plots.figure_file_stem(f"01-alignment-{doc_id}-b") != plots.figure_file_stem("01-alignment-x-b")


def test_out_on_a_folder_that_cannot_be_written_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Fine text.\n", encoding="utf-8")
    assert main(["report", "--corpus", str(corpus), "--out", "/proc/kz-report"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kzanalysis: --out /proc/kz-report: cannot write in") and err.count("\n") == 1


def test_kernels_run_with_one_blas_thread_unless_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    from conftest import run_in_kernel

    run = run_in_kernel(tmp_path, "import os\nassert os.environ['OPENBLAS_NUM_THREADS'] == '1'\n"
                                  "assert os.environ['OMP_NUM_THREADS'] == '2'")
    assert run["status"] == "ok", run["error"]


def test_each_kernel_and_its_workers_are_named_by_their_notebook(tmp_path: Path) -> None:
    """A monitor (benchmarks/series_scale.py) tells a run's processes apart by report.NOTEBOOK_VARIABLE."""
    from conftest import two_notebook_series

    code = ("import os\nfrom joblib import Parallel, delayed\n"
            "name = os.environ['{var}']\n"
            "assert name == '{{}}', name\n"
            "assert Parallel(n_jobs=2)(delayed(os.getenv)('{var}') for _ in range(2)) == [name] * 2\n").format(
                var=report.NOTEBOOK_VARIABLE)
    corpus, notebooks = two_notebook_series(tmp_path, {n: code.format(n) for n in ("00-a.ipynb", "01-b.ipynb")})
    runs = report.run_series(corpus, out=tmp_path / "out", notebooks=notebooks, jobs=2)
    assert runs["status"].tolist() == ["ok", "ok"], runs["error"].tolist()
    assert report.NOTEBOOK_VARIABLE not in os.environ  # the caller's own environment is untouched


def test_kernels_side_by_side_share_the_cores_unless_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two kernels at once on a machine of n cores: n_jobs=-1 inside each means n // 2 workers (one at least), so a
    notebook's own workers do not compete with the other kernel; a LOKY_MAX_CPU_COUNT the caller set is kept."""
    import os

    from conftest import two_notebook_series

    monkeypatch.delenv("LOKY_MAX_CPU_COUNT", raising=False)
    share = max(1, (os.cpu_count() or 1) // 2)
    code = ("import os\nfrom kzanalysis import parallel\n"
            f"assert os.environ['LOKY_MAX_CPU_COUNT'] == '{share}', os.environ.get('LOKY_MAX_CPU_COUNT')\n"
            f"assert parallel.workers(-1, 10_000, min_items=1) == {share}")
    corpus, notebooks = two_notebook_series(tmp_path, {"00-a.ipynb": code, "01-b.ipynb": code})
    runs = report.run_series(corpus, out=tmp_path / "out", notebooks=notebooks, jobs=2)
    assert runs["status"].tolist() == ["ok", "ok"], runs["error"].tolist()
    monkeypatch.setenv("LOKY_MAX_CPU_COUNT", "3")
    from conftest import run_in_kernel

    (tmp_path / "asked").mkdir()
    run = run_in_kernel(tmp_path / "asked", "import os\nassert os.environ['LOKY_MAX_CPU_COUNT'] == '3'")
    assert run["status"] == "ok", run["error"]



def test_a_notebook_nothing_can_run_beside_gets_every_core(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two kernels at once share the cores; a notebook that waits for both (it reads their tables), and so runs
    alone, gets every core rather than leaving half of them idle."""
    from conftest import two_notebook_series

    monkeypatch.delenv("LOKY_MAX_CPU_COUNT", raising=False)
    cores = os.cpu_count() or 1

    def check(n: int) -> str:
        return f"import os\nassert os.environ['LOKY_MAX_CPU_COUNT'] == '{n}', os.environ['LOKY_MAX_CPU_COUNT']"

    share = max(1, cores // 2)
    corpus, notebooks = two_notebook_series(tmp_path, {"00-a.ipynb": check(share), "01-b.ipynb": check(share),
                                                       "02-c.ipynb": check(cores)})
    reader = nbformat.read(notebooks[2], as_version=4)
    reader.metadata["kzanalysis"] = {"reads_tables": True}
    nbformat.write(reader, notebooks[2])
    runs = report.run_series(corpus, out=tmp_path / "out", notebooks=notebooks, jobs=2)
    assert runs["status"].tolist() == ["ok", "ok", "ok"], runs["error"].tolist()

def test_a_reader_of_named_tables_starts_once_they_are_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A notebook that names the tables it reads (``"reads_tables": ["t"]``) starts as soon as they are written,
    while the notebook that writes them still runs: here the writer then waits for the reader to start, which a
    runner that waited for the writer to finish would never do (the writer fails). The writer shares the cores
    with the reader that may start beside it. One that names a table nobody writes runs once the notebooks before
    it are done."""
    from conftest import two_notebook_series

    monkeypatch.delenv("LOKY_MAX_CPU_COUNT", raising=False)
    share = max(1, (os.cpu_count() or 1) // 2)
    started = tmp_path / "reader-started"
    writer = ("import os, time\nfrom pathlib import Path\nimport pandas as pd\nfrom kzanalysis import report\n"
              f"assert os.environ['LOKY_MAX_CPU_COUNT'] == '{share}', os.environ['LOKY_MAX_CPU_COUNT']\n"
              "report.write_table(pd.DataFrame({'doc_id': ['a']}), 't', out_dir=out_dir)\n"
              f"deadline = time.time() + 120\nwhile not Path({str(started)!r}).exists():\n"
              "    assert time.time() < deadline, 'the reader did not start while the writer ran'\n"
              "    time.sleep(0.2)\n")
    reader = ("from pathlib import Path\nfrom kzanalysis import report\n"
              "assert report.read_table('t', out_dir=out_dir)['doc_id'].tolist() == ['a']\n"
              f"Path({str(started)!r}).touch()\n")
    corpus, notebooks = two_notebook_series(tmp_path, {"00-w.ipynb": writer, "01-r.ipynb": reader,
                                                       "02-n.ipynb": "assert True"})
    for notebook, names in zip(notebooks[1:], (["t"], ["never-written"])):
        nb = nbformat.read(notebook, as_version=4)
        nb.metadata["kzanalysis"] = {"reads_tables": names}
        nbformat.write(nb, notebook)
    assert [report.tables_read(p) for p in notebooks] == [None, ["t"], ["never-written"]]
    runs = report.run_series(corpus, out=tmp_path / "out", notebooks=notebooks, jobs=2)
    assert runs["status"].tolist() == ["ok", "ok", "ok"], runs["error"].tolist()


def test_a_corpus_too_large_for_kernels_side_by_side_runs_them_one_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """By default the runner takes fewer kernels when that many, each needing ``runner.kernel_bytes`` of the shared
    inputs, would not fit in the memory available; a kernel alone gets every core. ``jobs`` given is kept."""
    pytest.importorskip("pyarrow")
    from conftest import two_notebook_series
    from kzanalysis.report import runner

    monkeypatch.delenv("LOKY_MAX_CPU_COUNT", raising=False)
    monkeypatch.setattr(runner, "memory_available", lambda: 1_000)  # less than any corpus's shared inputs
    cores = os.cpu_count() or 1
    code = f"import os\nassert os.environ['LOKY_MAX_CPU_COUNT'] == '{cores}', os.environ['LOKY_MAX_CPU_COUNT']"
    corpus, notebooks = two_notebook_series(tmp_path, {"00-a.ipynb": code, "01-b.ipynb": code})
    runs = report.run_series(corpus, out=tmp_path / "out", notebooks=notebooks)
    assert runs["status"].tolist() == ["ok", "ok"], runs["error"].tolist()
    assert report.kernels_at_once(4, None, available=1_000) == report.kernels_at_once(4, 10, available=None) == 4
    assert report.kernels_at_once(4, 10**9, available=1_000) == 1


def test_kernels_use_arrows_jemalloc_unless_the_caller_names_an_allocator(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """pandas' text lives in Arrow arrays: the runner's kernels use Arrow's jemalloc, which gives freed memory back,
    where this pyarrow has it; an allocator named in the caller's environment is kept."""
    pa = pytest.importorskip("pyarrow")
    from conftest import two_notebook_series

    try:
        pa.jemalloc_memory_pool()
    except NotImplementedError:
        pytest.skip("this pyarrow has no jemalloc")
    check = "import pyarrow\nassert pyarrow.default_memory_pool().backend_name == {!r}, pyarrow.default_memory_pool()"
    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL", raising=False)
    (tmp_path / "a").mkdir(), (tmp_path / "b").mkdir()
    corpus, notebooks = two_notebook_series(tmp_path / "a", {"00-a.ipynb": check.format("jemalloc")})
    runs = report.run_series(corpus, out=tmp_path / "a" / "out", notebooks=notebooks)
    assert runs["status"].tolist() == ["ok"], runs["error"].tolist()
    monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "system")
    corpus, notebooks = two_notebook_series(tmp_path / "b", {"00-a.ipynb": check.format("system")})
    runs = report.run_series(corpus, out=tmp_path / "b" / "out", notebooks=notebooks)
    assert runs["status"].tolist() == ["ok"], runs["error"].tolist()


def test_the_body_a_run_shares_is_recognised_from_hashes_made_chunk_by_chunk(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Notebooks ask whether their units are the run's whole body before reading a shared table: the sharing step
    stores one hash per body unit (``body_rows``), made chunk by chunk, which must equal the hashes of the body a
    notebook makes from the shared paragraphs; without them the body is made again (an older folder)."""
    pytest.importorskip("pyarrow")
    monkeypatch.setattr(report.shared, "CHUNK_DOCS", 2)  # the five seed articles in three chunks
    folder = report.share_inputs(config.RAW_DIR, out_dir=tmp_path)
    inputs = report.run_inputs(config.RAW_DIR, out_dir=tmp_path)
    units = kz.body_paragraphs(inputs.paragraphs())
    stored = pd.read_parquet(folder / "body_rows.parquet")["row_hash"].to_numpy()
    np.testing.assert_array_equal(stored, report.shared._fingerprint(units))
    assert inputs._whole_body(units)
    assert not inputs._whole_body(units.rename(columns={"text": "body"}))  # the column names count
    assert not inputs._whole_body(units.iloc[1:]) and not inputs._whole_body(units.iloc[::-1])
    edited = units.copy()
    edited.loc[3, "text"] += " "
    assert not inputs._whole_body(edited)
    assert inputs._whole_body(units.set_axis(range(10, 10 + len(units))))  # the index does not
    pd.DataFrame({"row_hash": stored + np.uint64(1)}).to_parquet(folder / "body_rows.parquet")  # read, not remade
    assert not report.run_inputs(config.RAW_DIR, out_dir=tmp_path)._whole_body(units)
    (folder / "body_rows.parquet").unlink()
    assert report.run_inputs(config.RAW_DIR, out_dir=tmp_path)._whole_body(units)


def test_shared_inputs_are_read_only_for_the_corpus_they_were_made_from(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    folder = report.share_inputs(config.RAW_DIR, out_dir=tmp_path)
    shared = report.run_inputs(config.RAW_DIR, out_dir=tmp_path)
    here = report.run_inputs(config.RAW_DIR)
    assert shared.folder == folder and here.folder is None
    pd.testing.assert_frame_equal(shared.corpus, here.corpus)
    pd.testing.assert_frame_equal(shared.paragraphs(), here.paragraphs())
    units = kz.body_paragraphs(here.paragraphs())
    pd.testing.assert_frame_equal(shared.tokens(units), kz.tokens(units))
    pd.testing.assert_frame_equal(shared.tokens(units, columns=["stem", "doc_id"]),
                                  kz.tokens(units)[["stem", "doc_id"]])
    for inputs in (shared, here):  # read compact from the file, or made compact here
        pd.testing.assert_frame_equal(inputs.tokens(units, compact=True), kz.compact_tokens(kz.tokens(units)))
        pd.testing.assert_frame_equal(inputs.tokens(units, columns=["lower", "start"], compact=True),
                                      kz.compact_tokens(kz.tokens(units)[["lower", "start"]]))
    mine = shared.tokens(units)
    mine.loc[:, "stem"] = "changed"  # each caller gets its own table
    pd.testing.assert_frame_equal(shared.tokens(units), kz.tokens(units))
    pd.testing.assert_frame_equal(shared.sentences(units), kz.sentences(units))
    pd.testing.assert_frame_equal(shared.document_counts(units), here.document_counts(units))
    assert (here.document_counts(units)["tokens"] > 0).all()
    pd.testing.assert_frame_equal(shared.quotes(units), kz.quotes(units))
    pd.testing.assert_frame_equal(shared.citations(units), kz.citations(units))
    assert len(kz.quotes(units)) and len(kz.citations(units))
    for name in ("quotes", "citations"):  # read from the shared file, not computed again
        pd.read_parquet(folder / f"{name}.parquet").iloc[:1].to_parquet(folder / f"{name}.parquet")
    assert len(shared.quotes(units)) == len(shared.citations(units)) == 1
    # rows of the run's corpus: their paragraphs are read from the shared file
    stored = pd.read_parquet(folder / "paragraphs.parquet")
    stored.assign(text="read from the file").to_parquet(folder / "paragraphs.parquet")
    assert set(shared.paragraphs(here.corpus.iloc[[0, 3]])["text"]) == {"read from the file"}
    stored.to_parquet(folder / "paragraphs.parquet")
    # other arguments, other units, a corpus that is not rows of the run's: computed, never the shared tables
    assert report.run_inputs(config.RAW_DIR, out_dir=tmp_path, metadata=config.RAW_DIR / "metadata.csv").folder is None
    subset = here.corpus.iloc[[0, 3]]  # (shared, above) the same as splitting them
    pd.testing.assert_frame_equal(shared.paragraphs(subset), kz.paragraphs(subset))
    other = subset.assign(text=subset["text"] + "\n\nOne paragraph more.")
    pd.testing.assert_frame_equal(shared.paragraphs(other), kz.paragraphs(other))
    pd.testing.assert_frame_equal(shared.tokens(units.iloc[:3]), kz.tokens(units.iloc[:3]))
    edited = units.copy()
    edited.loc[edited.index[-1], "text"] += " One word more."  # the same rows, one text changed
    pd.testing.assert_frame_equal(shared.tokens(edited), kz.tokens(edited))
    assert not shared._cache  # shared tables are read at each call, never kept besides the caller's copy
    # a table an earlier notebook of the same run wrote, about the same documents; none outside a run
    report.write_table(pd.DataFrame({"doc_id": list(here.corpus["doc_id"]), "story_id": "s"}), "stories",
                       out_dir=tmp_path)
    assert shared.earlier_table("stories", here.corpus["doc_id"])["story_id"].tolist() == ["s"] * len(here.corpus)
    assert shared.earlier_table("stories", here.corpus["doc_id"][:2]) is None
    assert here.earlier_table("stories", here.corpus["doc_id"]) is None
    # an interrupted share (no key written) is not read
    (folder / "inputs.json").unlink()
    assert report.run_inputs(config.RAW_DIR, out_dir=tmp_path).folder is None


def test_inputs_shared_from_a_child_process_are_written_and_its_errors_reach_the_runner(tmp_path: Path) -> None:
    from kzanalysis.report.runner import _apart, _share_inputs_in

    assert _apart(len, [1, 2]) == 2
    _apart(_share_inputs_in, None, config.RAW_DIR, out_dir=tmp_path / "run")
    assert report.run_inputs(config.RAW_DIR, out_dir=tmp_path / "run").folder == tmp_path / "run" / "shared"
    with pytest.raises(Exception, match="no-such-corpus"):
        _apart(_share_inputs_in, None, tmp_path / "no-such-corpus", out_dir=tmp_path / "other")
    assert not (tmp_path / "other" / "shared" / "inputs.json").exists()
    with pytest.raises(Exception, match="(?s)terminated.*SIGABRT"):
        _apart(os.abort)  # a child that dies (as the out-of-memory killer's SIGKILL does) is an error, not a wait


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="chunks are made in worker processes only with 2+ cores")
def test_shared_tables_written_chunk_by_chunk_are_those_of_the_whole_corpus(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq
    from kzanalysis.report import shared

    corpus = kz.load_corpus()
    [whole] = list(shared._shared_chunks(corpus, n_jobs=1))
    assert list(whole) == ["paragraphs", "tokens", "sentences", "document_counts", "quotes", "citations", "body_rows"]
    units = kz.body_paragraphs(kz.paragraphs(corpus))
    np.testing.assert_array_equal(whole["body_rows"]["row_hash"], shared._fingerprint(units))
    pd.testing.assert_frame_equal(whole["paragraphs"], kz.paragraphs(corpus))
    pd.testing.assert_frame_equal(whole["tokens"], kz.tokens(units))
    pd.testing.assert_frame_equal(whole["sentences"], kz.sentences(units))
    pd.testing.assert_frame_equal(whole["document_counts"],
                                  kz.tokenize.document_counts(units, kz.sentences(units), kz.tokens(units)))
    pd.testing.assert_frame_equal(whole["quotes"], kz.quotes(units))
    pd.testing.assert_frame_equal(whole["citations"], kz.citations(units))
    monkeypatch.setattr(shared, "PARALLEL_MIN_DOCS", 0)
    monkeypatch.setattr(shared, "CHUNK_DOCS", 2)  # two documents per chunk, in worker processes
    folder = shared.share_inputs(config.RAW_DIR, out_dir=tmp_path)
    for name, table in whole.items():
        assert pq.ParquetFile(folder / f"{name}.parquet").num_row_groups > 1  # a row group per chunk, as they came
        pd.testing.assert_frame_equal(pd.read_parquet(folder / f"{name}.parquet"), table)
    pd.testing.assert_frame_equal(pd.read_parquet(folder / "corpus.parquet"), corpus)
    in_memory = sum(int(t.memory_usage(deep=True, index=False).sum()) for t in [corpus, *whole.values()])
    assert shared.shared_bytes(folder) == pytest.approx(in_memory, rel=0.01)
    assert shared.shared_bytes(tmp_path / "nothing-shared") is None


def test_shared_sentences_are_given_only_for_the_whole_body_and_the_splitter_they_were_split_with(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytest.importorskip("pyarrow")
    import kzanalysis.tokenize

    report.share_inputs(config.RAW_DIR, out_dir=tmp_path)
    inputs = report.run_inputs(config.RAW_DIR, out_dir=tmp_path)
    units = kz.body_paragraphs(inputs.paragraphs())
    expected = kz.sentences(units)
    with monkeypatch.context() as patch:  # read from the shared file, not split again
        patch.setattr(kzanalysis.tokenize, "sentences", lambda *a, **k: pytest.fail("split again"))
        shared = inputs.sentences(units)
    pd.testing.assert_frame_equal(shared, expected)
    used = shared["splitter"].iloc[0]
    other = "punkt_tab" if used == "punkt_abbrev" else "punkt_abbrev"
    assert inputs.sentences(units, splitter=used).equals(shared)
    if other == "punkt_abbrev":  # the other splitter is split anew (punkt_tab needs NLTK data this machine lacks)
        assert (inputs.sentences(units, splitter=other)["splitter"] == other).all()
    first = units[units["doc_id"] == units["doc_id"].iloc[0]]
    pd.testing.assert_frame_equal(inputs.sentences(first), kz.sentences(first))
    (tmp_path / "shared" / "sentences.parquet").unlink()  # a shared folder of a version that did not share them
    again = report.run_inputs(config.RAW_DIR, out_dir=tmp_path)
    pd.testing.assert_frame_equal(again.sentences(units), kz.sentences(units))


def test_a_run_s_notebooks_read_the_inputs_it_shared_and_the_report_keeps_none(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    from conftest import two_notebook_series

    code = ("import kzanalysis as kz\n"
            "inputs = kz.report.run_inputs(corpus_dir, metadata=metadata_file, text_column=text_column,\n"
            "                              id_column=id_column, out_dir=out_dir)\n"
            "assert inputs.folder is not None, 'this run shared no inputs'\n"
            "units = kz.body_paragraphs(inputs.paragraphs())\n"
            "assert inputs.tokens(units).equals(kz.tokens(units))")
    corpus, notebooks = two_notebook_series(tmp_path, {"00-shared.ipynb": code})
    runs = report.run_series(corpus, out=tmp_path / "out", notebooks=notebooks, jobs=1)
    assert runs["status"].tolist() == ["ok"], runs["error"].tolist()
    assert not (tmp_path / "out" / report.SHARED_FOLDER).exists()
