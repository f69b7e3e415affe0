"""Tests of the figures stage: colours, byte-stable exports, publication figures from tables."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from kzanalysis import plots, report  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures() -> object:
    """Each test's figures are closed after it (pyplot keeps every open figure alive)."""
    yield
    plt.close("all")


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


def _documents(n: int, n_outlets: int = 7) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": [f"d{i:04d}" for i in range(n)],
                         "outlet": [f"outlet{i % n_outlets}" for i in range(n)]})


def _frames(docs: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Minimal inputs of every per-document plot for these documents."""
    n = len(docs)
    lengths = docs.assign(body_words=[100 + 10 * (i % 50) for i in range(n)], boilerplate_share=0.1)
    shares = pd.concat([docs.assign(topic=t, share=s) for t, s in ((0, 0.25), (1, 0.75))], ignore_index=True)
    rates = pd.concat([docs.assign(family=f, count=c, n_tokens=500, rate_per_1k=2.0 * c, rate_low=0.0,
                                   rate_high=4.0 * c, confidence=0.95) for f, c in (("terror", 1), ("protest", 2))],
                      ignore_index=True)
    claims = docs.assign(unit_kind="killed", who="people", figure="164", low=164.0, high=164.0,
                         attributed_to="officials")
    sources = pd.concat([docs.assign(source_type=t, n_citations=c, share=s)
                         for t, c, s in (("official", 3, 0.75), ("media", 1, 0.25))], ignore_index=True)
    return {"lengths": lengths, "shares": shares, "rates": rates, "claims": claims, "sources": sources}


def _draw_all(frames: dict[str, pd.DataFrame]) -> dict[str, tuple[str, "plt.Figure", int]]:
    """(title, figure, y tick labels) of every per-document plot."""
    labels = pd.DataFrame({"topic": [0, 1], "label": ["0 fuel", "1 troops"]})
    axes = {"lengths": plots.plot_document_lengths(frames["lengths"]),
            "shares": plots.plot_topic_shares(frames["shares"], labels),
            "rates": plots.plot_frame_rates(frames["rates"]),
            "sources": plots.plot_source_profile(frames["sources"])}
    drawn = {name: (ax.get_title(), ax.figure, len(ax.get_yticklabels())) for name, ax in axes.items()}
    fig = plots.plot_claims(frames["claims"])
    drawn["claims"] = (fig._suptitle.get_text(), fig, len(fig.axes[0].get_yticklabels()))
    return drawn


def test_two_hundred_documents_are_drawn_per_outlet_in_a_bounded_figure(tmp_path: Path) -> None:
    plots.use_style()
    for name, (title, fig, n_rows) in _draw_all(_frames(_documents(200))).items():
        assert "per outlet (200 articles" in title, name
        assert n_rows in (7, 14), name  # one row per outlet (rates: per outlet and family)
        assert fig.get_size_inches()[1] <= plots.MAX_FIGURE_HEIGHT, name
        png = plots.save_figure(fig, f"many-{name}", out_dir=tmp_path, formats=("png",))[0]
        assert png.stat().st_size < 1_000_000, name
        plt.close(fig)


def test_five_documents_are_drawn_one_by_one() -> None:
    for name, (title, fig, n_rows) in _draw_all(_frames(_documents(5, n_outlets=2))).items():
        assert "per outlet" not in title, name
        assert n_rows in (5, 10), name  # one row per document (rates: per document and family)
        plt.close(fig)


def test_max_documents_keyword_overrides_the_limit() -> None:
    lengths = _frames(_documents(5, n_outlets=2))["lengths"]
    ax = plots.plot_document_lengths(lengths, max_documents=3)
    assert ax.get_title().startswith("Body length per outlet (5 articles)")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["outlet1\n(2 articles)", "outlet0\n(3 articles)"]
    plt.close(ax.figure)


def test_outlets_beyond_the_limit_are_pooled() -> None:
    groups = plots.outlet_groups(pd.Series([f"o{i % 40:02d}" for i in range(400)] + ["o00"]), max_groups=30)
    assert groups.nunique() == 31 and (groups == "other outlets (10)").sum() == 100
    assert (groups == "o00").sum() == 11  # the largest outlet keeps its name


def test_outlet_similarity_is_the_mean_over_every_pair_of_articles() -> None:
    sim = pd.DataFrame({"doc_a": ["a1", "a1", "a2"], "doc_b": ["a2", "b1", "b1"], "cosine": [0.9, 0.3, 0.1]})
    names, matrix, sizes = plots.outlet_similarity(sim, {"a1": "A", "a2": "A", "b1": "B", "b2": "B"})
    assert names == ["A", "B"] and sizes == {"A": 2, "B": 2}
    assert matrix[0, 0] == pytest.approx(0.9)  # the one pair within A
    assert matrix[0, 1] == matrix[1, 0] == pytest.approx((0.3 + 0.1) / 4)  # 4 cross pairs, two not compared (0)
    assert matrix[1, 1] == pytest.approx(0.0)  # b1-b2 was not compared


def test_similarity_figures_switch_to_outlets_above_the_limit() -> None:
    docs = _documents(40, n_outlets=4)
    pairs = [(a, b) for i, a in enumerate(docs["doc_id"]) for b in docs["doc_id"][i + 1:]]
    sim = pd.DataFrame(pairs, columns=["doc_a", "doc_b"]).assign(cosine=0.2, jaccard=0.1, containment_a_in_b=0.1,
                                                                 containment_b_in_a=0.1)
    outlets = dict(zip(docs["doc_id"], docs["outlet"]))
    fig = plots.plot_similarity_heatmaps(sim, outlets=outlets)
    assert all(len(ax.get_yticklabels()) == 4 for ax in fig.axes[:3])  # the colour bars come after
    assert "per outlet (40 articles)" in fig.axes[0].get_title()
    ax = plots.plot_similarity_dendrogram(sim, outlets=outlets)
    assert len(ax.get_yticklabels()) == 4 and "per outlet" in ax.get_title()
    plt.close("all")
