"""Scanning a corpus folder: every check lives here; ``load_corpus`` and ``check_corpus`` report on it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from .. import config
from ..webpages import PAGE_SUFFIXES
from ._base import (
    CHECK_COLUMNS, CORPUS_COLUMNS, _corpus_table, CorpusError, FOLDER_ROW, _is_article_file, MAX_DOCUMENT_BYTES,
    _Metadata, MIN_PAGE_WORDS,
)
from .decode import _decode, _normalise_line_breaks
from .metadata import (
    _match_metadata, _metadata_from_frame, _name_in_folder, _parse_metadata_csv, _records_without_metadata,
)

# --------------------------------------------------------------------------------------------
# Scanning a corpus folder: every check lives here; load_corpus and check_corpus report on it
# --------------------------------------------------------------------------------------------


@dataclass
class _Row:
    """One row of the check table while it is being built."""

    file: str
    encoding: str = ""
    problems: list[str] = field(default_factory=list)


class _Scan(NamedTuple):
    corpus: pd.DataFrame
    report: pd.DataFrame
    problems: list[str]


def _scan(path: Path | str, metadata: Path | str | pd.DataFrame | None, *, build: bool = True,
          n_jobs: int | None = None) -> _Scan:
    """Check a corpus folder, collecting every problem instead of stopping at the first.

    Raises CorpusError only when ``path`` is not an existing folder. ``corpus`` is built only when
    there are no problems and ``build`` (otherwise it is an empty frame; a check needs no languages), its
    languages detected on ``n_jobs`` workers.
    """
    folder = Path(path)
    if not folder.exists():
        raise CorpusError(
            f"{folder}: corpus folder does not exist. Pass the folder that holds the .txt articles "
            f"(the default is {config.RAW_DIR})."
        )
    if not folder.is_dir():
        raise CorpusError(
            f"{folder} is a file, not a folder. Pass the folder that holds the .txt articles "
            f"(e.g. {str(folder.parent)!r}); read_text() reads a single file."
        )

    rows: dict[str, _Row] = {}
    problems: list[str] = []

    def flag(file: str, message: str) -> None:
        rows.setdefault(file, _Row(file)).problems.append(message)
        problems.append(message)

    docs = _scan_texts(folder, rows, flag)
    meta = _read_metadata(folder, metadata, rows, flag)
    if meta is None:
        records = _records_without_metadata(docs, flag)
    else:
        records = _match_metadata(folder, meta, docs, flag)

    report = pd.DataFrame(
        [
            {"file": row.file, "ok": not row.problems, "encoding": row.encoding, "problem": " ".join(row.problems)}
            for row in rows.values()
        ],
        columns=list(CHECK_COLUMNS),
    )
    report["ok"] = report["ok"].astype(bool)
    if problems or records is None or not build:
        corpus = pd.DataFrame(columns=[*CORPUS_COLUMNS, "outlet"])
    else:
        corpus = _corpus_table(records, meta.columns if meta is not None else [], n_jobs=n_jobs)
    return _Scan(corpus, report, problems)


def _scan_texts(
    folder: Path, rows: dict[str, _Row], flag: Callable[[str, str], None]
) -> dict[str, tuple[str, str, dict[str, str]]]:
    """Decode every article file (``*.txt``; ``*.html``/``*.htm`` through :mod:`kzanalysis.webpages`) directly in
    ``folder``; return {file name: (text, encoding, page fields)} for the good ones."""
    paths = sorted((p for p in folder.iterdir() if _is_article_file(p)), key=lambda p: p.name)
    if not paths:
        flag(
            FOLDER_ROW,
            f"{folder}: no .txt or .html files found. Put one article per file directly in this folder "
            "(subfolders are not read).",
        )
    docs: dict[str, tuple[str, str, dict[str, str]]] = {}
    root = folder.resolve()
    for p in paths:
        row = rows.setdefault(p.name, _Row(p.name))
        if p.is_symlink() and not p.resolve().is_relative_to(root):
            flag(p.name, f"{p.name} is a link to a file outside the corpus folder, so it is not read. Copy the "
                         "article into the folder instead of linking to it.")
            continue
        if p.stat().st_size > MAX_DOCUMENT_BYTES:
            flag(p.name, f"{p.name} is {p.stat().st_size / 1e6:,.1f} MB; articles above {MAX_DOCUMENT_BYTES / 1e6:,.0f} MB "
                         "are refused before tokenising. Split it into one file per article, or check that it is "
                         "an article at all.")
            continue
        fields: dict[str, str] = {}
        try:
            if p.suffix.lower() in PAGE_SUFFIXES:
                text, encoding, fields = _read_page(p.read_bytes(), p.name)
            else:
                text, encoding = _decode(p.read_bytes(), p.name)
        except CorpusError as err:
            flag(p.name, str(err))
            continue
        except OSError as err:
            flag(p.name, f"{p.name} cannot be read ({err.strerror}). Check the file's permissions.")
            continue
        row.encoding = encoding
        if not text.strip():
            flag(p.name, f"{p.name} is empty (or holds only whitespace). Put the article's text in it, or delete it.")
            continue
        docs[p.name] = (text, encoding, fields)
    return docs


def _read_page(data: bytes, name: str) -> tuple[str, str, dict[str, str]]:
    """A web page's main text (line breaks normalised), its ``encoding`` naming the extractor, and page fields."""
    from kzanalysis.webpages import extract_page, extractor_name

    if not data.strip():
        return "", f"html ({extractor_name()})", {}
    text, fields = extract_page(data)
    if len(text.split()) < MIN_PAGE_WORDS:
        found = f" (only {text.strip()!r})" if text.strip() else ""
        raise CorpusError(f"{name}: no article text found in this web page{found}. Check that it is an article "
                          "page, or save the article's text as a .txt file.")
    return _normalise_line_breaks(text), f"html ({extractor_name()})", fields


def _read_metadata(
    folder: Path,
    metadata: Path | str | pd.DataFrame | None,
    rows: dict[str, _Row],
    flag: Callable[[str, str], None],
) -> _Metadata | None:
    """Find, decode and parse the metadata; flag (and return None for) metadata that cannot be used.

    Returns None both when there is no metadata and when it is unusable; in the second case a
    problem has been flagged, so no corpus is built.
    """
    if isinstance(metadata, pd.DataFrame):
        return _metadata_from_frame(metadata)
    if metadata is None:
        csv_path = folder / config.METADATA_FILENAME
        if not csv_path.is_file():
            return None
    else:
        csv_path = Path(metadata)
    name = _name_in_folder(csv_path, folder)
    row = rows.setdefault(name, _Row(name))
    if not csv_path.is_file():
        flag(name, f"{name}: metadata file does not exist. Check the path, or pass metadata=None.")
        return None
    try:
        text, row.encoding = _decode(csv_path.read_bytes(), name)
    except CorpusError as err:
        flag(name, str(err))
        return None
    except OSError as err:
        flag(name, f"{name} cannot be read ({err.strerror}). Check the file's permissions.")
        return None
    try:
        return _parse_metadata_csv(text, name)
    except CorpusError as err:
        flag(name, str(err))
        return None
