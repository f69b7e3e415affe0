"""Tests for the corpus stage: decoding, loading, checking and fingerprinting a folder of articles."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pandas as pd
import pytest

import kzanalysis as kz
from kzanalysis import config
from kzanalysis.corpus import corpus_fingerprint

SEED_FILES = [
    "000_143417c5e503c3f3.txt",
    "001_5fd3b595c2b22735.txt",
    "002_f6fac79b3e52d7e7.txt",
    "003_c32e65cbf677ca05.txt",
    "004_15f499adc5933ae2.txt",
]


def make_corpus(folder: Path, files: dict[str, str | bytes], metadata: str | None = None) -> Path:
    """Write ``files`` (str as UTF-8, bytes as given) and an optional metadata.csv into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        (folder / name).write_bytes(data)
    if metadata is not None:
        (folder / "metadata.csv").write_text(metadata, encoding="utf-8")
    return folder


def load_error(path: Path, **kwargs: object) -> str:
    """The message of the CorpusError that load_corpus must raise."""
    with pytest.raises(kz.CorpusError) as info:
        kz.load_corpus(path, **kwargs)
    return str(info.value)


# ---------------------------------------------------------------------------------------------
# read_text: decoding one file
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        pytest.param("Алматы — “order”\n".encode("utf-8"), "Алматы — “order”\n", "utf-8", id="utf-8"),
        pytest.param(b"\xef\xbb\xbf" + "Нұр-Сұлтан\n".encode("utf-8"), "Нұр-Сұлтан\n", "utf-8-sig", id="utf-8-sig"),
        pytest.param(b"\xff\xfe" + "Тоқаев “quote”".encode("utf-16-le"), "Тоқаев “quote”", "utf-16", id="utf-16-le"),
        pytest.param(b"\xfe\xff" + "Тоқаев “quote”".encode("utf-16-be"), "Тоқаев “quote”", "utf-16", id="utf-16-be"),
        pytest.param(
            b"\x93Order\x94 costs \xa3100, Tokayev\x92s aide said.",
            "“Order” costs £100, Tokayev’s aide said.",
            "cp1252",
            id="cp1252-quotes-pound",
        ),
        pytest.param(b"caf\xe9 \x96 cr\xe8me", "café – crème", "cp1252", id="cp1252-accents-dash"),
    ],
)
def test_read_text_decodes_each_encoding(tmp_path: Path, data: bytes, text: str, encoding: str) -> None:
    path = tmp_path / "article.txt"
    path.write_bytes(data)
    assert kz.read_text(path) == (text, encoding)


def test_read_text_accepts_a_string_path(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"plain")
    assert kz.read_text(str(path)) == ("plain", "utf-8")


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        pytest.param(b"one\r\ntwo\rthree\n\nfour", "utf-8", id="utf-8"),
        pytest.param(b"one\r\ntwo\rthree\n\nfour \x93q\x94", "cp1252", id="cp1252"),
        pytest.param(b"\xff\xfe" + "one\r\ntwo\rthree\n\nfour".encode("utf-16-le"), "utf-16", id="utf-16"),
    ],
)
def test_read_text_normalises_line_breaks_and_keeps_them(tmp_path: Path, data: bytes, encoding: str) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(data)
    text, found = kz.read_text(path)
    assert found == encoding
    assert text.startswith("one\ntwo\nthree\n\nfour")
    assert "\r" not in text


@pytest.mark.parametrize("byte", [0x81, 0x8D, 0x8F, 0x90, 0x9D])
def test_read_text_rejects_bytes_undefined_in_cp1252(tmp_path: Path, byte: int) -> None:
    data = b"first line caf\xe9\nsecond " + bytes([byte]) + b" line"
    path = tmp_path / "bad bytes.txt"
    path.write_bytes(data)
    with pytest.raises(kz.CorpusError) as info:
        kz.read_text(path)
    message = str(info.value)
    assert "bad bytes.txt" in message
    assert f"0x{byte:02X}" in message
    assert f"byte offset {data.index(bytes([byte]))}" in message
    assert "line 2" in message


