"""Benchmark: quotations and their speakers on BASIL's quoted spans.

BASIL (Fan et al. 2019, "In Plain Sight: Media Bias Through the Lens of Factual Reporting"; GitHub launchnlp/BASIL)
has 300 articles (100 events, each covered by Fox News, the New York Times and HuffPost) with 1,726 bias spans marked
by hand; 722 of them are marked as quotations (``quote: yes``), each with its speaker (``Donald_Trump``,
``House_Democrats``, ``other_anti``...). The repository has no licence file: its text is read from a local clone
and never written anywhere; only counts leave this script.

Each article's paragraphs become analysis units (``doc_id`` = the article's file name, ``para_id`` = the
paragraph's index, ``text`` = its sentences joined by spaces) and go through ``kz.quotes``. Two figures:

- **inside a quotation**: share of the quoted spans (found verbatim in a paragraph) of which at least half the
  characters, quote marks aside, lie inside a quotation ``kz.quotes`` found;
- **speaker named**: of the spans whose speaker is a person or body named in the article (the label with ``_``
  as spaces occurs in the title or body, case aside; ``other_*`` labels are left out), the share whose quotation's
  ``speaker`` names them: it contains the label's last word (``Trump`` for ``Donald_Trump``, ``Democrats`` for
  ``House_Democrats``), directly or as the antecedent of a pronoun (``he [Trump]``).

Usage: .venv/bin/python benchmarks/quote_speakers.py PATH_TO_BASIL_CLONE [--misses N]
(on a checkout from before ``kz.quotes`` existed it scores ``kz.framing.quotes``: run it with ``PYTHONPATH`` set
to an older worktree to compare)
Results: benchmarks/results/quote_speakers.md (rewritten on each run) and stdout.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import pandas as pd

import kzanalysis as kz

RESULTS = Path(__file__).resolve().parent / "results" / "quote_speakers.md"
GROUP_WORDS = frozenset({"party", "democrats", "republicans", "lawmakers", "campaign", "officials", "members",
                         "companies", "plaintiffs", "naacp", "buzzfeed", "america"})
"""A label is a person when every word is capitalised and none of these (groups, bodies, outlets) is among them:
``Tea_Party``, ``House_Democrats``, ``NAACP``, ``Secure_America_Now`` and ``Obama_campaign`` are not people."""
_MARKS = "“”\"‘’'«»„"


def load_basil(root: Path) -> tuple[pd.DataFrame, list[dict[str, object]]]:
    """Units of every article, and every quoted span with the paragraph that holds it (``para_id`` -1: not found)."""
    units, spans = [], []
    for path in sorted((root / "articles").glob("*/*.json")):
        article = json.loads(path.read_text(encoding="utf-8"))
        paragraphs = article["body-paragraphs"]
        paragraphs = json.loads(paragraphs) if isinstance(paragraphs, str) else paragraphs
        texts = [" ".join(sentences) for sentences in paragraphs]
        doc_id = path.stem
        units += [{"doc_id": doc_id, "para_id": i, "text": t} for i, t in enumerate(texts)]
        whole = " ".join([article.get("title", ""), *texts]).lower()
        annotation = root / "annotations" / path.parent.name / f"{path.stem}_ann.json"
        for span in json.loads(annotation.read_text(encoding="utf-8"))["phrase-level-annotations"]:
            if span.get("quote") != "yes":
                continue
            words = span["txt"].strip(_MARKS + " .,")
            para_id = next((i for i, t in enumerate(texts) if words and words in t), -1)
            start = texts[para_id].find(words) if para_id >= 0 else -1
            label = str(span.get("speaker", ""))
            name = label.replace("_", " ").strip()
            named = not label.startswith("other") and bool(name) and name.lower() in whole
            person = named and all(w[:1].isupper() for w in name.split()) and not GROUP_WORDS & set(
                name.lower().split())
            spans.append({"doc_id": doc_id, "para_id": para_id, "start": start, "end": start + len(words),
                          "label": label, "named": named, "person": person,
                          "last_word": name.split()[-1].lower().strip(".") if name else ""})
    return pd.DataFrame(units), spans


def score(units: pd.DataFrame, spans: list[dict[str, object]]) -> dict[str, object]:
    reader = getattr(kz, "quotes", None) or kz.framing.quotes  # framing's reader before kz.quotes existed
    quotes = reader(units)
    outer = quotes[quotes["level"] == 0]
    by_para = {key: group for key, group in outer.groupby(["doc_id", "para_id"])}
    found = inside = named = named_right = people = people_right = 0
    misses = []
    for span in spans:
        if span["para_id"] < 0:
            continue
        found += 1
        group = by_para.get((span["doc_id"], span["para_id"]))
        best = None
        if group is not None:
            for quote in group.itertuples(index=False):
                overlap = min(span["end"], quote.end) - max(span["start"], quote.start)
                if overlap >= (span["end"] - span["start"]) / 2:
                    best = quote
                    break
        inside += best is not None
        if span["named"]:
            named += 1
            speaker = str(best.speaker) if best is not None else ""
            hit = bool(re.search(rf"\b{re.escape(span['last_word'])}", speaker.lower()))
            named_right += hit
            people += span["person"]
            people_right += hit and span["person"]
            if not hit and span["person"]:
                text = units.set_index(["doc_id", "para_id"]).loc[(span["doc_id"], span["para_id"]), "text"]
                misses.append((span["label"], speaker, text))
    return {"spans": len(spans), "found": found, "inside": inside, "named": named, "named_right": named_right,
            "people": people, "people_right": people_right, "misses": misses}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("basil", type=Path, help="a local clone of launchnlp/BASIL")
    parser.add_argument("--misses", type=int, default=0, help="print this many missed speakers (not written)")
    args = parser.parse_args()
    units, spans = load_basil(args.basil)
    r = score(units, spans)
    lines = [
        "# Quotations and speakers on BASIL's quoted spans", "",
        "BASIL (GitHub launchnlp/BASIL, 300 articles from Fox News, the New York Times and HuffPost) marks 722 "
        "bias spans as quotations, each with its speaker. `kz.quotes` on the articles' paragraphs; no BASIL text "
        "is stored here (the repository has no licence file).", "",
        f"`kzanalysis` {kz.__version__}.", "",
        "| measure | count | share |", "|---|---|---|",
        f"| quoted spans found verbatim in a paragraph | {r['found']} of {r['spans']} | "
        f"{r['found'] / r['spans']:.3f} |",
        f"| ... of which at least half inside a quotation `kz.quotes` found | {r['inside']} of {r['found']} | "
        f"{r['inside'] / r['found']:.3f} |",
        f"| spans whose speaker is named in the article, given as the quotation's speaker | "
        f"{r['named_right']} of {r['named']} | {r['named_right'] / r['named']:.3f} |",
        f"| ... of which the speaker is a person (not a group, body or outlet) | "
        f"{r['people_right']} of {r['people']} | {r['people_right'] / r['people']:.3f} |", "",
        "A span is inside a quotation when at least half of it lies in one; the speaker is given when the "
        "quotation's `speaker` contains a word that starts with the label's last word (`Trump` for `Donald_Trump`; `Calder` for the label `Felipe_Calder`, cut short at the accent in BASIL). Person labels: every "
        "word capitalised and none of " + ", ".join(f"`{w}`" for w in sorted(GROUP_WORDS)) + ".", "",
        "Reproduce: `.venv/bin/python benchmarks/quote_speakers.py PATH_TO_BASIL_CLONE`.", "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    for label, speaker, text in r["misses"][: args.misses]:
        print(f"--- {label} | ours: {speaker!r}\n    {text[:400]}")


if __name__ == "__main__":
    main()
