"""Tokenize stage: split analysis units into sentences and word tokens (NLTK, no downloaded data needed)."""

from __future__ import annotations

import re
from itertools import chain
from collections.abc import Callable, Collection, Sequence
from functools import lru_cache
from typing import Any, Literal

import nltk
import numpy as np
import pandas as pd
from nltk.stem import SnowballStemmer
from nltk.tokenize import RegexpTokenizer
from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from kzanalysis.languages import SNOWBALL_LANGUAGES, unit_languages

Splitter = Literal["auto", "punkt_tab", "punkt_abbrev"]
Term = Literal["stem", "lower"]

PUNKT_TAB_RESOURCE = "tokenizers/punkt_tab/english/"
"""Where NLTK keeps the trained English Punkt model (``nltk.download("punkt_tab")`` on a machine that may)."""
STOPWORDS_RESOURCE = "corpora/stopwords"

ABBREVIATIONS: frozenset[str] = frozenset(
    {
        # titles and ranks
        "mr", "mrs", "ms", "dr", "prof", "rev", "hon", "pres", "gov", "sen", "rep", "amb",
        "gen", "lt", "col", "maj", "capt", "cpt", "sgt", "cpl", "adm", "cmdr", "brig", "jr", "sr", "st",
        # months (May, June, July are never abbreviated with a period)
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        # places and bodies
        "u.s", "u.k", "u.n", "e.u", "u.s.s.r", "mt", "ave", "blvd", "rd",
        # Latin and business
        "e.g", "i.e", "etc", "cf", "al", "approx", "inc", "ltd", "co", "corp", "dept", "est",
        "no", "nos", "vs", "vol", "fig", "p", "pp",
    }
)  # fmt: skip
"""Abbreviations the fallback sentence splitter never ends a sentence on: lower case, without the final period."""

DEFAULT_STOP_WORDS: frozenset[str] = frozenset(ENGLISH_STOP_WORDS | {"e.g.", "i.e."})
"""scikit-learn's ``ENGLISH_STOP_WORDS`` (the same on every machine), plus the dotted spellings of its "eg" and "ie".

Note that this list holds some words that matter in news of unrest ("fire", "found", "call"); pass
``stop_words=`` to :func:`tokens` to use another list.
"""

_CLITICS = frozenset({"s", "m", "re", "ve", "ll", "d"})
_CACHE_SIZE = 2**20

# Numbers with separators first (3,000  6,044  2.5), then dotted acronyms (U.S.  U.N.), then words with
# inner hyphens and apostrophes (Kazakhstan’s  anti-government  shoot-to-kill), then any other run of \w.
_WORD_PATTERN = "|".join(
    [
        r"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?:[-'’]\w+)*",
        r"\d+(?:\.\d+)+(?:[-'’]\w+)*",
        r"(?:[^\W\d_]\.){2,}",
        r"\w+(?:[-'’]\w+)*",
    ]
)
_WORD_TOKENIZER = RegexpTokenizer(_WORD_PATTERN)
_WORD_REGEX = re.compile(_WORD_PATTERN, _WORD_TOKENIZER._flags)
"""The same pattern and flags as NLTK's :class:`RegexpTokenizer` above, called directly: recent NLTK
wraps the pattern in a timeout guard that costs about three times the matching itself. The tests
check that both give the same tokens and spans."""
_STEMMER = SnowballStemmer("english")  # ignore_stopwords=False: needs no NLTK data


def _punkt_tab_tokenizer(find: Callable[[str], object] | None = None) -> PunktSentenceTokenizer | None:
    """The trained English Punkt model if it is installed and loads, else None (never downloads)."""
    find = nltk.data.find if find is None else find
    try:
        find(PUNKT_TAB_RESOURCE)
        return nltk.tokenize.PunktTokenizer("english")
    except Exception:  # noqa: BLE001 - LookupError when missing; anything else means unusable
        return None


