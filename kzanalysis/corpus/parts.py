"""A corpus in parts: a folder of part files (a Parquet dataset, JSON Lines parts), read one part at a time.

A corpus too large for one process is kept as the part files a database export, Spark or Dask writes
(``part-0000.parquet``, ``part-0001.parquet``, ...). :func:`corpus_parts` lists them; each task of a partitioned
stage (``kz.tfidf(parts)``, ``kz.overlap.near_duplicates(parts)``) reads its own part with
:func:`load_article_table`, so the part is checked, and its errors named, exactly as a single file is.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ._base import CorpusError
from .tables import load_article_table

PART_SUFFIXES: tuple[str, ...] = (".parquet", ".jsonl", ".ndjson")
"""File endings :func:`corpus_parts` takes as parts of a corpus."""


@dataclass(frozen=True)
class CorpusParts:
    """A corpus kept as part files: ``files[n]`` is part ``n``, read only when a task needs it.

    Attributes:
        files: The part files, in the order of :func:`corpus_parts` (sorted by path).
        text_column: Passed to :func:`load_article_table` for every part.
        id_column: Passed to :func:`load_article_table` for every part.

    Example:
        >>> import tempfile, pathlib
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "part-0.jsonl").write_text('{"id": "a", "text": "Dockers walked out."}\\n')
        >>> _ = (folder / "part-1.jsonl").write_text('{"id": "b", "text": "The port reopened."}\\n')
        >>> parts = corpus_parts(folder)
        >>> len(parts), parts.read(1)["doc_id"].tolist(), parts.load()["doc_id"].tolist()
        (2, ['b'], ['a', 'b'])
    """

    files: tuple[Path, ...]
    text_column: str | None = None
    id_column: str | None = None

    def __len__(self) -> int:
        return len(self.files)

    def read(self, n: int) -> pd.DataFrame:
        """Part ``n`` as a corpus table (see :func:`load_article_table`), sorted by ``doc_id``."""
        return load_article_table(self.files[n], text_column=self.text_column, id_column=self.id_column)

    def load(self) -> pd.DataFrame:
        """The whole corpus in this process: every part, one table sorted by ``doc_id`` (for corpora that fit).

        Raises:
            CorpusError: As :func:`load_article_table` for a bad part, or when two parts hold the same ``doc_id``.
        """
        return self._joined([self.read(n) for n in range(len(self))])

    def sample(self, *, fraction: float, random_state: int = 0) -> pd.DataFrame:
        """A random share of the documents, in this process: e.g. to fit topics on (``kz.topics.assign_topics``
        then puts every paragraph of the parts on them).

        A document is kept when a hash of its id and ``random_state`` falls below ``fraction``, so the sample
        does not depend on how the corpus is cut into parts, and each part is read by its own task (on the
        cluster of :func:`kzanalysis.parallel.use_scheduler`, or in this process).

        Args:
            fraction: Expected share of documents kept, in (0, 1].
            random_state: Seed of the hash.

        Returns:
            The kept documents as one corpus table sorted by ``doc_id`` (about ``fraction`` of them).

        Example:
            >>> import tempfile, pathlib, json
            >>> folder = pathlib.Path(tempfile.mkdtemp())
            >>> rows = [json.dumps({"id": f"d{n}", "text": "Dockers walked out."}) for n in range(1000)]
            >>> _ = (folder / "part-0.jsonl").write_text("\\n".join(rows))
            >>> len(corpus_parts(folder).sample(fraction=0.1))
            109
        """
        if not 0 < fraction <= 1:
            raise ValueError(f"fraction must be in (0, 1], not {fraction}")
        import dask

        from ..parallel import compute

        return self._joined(list(compute(*[dask.delayed(_sampled_part)(self, n, fraction, random_state)
                                           for n in range(len(self))])))

    def _joined(self, tables: list[pd.DataFrame]) -> pd.DataFrame:
        """Tables of the parts as one corpus table, sorted by ``doc_id``; an id in two parts is an error."""
        check_part_ids(self, [table["doc_id"].to_numpy(dtype=str) for table in tables])
        corpus = pd.concat(tables, ignore_index=True)
        blank = [c for c in corpus.columns if corpus[c].dtype == object and corpus[c].isna().any()]
        corpus[blank] = corpus[blank].fillna("")  # a metadata column only some parts have is blank elsewhere
        return corpus.sort_values("doc_id", kind="stable").reset_index(drop=True)


def _sampled_part(parts: CorpusParts, n: int, fraction: float, random_state: int) -> pd.DataFrame:
    """The documents of part ``n`` whose id hashes below ``fraction``."""
    corpus = parts.read(n)
    if fraction >= 1:
        return corpus
    draws = np.array([int.from_bytes(hashlib.blake2b(f"{random_state}:{doc_id}".encode(), digest_size=8).digest(),
                                     "little") for doc_id in corpus["doc_id"]], dtype=np.uint64)
    return corpus[draws < np.uint64(int(fraction * 2**64))].reset_index(drop=True)


def corpus_parts(path: Path | str, *, text_column: str | None = None, id_column: str | None = None) -> CorpusParts:
    """The part files of a corpus folder (a Parquet dataset, or JSON Lines files), or one file as a single part.

    Files ending in :data:`PART_SUFFIXES` are parts, found in subfolders too (a dataset partitioned by
    ``year=2022/`` folders); names starting with ``.`` or ``_`` (``_SUCCESS``, ``_metadata``) are skipped.
    Nothing is read here: each part is read, and checked, by the task that needs it.

    Args:
        path: A folder of part files, or one ``.parquet`` / ``.jsonl`` / ``.ndjson`` file.
        text_column: The column holding the article text in every part (default: as :func:`load_article_table`).
        id_column: The column holding the document id in every part. Without one, ids are
            ``<file stem>-<row>``, so parts must have different stems.

    Returns:
        A :class:`CorpusParts`.

    Raises:
        CorpusError: If ``path`` does not exist or holds no part file.

    Example:
        >>> import tempfile, pathlib
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "part-0.jsonl").write_text('{"id": "a", "text": "Dockers walked out."}\\n')
        >>> [f.name for f in corpus_parts(folder).files]
        ['part-0.jsonl']
    """
    path = Path(path)
    if not path.exists():
        raise CorpusError(f"{path}: no such file or folder")
    if path.is_file():
        if path.suffix.lower() not in PART_SUFFIXES:
            raise CorpusError(f"{path}: a corpus part must end in {', '.join(PART_SUFFIXES)}")
        files = [path]
    else:
        files = sorted(f for f in path.rglob("*") if f.is_file() and f.suffix.lower() in PART_SUFFIXES
                       and not any(p.startswith((".", "_")) for p in f.relative_to(path).parts))
        if not files:
            raise CorpusError(f"{path}: no part files ({', '.join('*' + s for s in PART_SUFFIXES)}) in the folder "
                              "or its subfolders")
    return CorpusParts(files=tuple(files), text_column=text_column, id_column=id_column)


def check_part_ids(parts: CorpusParts, ids: list[np.ndarray]) -> None:
    """Raise if two parts hold the same document id (``ids[n]``: the ids of part ``n``).

    Raises:
        CorpusError: Naming the id and both part files.

    Example:
        >>> parts = CorpusParts(files=(Path("p0.jsonl"), Path("p1.jsonl")))
        >>> check_part_ids(parts, [np.array(["a"]), np.array(["b"])])
        >>> check_part_ids(parts, [np.array(["a"]), np.array(["a"])])
        Traceback (most recent call last):
        ...
        kzanalysis.corpus._base.CorpusError: p1.jsonl: doc_id 'a' is also in p0.jsonl; ids must be unique across parts.
    """
    if not ids:
        return
    all_ids = np.concatenate([np.asarray(part, dtype=str) for part in ids])
    part_of = np.repeat(np.arange(len(ids)), [len(part) for part in ids])
    order = np.argsort(all_ids, kind="stable")
    sorted_ids = all_ids[order]
    again = np.flatnonzero(sorted_ids[1:] == sorted_ids[:-1])
    if len(again):
        first, second = order[again[0]], order[again[0] + 1]
        raise CorpusError(f"{parts.files[part_of[second]]}: doc_id {str(all_ids[second])!r} is also in "
                          f"{parts.files[part_of[first]]}; ids must be unique across parts.")
