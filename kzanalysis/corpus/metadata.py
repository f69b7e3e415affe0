"""The metadata table of a corpus folder: its delimiter and columns, and its rows matched to the files."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from .. import config
from ._base import (
    _cell, CorpusError, _is_article_file, _key, MAX_DOCUMENT_BYTES, _Metadata, _outside,
    REQUIRED_METADATA_COLUMNS, UNKNOWN_OUTLET,
)

def _name_in_folder(path: Path, folder: Path) -> str:
    """``path`` relative to ``folder`` when it lies inside it, else as given."""
    try:
        return path.resolve().relative_to(folder.resolve()).as_posix()
    except ValueError:
        return str(path)


KNOWN_METADATA_COLUMNS = ("doc_id", "file", "outlet", "date", "language", "headline", "title", "url",
                          "original_source", "original_language", "translated", "evidence")
"""Columns the package reads by name; a header spelling one in other case (``Outlet``) is matched to it."""


def _csv_delimiter(text: str) -> str:
    """The delimiter of a researcher's CSV file: a comma unless the header has none and has ``;``, tab or ``|``."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    if "," in header:
        return ","
    for candidate in (";", "\t", "|"):
        if candidate in header:
            return candidate
    return ","


class _CsvSyntaxError(Exception):
    """CSV that cannot be parsed, with the line where the reader stopped."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line


def _csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """The non-blank rows of a researcher's CSV file (metadata or an export), each with the line it starts on.

    One reader for every CSV the package reads from researchers: strict quoting, the delimiter of
    :func:`_csv_delimiter`, cells up to :data:`MAX_DOCUMENT_BYTES` (an article in one cell), line numbers
    counting the header as line 1.

    Raises:
        _CsvSyntaxError: With the line of the first row that cannot be parsed.
    """
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, MAX_DOCUMENT_BYTES + 1))
    reader = csv.reader(io.StringIO(text, newline=""), strict=True, delimiter=_csv_delimiter(text))
    end_of_previous = 0
    try:
        for fields in reader:
            start, end_of_previous = end_of_previous + 1, reader.line_num
            if fields and not (len(fields) == 1 and not fields[0].strip()):
                yield start, fields
    except csv.Error as err:
        raise _CsvSyntaxError(reader.line_num, str(err)) from None
    finally:
        csv.field_size_limit(limit)


def _parse_metadata_csv(text: str, name: str) -> _Metadata:
    """Parse metadata CSV text; every value stays a string. Line numbers count the header as line 1.

    A header without commas but with semicolons (as spreadsheets write in many locales), tabs or
    ``|`` is read with that delimiter; known column names are matched case-insensitively.
    """
    header: list[str] | None = None
    records: list[tuple[str, dict[str, Any]]] = []
    errors: list[str] = []
    try:
        for start, fields in _csv_rows(text):
            if header is None:
                known = {column.lower(): column for column in KNOWN_METADATA_COLUMNS}
                header = [known.get(column.strip().lower(), column.strip()) for column in fields]
                continue
            if len(fields) > len(header):
                errors.append(
                    f"{name} line {start}: {len(fields)} fields, but the header has {len(header)}. "
                    'Put values that contain commas in double quotes ("...").'
                )
                continue
            if len(fields) < len(header):
                errors.append(
                    f"{name} line {start}: {len(fields)} fields, but the header has {len(header)} "
                    f"({', '.join(header[len(fields):])} missing). Leave a missing value empty between its "
                    "delimiters rather than dropping it."
                )
                continue
            records.append((f"line {start}", dict(zip(header, fields))))
    except _CsvSyntaxError as err:
        errors.append(f"{name} line {err.line}: cannot be parsed as CSV ({err}). Check the double quotes on that line.")
    if header is None and not errors:
        errors.append(
            f"{name} is empty. Its first line must be a header starting doc_id,file "
            "(then any other columns, e.g. outlet), followed by one row per article."
        )
    if errors:
        raise CorpusError(" ".join(errors))
    return _Metadata(name, header or [], records, line_numbers=True)


def _metadata_from_frame(frame: pd.DataFrame) -> _Metadata:
    """Metadata given as a DataFrame; rows are named by their index label ("row 0")."""
    records = [
        (f"row {label}", dict(zip(frame.columns, values)))
        for label, values in zip(frame.index, frame.itertuples(index=False))
    ]
    return _Metadata("metadata (DataFrame)", list(frame.columns), records, line_numbers=False)


def _records_without_metadata(
    docs: dict[str, tuple[str, str, dict[str, str]]], flag: Callable[[str, str], None]
) -> list[dict[str, Any]]:
    """One record per file, ``doc_id`` being the file's stem; flag stems shared by two files."""
    records: list[dict[str, Any]] = []
    first_with_stem: dict[str, str] = {}
    for file, (text, encoding, fields) in docs.items():
        doc_id = Path(file).stem
        if doc_id in first_with_stem:
            flag(
                file,
                f"{file}: its doc_id {doc_id!r} (the file name without .txt) is also that of "
                f"{first_with_stem[doc_id]}. Rename one of them, or give doc_ids in {config.METADATA_FILENAME}.",
            )
            continue
        first_with_stem[doc_id] = file
        records.append({"doc_id": doc_id, "file": file, "text": text, "encoding": encoding, **fields,
                        "outlet": fields.get("page_site") or UNKNOWN_OUTLET})
    return records


