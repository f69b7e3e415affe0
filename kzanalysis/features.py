"""Features stage: TF-IDF matrices over the package's tokens, with their row ids and terms."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain
from numbers import Integral
from typing import Any, Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.preprocessing import normalize

from .corpus import CorpusParts, check_part_ids
from .languages import unit_languages
from .parallel import chunk_bounds, compute, persist, run_chunks, workers
from .tokenize import _index_type, analysis_tokens

Grain = Literal["document", "paragraph"]
Term = Literal["stem", "lower"]

_ID_COLUMNS: dict[str, list[str]] = {"document": ["doc_id"], "paragraph": ["doc_id", "para_id"]}


@dataclass(frozen=True, eq=False)
class Weighting:
    """How a :class:`Features` weighed its terms, so that other rows can be weighed the same way (:func:`transform`).

    Attributes:
        idf: The idf of each of the features' terms (float64, same order).
        drop_stop_words: Whether stop words were left out.
        drop_numbers: Whether pure numbers were left out.
        sublinear_tf: Whether ``1 + ln(count)`` replaced the count.
        norm: ``"l2"``, ``"l1"`` or ``None``.

    Example:
        >>> units = pd.DataFrame({"doc_id": ["a", "b"], "para_id": [0, 0],
        ...                       "text": ["Protesters met police.", "Police met the army."]})
        >>> tfidf(units).weighting.idf.round(3).tolist()  # armi, met, polic, protest
        [1.405, 1.0, 1.0, 1.405]
    """

    idf: np.ndarray
    drop_stop_words: bool
    drop_numbers: bool
    sublinear_tf: bool
    norm: str | None


@dataclass(frozen=True, eq=False)
class Features:
    """A term-weight matrix that travels with its row ids and terms.

    Attributes:
        matrix: ``scipy.sparse`` CSR matrix of float64, one row per row of ``ids``, one column per term.
        ids: One row per matrix row: ``doc_id`` for document grain, ``doc_id`` and ``para_id`` for
            paragraph grain, sorted, with a 0..n-1 index.
        terms: The column terms (``np.ndarray`` of str), sorted.
        grain: ``"document"`` or ``"paragraph"``.
        term: ``"stem"`` or ``"lower"``: what the terms are.
        weighting: How the terms were weighed (:func:`tfidf` sets it), for :func:`transform`; ``None`` for a
            matrix made elsewhere.

    Example:
        >>> units = pd.DataFrame({"doc_id": ["a", "b"], "para_id": [0, 0],
        ...                       "text": ["Protesters met police.", "Police met the army."]})
        >>> features = tfidf(units)
        >>> features.ids["doc_id"].tolist(), features.grain, features.matrix.shape
        (['a', 'b'], 'document', (2, 4))
    """

    matrix: sp.csr_matrix
    ids: pd.DataFrame
    terms: np.ndarray
    grain: Grain
    term: Term
    weighting: Weighting | None = None

    def __post_init__(self) -> None:
        if self.grain not in _ID_COLUMNS:
            raise ValueError(f"grain must be 'document' or 'paragraph', not {self.grain!r}")
        if self.term not in ("stem", "lower"):
            raise ValueError(f"term must be 'stem' or 'lower', not {self.term!r}")
        if not sp.issparse(self.matrix) or self.matrix.format != "csr":
            raise TypeError(f"matrix must be a scipy.sparse CSR matrix, not {type(self.matrix).__name__}")
        if list(self.ids.columns) != _ID_COLUMNS[self.grain]:
            raise ValueError(
                f"ids for {self.grain} grain must have columns {_ID_COLUMNS[self.grain]}, not {list(self.ids.columns)}"
            )
        if self.terms.ndim != 1 or self.matrix.shape != (len(self.ids), len(self.terms)):
            raise ValueError(
                f"matrix shape {self.matrix.shape} does not match {len(self.ids)} ids x {len(self.terms)} terms"
            )
        if self.weighting is not None and self.weighting.idf.shape != self.terms.shape:
            raise ValueError(f"weighting has {len(self.weighting.idf)} idf values for {len(self.terms)} terms")


def _check_choice(name: str, value: object, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ValueError(f"{name} must be one of {choices}, not {value!r}")


TOKEN_COLUMNS: tuple[str, ...] = ("doc_id", "para_id", "stem", "is_stop", "is_number")
"""The columns of ``kz.tokens`` that :func:`tfidf` reads from a tokens frame with its default ``term="stem"`` (with
``lower`` instead of ``stem`` for ``term="lower"``): a notebook can read only these from a run's shared tokens
(the order of a row's tokens does not change its counts, so ``token_id`` is not needed)."""

PARALLEL_MIN_TEXTS = 20_000
"""Below this many texts :func:`tfidf` tokenizes in one process (workers and their stem caches cost more)."""
CHUNK_TEXTS = 5_000
"""Texts per chunk of tokenizing work."""


def _tokenize_chunk(items: list[tuple[str, str]], options: dict[str, Any]) -> list[list[str]]:
    """Analysis tokens of each ``(text, language)`` (top level, for worker processes)."""
    return [analysis_tokens(text, **options, language=language) for text, language in items]


def _term_lists_from_units(
    units: pd.DataFrame, *, grain: Grain, term: Term, drop_stop_words: bool, drop_numbers: bool, n_jobs: int | None,
    min_parallel: int,
) -> tuple[pd.DataFrame, list[list[str]]]:
    """Row ids and each row's terms, from analysis units tokenized in chunks (in worker processes when large)."""
    columns = ["doc_id", "para_id", "text", *(["language"] if "language" in units.columns else [])]
    ordered = _ordered_units(units[columns])
    texts = [text if isinstance(text, str) else "" for text in ordered["text"].tolist()]
    items = list(zip(texts, unit_languages(ordered)))
    options = {"term": term, "drop_stop_words": drop_stop_words, "drop_numbers": drop_numbers}
    n_workers = workers(n_jobs, len(items), min_items=min_parallel)
    chunks = run_chunks(_tokenize_chunk, items, chunk_bounds(len(items), n_workers, chunk_size=CHUNK_TEXTS),
                        (options,), n_jobs=n_workers, desc="tokens", show=False)
    term_lists = [terms for chunk in chunks for terms in chunk]
    if grain == "paragraph":
        return ordered[["doc_id", "para_id"]], term_lists
    doc_codes, doc_ids = pd.factorize(ordered["doc_id"], sort=False)  # sorted already: first-seen order is sorted
    joined: list[list[str]] = [[] for _ in range(len(doc_ids))]
    for code, terms in zip(doc_codes, term_lists):
        joined[code].extend(terms)
    return _document_ids(doc_ids, units["doc_id"].dtype), joined


def _ordered_units(units: pd.DataFrame) -> pd.DataFrame:
    """``units`` sorted by ``doc_id, para_id`` (stable); duplicates are an error."""
    ordered = units.sort_values(["doc_id", "para_id"], kind="stable")
    if ordered.duplicated(["doc_id", "para_id"]).any():
        raise ValueError("units must have one row per (doc_id, para_id); found duplicates")
    return ordered


def _document_ids(doc_ids: Any, dtype: Any) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": pd.Series(np.asarray(doc_ids), dtype=dtype)})


def _row_ids(units: pd.DataFrame, *, grain: Grain) -> pd.DataFrame:
    """The row ids :func:`tfidf` gives ``units`` (a units frame): sorted, one per unit or per document."""
    missing = [column for column in ("doc_id", "para_id") if column not in units.columns]
    if missing:
        raise ValueError(f"rows need doc_id and para_id columns; missing {missing}")
    ordered = _ordered_units(units[["doc_id", "para_id"]])
    if grain == "paragraph":
        return ordered
    return _document_ids(pd.factorize(ordered["doc_id"], sort=False)[1], units["doc_id"].dtype)


def _on_rows(counts: _Counts, ids: pd.DataFrame) -> _Counts:
    """``counts`` with one row per row of ``ids`` (in its order): rows ``counts`` lacks are empty.

    Raises:
        ValueError: If ``counts`` has a row that ``ids`` lacks (tokens of other units).
    """
    keys = list(ids.columns)
    at = counts.ids[keys].astype({"doc_id": str}).merge(
        ids.astype({"doc_id": str}).assign(_row=np.arange(len(ids))), on=keys, how="left")["_row"]
    if at.isna().any():
        first = counts.ids.iloc[int(np.flatnonzero(at.isna().to_numpy())[0])].tolist()
        raise ValueError(f"the tokens hold a unit that rows does not: {dict(zip(keys, first))}")
    matrix = counts.matrix.tocoo()
    moved = sp.csr_matrix((matrix.data, (at.to_numpy(dtype=np.int64)[matrix.row], matrix.col)),
                          shape=(len(ids), matrix.shape[1]), dtype=np.float64)
    moved.sort_indices()
    return _Counts(ids=ids.reset_index(drop=True), matrix=moved, terms=counts.terms)


def _counts_from_tokens(
    token_frame: pd.DataFrame, *, grain: Grain, term: Term, drop_stop_words: bool, drop_numbers: bool
) -> _Counts:
    """Term counts of each row (document or unit) of a tokens frame."""
    keys = _ID_COLUMNS[grain]
    order = ["doc_id", "para_id", "token_id"] if "token_id" in token_frame.columns else ["doc_id", "para_id"]
    ordered = token_frame.sort_values(order, kind="stable")
    # the ids compared as codes: not as an array of one Python string per token (64 million at 100,000 articles)
    documents = pd.factorize(ordered["doc_id"], sort=False)[0]
    keep = np.ones(len(ordered), dtype=bool)
    if drop_stop_words:
        keep &= ~ordered["is_stop"].to_numpy(dtype=bool)
    if drop_numbers:
        if "is_number" not in ordered.columns:
            raise ValueError("a tokens frame needs an is_number column to drop numbers (make it with kz.tokens)")
        keep &= ~ordered["is_number"].to_numpy(dtype=bool)
    # sorted by the keys, each row's tokens are one run: a row starts where a key changes
    starts = np.zeros(len(ordered), dtype=bool)
    starts[:1] = True
    for values in [documents, *(ordered[key].to_numpy() for key in keys[1:])]:
        starts[1:] |= values[1:] != values[:-1]
    ids = ordered.loc[starts, keys].reset_index(drop=True)
    return _count_codes(ids, np.cumsum(starts)[keep] - 1, ordered[term].array[keep])


def _check_df(min_df: int | float, max_df: int | float, n_rows: int) -> None:
    low = min_df if isinstance(min_df, Integral) else min_df * n_rows
    high = max_df if isinstance(max_df, Integral) else max_df * n_rows
    if high < low:
        raise ValueError(f"max_df={max_df!r} keeps fewer rows than min_df={min_df!r} asks for")


@dataclass(frozen=True, eq=False)
class _Counts:
    """Term counts of one block of rows (all rows, or one partition): CSR float64 over the block's own terms."""

    ids: pd.DataFrame
    matrix: sp.csr_matrix
    terms: np.ndarray

    @property
    def document_frequencies(self) -> np.ndarray:
        """Rows holding each of :attr:`terms`."""
        return np.bincount(self.matrix.indices, minlength=len(self.terms)).astype(np.int64)


def _count_codes(ids: pd.DataFrame, rows: np.ndarray, terms: Any) -> _Counts:
    """Count the terms of each row over the block's own sorted vocabulary: ``terms[i]`` is a term of row
    ``rows[i]``. The counts of scikit-learn's ``CountVectorizer`` (terms sorted as Python sorts strings), found by
    hashing the terms once instead of counting them in a Python loop."""
    codes, distinct = pd.factorize(terms, sort=False)
    if len(codes) and codes.min() < 0:
        raise ValueError(f"a term is missing (row {int(np.asarray(rows)[np.argmin(codes)])} of the counted rows): "
                         "every token needs its term")
    return _count_coded(ids, rows, codes, np.asarray(distinct, dtype=object))


def _count_coded(ids: pd.DataFrame, rows: np.ndarray, codes: np.ndarray, types: np.ndarray) -> _Counts:
    """:func:`_count_codes` of terms given as codes: ``types[codes[i]]`` is a term of row ``rows[i]``. The
    vocabulary is the types that occur, sorted as Python sorts strings.

    Each (row, term) is one 64-bit key, sorted in place; a run of equal keys is one count. (A sparse matrix built
    from one entry per term took several arrays as long as the terms at once, 44 million of them in the documents
    of 100,000 planted articles: there notebook 01's largest memory.)

    Example:
        >>> counts = _count_coded(pd.DataFrame({"doc_id": ["a", "b"]}), np.array([0, 0, 1, 0]),
        ...                       np.array([2, 0, 2, 2]), np.array(["riot", "unused", "army"], dtype=object))
        >>> counts.terms.tolist(), counts.matrix.toarray().tolist()
        (['army', 'riot'], [[2.0, 1.0], [1.0, 0.0]])
    """
    present = np.flatnonzero(np.bincount(codes, minlength=len(types))) if len(codes) else np.zeros(0, np.int64)
    order = present[np.argsort(types[present], kind="stable")]  # Python's order of the strings themselves
    rank = np.empty(len(types), dtype=np.int64)
    rank[order] = np.arange(len(order))
    n_rows, n_terms = len(ids), len(order)
    keys = np.multiply(rows, n_terms, dtype=np.int64)
    keys += rank[codes]
    keys.sort()
    new = np.ones(len(keys), dtype=bool)
    np.not_equal(keys[1:], keys[:-1], out=new[1:])
    firsts = np.flatnonzero(new)
    del new
    counts = np.diff(np.append(firsts, len(keys))).astype(np.float64)
    keys = keys[firsts]
    del firsts
    index = _index_type(max(n_terms, len(keys)))
    indptr = np.zeros(n_rows + 1, dtype=index)
    np.cumsum(np.bincount(keys // max(n_terms, 1), minlength=n_rows), out=indptr[1:])
    matrix = sp.csr_matrix((counts, (keys % max(n_terms, 1)).astype(index), indptr), shape=(n_rows, n_terms))
    matrix.sort_indices()  # they are: this only checks them and says so
    return _Counts(ids=ids, matrix=matrix, terms=types[order].astype(str))


def _count_terms(ids: pd.DataFrame, term_lists: list[list[str]]) -> _Counts:
    """Count each row's terms over the block's own sorted vocabulary (as :func:`_count_codes`)."""
    lengths = np.fromiter(map(len, term_lists), dtype=np.int64, count=len(term_lists))
    flat = np.empty(int(lengths.sum()), dtype=object)
    flat[:] = list(chain.from_iterable(term_lists))
    return _count_codes(ids, np.repeat(np.arange(len(term_lists)), lengths), flat)


def _merged_frequencies(blocks: list[tuple[np.ndarray, np.ndarray, int]]) -> tuple[np.ndarray, np.ndarray, int]:
    """Terms (sorted), document frequencies and rows of several blocks' ``(terms, frequencies, rows)``."""
    terms = np.concatenate([b[0] for b in blocks]) if blocks else np.zeros(0, dtype=str)
    frequencies = np.concatenate([b[1] for b in blocks]) if blocks else np.zeros(0, dtype=np.int64)
    merged, where = np.unique(terms, return_inverse=True)
    return merged, np.bincount(where, weights=frequencies, minlength=len(merged)).astype(np.int64), \
        sum(b[2] for b in blocks)


def _vocabulary(terms: np.ndarray, frequencies: np.ndarray, n_rows: int, *, min_df: int | float,
                max_df: int | float, grain: str) -> tuple[np.ndarray, np.ndarray]:
    """The kept terms and their idf, as scikit-learn's ``TfidfVectorizer`` (smooth idf) keeps and weighs them."""
    high = max_df if isinstance(max_df, Integral) else max_df * n_rows
    low = min_df if isinstance(min_df, Integral) else min_df * n_rows
    keep = (frequencies <= high) & (frequencies >= low)
    if not keep.any():
        raise ValueError(
            f"empty vocabulary: min_df={min_df!r} and max_df={max_df!r} removed every term of"
            f" {n_rows} {grain} rows; lower min_df or raise max_df"
        )
    df = frequencies[keep].astype(np.float64) + 1.0  # smoothing, exactly as TfidfTransformer.fit does it
    idf = np.full_like(df, fill_value=n_rows + 1, dtype=np.float64)
    idf /= df
    np.log(idf, out=idf)
    idf += 1.0
    return terms[keep], idf


def _weigh(counts: _Counts, vocabulary: np.ndarray, idf: np.ndarray, *, sublinear_tf: bool,
           norm: str | None) -> sp.csr_matrix:
    """The TF-IDF rows of a block of counts, over the whole corpus's ``vocabulary`` (sorted) and ``idf``."""
    matrix = counts.matrix
    position = np.searchsorted(vocabulary, counts.terms)
    found = position < len(vocabulary)
    found[found] = vocabulary[position[found]] == counts.terms[found]
    column = np.where(found, position, -1)[matrix.indices]
    keep = column >= 0
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))[keep]
    weights = sp.csr_matrix((matrix.data[keep], (rows, column[keep])), shape=(matrix.shape[0], len(vocabulary)),
                            dtype=np.float64)
    weights.sort_indices()
    if sublinear_tf:
        np.log(weights.data, weights.data)
        weights.data += 1.0
    weights.data *= idf[weights.indices]
    if norm is not None:
        weights = sp.csr_matrix(normalize(weights, norm=norm, copy=False))
    return weights


def tfidf(
    units: pd.DataFrame | CorpusParts,
    *,
    grain: Grain = "document",
    term: Term = "stem",
    drop_stop_words: bool = True,
    drop_numbers: bool = True,
    min_df: int | float = 1,
    max_df: float = 1.0,
    sublinear_tf: bool = True,
    norm: Literal["l1", "l2"] | None = "l2",
    n_jobs: int | None = -1,
    parallel_min_texts: int = PARALLEL_MIN_TEXTS,
    rows: pd.DataFrame | None = None,
) -> Features:
    """TF-IDF weights of terms per document or per paragraph: scikit-learn's ``TfidfVectorizer`` weighting (smooth
    idf) over the package's tokens (:func:`kzanalysis.analysis_tokens`, each text in its language).

    ``idf = ln((1 + n) / (1 + df)) + 1`` with ``n`` rows and ``df`` the number of rows holding the term;
    the weight is ``tf * idf`` (``tf = 1 + ln(count)`` when ``sublinear_tf``), then each row is scaled
    to unit ``norm``. Terms are counted per block of rows (scikit-learn's ``CountVectorizer``), the document
    frequencies of the blocks merged, and each block weighed over the merged vocabulary: the whole frame is one
    block; a corpus in parts is one block per part, as Dask tasks, with the same result to the last bit. (A
    weight can differ from ``TfidfVectorizer``'s in its last bit: a row's squares are summed in term order.)

    Args:
        units: Either analysis units (``doc_id``, ``para_id``, ``text``; tokenized with
            :func:`kzanalysis.analysis_tokens`) or a tokens frame from :func:`kzanalysis.tokens`
            (recognised by its ``is_stop`` and ``stem``/``lower`` columns; use this to apply your own
            stop words), or a corpus in parts (:func:`kzanalysis.corpus_parts`: each part is read, made into
            body units with ``kz.body_paragraphs(kz.paragraphs(...))`` and counted as a task on the cluster of
            :func:`kzanalysis.parallel.use_scheduler`, or in this process without one; ``n_jobs`` is not used).
            Not modified.
        grain: ``"document"`` (a document's units joined in ``para_id`` order) or ``"paragraph"``.
        term: Count ``"stem"`` (Snowball stems) or ``"lower"`` (lower-cased words).
        drop_stop_words: Leave out stop words (for a tokens frame, the rows flagged ``is_stop``).
        drop_numbers: Leave out pure numbers ("18", "3,000").
        min_df: Keep terms in at least this many rows (int) or this share of rows (float).
        max_df: Keep terms in at most this share of rows (float) or this many rows (int).
        sublinear_tf: Use ``1 + ln(count)`` instead of the raw count.
        norm: Scale each row to unit ``"l2"`` or ``"l1"`` norm, or ``None`` for raw weights.
        n_jobs: Workers that tokenize a units frame, scikit-learn's meaning (``-1``: all cores, or all the
            cluster's threads after :func:`kzanalysis.parallel.use_scheduler`; ``None``: one); used from
            ``parallel_min_texts`` texts on, the result is the same either way.
        parallel_min_texts: Fewest texts worth starting worker processes for.
        rows: With a tokens frame, the analysis units it was made from (``doc_id``, ``para_id``): every one of them
            (or its document) is then a row, also one without a token, and the features are those of the units
            themselves, to the last bit, without tokenizing their texts again (also from ``kz.compact_tokens`` of
            the frame). ``None``: rows only for the units (documents) that have tokens, their ids of the types the
            tokens have (from compact tokens: a category and 32-bit integers). Memory: the tokens frame is
            held whole and sorted (a copy): give it compact, as the notebooks do. At 10,000 planted articles a
            document TF-IDF took 0.27 GB above its start from compact shared tokens (4.7 s), 0.60 GB from plain
            ones (6.0 s) and 0.18 GB from the units' texts (16.5 s); at 100,000, 11.2 GB at the peak of notebook 00
            from plain ones, where its texts took 7.8 GB.

    Returns:
        :class:`Features`: ``matrix`` (CSR float64, one row per document or per (doc_id, para_id),
        one column per term), ``ids`` (``doc_id``, plus ``para_id`` for paragraph grain; sorted), and
        ``terms`` (sorted). With a units frame every unit is a row, even one with no terms left (an
        all-zero row); a tokens frame has rows only for units that have tokens.

    Raises:
        ValueError: If columns are missing, a choice is unknown, or no term is left (every token a
            stop word or number, or ``min_df``/``max_df`` removed them all), or the tokens hold a unit that
            ``rows`` does not.

    Example:
        >>> units = pd.DataFrame({"doc_id": ["a", "b"], "para_id": [0, 0],
        ...                       "text": ["Protesters met police.", "Police met the army."]})
        >>> features = tfidf(units)
        >>> features.terms.tolist(), features.matrix.shape
        (['armi', 'met', 'polic', 'protest'], (2, 4))
        >>> from kzanalysis import tokens
        >>> from_tokens = tfidf(tokens(units), rows=units)  # the same, from tokens made once
        >>> (from_tokens.matrix != features.matrix).nnz
        0
    """
    _check_choice("grain", grain, ("document", "paragraph"))
    _check_choice("term", term, ("stem", "lower"))
    _check_choice("norm", norm, ("l1", "l2", None))
    options = {"grain": grain, "term": term, "drop_stop_words": drop_stop_words, "drop_numbers": drop_numbers}
    if isinstance(units, CorpusParts):
        if rows is not None:
            raise ValueError("rows is for a tokens frame: a corpus in parts gives one row per unit")
        return _tfidf_of_parts(units, options=options, min_df=min_df, max_df=max_df, sublinear_tf=sublinear_tf,
                               norm=norm)
    columns = set(units.columns)
    if not {"doc_id", "para_id"} <= columns:
        raise ValueError("units need doc_id and para_id columns")
    if term in columns and "is_stop" in columns:
        counts = _counts_from_tokens(units, **options)
        if rows is not None:
            counts = _on_rows(counts, _row_ids(rows, grain=grain))
    elif "text" in columns:
        if rows is not None:
            raise ValueError("rows is for a tokens frame: a units frame already has one row per unit")
        ids, term_lists = _term_lists_from_units(units, **options, n_jobs=n_jobs, min_parallel=parallel_min_texts)
        counts = _count_terms(ids.reset_index(drop=True), term_lists)
    else:
        raise ValueError(f"expected a units frame (with text) or a tokens frame (with {term} and is_stop)")
    return _tfidf_of_counts(counts, **options, min_df=min_df, max_df=max_df, sublinear_tf=sublinear_tf, norm=norm)


def _tfidf_of_counts(
    counts: _Counts, *, grain: Grain, term: Term, drop_stop_words: bool, drop_numbers: bool, min_df: int | float,
    max_df: float, sublinear_tf: bool, norm: Literal["l1", "l2"] | None,
) -> Features:
    """:func:`tfidf` of rows whose terms are counted (``counts.ids`` sorted, counted with these options)."""
    n_rows = counts.matrix.shape[0]
    if not n_rows:
        raise ValueError("no rows: the frame is empty")
    if not counts.matrix.nnz:
        raise ValueError(
            f"empty vocabulary: none of the {n_rows} {grain} rows has a term left after tokenizing"
            f" (drop_stop_words={drop_stop_words}, drop_numbers={drop_numbers}); every token was a stop word"
            " or a number, or the texts are empty"
        )
    _check_df(min_df, max_df, n_rows)
    terms, idf = _vocabulary(counts.terms, counts.document_frequencies, n_rows, min_df=min_df,
                             max_df=max_df, grain=grain)
    matrix = _weigh(counts, terms, idf, sublinear_tf=sublinear_tf, norm=norm)
    weighting = Weighting(idf=idf, drop_stop_words=drop_stop_words, drop_numbers=drop_numbers,
                          sublinear_tf=sublinear_tf, norm=norm)
    return Features(matrix=matrix, ids=counts.ids, terms=terms, grain=grain, term=term, weighting=weighting)


def _part_counts(parts: CorpusParts, n: int, options: dict[str, Any]) -> _Counts:
    """Term counts of part ``n``: its documents' body units (:func:`kzanalysis.clean.part_units`)."""
    from .clean import part_units

    units = part_units(parts, n)
    ids, term_lists = _term_lists_from_units(units, **options, n_jobs=1, min_parallel=len(units) + 1)
    return _count_terms(ids.reset_index(drop=True), term_lists)


def _ids_of(counts: _Counts) -> pd.DataFrame:
    return counts.ids


def _frequencies(counts: _Counts) -> tuple[np.ndarray, np.ndarray, int]:
    return counts.terms, counts.document_frequencies, counts.matrix.shape[0]


def _weighted_part(counts: _Counts, vocabulary: np.ndarray, idf: np.ndarray, sublinear_tf: bool,
                   norm: str | None) -> sp.csr_matrix:
    return _weigh(counts, vocabulary, idf, sublinear_tf=sublinear_tf, norm=norm)


MERGE_FAN_IN = 8
"""Partial document-frequency tables merged per task when :func:`tfidf` merges the parts' vocabularies."""


def _tfidf_of_parts(parts: CorpusParts, *, options: dict[str, Any], min_df: int | float, max_df: int | float,
                    sublinear_tf: bool, norm: str | None) -> Features:
    """:func:`tfidf` of a corpus in parts, as Dask tasks: count each part's terms (kept where they were
    computed), merge the document frequencies in a tree of tasks, then weigh each part over the merged
    vocabulary. The same matrix as :func:`tfidf` of the whole corpus's body units, to the last bit."""
    import dask

    counts = persist(*[dask.delayed(_part_counts)(parts, n, options) for n in range(len(parts))])
    ids = compute(*[dask.delayed(_ids_of)(c) for c in counts])
    check_part_ids(parts, [frame["doc_id"].drop_duplicates().to_numpy(dtype=str) for frame in ids])
    merged = [dask.delayed(_frequencies)(c) for c in counts]
    while len(merged) > 1:
        merged = [dask.delayed(_merged_frequencies)(merged[start:start + MERGE_FAN_IN])
                  for start in range(0, len(merged), MERGE_FAN_IN)]
    terms, frequencies, n_rows = compute(merged[0])[0]
    grain = options["grain"]
    if n_rows == 0:
        raise ValueError("no rows: no part has a document with body text")
    if not len(terms):
        raise ValueError(f"empty vocabulary: none of the {n_rows} {grain} rows has a term left after tokenizing")
    _check_df(min_df, max_df, n_rows)
    vocabulary, idf = _vocabulary(terms, frequencies, n_rows, min_df=min_df, max_df=max_df, grain=grain)
    shared_vocabulary, shared_idf = dask.delayed(vocabulary), dask.delayed(idf)
    blocks = compute(*[dask.delayed(_weighted_part)(c, shared_vocabulary, shared_idf, sublinear_tf, norm)
                       for c in counts])
    all_ids = pd.concat(ids, ignore_index=True)  # the parts' rows, in the order of the blocks
    order = all_ids.sort_values(_ID_COLUMNS[grain], kind="stable").index.to_numpy()
    matrix = sp.csr_matrix(sp.vstack(blocks, format="csr")[order])
    weighting = Weighting(idf=idf, drop_stop_words=options["drop_stop_words"], drop_numbers=options["drop_numbers"],
                          sublinear_tf=sublinear_tf, norm=norm)
    return Features(matrix=matrix, ids=all_ids.iloc[order].reset_index(drop=True), terms=vocabulary, grain=grain,
                    term=options["term"], weighting=weighting)


def transform(features: Features, units: pd.DataFrame) -> Features:
    """Other units weighed as ``features`` weighed its rows: its terms, idf, tokens and norm (terms it does not
    have are left out). Rows of the same units come out equal, to the last bit, to the rows of ``features``.

    Args:
        features: From :func:`tfidf` (its ``weighting`` is needed).
        units: Analysis units (``doc_id``, ``para_id``, ``text``), at the features' grain. Not modified.

    Returns:
        A :class:`Features` over the same terms, one row per unit (paragraph grain) or document.

    Raises:
        ValueError: If ``features`` has no weighting (it was not made by :func:`tfidf`).

    Example:
        >>> units = pd.DataFrame({"doc_id": ["a", "b"], "para_id": [0, 0],
        ...                       "text": ["Protesters met police.", "Police met the army."]})
        >>> new = pd.DataFrame({"doc_id": ["c"], "para_id": [0], "text": ["The army met protesters at dawn."]})
        >>> transform(tfidf(units), new).matrix.toarray().round(3).tolist()  # armi, met, polic, protest
        [[0.632, 0.449, 0.0, 0.632]]
    """
    if features.weighting is None:
        raise ValueError("these features carry no weighting (make them with kz.tfidf) to weigh other units")
    w = features.weighting
    ids, term_lists = _term_lists_from_units(units, grain=features.grain, term=features.term,
                                             drop_stop_words=w.drop_stop_words, drop_numbers=w.drop_numbers,
                                             n_jobs=1, min_parallel=len(units) + 1)
    matrix = _weigh(_count_terms(ids.reset_index(drop=True), term_lists), features.terms, w.idf,
                    sublinear_tf=w.sublinear_tf, norm=w.norm)
    return Features(matrix=matrix, ids=ids.reset_index(drop=True), terms=features.terms, grain=features.grain,
                    term=features.term, weighting=w)


def top_terms(features: Features, *, n_terms: int = 10) -> pd.DataFrame:
    """The ``n_terms`` highest-weighted terms of each row of a :class:`Features`.

    Args:
        features: From :func:`tfidf`.
        n_terms: How many terms per row (at most; rows with fewer non-zero weights give fewer).

    Returns:
        One row per (row id, term), rows in ``features.ids`` order then by ``rank``, with the id columns
        (``doc_id``, plus ``para_id`` for paragraph grain), ``rank`` (1 = highest weight), ``term`` and
        ``weight``. Equal weights are ranked by term alphabetically; zero weights are left out.

    Example:
        >>> units = pd.DataFrame({"doc_id": ["a", "b"], "para_id": [0, 0],
        ...                       "text": ["Protesters met police.", "Police met the army."]})
        >>> top_terms(tfidf(units), n_terms=1)[["doc_id", "rank", "term"]].values.tolist()
        [['a', 1, 'protest'], ['b', 1, 'armi']]
    """
    if n_terms < 1:
        raise ValueError(f"n_terms must be at least 1, not {n_terms}")
    matrix = features.matrix
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    columns = matrix.indices
    weights = matrix.data
    nonzero = weights != 0
    rows, columns, weights = rows[nonzero], columns[nonzero], weights[nonzero]
    alphabetical = np.empty(len(features.terms), dtype=np.int64)
    alphabetical[np.argsort(features.terms, kind="stable")] = np.arange(len(features.terms))
    order = np.lexsort((alphabetical[columns], -weights, rows))
    rows, columns, weights = rows[order], columns[order], weights[order]
    ranks = np.arange(len(rows)) - np.searchsorted(rows, rows, side="left") + 1
    top = ranks <= n_terms
    result = features.ids.iloc[rows[top]].reset_index(drop=True)
    result["rank"] = ranks[top].astype(np.int64)
    result["term"] = pd.Series(features.terms[columns[top]], dtype=str)
    result["weight"] = weights[top].astype(np.float64)
    return result
