"""Inputs computed once per report run and shared by its notebooks: the corpus, paragraphs, body tokens and sentences
(and the body's counts per document, quotations and citations).

``kzanalysis report`` loads the corpus, splits it into paragraphs, tokenises the body paragraphs, splits them into
sentences and reads their quotations once, before any notebook starts (in a child process, whose memory is freed when
it ends), and writes the tables as Parquet files in ``<run folder>/shared/`` with the arguments they were made from
(:func:`share_inputs`). Each notebook asks :func:`run_inputs` for them: it reads the shared files when they were
made from the same corpus and options, and computes them itself otherwise (a notebook run by hand, a corpus subset,
no pyarrow). Either way it gets the same tables; the shared folder is removed when the report is put in place.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kzanalysis._rows import row_hashes

SHARED_FOLDER = "shared"
"""Folder of the shared tables inside a run's report folder."""
_KEY_FILE = "inputs.json"
_TABLES = ("corpus", "paragraphs", "tokens", "sentences", "document_counts", "quotes", "citations", "body_rows")


def _key(corpus_dir: Path | str, metadata: Path | str | None, text_column: str | None,
         id_column: str | None) -> dict[str, str | None]:
    return {"corpus": str(Path(corpus_dir).resolve()),
            "metadata": None if metadata is None else str(Path(metadata).resolve()),
            "text_column": text_column, "id_column": id_column}


