"""Framing stage: count lexicon terms (terrorists, bandits, protesters...) in body text, in whose voice, and keyness."""

from __future__ import annotations

import re
import zlib
from pathlib import Path
from typing import Literal, Sequence

import numpy as np
import pandas as pd

from ._rows import iter_rows
from . import config
from .clean import map_body_units
from .corpus import CorpusParts
from .quotations import QUOTE_MARKS, quotes
from .tokenize import _codes, _index_type

__all__ = [
    "LEXICON_FILE",
    "load_lexicon",
    "quotes",
    "find_terms",
    "frame_terms",
    "family_contrast",
    "voice_matrix",
    "kwic",
    "keyness_groups",
    "keyness_problem",
    "keyness",
]

LEXICON_FILE: Path = config.DATA_DIR / "lexicons" / "frames.csv"
"""The researcher-editable frame lexicon: one pattern per row (see :func:`load_lexicon`)."""

LEXICON_COLUMNS: tuple[str, ...] = ("frame", "family", "kind", "pattern", "note")
KINDS: tuple[str, ...] = ("include", "exclude")
MATCH_COLUMNS: tuple[str, ...] = ("doc_id", "para_id", "sent_id", "token_id", "n_tokens", "start", "end", "frame",
                                  "family", "pattern", "match", "in_quotes", "quote_id", "speaker")
FRAME_TERM_COLUMNS: tuple[str, ...] = ("doc_id", "outlet", "frame", "family", "count", "in_quotes", "narrative",
                                       "rate_per_1k", "rate_low", "rate_high", "n_tokens", "n_sentences",
                                       "confidence")
KWIC_COLUMNS: tuple[str, ...] = ("doc_id", "para_id", "family", "left", "match", "right", "in_quotes", "speaker",
                                 "frame", "start", "end")
KEYNESS_COLUMNS: tuple[str, ...] = ("group", "term", "count_group", "count_rest", "log_odds", "z")
TOKEN_COLUMNS: tuple[str, ...] = ("doc_id", "para_id", "sent_id", "token_id", "start", "end", "lower", "is_stop",
                                  "is_number")
"""The columns of ``kz.tokens`` this stage reads (:func:`find_terms`, :func:`frame_terms`, :func:`keyness` with
``term="lower"``): a notebook can read only these from a run's shared tokens."""

_PATTERN_PIECE = re.compile(r"^[\w'’*?.-]+$")


# --------------------------------------------------------------------------------------------
# The lexicon
# --------------------------------------------------------------------------------------------


def load_lexicon(path: Path | str = LEXICON_FILE) -> pd.DataFrame:
    """Read and validate a frame lexicon (a CSV that researchers edit and rerun).

    Each row is one pattern. ``pattern`` is one or more words separated by spaces; a word may use
    the wildcards ``*`` (any run of characters, e.g. ``terror*``) and ``?`` (one character, e.g.
    ``organi?ation``). Words are matched against the package's tokens, lower-cased, with ’ read
    as ', so hyphenated words are single words (``counter-terror*``, ``shoot-to-kill``) and a
    multi-word pattern (``armed criminals``) matches consecutive tokens separated only by spaces or
    quote marks. ``kind=exclude`` rows remove the family's matches they overlap (``demonstrate*
    the``: "they have demonstrated the monolithic nature" means "showed").

    Args:
        path: The lexicon CSV, with columns ``frame, family, kind, pattern`` and an optional ``note``.

    Returns:
        One row per pattern, in file order: ``frame``, ``family``, ``kind`` (``include`` or
        ``exclude``), ``pattern`` (lower-cased, spaces normalised, ’ written as '), ``note``,
        ``line`` (line in the file, the header being line 1).

    Raises:
        ValueError: Naming the file and line when a column is missing, a field is empty, ``kind``
            is unknown, a pattern holds characters other than letters, digits, ``' - . * ?``, a
            word is only wildcards, a family appears under two frames, a row repeats, or an
            exclusion names a family that has no include pattern.

    Example:
        >>> lexicon = load_lexicon()
        >>> {"terror", "protest"} <= set(lexicon["family"])
        True
    """
    path = Path(path)
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as err:
        raise ValueError(f"{path}: cannot read the frame lexicon: {err}") from err
    if "note" not in table.columns:
        table["note"] = ""
    missing = [c for c in LEXICON_COLUMNS if c not in table.columns]
    if missing:
        raise ValueError(f"{path}: the lexicon lacks column(s) {missing}; expected {list(LEXICON_COLUMNS)}")
    table = table[list(LEXICON_COLUMNS)].apply(lambda column: column.str.strip())
    table["line"] = np.arange(2, len(table) + 2)
    frame_of: dict[str, tuple[str, int]] = {}
    seen: dict[tuple[str, str, str], int] = {}
    patterns = []
    for row in table.itertuples(index=False):
        where = f"{path}, line {row.line}"
        for column in ("frame", "family", "kind", "pattern"):
            if not getattr(row, column):
                raise ValueError(f"{where}: empty {column!r}; every row needs frame, family, kind and pattern")
        if row.kind not in KINDS:
            raise ValueError(f"{where}: kind must be 'include' or 'exclude', not {row.kind!r}")
        pattern = " ".join(row.pattern.lower().replace("’", "'").split())
        for word in pattern.split():
            if not _PATTERN_PIECE.match(word):
                raise ValueError(f"{where}: pattern {row.pattern!r} has a word {word!r} with characters other than "
                                 "letters, digits, ' - . and the wildcards * ?")
            if not word.strip("*?"):
                raise ValueError(f"{where}: pattern {row.pattern!r} has a word made only of wildcards")
        previous_frame = frame_of.setdefault(row.family, (row.frame, row.line))
        if previous_frame[0] != row.frame:
            raise ValueError(f"{where}: family {row.family!r} is under frame {row.frame!r} here but under "
                             f"{previous_frame[0]!r} on line {previous_frame[1]}; a family belongs to one frame")
        key = (row.family, row.kind, pattern)
        if key in seen:
            raise ValueError(f"{where}: repeats line {seen[key]} ({row.family}, {row.kind}, {pattern!r})")
        seen[key] = row.line
        patterns.append(pattern)
    table["pattern"] = patterns
    included = set(table.loc[table["kind"] == "include", "family"])
    for row in table[(table["kind"] == "exclude") & ~table["family"].isin(included)].itertuples(index=False):
        raise ValueError(f"{path}, line {row.line}: exclusion for family {row.family!r}, which has no include pattern")
    return table[[*LEXICON_COLUMNS, "line"]].reset_index(drop=True)