@pytest.mark.parametrize(
    ("data", "byte", "offset"),
    [
        pytest.param(b"\xef\xbb\xbfok\n\xff", "0xFF", 6, id="utf-8-bom-then-invalid"),
        pytest.param(b"\xff\xfe" + "ok\n".encode("utf-16-le") + b"c", "0x63", 8, id="utf-16-odd-length"),
    ],
)
def test_read_text_rejects_text_that_breaks_its_bom(tmp_path: Path, data: bytes, byte: str, offset: int) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(data)
    with pytest.raises(kz.CorpusError) as info:
        kz.read_text(path)
    message = str(info.value)
    assert "bom.txt starts with a UTF-" in message and "byte-order mark" in message
    assert f"byte {byte} at byte offset {offset} (line 2)" in message


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"PK\x03\x04\x00\x00some zip", id="nul-bytes"),
        pytest.param("Тоқаев".encode("utf-16-le"), id="utf-16-without-bom"),
        pytest.param(bytes(range(1, 9)) * 20 + b"a few letters", id="control-characters"),
    ],
)
def test_read_text_rejects_binary(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(data)
    with pytest.raises(kz.CorpusError, match=r"image\.txt looks binary"):
        kz.read_text(path)


def test_read_text_allows_a_stray_control_character(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"An old DOS file with an end-of-file mark and a form feed.\x0c\x1a")
    text, encoding = kz.read_text(path)
    assert encoding == "utf-8"
    assert text.endswith("\x0c\x1a")


def test_read_text_missing_file_names_it(tmp_path: Path) -> None:
    with pytest.raises(kz.CorpusError, match="nowhere.txt"):
        kz.read_text(tmp_path / "nowhere.txt")


def test_corpus_error_is_a_value_error() -> None:
    assert issubclass(kz.CorpusError, ValueError)


# ---------------------------------------------------------------------------------------------
# load_corpus: good corpora
# ---------------------------------------------------------------------------------------------


def test_load_corpus_without_metadata_uses_stems_and_unknown_outlet(tmp_path: Path) -> None:
    folder = make_corpus(tmp_path / "c", {"b.txt": "Second.\r\n", "a.txt": "First."})
    corpus = kz.load_corpus(folder)
    assert list(corpus.columns) == ["doc_id", "file", "text", "encoding", "outlet", "detected_language"]
    assert corpus["doc_id"].tolist() == ["a", "b"]
    assert corpus["file"].tolist() == ["a.txt", "b.txt"]
    assert corpus["text"].tolist() == ["First.", "Second.\n"]
    assert corpus["encoding"].tolist() == ["utf-8", "utf-8"]
    assert corpus["outlet"].tolist() == ["unknown", "unknown"]
    assert corpus.index.tolist() == [0, 1]


def test_load_corpus_reads_mixed_encodings(tmp_path: Path) -> None:
    folder = make_corpus(
        tmp_path,
        {
            "cp.txt": b"\x93Order\x94 restored, \xa35m",
            "sig.txt": b"\xef\xbb\xbfBOM text",
            "wide.txt": b"\xfe\xff" + "Алматы".encode("utf-16-be"),
        },
    )
    corpus = kz.load_corpus(folder).set_index("doc_id")
    assert corpus.loc["cp", "text"] == "“Order” restored, £5m"
    assert corpus.loc["cp", "encoding"] == "cp1252"
    assert corpus.loc["sig", "text"] == "BOM text"
    assert corpus.loc["sig", "encoding"] == "utf-8-sig"
    assert corpus.loc["wide", "text"] == "Алматы"
    assert corpus.loc["wide", "encoding"] == "utf-16"


def test_load_corpus_only_reads_txt_directly_in_the_folder(tmp_path: Path) -> None:
    folder = make_corpus(tmp_path, {"a.txt": "A", "upper.TXT": "U", "notes.md": "not an article"})
    make_corpus(folder / "sub", {"nested.txt": "nested"})
    assert kz.load_corpus(folder)["file"].tolist() == ["a.txt", "upper.TXT"]


def test_load_corpus_joins_metadata(tmp_path: Path) -> None:
    folder = make_corpus(
        tmp_path,
        {"x.txt": "X text", "y.txt": "Y text", "z.txt": "Z text"},
        metadata=(
            "doc_id,file,outlet,date,note\n"
            "010_z,z.txt,Reuters,2022-01-09,NA\n"
            "000_x,x.txt,CNN,2022-01-08,\n"
            '005_y,y.txt,"Tengri, News",2022-01-07,"says ""calm"""\n'
        ),
    )
    corpus = kz.load_corpus(folder)
    assert list(corpus.columns) == ["doc_id", "file", "text", "encoding", "outlet", "date", "note", "detected_language"]
    assert corpus["doc_id"].tolist() == ["000_x", "005_y", "010_z"]
    assert corpus["file"].tolist() == ["x.txt", "y.txt", "z.txt"]
    assert corpus["text"].tolist() == ["X text", "Y text", "Z text"]
    assert corpus["outlet"].tolist() == ["CNN", "Tengri, News", "Reuters"]
    assert corpus["date"].tolist() == ["2022-01-08", "2022-01-07", "2022-01-09"]
    # values stay strings: "NA" is not a missing value, a blank cell is an empty string
    assert corpus["note"].tolist() == ["", 'says "calm"', "NA"]


def test_load_corpus_adds_unknown_outlet_when_metadata_has_none(tmp_path: Path) -> None:
    folder = make_corpus(tmp_path, {"a.txt": "A", "b.txt": "B"}, metadata="doc_id,file,date\n1,a.txt,d1\n2,b.txt,d2\n")
    corpus = kz.load_corpus(folder)
    assert list(corpus.columns) == ["doc_id", "file", "text", "encoding", "date", "outlet", "detected_language"]
    assert corpus["doc_id"].tolist() == ["1", "2"]
    assert corpus["outlet"].tolist() == ["unknown", "unknown"]


def test_load_corpus_fills_blank_outlet_cells_with_unknown(tmp_path: Path) -> None:
    folder = make_corpus(tmp_path, {"a.txt": "A", "b.txt": "B"}, metadata="doc_id,file,outlet\na,a.txt,\nb,b.txt,AFP\n")
    assert kz.load_corpus(folder)["outlet"].tolist() == ["unknown", "AFP"]


def test_load_corpus_accepts_metadata_path_elsewhere(tmp_path: Path) -> None:
    folder = make_corpus(tmp_path / "corpus", {"a.txt": "A"}, metadata="doc_id,file,outlet\nfrom_folder,a.txt,X\n")
    other = tmp_path / "other.csv"
    other.write_text("doc_id,file,outlet\nfrom_other,a.txt,Y\n", encoding="utf-8")
    corpus = kz.load_corpus(folder, metadata=other)
    assert corpus["doc_id"].tolist() == ["from_other"]
    assert corpus["outlet"].tolist() == ["Y"]


def test_load_corpus_accepts_metadata_dataframe(tmp_path: Path) -> None:
    folder = make_corpus(tmp_path, {"a.txt": "A", "b.txt": "B"})
    metadata = pd.DataFrame({"doc_id": ["d2", "d1"], "file": ["a.txt", "b.txt"], "outlet": ["TASS", None]})
    corpus = kz.load_corpus(folder, metadata=metadata)
    assert corpus[["doc_id", "file", "text", "outlet"]].values.tolist() == [
        ["d1", "b.txt", "B", "unknown"],
        ["d2", "a.txt", "A", "TASS"],
    ]
    assert metadata["outlet"].tolist()[0] == "TASS"  # the caller's frame is not changed


def test_load_corpus_reads_cp1252_metadata_with_bom_tolerance(tmp_path: Path) -> None:
    folder = make_corpus(tmp_path, {"a.txt": "A"})
    (folder / "metadata.csv").write_bytes(b"\xef\xbb\xbfdoc_id,file,outlet\r\na,a.txt,Caf\xc3\xa9 TV\r\n")
    assert kz.load_corpus(folder)["outlet"].tolist() == ["Café TV"]


@pytest.mark.parametrize("with_metadata", [False, True], ids=["no-metadata", "metadata"])
def test_load_corpus_handles_spaces_and_non_latin_names(tmp_path: Path, with_metadata: bool) -> None:
    files = {"Жаңалықтар 1.txt": "Алматыда тәртіп орнады.", "Tengri News 2.txt": "Second article."}
    metadata = None
    if with_metadata:
        metadata = "doc_id,file,outlet\nkz1,Жаңалықтар 1.txt,Хабар\nen2,Tengri News 2.txt,Tengri\n"
    corpus = kz.load_corpus(make_corpus(tmp_path, files, metadata))
    assert sorted(corpus["file"]) == sorted(files)
    by_file = corpus.set_index("file")
    assert by_file.loc["Жаңалықтар 1.txt", "text"] == "Алматыда тәртіп орнады."
    if with_metadata:
        assert by_file.loc["Жаңалықтар 1.txt", "doc_id"] == "kz1"
        assert by_file.loc["Жаңалықтар 1.txt", "outlet"] == "Хабар"
    else:
        assert by_file.loc["Жаңалықтар 1.txt", "doc_id"] == "Жаңалықтар 1"
        assert by_file.loc["Жаңалықтар 1.txt", "outlet"] == "unknown"


# ---------------------------------------------------------------------------------------------
# load_corpus: every bad input raises CorpusError naming the file (and line)
# ---------------------------------------------------------------------------------------------


def test_missing_folder(tmp_path: Path) -> None:
    missing = tmp_path / "no such folder"
    message = load_error(missing)
    assert str(missing) in message and "does not exist" in message


def test_path_is_a_file(tmp_path: Path) -> None:
    make_corpus(tmp_path, {"a.txt": "A"})
    message = load_error(tmp_path / "a.txt")
    assert "a.txt" in message and "not a folder" in message


def test_folder_without_txt(tmp_path: Path) -> None:
    make_corpus(tmp_path, {"notes.md": "# notes"})
    message = load_error(tmp_path)
    assert str(tmp_path) in message and "no .txt or .html files" in message


@pytest.mark.parametrize("content", [b"", b"  \n\t\r\n ", b"\xef\xbb\xbf\n"], ids=["empty", "whitespace", "bom-only"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    make_corpus(tmp_path, {"good.txt": "Text.", "blank one.txt": content})
    message = load_error(tmp_path)
    assert message.startswith("blank one.txt") and "empty" in message


def test_binary_file(tmp_path: Path) -> None:
    make_corpus(tmp_path, {"good.txt": "Text.", "photo.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"})
    assert "photo.txt looks binary" in load_error(tmp_path)


def test_undecodable_file(tmp_path: Path) -> None:
    make_corpus(tmp_path, {"good.txt": "Text.", "odd.txt": b"line one\nline two\nbad \x8f here"})
    message = load_error(tmp_path)
    assert "odd.txt" in message and "0x8F" in message and "line 3" in message


@pytest.mark.parametrize(
    ("header", "missing"),
    [("doc_id,outlet", "file"), ("file,outlet", "doc_id"), ("id,filename", "doc_id, file")],
)
def test_metadata_missing_required_columns(tmp_path: Path, header: str, missing: str) -> None:
    make_corpus(tmp_path, {"a.txt": "A"}, metadata=f"{header}\nx,a.txt\n")
    message = load_error(tmp_path)
    assert message.startswith("metadata.csv line 1") and f"missing required column(s) {missing}" in message


@pytest.mark.parametrize(
    ("metadata", "line"),
    [
        pytest.param("doc_id,file\na,a.txt\nb,b.txt,extra\n", 3, id="too-many-fields"),
        pytest.param('doc_id,file\na,a.txt\nb,"b".txt\n', 3, id="stray-quote"),
        pytest.param('doc_id,file\n\na,a.txt\n"b,b.txt\n', 4, id="unclosed-quote"),
    ],
)
def test_metadata_unparseable(tmp_path: Path, metadata: str, line: int) -> None:
    make_corpus(tmp_path, {"a.txt": "A", "b.txt": "B"}, metadata=metadata)
    message = load_error(tmp_path)
    assert message.startswith(f"metadata.csv line {line}:")


def test_metadata_empty_file(tmp_path: Path) -> None:
    make_corpus(tmp_path, {"a.txt": "A"}, metadata="")
    assert load_error(tmp_path).startswith("metadata.csv is empty")


@pytest.mark.parametrize(
    ("row", "blank"),
    [(",b.txt", "doc_id"), ("b,", "file"), ("  ,  ", "doc_id and file")],
)
def test_metadata_blank_doc_id_or_file(tmp_path: Path, row: str, blank: str) -> None:
    make_corpus(tmp_path, {"a.txt": "A", "b.txt": "B"}, metadata=f"doc_id,file\na,a.txt\n\n{row}\n")
    # header is line 1, a blank line 3 still counts, so the bad row is line 4
    assert load_error(tmp_path).startswith(f"metadata.csv line 4: {blank} is blank")


def test_metadata_names_missing_file(tmp_path: Path) -> None:
    make_corpus(tmp_path, {"a.txt": "A"}, metadata="doc_id,file\na,a.txt\ngone,gone.txt\n")
    message = load_error(tmp_path)
    assert message.startswith("gone.txt: listed in metadata.csv line 3") and "no such file" in message


@pytest.mark.parametrize(
    "file",
    ["../outside.txt", "sub/../../outside.txt", "/etc/hostname", "C:\\corpus\\a.txt"],
)
def test_metadata_file_outside_folder(tmp_path: Path, file: str) -> None:
    (tmp_path / "outside.txt").write_text("outside", encoding="utf-8")
    folder = make_corpus(tmp_path / "corpus", {"a.txt": "A"}, metadata=f"doc_id,file\na,a.txt\nx,{file}\n")
    message = load_error(folder)
    assert message.startswith(f"metadata.csv line 3: file {file!r} is outside the corpus folder")


def test_metadata_file_in_subfolder(tmp_path: Path) -> None:
    make_corpus(tmp_path / "sub", {"b.txt": "B"})
    make_corpus(tmp_path, {"a.txt": "A"}, metadata="doc_id,file\na,a.txt\nb,sub/b.txt\n")
    message = load_error(tmp_path)
    assert message.startswith("metadata.csv line 3") and "'sub/b.txt' is not a .txt or .html file directly inside" in message


def test_txt_not_listed_in_metadata(tmp_path: Path) -> None:
    make_corpus(tmp_path, {"a.txt": "A", "stray one.txt": "S"}, metadata="doc_id,file\na,a.txt\n")
    message = load_error(tmp_path)
    assert message.startswith("stray one.txt is in the corpus folder but not listed in metadata.csv")


def test_file_listed_twice(tmp_path: Path) -> None:
    make_corpus(tmp_path, {"a.txt": "A"}, metadata="doc_id,file\na,a.txt\nb,a.txt\n")
    message = load_error(tmp_path)
    assert message.startswith("metadata.csv: file 'a.txt' is listed twice (line 2 and line 3)")


def test_duplicate_doc_id_names_both_rows(tmp_path: Path) -> None:
    metadata = "doc_id,file\nx,a.txt\ny,b.txt\nx,c.txt\n"
    make_corpus(tmp_path, {"a.txt": "A", "b.txt": "B", "c.txt": "C"}, metadata=metadata)
    message = load_error(tmp_path)
    assert message.startswith("metadata.csv: doc_id 'x' is used twice (line 2 and line 4)")


def test_duplicate_doc_id_in_dataframe_metadata_names_rows(tmp_path: Path) -> None:
    folder = make_corpus(tmp_path, {"a.txt": "A", "b.txt": "B"})
    metadata = pd.DataFrame({"doc_id": ["x", "x"], "file": ["a.txt", "b.txt"]})
    assert "doc_id 'x' is used twice (row 0 and row 1)" in load_error(folder, metadata=metadata)


def test_duplicate_stem_without_metadata(tmp_path: Path) -> None:
    make_corpus(tmp_path, {"a.txt": "A", "a.TXT": "other A"})
    names = sorted(p.name for p in tmp_path.iterdir())
    if len(names) < 2:
        pytest.skip("case-insensitive file system")
    message = load_error(tmp_path)
    assert "a.txt" in message and "'a'" in message and "a.TXT" in message


def test_explicit_metadata_path_that_does_not_exist(tmp_path: Path) -> None:
    make_corpus(tmp_path / "c", {"a.txt": "A"})
    missing = tmp_path / "meta.csv"
    message = load_error(tmp_path / "c", metadata=missing)
    assert str(missing) in message and "does not exist" in message


def test_several_problems_are_counted_and_point_to_check_corpus(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {"a.txt": b"", "b.txt": b"\x00\x01", "c.txt": "fine"}
    make_corpus(tmp_path, files, metadata="doc_id,file\nc,c.txt\nd,d.txt\n")
    message = load_error(tmp_path)
    assert message.startswith("a.txt is empty")
    assert "(3 problems in all; run kz.check_corpus(" in message


def test_single_problem_has_no_count(tmp_path: Path) -> None:
    make_corpus(tmp_path, {"a.txt": b"", "c.txt": "fine"})
    assert "problems in all" not in load_error(tmp_path)


# ---------------------------------------------------------------------------------------------
# check_corpus
# ---------------------------------------------------------------------------------------------


def test_check_corpus_reports_every_file_of_a_mixed_folder(tmp_path: Path) -> None:
    folder = make_corpus(
        tmp_path,
        {
            "good.txt": "Fine.",
            "cp.txt": b"\x93q\x94",
            "empty.txt": b"",
            "binary.txt": b"\x00\x01\x02",
            "undecodable.txt": b"\x81",
            "unlisted.txt": "Not in metadata.",
        },
        metadata="doc_id,file\ng,good.txt\nc,cp.txt\ne,empty.txt\nb,binary.txt\nu,undecodable.txt\nm,missing.txt\n",
    )
    report = kz.check_corpus(folder)
    assert list(report.columns) == ["file", "ok", "encoding", "problem"]
    assert report["ok"].dtype == bool
    assert report["file"].tolist() == [
        "binary.txt",
        "cp.txt",
        "empty.txt",
        "good.txt",
        "undecodable.txt",
        "unlisted.txt",
        "metadata.csv",
        "missing.txt",
    ]
    by_file = report.set_index("file")
    assert by_file["ok"].to_dict() == {
        "binary.txt": False,
        "cp.txt": True,
        "empty.txt": False,
        "good.txt": True,
        "undecodable.txt": False,
        "unlisted.txt": False,
        "metadata.csv": True,
        "missing.txt": False,
    }
    assert by_file["encoding"].to_dict() == {
        "binary.txt": "",
        "cp.txt": "cp1252",
        "empty.txt": "utf-8",
        "good.txt": "utf-8",
        "undecodable.txt": "",
        "unlisted.txt": "utf-8",
        "metadata.csv": "utf-8",
        "missing.txt": "",
    }
    assert (by_file.loc[by_file["ok"], "problem"] == "").all()
    assert "looks binary" in by_file.loc["binary.txt", "problem"]
    assert "empty" in by_file.loc["empty.txt", "problem"]
    assert "0x81" in by_file.loc["undecodable.txt", "problem"]
    assert "not listed in metadata.csv" in by_file.loc["unlisted.txt", "problem"]
    assert "listed in metadata.csv line 7" in by_file.loc["missing.txt", "problem"]


def test_check_corpus_agrees_with_load_corpus_on_first_problem(tmp_path: Path) -> None:
    folder = make_corpus(tmp_path, {"a.txt": b"\x00", "b.txt": b""})
    report = kz.check_corpus(folder)
    first = report.loc[~report["ok"], "problem"].iloc[0]
    assert load_error(folder).startswith(first)


def test_check_corpus_reports_metadata_problems_on_its_row(tmp_path: Path) -> None:
    folder = make_corpus(tmp_path, {"a.txt": "A"}, metadata="doc_id,file\nx,a.txt\nx,../a.txt\n")
    report = kz.check_corpus(folder).set_index("file")
    assert report.loc["a.txt", "ok"]
    assert not report.loc["metadata.csv", "ok"]
    problem = report.loc["metadata.csv", "problem"]
    assert "doc_id 'x' is used twice (line 2 and line 3)" in problem
    assert "line 3: file '../a.txt' is outside the corpus folder" in problem


def test_check_corpus_flags_folder_without_txt(tmp_path: Path) -> None:
    report = kz.check_corpus(tmp_path)
    assert report["file"].tolist() == ["."]
    assert not report["ok"].iloc[0]
    assert "no .txt or .html files" in report["problem"].iloc[0]


def test_check_corpus_all_ok(tmp_path: Path) -> None:
    report = kz.check_corpus(make_corpus(tmp_path, {"a.txt": "A", "b.txt": "B"}))
    assert report["ok"].tolist() == [True, True]
    assert report["problem"].tolist() == ["", ""]


def test_check_corpus_raises_only_for_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(kz.CorpusError, match="does not exist"):
        kz.check_corpus(tmp_path / "missing")


# ---------------------------------------------------------------------------------------------
# corpus_fingerprint
# ---------------------------------------------------------------------------------------------


def test_fingerprint_is_sha256_over_sorted_file_text_pairs() -> None:
    corpus = pd.DataFrame({"doc_id": ["2", "1"], "file": ["b.txt", "a.txt"], "text": ["Бета", "alpha"]})
    expected = hashlib.sha256()
    for part in ("a.txt", "alpha", "b.txt", "Бета"):
        data = part.encode("utf-8")
        expected.update(len(data).to_bytes(8, "big") + data)
    fingerprint = corpus_fingerprint(corpus)
    assert re.fullmatch(r"[0-9a-f]{64}", fingerprint)
    assert fingerprint == expected.hexdigest()


def test_fingerprint_ignores_row_order_and_other_columns() -> None:
    corpus = pd.DataFrame({"file": ["a.txt", "b.txt"], "text": ["A", "B"], "outlet": ["x", "y"]})
    shuffled = corpus.iloc[::-1].assign(outlet="z")
    assert corpus_fingerprint(corpus) == corpus_fingerprint(shuffled)


@pytest.mark.parametrize(
    "changed",
    [
        {"file": ["a.txt", "c.txt"], "text": ["A", "B"]},
        {"file": ["a.txt", "b.txt"], "text": ["A", "B "]},
        {"file": ["a.txt", "b.txt"], "text": ["AB", ""]},
        {"file": ["a.txt"], "text": ["A"]},
    ],
    ids=["renamed", "text-edited", "boundary-moved", "dropped"],
)
def test_fingerprint_changes_when_corpus_changes(changed: dict[str, list[str]]) -> None:
    base = pd.DataFrame({"file": ["a.txt", "b.txt"], "text": ["A", "B"]})
    assert corpus_fingerprint(base) != corpus_fingerprint(pd.DataFrame(changed))


def test_fingerprint_needs_file_and_text() -> None:
    with pytest.raises(ValueError, match="text"):
        corpus_fingerprint(pd.DataFrame({"file": ["a.txt"]}))


# ---------------------------------------------------------------------------------------------
# The seed corpus
# ---------------------------------------------------------------------------------------------


def test_seed_corpus_loads_five_documents() -> None:
    corpus = kz.load_corpus()
    assert len(corpus) == 5
    assert corpus["file"].tolist() == SEED_FILES
    assert corpus["doc_id"].tolist() == [Path(name).stem for name in SEED_FILES]
    assert corpus["encoding"].tolist() == ["utf-8"] * 5
    assert list(corpus.columns[:4]) == ["doc_id", "file", "text", "encoding"]
    assert "outlet" in corpus.columns
    for file, text in zip(corpus["file"], corpus["text"]):
        assert text == (config.RAW_DIR / file).read_bytes().decode("utf-8")
    assert corpus.set_index("doc_id").loc["002_f6fac79b3e52d7e7", "text"].startswith("Nur-Sultan, Jan 9 (IANS)")


def test_seed_corpus_checks_clean() -> None:
    report = kz.check_corpus()
    assert report["ok"].all(), report.loc[~report["ok"]].to_string()
    assert set(SEED_FILES) <= set(report["file"])


# --------------------------------------------------------------------------------------------
# One file of articles: JSON Lines and Parquet


def _jsonl(tmp_path: Path, lines: list[str], name: str = "articles.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_jsonl_loads_with_metadata_columns_and_default_ids(tmp_path: Path) -> None:
    import json

    path = _jsonl(tmp_path, [
        json.dumps({"doc_id": "b", "text": "Second.\r\nLine two.", "outlet": "Reuters", "date": "2022-01-09"}),
        "",
        json.dumps({"text": "No id here.", "outlet": ""}),
    ])
    corpus = kz.load_corpus(path)
    assert corpus["doc_id"].tolist() == ["articles-3", "b"]
    assert corpus["file"].tolist() == ["articles.jsonl#3", "articles.jsonl#1"]
    assert corpus["outlet"].tolist() == ["unknown", "Reuters"]
    assert corpus.loc[1, "text"] == "Second.\nLine two."
    assert list(corpus.columns[:4]) == ["doc_id", "file", "text", "encoding"]


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (['{"text": "ok"}', "{not json"], r"articles.jsonl, line 2: not valid JSON"),
        (['["a list"]'], r"articles.jsonl, line 1: expected a JSON object"),
        (['{"doc_id": "a", "text": "  "}'], r"articles.jsonl, line 1: 'text' is missing or empty"),
        (['{"doc_id": "a", "title": "no text"}'], r"articles.jsonl, line 1: 'text' is missing or empty"),
        (['{"doc_id": "a", "text": "x"}', '{"doc_id": "a", "text": "y"}'], r"line 2: duplicate doc_id 'a' \(first at line 1\)"),
    ],
)
def test_jsonl_errors_name_file_and_line(tmp_path: Path, lines: list[str], message: str) -> None:
    path = _jsonl(tmp_path, lines)
    with pytest.raises(kz.CorpusError, match=message):
        kz.load_corpus(path)
    report = kz.check_corpus(path)
    assert report["ok"].tolist() == [False] and re.search(message, report.loc[0, "problem"])


def test_parquet_loads_like_jsonl(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    frame = pd.DataFrame({"doc_id": ["x1", "x2"], "text": ["Protests spread.", "Troops arrived."], "outlet": ["A", "B"]})
    path = tmp_path / "articles.parquet"
    frame.to_parquet(path)
    corpus = kz.load_corpus(path)
    assert corpus[["doc_id", "outlet", "encoding"]].values.tolist() == [["x1", "A", "parquet"], ["x2", "B", "parquet"]]
    assert corpus["file"].tolist() == ["articles.parquet#1", "articles.parquet#2"]


# --------------------------------------------------------------------------------------------
# Nothing garbled, nothing outside the folder, metadata that says what it understood


def test_utf8_file_with_one_bad_byte_is_reported_not_read_as_cp1252(tmp_path: Path) -> None:
    line = "Protesters gathered in the country’s capital on Tuesday.\n"
    data = (line * 40).encode("utf-8")
    data = data[:2000] + b"\xe9" + data[2001:]
    make_corpus(tmp_path, {"good.txt": "Text.", "one bad byte.txt": data})
    message = load_error(tmp_path)
    expected_line = data[:2000].count(b"\n") + 1
    assert message.startswith("one bad byte.txt is UTF-8 text except for 1 byte(s)")
    assert f"0xE9 at byte offset 2000 (line {expected_line})" in message
    assert "â€™" not in message


def test_jsonl_with_a_bad_byte_names_file_line_and_offset(tmp_path: Path) -> None:
    path = tmp_path / "export.jsonl"
    path.write_bytes(b'{"text": "fine"}\n{"text": "caf\xe9 \xe2\x80\x99s"}\n')
    with pytest.raises(kz.CorpusError, match=r"export\.jsonl is UTF-8 text except for 1 byte\(s\).*0xE9 at byte "
                                             r"offset 30 \(line 2\)"):
        kz.load_corpus(path)


def test_a_link_to_a_file_outside_the_corpus_is_refused_and_listed(tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("host secrets\n", encoding="utf-8")
    folder = tmp_path / "corpus"
    make_corpus(folder, {"good.txt": "Text."})
    (folder / "link.txt").symlink_to(outside)
    check = kz.check_corpus(folder).set_index("file")
    assert not check.loc["link.txt", "ok"] and "outside the corpus folder" in check.loc["link.txt", "problem"]
    assert "link.txt is a link to a file outside the corpus folder" in load_error(folder)


def test_a_link_inside_the_corpus_is_read(tmp_path: Path) -> None:
    make_corpus(tmp_path, {"good.txt": "Text."})
    (tmp_path / "alias.txt").symlink_to(tmp_path / "good.txt")
    assert sorted(kz.load_corpus(tmp_path)["doc_id"]) == ["alias", "good"]


def test_an_oversized_file_is_refused_by_name_before_tokenising(tmp_path: Path) -> None:
    from kzanalysis import corpus

    make_corpus(tmp_path, {"good.txt": "Text.", "huge.txt": "word " * (corpus.MAX_DOCUMENT_BYTES // 5 + 20_000)})
    assert "huge.txt is 5.1 MB; articles above 5 MB are refused" in load_error(tmp_path)


@pytest.mark.parametrize("delimiter", [";", "\t"], ids=["semicolon", "tab"])
def test_metadata_with_another_delimiter_and_capitalised_header_is_understood(tmp_path: Path, delimiter: str) -> None:
    header = delimiter.join(["Doc_ID", "File", "Outlet"])
    rows = [delimiter.join(["a", "a.txt", "Gazette"]), delimiter.join(["b", "b.txt", "Wire"])]
    make_corpus(tmp_path, {"a.txt": "A.", "b.txt": "B."}, metadata="\n".join([header, *rows]) + "\n")
    assert kz.load_corpus(tmp_path)[["doc_id", "outlet"]].values.tolist() == [["a", "Gazette"], ["b", "Wire"]]


def test_metadata_row_with_missing_cells_is_reported(tmp_path: Path) -> None:
    make_corpus(tmp_path, {"a.txt": "A.", "b.txt": "B."}, metadata="doc_id,file,outlet\na,a.txt,X\nb,b.txt\n")
    assert load_error(tmp_path).startswith("metadata.csv line 3: 2 fields, but the header has 3 (outlet missing)")


# --------------------------------------------------------------------------------------------
# Web pages and CSV exports

PAGE = ("<html><head><title>{title}</title><meta property='og:site_name' content='{site}'></head><body>"
        "<nav>Home | World | Business | Skip to main content</nav><article><h1>{title}</h1>{paragraphs}</article>"
        "<footer>© 2022 {site}. All rights reserved. Privacy policy.</footer></body></html>")


def _page(title: str, site: str, sentences: list[str]) -> str:
    return PAGE.format(title=title, site=site, paragraphs="".join(f"<p>{s}</p>" for s in sentences))


def test_web_pages_in_a_folder_give_their_main_text_and_page_metadata(tmp_path: Path) -> None:
    sentences = ["Dockworkers walked out on Monday, halting cargo traffic at the northern container terminal.",
                 "Shipping companies said forty vessels were waiting at anchor outside the breakwater by Tuesday."]
    (tmp_path / "strike.html").write_text(_page("Port strike enters second day", "Harbour Gazette", sentences),
                                          encoding="utf-8")
    make_corpus(tmp_path, {"note.txt": "A plain text article about the port."})
    corpus = kz.load_corpus(tmp_path).set_index("doc_id")
    page = corpus.loc["strike"]
    assert page["encoding"].startswith("html (trafilatura ")
    assert sentences[0] in page["text"] and "Skip to main content" not in page["text"]
    assert page["page_title"] == "Port strike enters second day" and page["outlet"] == "Harbour Gazette"
    assert corpus.loc["note", "page_title"] == "" and corpus.loc["note", "outlet"] == "unknown"
    raw = (tmp_path / "strike.html").read_text(encoding="utf-8")
    assert "<nav>" in raw  # the page itself is untouched


def test_a_web_page_without_article_text_is_named(tmp_path: Path) -> None:
    (tmp_path / "empty page.html").write_text("<html><body><nav>Home</nav></body></html>", encoding="utf-8")
    make_corpus(tmp_path, {"good.txt": "Text."})
    assert load_error(tmp_path).startswith("empty page.html: no article text found in this web page")


def test_metadata_outlet_wins_over_what_the_page_says(tmp_path: Path) -> None:
    (tmp_path / "p.html").write_text(_page("Strike", "Site Name", ["Dockworkers walked out on Monday, halting "
                                                                   "cargo traffic at the northern terminal."]),
                                     encoding="utf-8")
    (tmp_path / "metadata.csv").write_text("doc_id,file,outlet\np1,p.html,My Outlet\n", encoding="utf-8")
    assert kz.load_corpus(tmp_path).loc[0, ["outlet", "page_site"]].tolist() == ["My Outlet", "Site Name"]


def test_csv_export_with_media_cloud_columns(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text('stories_id,publish_date,title,url,media_name,text\n'
                    '11,2022-01-08,Strike,http://x,Harbour Gazette,"Dockers walked out.\nSecond paragraph."\n'
                    '12,2022-01-09,Talks,http://y,Coastal Wire,Talks stalled.\n', encoding="utf-8")
    corpus = kz.load_corpus(path)
    assert corpus[["doc_id", "file", "outlet", "media_name", "publish_date"]].values.tolist() == [
        ["11", "export.csv#2", "Harbour Gazette", "Harbour Gazette", "2022-01-08"],
        ["12", "export.csv#4", "Coastal Wire", "Coastal Wire", "2022-01-09"]]
    assert corpus.loc[0, "text"] == "Dockers walked out.\nSecond paragraph."
    assert len(kz.paragraphs(corpus)) == 3


@pytest.mark.parametrize(("content", "options", "message"), [
    ("id,text\n1,A\n2,\n", {}, "export.csv, line 3: 'text' is missing or empty"),
    ("id,body\n1,A\n1,B\n", {}, "export.csv, line 3: duplicate doc_id '1' (first at line 2)"),
    ("id,words\n1,A\n", {}, "export.csv: no column for the article text among 'id', 'words'"),
    ("id,text\n1,A\n", {"text_column": "story"}, "export.csv: no column 'story' for the article text"),
    ("id,text\n1,A,extra\n", {}, "export.csv, line 2: 3 cells, but the header has 2"),
], ids=["empty-text", "duplicate-id", "no-text-column", "named-column-missing", "extra-cell"])
def test_csv_export_errors_name_the_row(tmp_path: Path, content: str, options: dict, message: str) -> None:
    path = tmp_path / "export.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(kz.CorpusError) as info:
        kz.load_corpus(path, **options)
    assert str(info.value).startswith(message)


def test_csv_export_with_named_columns_and_a_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("key;words\na;Dockers walked out.\n", encoding="utf-8")
    assert kz.load_corpus(path, text_column="words", id_column="key")["doc_id"].tolist() == ["a"]
    path.write_bytes("key,words\na,Dockers’ strike.\nb,caf".encode("utf-8") + b"\xe9\n")
    with pytest.raises(kz.CorpusError, match=r"export\.csv is UTF-8 text except for 1 byte\(s\).*\(line 3\)"):
        kz.load_corpus(path, text_column="words", id_column="key")


def test_jsonl_records_may_carry_the_page_instead_of_the_text(tmp_path: Path) -> None:
    import json

    page = _page("Strike", "Harbour Gazette", ["Dockworkers walked out on Monday, halting cargo traffic at the "
                                               "northern container terminal, the union said."])
    path = tmp_path / "pages.jsonl"
    path.write_text(json.dumps({"doc_id": "p1", "html": page}) + "\n", encoding="utf-8")
    corpus = kz.load_corpus(path)
    assert corpus.loc[0, "outlet"] == "Harbour Gazette" and "Dockworkers walked out" in corpus.loc[0, "text"]
    assert "html" not in corpus.columns


def test_each_document_gets_its_detected_language_and_metadata_language_wins(tmp_path: Path) -> None:
    from kzanalysis import languages

    make_corpus(tmp_path, {"en.txt": "Police detained dozens of protesters near the main square on Tuesday.",
                           "de.txt": "Die Polizei nahm am Dienstag Dutzende Demonstranten am Hauptplatz fest."},
                metadata="doc_id,file,language\nen,en.txt,\nde,de.txt,EN-GB\n")
    corpus = kz.load_corpus(tmp_path)
    assert corpus.set_index("doc_id")["detected_language"].to_dict() == {"de": "de", "en": "en"}
    assert languages.document_languages(corpus).to_dict() == {"de": "en", "en": "en"}  # the researcher said so
    kept, skipped = languages.split_by_language(corpus.drop(columns=["language"]))
    assert kept["doc_id"].tolist() == ["en"] and skipped[["doc_id", "language"]].values.tolist() == [["de", "de"]]


def test_languages_detected_on_workers_are_the_languages_detected_here(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk_calls) -> None:  # type: ignore[no-untyped-def]
    import json

    from kzanalysis import languages, parallel

    texts = ["Police detained dozens of protesters near the main square on Tuesday.",
             "Die Polizei nahm am Dienstag Dutzende Demonstranten am Hauptplatz fest.",
             "La police a interpellé des dizaines de manifestants mardi près de la place.", "2022 - 01 - 05"] * 3
    path = tmp_path / "articles.jsonl"
    path.write_text("".join(json.dumps({"doc_id": f"d{i:02d}", "text": t}) + "\n" for i, t in enumerate(texts)),
                    encoding="utf-8")
    here = kz.load_corpus(path)
    calls = chunk_calls(parallel)
    monkeypatch.setattr(languages, "PARALLEL_MIN_TEXTS", 2)
    monkeypatch.setattr(languages, "CHUNK_TEXTS", 5)
    there = kz.load_corpus(path, n_jobs=2)
    assert calls == [(2, 6)]  # twelve texts, two per chunk (kz.parallel cuts about four chunks per worker)
    pd.testing.assert_frame_equal(here, there)
    assert here["detected_language"].tolist()[:4] == ["en", "de", "fr", ""]


def test_check_corpus_checks_without_detecting_languages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A check reads and checks every record but does not detect languages (a quarter of loading 10,000 articles)."""
    import kzanalysis.languages

    table = tmp_path / "articles.jsonl"
    table.write_text('{"id": "1", "text": "Dockers walked out."}\n{"id": "2", "text": ""}\n', encoding="utf-8")
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "a.txt").write_text("Dockers walked out.", encoding="utf-8")

    def refuse(text: str) -> str:
        raise AssertionError("check_corpus detected a language")

    monkeypatch.setattr(kzanalysis.languages, "detect_language", refuse)
    bad = kz.check_corpus(table)
    assert not bad["ok"].iloc[0] and "line 2" in bad["problem"].iloc[0]
    good = tmp_path / "good.jsonl"
    good.write_text('{"id": "1", "text": "Dockers walked out."}\n', encoding="utf-8")
    assert kz.check_corpus(good)["ok"].all() and kz.check_corpus(folder)["ok"].all()
    with pytest.raises(AssertionError, match="detected a language"):
        kz.load_corpus(folder)
