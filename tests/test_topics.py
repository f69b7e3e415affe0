"""Tests of the topics stage: themes recovered, k chosen, determinism, clear small-corpus errors, report tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import kzanalysis as kz
from kzanalysis import topics

THEMES = {
    "fuel": ["fuel", "price", "gas", "petrol", "cost", "litre", "subsidy", "pump", "diesel", "tariff"],
    "troops": ["troops", "soldier", "tank", "army", "convoy", "paratrooper", "garrison", "rifle", "brigade",
               "barracks"],
    "court": ["court", "judge", "trial", "lawyer", "verdict", "appeal", "prosecutor", "witness", "sentence",
              "defendant"],
}


def _themed_units(n_per_theme: int = 10, *, seed: int = 1) -> pd.DataFrame:
    """3 themes x n paragraphs; each paragraph draws 6 words of its theme's vocabulary (disjoint across themes).

    Paragraphs of each theme are spread over three documents, so documents mix themes.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for t, words in enumerate(THEMES.values()):
        for i in range(n_per_theme):
            text = " ".join(rng.choice(words, size=6, replace=False)) + "."
            rows.append({"doc_id": f"doc{i % 3}", "para_id": t * 100 + i, "text": text, "theme": t})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def themed() -> pd.DataFrame:
    return _themed_units()


@pytest.fixture(scope="module")
def themed_model(themed: pd.DataFrame) -> topics.TopicModel:
    return topics.fit_topics(themed[["doc_id", "para_id", "text"]], k_values=range(2, 7), random_state=0)


def test_separated_themes_are_recovered_and_k_is_three(themed, themed_model) -> None:
    assert themed_model.n_topics == 3
    assert themed_model.selection.loc[themed_model.selection["chosen"], "n_topics"].tolist() == [3]
    dominant = topics.dominant_topics(themed_model).merge(themed, on=["doc_id", "para_id"])
    # each found topic's paragraphs all come from one theme, and each theme is one topic
    assert dominant.groupby("topic")["theme"].nunique().eq(1).all()
    assert dominant.groupby("theme")["topic"].nunique().eq(1).all()
    assert sorted(dominant["topic"].unique()) == [0, 1, 2]


def test_top_terms_of_each_topic_come_from_one_theme(themed_model) -> None:
    terms = topics.topic_terms(themed_model, n_terms=5)
    vocab = {w: name for name, words in THEMES.items() for w in words}
    stems = {kz.analysis_tokens(w)[0]: name for w, name in vocab.items()}
    assert terms.groupby("topic")["term"].agg(lambda t: {stems[s] for s in t}).map(len).eq(1).all()


def test_stability_is_perfect_for_separated_themes(themed_model) -> None:
    chosen = themed_model.selection[themed_model.selection["chosen"]].iloc[0]
    assert chosen["stability"] == pytest.approx(1.0)
    summary = topics.stability_summary(themed_model).set_index("measure")["value"]
    assert summary["restart_ari_mean"] == pytest.approx(1.0)
    assert summary["cross_method_ari"] == pytest.approx(1.0)  # KMeans finds the same three groups
    assert (topics.topic_stability(themed_model)["term_agreement"] == 1.0).all()


def test_output_is_deterministic(themed) -> None:
    units = themed[["doc_id", "para_id", "text"]]
    first = topics.fit_topics(units, k_values=range(2, 6), random_state=3)
    second = topics.fit_topics(units, k_values=range(2, 6), random_state=3)
    pd.testing.assert_frame_equal(first.selection, second.selection)
    pd.testing.assert_frame_equal(topics.paragraph_topics(first), topics.paragraph_topics(second))
    pd.testing.assert_frame_equal(topics.topic_terms(first), topics.topic_terms(second))
    pd.testing.assert_frame_equal(topics.paragraph_map(first), topics.paragraph_map(second))


def test_input_is_not_modified(themed) -> None:
    units = themed[["doc_id", "para_id", "text"]].copy()
    before = units.copy()
    topics.fit_topics(units, n_topics=3)
    pd.testing.assert_frame_equal(units, before)