def _piece_regex(word: str) -> re.Pattern[str]:
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in word))


def _check_units(units: pd.DataFrame) -> None:
    missing = [column for column in ("doc_id", "para_id", "text") if column not in units.columns]
    if missing:
        raise ValueError(f"units need columns doc_id, para_id, text; missing {missing}")


# --------------------------------------------------------------------------------------------
# Matching the lexicon
# --------------------------------------------------------------------------------------------


class _Exclusions:
    """The token spans an ``exclude`` pattern of each family matched, asked whether a span overlaps any of them.

    One binary search per question: spans sorted by start, with the largest end so far; a span [s, e) overlaps one
    of them when some span starting before e ends after s. (A scan of the family's spans per question grew with the
    square of the corpus: ``find_terms`` took 150 s at 100,000 planted articles with it, 65 s without.)
    """

    def __init__(self, spans: list[tuple[str, int, int]]) -> None:
        by_family: dict[str, list[tuple[int, int]]] = {}
        for family, start, end in spans:
            by_family.setdefault(family, []).append((start, end))
        self._spans = {}
        for family, found in by_family.items():
            ordered = np.asarray(sorted(found), dtype=np.int64)
            self._spans[family] = (ordered[:, 0], np.maximum.accumulate(ordered[:, 1]))

    def overlaps(self, family: str, start: int, end: int) -> bool:
        if family not in self._spans:
            return False
        starts, reach = self._spans[family]
        before = int(np.searchsorted(starts, end, side="left"))  # spans starting before `end`
        return before > 0 and int(reach[before - 1]) > start


