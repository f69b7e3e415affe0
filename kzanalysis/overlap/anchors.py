"""Anchors: what a translation keeps whatever the language (numbers, names), and which documents share them in order.

A story and its translation share almost no words, but a translator leaves figures, dates and proper names as they
are, in the order the story tells them: "Nearly 8,000 people were detained, Tokayev said on Monday in Almaty" and
"Quasi 8.000 persone sono state arrestate, ha detto Tokayev lunedì ad Almaty" both read ``8000 tokayev almaty``.
Those anchors, and the longest run of them the two texts have in the same order, are the evidence of a
``translated_copy``.
"""

from __future__ import annotations

import re
from functools import lru_cache
import unicodedata

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..parallel import chunk_bounds, run_chunks, workers
from ._base import CHUNK_DOCS, MIN_NEIGHBOR_COSINE, PARALLEL_MIN_DOCS, _ordered_units, _pairs_frame
from .candidates import neighbor_candidates

_NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f ]\d+)*")
_THOUSANDS = re.compile(r"\d{1,3}(?:[.,\u00a0\u202f ]\d{3})+")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_POSSESSIVE = re.compile(r"['’]s?$")
MIN_NAME_CHARS = 3
"""Shortest capitalised word kept as a name (shorter ones are initials and sentence-opening articles)."""


_SPELLINGS = (("ph", "f"), ("ck", "k"), ("c", "k"), ("q", "k"), ("w", "v"), ("j", "y"), ("x", "ks"))


@lru_cache(maxsize=1 << 16)  # a corpus names the same people and places again and again
def _fold(word: str) -> str:
    """One spelling of a name across languages: lower case, no accents, and the letters that transliterations
    swap made one (w/v, j/y, c/k/q, ph/f), doubled letters single: "Tokajew", "Tokaïev" and "Tokayev" are one
    anchor, "Wladimir" and "Vladimir" too."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", word.casefold()) if not unicodedata.combining(c))
    for written, spoken in _SPELLINGS:
        folded = folded.replace(written, spoken)
    return re.sub(r"(.)\1+", r"\1", folded)


def _number(token: str) -> str:
    """One spelling of a number whatever the language's separators: 8,000 / 8.000 / 8 000 -> 8000; 2,5 -> 2.5."""
    if _THOUSANDS.fullmatch(token):
        return re.sub(r"\D", "", token)
    return re.sub(r"[\u00a0\u202f ]", "", token).replace(",", ".")


def anchors(text: str, *, language: str = "en", as_written: bool = False) -> list[str]:
    """The language-independent tokens of a text, in order: numbers (one spelling) and names.

    A name is a capitalised word of at least :data:`MIN_NAME_CHARS` letters that is not a stop word (of the text's
    language or of English) and is never written in lower case in the same text: "Police said" is a common word
    opening a sentence when "the police" occurs too, "Tokayev said" is a name. Names are compared in one spelling
    across languages (see :func:`_fold`; a possessive "'s" dropped).

    Args:
        text: One text (a whole document reads names best: more chances to see a common word in lower case).
        language: Its ISO 639-1 code.
        as_written: Return the anchors as the text writes them instead of their one spelling.

    Returns:
        The anchors in text order, repeats kept.

    Example:
        >>> anchors("Nearly 8,000 people were detained, Tokayev said in Almaty on 10 January. Police said more.")
        ['nearly', '8000', 'tokayev', 'almaty', '10', 'yanuary', 'polike']
        >>> anchors("Quasi 8.000 persone sono state arrestate, ha detto Tokajew ad Almaty il 10 gennaio.", language="it")
        ['8000', 'tokayev', 'almaty', '10']
        >>> anchors("Quasi 8.000 persone sono state arrestate, ha detto Tokajew ad Almaty.", language="it", as_written=True)
        ['8.000', 'Tokajew', 'Almaty']
    """
    return [written if as_written else key for key, written in _anchor_pairs(text, language)]


def _anchor_pairs(text: str, language: str) -> list[tuple[str, str]]:
    """``(one spelling, as written)`` of each anchor of a text, in text order (see :func:`anchors`)."""
    from ..tokenize import stop_words_for

    stop = stop_words_for(language) | stop_words_for("en")
    words = list(_WORD.finditer(text))
    lower = {m.group(0) for m in words if m.group(0)[:1].islower()}
    found: list[tuple[int, str, str]] = [(m.start(), _number(m.group(0)), m.group(0)) for m in _NUMBER.finditer(text)]
    for match in words:
        word = match.group(0)
        if not word[:1].isupper():  # (most words: the possessive is cut only from capitalised ones)
            continue
        word = _POSSESSIVE.sub("", word)
        if len(word) >= MIN_NAME_CHARS and word.lower() not in lower and word.casefold() not in stop:
            found.append((match.start(), _fold(word), word))
    return [(key, written) for _, key, written in sorted(found)]


