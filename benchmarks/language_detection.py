"""Benchmark: two language identifiers that ship their model in their wheel, on short texts and on the seed paragraphs.

- ``py3langid`` (a maintained fork of langid.py: naive Bayes over byte n-grams, 97 languages, deterministic);
- ``langdetect`` (a port of Google's language-detection: n-gram profiles, 55 languages; random unless seeded).

Scored on ``benchmarks/data/short_texts.csv`` (40 headline-length sentences in 10 languages, written for this
benchmark) and on every raw paragraph of the seed corpus (all English, many of them short lines: headlines,
credits, form fields), with the time per text. Results go to ``benchmarks/results/language_detection.md``.

Usage: .venv/bin/python benchmarks/language_detection.py
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd

import kzanalysis as kz

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "language_detection.md"


def _py3langid(texts: list[str]) -> list[str]:
    import py3langid

    return [py3langid.classify(t)[0] for t in texts]


def _langdetect(texts: list[str]) -> list[str]:
    from langdetect import DetectorFactory, LangDetectException, detect

    DetectorFactory.seed = 0
    out = []
    for text in texts:
        try:
            out.append(detect(text).split("-")[0])
        except LangDetectException:
            out.append("")
    return out


def main() -> None:
    short = pd.read_csv(HERE / "data" / "short_texts.csv", dtype=str)
    seed = kz.paragraphs(kz.load_corpus())
    rows = []
    for name, detect in (("py3langid", _py3langid), ("langdetect", _langdetect)):
        detect(["warm up"])
        started = time.perf_counter()
        found = detect(short["text"].tolist())
        seconds = time.perf_counter() - started
        correct = [f == t for f, t in zip(found, short["language"])]
        wrong = [f"{t}->{f}" for f, t, ok in zip(found, short["language"], correct) if not ok]
        seed_found = detect(seed["text"].tolist())
        seed_wrong = [t for t, f in zip(seed["text"], seed_found) if f != "en"]
        words = seed["text"].str.split().str.len()
        long_wrong = sum(1 for t, f, w in zip(seed["text"], seed_found, words) if f != "en" and w >= 8)
        rows.append({"detector": name, "short": f"{sum(correct)}/{len(short)}", "short_errors": ", ".join(wrong) or "none",
                     "seed": f"{len(seed) - len(seed_wrong)}/{len(seed)}", "seed_long": f"{long_wrong}",
                     "ms": 1000 * seconds / len(short)})
    lines = [
        "# Language identification on short texts", "",
        "Two identifiers that ship their model in their wheel. `short`: 40 headline-length sentences in 10 languages "
        "(`benchmarks/data/short_texts.csv`, written for this benchmark). `seed`: the 143 raw paragraphs of the seed "
        "corpus, all English, many of them short lines (headlines, credits, form fields); `errors on 8+ words`: "
        "paragraphs of eight words or more called something else.", "",
        "| detector | short texts correct | errors | seed paragraphs called English | errors on 8+ words | ms per short text |",
        "|---|---|---|---|---|---|",
        *[f"| {r['detector']} | {r['short']} | {r['short_errors']} | {r['seed']} | {r['seed_long']} | {r['ms']:.2f} |"
          for r in rows], "",
        "Reproduce: `.venv/bin/python benchmarks/language_detection.py`.", "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
