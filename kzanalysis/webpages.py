"""Corpus stage, web pages: an article's main text and what the page says of itself, read with trafilatura.

Researchers collect pages, not tidy text. trafilatura (Barbaresi 2021) finds the main text of a news page
(the best-scoring open extractor on the article-extraction benchmark); the package's own boilerplate rules then
flag what extraction leaves (newsletter lines, captions, credits), as for any text. The raw HTML is never changed:
the corpus table holds the extracted text, and ``encoding`` names the extractor and its version.
"""

from __future__ import annotations

from kzanalysis.config import installed_version

EXTRACTOR = "trafilatura"
PAGE_SUFFIXES = (".html", ".htm")
PAGE_COLUMNS = {"title": "page_title", "date": "page_date", "author": "page_author", "sitename": "page_site",
                "url": "page_url"}
"""What a page says of itself -> the corpus column it goes to (metadata given by the researcher wins for ``outlet``)."""


def extractor_name() -> str:
    """The extractor and its version as recorded in ``encoding`` and provenance.

    Example:
        >>> extractor_name().startswith("trafilatura ")
        True
    """
    return f"{EXTRACTOR} {installed_version(EXTRACTOR)}"


def extract_page(html: str | bytes) -> tuple[str, dict[str, str]]:
    """The main text of one web page (paragraphs on their own lines) and the page's own metadata.

    Args:
        html: The page as bytes (its declared or detected encoding is used) or text.

    Returns:
        ``(text, fields)``: the extracted text (``""`` when the page has no article text), and
        :data:`PAGE_COLUMNS` column -> value for what the page states (empty strings when it does not).

    Example:
        >>> page = ("<html><head><title>Port strike</title></head><body><nav>Home | World</nav><article>"
        ...         "<h1>Port strike enters second day</h1><p>Dockworkers walked out on Monday, halting cargo "
        ...         "traffic at the northern terminal, the union said in a statement on Tuesday.</p><p>Shipping "
        ...         "companies said forty vessels were waiting at anchor outside the breakwater.</p></article>"
        ...         "</body></html>")
        >>> text, fields = extract_page(page)
        >>> "Dockworkers walked out on Monday" in text, "Home | World" in text, fields["page_title"]
        (True, False, 'Port strike enters second day')
    """
    import trafilatura

    document = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False, include_tables=False)
    if document is None:
        return "", {column: "" for column in PAGE_COLUMNS.values()}
    values = document.as_dict() if hasattr(document, "as_dict") else dict(document)
    text = str(values.get("text") or "").strip()
    fields = {column: str(values.get(key) or "").strip() for key, column in PAGE_COLUMNS.items()}
    return text, fields
