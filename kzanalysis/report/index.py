"""Report stage, index: the page a reader starts from (questions, headline findings, figures, provenance)."""

from __future__ import annotations

import html
import platform
import re
import time
from pathlib import Path
from typing import Any, Sequence
from urllib.parse import quote

import pandas as pd

from kzanalysis.findings.base import FINDINGS_KEY
from kzanalysis.report.tables import OutputPaths, display_path

PUBLICATION_PREFIX = "04-"
"""Figures of the publication notebook redraw figures of 00-03: the index lists them as files, not pictures."""
_SAVE_CALL = re.compile(r"save_figure\([^,]+,\s*f?[\"']([^\"'{]+)")
_SENTENCE = re.compile(r"^(.+?[.!?])(?:\s|$)", re.S)


def inline_markdown(text: str) -> str:
    """Markdown of one line (``code``, **bold**, *italic*) as escaped HTML, enough for headlines and questions.

    Example:
        >>> inline_markdown("**Who** says `terror` <b>?")
        '<strong>Who</strong> says <code>terror</code> &lt;b&gt;?'
    """
    out = html.escape(text, quote=False)
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    out = re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", out)
    return re.sub(r"(?<![*\w])\*([^*]+)\*(?!\*)", r"<em>\1</em>", out)


def notebook_question(notebook: Any) -> tuple[str, str]:
    """The title (first ``#`` heading) and the ``**Question.**`` paragraph of a notebook's first cell.

    Example:
        >>> import nbformat
        >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 07 · X\\n\\n**Question.** Why?\\n\\nMore.")])
        >>> notebook_question(nb)
        ('07 · X', 'Why?')
    """
    first = notebook.cells[0].source if notebook.cells else ""
    title = next((line.lstrip("# ").strip() for line in first.splitlines() if line.startswith("# ")), "")
    question = ""
    for paragraph in re.split(r"\n\s*\n", first):
        if paragraph.strip().startswith("**Question.**"):
            question = " ".join(paragraph.replace("**Question.**", "").split())
    return title, question


def notebook_headlines(executed: Any) -> list[str]:
    """The headline findings an executed notebook displayed (Markdown lines), in order of display.

    Example:
        >>> import nbformat
        >>> notebook_headlines(nbformat.v4.new_notebook())
        []
    """
    lines: list[str] = []
    for cell in executed.cells:
        for output in cell.get("outputs", []):
            # Findings._repr_markdown_ returns (markdown, metadata): IPython files the metadata under the MIME type
            found = output.get("metadata", {}).get("text/markdown", {}).get(FINDINGS_KEY)
            if found:
                lines.extend(found.get("headline", []))
    return lines


def figure_captions(notebook: Any) -> list[tuple[str, str]]:
    """(figure name or name prefix, caption) for each ``save_figure`` call of a notebook.

    The caption is the first sentence of the Markdown cell that follows the call: the notebook's
    own explanation of how to read that figure.

    Example:
        >>> import nbformat
        >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('plots.save_figure(fig, "01-map")'),
        ...                                      nbformat.v4.new_markdown_cell("A map. More.")])
        >>> figure_captions(nb)
        [('01-map', 'A map.')]
    """
    found = []
    cells = notebook.cells
    for i, cell in enumerate(cells):
        if cell.cell_type != "code":
            continue
        for name in _SAVE_CALL.findall(cell.source):
            following = next((c.source for c in cells[i + 1:] if c.cell_type == "markdown"), "")
            first = " ".join(following.split())
            match = _SENTENCE.match(first)
            found.append((name, match.group(1) if match else first))
    return found


def _caption_for(figure: str, captions: Sequence[tuple[str, str]]) -> str:
    for name, caption in sorted(captions, key=lambda item: -len(item[0])):
        if figure == name or figure.startswith(name):
            return caption
    return ""


def _run_facts(corpus: pd.DataFrame, corpus_dir: Path) -> list[tuple[str, str]]:
    from kzanalysis.corpus import corpus_fingerprint
    from kzanalysis.report.tables import package_versions

    versions = package_versions().set_index("package")["version"]
    outlets = corpus["outlet"].nunique() if "outlet" in corpus.columns else 0
    return [
        ("corpus", f"{display_path(corpus_dir)} ({len(corpus):,} documents, {outlets:,} outlets)"),
        ("corpus sha256", corpus_fingerprint(corpus)),
        ("run finished", time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())),
        ("versions", ", ".join(f"{name} {versions[name]}" for name in
                               ("kzanalysis", "python", "pandas", "scikit-learn", "nltk", "matplotlib")
                               if name in versions.index) + f" ({platform.system()})"),
    ]


