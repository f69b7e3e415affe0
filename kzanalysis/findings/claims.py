"""Findings stage, claims and sources: which figures each outlet reports, on whose authority, and who speaks."""

from __future__ import annotations

import pandas as pd

from kzanalysis.findings.base import (Findings, comparison_unit, join_names, named_outlets, not_analysed_line,
                                      plural, share, size_caveat, unit_label)

KINDS = ("killed", "injured", "detained")
OFFICIAL_SIDE = frozenset({"official", "state_media", "foreign_government"})
"""Source types counted as governments and state media when the findings weigh who speaks."""
MAX_FIGURES_NAMED = 6


def claims_findings(
    comparison: pd.DataFrame,
    *,
    sources_by_outlet: pd.DataFrame,
    corpus: pd.DataFrame,
    lexicon: pd.DataFrame | None = None,
    numbers: pd.DataFrame | None = None,
    scores: pd.DataFrame | None = None,
    signals: pd.DataFrame | None = None,
    not_analysed: pd.DataFrame | None = None,
) -> Findings:
    """Findings of notebook 05: conflicting figures, the authority behind exact figures, who gets to speak.

    Args:
        comparison: ``claims.compare_claims`` (one row per casualty or detention claim: ``unit_kind``, ``who``,
            ``figure``, ``quantity``, ``doc_id``, ``outlet``, ``attributed_to``).
        sources_by_outlet: ``claims.sources_by_outlet`` (``doc_id``, ``outlet``, ``source_type``, ``n_citations``).
        corpus: The corpus table (every document, so that those with no figure are named).
        lexicon: The source lexicon that types ``attributed_to`` (``None``: the shipped one).
        numbers: ``claims.number_mentions`` (how many numbers were set aside as dates, ages, ...).
        scores: ``claims.score_claims`` scores, when hand labels cover the corpus.
        signals: ``claims.provenance_signals`` (translation signs are counted).
        not_analysed: ``languages.split_by_language``'s second table: documents left out, named in the caveats.

    Returns:
        :class:`Findings`: the kind of figure on which outlets differ most, the sources behind exact
        figures, the balance of official and other voices, and what each check found.

    Example:
        >>> empty = pd.DataFrame(columns=["unit_kind", "who", "figure", "quantity", "doc_id", "outlet", "attributed_to"])
        >>> corpus = pd.DataFrame({"doc_id": ["a"], "outlet": ["X"]})
        >>> sources = pd.DataFrame(columns=["doc_id", "outlet", "source_type", "n_citations", "share"])
        >>> claims_findings(empty, sources_by_outlet=sources, corpus=corpus).headline[0]
        'No casualty or detention figure in this corpus: there is nothing to compare.'
    """
    from kzanalysis.claims import load_source_lexicon, type_source

    lexicon = load_source_lexicon() if lexicon is None else lexicon
    unit = comparison_unit(corpus)
    details: list[str] = []
    exact = comparison[pd.to_numeric(comparison["quantity"], errors="coerce").notna()].copy()
    if comparison.empty:
        first = "No casualty or detention figure in this corpus: there is nothing to compare."
    else:
        exact["value"] = pd.to_numeric(exact["quantity"])
        spread = {kind: exact[exact["unit_kind"] == kind] for kind in KINDS if (exact["unit_kind"] == kind).any()}
        ranked = sorted(spread, key=lambda k: (-spread[k]["value"].nunique(), KINDS.index(k)))
        lines = {kind: _figures_line(kind, spread[kind], unit) for kind in ranked}
        conflicts = _conflicts(exact, unit)
        if conflicts:
            first = "**Different exact figures for the same group**: " + "; ".join(conflicts[:3]) + "."
            details += [f"**{k.capitalize()}**: {lines[k]}" for k in ranked]
        elif ranked:
            top = ranked[0]
            first = (f"No two {'outlets' if unit == 'outlet' else 'documents'} give different exact figures for the "
                     f"same group; the figures count different groups. **{top.capitalize()}**: {lines[top]}")
            details += [f"**{k.capitalize()}**: {lines[k]}" for k in ranked[1:]]
        else:
            first = ("Casualty or detention claims are only vague words (\"dozens\", \"thousands\"), no exact figure: "
                     + join_names(sorted(set(comparison["figure"].astype(str)))) + ".")
        silent = sorted(set(corpus[unit].astype(str)) - set(comparison[unit].astype(str)))
        if silent:
            details.append(f"No casualty or detention figure at all: {join_names(unit_label(unit, u) for u in silent)}.")
    if len(exact):
        attributed = exact["attributed_to"].astype(str)
        kinds = attributed.map(lambda s: "unattributed" if s in ("", "unattributed") else type_source(s, lexicon))
        official = int(kinds.isin(OFFICIAL_SIDE).sum())
        none = int((kinds == "unattributed").sum())
        other = kinds[~kinds.isin(OFFICIAL_SIDE) & (kinds != "unattributed")]
        second = (f"{plural(len(exact), 'exact figure').capitalize()}: {share(official, len(exact))} rest on official, "
                  f"state-media or foreign-government sources, {share(none, len(exact))} name no source in their "
                  f"sentence, {share(len(other), len(exact))} cite other sources"
                  + (f" ({join_names(sorted(set(other)))})" if len(other) else "") + ".")
    else:
        second = "No exact figure, so no authority behind one to weigh."
    if sources_by_outlet.empty or sources_by_outlet["n_citations"].sum() == 0:
        third = "No citation found: no sentence says who said or reported anything."
    else:
        pooled = sources_by_outlet.groupby([unit, "source_type"])["n_citations"].sum().unstack(fill_value=0)
        totals = pooled.sum(axis=1)
        side = pooled[[c for c in pooled.columns if c in OFFICIAL_SIDE]].sum(axis=1)
        others = totals - side
        overall = share(int(side.sum()), int(totals.sum()))
        most = (others / totals.where(totals > 0)).idxmax()
        third = (f"Governments and state media give {overall} of the {int(totals.sum()):,} citations"
                 + (f"; per {'outlet' if unit == 'outlet' else 'document'} from "
                    f"{share(float((side / totals).min()), 1)} to {share(float((side / totals).max()), 1)}"
                    if len(totals) > 1 else "")
                 + f". Largest share of other voices (media, independent, experts, unclassified): {unit_label(unit, most)} ({int(others[most])} of {int(totals[most])} citations).")
    if numbers is not None and len(numbers):
        counts = numbers["role"].value_counts()
        set_aside = int(len(numbers) - counts.get("count", 0))
        details.append(f"{plural(len(numbers), 'number')} in the body text; {set_aside:,} of them are dates, years, "
                       "ages, durations, percentages, money or parts of names and can never become claims.")
    if scores is not None and len(scores):
        values = scores.set_index("measure")["value"]
        if {"recall", "precision"} <= set(values.index):
            details.append(f"Against the hand list covering these documents: recall {float(values['recall']):.2f}, "
                           f"precision {float(values['precision']):.2f} ({int(values.get('n_labelled', 0))} labelled "
                           "claims).")
    if signals is not None and len(signals):
        signs = signals[signals["signal"] == "translation_sign"].groupby("doc_id").size()
        if len(signs):
            details.append("Translation signs (heuristic): " + join_names(
                f"`{d}` {n}" for d, n in signs.sort_values(ascending=False).items()) + f"; none in "
                f"{plural(corpus['doc_id'].nunique() - len(signs), 'other document')}.")
    outlets = corpus["outlet"] if "outlet" in corpus.columns else []
    caveats = (size_caveat(len(corpus), named_outlets(list(outlets))),
               "Attribution is read per sentence: a source named in a neighbouring sentence is not seen, so "
               "\"unattributed\" means \"no source in the same sentence\".")
    left_out = not_analysed_line(not_analysed)
    if left_out:
        caveats = (left_out, *caveats)
    return Findings("claims", headline=(first, second, third), details=tuple(details), caveats=caveats)


