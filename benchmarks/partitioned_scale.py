"""The partitioned stages at scale: near duplicates and TF-IDF of a corpus in part files, as Dask tasks.

For each size, a planted corpus (``benchmarks/synthetic.py``) is written as a Parquet dataset of ``--parts`` part
files, then each way of computing runs in its own process (so that its peak memory is its own):

- ``in memory``: ``parts.load()``, then ``kz.overlap.near_duplicates(corpus)`` and ``kz.tfidf`` of its body units;
- ``parts, LocalCluster``: ``kz.overlap.near_duplicates(parts)`` and ``kz.tfidf(parts)`` on a
  ``distributed.LocalCluster`` of two single-threaded workers (``kz.parallel.use_scheduler("local")``).

Each records wall time per stage, the peak memory of the client process and of each worker, the planted
near-duplicates' recall and precision, and whether the two give the same tables (near-duplicate pairs equal;
TF-IDF terms, ids and matrix equal to the last bit). Results: ``benchmarks/results/partitioned_scale.md`` and
``.json`` (a rerun of a size replaces its rows).

    .venv/bin/python benchmarks/partitioned_scale.py --sizes 10000 100000 --parts 20 --work /tmp/kz-parts
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic  # noqa: E402

import kzanalysis as kz  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
WAYS = ("memory", "parts")


def write_dataset(size: int, n_parts: int, work: Path) -> Path:
    """The planted corpus of ``size`` articles as ``n_parts`` Parquet files (shuffled rows), and its pairs."""
    folder = work / f"planted-{size}-{n_parts}parts"
    if (folder / "pairs.csv").exists():
        return folder
    planted = synthetic.make_corpus(size, random_state=0)
    dataset = folder / "dataset"
    dataset.mkdir(parents=True, exist_ok=True)
    order = np.random.default_rng(0).permutation(len(planted.articles))
    for n, rows in enumerate(np.array_split(order, n_parts)):
        planted.articles.iloc[np.sort(rows)].to_parquet(dataset / f"part-{n:04d}.parquet", index=False)
    planted.pairs.to_csv(folder / "pairs.csv", index=False)
    return folder


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_way(folder: Path, way: str) -> dict[str, object]:
    """One way of computing, in this process: times, peak memory, tables written beside the dataset."""
    from kzanalysis import overlap, parallel

    parts = kz.corpus_parts(folder / "dataset")
    times: dict[str, float] = {}
    worker_peaks: list[float] = []
    started = time.perf_counter()
    if way == "memory":
        corpus = parts.load()
        times["load"] = time.perf_counter() - started
        started = time.perf_counter()
        pairs = overlap.near_duplicates(corpus)
        times["near_duplicates"] = time.perf_counter() - started
        started = time.perf_counter()
        features = kz.tfidf(kz.body_paragraphs(kz.paragraphs(corpus)))
        times["tfidf"] = time.perf_counter() - started
    else:
        parallel.use_scheduler("local")
        try:
            times["load"] = 0.0
            pairs = overlap.near_duplicates(parts)
            times["near_duplicates"] = time.perf_counter() - started
            started = time.perf_counter()
            features = kz.tfidf(parts)
            times["tfidf"] = time.perf_counter() - started
            peaks = parallel._CLIENT.run(_peak_mb)  # each worker process's own peak
            worker_peaks = sorted(peaks.values())
        finally:
            parallel.use_scheduler(None)
    out = folder / way
    out.mkdir(exist_ok=True)
    pairs.to_parquet(out / "near_duplicates.parquet")
    features.ids.to_parquet(out / "tfidf_ids.parquet")
    np.savez(out / "tfidf.npz", indptr=features.matrix.indptr, indices=features.matrix.indices,
             data=features.matrix.data, terms=features.terms)
    truth = pd.read_csv(folder / "pairs.csv")
    wanted = set(map(tuple, truth.loc[truth["kind"].isin(["exact", "edited"]), ["doc_a", "doc_b"]].to_numpy()))
    got = set(map(tuple, pairs[["doc_a", "doc_b"]].to_numpy()))
    return {"way": way, "seconds": {k: round(v, 1) for k, v in times.items()}, "peak_mb": round(_peak_mb()),
            "worker_peak_mb": [round(p) for p in worker_peaks], "n_pairs": len(pairs),
            "recall": len(wanted & got) / max(len(wanted), 1), "precision": len(wanted & got) / max(len(got), 1),
            "n_terms": len(features.terms)}


def same_tables(folder: Path) -> bool:
    """Whether both ways wrote the same near-duplicate table and the same TF-IDF, to the last bit."""
    a, b = (pd.read_parquet(folder / way / "near_duplicates.parquet") for way in WAYS)
    ids_a, ids_b = (pd.read_parquet(folder / way / "tfidf_ids.parquet") for way in WAYS)
    tfidf_a, tfidf_b = (np.load(folder / way / "tfidf.npz") for way in WAYS)
    return bool(a.equals(b) and ids_a.equals(ids_b)
                and all(np.array_equal(tfidf_a[k], tfidf_b[k]) for k in ("indptr", "indices", "data", "terms")))


REAL_STAGES = ("near_duplicates", "tfidf", "find_terms", "extract_claims", "extract_sources")


def _real_stage(name: str, data: object) -> object:
    """One partitioned stage by name, on parts or on the whole corpus's units (near duplicates: on the corpus)."""
    from kzanalysis import claims, framing, overlap

    return {"near_duplicates": lambda: overlap.near_duplicates(data, threshold=0.1),
            "tfidf": lambda: kz.tfidf(data), "find_terms": lambda: framing.find_terms(data),
            "extract_claims": lambda: claims.extract_claims(data),
            "extract_sources": lambda: claims.extract_sources(data)}[name]()


