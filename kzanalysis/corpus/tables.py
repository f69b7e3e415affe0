"""Files of articles: CSV exports, JSON Lines and Parquet, one article per row."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ._base import _cell, CORPUS_COLUMNS, _corpus_table, CorpusError, MAX_DOCUMENT_BYTES, _UTF8_BOM
from .decode import _bad_bytes_message, _decode, _normalise_line_breaks, _utf8_errors
from .folder import _read_page
from .metadata import _csv_rows, _CsvSyntaxError


CSV_SUFFIXES: tuple[str, ...] = (".csv", ".tsv")
TABLE_SUFFIXES: tuple[str, ...] = (".jsonl", ".ndjson", ".parquet", *CSV_SUFFIXES)
"""File endings :func:`load_corpus` reads as one table of articles instead of a folder."""


TEXT_COLUMNS: tuple[str, ...] = ("text", "body", "content", "article_text", "full_text", "story_text", "article")
"""Column names taken as an export's article text, in this order, when ``text_column`` is not given."""
ID_COLUMNS: tuple[str, ...] = ("doc_id", "id", "stories_id", "story_id", "article_id", "guid")
"""Column names taken as an export's document id, in this order, when ``id_column`` is not given."""
OUTLET_COLUMNS: tuple[str, ...] = ("outlet", "media_name", "source", "publisher", "site_name", "media")
"""Column names whose value becomes ``outlet`` (kept as they are too), in this order."""


def _pick_column(columns: list[str], given: str | None, known: tuple[str, ...], what: str, name: str,
                 *, required: bool) -> str | None:
    """The column holding ``what``: ``given`` (which must exist), else the first of ``known`` present (any case)."""
    if given is not None:
        if given not in columns:
            raise CorpusError(f"{name}: no column {given!r} for the {what}; its columns are "
                              f"{', '.join(repr(c) for c in columns) or 'none'}.")
        return given
    by_lower = {c.lower(): c for c in columns}
    found = next((by_lower[k] for k in known if k in by_lower), None)
    if found is None and required:
        raise CorpusError(f"{name}: no column for the {what} among {', '.join(repr(c) for c in columns) or 'none'}; "
                          f"name it with {what.replace(' ', '_').replace('article_', '')}_column= "
                          f"(recognised without it: {', '.join(known)}).")
    return found


def _csv_records(data: bytes, name: str) -> tuple[list[tuple[int, dict[str, Any] | None]], str]:
    """Rows of a CSV export as (line number, record), and the file's encoding; a row with the wrong number of
    cells is an error."""
    text, encoding = _decode(data, name)
    header: list[str] | None = None
    records: list[tuple[int, dict[str, Any] | None]] = []
    try:
        for start, fields in _csv_rows(text):
            if header is None:
                header = [f.strip() for f in fields]
            elif len(fields) != len(header):
                raise CorpusError(f"{name}, line {start}: {len(fields)} cells, but the header has {len(header)}. "
                                  "Put values that contain the delimiter in double quotes.")
            else:
                records.append((start, dict(zip(header, fields))))
    except _CsvSyntaxError as err:
        raise CorpusError(f"{name}, line {err.line}: cannot be parsed as CSV ({err}). Check the double quotes on "
                          "that line.") from None
    return records, encoding


