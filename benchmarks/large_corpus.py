"""Benchmark: each stage on synthetic corpora of 1k, 10k and 100k articles, against the standard tools.

For every size it builds (or reuses) a planted corpus (benchmarks/synthetic.py: about 600 words per
article, sentences from the seed articles, exact and edited copies and shared paragraphs), then
times in one run, with the peak resident memory of each stage:

- loading one JSON Lines file (kz.load_corpus), paragraphs and boilerplate (kz.paragraphs);
- tokenising + TF-IDF (kz.tfidf: NLTK tokens and Snowball stems) against scikit-learn's
  TfidfVectorizer with its default tokenizer on the same body texts;
- near-duplicate detection (kz.overlap) against a per-document MinHash loop as a text-reuse
  library does it, with recall and precision on the planted pairs;
- topics (kz.topics) on a sample of paragraphs.

Results go to benchmarks/results/large_corpus.md (rewritten on each run) and stdout.

Usage: .venv/bin/python benchmarks/large_corpus.py [--sizes 1000 10000 100000]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import re
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

import kzanalysis as kz  # noqa: E402
import kzanalysis.features  # noqa: E402,F401  (imported before timing: module imports are not the work measured)
import kzanalysis.overlap  # noqa: E402,F401
import kzanalysis.topics  # noqa: E402,F401
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from synthetic import make_corpus, write_jsonl  # noqa: E402

HERE = Path(__file__).resolve().parent
CACHE = HERE / "results" / "tmp"
RESULTS = HERE / "results" / "large_corpus.md"


def _peak_kib() -> int:
    return int(re.search(r"VmHWM:\s+(\d+)", Path("/proc/self/status").read_text()).group(1))


def _reset_peak() -> None:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass  # not Linux: the peak is then the process's peak so far


def measure(rows: list[dict[str, Any]], size: int, stage: str, what: str, work: Callable[[], Any]) -> Any:
    """Run ``work``, record seconds and peak memory (this process; workers separately)."""
    _reset_peak()
    started = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - started
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    rows.append({"n_docs": size, "stage": stage, "what": what, "seconds": round(seconds, 2),
                 "peak_mb": round(_peak_kib() / 1024), "worker_peak_mb": round(children / 1024)})
    print(f"{size:>7} {stage:<22} {what:<34} {seconds:8.2f} s {_peak_kib() / 1024:8.0f} MB", flush=True)
    return result


def minhash_loop(texts: list[str], *, num_perm: int = 128, shingle: int = 5, seed: int = 1) -> np.ndarray:
    """The standard way: one MinHash per document, updated shingle by shingle's hash (as datasketch does)."""
    rng = np.random.default_rng(seed)
    prime = np.uint64((1 << 61) - 1)
    a = rng.integers(1, (1 << 61) - 1, size=num_perm, dtype=np.uint64)
    b = rng.integers(0, (1 << 61) - 1, size=num_perm, dtype=np.uint64)
    signatures = np.empty((len(texts), num_perm), dtype=np.uint64)
    for row, text in enumerate(texts):
        words = text.lower().split()
        grams = {" ".join(words[i:i + shingle]) for i in range(max(1, len(words) - shingle + 1))}
        hashes = np.array([int.from_bytes(hashlib.sha1(g.encode()).digest()[:4], "little") for g in grams],
                          dtype=np.uint64)
        signatures[row] = ((np.outer(hashes, a) + b) % prime).min(axis=0)
    return signatures


def score_pairs(found: pd.DataFrame, truth: pd.DataFrame) -> tuple[float, float]:
    """Recall and precision of found (doc_a, doc_b) pairs against the planted near-duplicates."""
    wanted = set(map(tuple, truth.loc[truth["kind"].isin(["exact", "edited"]), ["doc_a", "doc_b"]].to_numpy()))
    got = set(map(tuple, found[["doc_a", "doc_b"]].to_numpy()))
    hits = len(wanted & got)
    return hits / max(len(wanted), 1), hits / max(len(got), 1)


