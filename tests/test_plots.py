"""Tests of the figures stage: colours, byte-stable exports, publication figures from tables."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from kzanalysis import plots, report  # noqa: E402


def test_outlet_colors_are_fixed_by_name_and_unknown_is_grey() -> None:
    first = plots.outlet_colors(["RFI", "CNN", "IANS"])
    assert first == plots.outlet_colors(["IANS", "CNN", "RFI", "CNN"])
    assert first["CNN"] == plots.PALETTE[0] and plots.outlet_colors(["unknown"]) == {"unknown": plots.UNKNOWN_COLOR}


def test_save_figure_is_byte_identical_and_has_no_timestamp(tmp_path: Path) -> None:
    plots.use_style()
    written = []
    for run in range(2):
        fig, ax = plt.subplots()
        ax.plot([0, 1], [1, 0], label="x")
        ax.legend()
        written.append([p.read_bytes() for p in plots.save_figure(fig, f"f{run}", out_dir=tmp_path)])
        plt.close(fig)
    assert written[0] == written[1]
    svg = written[0][1].decode("utf-8")
    assert "<dc:date>" not in svg and "Matplotlib v" not in svg


def test_publication_figure_says_why_when_a_table_is_missing(tmp_path: Path) -> None:
    exported = plots.publication_figure("similarity", out_dir=tmp_path)
    assert exported.files == () and "doc_similarity.csv does not exist" in exported.problem
    assert "not drawn" in exported._repr_html_()
    assert plots.figure_catalog([exported]).empty


def test_publication_figure_from_tables_writes_png_and_svg(tmp_path: Path) -> None:
    corpus = pd.DataFrame({"doc_id": ["a", "b"], "outlet": ["X", "Y"], "body_words": [100, 250],
                           "boilerplate_share": [0.0, 0.5]})
    report.write_table(corpus, "corpus", out_dir=tmp_path)
    exported = plots.publication_figure("corpus", out_dir=tmp_path)
    assert [p.name for p in exported.files] == ["04-corpus.png", "04-corpus.svg"]
    assert "2 articles" in exported.caption
    catalog = plots.figure_catalog([exported])
    assert catalog["file"].tolist() == ["figures/04-corpus.png", "figures/04-corpus.svg"]
    assert set(catalog["source_notebook"]) == {"00-corpus-overview"}


@pytest.mark.slow
def test_seed_report_exports_every_publication_figure(seed_report: Path) -> None:
    catalog = pd.read_csv(seed_report / "tables" / "figures.csv", keep_default_na=False)
    expected = {f"figures/04-{name}.{ext}" for name in plots.PUBLICATION_FIGURES for ext in ("png", "svg")}
    assert set(catalog["file"]) == expected
    assert (catalog["caption"].str.len() > 40).all()
    for file in catalog["file"]:
        assert (seed_report / file).stat().st_size > 5_000
    index = (seed_report / "index.html").read_text(encoding="utf-8")
    assert catalog.loc[0, "caption"].split(",")[0] in index


@pytest.mark.slow
def test_tiny_report_skips_figures_it_cannot_draw(tiny_report: Path) -> None:
    catalog = pd.read_csv(tiny_report / "tables" / "figures.csv", keep_default_na=False)
    assert "figures/04-topics.png" not in set(catalog["file"])  # too few paragraphs to cluster
    assert "figures/04-corpus.png" in set(catalog["file"])
    html = (tiny_report / "html" / "04-exported-figures.html").read_text(encoding="utf-8")
    assert "not drawn: topic clustering was skipped" in html
