"""Benchmark: one notebook of the series, cell by cell, on a planted corpus: each cell's time and memory.

``series_scale.py`` gives the whole series' peak memory (its largest process) but not which notebook, or which
cell of it, holds it: a run at 100,000 articles takes hours, so this script measures one notebook at a time. It
makes the run's shared inputs once (``report.share_inputs``, as ``kzanalysis report`` does before the first
notebook; reused when ``WORK/shared`` was made from the same corpus), then runs the notebook's code cells in this
process, in order, with the corpus and report folder set after the parameters cell as the runner sets them. Per
cell: its seconds, the largest resident memory of this process while it ran and of any one worker process it
started (both sampled every 20 ms), and the memory it left held.

Usage: .venv/bin/python benchmarks/notebook_memory.py --notebook 03-framing-terms --size 100000
       [--work DIR] [--beside "what else ran"]
       (the planted corpus of ``synthetic.py`` at WORK/planted-SIZE/articles.jsonl, written if absent)
Results: benchmarks/results/notebook_memory.json (one entry per notebook and size; a rerun replaces its entry) and
notebook_memory.md. Whole-process figures on this machine (2 cores); other work running beside changes the times.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synthetic  # noqa: E402

import kzanalysis as kz  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results" / "notebook_memory.md"
RAW = RESULTS.with_suffix(".json")
# Makes the shared inputs unless WORK's were made from the same corpus (checking reads the corpus: in a child).
_SHARE = ("import sys\nfrom kzanalysis import report\n"
          "if report.run_inputs(sys.argv[1], out_dir=sys.argv[2]).folder is None:\n"
          "    report.share_inputs(sys.argv[1], out_dir=sys.argv[2])\n")


def _resident_gb() -> float:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e9


def _descendants_gb() -> list[float]:
    """Resident memory of each process started from this one (worker pools), read from ``/proc``."""
    found, todo = [], [str(os.getpid())]
    while todo:
        pid = todo.pop()
        for children in Path(f"/proc/{pid}/task").glob("*/children"):
            try:
                todo += children.read_text(encoding="ascii").split()
            except OSError:  # the process ended meanwhile
                continue
        if pid != str(os.getpid()):
            try:
                found.append(int(Path(f"/proc/{pid}/statm").read_text(encoding="ascii").split()[1])
                             * os.sysconf("SC_PAGE_SIZE") / 1e9)
            except OSError:
                continue
    return found


class _Peak:
    """The largest resident memory of this process, and of any one process it started, since the last
    ``reset``, sampled in a thread."""

    def __init__(self) -> None:
        self.value, self.workers = _resident_gb(), 0.0
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self) -> None:
        while True:
            self.value = max(self.value, _resident_gb())
            self.workers = max([self.workers, *_descendants_gb()])
            time.sleep(0.02)

    def reset(self) -> None:
        self.value, self.workers = _resident_gb(), 0.0


def _kernel_arrow_pool() -> str:
    """Arrow's allocator as the report's kernels get it (``report.runner.kernel_defaults``), unless this process's
    environment names one: set for this process, and in the environment its worker processes inherit."""
    import pyarrow as pa

    name = (os.environ.get("ARROW_DEFAULT_MEMORY_POOL")
            or kz.report.runner.kernel_defaults().get("ARROW_DEFAULT_MEMORY_POOL"))
    if name:
        os.environ["ARROW_DEFAULT_MEMORY_POOL"] = name
        pa.set_memory_pool(getattr(pa, f"{name}_memory_pool")())
    return pa.default_memory_pool().backend_name


def run_notebook(name: str, size: int, work: Path, *, beside: str = "") -> dict[str, object]:
    """Share the inputs of a planted corpus of ``size`` articles (or reuse them) and run notebook ``name``."""
    path = work / f"planted-{size}" / "articles.jsonl"
    if not path.exists():
        synthetic.write_jsonl(synthetic.make_corpus(size, random_state=0), path)
    out = work / f"notebook-{size}"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", _SHARE, str(path), str(out)], check=True)  # this process starts clean
    share_seconds = time.perf_counter() - started
    pool = _kernel_arrow_pool()  # after the sharing child, which the runner also leaves at Arrow's default
    notebook = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
    cells = ["".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code"]
    namespace: dict[str, object] = {"display": lambda *args, **kwargs: None}
    peak, rows = _Peak(), []
    os.environ.setdefault("MPLBACKEND", "Agg")
    for number, source in enumerate(cells):
        if number == 1:  # the parameters cell, then the values the runner would inject
            source += f"\ncorpus_dir = {str(path)!r}\nout_dir = {str(out)!r}\n"
        peak.reset()
        began = time.perf_counter()
        exec(compile(source, f"{name} cell {number}", "exec"), namespace)  # noqa: S102 (our own notebook)
        first = next((line for line in source.splitlines() if line.strip()), "")
        rows.append({"cell": number, "seconds": round(time.perf_counter() - began, 1),
                     "peak_gb": round(peak.value, 2), "after_gb": round(_resident_gb(), 2),
                     "workers_gb": round(peak.workers, 2), "first_line": first[:70]})
        print(f"cell {number:2d} {rows[-1]['seconds']:7.1f} s  peak {rows[-1]['peak_gb']:5.2f} GB  "
              f"after {rows[-1]['after_gb']:5.2f} GB  workers {rows[-1]['workers_gb']:5.2f} GB  "
              f"{rows[-1]['first_line']}", flush=True)
    return {"notebook": name, "size": size, "kzanalysis": kz.__version__, "python": platform.python_version(),
            "cores": os.cpu_count(), "share_seconds": round(share_seconds, 1), "cells": rows,
            "peak_gb": max(r["peak_gb"] for r in rows), "seconds": round(sum(r["seconds"] for r in rows), 1),
            "workers_peak_gb": max(r["workers_gb"] for r in rows), "measured": time.strftime("%Y-%m-%d %H:%M"),
            "beside": beside, "arrow_pool": pool}


def write_results(runs: list[dict]) -> str:
    """The Markdown of every run: a summary table, then each run's cells."""
    lines = ["# One notebook, cell by cell", "",
             f"`kzanalysis` {runs[0]['kzanalysis'] if runs else ''}, Python {platform.python_version()}, "
             f"{os.cpu_count()} cores; planted corpora of `benchmarks/synthetic.py`; shared inputs made once per "
             "corpus as `kzanalysis report` makes them; the notebook's code cells run in one process. Peak: largest "
             "resident memory of that process (sampled every 20 ms); workers: the largest of the processes it started "
             "(worker pools), sampled the same way. Arrow's allocator as the report's kernels get it "
             "(`report.runner.kernel_defaults`; rows without one in the JSON ran with Arrow's default, mimalloc). "
             "Target of issue #15: at most 8 GB at 100,000 articles.", "",
             "| notebook | articles | notebook time | peak memory | workers' peak | Arrow's allocator | measured "
             "| running beside |",
             "|---|---|---|---|---|---|---|---|"]
    for r in sorted(runs, key=lambda r: (r["notebook"], r["size"])):
        lines.append(f"| {r['notebook']} | {r['size']:,} | {r['seconds']:.0f} s | {r['peak_gb']:.1f} GB "
                     f"| {r['workers_peak_gb']:.1f} GB | {r.get('arrow_pool', 'mimalloc')} | {r['measured']} "
                     f"| {r.get('beside') or 'nothing'} |")
    for r in sorted(runs, key=lambda r: (r["notebook"], r["size"])):
        lines += ["", f"## {r['notebook']}, {r['size']:,} articles", "",
                  "| cell | seconds | peak GB | held after GB | largest worker GB | first line |",
                  "|---|---|---|---|---|---|"]
        lines += [f"| {c['cell']} | {c['seconds']} | {c['peak_gb']:.2f} | {c['after_gb']:.2f} | "
                  f"{c['workers_gb']:.2f} | `{c['first_line'].replace('|', '/')}` |" for c in r["cells"]]
    lines += ["", "Reproduce: `.venv/bin/python benchmarks/notebook_memory.py --notebook NAME --size N` "
              "(a rerun replaces its entry)."]
    text = "\n".join(lines) + "\n"
    RESULTS.write_text(text, encoding="utf-8")
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--notebook", help="a notebook's name without .ipynb, e.g. 03-framing-terms")
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/kz-series-scale"))
    parser.add_argument("--beside", default="", help="other work running meanwhile, recorded with the run")
    parser.add_argument("--rewrite", action="store_true", help="only rewrite the .md from the runs in the .json")
    args = parser.parse_args()
    runs = json.loads(RAW.read_text(encoding="utf-8")) if RAW.exists() else []
    if not args.rewrite:
        if not args.notebook:
            parser.error("--notebook is required (except with --rewrite)")
        result = run_notebook(args.notebook, args.size, args.work, beside=args.beside)
        runs = [r for r in runs if (r["notebook"], r["size"]) != (args.notebook, args.size)] + [result]
        RAW.write_text(json.dumps(runs, indent=1) + "\n", encoding="utf-8")
    print(write_results(runs))


if __name__ == "__main__":
    main()
