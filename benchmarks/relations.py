"""Benchmark: the overlap relations (near_duplicate, shared_passages, same_event, unrelated) against real labels.

Two public corpora with pair labels nobody here wrote, read from local clones; no text of either is written
anywhere, only counts:

- **BASIL** (GitHub launchnlp/BASIL; Fan et al. 2019): 100 events from 2010-2019, each covered by Fox News, the New
  York Times and HuffPost, 300 articles. Two articles of one event (one ``triplet-uuid``) are the same event; every
  other pair is a different event.
- **Story chains** (GitHub fatih-gedikli/news_story_chains-2021-06; Gedikli et al. 2021): 100 energy-business
  articles from 30+ outlets, one paragraph each; two coders labelled all 4,950 pairs related (1) or not (0). The
  first coder's labels are the truth here.

Each corpus goes through ``kz.paragraphs`` -> ``kz.body_paragraphs`` -> ``kz.overlap.source_overlap`` (what notebook
01 writes as ``doc_similarity.csv``); a pair that is not a candidate is ``unrelated``. The script counts each
relation against the truth and reports the precision of "anything but unrelated" as a call of "same event" /
"related".

Usage: .venv/bin/python benchmarks/relations.py [--basil PATH] [--chains PATH]
Results: benchmarks/results/relations.md (rewritten on each run) and stdout.
"""

from __future__ import annotations

import argparse
import json
import time
from itertools import combinations
from pathlib import Path

import pandas as pd

import kzanalysis as kz

RESULTS = Path(__file__).resolve().parent / "results" / "relations.md"


def basil(root: Path) -> tuple[pd.DataFrame, dict[frozenset[str], bool]]:
    """BASIL's articles as a corpus (one line per paragraph), and for every pair whether it is one event."""
    rows = []
    for path in sorted((root / "articles").glob("*/*.json")):
        article = json.loads(path.read_text(encoding="utf-8"))
        paragraphs = article["body-paragraphs"]
        paragraphs = json.loads(paragraphs) if isinstance(paragraphs, str) else paragraphs
        rows.append({"doc_id": path.stem, "text": "\n".join(" ".join(p) for p in paragraphs),
                     "outlet": article.get("source", ""), "event": article["triplet-uuid"]})
    corpus = pd.DataFrame(rows)
    event = dict(zip(corpus["doc_id"], corpus["event"]))
    truth = {frozenset((a, b)): event[a] == event[b] for a, b in combinations(sorted(event), 2)}
    return corpus.drop(columns="event"), truth


def chains(root: Path) -> tuple[pd.DataFrame, dict[frozenset[str], bool]]:
    """The story-chain articles as a corpus, and the first coder's label of every pair."""
    articles = pd.read_csv(root / "gedikli-business_energy_news_dataset-2021-06-29-article_texts.csv")
    ids = {url: f"a{i:03d}" for i, url in enumerate(articles["url"])}
    corpus = pd.DataFrame({"doc_id": [ids[u] for u in articles["url"]], "text": articles["text"].astype(str),
                           "outlet": articles["paperurl"].astype(str)})
    pairs = pd.read_csv(root / "hand_coded" / "story_pairs-2021-06-29-coder1-gedikli.csv", sep=";", header=None,
                        names=["a", "b", "related"], encoding="utf-8-sig")
    truth = {frozenset((ids[a], ids[b])): bool(r) for a, b, r in zip(pairs["a"], pairs["b"], pairs["related"])
             if a in ids and b in ids}
    return corpus, truth


def score(corpus: pd.DataFrame, truth: dict[frozenset[str], bool]) -> dict[str, object]:
    started = time.perf_counter()
    units = kz.body_paragraphs(kz.paragraphs(corpus))
    result = kz.overlap.source_overlap(units)
    seconds = time.perf_counter() - started
    called = {frozenset((a, b)): r for a, b, r in zip(result.similarity["doc_a"], result.similarity["doc_b"],
                                                     result.similarity["relation"])}
    table = pd.crosstab(pd.Series([called.get(pair, "unrelated") for pair in truth], name="relation"),
                        pd.Series(["related" if t else "not related" for t in truth.values()], name="truth"))
    table = table.reindex(index=list(kz.overlap.RELATIONS), columns=["related", "not related"], fill_value=0)
    related_calls = table.drop(index="unrelated").sum()
    positives = sum(truth.values())
    return {"documents": len(corpus), "pairs": len(truth), "related pairs": positives, "table": table,
            "precision": related_calls["related"] / max(1, related_calls.sum()),
            "recall": related_calls["related"] / max(1, positives), "seconds": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--basil", type=Path, help="a local clone of launchnlp/BASIL")
    parser.add_argument("--chains", type=Path, help="a local clone of fatih-gedikli/news_story_chains-2021-06")
    args = parser.parse_args()
    runs = []
    if args.basil:
        runs.append(("BASIL (same event = same triplet)", score(*basil(args.basil))))
    if args.chains:
        runs.append(("Story chains (related = first coder's label)", score(*chains(args.chains))))
    lines = ["# Overlap relations against real pair labels", "",
             f"`kzanalysis` {kz.__version__}; `kz.overlap.source_overlap` with its defaults (notebook 01's "
             "`doc_similarity.csv`); a pair that is not a candidate counts as `unrelated`.", ""]
    for name, r in runs:
        table = r["table"]
        lines += [f"## {name}", "",
                  f"{r['documents']} documents, {r['pairs']:,} pairs, {r['related pairs']:,} related; "
                  f"source_overlap took {r['seconds']:.0f} s.", "",
                  "| relation called | related | not related |", "|---|---|---|",
                  *[f"| `{rel}` | {row['related']:,} | {row['not related']:,} |" for rel, row in table.iterrows()], "",
                  f"Anything but `unrelated` as a call of \"related\": precision {r['precision']:.3f}, "
                  f"recall {r['recall']:.3f}.", ""]
    lines += ["Reproduce: `.venv/bin/python benchmarks/relations.py --basil PATH --chains PATH`.", ""]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