def find_terms(units: pd.DataFrame | CorpusParts, lexicon: pd.DataFrame | None = None, *,
               toks: pd.DataFrame | None = None, quoted: pd.DataFrame | None = None) -> pd.DataFrame:
    """Find every occurrence of the lexicon's families in the units, with its quotation and speaker.

    Matching runs on the package's tokens (``kz.tokens(units)``), so offsets locate each match
    in its unit's text. A multi-word pattern matches consecutive tokens of one sentence separated
    only by spaces or quote marks. Exclusions drop the matches of their family that they overlap.
    Where patterns overlap, the longest match wins (then the earliest, then file order), so each
    token is counted at most once ("counter-terrorist operation" is one ``terror`` occurrence).

    Args:
        units: One row per analysis unit with ``doc_id``, ``para_id``, ``text``; body text only for
            framing counts (``kz.body_paragraphs(kz.paragraphs(corpus))``).
            Or a corpus in parts (:func:`kzanalysis.corpus_parts`): each part's body units as a Dask task
            (:func:`kzanalysis.clean.map_body_units`); ``toks`` and ``quoted`` must then be ``None``.
        lexicon: From :func:`load_lexicon` (the shipped lexicon when ``None``).
        toks: ``kz.tokens(units)`` if already computed (it is computed otherwise), or ``kz.compact_tokens`` of it.
        quoted: ``kz.quotes(units)`` if already computed (read from the units otherwise).

    Returns:
        One row per occurrence, sorted by ``doc_id, para_id, start``: ``doc_id``, ``para_id``,
        ``sent_id`` and ``token_id`` (of the first token), ``n_tokens``, ``start``, ``end`` (offsets
        into the unit text), ``frame``, ``family``, ``pattern`` (the lexicon entry that matched),
        ``match`` (the text as written), ``in_quotes`` (bool: inside quoted speech),
        ``quote_id`` (the outermost quotation holding it, -1 when none; joins :func:`quotes`),
        ``speaker`` (who is quoted, empty when not quoted or not said).

    Example:
        >>> units = pd.DataFrame({"doc_id": ["a"], "para_id": [0],
        ...     "text": ["Police said “armed criminals” attacked protesters."]})
        >>> find_terms(units)[["family", "match", "in_quotes", "speaker"]].values.tolist()
        [['criminal', 'armed criminals', True, 'Police'], ['protest', 'protesters', False, '']]
    """
    if isinstance(units, CorpusParts):
        if toks is not None or quoted is not None:
            raise ValueError("toks and quoted are made part by part from a corpus in parts; pass None")
        return map_body_units(find_terms, units, lexicon=lexicon)
    _check_units(units)
    lexicon = load_lexicon() if lexicon is None else lexicon
    if toks is None:
        from .tokenize import tokens

        toks = tokens(units)
    empty = pd.DataFrame(columns=list(MATCH_COLUMNS))
    if toks.empty or lexicon.empty:
        return empty
    # tokens are read as codes and numbers, never as a Python string per token (64 million tokens at 100,000
    # articles): word types and documents are factorised, and a unit's text is looked up only where needed
    row_of = {(d, int(p)): k for k, (d, p) in enumerate(zip(units["doc_id"], units["para_id"]))}
    unit_texts = units["text"].array
    texts: dict[tuple[object, int], str] = {}

    def read_text(key: tuple[object, int]) -> str:
        text = unit_texts[row_of[key]]
        return text if isinstance(text, str) else ""

    def text_of(key: tuple[object, int]) -> str:  # read and kept (joinable asks for few units, often again)
        if key not in texts:
            texts[key] = read_text(key)
        return texts[key]

    n = len(toks)
    doc_codes, doc_names = _codes(toks["doc_id"], as_text=False)  # a category's own codes: no 64-bit copy
    para = toks["para_id"].to_numpy()
    sent = toks["sent_id"].to_numpy()
    starts = toks["start"].to_numpy()
    ends = toks["end"].to_numpy()
    token_ids = toks["token_id"].to_numpy()
    gap_free: dict[int, bool] = {}

    def key_of(i: int) -> tuple[object, int]:
        return doc_names[doc_codes[i]], int(para[i])

    def joinable(i: int) -> bool:
        """Can token i be followed by token i + 1 inside a multi-word pattern (same sentence, only spaces or
        quote marks between)? Asked only where a pattern's words follow each other, so rarely."""
        if i not in gap_free:
            same = (i + 1 < n and doc_codes[i] == doc_codes[i + 1] and para[i] == para[i + 1]
                    and sent[i] == sent[i + 1])
            gap = text_of(key_of(i))[ends[i]:starts[i + 1]] if same else ""
            gap_free[i] = same and not gap.strip(" \t\u00a0" + "".join(QUOTE_MARKS))
        return gap_free[i]

    codes, vocabulary = _codes(toks["lower"], as_text=False)  # each word type is tested once per pattern word
    word_types: dict[str, np.ndarray] = {}
    word_places: dict[str, np.ndarray] = {}

    def types_of(word: str) -> np.ndarray:
        """Which word types a pattern word matches (a boolean per type)."""
        if word not in word_types and any(c in word for c in "*?"):
            regex = _piece_regex(word)
            word_types[word] = np.fromiter((bool(regex.fullmatch(v)) for v in vocabulary), dtype=bool,
                                           count=len(vocabulary))
        elif word not in word_types:  # a literal word: the one type equal to it, without a regex per type
            word_types[word] = np.asarray(vocabulary == word, dtype=bool)
        return word_types[word]

    def places_of(word: str) -> np.ndarray:
        """The tokens a pattern word matches (their row numbers, ascending)."""
        if word not in word_places:
            word_places[word] = np.flatnonzero(types_of(word)[codes])
        return word_places[word]

    candidates = []
    for order, entry in enumerate(lexicon.itertuples(index=False)):
        words = entry.pattern.split()
        hit = places_of(words[0])
        for k, word in enumerate(words[1:], start=1):
            hit = hit[hit + k < n]
            hit = hit[types_of(word)[codes[hit + k]]]
        for i in hit:  # the words follow each other; now each link must join
            if all(joinable(int(i) + k) for k in range(len(words) - 1)):
                candidates.append((int(i), len(words), order, entry.kind, entry.family, entry.frame, entry.pattern))
    if not candidates:
        return empty
    excluded = _Exclusions([(c[4], c[0], c[0] + c[1]) for c in candidates if c[3] == "exclude"])
    includes = [c for c in candidates if c[3] == "include" and not excluded.overlaps(c[4], c[0], c[0] + c[1])]
    taken = np.zeros(n, dtype=bool)
    kept = []
    for c in sorted(includes, key=lambda c: (-c[1], c[0], c[2])):
        if not taken[c[0]:c[0] + c[1]].any():
            taken[c[0]:c[0] + c[1]] = True
            kept.append(c)
    kept.sort(key=lambda c: c[0])
    # the table is built column by column from the kept matches' token rows, not a tuple per row, and each
    # matched unit's text is read once, not kept: at 100,000 planted articles (1.9 million matches, one core) the
    # notebook's cell of find_terms peaked at 7.50 GB with the tuples and kept texts, 6.80 GB without
    at = np.fromiter((c[0] for c in kept), dtype=np.int64, count=len(kept))
    length = np.fromiter((c[1] for c in kept), dtype=np.int64, count=len(kept))
    frame_of = np.asarray([c[5] for c in kept], dtype=object)
    family_of = np.asarray([c[4] for c in kept], dtype=object)
    pattern_of = np.asarray([c[6] for c in kept], dtype=object)
    del kept, includes, candidates
    docs, paras_at = doc_names[doc_codes[at]], para[at].astype(np.int64)
    start_at, end_at = starts[at].astype(np.int64), ends[at + length - 1].astype(np.int64)
    holding = _quotation_finder(units, set(docs.tolist()), quoted=quoted)
    texts.clear()  # joinable's; the matched units' texts are read one unit at a time below (matches in unit order)
    match_text: list[str] = []
    in_quotes = np.zeros(len(at), dtype=bool)
    quote_id = np.full(len(at), -1, dtype=np.int64)
    speaker = np.full(len(at), "", dtype=object)
    current: tuple[object, int] | None = None
    text = ""
    for k, (doc_id, para_id, start, end) in enumerate(zip(docs.tolist(), paras_at.tolist(), start_at.tolist(),
                                                          end_at.tolist())):
        if (doc_id, para_id) != current:
            current = (doc_id, para_id)
            text = read_text(current)
        match_text.append(text[start:end])
        holder = holding(current, start, end)
        if holder is not None:
            in_quotes[k], quote_id[k], speaker[k] = True, holder[2], holder[3]
    matches = pd.DataFrame({
        "doc_id": docs, "para_id": paras_at, "sent_id": sent[at].astype(np.int64),
        "token_id": token_ids[at].astype(np.int64), "n_tokens": length, "start": start_at, "end": end_at,
        "frame": frame_of, "family": family_of, "pattern": pattern_of, "match": match_text, "in_quotes": in_quotes,
        "quote_id": quote_id, "speaker": speaker})
    return matches.sort_values(["doc_id", "para_id", "start"], kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Counts and rates
# --------------------------------------------------------------------------------------------


def _token_sentences(toks: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """The sentences that have tokens (``doc_id``, ``para_id``, ``sent_id``, in the order they first occur, as
    ``drop_duplicates`` gives them) and each one's number of tokens.

    Counted on one integer key per token (document code, paragraph and sentence numbers) where the numbers allow:
    the three columns copied, deduplicated and grouped took about 3 GB for a moment at 100,000 articles.
    """
    keys = ["doc_id", "para_id", "sent_id"]
    numbers = toks[["para_id", "sent_id"]]
    if len(toks) and all(pd.api.types.is_integer_dtype(t) for t in numbers.dtypes) and (numbers.min() >= 0).all():
        doc_codes, doc_names = pd.factorize(toks["doc_id"])
        n_para, n_sent = int(numbers["para_id"].max()) + 1, int(numbers["sent_id"].max()) + 1
        if len(doc_names) * n_para * n_sent < 2**62 and (doc_codes >= 0).all():
            key = doc_codes  # (reused in place)
            key *= n_para
            key += numbers["para_id"].to_numpy()
            key *= n_sent
            key += numbers["sent_id"].to_numpy()
            codes, first = pd.factorize(key)
            del key, doc_codes
            tokens_per = np.bincount(codes, minlength=len(first)).astype(float)
            del codes
            doc, rest = np.divmod(first, n_para * n_sent)
            para, sent = np.divmod(rest, n_sent)
            table = pd.DataFrame({"doc_id": doc_names.take(doc),
                                  "para_id": para.astype(numbers["para_id"].dtype),
                                  "sent_id": sent.astype(numbers["sent_id"].dtype)})
            return table.astype({"doc_id": toks["doc_id"].dtype}), tokens_per
    table = toks[keys].drop_duplicates().reset_index(drop=True)
    sizes = toks.groupby(keys, sort=False).size().reindex(pd.MultiIndex.from_frame(table)).to_numpy(dtype=float)
    return table, sizes


def frame_terms(
    matches: pd.DataFrame,
    toks: pd.DataFrame,
    lexicon: pd.DataFrame | None = None,
    *,
    corpus: pd.DataFrame | None = None,
    n_resamples: int = 2000,
    confidence: float = 0.95,
    random_state: int = 0,
) -> pd.DataFrame:
    """Count each family in each document, in quotes and in the outlet's own voice, with rates and intervals.

    The rate is occurrences per 1,000 body tokens (tokens from ``kz.tokens``). Its interval is a
    percentile bootstrap over the document's sentences: sentences are drawn with replacement
    ``n_resamples`` times and the rate recomputed (total matches / total tokens of the drawn
    sentences), so the interval reflects how unevenly the term is spread through the article.
    A family never seen in a document gets the interval [0, 0]: the bootstrap cannot say how
    likely a term is that the article never uses; read it as "not observed in ``n_tokens``
    tokens". With counts of 0-5 per article every interval is wide; compare them, not the points.
    Each document's resamples come from its own seed (``random_state`` and its ``doc_id``), so
    adding a document does not change the others' intervals.

    Args:
        matches: From :func:`find_terms`.
        toks: ``kz.tokens(units)`` of the same units (the denominators), or ``kz.compact_tokens`` of it.
        lexicon: From :func:`load_lexicon` (the shipped lexicon when ``None``): its families are the rows.
        corpus: The corpus (``doc_id``, optional ``outlet``): every document gets rows, even one with
            no body text (rate NaN); ``None`` uses the documents of ``toks``.
        n_resamples: Bootstrap resamples per document.
        confidence: Coverage of the percentile interval (0.95: the 2.5th and 97.5th percentiles).
        random_state: Seed.

    Returns:
        One row per (``doc_id``, ``family``), zero counts included, sorted by ``doc_id, frame,
        family``: ``doc_id``, ``outlet`` (``unknown`` without metadata), ``frame``, ``family``,
        ``count``, ``in_quotes``, ``narrative`` (``count - in_quotes``), ``rate_per_1k``, ``rate_low``,
        ``rate_high`` (the interval), ``n_tokens`` and ``n_sentences`` (body), ``confidence``.

    Raises:
        ValueError: If ``n_resamples < 1`` or ``confidence`` is not between 0 and 1.

    Example:
        >>> import kzanalysis as kz
        >>> units = pd.DataFrame({"doc_id": ["a"], "para_id": [0], "text": ["Protesters marched. Police watched."]})
        >>> toks = kz.tokens(units)
        >>> table = frame_terms(find_terms(units, toks=toks), toks)
        >>> table.loc[table["family"] == "protest", ["count", "narrative"]].values.tolist()
        [[1, 1]]
        >>> table.loc[table["family"] == "protest", "rate_per_1k"].item()  # 1 in 4 tokens
        250.0
    """
    if n_resamples < 1:
        raise ValueError(f"n_resamples must be at least 1, not {n_resamples}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1 (e.g. 0.95), not {confidence}")
    lexicon = load_lexicon() if lexicon is None else lexicon
    families = (lexicon.loc[lexicon["kind"] == "include", ["frame", "family"]].drop_duplicates()
                .sort_values(["frame", "family"]).reset_index(drop=True))
    if corpus is not None:
        docs = corpus[["doc_id"]].assign(outlet=corpus["outlet"] if "outlet" in corpus.columns else "unknown")
    else:
        docs = pd.DataFrame({"doc_id": pd.unique(toks["doc_id"]), "outlet": "unknown"})
    docs = docs.assign(outlet=docs["outlet"].fillna("unknown").astype(str)).sort_values("doc_id")
    n_families = len(families)
    family_index = {f: k for k, f in enumerate(families["family"])}
    low_q, high_q = (1 - confidence) / 2, 1 - (1 - confidence) / 2
    # one row per body sentence (that has tokens), grouped by document
    sentence_table, tokens_per = _token_sentences(toks)
    counts = np.zeros((len(sentence_table), n_families))
    quoted = np.zeros((len(sentence_table), n_families))
    known = matches[matches["family"].isin(family_index)] if not matches.empty else matches
    if len(known):
        where = known[["doc_id", "para_id", "sent_id"]].merge(
            sentence_table.reset_index(), on=["doc_id", "para_id", "sent_id"], how="left")["index"]
        if where.isna().any():
            raise ValueError("matches hold sentences that toks does not: pass the tokens of the same units")
        rows_, cols_ = where.to_numpy(dtype=np.int64), known["family"].map(family_index).to_numpy(dtype=np.int64)
        np.add.at(counts, (rows_, cols_), 1.0)
        np.add.at(quoted, (rows_, cols_), known["in_quotes"].to_numpy(dtype=float))
    doc_rows = sentence_table.groupby("doc_id", sort=False).indices
    n_docs = len(docs)
    total = np.zeros((n_docs, n_families))
    in_quotes = np.zeros((n_docs, n_families))
    rate = np.full((n_docs, n_families), np.nan)
    low = np.full((n_docs, n_families), np.nan)
    high = np.full((n_docs, n_families), np.nan)
    n_tokens = np.zeros(n_docs, dtype=np.int64)
    n_sentences = np.zeros(n_docs, dtype=np.int64)
    for d, doc_id in enumerate(docs["doc_id"]):
        index = doc_rows.get(doc_id)
        if index is None or len(index) == 0:
            continue
        doc_counts, doc_tokens, n_sent = counts[index], tokens_per[index], len(index)
        total[d], in_quotes[d] = doc_counts.sum(axis=0), quoted[index].sum(axis=0)
        n_tokens[d], n_sentences[d] = int(doc_tokens.sum()), n_sent
        rate[d] = total[d] / doc_tokens.sum() * 1000
        rng = np.random.default_rng([random_state, zlib.crc32(str(doc_id).encode("utf-8"))])
        draws = rng.integers(0, n_sent, size=(n_resamples, n_sent))
        offsets = (np.arange(n_resamples) * n_sent)[:, None]
        weights = np.bincount((draws + offsets).ravel(), minlength=n_resamples * n_sent) \
            .reshape(n_resamples, n_sent).astype(float)  # how often each sentence was drawn
        low[d], high[d] = 0.0, 0.0  # a family the article never uses: every resample gives 0
        used = np.flatnonzero(total[d] > 0)
        if len(used):
            boot = (weights @ doc_counts[:, used]) / (weights @ doc_tokens)[:, None] * 1000
            low[d, used], high[d, used] = np.quantile(boot, [low_q, high_q], axis=0)
    table = pd.DataFrame({
        "doc_id": np.repeat(docs["doc_id"].to_numpy(), n_families),
        "outlet": np.repeat(docs["outlet"].to_numpy(), n_families),
        "frame": np.tile(families["frame"].to_numpy(), n_docs),
        "family": np.tile(families["family"].to_numpy(), n_docs),
        "count": total.ravel().astype(np.int64),
        "in_quotes": in_quotes.ravel().astype(np.int64),
        "narrative": (total - in_quotes).ravel().astype(np.int64),
        "rate_per_1k": rate.ravel(), "rate_low": low.ravel(), "rate_high": high.ravel(),
        "n_tokens": np.repeat(n_tokens, n_families), "n_sentences": np.repeat(n_sentences, n_families),
        "confidence": confidence,
    })
    for column in ("rate_per_1k", "rate_low", "rate_high"):
        table[column] = table[column].astype(float).round(4)
    return table.sort_values(["doc_id", "frame", "family"], kind="stable").reset_index(drop=True)


def family_contrast(
    table: pd.DataFrame,
    *,
    families: Sequence[str] = ("terror", "protest"),
    by: str = "outlet",
) -> pd.DataFrame:
    """Paired contrast per group: each chosen family's count, its narrative and quoted parts, and its rate.

    Args:
        table: From :func:`frame_terms`.
        families: The families to set side by side (default: ``terror`` against ``protest``).
        by: The grouping column of ``table`` (``outlet`` or ``doc_id``).

    Returns:
        One row per (``by``, ``family``), sorted: ``by``, ``family``, ``count``, ``narrative``,
        ``in_quotes``, ``quoted_share`` (NaN when the count is 0), ``n_tokens``, ``rate_per_1k``
        (pooled over the group's documents).

    Raises:
        ValueError: If a family is not in ``table`` or ``by`` is not a column.

    Example:
        >>> t = pd.DataFrame({"outlet": ["X", "X"], "family": ["terror", "protest"], "count": [2, 4],
        ...                   "narrative": [0, 4], "in_quotes": [2, 0], "n_tokens": [100, 100]})
        >>> family_contrast(t)["quoted_share"].tolist()
        [0.0, 1.0]
    """
    if by not in table.columns:
        raise ValueError(f"table has no column {by!r}; use 'outlet' or 'doc_id'")
    unknown = [f for f in families if f not in set(table["family"])]
    if unknown:
        raise ValueError(f"families {unknown} are not in the table; it has {sorted(set(table['family']))}")
    chosen = table[table["family"].isin(families)]
    tokens = chosen.drop_duplicates([by, "doc_id"] if "doc_id" in chosen.columns and by != "doc_id" else [by])
    n_tokens = tokens.groupby(by)["n_tokens"].sum() if "doc_id" in chosen.columns else None
    out = chosen.groupby([by, "family"], sort=True)[["count", "narrative", "in_quotes"]].sum().reset_index()
    if n_tokens is None:
        n_tokens = chosen.groupby(by)["n_tokens"].first()
    out["quoted_share"] = (out["in_quotes"] / out["count"].where(out["count"] > 0)).round(4)
    out["n_tokens"] = out[by].map(n_tokens).astype("int64")
    out["rate_per_1k"] = (out["count"] / out["n_tokens"].where(out["n_tokens"] > 0) * 1000).round(4)
    return out


def voice_matrix(table: pd.DataFrame, *, only_seen: bool = True) -> pd.DataFrame:
    """A wide view of :func:`frame_terms` for reading: "count (q quoted)" per family and document.

    Args:
        table: From :func:`frame_terms`.
        only_seen: Leave out families that no document uses.

    Returns:
        One row per (``frame``, ``family``) as the index, one column per ``doc_id``; cells are
        strings such as ``"4 (4 quoted)"``, ``"12"`` or ``"0"``.

    Example:
        >>> t = pd.DataFrame({"doc_id": ["a", "a"], "frame": ["security", "civic"], "family": ["terror", "protest"],
        ...                   "count": [4, 0], "in_quotes": [4, 0]})
        >>> voice_matrix(t).values.tolist()
        [['4 (4 quoted)']]
    """
    cells = table.assign(cell=[f"{c} ({q} quoted)" if q else str(c) for c, q in zip(table["count"], table["in_quotes"])])
    if only_seen:
        seen = cells.groupby("family")["count"].transform("sum") > 0
        cells = cells[seen]
    return cells.pivot(index=["frame", "family"], columns="doc_id", values="cell").sort_index()


# --------------------------------------------------------------------------------------------
# Concordance
# --------------------------------------------------------------------------------------------


def _quotation_finder(units: pd.DataFrame, docs: set[object], *,  # type: ignore[no-untyped-def]
                      quoted: pd.DataFrame | None = None):
    """A lookup ``(doc_id, para_id), start, end -> (start, end, quote_id, speaker)`` of the outermost quotation that
    holds a match, or ``None``. Quotations are read per whole document (speakers carry over paragraphs), and only
    for ``docs``, unless ``quoted`` (``quotes(units)``) gives them."""
    by_unit: dict[tuple[object, int], list[tuple[int, int, int, str]]] = {}
    if docs:
        quoted = quotes(units[units["doc_id"].isin(docs)]) if quoted is None else quoted[quoted["doc_id"].isin(docs)]
        columns = ["doc_id", "para_id", "start", "end", "quote_id", "speaker"]  # only these become Python objects
        for q in iter_rows(quoted.loc[quoted["level"] == 0, columns]):
            by_unit.setdefault((q.doc_id, int(q.para_id)), []).append(
                (int(q.start), int(q.end), int(q.quote_id), str(q.speaker)))

    def holding(key: tuple[object, int], start: int, end: int) -> tuple[int, int, int, str] | None:
        return next((q for q in by_unit.get(key, []) if q[0] < start and end <= q[1]), None)

    return holding


def _pattern_matches(pattern: str, units: pd.DataFrame, *, case_sensitive: bool) -> pd.DataFrame:
    """Every match of a regular expression in the units, as :func:`kwic` reads matches (in quotes, speaker)."""
    try:
        regex = re.compile(pattern, 0 if case_sensitive else re.IGNORECASE)
    except re.error as err:
        raise ValueError(f"pattern {pattern!r} is not a regular expression: {err}") from err
    found = []
    for doc_id, para_id, text in zip(units["doc_id"], units["para_id"], units["text"]):
        for m in regex.finditer(text if isinstance(text, str) else ""):
            if m.end() > m.start():
                found.append((doc_id, int(para_id), m.start(), m.end(), m.group(0)))
    holding = _quotation_finder(units, {f[0] for f in found})
    rows = []
    for doc_id, para_id, start, end, text in found:
        holder = holding((doc_id, para_id), start, end)
        rows.append({"doc_id": doc_id, "para_id": para_id, "family": "", "frame": "", "match": text, "start": start,
                     "end": end, "in_quotes": holder is not None, "speaker": holder[3] if holder else ""})
    return pd.DataFrame(rows, columns=["doc_id", "para_id", "family", "frame", "match", "start", "end", "in_quotes",
                                       "speaker"])


def kwic(matches: pd.DataFrame | str, units: pd.DataFrame, *, window: int = 60,
         case_sensitive: bool = False) -> pd.DataFrame:
    """Keyword in context: each occurrence with the words around it in its paragraph.

    Args:
        matches: Lexicon matches from :func:`find_terms`, or a pattern a researcher types: a regular expression
            (``r"\\bterror\\w*"``, ``"state of emergency"``) searched in every unit; its rows get ``family``
            and ``frame`` empty, and ``in_quotes`` and ``speaker`` from :func:`kzanalysis.quotes`, like lexicon
            matches.
        units: The units the matches were found in (``doc_id``, ``para_id``, ``text``): every match's unit (a
            ``ValueError`` names the first match whose unit is missing).
        window: Characters of context on each side (cut back to a whole word; never beyond the paragraph).
        case_sensitive: For a pattern: match case exactly (ignored by default).

    Returns:
        One row per occurrence, sorted by ``doc_id, para_id, start``: ``doc_id``, ``para_id``,
        ``family``, ``left``, ``match``, ``right``, ``in_quotes``, ``speaker``, ``frame``, ``start``,
        ``end``. Text is raw: escape it (``report.escape``) before building HTML by hand.

    Example:
        >>> units = pd.DataFrame({"doc_id": ["a"], "para_id": [0], "text": ["Looters attacked an ATM."]})
        >>> kwic(find_terms(units), units)[["left", "match", "right"]].values.tolist()
        [['', 'Looters', 'attacked an ATM.']]
        >>> units = pd.DataFrame({"doc_id": ["a"], "para_id": [0],
        ...                       "text": ["“Order is restored,” Tokayev said as the state of emergency ended."]})
        >>> kwic(r"order|emergency", units, window=12)[["match", "in_quotes", "speaker"]].values.tolist()
        [['Order', True, 'Tokayev'], ['emergency', False, '']]
    """
    _check_units(units)
    if window < 0:
        raise ValueError(f"window must be 0 or more characters, not {window}")
    if isinstance(matches, str):
        matches = _pattern_matches(matches, units, case_sensitive=case_sensitive)
    if matches.empty:
        return pd.DataFrame(columns=list(KWIC_COLUMNS))
    # each match's unit row (the last, where units repeat a key), then the units one at a time in row order: a
    # unit's text is a Python string only while its matches are cut (every unit's text in a dict, and every match
    # as a tuple of its columns, took the notebook's kwic cell to 7.11 GB at 100,000 planted articles; 5.76 GB now)
    matches, ids = matches.reset_index(drop=True), units[["doc_id", "para_id"]].reset_index(drop=True)  # no copy
    keys = pd.DataFrame({"doc_id": ids["doc_id"], "para_id": ids["para_id"].astype("int64"),
                         "row": np.arange(len(units), dtype=np.int64)}).drop_duplicates(["doc_id", "para_id"],
                                                                                         keep="last")
    row = pd.DataFrame({"doc_id": matches["doc_id"], "para_id": matches["para_id"].astype("int64")}
                       ).merge(keys, on=["doc_id", "para_id"], how="left")["row"].fillna(-1).to_numpy(dtype=np.int64)
    if (row < 0).any():
        k = int(np.argmax(row < 0))
        raise ValueError(f"match row {k} is in unit ({matches['doc_id'].iloc[k]!r}, {matches['para_id'].iloc[k]}), "
                         "which units do not have: pass the units the matches were found in")
    starts, ends = matches["start"].to_numpy(dtype=np.int64), matches["end"].to_numpy(dtype=np.int64)
    unit_texts = units["text"].array
    left_of, right_of = np.full(len(matches), "", dtype=object), np.full(len(matches), "", dtype=object)
    current, text = -1, ""
    for k in np.argsort(row, kind="stable").tolist():
        if row[k] != current:
            current = int(row[k])
            found = unit_texts[current]
            text = found if isinstance(found, str) else ""
        start, end = int(starts[k]), int(ends[k])
        cut_left, cut_right = max(0, start - window), min(len(text), end + window)
        left, right = text[cut_left:start], text[end:cut_right]
        if cut_left > 0 and text[cut_left - 1].isalnum() and " " in left:  # do not show half a word
            left = left.split(" ", 1)[1]
        if cut_right < len(text) and text[cut_right].isalnum() and " " in right:
            right = right.rsplit(" ", 1)[0]
        left_of[k], right_of[k] = left.strip(), right.strip()
    table = pd.DataFrame({
        "doc_id": matches["doc_id"], "para_id": matches["para_id"].astype("int64"), "family": matches["family"],
        "left": pd.Series(left_of, dtype=str), "match": matches["match"], "right": pd.Series(right_of, dtype=str),
        "in_quotes": matches["in_quotes"].astype(bool), "speaker": matches["speaker"], "frame": matches["frame"],
        "start": starts, "end": ends})
    return table.sort_values(["doc_id", "para_id", "start"], kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Keyness: log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008)
# --------------------------------------------------------------------------------------------


def keyness_groups(corpus: pd.DataFrame, *, by: Literal["outlet", "doc_id"] = "outlet") -> pd.DataFrame:
    """Which group each document belongs to for keyness: its outlet, or the document itself.

    With ``by="outlet"`` and fewer than two distinct outlets (a corpus without metadata has only
    ``unknown``), the documents are compared with each other instead; ``basis`` says which.

    Args:
        corpus: With ``doc_id`` and, optionally, ``outlet``.
        by: ``"outlet"`` or ``"doc_id"``.

    Returns:
        One row per document, sorted by ``doc_id``: ``doc_id``, ``group``, ``basis`` (``outlet`` or ``doc_id``).

    Example:
        >>> keyness_groups(pd.DataFrame({"doc_id": ["a", "b"]}))["basis"].tolist()
        ['doc_id', 'doc_id']
    """
    if by not in ("outlet", "doc_id"):
        raise ValueError(f"by must be 'outlet' or 'doc_id', not {by!r}")
    outlets = corpus["outlet"].fillna("unknown").astype(str) if "outlet" in corpus.columns else None
    if by == "outlet" and outlets is not None and outlets.nunique() >= 2:
        groups, basis = outlets, "outlet"
    else:
        groups, basis = corpus["doc_id"].astype(str), "doc_id"
    out = pd.DataFrame({"doc_id": corpus["doc_id"].to_numpy(), "group": groups.to_numpy(), "basis": basis})
    return out.sort_values("doc_id").reset_index(drop=True)


MAX_KEYNESS_ROWS = 20_000_000
"""The largest :func:`keyness` table computed: it has a row per group and term of the corpus (and holds the counts as
a terms x groups matrix), so keyness of each of 10,000 planted articles without outlets (65,290 word types besides
stop words and numbers) would be 653 million rows; computing it ran out of memory (stopped at 15.8 GB resident).
20 million rows are about 1 GB of CSV, already far more than anyone reads."""


def keyness_problem(groups: pd.DataFrame, toks: pd.DataFrame, *, term: str = "lower",
                    max_rows: int = MAX_KEYNESS_ROWS) -> str | None:
    """Why keyness cannot be computed on these groups and tokens, or ``None`` when it can: fewer than two groups with
    body text, or more than ``max_rows`` rows (groups with text x distinct ``term`` values of ``toks``).

    Example:
        >>> keyness_problem(pd.DataFrame({"doc_id": ["a"], "group": ["a"]}), pd.DataFrame({"doc_id": ["a"]}))
        'keyness compares each group with the rest, so it needs at least two groups with body text; found 1 (a).'
    """
    present = groups[groups["doc_id"].isin(toks["doc_id"].unique())] if not toks.empty else groups.iloc[:0]
    names = sorted(present["group"].astype(str).unique())
    if len(names) < 2:
        return ("keyness compares each group with the rest, so it needs at least two groups with body text; "
                f"found {len(names)}{' (' + ', '.join(names) + ')' if names else ''}.")
    n_terms = toks[term].nunique() if term in toks.columns else 0
    if len(names) * n_terms > max_rows:
        basis = f" ({present['basis'].iloc[0]})" if "basis" in present.columns else ""
        return (f"keyness of {len(names):,} groups{basis} over {n_terms:,} terms would be {len(names) * n_terms:,} "
                f"rows, more than {max_rows:,} (max_rows): compare fewer groups, e.g. "
                "outlets (an outlet column in the metadata) instead of documents.")
    return None


def _kept_codes(values: pd.Series, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of the kept rows' values (32-bit where they fit) and the distinct values: a category's own
    codes, not a 64-bit copy (at 100,000 planted articles, with ``pd.factorize`` of the compact tokens' 64 million
    words, the notebook's keyness cell peaked at 6.83 GB; 5.93 GB with the codes)."""
    codes, names = _codes(values, as_text=False)
    return codes[keep].astype(_index_type(len(names)), copy=False), names


def _group_term_counts(toks: pd.DataFrame, groups: pd.DataFrame, *, term: str, keep: np.ndarray) -> pd.DataFrame:
    """How often each term of the kept tokens occurs in each group's documents: terms x groups, both sorted,
    only those with a count (``pd.crosstab`` of the tokens joined to ``groups``, a document in two groups counting
    in both), counted on codes: no per-token copy of the strings (64 million tokens at 100,000 articles)."""
    from scipy import sparse

    doc_codes, doc_names = _kept_codes(toks["doc_id"], keep)
    term_codes, term_names = _kept_codes(toks[term], keep)
    per_doc = sparse.csr_matrix((np.ones(len(doc_codes), dtype=np.int32), (doc_codes, term_codes)),
                                shape=(len(doc_names), len(term_names)))
    del doc_codes, term_codes
    member_doc = pd.Index(doc_names).get_indexer(groups["doc_id"])
    member_group, group_names = pd.factorize(groups["group"].astype(str))
    has_text = member_doc >= 0
    members = sparse.csr_matrix((np.ones(int(has_text.sum()), dtype=np.int64),
                                 (member_group[has_text], member_doc[has_text])),
                                shape=(len(group_names), len(doc_names)))
    y = np.asarray((members @ per_doc).T.todense())  # terms x groups
    terms = np.flatnonzero(y.sum(axis=1) > 0)
    used = np.flatnonzero(y.sum(axis=0) > 0)
    terms = terms[np.argsort(np.asarray(term_names, dtype=object)[terms].astype(str), kind="stable")]
    used = used[np.argsort(np.asarray(group_names, dtype=object)[used].astype(str), kind="stable")]
    return pd.DataFrame(y[np.ix_(terms, used)], index=pd.Index(np.asarray(term_names, dtype=object)[terms]),
                        columns=pd.Index(np.asarray(group_names, dtype=object)[used]))


def keyness(
    toks: pd.DataFrame,
    groups: pd.DataFrame,
    *,
    term: Literal["lower", "stem"] = "lower",
    alpha0: float | None = None,
    drop_stop_words: bool = True,
    drop_numbers: bool = True,
    if_impossible: Literal["raise", "empty"] = "raise",
    max_rows: int = MAX_KEYNESS_ROWS,
) -> pd.DataFrame:
    """Distinctive terms of each group against all the others ("Fightin' Words").

    For group *i* against the rest *j*, the log-odds ratio of term *w* with an informative
    Dirichlet prior (Monroe, Colaresi & Quinn 2008, eq. 22 and 24) is
    ``δ = log((y_iw + α_w) / (n_i + α0 - y_iw - α_w)) - log((y_jw + α_w) / (n_j + α0 - y_jw - α_w))``
    with variance ``1/(y_iw + α_w) + 1/(y_jw + α_w)`` and ``z = δ / sqrt(variance)``. The prior is the
    pooled corpus: ``α_w = α0 · (corpus count of w) / (corpus tokens)``, which shrinks rare words
    towards "not distinctive" instead of dropping them, so there is no frequency floor and the
    method works at five documents (though with one article per outlet, a z above 2 says the word
    is unusual for that article, not for the outlet).

    Args:
        toks: ``kz.tokens(units)``, or ``kz.compact_tokens`` of it.
        groups: From :func:`keyness_groups` (``doc_id``, ``group``).
        term: ``"lower"`` (readable lower-cased words) or ``"stem"``.
        alpha0: Prior size; ``None`` uses the number of corpus tokens (``α_w`` = the corpus count).
            Smaller values shrink less and let rare words rank higher.
        drop_stop_words: Leave out stop words (``is_stop``).
        drop_numbers: Leave out numbers (``is_number``).
        if_impossible: When :func:`keyness_problem` finds a problem (fewer than two groups with
            text, or a table of more than ``max_rows`` rows): ``"raise"`` a ValueError, or
            return an ``"empty"`` table with the columns.
        max_rows: The largest table computed (:data:`MAX_KEYNESS_ROWS` by default).

    Returns:
        One row per (``group``, ``term``) of every term in the corpus, sorted by ``group`` then ``z``
        descending then ``term``: ``group``, ``term``, ``count_group``, ``count_rest``, ``log_odds``, ``z``.

    Raises:
        ValueError: When :func:`keyness_problem` finds a problem, or ``term``/``alpha0`` is invalid.

    Example:
        >>> import kzanalysis as kz
        >>> units = pd.DataFrame({"doc_id": ["a", "b"], "para_id": [0, 0],
        ...                       "text": ["bandits bandits bandits city", "protesters protesters city"]})
        >>> key = keyness(kz.tokens(units), pd.DataFrame({"doc_id": ["a", "b"], "group": ["A", "B"]}))
        >>> key.groupby("group").head(1)[["group", "term"]].values.tolist()
        [['A', 'bandits'], ['B', 'protesters']]
    """
    if term not in ("lower", "stem"):
        raise ValueError(f"term must be 'lower' or 'stem', not {term!r}")
    if alpha0 is not None and alpha0 <= 0:
        raise ValueError(f"alpha0 must be positive, not {alpha0}")
    if if_impossible not in ("raise", "empty"):
        raise ValueError(f"if_impossible must be 'raise' or 'empty', not {if_impossible!r}")
    problem = keyness_problem(groups, toks, term=term, max_rows=max_rows)
    if problem and if_impossible == "empty":
        return pd.DataFrame(columns=list(KEYNESS_COLUMNS))
    if problem:
        raise ValueError(problem)
    keep = np.ones(len(toks), dtype=bool)
    if drop_stop_words:
        keep &= ~toks["is_stop"].to_numpy(dtype=bool)
    if drop_numbers:
        keep &= ~toks["is_number"].to_numpy(dtype=bool)
    counts = _group_term_counts(toks, groups, term=term, keep=keep)
    if counts.empty:
        return pd.DataFrame(columns=list(KEYNESS_COLUMNS))
    y = counts.to_numpy(dtype=float)  # terms x groups
    total = y.sum(axis=1)
    n_all = total.sum()
    a0 = n_all if alpha0 is None else float(alpha0)
    alpha = a0 * total / n_all
    out = []
    for g, name in enumerate(counts.columns):
        y_i, y_j = y[:, g], total - y[:, g]
        n_i, n_j = y_i.sum(), y_j.sum()
        delta = (np.log((y_i + alpha) / (n_i + a0 - y_i - alpha))
                 - np.log((y_j + alpha) / (n_j + a0 - y_j - alpha)))
        z = delta / np.sqrt(1 / (y_i + alpha) + 1 / (y_j + alpha))
        out.append(pd.DataFrame({"group": name, "term": counts.index.astype(str), "count_group": y_i.astype(int),
                                 "count_rest": y_j.astype(int), "log_odds": np.round(delta, 6),
                                 "z": np.round(z, 6)}))
    table = pd.concat(out, ignore_index=True)
    return table.sort_values(["group", "z", "term"], ascending=[True, False, True], kind="stable") \
        .reset_index(drop=True)[list(KEYNESS_COLUMNS)]