def _parquet_available() -> bool:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def _read_shared(path: Path, columns: Sequence[str] | None = None, *, compact: bool = False) -> pd.DataFrame:
    """A shared Parquet table (in ``columns`` only, if given), read one column at a time; ``compact``: each column as
    :func:`kzanalysis.tokenize.compact_tokens` gives it, a text column read straight into a category (its Parquet
    dictionary), so the column is never held as strings.

    Read whole, a table is held twice for a moment (Arrow's copy and pandas' blocks), and Arrow's allocator keeps
    the buffers it freed for its own later use, which numpy and pandas never make: reading the 6.4 million tokens of
    10,000 articles took a notebook from 0.11 to 1.06 GB at its peak and left it at 0.66 GB, for a table of 0.46 GB.
    Column by column, with the freed buffers handed back after each, the peak was 0.70 GB.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pq.read_schema(path)
    if columns is None:
        stored_index = {name for name in (schema.pandas_metadata or {}).get("index_columns", [])
                        if isinstance(name, str)}
        columns = [name for name in schema.names if name not in stored_index]
    parts = []
    for name in columns:
        if not compact:
            parts.append(pd.read_parquet(path, columns=[name]))
        else:
            from kzanalysis.tokenize import compact_tokens

            kind = schema.field(name).type
            text = pa.types.is_string(kind) or pa.types.is_large_string(kind)
            parts.append(compact_tokens(pq.read_table(path, columns=[name], read_dictionary=[name]).to_pandas()
                                        if text else pd.read_parquet(path, columns=[name])))
        pa.default_memory_pool().release_unused()
    return pd.concat(parts, axis=1) if parts else pd.read_parquet(path, columns=[])


def share_inputs(
    corpus_dir: Path | str,
    *,
    out_dir: Path | str,
    metadata: Path | str | None = None,
    text_column: str | None = None,
    id_column: str | None = None,
    corpus: pd.DataFrame | None = None,
) -> Path | None:
    """Compute the corpus, its paragraphs, body tokens, sentences and quotations once and write them for a run's
    notebooks.

    Args:
        corpus_dir: The corpus, as given to :func:`kzanalysis.load_corpus`.
        out_dir: The run's report folder; the tables go to ``<out_dir>/shared/``.
        metadata: As for :func:`kzanalysis.load_corpus`.
        text_column: As for :func:`kzanalysis.load_corpus`.
        id_column: As for :func:`kzanalysis.load_corpus`.
        corpus: The corpus already loaded with these arguments (loaded here when ``None``).

    Returns:
        The shared folder, or ``None`` when pyarrow is not installed (then every notebook computes its own; the
        corpus is loaded all the same, so that a bad corpus is an error here).

    Example:
        >>> import tempfile
        >>> from kzanalysis import config
        >>> out = tempfile.mkdtemp()
        >>> folder = share_inputs(config.RAW_DIR, out_dir=out)
        >>> sorted(p.name for p in folder.iterdir())  # doctest: +NORMALIZE_WHITESPACE
        ['body_rows.parquet', 'citations.parquet', 'corpus.parquet', 'document_counts.parquet', 'inputs.json',
         'paragraphs.parquet', 'quotes.parquet', 'sentences.parquet', 'tokens.parquet']
        >>> run_inputs(config.RAW_DIR, out_dir=out).folder == folder
        True
    """
    from kzanalysis.corpus import load_corpus

    if corpus is None:  # loaded first, also without pyarrow: a bad corpus fails here, with the loader's message
        corpus = load_corpus(corpus_dir, metadata=metadata, text_column=text_column, id_column=id_column, n_jobs=-1)
    if not _parquet_available():
        return None
    folder = Path(out_dir) / SHARED_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    sizes = {"corpus": _write_table(folder / "corpus.parquet", [corpus])}
    # the other tables come chunk by chunk, each chunk written to its file as it arrives: at 100,000
    # articles the tokens table alone is 64 million rows, which no step holds whole
    with contextlib.ExitStack() as stack:
        writers = {name: stack.enter_context(_TableWriter(folder / f"{name}.parquet")) for name in _TABLES[1:]}
        for tables in _shared_chunks(corpus, n_jobs=-1):
            for name, writer in writers.items():
                writer.write(tables.pop(name))
    sizes.update({name: writer.bytes for name, writer in writers.items()})
    # the key is written last: a folder without it (an interrupted share) is never read
    record = {"key": _key(corpus_dir, metadata, text_column, id_column), "bytes_in_memory": sizes}
    (folder / _KEY_FILE).write_text(json.dumps(record), encoding="utf-8")
    return folder


def shared_bytes(folder: Path | str | None) -> int | None:
    """Memory the shared tables of a run take once read (pandas' ``memory_usage(deep=True)``, all tables summed),
    or ``None`` when nothing was shared.

    Example:
        >>> import tempfile
        >>> from kzanalysis import config
        >>> shared_bytes(share_inputs(config.RAW_DIR, out_dir=tempfile.mkdtemp())) > 0
        True
    """
    key_file = None if folder is None else Path(folder) / _KEY_FILE
    if key_file is None or not key_file.is_file():
        return None
    return int(sum(json.loads(key_file.read_text(encoding="utf-8"))["bytes_in_memory"].values()))


class _TableWriter:
    """One Parquet file written frame by frame (a row group or more each), in the first frame's columns and types;
    it takes its final name only when closed without an error (``<name>.partial`` until then).

    Every frame must have the first one's columns and dtypes (the tables shared here are made by one function,
    so they do); a frame that does not is an error, not a file of mixed types.
    """

    def __init__(self, path: Path) -> None:
        self.path, self.partial = path, path.with_name(path.name + ".partial")
        self.bytes = 0
        self._writer: Any = None

    def write(self, frame: pd.DataFrame) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.bytes += int(frame.memory_usage(deep=True, index=False).sum())
        schema = None if self._writer is None else self._writer.schema
        table = pa.Table.from_pandas(frame, schema=schema, preserve_index=False)
        if self._writer is None:
            self._writer = pq.ParquetWriter(self.partial, table.schema)
        self._writer.write_table(table)
        del table

    def __enter__(self) -> _TableWriter:
        return self

    def __exit__(self, kind: object, *rest: object) -> None:
        if self._writer is not None:
            self._writer.close()
        if kind is None:
            if self._writer is None:
                raise ValueError(f"{self.path.name}: no table was written")
            self.partial.replace(self.path)


def _write_table(path: Path, frames: Iterable[pd.DataFrame]) -> int:
    """Write ``frames``, one after the other, as the one Parquet file ``path``; their memory in bytes."""
    with _TableWriter(path) as writer:
        for frame in frames:
            writer.write(frame)
    return writer.bytes


PARALLEL_MIN_DOCS = 2_000
"""From this many documents :func:`share_inputs` splits paragraphs and tokenises in worker processes."""
CHUNK_DOCS = 400
"""Documents per chunk of that work (in one process too, below :data:`PARALLEL_MIN_DOCS`). Small enough that a
worker's memory stays within 300 MB of what it held after its first chunk: loky, joblib's process pool, takes more
for a leak and replaces the worker ("A worker stopped while some jobs were given to the executor"), which then
imports the package again. A chunk of 1,000 planted articles took about 380 MB (two replacements per 10,000
articles); chunks of 400 and of 250 took none."""


def _shared_tables_of(corpus: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """``kz.paragraphs(corpus)``, and ``kz.tokens``, ``kz.sentences``, ``kz.tokenize.document_counts``, ``kz.quotes``
    and ``kz.citations`` of its body units, and the units' :func:`_fingerprint` (top level, for worker processes)."""
    from kzanalysis.clean import body_paragraphs, paragraphs
    from kzanalysis.quotations import _read
    from kzanalysis.tokenize import document_counts, tokens_and_sentences

    paras = paragraphs(corpus)
    units = body_paragraphs(paras)
    toks, sents = tokens_and_sentences(units)
    quoted, cited = _read(units)  # framing, and claims and sources, read the same quotations: read once per run
    return {"paragraphs": paras, "tokens": toks, "sentences": sents,
            "document_counts": document_counts(units, sents, toks), "quotes": quoted, "citations": cited,
            "body_rows": pd.DataFrame({"row_hash": _fingerprint(units)})}


