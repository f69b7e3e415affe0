"""Tests of how a report run writes: every figure shown, findings from the data, nothing half-replaced, quiet."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from kzanalysis import config, report

SEED_PHRASES = ("CNN", "IANS", "RFI", "Reuters", "Kootneeti", "Tokayev", "Nazarbayev", "Kremlin", "Xinhua",
                "Kazakhstan", "five articles", "On the seed corpus", "the two CNN")
"""Outlet names and phrases of the seed write-up: none may appear in a report of another corpus."""


def _files(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _images(html: str) -> int:
    return len(re.findall(r'<img[^>]+src="data:image/png;base64', html))


@pytest.mark.slow
def test_make_report_embeds_every_figure_a_notebook_saves(seed_report: Path) -> None:
    for page in sorted((seed_report / "html").glob("*.html")):
        saved = len(list((seed_report / "figures").glob(f"{page.stem[:3]}*.png")))
        shown = _images(page.read_text(encoding="utf-8"))
        assert saved and shown >= saved, f"{page.name}: saves {saved} figures, shows {shown}"


@pytest.mark.slow
def test_reports_are_quiet_and_name_no_path_of_this_machine(seed_report: Path) -> None:
    for page in sorted((seed_report / "html").glob("*.html")):
        text = page.read_text(encoding="utf-8")
        for noise in ("Warning", "eavesdropping", "IProgress", "PosixPath", "Traceback", str(seed_report),
                      str(config.PROJECT_ROOT)):
            assert noise not in text, f"{page.name} shows {noise!r}"


@pytest.mark.slow
def test_index_gives_each_notebook_its_question_and_findings(seed_report: Path) -> None:
    index = (seed_report / "index.html").read_text(encoding="utf-8")
    assert index.count("<strong>Question.</strong>") == len(report.discover_notebooks())
    for executed in sorted((seed_report / "notebooks").glob("*.ipynb")):
        headlines = report.index.notebook_headlines(nbformat.read(executed, as_version=4))
        assert headlines, f"{executed.name} displayed no findings"
        assert report.index.inline_markdown(headlines[0]) in index
    assert "corpus sha256" in index and "data/raw" in index
    assert "1 <code>near_duplicate</code>" in (seed_report / "html" / "01-source-overlap.html").read_text(encoding="utf-8")
    assert "1 <code>near_duplicate</code>" in index


@pytest.mark.slow
def test_findings_on_another_corpus_state_its_facts_and_no_seed_sentence(facts_corpus: Path, tiny_report: Path,
                                                                          tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(tiny_report, out)  # a previous report of another corpus in the same folder
    (out / "README.md").write_text("my notes\n", encoding="utf-8")
    started = time.time()
    runs = report.run_series(facts_corpus, out=out)
    assert runs["status"].tolist() == ["ok"] * len(runs), runs[["notebook", "error"]].to_string()
    leftovers = [name for name in _files(out) if (out / name).stat().st_mtime < started - 1 and name != "README.md"]
    assert not leftovers, f"files of the first report left: {leftovers}"
    assert (out / "README.md").read_text(encoding="utf-8") == "my notes\n"
    html = {p.name: p.read_text(encoding="utf-8") for p in (out / "html").glob("*.html")}
    overlap, framing = html["01-source-overlap.html"], html["03-framing-terms.html"]
    assert "0 <code>near_duplicate</code>" in overlap and "No pair is a near duplicate" in overlap
    assert "1 <code>shared_passages</code>" in overlap and "harbour board restores the night shift" in overlap
    assert "In its own voice: Harbour Gazette (1 of 1)" in framing
    assert "Only inside quotations: Coastal Wire (1)" in framing and "Never: Dock Radio" in framing
    claims_page = html["05-claims-and-sources.html"]
    assert "detained pickets: 12 (Harbour Gazette; officers) vs 30 (Coastal Wire; Police)" in claims_page
    for page in [*html.values(), (out / "index.html").read_text(encoding="utf-8")]:
        words = re.sub(r"data:image/[^\"')]+", "", page)  # embedded images are base64, not prose
        found = [phrase for phrase in SEED_PHRASES if re.search(rf"\b{re.escape(phrase)}\b", words)]
        assert not found, f"seed write-up in a report of another corpus: {found}"


@pytest.mark.slow
@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_a_killed_run_leaves_the_previous_report_as_it_was(how: int, tiny_report: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(tiny_report, out)
    before = _files(out)
    command = [sys.executable, "-m", "kzanalysis.cli", "report", "--corpus", str(config.RAW_DIR), "--out", str(out)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while not list(tmp_path.glob("out.partial-*/html/*.html")) and time.time() < deadline:
        time.sleep(0.2)  # kernels are running and have written something
    process.send_signal(how)
    _, err = process.communicate(timeout=60)
    time.sleep(3)  # kernels notice their parent is gone within a second or two
    partial = next(tmp_path.glob("out.partial-*"))
    settled = _files(partial)
    time.sleep(4)
    assert _files(out) == before, "the previous report changed"
    assert _files(partial) == settled, "something kept writing after the command ended"
    if how == signal.SIGTERM:
        assert process.returncode == 130 and "was left as it was" in err and err.count("\n") == 1, err
    assert not (tmp_path / ".out.lock").exists() or how == signal.SIGKILL


def test_out_is_checked_before_any_notebook_starts(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Fine text.\n", encoding="utf-8")
    (tmp_path / "file.txt").write_text("x", encoding="utf-8")
    mine = tmp_path / "mine"
    (mine / "tables").mkdir(parents=True)
    cases = {corpus / "reports": "inside the corpus folder", tmp_path / "file.txt": "is a file",
             mine: "is not a kzanalysis report", tmp_path: "contains the corpus folder"}
    for out, message in cases.items():
        with pytest.raises(report.ReportError, match=message):
            report.run_series(corpus, out=out)
    assert not (corpus / "reports").exists() and not list(tmp_path.glob("*.partial-*"))


def test_a_second_run_into_the_same_folder_is_refused(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Fine text.\n", encoding="utf-8")
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        (tmp_path / ".out.lock").write_text(str(holder.pid), encoding="utf-8")
        with pytest.raises(report.ReportError, match=f"another kzanalysis report \\(pid {holder.pid}\\)"):
            report.run_series(corpus, out=tmp_path / "out")
    finally:
        holder.kill()
        holder.wait()


def test_kernels_get_the_inline_backend_whatever_the_caller_sets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MPLBACKEND", "Agg")
    from conftest import run_in_kernel

    run = run_in_kernel(tmp_path, "import matplotlib\nassert 'inline' in matplotlib.get_backend(), matplotlib.get_backend()")
    assert run["status"] == "ok", run["error"]
    assert os.environ["MPLBACKEND"] == "Agg"


def test_display_path_never_shows_an_absolute_path() -> None:
    assert report.display_path(config.RAW_DIR, start=config.PROJECT_ROOT) == "data/raw"
    assert report.display_path("/somewhere/else/corpus", start=config.PROJECT_ROOT) == ".../corpus"


@pytest.mark.slow
def test_series_on_hostile_names_formula_cells_and_one_line_articles(tmp_path: Path) -> None:
    corpus = tmp_path / "hostile"
    corpus.mkdir()
    seeds = sorted(config.RAW_DIR.glob("*.txt"))
    texts = [p.read_text(encoding="utf-8").replace("\n", " ") for p in seeds[:2]]  # one article per line
    texts.append('=HYPERLINK("http://x","click") Officials blamed terrorists for the unrest, police said.\n'
                 "@SUM(1) Protesters said they wanted lower fuel prices.\n")
    ids = ["../x", "https://example.org/a?b=c", "+cmd|' /C calc'!A0"]
    rows = ["doc_id;file;Outlet"]
    for i, (doc_id, text) in enumerate(zip(ids, texts)):
        (corpus / f"a{i}.txt").write_text(text, encoding="utf-8")
        rows.append(f"{doc_id};a{i}.txt;=cmd outlet {i}")
    (corpus / "metadata.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    runs = report.run_series(corpus, out=out)
    assert runs["status"].tolist() == ["ok"] * len(runs), runs[["notebook", "error"]].to_string()
    assert all(p.parent == out / "figures" for p in (out / "figures").iterdir())
    assert not (tmp_path / "x-ians.png").exists() and not list(tmp_path.glob("*.png"))
    lengths = report.read_table("corpus", out_dir=out).set_index("doc_id")["body_words"]
    assert (lengths.loc[ids[:2]] > 300).all(), "a one-line article lost its body"
    for table in (out / "tables").glob("*.csv"):
        raw = table.read_text(encoding="utf-8")
        assert not re.search(r'(^|,)"?[=+@]', raw, flags=re.M), f"{table.name} has a formula cell"
    assert report.read_table("corpus", out_dir=out)["doc_id"].tolist() == sorted(ids)
    from urllib.parse import unquote

    index = (out / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'(?:href|src)="([^"]+)"', index)
    assert any(link.startswith("figures/01-alignment-") for link in links)
    for link in links:  # every link of the index is a file of the report
        target = (out / unquote(link)).resolve()
        assert target.is_relative_to(out.resolve()) and target.exists(), link


def test_a_kernel_that_dies_is_named_with_its_notebook_and_the_rest_still_run(tmp_path: Path) -> None:
    from conftest import two_notebook_series

    corpus, notebooks = two_notebook_series(tmp_path, {
        "00-dies.ipynb": "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)", "01-fine.ipynb": "x = 1"})
    runs = report.run_series(corpus, out=tmp_path / "out", notebooks=notebooks, jobs=1)
    assert runs["status"].tolist() == ["error", "ok"]
    assert runs.loc[0, "error"].startswith("DeadKernelError")
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "1 of 2 notebooks failed" in index and "00-dies (DeadKernelError" in index


@pytest.mark.slow
def test_series_on_web_pages_and_on_a_csv_export(tmp_path: Path) -> None:
    from conftest import FACTS_TEXTS

    outlets = {"gazette-1.txt": "Harbour Gazette", "wire-2.txt": "Coastal Wire", "radio-3.txt": "Dock Radio"}
    pages = tmp_path / "pages"
    pages.mkdir()
    rows = ["id,title,media_name,text"]
    for i, (name, text) in enumerate(FACTS_TEXTS.items()):
        body = "".join(f"<p>{line}</p>" for line in text.strip().split("\n"))
        (pages / name.replace(".txt", ".html")).write_text(
            f"<html><head><title>Strike {i}</title><meta property='og:site_name' content='{outlets[name]}'></head>"
            f"<body><nav>Home | Ports | Skip to main content</nav><article><h1>Strike {i}</h1>{body}</article>"
            "<footer>Privacy policy · Terms of use</footer></body></html>", encoding="utf-8")
        quoted = text.strip().replace('"', '""')
        rows.append(f'{i},Strike {i},{outlets[name]},"{quoted}"')
    export = tmp_path / "export.csv"
    export.write_text("\n".join(rows) + "\n", encoding="utf-8")
    for corpus, out in ((pages, tmp_path / "out-pages"), (export, tmp_path / "out-export")):
        runs = report.run_series(corpus, out=out)
        assert runs["status"].tolist() == ["ok"] * len(runs), runs[["notebook", "error"]].to_string()
        table = report.read_table("corpus", out_dir=out)
        assert sorted(table["outlet"]) == sorted(outlets.values())
        framing = (out / "html" / "03-framing-terms.html").read_text(encoding="utf-8")
        assert "In its own voice: Harbour Gazette" in framing
    assert "web page extractor" in (tmp_path / "out-pages" / "html" / "00-corpus-overview.html").read_text(encoding="utf-8")


GERMAN = ("Die Hafenarbeiter streiken seit Montag, der Containerverkehr am nördlichen Terminal steht still.\n"
          "Nach Angaben der Polizei wurden am 2. Januar 2022 insgesamt 45 Streikposten festgenommen.\n"
          "Die Gewerkschaft erklärte, der Streik werde fortgesetzt, bis die Nachtschichtzulage wieder gezahlt werde.\n")
ITALIAN = ("I portuali sono in sciopero da lunedì e il traffico dei container al terminal nord è fermo.\n"
           "Secondo la polizia, il 2 gennaio 2022 sono stati fermati 45 picchetti davanti al cancello principale.\n"
           "Il sindacato ha dichiarato che lo sciopero continuerà finché non sarà ripristinata l'indennità notturna.\n")


@pytest.mark.slow
def test_series_on_a_mixed_language_folder_analyses_english_only_and_says_so(facts_corpus: Path, tmp_path: Path) -> None:
    corpus = tmp_path / "mixed"
    shutil.copytree(facts_corpus, corpus)
    (corpus / "zeitung-4.txt").write_text(GERMAN, encoding="utf-8")
    (corpus / "giornale-5.txt").write_text(ITALIAN, encoding="utf-8")
    with (corpus / "metadata.csv").open("a", encoding="utf-8") as handle:
        handle.write("zeitung-4,zeitung-4.txt,Hafenzeitung\ngiornale-5,giornale-5.txt,Giornale del Porto\n")
    out = tmp_path / "out"
    runs = report.run_series(corpus, out=out)
    assert runs["status"].tolist() == ["ok"] * len(runs), runs[["notebook", "error"]].to_string()
    languages = report.read_table("corpus", out_dir=out).set_index("doc_id")["detected_language"].to_dict()
    assert languages == {"gazette-1": "en", "wire-2": "en", "radio-3": "en", "zeitung-4": "de", "giornale-5": "it"}
    for table in ("claims", "frame_terms", "sources", "kwic"):
        ids = set(report.read_table(table, out_dir=out)["doc_id"])
        assert not ids & {"zeitung-4", "giornale-5"}, f"{table} matched English patterns in another language"
    assert set(report.read_table("paragraph_topics", out_dir=out)["doc_id"]) >= {"zeitung-4", "giornale-5"}
    for page in ("03-framing-terms.html", "05-claims-and-sources.html"):
        text = (out / "html" / page).read_text(encoding="utf-8")
        assert "2 documents not analysed here, in de (1) and it (1)" in text, page