@pytest.mark.parametrize(
    ("n_paragraphs", "n_topics", "minimum"),
    [(0, None, 10), (1, None, 10), (9, None, 10), (11, 4, 12), (20, 8, 24)],
)
def test_small_corpus_error_names_the_minimum(n_paragraphs, n_topics, minimum) -> None:
    units = pd.DataFrame({"doc_id": ["a"] * n_paragraphs, "para_id": range(n_paragraphs),
                          "text": [f"Protesters gathered in square number {i}." for i in range(n_paragraphs)]})
    assert topics.clustering_problem(units, n_topics=n_topics) is not None
    problem = topics.clustering_problem(units, n_topics=n_topics)
    assert f"at least {minimum} paragraphs" in problem and f"this corpus has {n_paragraphs}" in problem
    with pytest.raises(ValueError, match=f"at least {minimum} paragraphs"):
        topics.fit_topics(units, n_topics=n_topics)


def test_paragraphs_of_stop_words_do_not_count_towards_the_minimum() -> None:
    texts = ["Protesters gathered."] * 5 + ["It was there and then."] * 10
    units = pd.DataFrame({"doc_id": "a", "para_id": range(15), "text": texts})
    assert topics.clustering_problem(units) == (
        "topic clustering needs at least 10 paragraphs with a content term; this corpus has 5")


def test_minimum_is_checked_after_counting_each_story_once(themed) -> None:
    half = themed[themed["theme"] < 2].head(6)[["doc_id", "para_id", "text"]].assign(doc_id="a")
    twice = pd.concat([half, half.assign(doc_id="b")], ignore_index=True)
    assert topics.clustering_problem(twice) is None
    groups = {"a": "a", "b": "a"}
    assert topics.clustering_problem(twice, groups=groups) == (
        "topic clustering needs at least 10 paragraphs with a content term; this corpus has 12,"
        " but only 6 when each story is counted once")
    with pytest.raises(ValueError, match="only 6 when each story is counted once"):
        topics.fit_topics(twice, groups=groups)


def test_one_document_corpus_gives_every_table_and_figure(themed) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from kzanalysis import plots

    units = themed[["doc_id", "para_id", "text"]].assign(doc_id="only")
    model = topics.fit_topics(units, groups={"only": "only"}, k_values=range(2, 5))
    tables = topics.report_tables(model, pd.DataFrame({"doc_id": ["only"], "outlet": ["X"]}))
    assert {name: list(t.columns) for name, t in tables.items()} == topics.TABLE_COLUMNS
    assert tables["topic_by_source"]["share"].sum() == pytest.approx(1.0, abs=1e-3)
    labels = topics.topic_labels(model)
    plots.plot_topic_selection(model.selection)
    plots.plot_topic_shares(tables["topic_by_source"], labels)
    plots.plot_topic_terms(tables["topic_terms"], labels)
    plots.plot_paragraph_map(topics.paragraph_map(model), labels, {"only": "X"})
    plots.plot_topic_stability(tables["topic_summary"], topics.run_agreement(model))


def test_ten_paragraphs_can_be_clustered() -> None:
    units = _themed_units(4).head(10)[["doc_id", "para_id", "text"]]
    assert topics.clustering_problem(units) is None
    model = topics.fit_topics(units)
    assert model.n_topics in (2, 3)
    assert len(topics.dominant_topics(model)) == 10


def test_paragraph_topics_and_shares_sum_to_one(themed_model) -> None:
    para = topics.paragraph_topics(themed_model)
    assert list(para.columns) == ["doc_id", "para_id", "topic", "weight"]
    assert (para["weight"] > 0).all()
    assert para.groupby(["doc_id", "para_id"])["weight"].sum().sub(1).abs().max() < 1e-3
    shares = topics.topic_by_source(themed_model)
    assert list(shares.columns) == ["doc_id", "outlet", "topic", "share"]
    assert set(shares["outlet"]) == {"unknown"}
    assert shares.groupby("doc_id")["share"].sum().sub(1).abs().max() < 1e-3
    assert len(shares) == 3 * 3  # every document x every topic, zeros kept