def _match_metadata(
    folder: Path,
    meta: _Metadata,
    docs: dict[str, tuple[str, str, dict[str, str]]],
    flag: Callable[[str, str], None],
) -> list[dict[str, Any]] | None:
    """Check the metadata against the folder; return one record per metadata row (None if unusable)."""
    name = meta.name
    columns = [str(column) for column in meta.columns]
    missing = [column for column in REQUIRED_METADATA_COLUMNS if column not in columns]
    if missing:
        where = f"{name} line 1" if meta.line_numbers else name
        flag(
            name,
            f"{where}: missing required column(s) {', '.join(missing)}. The header must name doc_id and "
            f"file (then any other columns, e.g. outlet); it names {', '.join(repr(c) for c in columns) or 'nothing'}.",
        )
        return None
    usable = True
    duplicated = sorted({column for column in columns if columns.count(column) > 1})
    if duplicated:
        flag(name, f"{name}: column(s) {', '.join(duplicated)} appear more than once in the header. Keep one of each.")
        usable = False
    if "" in columns:
        flag(name, f"{name}: column {columns.index('') + 1} of the header has no name. Name it or delete the column.")
        usable = False
    clashes = [column for column in ("text", "encoding") if column in columns]
    if clashes:
        flag(
            name,
            f"{name}: column(s) {', '.join(clashes)} clash with the corpus's own columns. Rename them in the metadata.",
        )
        usable = False

    files_by_key = {_key(file): file for file in docs}
    txt_keys = {_key(p.name) for p in folder.iterdir() if _is_article_file(p)}
    listed: dict[str, str] = {}  # file key -> where it was first listed
    ids: dict[str, str] = {}  # doc_id -> where it was first used
    records: list[dict[str, Any]] = []
    for where, values in meta.records:
        doc_id, file = _cell(values["doc_id"]), _cell(values["file"])
        blank = [column for column, value in (("doc_id", doc_id), ("file", file)) if not value]
        if blank:
            flag(name, f"{name} {where}: {' and '.join(blank)} is blank. Fill it in, or delete the row.")
            usable = False
            continue
        if doc_id in ids:
            flag(
                name,
                f"{name}: doc_id {doc_id!r} is used twice ({ids[doc_id]} and {where}). "
                "Give each article its own doc_id.",
            )
            usable = False
        else:
            ids[doc_id] = where
        if _outside(folder, file):
            flag(
                name,
                f"{name} {where}: file {file!r} is outside the corpus folder. List each article by its file name "
                "inside the folder (e.g. 'article.txt'), not an absolute path or one with '..'.",
            )
            usable = False
            continue
        key = _key(file)
        if key in listed:
            flag(name, f"{name}: file {file!r} is listed twice ({listed[key]} and {where}). Keep one row per file.")
            usable = False
            continue
        listed[key] = where
        if key in files_by_key:
            text, encoding, fields = docs[files_by_key[key]]
            outlet = _cell(values.get("outlet")) or fields.get("page_site") or ""
            records.append({**fields, **values, "doc_id": doc_id, "file": file, "text": text, "encoding": encoding,
                            "outlet": outlet})
        elif key in txt_keys:
            usable = False  # the .txt exists but could not be read; its own row already says why
        elif (folder / file).exists():
            flag(
                name,
                f"{name} {where}: {file!r} is not a .txt or .html file directly inside the corpus folder, so it is not "
                "read. Move the article into the folder as such a file, or delete the row.",
            )
            usable = False
        else:
            flag(
                file,
                f"{file}: listed in {name} {where}, but there is no such file in {folder}. "
                "Fix the name in the metadata, or add the file.",
            )
            usable = False
    for file in sorted(files_by_key.values()):
        if _key(file) not in listed:
            flag(
                file,
                f"{file} is in the corpus folder but not listed in {name}. Add a row for it "
                "(doc_id,file,...), or move it out of the folder.",
            )
            usable = False
    return records if usable else None
