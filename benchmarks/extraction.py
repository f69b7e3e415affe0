"""Benchmark: main text of real news pages, trafilatura alone against the package's path (trafilatura, then rules).

Takes a local clone of the article-extraction benchmark (GitHub scrapinghub/article-extraction-benchmark, MIT:
181 news pages with the article body written out by hand) and scores, with that benchmark's own metric
(word 4-shingle precision, recall and F1, each page normalised so long pages do not weigh more, then averaged
over pages), two extractions of every page:

- ``trafilatura``: ``kzanalysis.webpages.extract_page`` alone (trafilatura's main text);
- ``kzanalysis``: what the analyses see, i.e. the same text loaded as a corpus (``kz.load_corpus`` on the pages)
  and cleaned by the package's boilerplate rules (``kz.body_text``).

The pages are read from the clone; nothing of them is written anywhere but the results table.

Usage: .venv/bin/python benchmarks/extraction.py PATH/TO/article-extraction-benchmark
Results: benchmarks/results/extraction.md (rewritten on each run) and stdout.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

import kzanalysis as kz
from kzanalysis.webpages import extract_page, extractor_name

RESULTS = Path(__file__).resolve().parent / "results" / "extraction.md"
N_BOOTSTRAP = 1000
_TOKEN = re.compile(r"\w+", re.UNICODE)


def shingle_counts(true: str, pred: str, n: int = 4) -> tuple[float, float, float]:
    """The benchmark's per-page TP/FP/FN over word n-gram shingles, normalised to sum to 1 (its evaluate.py)."""
    def shingles(text: str) -> Counter:
        tokens = _TOKEN.findall(text or "")
        return Counter(tuple(tokens[i:i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i:i + n])

    a, b = shingles(true), shingles(pred)
    tp = sum(min(a[k], b[k]) for k in a.keys() | b.keys())
    fp = sum(max(0, b[k] - a[k]) for k in a.keys() | b.keys())
    fn = sum(max(0, a[k] - b[k]) for k in a.keys() | b.keys())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def scores(counts: list[tuple[float, float, float]]) -> dict[str, float]:
    """Mean precision and recall over pages (the benchmark's definitions) and their F1."""
    def precision(tp: float, fp: float, fn: float) -> float:
        return 1.0 if fp == fn == 0 else 0.0 if tp == fp == 0 else tp / (tp + fp)

    def recall(tp: float, fp: float, fn: float) -> float:
        return 1.0 if fp == fn == 0 else 0.0 if tp == fn == 0 else tp / (tp + fn)

    p = statistics.mean(precision(*c) for c in counts if c[0] + c[1] > 0)
    r = statistics.mean(recall(*c) for c in counts if c[0] + c[2] > 0)
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("benchmark", type=Path, help="local clone of scrapinghub/article-extraction-benchmark")
    args = parser.parse_args()
    truth = json.loads((args.benchmark / "ground-truth.json").read_text(encoding="utf-8"))
    started = time.perf_counter()
    alone: list[tuple[float, float, float]] = []
    ours: list[tuple[float, float, float]] = []
    changed = 0
    with tempfile.TemporaryDirectory() as folder:
        for key, record in sorted(truth.items()):
            raw = gzip.decompress((args.benchmark / "html" / f"{key}.html.gz").read_bytes())
            (Path(folder) / f"{key}.html").write_bytes(raw)
        corpus = kz.load_corpus(folder)
        bodies = kz.body_text(kz.paragraphs(corpus)).set_index("doc_id")["text"]
        for key, record in sorted(truth.items()):
            gold = record.get("articleBody", "")
            extracted, _ = extract_page(gzip.decompress((args.benchmark / "html" / f"{key}.html.gz").read_bytes()))
            cleaned = bodies.get(key, "")
            changed += " ".join(extracted.split()) != " ".join(str(cleaned).split())
            alone.append(shingle_counts(gold, extracted))
            ours.append(shingle_counts(gold, cleaned))
    seconds = time.perf_counter() - started
    rows = [("trafilatura alone", scores(alone)), ("kzanalysis (trafilatura, then boilerplate rules)", scores(ours))]
    # paired bootstrap over pages (seeded): how sure is the difference in F1?
    rng = random.Random(0)
    diffs = []
    for _ in range(N_BOOTSTRAP):
        pick = [rng.randrange(len(alone)) for _ in alone]
        diffs.append(scores([ours[i] for i in pick])["f1"] - scores([alone[i] for i in pick])["f1"])
    better = sum(d > 0 for d in diffs) / len(diffs)
    lines = [
        "# Main-text extraction on real news pages", "",
        f"The article-extraction benchmark's {len(truth)} pages (scrapinghub/article-extraction-benchmark, MIT), "
        f"scored with its own metric (word 4-shingles, per-page normalised, averaged). Extractor: {extractor_name()}. "
        f"The package's rules changed the text of {changed} of {len(truth)} pages. Whole run {seconds:.0f} s "
        "(both extractions and loading).", "",
        "| extraction | precision | recall | F1 |", "|---|---|---|---|",
        *[f"| {name} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} |" for name, s in rows], "",
        f"Difference in F1 (kzanalysis minus trafilatura alone), paired bootstrap over pages ({N_BOOTSTRAP} resamples, "
        f"seed 0): mean {statistics.mean(diffs):+.4f}, standard deviation {statistics.stdev(diffs):.4f}; kzanalysis "
        f"is higher in {better:.0%} of resamples.", "",
        "Reproduce: `.venv/bin/python benchmarks/extraction.py PATH/TO/article-extraction-benchmark`.", "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
