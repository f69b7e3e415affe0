"""Benchmark: the boilerplate rules, line by line, on the full text of real web pages (no main-text extraction).

Text copied from a web page carries its furniture (menus, share buttons, captions, related links, footers). This
renders each page of two public sets to plain text, one block element a line, without any main-text extraction,
labels each line by the set's own gold body, and scores the package's paragraph rules (``kz.paragraphs``:
``is_boilerplate``) as a detector of furniture lines:

- the article-extraction benchmark (GitHub scrapinghub/article-extraction-benchmark, MIT): 181 news pages with the
  article body written out (``ground-truth.json``);
- Mozilla Readability's test pages (GitHub mozilla/readability, Apache-2.0): ``test/test-pages/*/source.html`` with
  the expected article (``expected.html``).

A line is body when its words (lower case, runs of ``\\w``) occur in that order in the gold body and it has at
least three words, or when it equals a whole gold line; everything else is furniture. Precision and recall are for
furniture (positive = flagged as boilerplate). Nothing of the pages is written anywhere but the counts.

Usage: .venv/bin/python benchmarks/boilerplate_lines.py --extraction PATH --readability PATH
Results: benchmarks/results/boilerplate_lines.md (rewritten on each run) and stdout.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
from pathlib import Path

import pandas as pd

import kzanalysis as kz

RESULTS = Path(__file__).resolve().parent / "results" / "boilerplate_lines.md"
BLOCKS = frozenset("p div li ul ol h1 h2 h3 h4 h5 h6 br tr td th section article header footer nav aside figure "
                   "figcaption blockquote pre form label button option dt dd table main address".split())
_WORDS = re.compile(r"\w+")
METHODS = (("rules only (`layout=False`)", False), ("rules and layout (default)", True))


def page_lines(html: bytes | str) -> list[str]:
    """The visible text of a whole page, one block element a line (scripts, styles and the head left out)."""
    import lxml.html

    if isinstance(html, bytes):  # lxml reads bytes without a charset declaration as Latin-1
        try:
            html = html.decode("utf-8")
        except UnicodeDecodeError:
            pass
    root = lxml.html.fromstring(html)
    for bad in root.xpath("//script|//style|//noscript|//template|//svg|//head"):
        bad.drop_tree()
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in BLOCKS:
            element.text = "\n" + (element.text or "")
            element.tail = "\n" + (element.tail or "")
    return [" ".join(line.split()) for line in root.text_content().split("\n") if line.strip()]


def _words(text: str) -> str:
    return " ".join(_WORDS.findall(text.lower()))


def label_lines(lines: list[str], gold: str) -> list[bool]:
    """True for a line of the gold body (see the module docstring), False for furniture."""
    body = f" {_words(gold)} "
    gold_lines = {_words(line) for line in gold.split("\n") if line.strip()}
    labels = []
    for line in lines:
        words = _words(line)
        labels.append(bool(words) and ((len(words.split()) >= 3 and f" {words} " in body) or words in gold_lines))
    return labels


def score(pages: list[tuple[str, list[str], list[bool]]], *, layout: bool) -> dict[str, float]:
    corpus = pd.DataFrame({"doc_id": [p[0] for p in pages], "text": ["\n".join(p[1]) for p in pages]})
    flagged = kz.paragraphs(corpus, layout=layout).sort_values(["doc_id", "para_id"])["is_boilerplate"].tolist()
    truth = [not is_body for _, _, labels in sorted(pages) for is_body in labels]
    pages_of = [key for key, lines, _ in sorted(pages) for _ in lines]
    tp = sum(f and t for f, t in zip(flagged, truth))
    fp = sum(f and not t for f, t in zip(flagged, truth))
    fn = sum(t and not f for f, t in zip(flagged, truth))
    wrong = pd.Series([key for key, f, t in zip(pages_of, flagged, truth) if f and not t], dtype=object)
    return {"pages": len(pages), "lines": len(truth), "furniture": sum(truth), "flagged": sum(flagged),
            "precision": tp / (tp + fp) if tp + fp else float("nan"), "recall": tp / (tp + fn) if tp + fn else 0.0,
            "false_positives": fp, "worst_pages": wrong.value_counts().head(8).to_dict()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--extraction", type=Path, help="clone of scrapinghub/article-extraction-benchmark")
    parser.add_argument("--readability", type=Path, help="clone of mozilla/readability")
    args = parser.parse_args()
    rows = []
    if args.extraction:
        truth = json.loads((args.extraction / "ground-truth.json").read_text(encoding="utf-8"))
        pages = []
        for key, record in sorted(truth.items()):
            lines = page_lines(gzip.decompress((args.extraction / "html" / f"{key}.html.gz").read_bytes()))
            pages.append((key, lines, label_lines(lines, record.get("articleBody", ""))))
        rows += [("article-extraction benchmark (MIT)", method, score(pages, layout=layout)) for method, layout in METHODS]
    if args.readability:
        pages = []
        for folder in sorted((args.readability / "test" / "test-pages").iterdir()):
            if not (folder / "source.html").exists() or not (folder / "expected.html").exists():
                continue
            lines = page_lines((folder / "source.html").read_bytes())
            gold = "\n".join(page_lines((folder / "expected.html").read_bytes()))
            if lines:
                pages.append((folder.name, lines, label_lines(lines, gold)))
        rows += [("Mozilla Readability test pages (Apache-2.0)", method, score(pages, layout=layout))
                 for method, layout in METHODS]
    lines = [
        "# Boilerplate rules, line by line, on full web pages", "",
        "Each page rendered to plain text without main-text extraction (one block element a line), each line labelled "
        "body or furniture by the set's gold article; `kz.paragraphs` scored as a detector of furniture lines, with "
        "the boilerplate rules alone and with the layout stage (`kz.layout`) after them.", "",
        "| pages | method | n | lines | furniture lines | flagged | precision | recall |",
        "|---|---|---|---|---|---|---|---|",
        *[f"| {name} | {method} | {r['pages']} | {r['lines']:,} | {r['furniture']:,} | {r['flagged']:,} | "
          f"{r['precision']:.3f} | {r['recall']:.3f} |" for name, method, r in rows], "",
        "Where the false positives (article lines flagged) of the default are: the pages with most of them, with "
        "their count, and the share of all false positives these pages hold.", "",
        *[f"- {name}: " + ", ".join(f"`{page[:16]}` {n}" for page, n in r["worst_pages"].items())
          + f" ({sum(r['worst_pages'].values()) / max(1, r['false_positives']):.0%} of {r['false_positives']:,})"
          for name, method, r in rows if method == METHODS[1][0]], "",
        "Reproduce: `.venv/bin/python benchmarks/boilerplate_lines.py --extraction PATH --readability PATH`.", "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