def _shared_chunks(corpus: pd.DataFrame, *, n_jobs: int | None) -> Iterator[dict[str, pd.DataFrame]]:
    """:func:`_shared_tables_of` the whole corpus, in chunks of whole documents on ``n_jobs`` workers, one chunk's
    tables at a time, in order.

    Every step works document by document and the corpus is sorted by ``doc_id``, so the chunks' tables, one
    after the other, are the tables of the whole corpus.
    """
    from kzanalysis.parallel import chunk_bounds, iter_chunks, workers

    n_workers = workers(n_jobs, len(corpus), min_items=PARALLEL_MIN_DOCS)
    # in chunks in one process too: a one-core machine never holds a whole table either
    bounds = chunk_bounds(len(corpus), n_workers, chunk_size=CHUNK_DOCS) or [(0, 0)]  # (no document: empty tables)
    yield from iter_chunks(_shared_tables_of, corpus, bounds, (), n_jobs=n_workers,
                           desc="paragraphs, tokens, sentences and quotations", show=False)


def _fingerprint(table: pd.DataFrame) -> np.ndarray:
    """One 64-bit hash per row of ``table``, of the row's values and of the table's column names (not its index).
    Row by row, so the hashes of a table made in chunks are the chunks' hashes one after the other."""
    names = pd.util.hash_array(np.asarray(["\x1f".join(map(str, table.columns))], dtype=object))[0]
    return row_hashes(table) ^ names