def common_positions(a: list[str], b: list[str]) -> list[int]:
    """Positions in ``a`` of the longest run of tokens ``a`` and ``b`` have in the same order (a longest common
    subsequence; ties resolved the same way every time).

    Example:
        >>> common_positions(["8000", "tokayev", "almaty", "10"], ["tokayev", "8000", "almaty", "10", "ksto"])
        [0, 2, 3]
    """
    if not a or not b:
        return []
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i, token in enumerate(a, 1):
        above, row = table[i - 1], table[i]
        for j, other in enumerate(b, 1):
            row[j] = above[j - 1] + 1 if token == other else max(row[j - 1], above[j])
    positions: list[int] = []
    i, j = len(a), len(b)
    while i and j:
        if a[i - 1] == b[j - 1]:
            positions.append(i - 1)
            i, j = i - 1, j - 1
        elif table[i - 1][j] >= table[i][j - 1]:
            i -= 1
        else:
            j -= 1
    return positions[::-1]


def shared_anchors(a: list[str], b: list[str]) -> list[str]:
    """The longest run of anchors two texts have in the same order, as in ``a`` (see :func:`common_positions`).

    Example:
        >>> shared_anchors(["8000", "tokayev", "almaty", "10"], ["tokayev", "8000", "almaty", "10", "ksto"])
        ['8000', 'almaty', '10']
    """
    return [a[i] for i in common_positions(a, b)]


def document_anchors(units: pd.DataFrame, languages: dict[str, str], *, n_jobs: int | None = None
                     ) -> dict[str, list[tuple[str, str]]]:
    """``doc_id`` -> the anchors of its body paragraphs in order, each as ``(one spelling, as written)``: the first
    is what two documents are compared on, the second what the evidence shows (see :func:`anchors`).

    Documents are read in ``n_jobs`` workers (scikit-learn's meaning; one below :data:`PARALLEL_MIN_DOCS`
    documents); each document is read alone, so the result does not depend on the number.

    Example:
        >>> units = pd.DataFrame({"doc_id": ["a", "a"], "para_id": [0, 1], "text": ["Tokajew spoke.", "On 5 May."]})
        >>> document_anchors(units, {})
        {'a': [('tokayev', 'Tokajew'), ('5', '5')]}
    """
    ordered = _ordered_units(units)
    texts = ordered[ordered["text"].map(lambda t: isinstance(t, str)).astype(bool)].groupby("doc_id", sort=True)["text"]
    items = [(doc, "\n\n".join(text), languages.get(doc, "en")) for doc, text in texts]
    n_workers = workers(n_jobs, len(items), min_items=PARALLEL_MIN_DOCS)
    found = run_chunks(_anchors_of, items, chunk_bounds(len(items), n_workers, chunk_size=CHUNK_DOCS), (),
                       n_jobs=n_workers, desc="anchors", show=False)
    return {doc: pairs for chunk in found for doc, pairs in chunk}


def _anchors_of(items: list[tuple[str, str, str]]) -> list[tuple[str, list[tuple[str, str]]]]:
    """``(doc_id, anchor pairs)`` of each ``(doc_id, text, language)`` (the work of :func:`document_anchors`)."""
    return [(doc, _anchor_pairs(text, language)) for doc, text, language in items]


def anchor_candidates(doc_anchors: dict[str, list[str]], languages: dict[str, str], *,
                      n_neighbors: int = 10, min_cosine: float = MIN_NEIGHBOR_COSINE) -> pd.DataFrame:
    """Pairs of documents in different languages whose anchors are nearest neighbours (TF-IDF cosine of their
    anchor sets): where translations are looked for in a corpus too large to compare every pair.

    Example:
        >>> docs = {"a": ["8000", "tokayev", "almaty"], "b": ["8000", "tokayev", "almaty"], "c": ["paris", "1789"]}
        >>> anchor_candidates(docs, {"a": "en", "b": "it", "c": "it"}).values.tolist()
        [['a', 'b']]
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    doc_ids = np.asarray(sorted(doc_anchors), dtype=str)
    if len({languages.get(d, "en") for d in doc_ids}) < 2:
        return pd.DataFrame({"doc_a": pd.Series(dtype=str), "doc_b": pd.Series(dtype=str)})
    matrix = TfidfVectorizer(analyzer=lambda tokens: tokens, sublinear_tf=True).fit_transform(
        [doc_anchors[d] for d in doc_ids])
    pairs = neighbor_candidates(sp.csr_matrix(matrix), doc_ids, n_neighbors=n_neighbors, min_cosine=min_cosine)
    differ = [languages.get(a, "en") != languages.get(b, "en") for a, b in zip(pairs["doc_a"], pairs["doc_b"])]
    pairs = pairs[differ]
    return _pairs_frame(pairs["doc_a"].tolist(), pairs["doc_b"].tolist())