def write_index(
    runs: pd.DataFrame,
    *,
    paths: OutputPaths,
    notebooks: Sequence[Path],
    corpus: pd.DataFrame,
    corpus_dir: Path,
) -> Path:
    """Write ``index.html``: per notebook its question, headline findings, report link and figures; provenance.

    Each figure appears once: under the notebook that drew it, with the first sentence of the
    notebook's note on it as caption. The publication notebook's files (``04-*``), which redraw
    earlier figures, are listed as downloads with their captions from ``tables/figures.csv``.
    Links are URL-encoded; all text is HTML-escaped.

    Args:
        runs: ``notebook``, ``status``, ``error`` per notebook (from the runner).
        paths: The report folders (``notebooks/`` holds the executed notebooks).
        notebooks: The source notebooks (questions and figure captions come from them).
        corpus: The loaded corpus (size, outlets, content hash).
        corpus_dir: The corpus folder (shown relative to the working folder, or by name).

    Returns:
        The path of ``index.html``.

    Example:
        >>> # write_index(runs, paths=paths, notebooks=discover_notebooks(), corpus=corpus, corpus_dir=folder)
    """
    import nbformat

    sources = {Path(p).name: Path(p) for p in notebooks}
    catalog: dict[str, str] = {}
    figures_table = paths.tables / "figures.csv"
    if figures_table.exists():
        for row in pd.read_csv(figures_table, dtype=str, keep_default_na=False).itertuples(index=False):
            catalog[Path(row.file).name] = row.caption
    pngs = sorted(p for p in paths.figures.glob("*.png"))
    failed = runs[runs["status"] != "ok"]
    status = (f"All {len(runs)} notebooks ran." if failed.empty else
              f"<strong>{len(failed)} of {len(runs)} notebooks failed</strong>: "
              + "; ".join(f"{html.escape(Path(r.notebook).stem)} ({html.escape(r.error)})"
                          for r in failed.itertuples(index=False))
              + ". Their reports show the failing cell; the other reports are complete.")
    sections = []
    for run in runs.itertuples(index=False):
        stem = Path(run.notebook).stem
        source = nbformat.read(sources[run.notebook], as_version=4) if run.notebook in sources else None
        executed_path = paths.notebooks / run.notebook
        executed = nbformat.read(executed_path, as_version=4) if executed_path.exists() else None
        title, question = notebook_question(source) if source is not None else (stem, "")
        headlines = notebook_headlines(executed) if executed is not None else []
        captions = figure_captions(source) if source is not None else []
        prefix = stem[:3]
        own = [p for p in pngs if p.name.startswith(prefix)]
        parts = [f'<section><h2><a href="html/{quote(stem)}.html">{html.escape(title or stem)}</a></h2>']
        if run.status != "ok":
            parts.append(f'<p class="failed">This notebook failed: {html.escape(run.error)}</p>')
        if question:
            parts.append(f"<p><strong>Question.</strong> {inline_markdown(question)}</p>")
        if headlines:
            parts.append("<ul class=\"findings\">" + "".join(f"<li>{inline_markdown(h)}</li>" for h in headlines)
                         + "</ul>")
        if prefix == PUBLICATION_PREFIX:
            if own:
                parts.append("<p>Publication files (PNG 300 dpi and SVG), redrawn from the tables of 00-03:</p><ul>")
                for png in own:
                    svg = png.with_suffix(".svg")
                    links = f'<a href="figures/{quote(png.name)}">PNG</a>'
                    if svg.exists():
                        links += f' · <a href="figures/{quote(svg.name)}">SVG</a>'
                    parts.append(f"<li><strong>{html.escape(png.stem)}</strong> ({links}): "
                                 f"{html.escape(catalog.get(png.name, ''))}</li>")
                parts.append("</ul>")
        elif own:
            parts.append('<div class="figures">')
            for png in own:
                caption = _caption_for(png.stem, captions)
                svg = png.with_suffix(".svg")
                links = f'<a href="figures/{quote(png.name)}">PNG</a>'
                if svg.exists():
                    links += f' · <a href="figures/{quote(svg.name)}">SVG</a>'
                plain = re.sub(r"[*`]", "", caption)
                parts.append(f'<figure><a href="figures/{quote(png.name)}"><img src="figures/{quote(png.name)}" '
                             f'alt="{html.escape(plain or png.stem)}" loading="lazy"></a><figcaption>'
                             f"<strong>{html.escape(png.stem)}</strong> ({links}) {inline_markdown(caption)}"
                             "</figcaption></figure>")
            parts.append("</div>")
        parts.append("</section>")
        sections.append("\n".join(parts))
    facts = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
                    for k, v in _run_facts(corpus, corpus_dir))
    page = "\n".join([
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8"><title>kzanalysis report</title>',
        "<style>body{font-family:sans-serif;max-width:64rem;margin:2rem auto;padding:0 1rem;line-height:1.4}"
        "section{border-top:1px solid #ddd;padding-top:.5rem}.figures{display:flex;flex-wrap:wrap;gap:1rem}"
        "figure{width:18rem;margin:0}figure img{width:100%;max-height:14rem;object-fit:contain;"
        "border:1px solid #ddd}figcaption{font-size:.85rem}.failed{color:#a00}th{text-align:left;"
        "padding-right:1rem;vertical-align:top}td{word-break:break-all}</style></head><body>",
        "<h1>kzanalysis report</h1>", f"<p>{status}</p>",
        '<p>Every table is a CSV file in <a href="tables/">tables/</a>; the executed notebooks are in '
        '<a href="notebooks/">notebooks/</a>. The findings below are written by the package from this '
        "corpus's tables; each report gives them in full with their caveats.</p>",
        *sections,
        "<section><h2>Where this report came from</h2><table>", facts, "</table></section>",
        "</body></html>", "",
    ])
    index = paths.root / "index.html"
    index.write_text(page, encoding="utf-8")
    return index
