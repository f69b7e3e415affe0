"""Findings stage, corpus: what the corpus holds and what the boilerplate rules took out of it."""

from __future__ import annotations

import pandas as pd

from kzanalysis.findings.base import Findings, doc_label, join_names, named_outlets, plural, share, size_caveat

BODY_CUT_WARNING = 0.5
"""A document whose boilerplate share of characters exceeds this is named: half its text was set aside."""


def corpus_findings(overview: pd.DataFrame, paras: pd.DataFrame) -> Findings:
    """Findings of notebook 00: documents and outlets, body lengths, what the boilerplate rules flagged.

    Args:
        overview: One row per document: ``doc_id``, ``outlet``, ``body_words``, ``boilerplate_share``
            (the corpus table joined with ``clean.document_lengths``); ``translated`` and
            ``original_language`` are used when present.
        paras: ``kz.paragraphs`` output (``is_boilerplate``, ``is_heading``, ``unit_id``, ``para_id``).

    Returns:
        :class:`Findings` with the corpus's size and outlets, length range and boilerplate share,
        and every document whose body is empty or more than half flagged (the rules may be wrong there).

    Example:
        >>> import kzanalysis as kz
        >>> from kzanalysis import clean
        >>> paras = kz.paragraphs(kz.load_corpus())
        >>> overview = kz.load_corpus().merge(clean.document_lengths(paras), on="doc_id")
        >>> corpus_findings(overview, paras).headline[2][:40]
        'The boilerplate rules flagged 23 of 143 '
    """
    n_docs = len(overview)
    outlets = overview["outlet"].astype(str) if "outlet" in overview.columns else pd.Series(["unknown"] * n_docs)
    n_outlets = named_outlets(outlets)
    if n_outlets == 0:
        first = f"{plural(n_docs, 'document')}; no metadata names their outlets (every outlet is `unknown`)."
    else:
        counts = outlets[outlets != "unknown"].value_counts()
        listed = (join_names(f"{o}" for o in sorted(counts.index)) + (" (1 each)" if counts.max() == 1 else "")
                  if len(counts) <= 6 else
                  join_names(f"{o} ({c:,})" for o, c in counts.sort_values(ascending=False).items()))
        first = f"{plural(n_docs, 'document')} from {plural(n_outlets, 'outlet')}: {listed}."
    words = overview["body_words"].astype(float)
    shortest, longest = overview.loc[words.idxmin()], overview.loc[words.idxmax()]
    label = lambda row: doc_label(row["doc_id"], row.get("outlet"))  # noqa: E731
    second = (f"Body length: median {words.median():,.0f} words; shortest {label(shortest)} with "
              f"{int(shortest['body_words']):,}, longest {label(longest)} with {int(longest['body_words']):,}."
              if n_docs > 1 else f"Body length: {int(words.iloc[0]):,} words.")
    flagged = paras[paras["is_boilerplate"]]
    flagged_docs = flagged["doc_id"].nunique()
    if flagged.empty:
        third = f"The boilerplate rules flagged no paragraph in {plural(len(paras), 'raw paragraph')}."
    else:
        top = overview.loc[overview["boilerplate_share"].astype(float).idxmax()]
        third = (f"The boilerplate rules flagged {len(flagged):,} of {len(paras):,} raw paragraphs, in "
                 f"{flagged_docs:,} of {plural(n_docs, 'document')}; the largest share of characters is in "
                 f"{label(top)}: {share(float(top['boilerplate_share']), 1)}.")
    details = []
    empty = overview[words == 0]
    if len(empty):
        details.append(f"**No body text left** in {plural(len(empty), 'document')} after boilerplate: "
                       f"{join_names(label(r) for _, r in empty.iterrows())}. Check the flagged paragraphs below; "
                       "if they are article text, a rule in `data/rules/boilerplate.csv` is too broad.")
    cut = overview[(words > 0) & (overview["boilerplate_share"].astype(float) > BODY_CUT_WARNING)]
    if len(cut):
        details.append(f"More than half of the characters were flagged in {plural(len(cut), 'document')}: "
                       f"{join_names(label(r) for _, r in cut.iterrows())}; check that no article text was set aside.")
    if len(flagged):
        kinds = flagged["boilerplate_kind"].value_counts()
        details.append("Flagged paragraphs by kind: " + join_names(f"{k} {v:,}" for k, v in kinds.items()) + ".")
    headings = int(paras["is_heading"].sum()) if "is_heading" in paras.columns else 0
    joined = int((paras["unit_id"] != paras["para_id"]).sum()) if "unit_id" in paras.columns else 0
    details.append(f"{plural(headings, 'short line')} read as headings (kept in the body); "
                   f"{plural(joined, 'broken paragraph')} joined to the paragraph before it.")
    for column, what in (("translated", "translated"), ("original_language", "original language")):
        if column in overview.columns and overview[column].astype(str).str.strip().ne("").any():
            values = overview[column].astype(str).replace("", "not given").value_counts()
            details.append(f"Metadata, {what}: " + join_names(f"{k} {v:,}" for k, v in values.items()) + ".")
    caveats = [size_caveat(n_docs, n_outlets)]
    return Findings("corpus", headline=(first, second, third), details=tuple(details), caveats=tuple(caveats))