def run_size(size: int, rows: list[dict[str, Any]], notes: list[str]) -> None:
    path = CACHE / f"synthetic-{size}.jsonl"
    if not path.exists():
        measure(rows, size, "generate", "planted corpus (not timed against)", lambda: write_jsonl(make_corpus(size), path))
    truth = pd.read_csv(path.with_suffix(".pairs.csv"))
    corpus = measure(rows, size, "load", "kz.load_corpus (JSON Lines)", lambda: kz.load_corpus(path))
    paras = measure(rows, size, "paragraphs", "kz.paragraphs + body_paragraphs",
                    lambda: kz.body_paragraphs(kz.paragraphs(corpus)))
    bodies = paras.groupby("doc_id", sort=True)["text"].agg("\n".join)
    features = measure(rows, size, "tokenise + tf-idf", "kz.tfidf (NLTK tokens, stems)",
                       lambda: kz.tfidf(paras, grain="document"))
    baseline = measure(rows, size, "tokenise + tf-idf", "sklearn TfidfVectorizer (default)",
                       lambda: TfidfVectorizer().fit_transform(bodies.tolist()))
    ours, theirs = rows[-2]["seconds"], rows[-1]["seconds"]
    notes.append(f"{size:,} docs: kz.tfidf {ours:.1f} s vs TfidfVectorizer {theirs:.1f} s = {ours / theirs:.2f}x "
                 f"({features.matrix.shape[1]:,} stems vs {baseline.shape[1]:,} words)")

    from kzanalysis import overlap, topics

    for what, data in (("kz.overlap.near_duplicates(units)", paras), ("kz.overlap.near_duplicates(corpus)", corpus)):
        pairs = measure(rows, size, "near-duplicates", what, lambda data=data: overlap.near_duplicates(data))
        recall, precision = score_pairs(pairs, truth)
        notes.append(f"{size:,} docs: {what}: {rows[-1]['seconds']:.1f} s, recall {recall:.3f}, precision "
                     f"{precision:.3f} ({len(pairs):,} pairs found, "
                     f"{int(truth['kind'].isin(['exact', 'edited']).sum()):,} planted)")
    sample = bodies.tolist()[: min(size, 10_000)]
    measure(rows, size, "near-duplicates", f"per-document MinHash loop ({len(sample):,} docs)",
            lambda: minhash_loop(sample))
    if len(sample) < size:
        per_doc = rows[-1]["seconds"] / len(sample)
        notes.append(f"{size:,} docs: the MinHash loop was timed on {len(sample):,} documents; "
                     f"all {size:,} would take about {per_doc * size:.0f} s, before any candidate search")
    keep = sorted(paras["doc_id"].unique())[: min(size, 10_000)]
    topic_units = paras[paras["doc_id"].isin(keep)]
    model = measure(rows, size, "topics", f"kz.topics.fit_topics ({len(topic_units):,} paragraphs)",
                    lambda: topics.fit_topics(topic_units))
    notes.append(f"{size:,} docs: topics on {len(topic_units):,} paragraphs of {len(keep):,} documents: "
                 f"k = {model.n_topics} chosen, {rows[-1]['seconds']:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    args = parser.parse_args()
    os.environ.setdefault("MPLBACKEND", "Agg")
    rows: list[dict[str, Any]] = []
    notes: list[str] = []
    for size in args.sizes:
        run_size(size, rows, notes)
    table = pd.DataFrame(rows)
    lines = [
        "# Large-corpus benchmark",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, Python {platform.python_version()}. "
        "peak_mb: peak resident memory of this process during the stage; worker_peak_mb: the largest worker so far.",
        "",
        table.to_markdown(index=False) if _has_tabulate() else "```\n" + table.to_string(index=False) + "\n```",
        "",
        *[f"- {note}" for note in notes],
        "",
    ]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


def _has_tabulate() -> bool:
    try:
        import tabulate  # noqa: F401
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    main()