def test_topic_by_source_by_hand() -> None:
    # a: two fuel paragraphs; b: one fuel, one troops -> a is all fuel, b half and half (equal paragraph sizes)
    fuel = "fuel price gas petrol cost litre."
    troops = "troops soldier tank army convoy rifle."
    units = pd.DataFrame({"doc_id": ["a"] * 6 + ["b"] * 6, "para_id": list(range(6)) * 2,
                          "text": [fuel] * 6 + [fuel] * 3 + [troops] * 3})
    model = topics.fit_topics(units, n_topics=2)
    shares = topics.topic_by_source(model, pd.DataFrame({"doc_id": ["a", "b"], "outlet": ["A", "B"]}))
    grid = shares.pivot(index="outlet", columns="topic", values="share")
    fuel_topic = topics.dominant_topics(model).iloc[0]["topic"]
    assert grid.loc["A", fuel_topic] == pytest.approx(1.0)
    assert grid.loc["B", fuel_topic] == pytest.approx(0.5)


def test_dedupe_fits_one_version_and_projects_the_other(themed) -> None:
    units = themed[["doc_id", "para_id", "text"]]
    copy = units[units["doc_id"] == "doc0"].assign(doc_id="doc0-copy")
    doubled = pd.concat([units, copy], ignore_index=True)
    # the stories table of the overlap stage: the exact copy is a version of doc0, the other documents stand alone
    from kzanalysis import overlap

    stories = overlap.stories(doubled)
    assert stories.loc[stories["story_size"] > 1, "doc_id"].tolist() == ["doc0", "doc0-copy"]
    model = topics.fit_topics(doubled, k_values=range(2, 6), groups=dict(zip(stories["doc_id"], stories["story_id"])))
    stories = model.stories.set_index("doc_id")
    assert stories.loc["doc0-copy", "story"] == "doc0" and not stories.loc["doc0-copy", "fitted"]
    assert int(model.fitted.sum()) == len(units)
    dominant = topics.dominant_topics(model)
    assert len(dominant) == len(doubled)  # the copy keeps its rows
    original = dominant[dominant["doc_id"] == "doc0"]["topic"].to_numpy()
    projected = dominant[dominant["doc_id"] == "doc0-copy"]["topic"].to_numpy()
    assert (original == projected).all()
    grouped = topics.fit_topics(doubled, k_values=range(2, 6), groups={"doc0-copy": "doc0", "doc0": "doc0"})
    assert int(grouped.fitted.sum()) == len(units)


def test_a_refit_on_the_same_units_can_reuse_their_features(themed, themed_model) -> None:
    """``features=model.features`` gives the model that counting the texts again gives (notebook 02 refits with
    every version of a story counted); features of other units, or with ``min_df``, are refused."""
    units = themed[["doc_id", "para_id", "text"]]
    again = topics.fit_topics(units, n_topics=3, random_state=0)
    reused = topics.fit_topics(units, n_topics=3, random_state=0, features=themed_model.features)
    assert reused.features is themed_model.features
    np.testing.assert_array_equal(reused.loadings, again.loadings)
    pd.testing.assert_frame_equal(reused.selection, again.selection)
    with pytest.raises(ValueError, match="paragraph TF-IDF of these units"):
        topics.fit_topics(units.iloc[1:], n_topics=3, features=themed_model.features)
    with pytest.raises(ValueError, match="min_df or features"):
        topics.fit_topics(units, n_topics=3, features=themed_model.features, min_df=1)


def test_a_fit_from_the_units_tokens_is_the_fit_from_their_texts(themed, themed_model) -> None:
    """``toks=kz.tokens(units)`` (a report run shares them) gives the model that tokenizing the texts gives."""
    units = themed[["doc_id", "para_id", "text"]]
    toks = kz.tokens(units)[list(topics.TOKEN_COLUMNS)]
    again = topics.fit_topics(units, n_topics=3, random_state=0)
    for given in (toks, kz.compact_tokens(toks)):  # as kz.tokens gives them, or compact (as notebook 02 reads them)
        from_tokens = topics.fit_topics(units, n_topics=3, random_state=0, toks=given)
        assert (from_tokens.features.matrix != again.features.matrix).nnz == 0
        np.testing.assert_array_equal(from_tokens.features.terms, again.features.terms)
        pd.testing.assert_frame_equal(from_tokens.features.ids, again.features.ids)
        np.testing.assert_array_equal(from_tokens.loadings, again.loadings)
        pd.testing.assert_frame_equal(from_tokens.selection, again.selection)
    with pytest.raises(ValueError, match="toks or features"):
        topics.fit_topics(units, n_topics=3, features=themed_model.features, toks=toks)


