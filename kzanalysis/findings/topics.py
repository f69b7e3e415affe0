"""Findings stage, topics: how many themes the paragraphs support and how each outlet divides its attention."""

from __future__ import annotations

from typing import Mapping

import pandas as pd

from kzanalysis.findings.base import (Findings, comparison_unit, doc_label, join_names, named_outlets, plural,
                                      size_caveat, unit_label)

MAX_UNITS_LISTED = 6
"""Up to this many outlets (or documents) each get their largest topic named; beyond, only the most unusual."""


def _agreement_word(ari: float) -> str:
    return "weakly" if ari < 0.3 else "moderately" if ari < 0.6 else "closely"


def topic_findings(
    tables: Mapping[str, pd.DataFrame],
    *,
    selection: pd.DataFrame | None = None,
    stories: pd.DataFrame | None = None,
    stability: pd.DataFrame | None = None,
    problem: str = "",
) -> Findings:
    """Findings of notebook 02: the number of topics and why, what they are, and each outlet's attention.

    Args:
        tables: ``topics.report_tables`` output (``topic_summary``, ``topic_by_source``).
        selection: ``model.selection`` (``n_topics``, ``stability``, ``stability_min``, ``chosen``).
        stories: The ``stories`` table (``kz.overlap.stories``) when each story was counted once.
        stability: ``topics.stability_summary`` (restart and cross-method ARI).
        problem: Why clustering was skipped (empty when it ran).

    Returns:
        :class:`Findings`; when clustering was skipped, one line saying why.

    Example:
        >>> topic_findings({}, problem="only 3 paragraphs have content terms").headline[0]
        'Topic clustering was skipped: only 3 paragraphs have content terms.'
    """
    if problem:
        return Findings("topics", headline=(f"Topic clustering was skipped: {problem}.",))
    summary = tables["topic_summary"]
    by_source = tables["topic_by_source"]
    summary = summary[summary["topic"] >= 0]
    k = len(summary)
    details = []
    if selection is not None and len(selection):
        chosen = selection[selection["chosen"].astype(bool)]
        row = chosen.iloc[0] if len(chosen) else selection.iloc[0]
        first = (f"{k} topics: at this number NMF gives the same grouping across random restarts with mean ARI "
                 f"{row['stability']:.2f} (worst pair {row['stability_min']:.2f}).")
        larger = selection[selection["n_topics"] > row["n_topics"]]
        if len(larger):
            first += (f" With more topics stability ranges {larger['stability'].min():.2f} to "
                      f"{larger['stability'].max():.2f}.")
    else:
        first = f"{k} topics (fixed by the `n_topics` parameter)."
    ordered = summary.sort_values("share", ascending=False)
    second = "Topics by share of paragraph weight: " + join_names(
        (f"**{r.label}** {r.share:.0%}" for r in ordered.itertuples(index=False)), limit=8) + "."
    unit = comparison_unit(by_source)
    if unit == "outlet":
        shares = by_source.groupby(["outlet", "topic"])["share"].mean().unstack(fill_value=0.0)
    else:
        shares = by_source.pivot_table(index="doc_id", columns="topic", values="share", fill_value=0.0)
    labels = summary.set_index("topic")["label"]
    shares = shares[[t for t in shares.columns if t in labels.index]]
    if shares.empty:
        third = "No document has a topic share."
    elif len(shares) <= MAX_UNITS_LISTED:
        parts = [f"{unit_label(unit, u)} {labels[row.idxmax()]} ({row.max():.0%})" for u, row in shares.iterrows()]
        third = "Largest topic of each " + ("outlet" if unit == "outlet" else "document") + ": " + "; ".join(parts) + "."
    else:
        mean = shares.mean()
        distance = (shares - mean).abs().sum(axis=1) / 2
        odd = distance.idxmax()
        third = (f"Across {plural(len(shares), unit.replace('doc_id', 'document'))}, the profile furthest from the "
                 f"average is {unit_label(unit, odd)} (it would have to move {distance[odd]:.0%} of its weight "
                 f"to match), largest topic {labels[shares.loc[odd].idxmax()]} ({shares.loc[odd].max():.0%}).")
    if len(shares) >= 2:
        spread = (shares.max() - shares.min()).sort_values(ascending=False)
        t = spread.index[0]
        details.append(f"The topic whose share differs most between {'outlets' if unit == 'outlet' else 'documents'}: "
                       f"{labels[t]}, from {shares[t].min():.0%} ({unit_label(unit, shares[t].idxmin())}) to "
                       f"{shares[t].max():.0%} ({unit_label(unit, shares[t].idxmax())}).")
    projected = (stories[stories["doc_id"].astype(str) != stories["story_id"].astype(str)]
                 if stories is not None else pd.DataFrame())
    if len(projected):
        details.append(f"{plural(len(projected), 'document')} counted once as a version of another story (a copy "
                       "or a translation) and projected onto the topics rather than fitted: "
                       + join_names(f"{doc_label(r.doc_id)} (a version of {doc_label(r.story_id)})"
                                    for r in projected.itertuples(index=False)) + ".")
    elif stories is not None and len(stories):
        details.append("No document is a copy or translation of another: every document is fitted.")
    if stability is not None and len(stability):
        values = stability.set_index("measure")["value"]
        if "cross_method_ari" in values.index and pd.notna(values["cross_method_ari"]):
            ari = float(values["cross_method_ari"])
            details.append(f"KMeans at the same number of topics agrees {_agreement_word(ari)} with NMF "
                           f"(ARI {ari:.2f}); where it is weak, single paragraphs' topics are method-dependent.")
    n_paragraphs = int(summary["n_paragraphs"].sum())
    outlets = by_source.drop_duplicates("doc_id")["outlet"] if "outlet" in by_source.columns else []
    caveats = (f"Topics rest on {plural(n_paragraphs, 'paragraph')}; a few paragraphs can make or break a small "
               "topic, and shares averaged over many paragraphs are sturdier than any one paragraph's topic.",
               size_caveat(by_source["doc_id"].nunique(), named_outlets(list(outlets))))
    return Findings("topics", headline=(first, second, third), details=tuple(details), caveats=caveats)
