"""Command line: ``kzanalysis report`` runs the notebook series; ``kzanalysis check`` audits a corpus folder;
``kzanalysis notebooks DIR`` copies the series for editing."""

from __future__ import annotations

import argparse
import os
import sys

from pathlib import Path
from typing import Sequence

from . import config


def _parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(prog="kzanalysis", description=__doc__)
    parser.add_argument("--version", action="version", version=f"kzanalysis {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    report = commands.add_parser("report", help="run the numbered notebooks on a corpus and write HTML reports")
    report.add_argument("--corpus", type=Path, default=config.RAW_DIR,
                        help="folder of .txt/.html files with optional metadata.csv, or a .csv/.jsonl/.parquet file of "
                             "articles (default: the seed corpus)")
    report.add_argument("--metadata", type=Path, default=None,
                        help="metadata CSV (default: CORPUS/metadata.csv if present)")
    report.add_argument("--text-column", default=None,
                        help="for a CSV export or JSON Lines file: the column holding the text (default: text, body, ...)")
    report.add_argument("--id-column", default=None,
                        help="for a CSV export or JSON Lines file: the column holding the id (default: doc_id, id, ...)")
    report.add_argument("--out", type=Path, default=config.REPORTS_DIR,
                        help="report folder: html/, tables/, figures/, notebooks/ (default: reports/)")
    report.add_argument("--jobs", type=int, default=None,
                        help="notebooks run side by side (default: the number of CPU cores, at most 4; fewer when "
                             "that many would not fit in memory)")
    report.add_argument("--timeout", type=int, default=900, help="seconds a single notebook cell may run")
    report.add_argument("--scheduler", default=None,
                        help="run the chunked work (tokenising, MinHash) on a Dask cluster: its scheduler address, or "
                             "'local' to start a LocalCluster for this run (needs pip install 'kzanalysis[dask]')")
    report.add_argument("--notebooks", type=Path, default=None,
                        help="folder of NN-name.ipynb notebooks to run (default: the series the package ships; "
                             "`kzanalysis notebooks DIR` copies it for editing)")

    notebooks = commands.add_parser("notebooks", help="copy the numbered notebooks into a folder to edit them")
    notebooks.add_argument("folder", type=Path)

    check = commands.add_parser("check", help="list every file of a corpus folder and what is wrong with it")
    check.add_argument("corpus", type=Path, nargs="?", default=config.RAW_DIR)
    check.add_argument("--metadata", type=Path, default=None)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``kzanalysis`` console script; returns the exit code.

    Example:
        >>> main(["check"])  # doctest: +SKIP
        0
    """
    # One BLAS thread in the command itself unless the user asks for more: it only orchestrates (kernels do the
    # work), and under a tight memory limit OpenBLAS's per-thread buffers can make even importing scipy hang.
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, "1")
    args = _parser().parse_args(argv)
    from .corpus import CorpusError

    try:
        if args.command == "notebooks":
            from .report import copy_notebooks

            for path in copy_notebooks(args.folder):
                print(path)
            return 0
        if args.command == "check":
            from .corpus import check_corpus

            table = check_corpus(args.corpus, metadata=args.metadata)
            print(table.to_string(index=False))
            return 0 if bool(table["ok"].all()) else 1
        from .report import Interrupted, display_path, run_series

        try:
            from .report import discover_notebooks

            todo = discover_notebooks(args.notebooks) if args.notebooks is not None else None
            runs = run_series(args.corpus, metadata=args.metadata, out=args.out, jobs=args.jobs,
                              timeout=args.timeout, notebooks=todo, text_column=args.text_column,
                              id_column=args.id_column, scheduler=args.scheduler)
        except Interrupted as stop:
            partial = f"; what it had written is in {display_path(stop.partial)}" if stop.partial else ""
            print(f"kzanalysis: {stop} -- {display_path(args.out)} was left as it was{partial}", file=sys.stderr)
            return 130
    except KeyboardInterrupt:
        print("kzanalysis: interrupted before any notebook started; nothing was written", file=sys.stderr)
        return 130
    except (CorpusError, FileNotFoundError, FileExistsError, ValueError, ImportError, OSError) as err:
        print(f"kzanalysis: {err}", file=sys.stderr)
        return 2
    for run in runs.itertuples(index=False):
        line = f"{run.status:5s} {run.seconds:7.1f} s  {run.notebook} -> {Path(args.out) / 'html' / Path(run.html).name}"
        print(line if run.status == "ok" else f"{line}\n      {run.error}")
    print(f"index: {Path(args.out) / 'index.html'}")
    failed = runs[runs["status"] != "ok"]
    if not failed.empty:
        print(f"kzanalysis: {len(failed)} notebook(s) failed; their HTML shows the failing cell", file=sys.stderr)
        return 1
    return 0

if __name__ == "__main__":
    raise SystemExit(main())
