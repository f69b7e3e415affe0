"""Findings stage, publication figures: which figures could be exported for this corpus and which could not."""

from __future__ import annotations

from typing import Sequence

from kzanalysis.findings.base import Findings, join_names, plural


def figure_findings(exported: Sequence[object]) -> Findings:
    """Findings of notebook 04: the figures exported for this corpus, and each one that could not be drawn, with why.

    Args:
        exported: ``plots.publication_figure`` results (``name``, ``files``, ``problem``).

    Returns:
        :class:`Findings` with one line for what was exported and one per figure that was not.

    Example:
        >>> from kzanalysis.plots import ExportedFigure
        >>> figure_findings([ExportedFigure("keyness", "", "03", problem="one outlet")]).headline[1]
        'Not drawn: keyness (one outlet).'
    """
    drawn = [f for f in exported if not getattr(f, "problem", "")]
    missing = [f for f in exported if getattr(f, "problem", "")]
    first = (f"{plural(len(drawn), 'publication figure')} exported as PNG and SVG: "
             f"{join_names(f.name for f in drawn)}." if drawn else "No publication figure could be drawn.")
    lines = [first]
    if missing:
        lines.append("Not drawn: " + "; ".join(f"{f.name} ({f.problem})" for f in missing) + ".")
    return Findings("figures", headline=tuple(lines))
