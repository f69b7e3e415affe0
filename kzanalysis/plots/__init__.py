"""Figures stage: the house style, one colour per outlet, ``plot_*`` functions and ``save_figure``.

One module per stage whose results it draws: ``style`` (colours, house style, ``save_figure``, when a figure
switches from one row per article to one per outlet), ``corpus`` (notebook 00), ``overlap`` (01), ``topics`` (02),
``framing`` (03), ``claims`` (05) and ``publication`` (04: figures rebuilt from the tables of 00-03).

Every ``plot_*`` returns the Axes it drew on, or the Figure when several axes belong together (the docstring says
which); ``save_figure`` writes PNG and SVG. Every public name is importable from here (``kz.plots.plot_claims``).
"""

from __future__ import annotations

from .style import (
    MAX_DOCUMENTS_SHOWN, MAX_FIGURE_HEIGHT, MAX_GROUPS_SHOWN, MAX_POINTS_VECTOR, PALETTE, STYLE_FILE,
    SavedFiles, UNKNOWN_COLOR, figure_file_stem, outlet_colors, outlet_groups, save_figure, shows_outlets,
    use_style,
)
from .corpus import (
    plot_document_lengths,
)
from .overlap import (
    outlet_similarity, plot_alignment, plot_passage_scores, plot_similarity_dendrogram, plot_similarity_heatmap,
    plot_similarity_heatmaps,
)
from .topics import (
    TOPIC_PALETTE, plot_paragraph_map, plot_topic_selection, plot_topic_shares, plot_topic_stability,
    plot_topic_terms, topic_colors,
)
from .framing import (
    plot_family_voice, plot_frame_rates, plot_keyness,
)
from .claims import (
    SOURCE_TYPE_COLORS, plot_claims, plot_source_profile,
)
from .publication import (
    ExportedFigure, PUBLICATION_FIGURES, figure_catalog, publication_figure,
)

__all__ = [
    "MAX_DOCUMENTS_SHOWN",
    "MAX_FIGURE_HEIGHT",
    "MAX_GROUPS_SHOWN",
    "MAX_POINTS_VECTOR",
    "PALETTE",
    "STYLE_FILE",
    "SavedFiles",
    "UNKNOWN_COLOR",
    "figure_file_stem",
    "outlet_colors",
    "outlet_groups",
    "save_figure",
    "shows_outlets",
    "use_style",
    "plot_document_lengths",
    "outlet_similarity",
    "plot_alignment",
    "plot_passage_scores",
    "plot_similarity_dendrogram",
    "plot_similarity_heatmap",
    "plot_similarity_heatmaps",
    "TOPIC_PALETTE",
    "plot_paragraph_map",
    "plot_topic_selection",
    "plot_topic_shares",
    "plot_topic_stability",
    "plot_topic_terms",
    "topic_colors",
    "plot_family_voice",
    "plot_frame_rates",
    "plot_keyness",
    "SOURCE_TYPE_COLORS",
    "plot_claims",
    "plot_source_profile",
    "ExportedFigure",
    "PUBLICATION_FIGURES",
    "figure_catalog",
    "publication_figure",
]
