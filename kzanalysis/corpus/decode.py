"""Decoding one file: strict UTF-8 (or a declared encoding), every bad byte named with its line."""

from __future__ import annotations

import re
from pathlib import Path

from ._base import _CONTROL_CHARS, CorpusError, _MAX_CONTROL_SHARE, _UTF16_BOMS, _UTF8_BOM


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
        >>> import tempfile
        >>> path = Path(tempfile.mkdtemp()) / "article.txt"
        >>> _ = path.write_bytes("Almaty, 5 January\\r\\nProtesters gathered.".encode("utf-8"))
        >>> read_text(path)
        ('Almaty, 5 January\\nProtesters gathered.', 'utf-8')
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