def check_real(name: str, corpus: pd.DataFrame, work: Path) -> list[str]:
    """The partitioned stages on a real corpus cut into four parts, against the whole corpus in memory."""
    from kzanalysis import parallel

    folder = work / f"real-{name}"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("part-*.parquet"):
        old.unlink()
    keep = [c for c in corpus.columns if c not in ("file", "encoding", "detected_language")]
    for n, rows in enumerate(np.array_split(np.random.default_rng(0).permutation(len(corpus)), 4)):
        corpus.iloc[np.sort(rows)][keep].to_parquet(folder / f"part-{n}.parquet", index=False)
    parts = kz.corpus_parts(folder)
    whole = parts.load()
    units = kz.body_paragraphs(kz.paragraphs(whole))
    parallel.use_scheduler("local")
    try:
        started = time.perf_counter()
        on_parts = {stage: _real_stage(stage, parts) for stage in REAL_STAGES}
        seconds = time.perf_counter() - started
    finally:
        parallel.use_scheduler(None)
    lines = [f"| {name} | {len(whole)} | {seconds:.0f} s |"]
    for stage in REAL_STAGES:
        here = _real_stage(stage, whole if stage == "near_duplicates" else units)
        there = on_parts[stage]
        if stage == "tfidf":
            same = (here.terms.tolist() == there.terms.tolist() and here.ids.equals(there.ids)
                    and all(np.array_equal(getattr(here.matrix, k), getattr(there.matrix, k))
                            for k in ("indptr", "indices", "data")))
            size = f"{here.matrix.shape[0]} x {here.matrix.shape[1]}"
        else:
            same, size = bool(here.equals(there)), f"{len(here):,} rows"
        lines[0] += f" {size}, {'same' if same else 'DIFFERENT'} |"
    return lines


def write_real(lines: list[str]) -> str:
    return "\n".join([
        "# The partitioned stages on real corpora cut into parts",
        "",
        f"`kzanalysis` {kz.__version__}; each corpus cut into four Parquet parts of shuffled rows, every stage run "
        "over the parts on a LocalCluster of two workers, then on the whole corpus in memory (near duplicates at "
        "Jaccard 0.1, so that the small corpora have pairs). Only counts: neither corpus has a licence file.",
        "",
        "| corpus | documents | all stages on parts | " + " | ".join(f"`{s}`" for s in REAL_STAGES) + " |",
        "|---|---|---|" + "---|" * len(REAL_STAGES),
        *lines,
        "",
        "\"same\": equal tables (TF-IDF: terms, ids and matrix to the last bit).",
        "",
        "Reproduce: `.venv/bin/python benchmarks/partitioned_scale.py --sizes --basil PATH --chains PATH`.",
    ]) + "\n"


