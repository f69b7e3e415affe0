"""Corpus stage: read a folder of articles (``.txt``, web pages; optional ``metadata.csv``) or one file of articles
(CSV export, JSON Lines, Parquet) into one table."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PureWindowsPath
from typing import Any, NamedTuple

import pandas as pd

from kzanalysis import config
from kzanalysis.webpages import PAGE_SUFFIXES

__all__ = ["CorpusError", "read_text", "load_corpus", "load_article_table", "check_corpus", "corpus_fingerprint"]

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


# --------------------------------------------------------------------------------------------
# Decoding one file
# --------------------------------------------------------------------------------------------


def read_text(path: Path | str) -> tuple[str, str]:
    """Decode one text file, trying a fixed list of encodings rather than guessing.

    The order is: UTF-8 with a byte-order mark (``"utf-8-sig"``), UTF-16 with a byte-order mark,
    little- or big-endian (``"utf-16"``), plain UTF-8 (``"utf-8"``), and finally Windows-1252
    (``"cp1252"``), the usual encoding of English text saved on Windows. Byte-order marks are
    removed. Line breaks are kept, but ``"\\r\\n"`` and ``"\\r"`` are normalised to ``"\\n"``.

    Args:
        path: The file to read.

    Returns:
        ``(text, encoding)``: the decoded text and the name of the encoding that decoded it.

    Raises:
        CorpusError: If the file does not exist, looks binary (NUL bytes without a UTF-16
            byte-order mark, or many control characters), or holds bytes that no encoding on
            the list can decode (the message gives the byte offset and line of the first one).

    Example:
        >>> text, encoding = read_text("data/raw/000_143417c5e503c3f3.txt")  # doctest: +SKIP
        >>> encoding  # doctest: +SKIP
        'utf-8'
    """
    file = Path(path)
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise CorpusError(f"{file} does not exist. Check the path.") from None
    except OSError as err:
        raise CorpusError(f"{file} cannot be read ({err.strerror}). Check that it is a readable file.") from None
    return _decode(data, str(file))


def _decode(data: bytes, name: str) -> tuple[str, str]:
    """Decode ``data`` as :func:`read_text` describes; ``name`` is the file name used in messages."""
    if data.startswith(_UTF16_BOMS):
        codec = "utf-16-le" if data.startswith(b"\xff\xfe") else "utf-16-be"
        text = _decode_as(data, codec, name, "starts with a UTF-16 byte-order mark but is not valid UTF-16", skip=2)
        encoding = "utf-16"
    elif b"\x00" in data:
        raise CorpusError(
            f"{name} looks binary: it contains NUL bytes and has no UTF-16 byte-order mark. "
            "Remove it from the corpus folder, or re-save it as UTF-8 text."
        )
    elif data.startswith(_UTF8_BOM):
        text = _decode_as(data, "utf-8", name, "starts with a UTF-8 byte-order mark but is not valid UTF-8", skip=3)
        encoding = "utf-8-sig"
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            if _UTF8_SEQUENCE.search(data):  # real UTF-8 with a few broken bytes: never re-read it as cp1252
                raise CorpusError(_bad_bytes_message(data, _utf8_errors(data), name)) from None
            text = _decode_as(data, "cp1252", name, "is neither UTF-8 nor cp1252 (Windows-1252) text")
            encoding = "cp1252"
    n_control = len(_CONTROL_CHARS.findall(text))
    if text and n_control / len(text) > _MAX_CONTROL_SHARE:
        raise CorpusError(
            f"{name} looks binary: {n_control} of its {len(text)} characters are control characters. "
            "Remove it from the corpus folder, or re-save it as UTF-8 text."
        )
    return _normalise_line_breaks(text), encoding


def _decode_as(data: bytes, encoding: str, name: str, what: str, *, skip: int = 0) -> str:
    """Decode ``data[skip:]`` strictly (``skip`` jumps a byte-order mark); on failure raise a
    CorpusError locating the first bad byte by its offset in the whole file and its line."""
    try:
        return data[skip:].decode(encoding)
    except UnicodeDecodeError as err:
        offset = skip + err.start
        line = _normalise_line_breaks(data[skip:offset].decode(encoding, errors="replace")).count("\n") + 1
        raise CorpusError(
            f"{name} {what}: byte 0x{data[offset]:02X} at byte offset {offset} (line {line}) cannot be decoded. "
            "Open the file in an editor, check which encoding it uses, and re-save it as UTF-8."
        ) from None


_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")
"""A multi-byte UTF-8 sequence: a file that has them is UTF-8, whatever else it holds."""
MAX_BAD_BYTES_LISTED = 5


def _utf8_errors(data: bytes) -> list[int]:
    """Byte offsets of every byte that does not decode as UTF-8 (each bad sequence counted at its start)."""
    offsets, position = [], 0
    while True:
        try:
            data[position:].decode("utf-8")
            return offsets
        except UnicodeDecodeError as err:
            offsets.append(position + err.start)
            position += err.end


def _line_of(data: bytes, offset: int) -> int:
    """The 1-based line of ``offset`` (any of ``\\n``, ``\\r\\n``, ``\\r`` ends a line)."""
    head = data[:offset]
    return head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1


def _bad_bytes_message(data: bytes, offsets: list[int], name: str) -> str:
    """Name the undecodable bytes of a mostly-UTF-8 text by offset and line."""
    shown = ", ".join(f"0x{data[o]:02X} at byte offset {o} (line {_line_of(data, o)})"
                      for o in offsets[:MAX_BAD_BYTES_LISTED])
    more = f" and {len(offsets) - MAX_BAD_BYTES_LISTED:,} more" if len(offsets) > MAX_BAD_BYTES_LISTED else ""
    return (f"{name} is UTF-8 text except for {len(offsets):,} byte(s) that cannot be decoded: {shown}{more}. "
            "Nothing was guessed: fix those bytes in an editor (or re-save the file as UTF-8) and load it again.")


def _normalise_line_breaks(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --------------------------------------------------------------------------------------------
# Scanning a corpus folder: every check lives here; load_corpus and check_corpus report on it
# --------------------------------------------------------------------------------------------


@dataclass
class _Row:
    """One row of the check table while it is being built."""

    file: str
    encoding: str = ""
    problems: list[str] = field(default_factory=list)


@dataclass
class _Metadata:
    """Metadata as parsed: its name in messages, its columns, and (where, values) per row."""

    name: str
    columns: list[str]
    records: list[tuple[str, dict[str, Any]]]
    line_numbers: bool  # True for a CSV ("line 3"), False for a DataFrame ("row 2")


class _Scan(NamedTuple):
    corpus: pd.DataFrame
    report: pd.DataFrame
    problems: list[str]


def _scan(path: Path | str, metadata: Path | str | pd.DataFrame | None) -> _Scan:
    """Check a corpus folder, collecting every problem instead of stopping at the first.

    Raises CorpusError only when ``path`` is not an existing folder. ``corpus`` is built only when
    there are no problems (otherwise it is an empty frame).
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
    if problems or records is None:
        corpus = pd.DataFrame(columns=[*CORPUS_COLUMNS, "outlet"])
    else:
        corpus = _corpus_table(records, meta.columns if meta is not None else [])
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