def _figures_line(kind: str, rows: pd.DataFrame, unit: str) -> str:
    """``"6,044 people (Reuters; police); 4,404 people (IANS; unattributed)"``: each distinct exact figure once."""
    seen = []
    for value, group in rows.sort_values("value").groupby("value", sort=True):
        first = group.iloc[0]
        who = f" {first['who']}" if str(first["who"]).strip() else ""
        units = join_names(sorted({unit_label(unit, u) for u in group[unit].astype(str)}), limit=3)
        sources = join_names(sorted(set(group["attributed_to"].astype(str))), limit=2)
        seen.append(f"{first['figure']}{who} ({units}; {sources})")
    more = f" and {len(seen) - MAX_FIGURES_NAMED:,} more" if len(seen) > MAX_FIGURES_NAMED else ""
    return "; ".join(seen[:MAX_FIGURES_NAMED]) + more + "."


def _conflicts(exact: pd.DataFrame, unit: str) -> list[str]:
    """Groups (kind and who) for which two outlets give different exact figures, most figures first."""
    found = []
    for (kind, who), group in exact.groupby(["unit_kind", "who"], sort=True):
        if group["value"].nunique() < 2 or group[unit].nunique() < 2:
            continue
        parts = [f"{g['figure'].iloc[0]} ({join_names(sorted({unit_label(unit, u) for u in g[unit].astype(str)}), limit=3)}; "
                 f"{join_names(sorted(set(g['attributed_to'].astype(str))), limit=2)})"
                 for _, g in group.sort_values("value").groupby("value", sort=True)]
        found.append((group["value"].nunique(), f"{kind} {who or '(no group named)'}: " + " vs ".join(parts)))
    return [text for _, text in sorted(found, key=lambda item: -item[0])]