def write_results(rows: list[dict]) -> str:
    lines = [
        "# Near duplicates and TF-IDF of a corpus in parts, as Dask tasks",
        "",
        f"`kzanalysis` {kz.__version__}, Python {platform.python_version()}, {platform.machine()}, 2 cores; planted "
        "corpora of `benchmarks/synthetic.py` (600 words per article, 2% exact and 3% edited copies) written as "
        "Parquet datasets of shuffled rows. Each way runs in its own process; times are wall times of the stage "
        "calls (in memory: after `parts.load()`, whose time is listed), peak memory is the process's (and, on the "
        "cluster, each worker's).",
        "",
        "| articles | parts | way | load | near duplicates | TF-IDF | peak memory (client) | peak memory (workers) "
        "| near-dup pairs | recall | precision | same tables |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in sorted(rows, key=lambda r: (r["n_docs"], r["n_parts"], r["way"])):
        way = "in memory" if row["way"] == "memory" else "parts, LocalCluster (2 workers)"
        workers = ", ".join(f"{p / 1024:.1f}" for p in row["worker_peak_mb"]) + " GB" if row["worker_peak_mb"] else "-"
        seconds = row["seconds"]
        load = f"{seconds['load']:.0f} s" if row["way"] == "memory" else "in each stage"
        lines.append(
            f"| {row['n_docs']:,} | {row['n_parts']} | {way} | {load} | {seconds['near_duplicates']:.0f} s "
            f"| {seconds['tfidf']:.0f} s | {row['peak_mb'] / 1024:.1f} GB | {workers} | {row['n_pairs']:,} "
            f"| {row['recall']:.3f} | {row['precision']:.3f} | {'yes' if row['same_tables'] else 'NO'} |")
    lines += [
        "",
        "\"Same tables\": the near-duplicate table of both ways equal, and the TF-IDF terms, row ids and matrix "
        "(indptr, indices, data) equal to the last bit. On parts, each stage reads and cleans every part in its own "
        "tasks (so its times include what \"load\" is for the in-memory way, once per stage), and the client holds "
        "only what comes back: the pairs, the TF-IDF matrix, the ids. On this 2-core machine the two workers have "
        "the cores the in-memory way's joblib processes have; a cluster adds machines, not speed per core.",
        "",
        "Reproduce: `.venv/bin/python benchmarks/partitioned_scale.py --sizes N [N ...] --parts P --work DIR`.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[100_000])
    parser.add_argument("--basil", type=Path, help="a local clone of launchnlp/BASIL")
    parser.add_argument("--chains", type=Path, help="a local clone of fatih-gedikli/news_story_chains-2021-06")
    parser.add_argument("--parts", type=int, default=20)
    parser.add_argument("--work", type=Path, default=Path("/tmp/kz-parts"))
    parser.add_argument("--way", choices=WAYS, help=argparse.SUPPRESS)  # one way, in this process (internal)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.way:
        print(json.dumps(run_way(args.folder, args.way)))
        return
    store = RESULTS / "partitioned_scale.json"
    rows = json.loads(store.read_text()) if store.exists() else []
    for size in args.sizes:
        folder = write_dataset(size, args.parts, args.work)
        found = []
        for way in WAYS:
            done = subprocess.run([sys.executable, __file__, "--way", way, "--folder", str(folder)],
                                  check=True, capture_output=True, text=True)
            found.append({"n_docs": size, "n_parts": args.parts, **json.loads(done.stdout.strip().splitlines()[-1])})
            print(found[-1], flush=True)
        same = same_tables(folder)
        rows = [r for r in rows if (r["n_docs"], r["n_parts"]) != (size, args.parts)]
        rows += [{**row, "same_tables": same} for row in found]
        store.write_text(json.dumps(rows, indent=1) + "\n")
        (RESULTS / "partitioned_scale.md").write_text(write_results(rows))
    real: list[str] = []
    if args.basil or args.chains:
        import real_corpora

        if args.basil:
            real += check_real("BASIL", real_corpora.basil(args.basil)[0], args.work)
        if args.chains:
            real += check_real("story chains", real_corpora.chains(args.chains)[0], args.work)
        (RESULTS / "partitioned_real.md").write_text(write_real(real))
        print("\n".join(real))


if __name__ == "__main__":
    main()
