"""Benchmark: the overlap relations, stories and events against real pair labels nobody here wrote.

Two public corpora, read from local clones (they have no licence files: no text of either is written anywhere,
only counts), and one small set of our own:

- **BASIL** (GitHub launchnlp/BASIL; Fan et al. 2019): 100 events from 2010-2019, each covered by Fox News, the New
  York Times and HuffPost, 300 articles. Two articles of one event (one ``triplet-uuid``) are the same story; every
  other pair is not.
- **Story chains** (GitHub fatih-gedikli/news_story_chains-2021-06; Gedikli et al. 2021): 100 energy-business
  articles from 30+ outlets, one paragraph each; two coders labelled all 4,950 pairs related (1) or not (0). The
  first coder's labels are the truth; the second's are used for "no near_duplicate on a pair both call unrelated".
- **Translations** (``tests/data/translations.csv``, written for the tests): three short stories, two of them in
  three languages and one with an English round trip, and three distractors.

Each corpus goes through the user's path: ``kz.paragraphs`` -> ``kz.body_paragraphs`` ->
``kz.overlap.source_overlap`` (what notebook 01 writes as ``doc_similarity.csv`` and ``stories.csv``); a pair that is
not a candidate is ``unrelated``. Reported: each relation against the truth; precision, recall and F1 of "called on
the same story" (any relation but ``unrelated``), of ``same_story``, and of the events of the ``stories`` table (two
documents with one ``event_id``); and how the ``same_story`` rule moves with its two settings
(``kz.overlap.document_relations`` with other ``n_neighbors`` and ``min_above_beat``).

Usage: .venv/bin/python benchmarks/real_corpora.py [--basil PATH] [--chains PATH]
Results: benchmarks/results/real_corpora.md (rewritten on each run) and stdout.
"""

from __future__ import annotations

import argparse
import json
import time
from itertools import combinations
from pathlib import Path

import pandas as pd

import kzanalysis as kz

RESULTS = Path(__file__).resolve().parent / "results" / "real_corpora.md"
TRANSLATIONS = Path(__file__).resolve().parent.parent / "tests" / "data" / "translations.csv"
GRID_NEIGHBORS = (5, 10, 20)
GRID_ABOVE_BEAT = (1.1, 1.2, 1.3, 1.5)


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


def chains(root: Path) -> tuple[pd.DataFrame, dict[frozenset[str], bool], dict[frozenset[str], bool]]:
    """The story-chain articles as a corpus, and each coder's label of every pair."""
    articles = pd.read_csv(root / "gedikli-business_energy_news_dataset-2021-06-29-article_texts.csv")
    ids = {url: f"a{i:03d}" for i, url in enumerate(articles["url"])}
    corpus = pd.DataFrame({"doc_id": [ids[u] for u in articles["url"]], "text": articles["text"].astype(str),
                           "outlet": articles["paperurl"].astype(str)})
    coders = []
    for name in ("story_pairs-2021-06-29-coder1-gedikli.csv", "story_pairs-2021-06-29-coder2-unaware_student.csv"):
        pairs = pd.read_csv(root / "hand_coded" / name, sep=";", header=None, names=["a", "b", "related"],
                            encoding="utf-8-sig")
        coders.append({frozenset((ids[a], ids[b])): bool(r) for a, b, r in zip(pairs["a"], pairs["b"],
                                                                               pairs["related"])
                       if a in ids and b in ids})
    return corpus, coders[0], coders[1]


def translations() -> tuple[pd.DataFrame, dict[frozenset[str], bool]]:
    """Our hand-written translations: a pair is "the same story" when both are versions of one story."""
    corpus = pd.read_csv(TRANSLATIONS)
    story = dict(zip(corpus["doc_id"], corpus["story"]))
    truth = {frozenset((a, b)): story[a] == story[b] for a, b in combinations(sorted(story), 2)}
    return corpus.drop(columns="story"), truth