def _abbreviation_tokenizer() -> PunktSentenceTokenizer:
    """An untrained Punkt splitter that knows :data:`ABBREVIATIONS` (needs no NLTK data)."""
    params = PunktParameters()
    params.abbrev_types = set(ABBREVIATIONS)
    return PunktSentenceTokenizer(params)


@lru_cache(maxsize=8)
def _splitter_for(splitter: Splitter, search_path: tuple[str, ...]) -> tuple[PunktSentenceTokenizer, str]:
    """Load a sentence splitter once per choice and NLTK search path (the path is only the cache key)."""
    if splitter in ("auto", "punkt_tab"):
        trained = _punkt_tab_tokenizer()
        if trained is not None:
            return trained, "punkt_tab"
        if splitter == "punkt_tab":
            raise LookupError(
                f"splitter='punkt_tab' but NLTK's {PUNKT_TAB_RESOURCE!r} is not installed in any of "
                f"{list(search_path)}; use splitter='auto' or 'punkt_abbrev'"
            )
    elif splitter != "punkt_abbrev":
        raise ValueError(f"splitter must be 'auto', 'punkt_tab' or 'punkt_abbrev', not {splitter!r}")
    return _abbreviation_tokenizer(), "punkt_abbrev"


def _sentence_splitter(splitter: Splitter) -> tuple[PunktSentenceTokenizer, str]:
    return _splitter_for(splitter, tuple(str(path) for path in nltk.data.path))


@lru_cache(maxsize=_CACHE_SIZE)
def _stem(lower: str) -> str:
    """Snowball English stem of one lower-cased word type (cached: each type is stemmed once)."""
    return _STEMMER.stem(lower)


def _is_number(lower: str) -> bool:
    """True for digits with optional , and . separators: 18, 3,000, 2.5 (not covid-19 or 18-year-old)."""
    return lower.replace(",", "").replace(".", "").isdigit()


def _is_stop(lower: str, stop_words: Collection[str]) -> bool:
    """A stop word, or a clitic form of one (it's, we're, they'll, couldn't), but not kazakhstan's."""
    if lower in stop_words:
        return True
    base, apostrophe, suffix = lower.rpartition("'")
    if not apostrophe:
        return False
    if suffix in _CLITICS:
        return base in stop_words
    if suffix == "t" and base.endswith("n"):  # n't
        return base[:-1] in stop_words or base in stop_words or lower in {"won't", "shan't", "ain't"}
    return False


def _normalise(token: str) -> str:
    return token.lower().replace("’", "'")


@lru_cache(maxsize=64)
def _stemmer(language: str) -> SnowballStemmer | None:
    """Snowball's stemmer for an ISO 639-1 code, or None where Snowball has none."""
    name = SNOWBALL_LANGUAGES.get(language)
    return SnowballStemmer(name) if name else None


@lru_cache(maxsize=64)
def stop_words_for(language: str) -> frozenset[str]:
    """The stop words of a language: :data:`DEFAULT_STOP_WORDS` for English, else the ``stopwordsiso`` list.

    ``stopwordsiso`` (MIT) ships its lists in its wheel, so nothing is downloaded; a language it does
    not cover has no stop words (every word counts).

    Example:
        >>> "und" in stop_words_for("de"), "und" in stop_words_for("en"), len(stop_words_for("xx"))
        (True, False, 0)
    """
    if language == "en":
        return DEFAULT_STOP_WORDS
    import stopwordsiso

    if not stopwordsiso.has_lang(language):
        return frozenset()
    return frozenset(_normalise(word) for word in stopwordsiso.stopwords(language))


@lru_cache(maxsize=_CACHE_SIZE)
def _word_type(token: str, language: str = "en") -> tuple[str, str, bool, bool]:
    """``(lower, stem, is_number, is_default_stop)`` of one token as written in a language (cached per pair)."""
    lower = _normalise(token)
    if language == "en":
        return lower, _stem(lower), _is_number(lower), _is_stop(lower, DEFAULT_STOP_WORDS)
    stemmer = _stemmer(language)
    return (lower, stemmer.stem(lower) if stemmer else lower, _is_number(lower),
            lower in stop_words_for(language))