@dataclass
class RunInputs:
    """The corpus of a notebook and, on request, its paragraphs, body tokens and sentences: shared by the run or
    computed.

    Attributes:
        corpus: One row per document (:func:`kzanalysis.load_corpus`).
        folder: The run's shared folder these tables come from, or ``None`` (computed here).

    Example:
        >>> import kzanalysis as kz
        >>> inputs = RunInputs(kz.load_corpus())
        >>> inputs.folder is None, len(inputs.paragraphs()) == len(kz.paragraphs(inputs.corpus))
        (True, True)
    """

    corpus: pd.DataFrame
    folder: Path | None = None
    _cache: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    _body: np.ndarray | None = field(default=None, repr=False)

    def _shared_file(self, name: str) -> Path | None:
        """The run's shared table ``name``, or ``None`` when there is no shared folder or it lacks that table (a
        folder of an older version)."""
        path = None if self.folder is None else self.folder / f"{name}.parquet"
        return path if path is not None and path.is_file() else None

    def _table(self, name: str, columns: Sequence[str] | None = None, *, compact: bool = False) -> pd.DataFrame:
        """A new copy of one table (in ``columns`` only, if given). A shared table is read from its file at each
        call and not kept: a kept table besides the caller's copy holds twice its memory for the rest of the
        notebook (at 100,000 articles: tokens 64 million rows, paragraphs 1 GB). A table computed here is kept:
        computing is the slow part."""
        path = self._shared_file(name)
        if path is not None:
            return _read_shared(path, columns, compact=compact)
        if name not in self._cache:
            from kzanalysis.clean import body_paragraphs, paragraphs
            from kzanalysis.tokenize import sentences, tokens

            if name == "paragraphs":
                self._cache[name] = paragraphs(self.corpus)
            else:
                split = tokens if name == "tokens" else sentences
                self._cache[name] = split(body_paragraphs(self._table("paragraphs")))
        from kzanalysis.tokenize import compact_tokens

        table = self._cache[name] if columns is None else self._cache[name][list(columns)]
        return compact_tokens(table) if compact else table.copy()

    def paragraphs(self, corpus: pd.DataFrame | None = None) -> pd.DataFrame:
        """``kz.paragraphs(corpus)``: shared when ``corpus`` is the run's whole corpus (the default), or rows of it
        (e.g. the documents in an analysed language): then the shared paragraphs of those documents. A caller that
        needs a subset's paragraphs asks for them so rather than keeping the whole table to filter it (at 100,000
        articles the paragraphs held 1 GB for the rest of notebook 05).

        Example:
            >>> import kzanalysis as kz
            >>> inputs = run_inputs(kz.config.RAW_DIR)
            >>> inputs.paragraphs().equals(kz.paragraphs(inputs.corpus))
            True
            >>> some = inputs.corpus.iloc[[1, 3]].reset_index(drop=True)
            >>> inputs.paragraphs(some).equals(kz.paragraphs(some))
            True
        """
        from kzanalysis.clean import paragraphs

        if corpus is None or corpus is self.corpus or corpus.equals(self.corpus):
            return self._table("paragraphs")
        if self._shared_file("paragraphs") is not None and self._rows_of_corpus(corpus):
            table = self._table("paragraphs")
            return table[table["doc_id"].isin(corpus["doc_id"])].reset_index(drop=True)
        return paragraphs(corpus)

    def _rows_of_corpus(self, corpus: pd.DataFrame) -> bool:
        """Whether every row of ``corpus`` is a row of the run's corpus (same columns, same values)."""
        return list(corpus.columns) == list(self.corpus.columns) and bool(
            np.isin(_fingerprint(corpus), _fingerprint(self.corpus)).all())

    def tokens(self, units: pd.DataFrame, *, columns: Sequence[str] | None = None,
               compact: bool = False) -> pd.DataFrame:
        """``kz.tokens(units)``: shared when ``units`` are the body paragraphs of the whole corpus.

        Args:
            units: Body paragraphs.
            columns: Only these columns of the tokens table (all by default): a shared table is then read in
                these columns only, a fraction of its memory.
            compact: ``kz.compact_tokens`` of the table (categories and 32-bit integers, the same values in about
                40% of the memory), read so column by column: for a stage that holds the tokens whole.

        Example:
            >>> import kzanalysis as kz
            >>> inputs = run_inputs(kz.config.RAW_DIR)
            >>> units = kz.body_paragraphs(inputs.paragraphs())
            >>> inputs.tokens(units).equals(kz.tokens(units))
            True
            >>> inputs.tokens(units, columns=["doc_id", "stem"]).equals(kz.tokens(units)[["doc_id", "stem"]])
            True
        """
        from kzanalysis.tokenize import compact_tokens, tokens

        if self._whole_body(units):
            return self._table("tokens", columns, compact=compact)
        found = tokens(units)
        found = found if columns is None else found[list(columns)]
        return compact_tokens(found) if compact else found

    def sentences(self, units: pd.DataFrame, *, splitter: str = "auto") -> pd.DataFrame:
        """``kz.sentences(units, splitter=splitter)``: shared when ``units`` are the body paragraphs of the whole
        corpus and the shared sentences were split that way (``"auto"`` resolves to the same splitter everywhere
        on one machine).

        Example:
            >>> import kzanalysis as kz
            >>> inputs = run_inputs(kz.config.RAW_DIR)
            >>> units = kz.body_paragraphs(inputs.paragraphs())
            >>> inputs.sentences(units, splitter="punkt_abbrev").equals(kz.sentences(units, splitter="punkt_abbrev"))
            True
        """
        from kzanalysis.tokenize import sentences

        if self._whole_body(units):
            shared = self._table("sentences")
            if splitter == "auto" or (len(shared) and (shared["splitter"] == splitter).all()):
                return shared
        return sentences(units, splitter=splitter)  # type: ignore[arg-type]

    def document_counts(self, units: pd.DataFrame) -> pd.DataFrame:
        """``kz.tokenize.document_counts`` of ``units``: shared when they are the body paragraphs of the whole
        corpus (then no token is read: the run counted them as it tokenised).

        Example:
            >>> import kzanalysis as kz
            >>> inputs = run_inputs(kz.config.RAW_DIR)
            >>> units = kz.body_paragraphs(inputs.paragraphs())
            >>> counts = inputs.document_counts(units)
            >>> counts.equals(kz.tokenize.document_counts(units, kz.sentences(units), kz.tokens(units)))
            True
        """
        from kzanalysis.tokenize import document_counts

        return self._shared_or(units, "document_counts", lambda: document_counts(
            units, self.sentences(units), self.tokens(units, columns=["doc_id", "stem", "is_stop"])))

    def quotes(self, units: pd.DataFrame) -> pd.DataFrame:
        """``kz.quotes(units)``: shared when ``units`` are the body paragraphs of the whole corpus (the run read them
        once for every notebook).

        Example:
            >>> import kzanalysis as kz
            >>> inputs = run_inputs(kz.config.RAW_DIR)
            >>> units = kz.body_paragraphs(inputs.paragraphs())
            >>> inputs.quotes(units).equals(kz.quotes(units))
            True
        """
        from kzanalysis.quotations import quotes

        return self._shared_or(units, "quotes", lambda: quotes(units))

    def citations(self, units: pd.DataFrame) -> pd.DataFrame:
        """``kz.citations(units)``: shared when ``units`` are the body paragraphs of the whole corpus.

        Example:
            >>> import kzanalysis as kz
            >>> inputs = run_inputs(kz.config.RAW_DIR)
            >>> units = kz.body_paragraphs(inputs.paragraphs())
            >>> inputs.citations(units).equals(kz.citations(units))
            True
        """
        from kzanalysis.quotations import citations

        return self._shared_or(units, "citations", lambda: citations(units))

    def _shared_or(self, units: pd.DataFrame, name: str, compute: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        """The shared table ``name`` (made from the body paragraphs) when ``units`` are those, else ``compute()``."""
        path = self._shared_file(name)
        if path is not None and self._whole_body(units):
            return _read_shared(path)
        return compute()

    def _whole_body(self, units: pd.DataFrame) -> bool:
        """Whether ``units`` are the body paragraphs of the whole corpus (what the shared tables are made of).

        Compared row by row through 64-bit hashes of every value (:func:`_fingerprint`): the body itself is not
        kept for the comparison (0.5 GB at 100,000 articles). A run's hashes are shared too (``body_rows``, made
        chunk by chunk with the other tables); without them the body is made again from the paragraphs (at 10,000
        planted articles 1.1 of the 1.35 s of the first comparison)."""
        from kzanalysis.clean import body_paragraphs

        if self._body is None:
            path = self._shared_file("body_rows")
            self._body = (pd.read_parquet(path)["row_hash"].to_numpy() if path is not None
                          else _fingerprint(body_paragraphs(self._table("paragraphs"))))
        return len(units) == len(self._body) and bool((_fingerprint(units) == self._body).all())

    def earlier_table(self, name: str, doc_ids: Iterable[object]) -> pd.DataFrame | None:
        """A table an earlier notebook of this same report run wrote about these documents, or ``None``.

        Only inside a run that shared its inputs (``folder`` set): a report folder left from another run, or a
        notebook run by hand, gives ``None``, and the notebook computes the table itself.

        Example:
            >>> import kzanalysis as kz
            >>> RunInputs(kz.load_corpus()).earlier_table("stories", ["000"]) is None
            True
        """
        from kzanalysis.report.tables import read_table_for

        if self.folder is None:
            return None
        return read_table_for(name, doc_ids, out_dir=self.folder.parent)


def run_inputs(
    corpus_dir: Path | str,
    *,
    metadata: Path | str | None = None,
    text_column: str | None = None,
    id_column: str | None = None,
    out_dir: Path | str | None = None,
) -> RunInputs:
    """A notebook's corpus, read from the run's shared tables when they were made from these arguments.

    Args:
        corpus_dir: The corpus, as given to :func:`kzanalysis.load_corpus`.
        metadata: As for :func:`kzanalysis.load_corpus`.
        text_column: As for :func:`kzanalysis.load_corpus`.
        id_column: As for :func:`kzanalysis.load_corpus`.
        out_dir: The report folder of the run (``None``: nothing shared, everything computed here).

    Returns:
        A :class:`RunInputs`; ``.corpus`` is what ``kz.load_corpus`` gives.

    Example:
        >>> from kzanalysis import config
        >>> len(run_inputs(config.RAW_DIR).corpus)
        5
    """
    from kzanalysis.corpus import load_corpus

    folder = Path(out_dir) / SHARED_FOLDER if out_dir is not None else None
    key_file = folder / _KEY_FILE if folder is not None else None
    if key_file is not None and key_file.is_file() and _parquet_available():
        record = json.loads(key_file.read_text(encoding="utf-8"))
        if record["key"] == _key(corpus_dir, metadata, text_column, id_column):
            return RunInputs(_read_shared(folder / "corpus.parquet"), folder)  # type: ignore[operator]
    return RunInputs(load_corpus(corpus_dir, metadata=metadata, text_column=text_column, id_column=id_column))