def prf(called: list[bool], truth: list[bool]) -> tuple[float, float, float]:
    """Precision, recall and F1 of boolean calls against boolean truth (0 where undefined)."""
    tp = sum(c and t for c, t in zip(called, truth))
    n_called, n_true = sum(called), sum(truth)
    precision = tp / n_called if n_called else 0.0
    recall = tp / n_true if n_true else 0.0
    return precision, recall, 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def score(corpus: pd.DataFrame, truth: dict[frozenset[str], bool],
          both_unrelated: set[frozenset[str]] | None = None, grid: bool = True) -> dict[str, object]:
    started = time.perf_counter()
    units = kz.body_paragraphs(kz.paragraphs(corpus))
    result = kz.overlap.source_overlap(units)
    seconds = time.perf_counter() - started
    sim = result.similarity
    key = [frozenset((a, b)) for a, b in zip(sim["doc_a"], sim["doc_b"])]
    relation = dict(zip(key, sim["relation"]))
    same_story = dict(zip(key, sim["same_story"].astype(bool)))
    pairs = list(truth)
    labels = [truth[p] for p in pairs]
    table = pd.crosstab(pd.Series([relation.get(p, "unrelated") for p in pairs], name="relation"),
                        pd.Series(["related" if t else "not related" for t in labels], name="truth"))
    table = table.reindex(index=list(kz.overlap.RELATIONS), columns=["related", "not related"], fill_value=0)
    event = dict(zip(result.stories["doc_id"], result.stories["event_id"]))
    a_b = [tuple(p) for p in pairs]
    out = {
        "documents": len(corpus), "pairs": len(truth), "related pairs": sum(labels), "table": table,
        "seconds": seconds, "rule": kz.overlap.same_event_rule(units["doc_id"].nunique()),
        "any relation": prf([relation.get(p, "unrelated") != "unrelated" for p in pairs], labels),
        "same_story": prf([same_story.get(p, False) for p in pairs], labels),
        "events": prf([event.get(a) == event.get(b) for a, b in a_b], labels),
        "shared without words": int(((sim["relation"] == "shared_passages") & (sim["shared_words"] == "")).sum()),
        "near on both-unrelated": (sum(relation.get(p) == "near_duplicate" for p in both_unrelated)
                                   if both_unrelated is not None else None),
        "grid": [],
    }
    if grid:
        for n_neighbors in GRID_NEIGHBORS:
            for above in GRID_ABOVE_BEAT:
                rel = kz.overlap.document_relations(units, n_neighbors=n_neighbors, min_above_beat=above)
                called = dict(zip([frozenset((a, b)) for a, b in zip(rel["doc_a"], rel["doc_b"])], rel["same_story"]))
                out["grid"].append((n_neighbors, above, prf([bool(called.get(p, False)) for p in pairs], labels)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--basil", type=Path, help="a local clone of launchnlp/BASIL")
    parser.add_argument("--chains", type=Path, help="a local clone of fatih-gedikli/news_story_chains-2021-06")
    args = parser.parse_args()
    runs = []
    if args.basil:
        runs.append(("BASIL (same story = same event triplet)", score(*basil(args.basil))))
    if args.chains:
        corpus, first, second = chains(args.chains)
        both = {p for p in first if not first[p] and not second.get(p, True)}
        runs.append(("Story chains (same story = first coder's \"related\")", score(corpus, first, both)))
    runs.append(("Hand-written translations (tests/data/translations.csv)", score(*translations(), grid=False)))
    fmt = lambda t: f"precision {t[0]:.3f}, recall {t[1]:.3f}, F1 {t[2]:.3f}"  # noqa: E731
    lines = ["# Overlap relations, stories and events against real pair labels", "",
             f"`kzanalysis` {kz.__version__}; `kz.overlap.source_overlap` with its defaults (notebook 01's "
             "`doc_similarity.csv` and `stories.csv`); a pair that is not a candidate counts as `unrelated`. "
             "Only counts are written: the two public corpora have no licence file.", ""]
    for name, r in runs:
        table = r["table"]
        lines += [f"## {name}", "",
                  f"{r['documents']} documents, {r['pairs']:,} pairs, {r['related pairs']:,} on the same story; "
                  f"`source_overlap` took {r['seconds']:.0f} s (whole call, 2 cores). Rule applied: {r['rule']}", "",
                  "| relation called | same story | not |", "|---|---|---|",
                  *[f"| `{rel}` | {row['related']:,} | {row['not related']:,} |" for rel, row in table.iterrows()], "",
                  f"- any relation but `unrelated`: {fmt(r['any relation'])}",
                  f"- `same_story` (the pair-level story call): {fmt(r['same_story'])}",
                  f"- events of the `stories` table (same `event_id`): {fmt(r['events'])}",
                  f"- `shared_passages` calls without shared words in `shared_words`: {r['shared without words']}"]
        if r["near on both-unrelated"] is not None:
            lines.append(f"- `near_duplicate` on pairs both coders call unrelated: {r['near on both-unrelated']}")
        if r["grid"]:
            lines += ["", "How `same_story` moves with its settings (`n_neighbors` = neighbours in a beat, "
                      "`min_above_beat`); defaults 10 and 1.2:", "",
                      "| n_neighbors | min_above_beat | precision | recall | F1 |", "|---|---|---|---|---|",
                      *[f"| {n} | {a} | {p:.3f} | {rc:.3f} | {f:.3f} |" for n, a, (p, rc, f) in r["grid"]]]
        lines.append("")
    lines += ["Reproduce: `.venv/bin/python benchmarks/real_corpora.py --basil PATH --chains PATH` (local clones of "
              "launchnlp/BASIL and fatih-gedikli/news_story_chains-2021-06).", ""]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