def _check_units(units: pd.DataFrame) -> None:
    missing = [column for column in ("doc_id", "para_id", "text") if column not in units.columns]
    if missing:
        raise ValueError(f"units need columns doc_id, para_id, text; missing {missing}")


def _texts(units: pd.DataFrame) -> list[str]:
    return ["" if not isinstance(text, str) else text for text in units["text"].tolist()]


def sentences(units: pd.DataFrame, *, splitter: Splitter = "auto") -> pd.DataFrame:
    """Split each analysis unit into sentences with NLTK Punkt, keeping character offsets.

    With ``splitter="auto"`` the trained English Punkt model is used when NLTK's ``punkt_tab`` data is
    installed, and otherwise an untrained Punkt splitter that knows :data:`ABBREVIATIONS` (so "Gen.",
    "U.S." and "Jan." do not end sentences). Pass ``"punkt_abbrev"`` to get the same split on every
    machine, or ``"punkt_tab"`` to require the trained model.

    Args:
        units: One row per analysis unit, with ``doc_id``, ``para_id`` and ``text``. Not modified.
        splitter: ``"auto"``, ``"punkt_tab"`` or ``"punkt_abbrev"``.

    Returns:
        One row per sentence, units in input order, with columns ``doc_id``, ``para_id``, ``sent_id``
        (0-based within the unit), ``start`` and ``end`` (character offsets into the unit's text, so
        ``text[start:end]`` is the sentence), ``text`` and ``splitter`` ("punkt_tab" or "punkt_abbrev").
        A unit with no text has no rows.

    Raises:
        ValueError: If a column is missing or ``splitter`` is not one of the choices.
        LookupError: If ``splitter="punkt_tab"`` and that model is not installed.

    Example:
        >>> units = pd.DataFrame({"doc_id": ["a"], "para_id": [0],
        ...                       "text": ["Gen. Smith arrived in the U.S. on Jan. 5. He left."]})
        >>> sentences(units, splitter="punkt_abbrev")["text"].tolist()
        ['Gen. Smith arrived in the U.S. on Jan. 5.', 'He left.']
    """
    _check_units(units)
    tokenizer, name = _sentence_splitter(splitter)
    texts = _texts(units)
    return _sentence_table(units, texts, _sentence_spans(texts, tokenizer), name)


def _sentence_spans(texts: Sequence[str], tokenizer: Any) -> list[list[tuple[int, int]]]:
    """Each text's sentences as ``(start, end)`` offsets (none for a text of only white space)."""
    return [list(tokenizer.span_tokenize(text)) if text.strip() else [] for text in texts]


def _sentence_table(units: pd.DataFrame, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]],
                    name: str) -> pd.DataFrame:
    """:func:`sentences`' table from the units' texts and each one's sentence spans."""
    counts: list[int] = []
    sent_ids: list[int] = []
    starts: list[int] = []
    ends: list[int] = []
    sent_texts: list[str] = []
    for text, unit_spans in zip(texts, spans):
        counts.append(len(unit_spans))
        for sent_id, (start, end) in enumerate(unit_spans):
            sent_ids.append(sent_id)
            starts.append(start)
            ends.append(end)
            sent_texts.append(text[start:end])
    return pd.DataFrame(
        {
            "doc_id": np.repeat(units["doc_id"].to_numpy(), counts),
            "para_id": np.repeat(units["para_id"].to_numpy(), counts),
            "sent_id": np.asarray(sent_ids, dtype=np.int64),
            "start": np.asarray(starts, dtype=np.int64),
            "end": np.asarray(ends, dtype=np.int64),
            "text": pd.Series(sent_texts, dtype=str),
            "splitter": name,
        }
    )


