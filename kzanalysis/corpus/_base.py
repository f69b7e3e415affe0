"""Columns, limits and small helpers shared by the corpus stage."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath
from typing import Any

import pandas as pd

from ..webpages import PAGE_SUFFIXES


CORPUS_COLUMNS: tuple[str, ...] = ("doc_id", "file", "text", "encoding")
"""The first columns of :func:`load_corpus`; metadata columns follow them."""
CHECK_COLUMNS: tuple[str, ...] = ("file", "ok", "encoding", "problem")
"""The columns of :func:`check_corpus`."""
REQUIRED_METADATA_COLUMNS: tuple[str, ...] = ("doc_id", "file")
UNKNOWN_OUTLET = "unknown"
"""The ``outlet`` of a document whose metadata does not say (or that has no metadata)."""
MAX_DOCUMENT_BYTES = 5_000_000
"""Largest article file read (5 MB, some 800,000 words: far beyond any news article). Larger ones are refused
by name rather than left to exhaust memory or a tokeniser's time limit later."""
MIN_PAGE_WORDS = 5
"""A page whose extracted main text has fewer words is not an article (a navigation bar's "Home")."""
FOLDER_ROW = "."
"""The ``file`` that :func:`check_corpus` gives a problem with the folder itself (e.g. no ``.txt`` files)."""

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# C0 and C1 control characters other than tab, line feed, vertical tab, form feed and carriage return.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_MAX_CONTROL_SHARE = 0.05
"""A text in which more than this share of characters are control characters is taken as binary."""


class CorpusError(ValueError):
    """A corpus folder, article or metadata file that cannot be loaded.

    The message names the file (relative to the corpus folder, or the folder itself), the line or
    row where that applies, what is wrong, and what to do about it.
    """


def _cell(value: Any) -> str:
    """A metadata cell as stripped text ('' for a missing value)."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return ""
    return str(value).strip()


def _key(file: str) -> str:
    """How file names are matched: Unicode NFC (macOS may store names decomposed)."""
    return unicodedata.normalize("NFC", file)


def _outside(folder: Path, file: str) -> bool:
    """Whether a metadata ``file`` is absolute or resolves outside ``folder``."""
    if Path(file).is_absolute() or PureWindowsPath(file).anchor:
        return True
    root = folder.resolve()
    return not (root / file).resolve().is_relative_to(root)


def _corpus_table(records: list[dict[str, Any]], metadata_columns: list[str], *,
                  n_jobs: int | None = None) -> pd.DataFrame:
    """The corpus frame from checked records: corpus columns, then metadata columns, sorted by doc_id; languages
    detected on ``n_jobs`` workers."""
    extra = [column for column in metadata_columns if column not in CORPUS_COLUMNS]
    if "outlet" not in extra:
        extra.append("outlet")
    for record in records:  # what web pages say of themselves (page_title, ...), after the metadata's columns
        extra += [key for key in record if key not in CORPUS_COLUMNS and key not in extra]
    corpus = pd.DataFrame(records, columns=[*CORPUS_COLUMNS, *extra])
    for column in extra:  # a column only some records have (a page's title, an export's field) is blank elsewhere
        corpus[column] = corpus[column].where(corpus[column].notna(), "")
    corpus["outlet"] = [UNKNOWN_OUTLET if not _cell(value) else value for value in corpus["outlet"]]
    from kzanalysis.languages import detect_languages

    corpus["detected_language"] = detect_languages(corpus["text"].tolist(), n_jobs=n_jobs)
    return corpus.sort_values("doc_id", kind="stable").reset_index(drop=True)


@dataclass
class _Metadata:
    """Metadata as parsed: its name in messages, its columns, and (where, values) per row."""

    name: str
    columns: list[str]
    records: list[tuple[str, dict[str, Any]]]
    line_numbers: bool  # True for a CSV ("line 3"), False for a DataFrame ("row 2")


def _is_article_file(path: Path) -> bool:
    return path.suffix.lower() in (".txt", *PAGE_SUFFIXES) and path.is_file()
