"""Benchmark: nearest-neighbour candidates through rarer terms (``kz.overlap.MAX_NEIGHBOR_TERM_DOCS``) against the
exact search (every document against every other).

Two questions, one table each:

- **Cost.** On planted corpora (``benchmarks/synthetic.py``) of the given sizes: seconds of
  ``kz.overlap.neighbor_candidates`` on the document TF-IDF matrix with the default cap and with no cap. The exact
  search grows with the square of the corpus; above ``--exact-max`` documents only the sparse product of its first
  2,000 rows (one chunk, the bulk of its work) is timed and scaled to the whole corpus, and the table says so.
- **What the cap misses.** On the two labelled corpora of ``benchmarks/real_corpora.py`` (BASIL, story chains; read
  from local clones, only counts are written), the cap is set to a share of the corpus as small as the default is
  of a large corpus (1,000 of 33,000 documents is 3%): the share of the exact search's neighbour pairs the capped
  search also finds, and the share of labelled same-story pairs each search finds.

Usage: .venv/bin/python benchmarks/neighbor_search.py [--sizes 10000 100000] [--basil PATH] [--chains PATH]
Results: benchmarks/results/neighbor_search.md (rewritten on each run) and stdout.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import real_corpora  # noqa: E402
import synthetic  # noqa: E402

import kzanalysis as kz  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "neighbor_search.md"
SHARES = (0.03, 0.1, 0.33)
SAMPLE_ROWS = 2000


def _document_matrix(corpus: pd.DataFrame) -> tuple[object, np.ndarray]:
    """The document TF-IDF rows the overlap notebook searches, and their ids."""
    features = kz.tfidf(kz.body_paragraphs(kz.paragraphs(corpus)), grain="document")
    return features.matrix.tocsr(), features.ids["doc_id"].astype(str).to_numpy()


def _pairs(frame: pd.DataFrame) -> set[frozenset[str]]:
    return {frozenset(p) for p in zip(frame["doc_a"], frame["doc_b"])}


def cost(size: int, work: Path, *, exact_max: int) -> dict[str, object]:
    """Seconds of the capped and of the exact search on ``size`` planted articles."""
    path = work / f"planted-{size}" / "articles.jsonl"
    if not path.exists():
        synthetic.write_jsonl(synthetic.make_corpus(size, random_state=0), path)
    matrix, ids = _document_matrix(kz.load_corpus(path))
    started = time.perf_counter()
    capped = kz.overlap.neighbor_candidates(matrix, ids)
    capped_s = time.perf_counter() - started
    started = time.perf_counter()
    if size <= exact_max:
        exact_pairs = len(kz.overlap.neighbor_candidates(matrix, ids, max_term_docs=size))
        rows = matrix.shape[0]
    else:  # the exact search's sparse product for one chunk of rows, the bulk of its work: a lower bound
        rows, exact_pairs = SAMPLE_ROWS, -1
        (matrix[:rows] @ matrix.T.tocsc()).tocsr()
    exact_s = (time.perf_counter() - started) * (matrix.shape[0] / rows)
    return {"size": size, "capped_s": capped_s, "capped_pairs": len(capped), "exact_s": exact_s,
            "exact_pairs": exact_pairs, "scaled": rows < matrix.shape[0]}


def misses(name: str, corpus: pd.DataFrame, truth: dict[frozenset[str], bool]) -> list[dict[str, object]]:
    """What the capped search finds of the exact one's pairs and of the labelled same-story pairs."""
    matrix, ids = _document_matrix(corpus)
    n_docs = matrix.shape[0]
    same = {pair for pair, related in truth.items() if related}
    exact = _pairs(kz.overlap.neighbor_candidates(matrix, ids, max_term_docs=n_docs))
    rows = [{"corpus": name, "cap": "none (exact)", "cap_docs": n_docs, "of_exact": 1.0,
             "same_story_found": len(exact & same) / len(same), "pairs": len(exact)}]
    for share in SHARES:
        cap = max(1, round(share * n_docs))
        found = _pairs(kz.overlap.neighbor_candidates(matrix, ids, max_term_docs=cap))
        rows.append({"corpus": name, "cap": f"{share:.0%} of the documents", "cap_docs": cap,
                     "of_exact": len(found & exact) / len(exact), "same_story_found": len(found & same) / len(same),
                     "pairs": len(found)})
    return rows


def write(costs: list[dict[str, object]], quality: list[dict[str, object]]) -> str:
    lines = ["# Nearest neighbours through rarer terms", "",
             f"`kzanalysis` {kz.__version__}, Python {platform.python_version()}, {platform.machine()}, "
             f"{os.cpu_count()} cores. `kz.overlap.neighbor_candidates` (10 neighbours, cosine at least "
             f"{kz.overlap.MIN_NEIGHBOR_COSINE}) on the document TF-IDF matrix; the cap "
             f"(`MAX_NEIGHBOR_TERM_DOCS` = {kz.overlap.MAX_NEIGHBOR_TERM_DOCS:,}) leaves out terms in more documents "
             f"and ranks a pool of {kz.overlap.NEIGHBOR_POOL} x 10 documents by their full cosine.", "",
             "## Cost on planted corpora", "",
             "| articles | with the cap | pairs | exact search | pairs |", "|---|---|---|---|---|"]
    for c in costs:
        exact = (f"at least {c['exact_s']:,.0f} s (sparse product of the first {SAMPLE_ROWS:,} rows, scaled)" if c["scaled"]
                 else f"{c['exact_s']:,.1f} s")
        exact_pairs = f"{c['exact_pairs']:,}" if c["exact_pairs"] >= 0 else "-"
        lines.append(f"| {c['size']:,} | {c['capped_s']:,.1f} s | {c['capped_pairs']:,} | {exact} | {exact_pairs} |")
    lines += ["", "Planted articles are made of the seed articles' sentences, so their exact neighbours are "
              "whichever articles drew more of the same sentences: the planted corpora measure cost here, not "
              "which neighbours are right.", "",
              "## What the cap misses on labelled news", "",
              "| corpus | cap | documents per term at most | share of the exact pairs found | labelled same-story "
              "pairs found | pairs |", "|---|---|---|---|---|---|"]
    for q in quality:
        lines.append(f"| {q['corpus']} | {q['cap']} | {q['cap_docs']:,} | {q['of_exact']:.3f} | "
                     f"{q['same_story_found']:.3f} | {q['pairs']:,} |")
    lines += ["", "Reproduce: `.venv/bin/python benchmarks/neighbor_search.py --sizes 10000 100000 --basil "
              "PATH --chains PATH`.", ""]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000])
    parser.add_argument("--exact-max", type=int, default=10_000, help="largest corpus searched exactly in full")
    parser.add_argument("--work", type=Path, default=Path("/tmp/kz-series-scale"))
    parser.add_argument("--basil", type=Path)
    parser.add_argument("--chains", type=Path)
    args = parser.parse_args()
    costs = [cost(size, args.work, exact_max=args.exact_max) for size in args.sizes]
    quality: list[dict[str, object]] = []
    if args.basil:
        quality += misses("BASIL", *real_corpora.basil(args.basil))
    if args.chains:
        corpus, coder1, _ = real_corpora.chains(args.chains)
        quality += misses("story chains", corpus, coder1)
    print(write(costs, quality))


if __name__ == "__main__":
    main()