def test_labels_use_readable_surface_forms() -> None:
    units = _themed_units(10)[["doc_id", "para_id", "text"]]
    model = topics.fit_topics(units, n_topics=3)
    surface = topics.surface_forms(kz.tokens(units))
    assert dict(zip(surface["stem"], surface["surface"]))["subsidi"] == "subsidy"
    labels = topics.topic_labels(model, surface=surface)
    assert len(labels) == 3 and labels["label"].is_unique
    assert not any("subsidi" in label.split() for label in labels["label"])
    terms = topics.topic_terms(model, n_terms=10, surface=surface)
    assert list(terms.columns[:4]) == ["topic", "rank", "term", "weight"]


def test_representative_paragraphs_belong_to_their_topic(themed, themed_model) -> None:
    best = topics.representative_paragraphs(themed_model, themed, n=2)
    assert best.groupby("topic").size().tolist() == [2, 2, 2]
    dominant = topics.dominant_topics(themed_model).set_index(["doc_id", "para_id"])["topic"]
    assert all(dominant[(d, p)] == t for d, p, t in zip(best["doc_id"], best["para_id"], best["topic"]))


def test_kmeans_method_gives_one_topic_per_paragraph(themed) -> None:
    model = topics.fit_topics(themed[["doc_id", "para_id", "text"]], method="kmeans", n_topics=3)
    para = topics.paragraph_topics(model)
    assert para.groupby(["doc_id", "para_id"]).size().eq(1).all() and (para["weight"] == 1).all()


def test_unknown_method_is_refused(themed) -> None:
    with pytest.raises(ValueError, match="method must be"):
        topics.fit_topics(themed, method="lda")  # type: ignore[arg-type]


def test_empty_tables_have_the_report_columns() -> None:
    tables = topics.empty_tables()
    assert list(tables["paragraph_topics"].columns) == ["doc_id", "para_id", "topic", "weight"]
    assert list(tables["topic_by_source"].columns) == ["doc_id", "outlet", "topic", "share"]
    assert all(table.empty for table in tables.values())


# ------------------------------------------------------------------------------------- end to end


@pytest.mark.slow
def test_seed_report_topic_tables(seed_report) -> None:
    from kzanalysis import report

    paras = report.read_table("paragraphs", out_dir=seed_report)
    body = paras[~paras["is_boilerplate"] & (paras["unit_id"] == paras["para_id"])]
    para_topics = report.read_table("paragraph_topics", out_dir=seed_report)
    by_source = report.read_table("topic_by_source", out_dir=seed_report)
    terms = report.read_table("topic_terms", out_dir=seed_report)
    assert list(para_topics.columns) == ["doc_id", "para_id", "topic", "weight"]
    assert list(by_source.columns) == ["doc_id", "outlet", "topic", "share"]
    assert list(terms.columns[:4]) == ["topic", "rank", "term", "weight"]
    # every body paragraph has a row, and every row is a body paragraph of paragraphs.csv
    keys = set(zip(para_topics["doc_id"], para_topics["para_id"]))
    assert keys == set(zip(body["doc_id"], body["para_id"]))
    assert len(keys) == 119
    assert (para_topics["weight"] > 0).all()
    assert para_topics.groupby(["doc_id", "para_id"])["weight"].sum().sub(1).abs().max() < 1e-3
    assert by_source.groupby("doc_id")["share"].sum().sub(1).abs().max() < 1e-3
    assert by_source["doc_id"].nunique() == 5
    assert set(by_source["outlet"]) == {"CNN", "CNN (MT round trip)", "IANS", "RFI", "Reuters via The Kootneeti"}
    k = para_topics["topic"].nunique()
    assert 2 <= k <= 10 and set(terms["topic"]) == set(para_topics["topic"])
    assert terms.groupby("topic")["rank"].max().eq(10).all()
    # the two CNN versions tell the same story: their topic profiles nearly coincide
    grid = by_source.pivot(index="doc_id", columns="topic", values="share")
    cnn = grid.loc["000_143417c5e503c3f3"] - grid.loc["001_5fd3b595c2b22735"]
    assert cnn.abs().max() < 0.1
    # the Nazarbayev passage (CNN's "Flurry of rumors" section) is one topic
    nazarbayev = terms[terms["term"] == "nazarbayev"].sort_values("rank").iloc[0]
    assert nazarbayev["rank"] <= 3