def tokens(
    units: pd.DataFrame,
    *,
    stop_words: Collection[str] | None = None,
    splitter: Splitter = "auto",
) -> pd.DataFrame:
    """Split each analysis unit into word tokens with character offsets, normalised forms and stems.

    Tokens come from an NLTK ``RegexpTokenizer`` (no downloaded data): numbers with separators
    ("3,000", "2.5"), dotted acronyms ("U.S."), words with inner hyphens or apostrophes
    ("Kazakhstan’s", "anti-government") and other runs of word characters; punctuation is dropped.
    ``lower`` is lower-cased with the curly apostrophe ’ written as ', and ``stem`` is its Snowball
    stem in the unit's ``language`` (English without that column; a possessive 's is removed, so
    "Kazakhstan’s" stems to "kazakhstan"; unstemmed where Snowball has no stemmer); stems are
    cached per word type. Numbers are kept as tokens, are never stop words and have ``is_number``
    True, so later stages can count "18 killed".

    Args:
        units: One row per analysis unit, with ``doc_id``, ``para_id`` and ``text``. Not modified.
        stop_words: Lower-case words to flag in ``is_stop`` in every unit; by default the unit's
            language's list (:func:`stop_words_for`: :data:`DEFAULT_STOP_WORDS` for English, scikit-learn's
            list, so results do not depend on installed NLTK data). A clitic form of a
            stop word is flagged too ("it's", "they'll", "couldn't"); a possessive of any other word
            ("kazakhstan's") is not.
        splitter: Sentence splitter for ``sent_id``, as in :func:`sentences`.

    Returns:
        One row per word token, units in input order, with columns ``doc_id``, ``para_id``, ``sent_id``
        (the unit's sentence the token is in, as numbered by :func:`sentences`), ``token_id`` (0-based
        within the unit), ``start`` and ``end`` (offsets into the unit's text, so
        ``text[start:end] == token``), ``token`` (as written), ``lower``, ``stem``, ``is_stop`` and
        ``is_number`` (bool).

    Example:
        >>> units = pd.DataFrame({"doc_id": ["a"], "para_id": [0], "text": ["Kazakhstan’s 3,000 troops."]})
        >>> tokens(units)[["token", "stem", "is_stop", "is_number"]].values.tolist()
        [['Kazakhstan’s', 'kazakhstan', False, False], ['3,000', '3,000', False, True], ['troops', 'troop', False, False]]
    """
    _check_units(units)
    splitter_tokenizer, _ = _sentence_splitter(splitter)
    texts = _texts(units)
    starts = [[start for start, _ in spans] for spans in _sentence_spans(texts, splitter_tokenizer)]
    return _token_table(units, texts, starts, stop_words=stop_words)


def tokens_and_sentences(units: pd.DataFrame, *, splitter: Splitter = "auto") -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(tokens(units, splitter=splitter), sentences(units, splitter=splitter))`` from one sentence split of each
    unit (the split is most of the time :func:`tokens` takes, and each of the two needs it).

    Example:
        >>> units = pd.DataFrame({"doc_id": ["a"], "para_id": [0], "text": ["He left. She stayed."]})
        >>> toks, sents = tokens_and_sentences(units, splitter="punkt_abbrev")
        >>> toks.equals(tokens(units, splitter="punkt_abbrev")), sents.equals(sentences(units, splitter="punkt_abbrev"))
        (True, True)
    """
    _check_units(units)
    tokenizer, name = _sentence_splitter(splitter)
    texts = _texts(units)
    spans = _sentence_spans(texts, tokenizer)
    return (_token_table(units, texts, [[start for start, _ in unit_spans] for unit_spans in spans]),
            _sentence_table(units, texts, spans, name))


_INT32 = np.iinfo(np.int32)


def _index_type(largest: int) -> type[np.signedinteger]:
    """``np.int32`` when every whole number up to ``largest`` fits in it, else ``np.int64``: row numbers, positions
    and codes in half the memory wherever they can be.

    Example:
        >>> _index_type(1000), _index_type(2**31)
        (<class 'numpy.int32'>, <class 'numpy.int64'>)
    """
    return np.int32 if largest <= _INT32.max else np.int64


def _codes(column: pd.Series, *, as_text: bool) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of a column's values and the distinct values (an object array; ``as_text``: as ``str``).

    A category's own codes (the 8- to 32-bit integers it holds) where its categories are text, without a copy (the
    text columns of :func:`compact_tokens`); otherwise ``pd.factorize`` (64-bit codes). Distinct values are in the
    categories' order, or in order of appearance.

    Example:
        >>> codes, values = _codes(pd.Series(["b", "a", "b"], dtype="category"), as_text=True)
        >>> codes.dtype.name, values[codes].tolist()
        ('int8', ['b', 'a', 'b'])
    """
    dtype = column.dtype
    if isinstance(dtype, pd.CategoricalDtype) and pd.api.types.is_string_dtype(dtype.categories.dtype):
        codes, values = column.cat.codes.to_numpy(), dtype.categories
    else:
        codes, values = pd.factorize(column.astype(str) if as_text else column, sort=False)
    return codes, np.asarray(values, dtype=object)


