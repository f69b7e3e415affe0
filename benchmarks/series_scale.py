"""Benchmark: the whole notebook series (`kzanalysis report`) on planted synthetic corpora of growing size.

For each size, ``benchmarks/synthetic.py`` writes a corpus of planted articles as JSON Lines (exact and edited
copies, paragraphs shared between otherwise different articles); ``kzanalysis report`` then runs every notebook
on it in a fresh process, exactly as a researcher would. Recorded per size: each notebook's time and status (as
the runner prints them), the whole run's wall time, the peak resident memory of the largest process of the run
(the runner or one of its notebook kernels; ``getrusage(RUSAGE_CHILDREN)``), and the planted near duplicates'
recall and precision in the run's ``doc_similarity.csv`` (exact and edited copies are the true pairs; a pair
that only shares a paragraph is not).

Usage: .venv/bin/python benchmarks/series_scale.py [--sizes 1000 10000] [--timeout SECONDS] [--work DIR]
Results: benchmarks/results/series_scale.md (rewritten on each run) and stdout. Timing figures are whole-process
wall times on this machine (2 cores); rerun on yours.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synthetic  # noqa: E402

import kzanalysis as kz  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "series_scale.md"
_LINE = re.compile(r"^(ok|failed|error|timeout)\s+([\d.]+)\s*s\s+(\S+)\.ipynb", re.MULTILINE)


def run_size(size: int, work: Path, *, timeout: int) -> dict[str, object]:
    """Write a planted corpus of ``size`` articles, run the series on it, and measure."""
    corpus = synthetic.make_corpus(size, random_state=0)
    path = synthetic.write_jsonl(corpus, work / f"planted-{size}" / "articles.jsonl")
    out = work / f"report-{size}"
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "kzanalysis.cli", "report", "--corpus", str(path), "--out", str(out),
                           "--timeout", str(timeout)], capture_output=True, text=True,
                          env={**os.environ, "MPLBACKEND": "Agg"})
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    notebooks = {name: (status, float(t)) for status, t, name in _LINE.findall(done.stdout)}
    recall = precision = float("nan")
    similarity = out / "tables" / "doc_similarity.csv"
    if similarity.exists():
        table = kz.report.read_table("doc_similarity", out_dir=out)
        found = set(zip(table.loc[table["relation"] == "near_duplicate", "doc_a"],
                        table.loc[table["relation"] == "near_duplicate", "doc_b"]))
        truth = corpus.pairs[corpus.pairs["kind"].isin(["exact", "edited"])]
        true = set(zip(truth["doc_a"], truth["doc_b"]))
        recall = len(found & true) / len(true) if true else float("nan")
        precision = len(found & true) / len(found) if found else float("nan")
    return {"size": size, "notebooks": notebooks, "seconds": seconds, "returncode": done.returncode,
            "peak_gib": max(peak_kib, before) / 2**20, "recall": recall, "precision": precision,
            "stderr": done.stderr[-2000:] if done.returncode else ""}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000])
    parser.add_argument("--timeout", type=int, default=3600, help="seconds a single notebook cell may run")
    parser.add_argument("--work", type=Path, default=Path("/tmp/kz-series-scale"))
    args = parser.parse_args()
    runs = [run_size(size, args.work, timeout=args.timeout) for size in args.sizes]
    names = sorted({name for r in runs for name in r["notebooks"]})
    header = "| articles | " + " | ".join(n[:2] for n in names) + " | whole series | peak memory | near-dup recall | precision |"
    lines = ["# The whole series at scale (in memory)", "",
             f"`kzanalysis` {kz.__version__}, Python {platform.python_version()}, {platform.machine()}; "
             "`kzanalysis report` on planted corpora of `benchmarks/synthetic.py` (600 words per article, 2% exact "
             "and 3% edited copies, 3% with a paragraph of another article). Wall times of whole processes; peak "
             "memory is the largest process of the run.", "",
             header, "|" + "---|" * (len(names) + 5)]
    for r in runs:
        cells = []
        for name in names:
            status, seconds = r["notebooks"].get(name, ("missing", float("nan")))
            cells.append(f"{seconds:.0f} s" + ("" if status == "ok" else f" ({status})"))
        lines.append(f"| {r['size']:,} | " + " | ".join(cells) + f" | {r['seconds'] / 60:.1f} min | "
                     f"{r['peak_gib']:.1f} GB | {r['recall']:.3f} | {r['precision']:.3f} |")
    for r in runs:
        if r["returncode"]:
            lines += ["", f"Run at {r['size']:,} articles exited with {r['returncode']}:", "", "```",
                      str(r["stderr"]), "```"]
    lines += ["", "Reproduce: `.venv/bin/python benchmarks/series_scale.py --sizes " +
              " ".join(str(r["size"]) for r in runs) + "`.", ""]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