def _is_article_file(path: Path) -> bool:
    return path.suffix.lower() in (".txt", *PAGE_SUFFIXES) and path.is_file()


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


def _corpus_table(records: list[dict[str, Any]], metadata_columns: list[str]) -> pd.DataFrame:
    """The corpus frame from checked records: corpus columns, then metadata columns, sorted by doc_id."""
    extra = [column for column in metadata_columns if column not in CORPUS_COLUMNS]
    if "outlet" not in extra:
        extra.append("outlet")
    for record in records:  # what web pages say of themselves (page_title, ...), after the metadata's columns
        extra += [key for key in record if key not in CORPUS_COLUMNS and key not in extra]
    corpus = pd.DataFrame(records, columns=[*CORPUS_COLUMNS, *extra])
    for column in extra:  # a column only some records have (a page's title, an export's field) is blank elsewhere
        corpus[column] = corpus[column].where(corpus[column].notna(), "")
    corpus["outlet"] = [UNKNOWN_OUTLET if not _cell(value) else value for value in corpus["outlet"]]
    from kzanalysis.languages import detect_language

    corpus["detected_language"] = [detect_language(text) for text in corpus["text"]]
    return corpus.sort_values("doc_id", kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Public loaders
# --------------------------------------------------------------------------------------------


def load_corpus(
    path: Path | str = config.RAW_DIR,
    *,
    metadata: Path | str | pd.DataFrame | None = None,
    text_column: str | None = None,
    id_column: str | None = None,
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
        return load_article_table(path, text_column=text_column, id_column=id_column)
    if text_column is not None or id_column is not None:
        raise CorpusError(f"{path}: text_column and id_column are for a file of articles (.csv, .jsonl, .parquet); "
                          "a folder's ids come from its metadata.csv or file names")
    scan = _scan(path, metadata)
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
            load_article_table(path, text_column=text_column, id_column=id_column)
            problem = ""
        except CorpusError as err:
            problem = str(err)
        return pd.DataFrame([{"file": Path(path).name, "ok": not problem,
                              "encoding": "" if problem else "utf-8", "problem": problem}], columns=list(CHECK_COLUMNS))
    return _scan(path, metadata).report


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
                       id_column: str | None = None) -> pd.DataFrame:
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
    return _corpus_table(rows, extra)


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
