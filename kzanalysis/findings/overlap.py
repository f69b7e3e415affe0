"""Findings stage, overlap: which documents reuse which text, read from ``doc_similarity`` and the alignment."""

from __future__ import annotations

from typing import Mapping

import pandas as pd

from kzanalysis.findings.base import Findings, doc_label, join_names, plural, quote_text
from kzanalysis.overlap import RELATIONS, same_event_rule
NEAR_THRESHOLD_MARGIN = 0.05
"""A shared passage whose score clears the threshold by less than this is named as borderline."""
SYMMETRY_MARGIN = 0.1
"""Containments that differ by less than this read as symmetric: neither text holds much the other lacks."""
MAX_PAIRS_NAMED = 5


def overlap_findings(
    similarity: pd.DataFrame,
    *,
    outlets: Mapping[str, str] | None = None,
    min_passage_score: float,
    agreement: pd.DataFrame | None = None,
    calibration: pd.DataFrame | None = None,
    wording: pd.DataFrame | None = None,
    stories: pd.DataFrame | None = None,
) -> Findings:
    """Findings of notebook 01: relations between documents, what near duplicates and shared passages are.

    Args:
        similarity: ``doc_similarity`` (one row per compared pair; ``relation``, ``cosine``, ``jaccard``,
            containments, ``n_aligned``, coverages, ``best_score``, ``best_passage_a``/``_b``).
        outlets: ``doc_id`` -> outlet, to name documents.
        min_passage_score: The shared-passage threshold the run used (borderline passages are named).
        agreement: ``overlap.alignment_agreement`` against a hand alignment, when one covers the corpus.
        calibration: ``overlap.calibration_results`` (hand-made pairs with known answers).
        wording: ``overlap.rewording`` of the near-duplicate pairs' aligned paragraphs.
        stories: The ``stories`` table (``OverlapResult.stories``): stories and events, and the rule they used.

    Returns:
        :class:`Findings`: relation counts, each near-duplicate pair with its measures and direction,
        the strongest shared passages with their words, borderline calls, and the checks' results.

    Example:
        >>> sim = pd.DataFrame({"doc_a": ["a"], "doc_b": ["b"], "relation": ["same_event"], "cosine": [0.2],
        ...                     "jaccard": [0.01], "containment_a_in_b": [0.02], "containment_b_in_a": [0.02],
        ...                     "n_aligned": [0], "coverage_a": [0.0], "coverage_b": [0.0], "best_score": [0.0],
        ...                     "best_passage_a": [""], "best_passage_b": [""]})
        >>> overlap_findings(sim, min_passage_score=0.45).headline[1]
        'No pair is a near duplicate: no document carries most of another’s text.'
    """
    outlets = dict(outlets or {})
    label = lambda d: doc_label(d, outlets.get(d))  # noqa: E731
    if similarity.empty:
        return Findings("overlap", headline=("Fewer than two documents with body text: there is no pair to "
                                             "compare, so nothing here is about reuse.",))
    counts = similarity["relation"].value_counts().reindex(RELATIONS, fill_value=0)
    first = (f"{plural(len(similarity), 'pair')} compared: "
             + ", ".join(f"{counts[r]:,} `{r}`" for r in RELATIONS) + ".")
    near = similarity[similarity["relation"] == "near_duplicate"].sort_values("jaccard", ascending=False)
    details = []
    if near.empty:
        second = "No pair is a near duplicate: no document carries most of another’s text."
    else:
        described = [_near_duplicate(row, label) for _, row in near.head(MAX_PAIRS_NAMED).iterrows()]
        more = f" ({len(near) - MAX_PAIRS_NAMED:,} more in the table)" if len(near) > MAX_PAIRS_NAMED else ""
        second = f"{plural(len(near), 'near-duplicate pair')}{more}: " + " ".join(described)
    shared = similarity[similarity["relation"] == "shared_passages"].sort_values("best_score", ascending=False)
    if shared.empty:
        third = "No pair outside the near duplicates shares a passage (a sentence or quotation reused)."
    else:
        top = shared.iloc[0]
        third = (f"{plural(len(shared), 'pair')} share passages (a sentence or quotation reused); the strongest, "
                 f"{label(top['doc_a'])} and {label(top['doc_b'])} (score {top['best_score']:.2f}): "
                 f"{quote_text(top['best_passage_a'])} / {quote_text(top['best_passage_b'])}.")
        for _, row in shared.iloc[1:MAX_PAIRS_NAMED].iterrows():
            details.append(f"Shared passage, {label(row['doc_a'])} and {label(row['doc_b'])} (score "
                           f"{row['best_score']:.2f}): {quote_text(row['best_passage_a'], limit=80)} / "
                           f"{quote_text(row['best_passage_b'], limit=80)}.")
    translated = similarity[similarity["relation"] == "translated_copy"]
    for _, row in translated.head(MAX_PAIRS_NAMED).iterrows():
        n = len(str(row["shared_anchors"]).split(" | "))
        details.append(f"Translated copy: {label(row['doc_a'])} and {label(row['doc_b'])} are in different languages "
                       f"and share {n:,} numbers and names in the same order: "
                       f"{quote_text(row['shared_anchors'], limit=100)}.")
    if stories is not None and len(stories):
        versions = stories[stories["story_size"] > 1]
        events = stories[stories["event_size"] > 1]
        details.append(
            same_event_rule(len(stories)) + " "
            + (f"{plural(len(versions), 'document')} are versions of {plural(versions['story_id'].nunique(), 'story')} "
               f"(copies or translations; largest {int(versions['story_size'].max())})" if len(versions)
               else "No document is a copy or translation of another")
            + "; " + (f"{plural(len(events), 'document')} fall into {plural(events['event_id'].nunique(), 'event')} "
                      f"(the largest has {int(events['event_size'].max())}) and "
                      f"{plural(len(stories) - len(events), 'document')} "
                      f"{'stands' if len(stories) - len(events) == 1 else 'stand'} alone." if len(events)
                      else "no two documents report one event."))
    rest = similarity[similarity["relation"] != "near_duplicate"]["cosine"]
    if len(rest):
        details.append(f"Cosine of the other pairs: {rest.min():.2f} to {rest.max():.2f} (median "
                       f"{rest.median():.2f}): the vocabulary that reports of the same days share in names and places.")
    caveats = []
    borderline = shared[shared["best_score"] < min_passage_score + NEAR_THRESHOLD_MARGIN]
    if len(borderline):
        caveats.append(f"{plural(len(borderline), 'shared-passage call')} of {len(shared):,} clear the threshold "
                       f"{min_passage_score:.2f} by less than {NEAR_THRESHOLD_MARGIN:.2f}; read them as evidence "
                       "to check, not proof of reuse.")
    if agreement is not None and len(agreement):
        row = agreement.iloc[0]
        details.append(f"Against the hand alignment: {int(row['n_agree']):,} of {int(row['n_hand']):,} hand pairs "
                       f"found, precision {row['precision']:.2f}, recall {row['recall']:.2f}.")
    if calibration is not None and len(calibration):
        wrong = calibration[~calibration["correct"].astype(bool)]
        details.append(f"Hand-made pairs with known answers: {len(calibration) - len(wrong):,} of "
                       f"{len(calibration):,} get the expected relation"
                       + (f"; wrong: {join_names(wrong['pair'])}." if len(wrong) else "."))
    if wording is not None and len(wording):
        details.append(f"In the near duplicates' aligned paragraphs a median {wording['share_same'].median():.0%} "
                       "of words are unchanged: the rest is rewording, not new text.")
    caveats.append("Text measures see shared wording, not who copied whom or a common source behind two texts; "
                   "a story retold from scratch shares no passage, and a translation is found only through its "
                   "numbers and names.")
    return Findings("overlap", headline=(first, second, third), details=tuple(details), caveats=tuple(caveats))


def _near_duplicate(row: pd.Series, label) -> str:
    a_in_b, b_in_a = float(row["containment_a_in_b"]), float(row["containment_b_in_a"])
    if abs(a_in_b - b_in_a) < SYMMETRY_MARGIN:
        direction = "nearly symmetric containment, so they differ in wording rather than in what they include"
    elif a_in_b > b_in_a:
        direction = f"more of {label(row['doc_a'])} lies inside {label(row['doc_b'])} than the reverse"
    else:
        direction = f"more of {label(row['doc_b'])} lies inside {label(row['doc_a'])} than the reverse"
    return (f"{label(row['doc_a'])} and {label(row['doc_b'])}: shingle Jaccard {row['jaccard']:.2f}, containment "
            f"{a_in_b:.2f} / {b_in_a:.2f}, {plural(int(row['n_aligned']), 'aligned paragraph')} covering "
            f"{row['coverage_a']:.0%} and {row['coverage_b']:.0%} of their words; {direction}.")