@pytest.mark.slow
def test_tiny_report_writes_empty_topic_tables(tiny_report) -> None:
    from kzanalysis import report

    for name in ("topic_terms", "paragraph_topics", "topic_by_source"):
        table = report.read_table(name, out_dir=tiny_report)
        assert table.empty, name
        assert list(table.columns) == topics.TABLE_COLUMNS[name]
    html = (tiny_report / "html" / "02-topic-clustering.html").read_text(encoding="utf-8")
    assert "topic clustering needs at least 10 paragraphs" in html


def test_large_corpus_chooses_k_on_a_sample_and_fits_every_paragraph() -> None:
    units = _themed_units(40)[["doc_id", "para_id", "text"]]  # 120 paragraphs
    sampled = topics.fit_topics(units, k_values=range(2, 6), n_restarts=3, selection_sample=60, random_state=0)
    full = topics.fit_topics(units, k_values=range(2, 6), n_restarts=3, selection_sample=None, random_state=0)
    assert sampled.n_topics == full.n_topics == 3  # the sample of 60 still finds the three themes
    assert sampled.run_labels.shape == (4, 120)  # restarts and cross-check on all 120 paragraphs, not the sample
    dominant = topics.dominant_topics(sampled).merge(_themed_units(40)[["para_id", "theme"]], on="para_id")
    assert dominant.groupby("theme")["topic"].nunique().eq(1).all()
    again = topics.fit_topics(units, k_values=range(2, 6), n_restarts=3, selection_sample=60, random_state=0)
    assert again.selection.equals(sampled.selection)


@pytest.mark.parametrize(("n_topics", "selection_sample"), [(None, 60), (None, None), (3, None)])
def test_runs_on_workers_give_the_model_of_one_process(monkeypatch: pytest.MonkeyPatch, n_topics, selection_sample
                                                       ) -> None:
    """Restarts and the cross-check fitted in two worker processes: the same selection, runs and weights."""
    import kzanalysis.parallel
    from kzanalysis.topics import fit

    units = _themed_units(40)[["doc_id", "para_id", "text"]]  # 120 paragraphs
    options = dict(n_topics=n_topics, k_values=range(2, 6), n_restarts=3, selection_sample=selection_sample)
    here = topics.fit_topics(units, **options, n_jobs=1)
    monkeypatch.setattr(fit, "PARALLEL_MIN_PARAGRAPHS", 0)
    spread_out = []
    run_chunks = kzanalysis.parallel.run_chunks

    def counted(function, source, bounds, options, *, n_jobs, **rest):
        spread_out.append(n_jobs)
        return run_chunks(function, source, bounds, options, n_jobs=n_jobs, **rest)

    monkeypatch.setattr(kzanalysis.parallel, "run_chunks", counted)
    spread = topics.fit_topics(units, **options, n_jobs=2)
    assert spread_out and all(n == 2 for n in spread_out)  # the runs did go to two workers
    pd.testing.assert_frame_equal(spread.selection, here.selection)
    np.testing.assert_array_equal(spread.run_labels, here.run_labels)
    assert spread.runs == here.runs and spread.run_top_terms == here.run_top_terms
    pd.testing.assert_frame_equal(topics.paragraph_topics(spread), topics.paragraph_topics(here))
    pd.testing.assert_frame_equal(topics.topic_terms(spread), topics.topic_terms(here))
    np.testing.assert_array_equal(spread.weights, here.weights)