def _compact_column(column: pd.Series) -> pd.Series:
    """One column of :func:`compact_tokens`."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        categories = column.cat.categories
        return column if categories.is_monotonic_increasing else column.cat.reorder_categories(categories.sort_values())
    if column.dtype == object or isinstance(column.dtype, pd.StringDtype):
        return column.astype("category")
    if pd.api.types.is_signed_integer_dtype(column.dtype) and column.dtype.itemsize > 4:
        if column.empty or (column.min() >= _INT32.min and column.max() <= _INT32.max):
            return column.astype(np.int32)
    return column


def compact_tokens(toks: pd.DataFrame) -> pd.DataFrame:
    """The same tokens in less memory, for a stage that holds them whole (framing reads 64 million at 100,000
    articles).

    Text columns (``doc_id``, ``token``, ``lower``, ``stem``) become categories, their categories sorted; whole-number
    columns (``para_id``, ``sent_id``, ``token_id``, ``start``, ``end``) become 32-bit integers where every value
    fits (they stay 64-bit otherwise); other columns are kept. Rows, index and values do not change: each column
    cast back to its old type equals the old column. The stages that read tokens give the same tables from either
    (:func:`kzanalysis.framing.find_terms`, :func:`~kzanalysis.framing.frame_terms`,
    :func:`~kzanalysis.framing.keyness`, :func:`kzanalysis.tfidf` with ``rows``, ``fit_topics(toks=...)``,
    ``source_overlap(toks=...)``); a run's shared tokens are read this way with ``inputs.tokens(units,
    compact=True)``, column by column.

    Example:
        >>> units = pd.DataFrame({"doc_id": ["a", "b"], "para_id": [0, 0], "text": ["Troops came.", "Troops left."]})
        >>> toks = tokens(units)
        >>> small = compact_tokens(toks)
        >>> small[["doc_id", "start", "lower", "is_stop"]].dtypes.astype(str).tolist()
        ['category', 'int32', 'category', 'bool']
        >>> all(small[c].astype(toks[c].dtype).equals(toks[c]) for c in toks.columns)
        True
    """
    return pd.DataFrame({name: _compact_column(toks[name]) for name in toks.columns}, index=toks.index)


def _token_table(units: pd.DataFrame, texts: Sequence[str], sentence_starts: Sequence[Sequence[int]], *,
                 stop_words: Collection[str] | None = None) -> pd.DataFrame:
    """:func:`tokens`' table from the units' texts and the start of each unit's sentences.

    Only the word search runs per token in Python; positions, sentence numbers and word types are worked out in
    numpy, each distinct (word, language) described once.
    """
    stop = None if stop_words is None else frozenset(_normalise(word) for word in stop_words)
    spans = [[match.span() for match in _WORD_REGEX.finditer(text)] for text in texts]
    counts = np.fromiter(map(len, spans), dtype=np.int64, count=len(spans))
    flat = np.fromiter(chain.from_iterable(chain.from_iterable(spans)), dtype=np.int64,
                       count=2 * int(counts.sum())).reshape(-1, 2)
    starts, ends = flat[:, 0], flat[:, 1]
    unit_of = np.repeat(np.arange(len(texts)), counts)
    token_ids = np.arange(len(starts)) - (np.cumsum(counts) - counts)[unit_of]
    # a token's sentence: the last of its unit's sentences starting at or before it (the first when none does)
    stride = max((len(text) for text in texts), default=0) + 1
    n_sents = np.fromiter(map(len, sentence_starts), dtype=np.int64, count=len(sentence_starts))
    sentence_keys = (np.repeat(np.arange(len(texts)), n_sents) * stride
                     + np.fromiter(chain.from_iterable(sentence_starts), dtype=np.int64, count=int(n_sents.sum())))
    found = np.searchsorted(sentence_keys, unit_of * stride + starts, side="right")
    sent_ids = np.maximum(found - 1 - (np.cumsum(n_sents) - n_sents)[unit_of], 0)
    words = [word for text in texts for word in _WORD_REGEX.findall(text)]
    languages = np.asarray(list(unit_languages(units)), dtype=object)[unit_of]
    one_language = len(set(languages.tolist())) <= 1
    codes, kinds = pd.factorize(pd.Series(words, dtype=object) if one_language else
                                pd.Series(list(zip(words, languages.tolist())), dtype=object))
    kinds_of = [(kind, languages[0]) for kind in kinds] if one_language else list(kinds)
    described = [_word_type(*key) for key in kinds_of]
    lowers = np.asarray([lower for lower, _, _, _ in described], dtype=object)
    if stop is None:
        kind_is_stop = np.asarray([default_stop for _, _, _, default_stop in described], dtype=bool)
    else:
        kind_is_stop = np.asarray([_is_stop(lower, stop) for lower in lowers.tolist()], dtype=bool)
    return pd.DataFrame(
        {
            "doc_id": np.repeat(units["doc_id"].to_numpy(), counts),
            "para_id": np.repeat(units["para_id"].to_numpy(), counts),
            "sent_id": sent_ids.astype(np.int64),
            "token_id": token_ids.astype(np.int64),
            "start": starts.astype(np.int64),
            "end": ends.astype(np.int64),
            "token": pd.Series(words, dtype=str),
            "lower": pd.Series(lowers[codes].tolist(), dtype=str),
            "stem": pd.Series(np.asarray([stem for _, stem, _, _ in described], dtype=object)[codes].tolist(),
                              dtype=str),
            "is_stop": kind_is_stop[codes],
            "is_number": np.asarray([number for _, _, number, _ in described], dtype=bool)[codes],
        }
    )


def document_counts(units: pd.DataFrame, sents: pd.DataFrame, toks: pd.DataFrame) -> pd.DataFrame:
    """Per document, how much body text there is: units, sentences, tokens and distinct word stems.

    Args:
        units: Body units (``kz.body_paragraphs(kz.paragraphs(corpus))``).
        sents: ``sentences(units)``.
        toks: ``tokens(units)`` (at least ``doc_id``, ``stem``, ``is_stop``).

    Returns:
        One row per document of ``units``, sorted by ``doc_id``: ``doc_id``, ``body_units``, ``sentences``,
        ``tokens``, ``distinct_stems`` (stems of tokens that are not stop words). A document with units but no
        sentence or token counts 0.

    Example:
        >>> units = pd.DataFrame({"doc_id": ["a", "a"], "para_id": [0, 1],
        ...                       "text": ["Protesters marched.", "The protesters left. Police came."]})
        >>> document_counts(units, sentences(units), tokens(units)).values.tolist()
        [['a', 2, 3, 7, 5]]
    """
    counts = (units.groupby("doc_id").size().rename("body_units").to_frame()
              .join(sents.groupby("doc_id").size().rename("sentences"))
              .join(toks.groupby("doc_id").size().rename("tokens"))
              .join(toks[~toks["is_stop"]].groupby("doc_id")["stem"].nunique().rename("distinct_stems")))
    return counts.fillna(0).astype("int64").reset_index()


def analysis_tokens(
    text: str,
    *,
    term: Term = "stem",
    drop_stop_words: bool = True,
    drop_numbers: bool = True,
    language: str = "en",
) -> list[str]:
    """The terms of one text for counting (the fast path :func:`kzanalysis.tfidf` uses; no DataFrame).

    Same tokenizer and normalisation as :func:`tokens`. Stop words are those of ``language``
    (:func:`stop_words_for`); for another list, build a tokens frame with :func:`tokens` and pass it
    to :func:`kzanalysis.tfidf`. Pure numbers ("18", "3,000", "2.5") are dropped by default, since a
    count is rarely a topic word; "18-year-old" and "covid-19" are words and are kept.

    Args:
        text: One text.
        term: ``"stem"`` (Snowball stem) or ``"lower"`` (lower-cased word, ’ written as ').
        drop_stop_words: Leave out stop words and their clitic forms ("it's").
        drop_numbers: Leave out pure numbers.
        language: ISO 639-1 code: the stemmer and stop words used (see :func:`stop_words_for`).

    Returns:
        The text's terms in order of appearance, one string per kept token.

    Example:
        >>> analysis_tokens("Kazakhstan’s 3,000 protesters were on the streets.")
        ['kazakhstan', 'protest', 'street']
    """
    if term not in ("stem", "lower"):
        raise ValueError(f"term must be 'stem' or 'lower', not {term!r}")
    cache = _TERM_CACHES.setdefault((term, drop_stop_words, drop_numbers, language or "en"), {})
    found = _WORD_REGEX.findall(text)
    for token in set(found).difference(cache):
        cache[token] = _analysis_term(token, term, drop_stop_words, drop_numbers, language or "en")
    return [kept for kept in map(cache.__getitem__, found) if kept is not None]


_TERM_CACHES: dict[tuple[str, bool, bool, str], dict[str, str | None]] = {}
"""Per option set: each written form's analysis term (None when dropped). Dict look-ups keep the
fast path near the speed of plain ``re.findall``; the caches grow with the vocabulary only."""


def _analysis_term(token: str, term: Term, drop_stop_words: bool, drop_numbers: bool,
                   language: str = "en") -> str | None:
    lower, stem, is_number, is_stop = _word_type(token, language)
    if (drop_numbers and is_number) or (drop_stop_words and is_stop):
        return None
    return stem if term == "stem" else lower


def _installed(resource: str, find: Callable[[str], object]) -> bool:
    try:
        find(resource)
    except Exception:  # noqa: BLE001 - LookupError when missing
        return False
    return True


def nltk_resources(*, find: Callable[[str], object] | None = None) -> pd.DataFrame:
    """Report which NLTK data this package can use, whether it is installed, and what is used without it.

    Nothing is ever downloaded: every step works with no NLTK data at all.

    Args:
        find: Resource finder, ``nltk.data.find`` by default (which searches ``nltk.data.path``,
            including ``$NLTK_DATA``).

    Returns:
        One row per NLTK data resource, with columns ``resource`` (NLTK's name), ``path`` (as given to
        ``nltk.data.find``), ``installed`` (bool), ``used`` (bool: whether this package uses it on this
        machine), ``used_for`` and ``fallback`` (what is used when it is not).

    Example:
        >>> nltk_resources()[["resource", "installed", "used"]]  # doctest: +SKIP
            resource  installed   used
        0  punkt_tab      False  False
        1  stopwords      False  False
    """
    find = nltk.data.find if find is None else find
    punkt_tab = _punkt_tab_tokenizer(find) is not None
    return pd.DataFrame(
        {
            "resource": ["punkt_tab", "stopwords"],
            "path": [PUNKT_TAB_RESOURCE, STOPWORDS_RESOURCE],
            "installed": [_installed(PUNKT_TAB_RESOURCE, find), _installed(STOPWORDS_RESOURCE, find)],
            "used": [punkt_tab, False],
            "used_for": [
                "sentence splitting with the trained English Punkt model (splitter='auto' or 'punkt_tab')",
                "nothing: reported only, so stop words are the same on every machine",
            ],
            "fallback": [
                "untrained Punkt splitter with the package's abbreviation list (splitter='punkt_abbrev')",
                "scikit-learn ENGLISH_STOP_WORDS (always the default)",
            ],
        }
    )
