"""Findings stage, framing: who uses which naming families, in their own voice or inside quotations."""

from __future__ import annotations

from typing import Sequence

import pandas as pd

from kzanalysis.findings.base import (Findings, comparison_unit, join_names, named_outlets, not_analysed_line,
                                      plural, size_caveat, unit_label)

Z_CRITICAL = 1.96
"""Keyness words at or beyond this |z| are named as distinctive (two-sided 5% level, before any correction)."""
MAX_SPEAKERS = 4


def framing_findings(
    table: pd.DataFrame,
    *,
    kwic: pd.DataFrame | None = None,
    keyness: pd.DataFrame | None = None,
    quotes: pd.DataFrame | None = None,
    families: Sequence[str] = ("terror", "protest"),
    not_analysed: pd.DataFrame | None = None,
) -> Findings:
    """Findings of notebook 03: each contrast family's users, voice and speakers; rates; distinctive words.

    Args:
        table: ``frame_terms`` (one row per document and family: ``count``, ``in_quotes``, ``narrative``,
            ``rate_per_1k``, ``rate_low``, ``rate_high``, ``outlet``).
        kwic: ``framing.kwic`` (who is quoted saying each occurrence).
        keyness: ``framing.keyness`` (``group``, ``term``, ``z``).
        quotes: ``framing.quotes`` (``level``, ``closed``, ``speaker``).
        families: The families to describe (the notebook's ``contrast_families``).
        not_analysed: ``languages.split_by_language``'s second table: documents left out, named in the caveats.

    Returns:
        :class:`Findings`: one headline per family (who uses it only inside quotations, who in their own
        voice, who never), whether the rate intervals separate anyone, then speakers, quotations and keyness.

    Example:
        >>> t = pd.DataFrame({"doc_id": ["a", "b"], "outlet": ["X", "Y"], "family": ["terror", "terror"],
        ...                   "count": [2, 1], "in_quotes": [2, 0], "narrative": [0, 1], "rate_per_1k": [2.0, 1.0],
        ...                   "rate_low": [0.0, 0.0], "rate_high": [4.0, 3.0], "confidence": [0.95, 0.95]})
        >>> framing_findings(t, families=["terror"]).headline[0]
        '`terror`: 3 occurrences in 2 documents. Only inside quotations: X (2). In its own voice: Y (1 of 1).'
    """
    unit = comparison_unit(table)
    present = [f for f in families if f in set(table["family"])]
    headline, details = [], []
    for family in families:
        if family not in present:
            headline.append(f"`{family}` is not a family of the lexicon used, so it was not counted.")
            continue
        rows = table[table["family"] == family]
        grouped = rows.groupby(unit)[["count", "in_quotes", "narrative"]].sum()
        users = grouped[grouped["count"] > 0]
        if users.empty:
            headline.append(f"`{family}` occurs in no document of this corpus.")
            continue
        n_docs = int((rows["count"] > 0).sum())
        parts = [f"`{family}`: {plural(int(users['count'].sum()), 'occurrence')} in {plural(n_docs, 'document')}."]
        quoted_only = users[users["narrative"] == 0]
        own = users[users["narrative"] > 0]
        never = grouped[grouped["count"] == 0]
        if len(quoted_only):
            parts.append("Only inside quotations: " + join_names(
                f"{unit_label(unit, u)} ({int(r['count'])})" for u, r in quoted_only.iterrows()) + ".")
        if len(own):
            parts.append("In its own voice: " + join_names(
                f"{unit_label(unit, u)} ({int(r['narrative'])} of {int(r['count'])})" for u, r in own.iterrows()) + ".")
        if len(never):
            parts.append(f"Never: {join_names(unit_label(unit, u) for u in never.index)}.")
        headline.append(" ".join(parts))
        if kwic is not None and len(kwic):
            quoted = kwic[(kwic["family"] == family) & kwic["in_quotes"].astype(bool)]
            speakers = quoted["speaker"].astype(str).str.strip()
            named = speakers[speakers != ""].value_counts()
            if len(quoted):
                details.append(f"Quoted `{family}` occurrences: {len(quoted):,}, "
                               + (f"speakers found for {int(named.sum()):,}: "
                                  + join_names(f"{s} ({n})" for s, n in named.head(MAX_SPEAKERS).items()) + "."
                                  if len(named) else "none with a speaker the patterns could name."))
        rated = rows[rows["count"] > 0]  # a [0, 0] interval is "not observed", not an estimate to compare
        if len(rated) == 1:
            details.append(f"`{family}` per 1,000 body tokens: only `{rated['doc_id'].iloc[0]}` uses it "
                           f"({rated['rate_per_1k'].iloc[0]:.1f}); there is no rate to compare it with.")
        elif len(rated) >= 2:
            high = rated.loc[rated["rate_per_1k"].idxmax()]
            low = rated.loc[rated["rate_per_1k"].idxmin()]
            separated = float(high["rate_low"]) > float(low["rate_high"])
            level = float(rows["confidence"].iloc[0]) if "confidence" in rows.columns else 0.95
            details.append(
                f"`{family}` per 1,000 body tokens, among the documents that use it: highest in `{high['doc_id']}` ({high['rate_per_1k']:.1f}, "
                f"{level:.0%} interval {high['rate_low']:.1f}-{high['rate_high']:.1f}), lowest in `{low['doc_id']}` "
                f"({low['rate_per_1k']:.1f}, {low['rate_low']:.1f}-{low['rate_high']:.1f}); "
                + ("the intervals do not overlap." if separated else
                   "the intervals overlap, so even these two are not told apart."))
    if quotes is not None:
        outer = quotes[quotes["level"] == 0]
        if len(outer):
            details.append(f"{plural(len(outer), 'quotation')} found; {int((~outer['closed'].astype(bool)).sum()):,} "
                           f"left open at the end of their paragraph; "
                           f"{int((outer['speaker'].astype(str) != '').sum()):,} with a speaker.")
        else:
            details.append("No quotation marks found: every occurrence counts as the outlet's own voice.")
    if keyness is not None and len(keyness):
        strong = keyness[keyness["z"].abs() >= Z_CRITICAL]
        if strong.empty:
            details.append(f"Keyness: no word reaches |z| = {Z_CRITICAL}; the evidence for a group-specific "
                           f"vocabulary is thin (highest z {keyness['z'].max():.2f}).")
        else:
            top = strong.sort_values("z", ascending=False).groupby("group").head(3)
            details.append(f"Keyness: {plural(len(strong), 'word')} reach |z| >= {Z_CRITICAL}; the strongest per "
                           "group: " + "; ".join(f"{g}: {', '.join(t['term'])}" for g, t in top.groupby("group")) + ".")
    n_docs = table["doc_id"].nunique()
    outlets = table.drop_duplicates("doc_id")["outlet"] if "outlet" in table.columns else []
    caveats = (size_caveat(n_docs, named_outlets(list(outlets))),
               "Quotation marks are a surface signal: reported speech without them counts as the outlet's own "
               "voice, and speakers come from patterns around the quotation.")
    if len(headline) < 3 and details:
        headline.append(details.pop(0))
    left_out = not_analysed_line(not_analysed)
    if left_out:
        caveats = (left_out, *caveats)
    return Findings("framing", headline=tuple(headline), details=tuple(details), caveats=caveats)
