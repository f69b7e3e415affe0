"""Tests for a corpus in parts (kz.corpus_parts) and the partitioned stages: TF-IDF and near duplicates as Dask
tasks give the tables of the whole corpus in memory, in this process and on a LocalCluster."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import kzanalysis as kz
from kzanalysis import overlap, parallel
from kzanalysis.corpus import CorpusError, corpus_parts

pytest.importorskip("dask")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))


def _write_parts(articles: pd.DataFrame, folder: Path, n_parts: int, *, suffix: str = ".parquet") -> Path:
    """The articles in ``n_parts`` part files of shuffled rows (as an export or a Dask job writes them)."""
    folder.mkdir(parents=True, exist_ok=True)
    shuffled = np.random.default_rng(0).permutation(len(articles))
    for n, rows in enumerate(np.array_split(shuffled, n_parts)):
        part = articles.iloc[np.sort(rows)]
        if suffix == ".parquet":
            part.to_parquet(folder / f"part-{n:04d}.parquet", index=False)
        else:
            part.to_json(folder / f"part-{n:04d}.jsonl", orient="records", lines=True, force_ascii=False)
    return folder


def _same_features(a: kz.Features, b: kz.Features) -> None:
    assert a.terms.tolist() == b.terms.tolist()
    pd.testing.assert_frame_equal(a.ids, b.ids)
    for name in ("indptr", "indices", "data"):  # to the last bit
        assert np.array_equal(getattr(a.matrix, name), getattr(b.matrix, name)), name


@pytest.fixture(scope="module")
def seed_parts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    seeds = kz.load_corpus()[["doc_id", "outlet", "text"]]
    return _write_parts(seeds, tmp_path_factory.mktemp("seeds") / "by_year" / "year=2022", 2, suffix=".jsonl").parent


def test_parts_are_the_part_files_of_a_folder_and_its_subfolders(seed_parts: Path) -> None:
    (seed_parts / "_SUCCESS").write_text("")
    (seed_parts / "notes.txt").write_text("not a part")
    parts = corpus_parts(seed_parts)
    assert [f.name for f in parts.files] == ["part-0000.jsonl", "part-0001.jsonl"]
    whole = parts.load()
    assert whole["doc_id"].tolist() == sorted(kz.load_corpus()["doc_id"].tolist())
    assert whole["text"].tolist() == kz.load_corpus().sort_values("doc_id")["text"].tolist()


def test_bad_parts_are_named(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="no such file or folder"):
        corpus_parts(tmp_path / "missing")
    with pytest.raises(CorpusError, match="no part files"):
        corpus_parts(tmp_path)
    (tmp_path / "part-0.jsonl").write_text(json.dumps({"id": "a", "text": "Dockers walked out."}) + "\n")
    (tmp_path / "part-1.jsonl").write_text(json.dumps({"id": "b", "text": "Port shut."}) + "\n{broken\n")
    with pytest.raises(CorpusError, match=r"part-1\.jsonl, line 2: not valid JSON"):
        kz.tfidf(corpus_parts(tmp_path))
    (tmp_path / "part-1.jsonl").write_text(json.dumps({"id": "a", "text": "The port shut."}) + "\n")
    for stage in (kz.tfidf, overlap.near_duplicates):
        with pytest.raises(CorpusError, match=r"part-1\.jsonl: doc_id 'a' is also in .*part-0\.jsonl"):
            stage(corpus_parts(tmp_path))
    with pytest.raises(CorpusError, match="is also in"):
        corpus_parts(tmp_path).load()


@pytest.mark.parametrize("grain", ["document", "paragraph"])
def test_tfidf_of_parts_is_tfidf_of_the_whole_corpus(seed_parts: Path, grain: str) -> None:
    parts = corpus_parts(seed_parts)
    units = kz.body_paragraphs(kz.paragraphs(parts.load()))
    for options in ({}, {"min_df": 2, "max_df": 0.5}, {"sublinear_tf": False, "norm": "l1"}):
        _same_features(kz.tfidf(parts, grain=grain, **options), kz.tfidf(units, grain=grain, **options))
    with pytest.raises(ValueError, match="max_df=3 keeps fewer rows than min_df=4"):
        kz.tfidf(parts, grain=grain, min_df=4, max_df=3)


def test_the_weights_are_scikit_learn_s(seed_parts: Path) -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    from kzanalysis.features import _term_lists_from_units

    units = kz.body_paragraphs(kz.paragraphs(corpus_parts(seed_parts).load()))
    ours = kz.tfidf(units, min_df=2)
    _, term_lists = _term_lists_from_units(units, grain="document", term="stem", drop_stop_words=True,
                                           drop_numbers=True, n_jobs=1, min_parallel=10**9)
    theirs = TfidfVectorizer(analyzer=lambda terms: terms, lowercase=False, min_df=2, sublinear_tf=True)
    matrix = theirs.fit_transform(term_lists)
    assert theirs.get_feature_names_out().tolist() == ours.terms.tolist()
    # equal up to the order in which a row's squares are summed for its norm
    assert abs(matrix - ours.matrix).max() < 1e-15


def test_per_document_stages_of_parts_give_the_rows_of_the_whole_corpus(seed_parts: Path) -> None:
    parts = corpus_parts(seed_parts)
    units = kz.body_paragraphs(kz.paragraphs(parts.load()))
    for stage in (kz.framing.find_terms, kz.claims.number_mentions, kz.claims.extract_claims,
                  kz.claims.extract_sources):
        whole = stage(units)
        assert len(whole) > 10, stage.__name__
        pd.testing.assert_frame_equal(stage(parts), whole)
    with pytest.raises(ValueError, match="pass None"):
        kz.framing.find_terms(parts, quoted=kz.quotes(units))
    with pytest.raises(ValueError, match="pass sents=None"):
        kz.claims.extract_claims(parts, sents=kz.sentences(units))
    with pytest.raises(ValueError, match="pass quotes=None, citations=None"):
        kz.claims.extract_sources(parts, quotes=kz.quotes(units), citations=kz.citations(units))


def test_a_sample_of_parts_does_not_depend_on_how_the_corpus_is_cut(seed_parts: Path, tmp_path: Path) -> None:
    synthetic = pytest.importorskip("synthetic")
    articles = synthetic.make_corpus(600, words_per_doc=60, random_state=2).articles
    two, five = (corpus_parts(_write_parts(articles, tmp_path / str(n), n)) for n in (2, 5))
    sample = two.sample(fraction=0.25, random_state=3)
    assert 100 < len(sample) < 200  # about 150 of 600
    other_cut = five.sample(fraction=0.25, random_state=3)
    pd.testing.assert_frame_equal(sample[["doc_id", "text"]], other_cut[["doc_id", "text"]])
    assert set(sample["doc_id"]) != set(two.sample(fraction=0.25, random_state=4)["doc_id"])
    pd.testing.assert_frame_equal(two.sample(fraction=1.0), two.load())
    with pytest.raises(ValueError, match="fraction"):
        two.sample(fraction=0)


@pytest.mark.parametrize("method", ["kmeans", "nmf"])
def test_topics_fitted_on_a_sample_are_assigned_to_every_paragraph_of_the_parts(seed_parts: Path, method: str) -> None:
    parts = corpus_parts(seed_parts)
    units = kz.body_paragraphs(kz.paragraphs(parts.load()))
    model = kz.topics.fit_topics(units, method=method, n_topics=4, n_restarts=2)
    own = kz.topics.paragraph_topics(model)
    pd.testing.assert_frame_equal(kz.topics.assign_topics(model, units), own)  # the same rows, one batch
    assigned = kz.topics.assign_topics(model, parts)
    merged = own.merge(assigned, on=["doc_id", "para_id", "topic"], how="outer", suffixes=("_own", "_parts"))
    assert merged[["weight_own", "weight_parts"]].notna().all().all() or method == "nmf"
    difference = (merged["weight_own"].fillna(0) - merged["weight_parts"].fillna(0)).abs().max()
    assert difference == 0 if method == "kmeans" else difference <= 2e-4  # NMF: batches stop on their own error
    sample = units[units["doc_id"].isin(sorted(units["doc_id"].unique())[:3])]
    from_sample = kz.topics.fit_topics(sample, method=method, n_topics=3, n_restarts=2)
    everything = kz.topics.assign_topics(from_sample, parts)
    assert set(map(tuple, everything[["doc_id", "para_id"]].drop_duplicates().to_numpy())) == set(
        map(tuple, units[["doc_id", "para_id"]].to_numpy()))  # every paragraph has a row


@pytest.fixture(scope="module")
def planted_parts(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, Path]:
    synthetic = pytest.importorskip("synthetic")
    articles = synthetic.make_corpus(2000, words_per_doc=150, random_state=0).articles
    return articles, _write_parts(articles, tmp_path_factory.mktemp("planted"), 8)


def test_partitioned_stages_give_the_tables_of_the_whole_corpus_on_a_local_cluster(
    planted_parts: tuple[pd.DataFrame, Path], caplog: pytest.LogCaptureFixture,
) -> None:
    pytest.importorskip("distributed")
    articles, folder = planted_parts
    parts = corpus_parts(folder)
    whole = parts.load()
    here_pairs = overlap.near_duplicates(whole)
    here_features = kz.tfidf(kz.body_paragraphs(kz.paragraphs(whole)))
    assert len(here_pairs) > 50
    in_process = overlap.near_duplicates(parts)  # no cluster: the tasks run in this process
    pd.testing.assert_frame_equal(in_process, here_pairs)
    try:
        parallel.use_scheduler("local")
        from distributed import get_task_stream

        with get_task_stream() as tasks, caplog.at_level(logging.INFO, logger=parallel._SHUFFLE_NOTES):
            cluster_pairs = overlap.near_duplicates(parts)
            cluster_features = kz.tfidf(parts)
            cluster_terms = kz.framing.find_terms(parts)
        keys = [task["key"][0] if isinstance(task["key"], tuple) else task["key"] for task in tasks.data]
        ran = {key.split("-")[0] for key in keys}
    finally:
        parallel.use_scheduler(None)
    assert {"_sketch_part", "_band_rows", "_verify_block", "_part_counts", "_weighted_part", "_apply_to_part"} <= ran
    assert any(name.startswith("shuffle") for name in ran), ran  # the band rows went through a Dask shuffle
    assert not [r for r in caplog.records if r.name == parallel._SHUFFLE_NOTES]  # its notes are not shown
    pd.testing.assert_frame_equal(cluster_pairs, here_pairs)
    _same_features(cluster_features, here_features)
    here_terms = kz.framing.find_terms(kz.body_paragraphs(kz.paragraphs(whole)))
    assert len(here_terms) > 100
    pd.testing.assert_frame_equal(cluster_terms, here_terms)


def test_a_bucket_is_one_band_s_key() -> None:
    from kzanalysis.overlap.duplicates import _pairs_of_buckets

    frame = pd.DataFrame({"band": np.array([0, 1, 0, 1, 0], dtype=np.int64),
                          "key": np.array([5, 5, 5, 7, 9], dtype=np.uint64),
                          "row": np.array([3, 4, 1, 8, 2], dtype=np.int64)})
    # rows 3 and 1 share band 0's key 5; row 4 has the same key in band 1, another bucket
    assert _pairs_of_buckets(frame).values.tolist() == [[1, 3]]
