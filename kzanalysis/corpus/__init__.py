"""Corpus stage: read a folder of articles (``.txt``, web pages; optional ``metadata.csv``) or one file of articles
(CSV export, JSON Lines, Parquet) into one table.

One job per module: ``decode`` (one file's bytes to text, strictly), ``folder`` (scanning a folder, every check),
``metadata`` (the metadata table and its match to the files), ``tables`` (files of articles), ``load`` (the
public loaders), ``parts`` (a corpus kept as part files, read one part per task). Every public name is importable
from here (``kz.corpus.load_corpus``).
"""

from __future__ import annotations

from ._base import (
    CHECK_COLUMNS, CORPUS_COLUMNS, CorpusError, FOLDER_ROW, MAX_DOCUMENT_BYTES, MIN_PAGE_WORDS,
    REQUIRED_METADATA_COLUMNS, UNKNOWN_OUTLET,
)
from .decode import (
    MAX_BAD_BYTES_LISTED, read_text,
)
from .metadata import (
    KNOWN_METADATA_COLUMNS,
)
from .tables import (
    CSV_SUFFIXES, ID_COLUMNS, OUTLET_COLUMNS, TABLE_SUFFIXES, TEXT_COLUMNS, load_article_table,
)
from .load import (
    check_corpus, corpus_fingerprint, load_corpus,
)
from .parts import (
    CorpusParts, PART_SUFFIXES, check_part_ids, corpus_parts,
)

__all__ = [
    "CHECK_COLUMNS",
    "CORPUS_COLUMNS",
    "CorpusError",
    "FOLDER_ROW",
    "MAX_DOCUMENT_BYTES",
    "MIN_PAGE_WORDS",
    "REQUIRED_METADATA_COLUMNS",
    "UNKNOWN_OUTLET",
    "MAX_BAD_BYTES_LISTED",
    "read_text",
    "KNOWN_METADATA_COLUMNS",
    "CSV_SUFFIXES",
    "ID_COLUMNS",
    "OUTLET_COLUMNS",
    "TABLE_SUFFIXES",
    "TEXT_COLUMNS",
    "load_article_table",
    "check_corpus",
    "corpus_fingerprint",
    "load_corpus",
    "CorpusParts",
    "PART_SUFFIXES",
    "check_part_ids",
    "corpus_parts",
]
