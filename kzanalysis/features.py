"""Features stage: TF-IDF matrices over the package's tokens, with their row ids and terms."""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral
from typing import Any, Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from .languages import unit_languages
from .parallel import chunk_bounds, run_chunks, workers
from .tokenize import analysis_tokens

Grain = Literal["document", "paragraph"]
Term = Literal["stem", "lower"]

_ID_COLUMNS: dict[str, list[str]] = {"document": ["doc_id"], "paragraph": ["doc_id", "para_id"]}


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


def _check_choice(name: str, value: object, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ValueError(f"{name} must be one of {choices}, not {value!r}")


PARALLEL_MIN_TEXTS = 20_000
"""Below this many texts :func:`tfidf` tokenizes in one process (workers and their stem caches cost more)."""
CHUNK_TEXTS = 5_000
"""Texts per chunk of tokenizing work."""


def _tokenize_chunk(items: list[tuple[str, str]], options: dict[str, Any]) -> list[list[str]]:
    """Analysis tokens of each ``(text, language)`` (top level, for worker processes)."""
    return [analysis_tokens(text, **options, language=language) for text, language in items]


def _as_is(terms: list[str]) -> list[str]:
    """The analyzer handed to scikit-learn: our terms are already made."""
    return terms


def _term_lists_from_units(
    units: pd.DataFrame, *, grain: Grain, term: Term, drop_stop_words: bool, drop_numbers: bool, n_jobs: int | None,
    min_parallel: int,
) -> tuple[pd.DataFrame, list[list[str]]]:
    """Row ids and each row's terms, from analysis units tokenized in chunks (in worker processes when large)."""
    columns = ["doc_id", "para_id", "text", *(["language"] if "language" in units.columns else [])]
    ordered = units[columns].sort_values(["doc_id", "para_id"], kind="stable")
    if ordered.duplicated(["doc_id", "para_id"]).any():
        raise ValueError("units must have one row per (doc_id, para_id); found duplicates")
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
    ids = pd.DataFrame({"doc_id": pd.Series(np.asarray(doc_ids), dtype=units["doc_id"].dtype)})
    return ids, joined


def _term_lists_from_tokens(
    token_frame: pd.DataFrame, *, grain: Grain, term: Term, drop_stop_words: bool, drop_numbers: bool
) -> tuple[pd.DataFrame, list[list[str]]]:
    keys = _ID_COLUMNS[grain]
    order = ["doc_id", "para_id", "token_id"] if "token_id" in token_frame.columns else ["doc_id", "para_id"]
    ordered = token_frame.sort_values(order, kind="stable")
    keep = np.ones(len(ordered), dtype=bool)
    if drop_stop_words:
        keep &= ~ordered["is_stop"].to_numpy(dtype=bool)
    if drop_numbers:
        if "is_number" not in ordered.columns:
            raise ValueError("a tokens frame needs an is_number column to drop numbers (make it with kz.tokens)")
        keep &= ~ordered["is_number"].to_numpy(dtype=bool)
    ids = ordered[keys].drop_duplicates()
    grouped = ordered.loc[keep].groupby(keys, sort=False)[term].agg(list)
    found = dict(zip(grouped.index.tolist(), grouped.tolist()))
    id_keys = ids["doc_id"].tolist() if grain == "document" else list(ids.itertuples(index=False, name=None))
    return ids, [found.get(key, []) for key in id_keys]


def _check_df(min_df: int | float, max_df: int | float, n_rows: int) -> None:
    low = min_df if isinstance(min_df, Integral) else min_df * n_rows
    high = max_df if isinstance(max_df, Integral) else max_df * n_rows
    if high < low:
        raise ValueError(f"max_df={max_df!r} keeps fewer rows than min_df={min_df!r} asks for")


def tfidf(
    units: pd.DataFrame,
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
) -> Features:
    """TF-IDF weights of terms per document or per paragraph: scikit-learn's ``TfidfVectorizer`` (smooth idf) over
    the package's tokens (:func:`kzanalysis.analysis_tokens`, each text in its language).

    ``idf = ln((1 + n) / (1 + df)) + 1`` with ``n`` rows and ``df`` the number of rows holding the term;
    the weight is ``tf * idf`` (``tf = 1 + ln(count)`` when ``sublinear_tf``), then each row is scaled
    to unit ``norm``.

    Args:
        units: Either analysis units (``doc_id``, ``para_id``, ``text``; tokenized with
            :func:`kzanalysis.analysis_tokens`) or a tokens frame from :func:`kzanalysis.tokens`
            (recognised by its ``is_stop`` and ``stem``/``lower`` columns; use this to apply your own
            stop words). Not modified.
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

    Returns:
        :class:`Features`: ``matrix`` (CSR float64, one row per document or per (doc_id, para_id),
        one column per term), ``ids`` (``doc_id``, plus ``para_id`` for paragraph grain; sorted), and
        ``terms`` (sorted). With a units frame every unit is a row, even one with no terms left (an
        all-zero row); a tokens frame has rows only for units that have tokens.

    Raises:
        ValueError: If columns are missing, a choice is unknown, or no term is left (every token a
            stop word or number, or ``min_df``/``max_df`` removed them all).

    Example:
        >>> units = pd.DataFrame({"doc_id": ["a", "b"], "para_id": [0, 0],
        ...                       "text": ["Protesters met police.", "Police met the army."]})
        >>> features = tfidf(units)
        >>> features.terms.tolist(), features.matrix.shape
        (['armi', 'met', 'polic', 'protest'], (2, 4))
    """
    _check_choice("grain", grain, ("document", "paragraph"))
    _check_choice("term", term, ("stem", "lower"))
    _check_choice("norm", norm, ("l1", "l2", None))
    columns = set(units.columns)
    if not {"doc_id", "para_id"} <= columns:
        raise ValueError("units need doc_id and para_id columns")
    options = {"grain": grain, "term": term, "drop_stop_words": drop_stop_words, "drop_numbers": drop_numbers}
    if term in columns and "is_stop" in columns:
        ids, term_lists = _term_lists_from_tokens(units, **options)
    elif "text" in columns:
        ids, term_lists = _term_lists_from_units(units, **options, n_jobs=n_jobs, min_parallel=parallel_min_texts)
    else:
        raise ValueError(f"expected a units frame (with text) or a tokens frame (with {term} and is_stop)")
    if not term_lists:
        raise ValueError("no rows: the frame is empty")
    if not any(term_lists):
        raise ValueError(
            f"empty vocabulary: none of the {len(term_lists)} {grain} rows has a term left after tokenizing"
            f" (drop_stop_words={drop_stop_words}, drop_numbers={drop_numbers}); every token was a stop word"
            " or a number, or the texts are empty"
        )
    _check_df(min_df, max_df, len(term_lists))
    vectorizer = TfidfVectorizer(analyzer=_as_is, lowercase=False, min_df=min_df, max_df=max_df, norm=norm,
                                 use_idf=True, smooth_idf=True, sublinear_tf=sublinear_tf, dtype=np.float64)
    try:
        matrix = sp.csr_matrix(vectorizer.fit_transform(term_lists), dtype=np.float64)
    except ValueError as err:  # scikit-learn: "After pruning, no terms remain"
        raise ValueError(
            f"empty vocabulary: min_df={min_df!r} and max_df={max_df!r} removed every term of"
            f" {len(term_lists)} {grain} rows; lower min_df or raise max_df"
        ) from err
    matrix.sort_indices()
    terms = vectorizer.get_feature_names_out().astype(str)
    return Features(matrix=matrix, ids=ids.reset_index(drop=True), terms=terms, grain=grain, term=term)


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