def _jsonl_records(data: bytes, name: str) -> list[tuple[int, dict[str, Any] | None]]:
    """Records of a JSON Lines file as (line number, record); blank lines are ``None``."""
    import json

    if data.startswith(_UTF8_BOM):
        data = data[3:]
    bad = _utf8_errors(data)
    if bad:
        raise CorpusError(_bad_bytes_message(data, bad, name))
    lines = data.decode("utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    records: list[tuple[int, dict[str, Any] | None]] = []
    for line_no, line in enumerate(lines, start=1):
        if not line.strip():
            records.append((line_no, None))
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise CorpusError(f"{name}, line {line_no}: not valid JSON ({err.msg})") from err
        if not isinstance(record, dict):
            raise CorpusError(f"{name}, line {line_no}: expected a JSON object with a 'text' field")
        records.append((line_no, record))
    return records


def load_article_table(path: Path | str, *, text_column: str | None = None,
                       id_column: str | None = None, n_jobs: int | None = None) -> pd.DataFrame:
    """Load one file of articles: JSON Lines, Parquet, or a CSV export from a news database.

    Each record needs a non-empty text: the ``text_column`` (default: the first of :data:`TEXT_COLUMNS`
    present, e.g. ``text`` or ``body``), or, in JSON Lines and Parquet, an ``html`` field holding the
    page, read as in :mod:`kzanalysis.webpages`. The id is the ``id_column`` (default: the first of
    :data:`ID_COLUMNS` present; without one, ``<file stem>-<line or row>``). Every other field becomes
    a metadata column (read as strings); the first of :data:`OUTLET_COLUMNS` present (Media Cloud's
    ``media_name``) also gives ``outlet``.

    Args:
        path: A ``.jsonl``/``.ndjson`` file (UTF-8, one JSON object per line), a ``.csv`` export
            (header row, one article per row; any encoding :func:`read_text` accepts; comma,
            semicolon or tab), or a ``.parquet`` file (needs ``pip install 'kzanalysis[parquet]'``).
        text_column: The column holding the article text.
        id_column: The column holding the document id.
        n_jobs: Workers for detecting languages, with scikit-learn's meaning.

    Returns:
        The same table as :func:`load_corpus`: one row per article, sorted by ``doc_id``, columns
        ``doc_id``, ``file`` (``<file name>#<line or row>``), ``text``, ``encoding``, then the
        metadata columns, ``outlet`` always present.

    Raises:
        CorpusError: Naming the file and line (or row) of the first bad record: undecodable bytes,
            invalid JSON or CSV, a row with the wrong number of cells, missing or empty text, a
            duplicate id, an article over :data:`MAX_DOCUMENT_BYTES`; a named column that does not
            exist; or a missing ``pyarrow``.

    Example:
        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "export.csv"
        >>> _ = path.write_text("stories_id,title,media_name,text\\n7,Strike,Harbour Gazette,Dockers walked out.\\n")
        >>> load_article_table(path)[["doc_id", "file", "outlet", "title"]].values.tolist()
        [['7', 'export.csv#2', 'Harbour Gazette', 'Strike']]
    """
    return _corpus_table(*_article_rows(path, text_column=text_column, id_column=id_column), n_jobs=n_jobs)


def _article_rows(path: Path | str, *, text_column: str | None,
                  id_column: str | None) -> tuple[list[dict[str, Any]], list[str]]:
    """The checked records of a file of articles and their metadata columns: every check of
    :func:`load_article_table`, without building the corpus table (no language detection)."""
    path = Path(path)
    name = path.name
    if not path.exists():
        raise CorpusError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        try:
            frame = pd.read_parquet(path)
        except ImportError as err:
            raise CorpusError(f"{name}: reading Parquet needs pyarrow: pip install 'kzanalysis[parquet]'") from err
        records = list(enumerate(frame.to_dict("records"), start=1))
        where, encoding = "row", "parquet"
    elif suffix in CSV_SUFFIXES:
        records, file_encoding = _csv_records(path.read_bytes(), name)
        where, encoding = "line", f"csv ({file_encoding})"
    else:
        records, where, encoding = _jsonl_records(path.read_bytes(), name), "line", "utf-8"
    columns = list(dict.fromkeys(key for _, record in records if record for key in record))
    text_key = _pick_column(columns, text_column, TEXT_COLUMNS, "article text", name,
                            required=suffix in CSV_SUFFIXES and "html" not in columns) or "text"
    id_key = _pick_column(columns, id_column, ID_COLUMNS, "document id", name, required=False)
    outlet_key = _pick_column(columns, None, OUTLET_COLUMNS, "outlet", name, required=False)
    rows: list[dict[str, Any]] = []
    extra: list[str] = []
    seen: dict[str, int] = {}
    for number, record in records:
        if record is None:
            continue
        text = record.get(text_key)
        doc_encoding, fields = encoding, {}
        if (not isinstance(text, str) or not text.strip()) and isinstance(record.get("html"), str):
            text, doc_encoding, fields = _read_page(record["html"].encode("utf-8"), f"{name}, {where} {number}")
        if not isinstance(text, str) or not text.strip():
            raise CorpusError(f"{name}, {where} {number}: {text_key!r} is missing or empty")
        if len(text) > MAX_DOCUMENT_BYTES:
            raise CorpusError(f"{name}, {where} {number}: the text has {len(text):,} characters; articles above "
                              f"{MAX_DOCUMENT_BYTES:,} are refused before tokenising. Split it into one record per "
                              "article.")
        doc_id = (_cell(record.get(id_key)) if id_key else "") or f"{path.stem}-{number}"
        if doc_id in seen:
            raise CorpusError(f"{name}, {where} {number}: duplicate doc_id {doc_id!r} (first at {where} {seen[doc_id]})")
        seen[doc_id] = number
        row = {key: _cell(value) for key, value in record.items()
               if key not in CORPUS_COLUMNS and key not in (text_key, id_key, "html")}
        row = {**fields, **row}
        if outlet_key and "outlet" not in row:
            row["outlet"] = _cell(record.get(outlet_key))
        elif fields.get("page_site") and not row.get("outlet"):
            row["outlet"] = fields["page_site"]
        extra += [key for key in row if key not in extra]
        rows.append({"doc_id": doc_id, "file": f"{name}#{number}", "text": _normalise_line_breaks(text),
                     "encoding": doc_encoding, **row})
    if not rows:
        raise CorpusError(f"{name}: no articles in the file")
    return rows, extra
