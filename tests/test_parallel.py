"""Tests for kzanalysis.parallel: scikit-learn's n_jobs, joblib processes and a Dask LocalCluster give the same tables."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pandas as pd
import pytest

import kzanalysis as kz
from kzanalysis import overlap, parallel

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))


def test_n_jobs_has_scikit_learn_s_meaning() -> None:
    cores = min(os.cpu_count() or 1, parallel.MAX_WORKERS)
    assert parallel.workers(None, 10_000, min_items=10) == 1
    assert parallel.workers(-1, 10_000, min_items=10) == cores
    assert parallel.workers(3, 10_000, min_items=10) == 3
    assert parallel.workers(-1, 5, min_items=10) == 1  # too few items to start workers
    with pytest.raises(ValueError, match="not 0"):
        parallel.workers(0, 10_000, min_items=10)


def _sum_and_process(items: list[int]) -> tuple[int, int]:
    return sum(items), os.getpid()


def test_chunks_come_back_in_order_from_worker_processes() -> None:
    items = list(range(50))
    bounds = parallel.chunk_bounds(len(items), 2, chunk_size=7)
    here = parallel.run_chunks(_sum_and_process, items, bounds, (), n_jobs=1)
    there = parallel.run_chunks(_sum_and_process, items, bounds, (), n_jobs=2)
    assert [total for total, _ in there] == [total for total, _ in here] == [sum(items[a:b]) for a, b in bounds]
    assert {pid for _, pid in here} == {os.getpid()}
    assert os.getpid() not in {pid for _, pid in there}  # the chunks ran in worker processes


def test_chunks_run_here_give_back_what_they_freed_after_the_last_one(monkeypatch: pytest.MonkeyPatch) -> None:
    events: list[str] = []
    monkeypatch.setattr(parallel, "give_back_freed_memory", lambda: events.append("trim") or True)
    bounds = parallel.chunk_bounds(10, 1, chunk_size=4)
    for total in parallel.iter_chunks(sum, list(range(10)), bounds, (), n_jobs=1):
        events.append(f"chunk {total}")
    assert events == ["chunk 6", "chunk 22", "chunk 17", "trim"]
    events.clear()
    parallel.run_chunks(sum, [1, 2], parallel.chunk_bounds(2, 1, chunk_size=5), (), n_jobs=1)
    assert events == []  # one chunk: the caller's own call, nothing spread to give back


def test_stages_that_free_many_python_strings_give_them_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """The units (every text a Python string on the way) and passage scoring (before coding the segments, and
    before Arrow takes their texts) hand glibc's freed memory back: measured to matter at 100,000 planted
    articles."""
    from kzanalysis import clean
    from kzanalysis.overlap import passages

    calls: list[str] = []
    monkeypatch.setattr(clean, "give_back_freed_memory", lambda: calls.append("units") or True)
    monkeypatch.setattr(passages, "give_back_freed_memory", lambda: calls.append("scores") or True)
    units = kz.body_paragraphs(kz.paragraphs(kz.load_corpus()))
    assert calls == ["units"]
    pair = pd.DataFrame({"doc_a": [units["doc_id"].iloc[0]], "doc_b": [units["doc_id"].iloc[-1]]})
    scores = overlap.passage_scores(units, pair, n_jobs=1)
    assert len(scores) and calls == ["units", "scores", "scores"]


def _resident_bytes() -> int:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.skipif(parallel._malloc_trim() is None, reason="glibc's malloc_trim only")
def test_freed_memory_held_by_glibc_is_given_back() -> None:
    import numpy as np

    arrays = [np.ones(500) for _ in range(50_000)]  # 200 MB in 4 kB blocks: glibc's heap, not mapped one by one
    fence = np.ones(500)  # keeps the heap's top in use, so freeing the rest does not shrink it by itself
    del arrays
    held = _resident_bytes()
    assert parallel.give_back_freed_memory()
    assert held - _resident_bytes() > 100e6
    del fence


def test_a_scheduler_that_does_not_answer_is_named() -> None:
    pytest.importorskip("distributed")
    with pytest.raises(OSError, match="tcp://127.0.0.1:9"):
        parallel.use_scheduler("tcp://127.0.0.1:9", timeout=2)
    assert parallel.cluster_threads() == 0


@pytest.fixture(scope="module")
def planted_2000() -> pd.DataFrame:
    synthetic = pytest.importorskip("synthetic")
    return synthetic.make_corpus(2000, words_per_doc=150, random_state=0).articles


def test_a_local_dask_cluster_gives_the_same_tables_as_this_machine(
        planted_2000: pd.DataFrame, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("distributed")
    from kzanalysis.overlap import passages

    units = kz.body_paragraphs(kz.paragraphs(planted_2000))
    here_pairs = overlap.near_duplicates(planted_2000, n_jobs=1)
    here_features = kz.tfidf(units, grain="document", n_jobs=1)
    here_scores = overlap.passage_scores(units, here_pairs, n_jobs=1)
    monkeypatch.setattr(passages, "PARALLEL_MIN_PAIRS", 0)
    try:
        where = parallel.use_scheduler("local")
        assert "Dask cluster" in where and parallel.cluster_threads() == parallel.LOCAL_CLUSTER_WORKERS
        assert parallel.workers(-1, 10_000, min_items=10) == parallel.LOCAL_CLUSTER_WORKERS
        from distributed import get_task_stream

        with get_task_stream() as tasks:
            cluster_pairs = overlap.near_duplicates(planted_2000, parallel_min_docs=0)
            cluster_features = kz.tfidf(units, grain="document", parallel_min_texts=0)
            cluster_scores = overlap.passage_scores(units, here_pairs)
        ran = {task["key"].split("-")[0] for task in tasks.data}
        assert {"_sketch_corpus", "_tokenize_chunk", "_score_blocks"} <= ran  # the chunks ran as tasks on the cluster
    finally:
        parallel.use_scheduler(None)
    assert len(here_pairs) > 0
    pd.testing.assert_frame_equal(here_pairs, cluster_pairs)
    assert (here_features.terms == cluster_features.terms).all()
    assert (here_features.matrix != cluster_features.matrix).nnz == 0
    pd.testing.assert_frame_equal(here_features.ids, cluster_features.ids)
    assert len(here_scores) > len(here_pairs)
    pd.testing.assert_frame_equal(here_scores, cluster_scores)


@pytest.mark.slow
def test_the_seed_series_on_a_local_cluster_writes_the_same_tables(seed_report: Path, tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    from kzanalysis.report import run_series

    runs = run_series(out=tmp_path / "reports", scheduler="local")
    assert (runs["status"] == "ok").all(), runs
    here = sorted(p.name for p in (seed_report / "tables").glob("*.csv"))
    there = sorted(p.name for p in (tmp_path / "reports" / "tables").glob("*.csv"))
    assert here == there and len(here) > 10
    for name in here:
        assert (seed_report / "tables" / name).read_bytes() == (tmp_path / "reports" / "tables" / name).read_bytes(), name
    html = (tmp_path / "reports" / "html" / "01-source-overlap.html").read_text(encoding="utf-8")
    assert "scheduler" in html and "local" in html  # the provenance names where the work ran
    assert parallel.cluster_threads() == 0  # the run closed its cluster


def test_row_hashes_are_the_same_in_blocks_of_any_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """``row_hashes`` (the comparison's memo key, the quotation reading's key, the shared inputs' fingerprints)
    hashes a block of rows at a time; blocks that do not divide the rows give pandas' hashes of the whole table."""
    import numpy as np

    from kzanalysis import _rows

    units = kz.body_paragraphs(kz.paragraphs(kz.load_corpus()))
    whole = pd.util.hash_pandas_object(units, index=False, hash_key="kzanalysis-read2").to_numpy()
    monkeypatch.setattr(_rows, "_HASH_ROWS", 8)
    assert len(units) % 8 and np.array_equal(_rows.row_hashes(units, hash_key="kzanalysis-read2"), whole)
    assert _rows.row_hashes(units.iloc[:0]).shape == (0,)
