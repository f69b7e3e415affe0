"""Benchmark: the whole report build against as many notebooks that only import the stack.

The build should cost about what starting its kernels costs. This script times
1. `run_series` on the seed corpus (all notebooks, HTML export, index), and
2. the same number of notebooks whose only cell imports kzanalysis, pandas, matplotlib and
   scikit-learn, executed one after another with nbclient (kernel start, import, shutdown),
and writes the ratio to benchmarks/results/report_speed.md.

Usage: .venv/bin/python benchmarks/report_speed.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from kzanalysis import config, report

RESULTS = Path(__file__).resolve().parent / "results" / "report_speed.md"
IMPORT_CELL = "import kzanalysis, pandas, matplotlib, sklearn\nimport matplotlib.pyplot"


def time_baseline(n_notebooks: int) -> float:
    """Seconds to execute n import-only notebooks one after another."""
    started = time.perf_counter()
    for _ in range(n_notebooks):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(IMPORT_CELL)])
        NotebookClient(nb, kernel_name="python3", timeout=600).execute()
    return time.perf_counter() - started


def time_report(out: Path, jobs: int | None) -> tuple[float, int]:
    started = time.perf_counter()
    runs = report.run_series(config.RAW_DIR, out=out, jobs=jobs)
    seconds = time.perf_counter() - started
    failed = runs[runs["status"] != "ok"]
    if not failed.empty:
        raise SystemExit(f"notebooks failed:\n{failed.to_string()}")
    return seconds, len(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    os.environ.setdefault("MPLBACKEND", "Agg")
    builds, baselines = [], []
    n = len(report.discover_notebooks())
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as out:
            seconds, n = time_report(Path(out), args.jobs)
        builds.append(seconds)
        baselines.append(time_baseline(n))
    build, baseline = statistics.median(builds), statistics.median(baselines)
    lines = [
        "# Report build speed",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"median of {args.repeat} runs; jobs={args.jobs or 'default'}.",
        "",
        "| what | seconds |",
        "| --- | --- |",
        f"| report build ({n} notebooks, HTML, index) | {build:.1f} |",
        f"| {n} import-only notebooks, one after another | {baseline:.1f} |",
        f"| ratio | {build / baseline:.2f} |",
        "",
        f"All runs: build {[round(b, 1) for b in builds]}, baseline {[round(b, 1) for b in baselines]}.",
        "",
    ]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
