"""The public loaders of a corpus folder, and the corpus fingerprint."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from .. import config
from ._base import CHECK_COLUMNS, CorpusError
from .folder import _scan
from .tables import _article_rows, load_article_table, TABLE_SUFFIXES

# --------------------------------------------------------------------------------------------
# Public loaders
# --------------------------------------------------------------------------------------------


def load_corpus(
    path: Path | str = config.RAW_DIR,
    *,
    metadata: Path | str | pd.DataFrame | None = None,
    text_column: str | None = None,
    id_column: str | None = None,
    n_jobs: int | None = None,
) -> pd.DataFrame:
    """Load a folder of ``.txt`` articles, one per file, into one table.

    A corpus is a folder of ``*.txt`` files (not subfolders) with an optional ``metadata.csv``
    whose columns are ``doc_id``, ``file`` (the name inside the folder), then any others (e.g.
    ``outlet``). Metadata values are read as strings, so ids like ``"000_x"`` stay intact. With
    metadata, every ``.txt`` must be listed exactly once; without it, ``doc_id`` is the file's
    stem. Each file is decoded by :func:`read_text` (line breaks normalised to ``"\\n"``).

    Web pages (``.html``/``.htm``) in the folder are read through :mod:`kzanalysis.webpages`: their
    main text is the document's text, and what the page says of itself goes to ``page_title``,
    ``page_date``, ``page_author``, ``page_site`` (the ``outlet`` when the metadata gives none) and
    ``page_url``.

    A corpus can also be one file of articles: JSON Lines, Parquet, or a CSV export from a news
    database (see :func:`load_article_table`), which suits collections of many thousands.

    Args:
        path: The corpus folder, or a ``.jsonl`` / ``.parquet`` / ``.csv`` file.
        metadata: ``None`` to use ``<path>/metadata.csv`` if present (otherwise no metadata), a
            path to a metadata CSV, or a DataFrame with the same columns.
        text_column: For a file of articles: the column holding the text (default: a common name).
        id_column: For a file of articles: the column holding the id (default: a common name).
        n_jobs: Workers for detecting each document's language (``detected_language``), with scikit-learn's
            meaning: ``-1`` all cores; ``None`` one, or a cluster's threads after
            :func:`kzanalysis.parallel.use_scheduler`. Workers start from 2,000 documents on.

    Returns:
        One row per document, sorted by ``doc_id``, with columns ``doc_id``, ``file``, ``text``,
        ``encoding``, then the metadata's other columns. ``outlet`` is always present:
        ``"unknown"`` where the metadata has no outlet column, a blank cell, or no metadata.

    Raises:
        CorpusError: On the first problem :func:`check_corpus` would report (missing folder, no
            ``.txt``, empty, binary or undecodable file, malformed metadata, unlisted, missing,
            duplicated or out-of-folder files, duplicate ``doc_id``). The message names the file
            (and line) and, when there are more problems, how many and to run check_corpus.

    Example:
        >>> import kzanalysis as kz
        >>> corpus = kz.load_corpus()  # doctest: +SKIP
        >>> corpus[["doc_id", "outlet"]].head()  # doctest: +SKIP
    """
    if Path(path).is_file() and Path(path).suffix.lower() in TABLE_SUFFIXES:
        if metadata is not None:
            raise CorpusError(f"{Path(path).name}: a table file carries its own metadata columns; pass metadata=None")
        return load_article_table(path, text_column=text_column, id_column=id_column, n_jobs=n_jobs)
    if text_column is not None or id_column is not None:
        raise CorpusError(f"{path}: text_column and id_column are for a file of articles (.csv, .jsonl, .parquet); "
                          "a folder's ids come from its metadata.csv or file names")
    scan = _scan(path, metadata, n_jobs=n_jobs)
    if scan.problems:
        message = scan.problems[0]
        if len(scan.problems) > 1:
            message += (
                f" ({len(scan.problems)} problems in all; run kz.check_corpus({str(path)!r}) to list every one.)"
            )
        raise CorpusError(message)
    return scan.corpus


def check_corpus(
    path: Path | str = config.RAW_DIR,
    *,
    metadata: Path | str | pd.DataFrame | None = None,
    text_column: str | None = None,
    id_column: str | None = None,
) -> pd.DataFrame:
    """Check every file of a corpus folder and say what, if anything, is wrong with each.

    Runs the same checks as :func:`load_corpus` but reports all problems instead of raising on
    the first, so a researcher can fix a folder in one pass.

    Args:
        path: The corpus folder.
        metadata: As for :func:`load_corpus`.

    A file of articles (CSV export, JSON Lines, Parquet) gets one row saying whether it loads (and the
    first problem); ``text_column`` and ``id_column`` are as for :func:`load_article_table`.

    Returns:
        One row per file found: every ``.txt`` (sorted by name), the metadata file if used, and
        each file the metadata names that does not exist; plus a row with ``file`` ``"."`` when
        the folder itself has a problem (no ``.txt`` files). Columns ``file``, ``ok`` (bool),
        ``encoding`` (empty when the file could not be decoded or does not exist) and
        ``problem`` (empty string when ``ok``).

    Raises:
        CorpusError: Only when ``path`` is not an existing folder.

    Example:
        >>> import kzanalysis as kz
        >>> report = kz.check_corpus("data/raw")  # doctest: +SKIP
        >>> report.loc[~report["ok"], ["file", "problem"]]  # doctest: +SKIP
    """
    if Path(path).is_file() and Path(path).suffix.lower() in TABLE_SUFFIXES:
        try:
            _article_rows(path, text_column=text_column, id_column=id_column)  # the checks, not the languages
            problem = ""
        except CorpusError as err:
            problem = str(err)
        return pd.DataFrame([{"file": Path(path).name, "ok": not problem,
                              "encoding": "" if problem else "utf-8", "problem": problem}], columns=list(CHECK_COLUMNS))
    return _scan(path, metadata, build=False).report


def corpus_fingerprint(corpus: pd.DataFrame) -> str:
    """A digest that changes whenever any document's file name or text changes.

    Reports state it so a reader can tell which version of a corpus a result came from. Row
    order and other columns do not matter.

    Args:
        corpus: A table with ``file`` and ``text`` columns, as from :func:`load_corpus`.

    Returns:
        The SHA-256 hex digest (64 characters) over the (file, text) pairs sorted by file, each
        string UTF-8 encoded and length-prefixed so that no two corpora share a digest by
        accident of concatenation.

    Example:
        >>> import kzanalysis as kz
        >>> from kzanalysis.corpus import corpus_fingerprint
        >>> corpus_fingerprint(kz.load_corpus())  # doctest: +SKIP
    """
    missing = [column for column in ("file", "text") if column not in corpus.columns]
    if missing:
        raise ValueError(f"corpus_fingerprint needs columns file and text; missing {', '.join(missing)}.")
    digest = hashlib.sha256()
    for file, text in sorted(zip(corpus["file"].astype(str), corpus["text"].astype(str))):
        for part in (file, text):
            data = part.encode("utf-8")
            digest.update(len(data).to_bytes(8, "big"))
            digest.update(data)
    return digest.hexdigest()
