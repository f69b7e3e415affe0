"""Benchmark: notebook 01's computation alone (``kz.overlap.source_overlap``) on planted corpora, with peak memory.

The series benchmark (``series_scale.py``) times whole notebooks side by side; this one runs the overlap stage by
itself in one process, so that its time and memory at sizes the series cannot reach yet (100,000 articles) are
known: loading and paragraphs, then ``source_overlap`` with the notebook's defaults, the rows of its tables, and
the planted near duplicates found. With ``--profile`` it also lists where the time went (cProfile, which slows
Python-heavy code: the times of a profiled run are not the stage's).

Usage: .venv/bin/python benchmarks/overlap_scale.py --sizes 10000 100000 [--profile] [--work /tmp/kz-series-scale]
Results: benchmarks/results/overlap_scale.md (one row per size and mode; a rerun replaces its row) and stdout.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synthetic  # noqa: E402

import kzanalysis as kz  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "overlap_scale.md"
RAW = RESULTS.with_suffix(".json")
TOP_FUNCTIONS = 25


def measure(size: int, work: Path, *, profile: bool) -> dict[str, object]:
    """Load ``size`` planted articles, run ``source_overlap`` and report times, table sizes and peak memory."""
    corpus_truth = synthetic.make_corpus(size, random_state=0)
    path = work / f"planted-{size}" / "articles.jsonl"
    if not path.exists():
        synthetic.write_jsonl(corpus_truth, path)
    started = time.perf_counter()
    units = kz.body_paragraphs(kz.paragraphs(kz.load_corpus(path, n_jobs=-1)))
    load_s = time.perf_counter() - started
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    result = kz.overlap.source_overlap(units)
    if profiler:
        profiler.disable()
    overlap_s = time.perf_counter() - started
    near = result.similarity[result.similarity["relation"] == "near_duplicate"]
    found = set(zip(near["doc_a"], near["doc_b"]))
    truth = corpus_truth.pairs[corpus_truth.pairs["kind"].isin(["exact", "edited"])]
    true = set(zip(truth["doc_a"], truth["doc_b"]))
    top = ""
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(TOP_FUNCTIONS)
        top = out.getvalue()[out.getvalue().find("ncalls"):]
    return {"size": size, "profiled": profile, "load_s": load_s, "overlap_s": overlap_s,
            "peak_gib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
            "paragraphs": len(units), "compared_pairs": len(result.similarity), "alignment": len(result.alignment),
            "recall": len(found & true) / len(true) if true else float("nan"),
            "precision": len(found & true) / len(found) if found else float("nan"), "top": top}


def write(runs: list[dict]) -> str:
    lines = ["# The overlap stage alone at scale", "",
             f"`kzanalysis` {kz.__version__}, Python {platform.python_version()}, {platform.machine()}, "
             f"{os.cpu_count()} cores. `kz.overlap.source_overlap` with notebook 01's defaults on planted corpora "
             "of `benchmarks/synthetic.py`, in one process; load: `kz.load_corpus(n_jobs=-1)`, `kz.paragraphs`, "
             "`kz.body_paragraphs`. Peak memory: the process's largest resident set. A profiled run's times are "
             "cProfile's, slower than the stage's.", "",
             "| articles | profiled | body paragraphs | load and paragraphs | source_overlap | compared pairs | "
             "aligned paragraph pairs | peak memory | near-dup recall | precision |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in sorted(runs, key=lambda r: (r["size"], r["profiled"])):
        lines.append(f"| {r['size']:,} | {'yes' if r['profiled'] else 'no'} | {r['paragraphs']:,} | "
                     f"{r['load_s']:.0f} s | {r['overlap_s']:.0f} s ({r['overlap_s'] / 60:.1f} min) | "
                     f"{r['compared_pairs']:,} | {r['alignment']:,} | {r['peak_gib']:.1f} GB | {r['recall']:.3f} | "
                     f"{r['precision']:.3f} |")
    for r in runs:
        if r["top"]:
            lines += ["", f"Where the time went at {r['size']:,} articles (cProfile, cumulative):", "", "```",
                      r["top"].rstrip(), "```"]
    lines += ["", "Reproduce: `.venv/bin/python benchmarks/overlap_scale.py --sizes N [N ...] [--profile]`.", ""]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--profile", action="store_true", help="list where the time went (slows the run)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/kz-series-scale"))
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # a single size, in a process of its own
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.work, profile=args.profile)))
        return
    runs = json.loads(RAW.read_text()) if RAW.exists() else []
    for size in args.sizes:  # each size in a fresh process: its peak memory is its own
        done = subprocess.run([sys.executable, __file__, "--one", str(size), "--work", str(args.work),
                               *(["--profile"] if args.profile else [])], capture_output=True, text=True, check=True)
        run = json.loads(done.stdout.strip().splitlines()[-1])
        runs = [r for r in runs if (r["size"], r["profiled"]) != (size, args.profile)] + [run]
        RAW.write_text(json.dumps(runs, indent=1), encoding="utf-8")
    print(write(runs))


if __name__ == "__main__":
    main()
