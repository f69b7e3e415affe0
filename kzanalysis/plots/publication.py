"""Publication figures (notebook 04): rebuilt from the tables notebooks 00-03 wrote, with their captions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

import pandas as pd

from .corpus import plot_document_lengths
from .framing import plot_family_voice, plot_frame_rates, plot_keyness
from .overlap import plot_similarity_heatmaps
from .style import STYLE_FILE, save_figure, shows_outlets
from .topics import plot_topic_shares

if TYPE_CHECKING:
    from matplotlib.figure import Figure


# --------------------------------------------------------------------------------------------------
# publication figures (notebook 04): rebuilt from the tables notebooks 00-03 wrote
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportedFigure:
    """A publication figure: its files and caption, or why it could not be drawn.

    Example:
        >>> ExportedFigure("similarity", "Pairwise similarity.", "01-source-overlap").files
        ()
    """

    name: str
    caption: str
    source_notebook: str
    files: tuple[Path, ...] = ()
    problem: str = ""

    def _repr_html_(self) -> str:
        import base64
        import html

        if self.problem:
            return f"<p><strong>{html.escape(self.name)}</strong>: not drawn: {html.escape(self.problem)}</p>"
        png = next(p for p in self.files if p.suffix == ".png")
        data = base64.b64encode(png.read_bytes()).decode("ascii")
        return (f'<figure><img src="data:image/png;base64,{data}" style="max-width:100%" '
                f'alt="{html.escape(self.caption)}"><figcaption><strong>{html.escape(png.name)}</strong> '
                f"({html.escape(self.source_notebook)}): {html.escape(self.caption)}</figcaption></figure>")


def _outlet_labels(corpus: pd.DataFrame) -> dict[str, str]:
    return {d: f"{d[:12]}\n{o}" for d, o in zip(corpus["doc_id"], corpus["outlet"])}


def _figure_corpus(tables: dict[str, pd.DataFrame]) -> tuple[Figure, str]:
    corpus = tables["corpus"]
    ax = plot_document_lengths(corpus[["doc_id", "outlet", "body_words", "boilerplate_share"]])
    if shows_outlets(len(corpus)):
        return ax.figure, (f"Body length in words of the {len(corpus):,} articles per outlet (box: middle half; "
                           "whiskers: 5th to 95th percentile), with the mean share of the raw texts' characters "
                           "that the boilerplate rules flagged.")
    return ax.figure, (f"Body length in words of each of the {len(corpus)} articles, coloured by outlet, with the "
                       "share of each raw text's characters that the boilerplate rules flagged.")


def _figure_similarity(tables: dict[str, pd.DataFrame]) -> tuple[Figure, str]:
    similarity, corpus = tables["doc_similarity"], tables["corpus"]
    if similarity.empty:
        raise ValueError("the corpus has fewer than two documents, so there is no pair to compare")
    fig = plot_similarity_heatmaps(similarity, measures=("cosine", "containment"), labels=_outlet_labels(corpus),
                                   outlets=dict(zip(corpus["doc_id"].astype(str), corpus["outlet"])))
    if shows_outlets(len(corpus)):
        return fig, (f"Similarity of the {len(corpus):,} articles' body text per outlet: mean TF-IDF cosine of stems "
                     "(left) and mean directional containment (right) over every pair of articles of the row and "
                     "column outlets (pairs not compared count as 0).")
    return fig, ("Pairwise similarity of the articles' body text: TF-IDF cosine of stems (left) and directional "
                 "containment, the share of the row article's shingles of three content stems found in the column article (right).")


def _figure_topics(tables: dict[str, pd.DataFrame]) -> tuple[Figure, str]:
    by_source, summary = tables["topic_by_source"], tables["topic_summary"]
    if by_source.empty:
        raise ValueError("topic clustering was skipped for this corpus (too few paragraphs); see notebook 02")
    ax = plot_topic_shares(by_source, summary[["topic", "label"]])
    if shows_outlets(by_source["doc_id"].nunique()):
        return ax.figure, (f"Mean share of each outlet's articles' paragraph weight in each of the "
                           f"{summary['topic'].nunique()} NMF topics ({by_source['doc_id'].nunique():,} articles); "
                           "topic labels are the topics' most distinctive words.")
    return ax.figure, (f"Share of each article's paragraph weight in each of the {summary['topic'].nunique()} NMF "
                       "topics; topic labels are the topics' most distinctive words.")


def _figure_frame_rates(tables: dict[str, pd.DataFrame]) -> tuple[Figure, str]:
    frames = tables["frame_terms"]
    confidence = float(frames["confidence"].iloc[0]) if "confidence" in frames.columns and len(frames) else 0.95
    ax = plot_frame_rates(frames, families=("terror", "protest"))
    if shows_outlets(frames["doc_id"].nunique()):
        return ax.figure, (f"Uses of the 'terror' and 'protest' term families per 1,000 body tokens, per outlet "
                           f"({frames['doc_id'].nunique():,} articles): the outlet's pooled rate (dot) and the middle "
                           "half of its articles' rates (bar).")
    return ax.figure, ("Uses of the 'terror' and 'protest' term families per 1,000 body tokens in each article, "
                       f"with {confidence:.0%} bootstrap intervals over sentences.")


def _figure_voice(tables: dict[str, pd.DataFrame]) -> tuple[Figure, str]:
    from kzanalysis.framing import family_contrast

    ax = plot_family_voice(family_contrast(tables["frame_terms"], families=("terror", "protest"), by="outlet"))
    return ax.figure, ("Occurrences of the 'terror' and 'protest' families per outlet, in the outlet's own voice "
                       "(solid) and inside quoted speech (hatched).")


def _figure_keyness(tables: dict[str, pd.DataFrame]) -> tuple[Figure, str]:
    keyness = tables["keyness"]
    if keyness.empty:
        raise ValueError("keyness needs at least two outlets; this corpus has one")
    return plot_keyness(keyness), ("Each outlet's most distinctive words against all other outlets: log-odds ratio "
                                   "with an informative Dirichlet prior, as z-scores (Monroe, Colaresi & Quinn 2008).")


PUBLICATION_FIGURES: dict[str, tuple[str, tuple[str, ...], Callable[[dict[str, pd.DataFrame]], tuple[Figure, str]]]] = {
    "corpus": ("00-corpus-overview", ("corpus",), _figure_corpus),
    "similarity": ("01-source-overlap", ("doc_similarity", "corpus"), _figure_similarity),
    "topics": ("02-topic-clustering", ("topic_by_source", "topic_summary"), _figure_topics),
    "frame-rates": ("03-framing-terms", ("frame_terms",), _figure_frame_rates),
    "voice": ("03-framing-terms", ("frame_terms",), _figure_voice),
    "keyness": ("03-framing-terms", ("keyness",), _figure_keyness),
}
"""Publication figure name -> (notebook whose tables it draws, tables it reads, drawing function)."""


def publication_figure(name: str, *, out_dir: Path | str | None = None) -> ExportedFigure:
    """Rebuild one publication figure from the tables in ``<out_dir>/tables`` and export it.

    Reads only tables (so notebook 04 can be rerun alone), draws with the house style, and writes
    ``<out_dir>/figures/04-<name>.png`` (300 dpi) and ``.svg`` through :func:`save_figure`.

    Args:
        name: One of :data:`PUBLICATION_FIGURES`.
        out_dir: The report folder holding ``tables/`` (``None``: ``reports/``).

    Returns:
        The :class:`ExportedFigure` (shown in a notebook as the image with its caption), or one whose
        ``problem`` says why the figure cannot be drawn for this corpus (a table is missing or empty).

    Example:
        >>> # publication_figure("similarity", out_dir="reports").caption
    """
    import matplotlib.pyplot as plt

    from kzanalysis.report.tables import read_table

    source, table_names, draw = PUBLICATION_FIGURES[name]
    with plt.style.context(STYLE_FILE):
        try:
            tables = {table: read_table(table, out_dir=out_dir) for table in table_names}
            fig, caption = draw(tables)
        except (FileNotFoundError, ValueError) as err:
            return ExportedFigure(name=name, caption="", source_notebook=source, problem=str(err))
        files = tuple(save_figure(fig, f"04-{name}", out_dir=out_dir))
    plt.close(fig)
    return ExportedFigure(name=name, caption=caption, source_notebook=source, files=files)


def figure_catalog(exported: Sequence[ExportedFigure]) -> pd.DataFrame:
    """The ``figures`` table: one row per exported file.

    Returns:
        Columns ``file`` (path relative to the report folder, e.g. ``figures/04-corpus.png``),
        ``caption``, ``source_notebook``; figures that could not be drawn have no rows.

    Example:
        >>> figure_catalog([]).columns.tolist()
        ['file', 'caption', 'source_notebook']
    """
    rows = [{"file": f"figures/{path.name}", "caption": figure.caption, "source_notebook": figure.source_notebook}
            for figure in exported for path in figure.files]
    return pd.DataFrame(rows, columns=["file", "caption", "source_notebook"])
