"""Quotations and who speaks: quote spans, speech cues, speakers and pronouns, in one place.

Framing (in whose voice a term appears), claims and sources (on whose word a figure rests) and overlap (quoted
passages) all read quotations and attributions from here, so they agree on who said what.

How a paragraph is read:

1. **Quotation spans** come from a small state machine over the quote marks (:func:`quote_spans`).
2. **Speech cues** come from ``data/lexicons/speech.csv``, a list researchers extend: verbs ("said", "told",
   "describes"), verbs that are speech only next to a quotation ("continued", "called"), verbs that are also nouns
   ("claims", "reports": they count only with evidence), participles
   ("saying", "adding": the speaker is the subject of the clause they hang on), prepositions ("according to") and
   chained cues ("citing", "quoting": a further source), and titles ("Mr.", "Sen.", "Gov.": part of a name).
3. **Citations.** With the inside of every quotation blanked out (so a quoted "he said" is never an attribution and
   sentences never break inside a quotation), each sentence's cues get their source: the noun phrase before the
   verb ("Deputy Defence Minister Sultan Gamaletdinov said"), a name with its role ("Yerkin Zhumabekov, a mall
   manager, said"), the phrase after an inverted verb or a preposition ("…,” said the mayor of Almaty",
   "according to TASS"), or the subject of the clause for a participle ("Trump defended his plan, saying …").
   Leading articles and possessives are dropped ("the Kremlin" -> "Kremlin").
4. **Speakers of quotations.** A quotation takes the citation right after its closing mark in the same sentence
   (``"…,” X said``, ``"…,” said X``) or the attribution clause that closes the sentence after it (``the "…"
   there, Tokayev said``), else the last one before its opening mark in the same sentence
   (``X said: "…"``, ``according to X, "…"``, ``X, saying "…"``). One that names no speaker and opens a sentence
   right after another quotation of the same speaker continues it (``"…,” Perry said. "…"``), and so does a
   paragraph that opens with a quote mark after a paragraph that ended quoting someone (how newspapers continue a
   long quotation).
5. **Pronouns.** "he", "she" (and "the statement", "it", "they") are resolved to the last person (or source) named
   before them in the document: a cited source or the named subject of a sentence ("Rick Perry pledges …";
   ``"…," he said`` -> Rick Perry). ``speaker_text`` keeps what the text says ("he").

These are surface patterns: check them in the tables (``speaker_text``, ``speaker_source``). Measured on BASIL's
722 quoted spans by ``benchmarks/quote_speakers.py`` (``benchmarks/results/quote_speakers.md``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from . import config
from ._rows import row_hashes

__all__ = ["SPEECH_CUES_FILE", "QUOTE_COLUMNS", "CITATION_COLUMNS", "load_speech_cues", "quote_spans", "quotes",
           "citations"]

SPEECH_CUES_FILE: Path = config.DATA_DIR / "lexicons" / "speech.csv"
"""The researcher-editable list of speech cues and titles (see :func:`load_speech_cues`)."""
CUE_KINDS: tuple[str, ...] = ("verb", "quote_verb", "noun_verb", "participle", "preposition", "chained", "title")
QUOTE_COLUMNS: tuple[str, ...] = ("doc_id", "para_id", "quote_id", "start", "end", "level", "open_mark",
                                  "close_mark", "closed", "speaker", "speaker_text", "speaker_source", "text")
CITATION_COLUMNS: tuple[str, ...] = ("doc_id", "para_id", "start", "end", "cue", "source", "source_text", "chained")

_DOUBLE_MARKS = frozenset("“”\"„«»")
_SINGLE_MARKS = frozenset("‘’'‚‹›")
QUOTE_MARKS = _DOUBLE_MARKS | _SINGLE_MARKS
"""Every character read as a quote mark (curly, straight, low-9, guillemets)."""
_OPEN_BEFORE = frozenset("([{—–-/:") | QUOTE_MARKS  # characters after which a quote mark may open
_NO_OPEN_AFTER = frozenset(".,;:!?)]}")  # characters before which a quote mark cannot open

_PERSONAL = frozenset({"he", "she"})
_ANAPHORS = frozenset({"he", "she", "it", "they", "statement"})
"""Sources resolved to an antecedent (after leading articles are dropped: "the statement" -> "statement")."""
_NOT_SOURCES = frozenset({"others", "some", "many", "who", "we", "i", "you", "this", "that", "which", "there"})
_BACK_STOP = frozenset(
    "that which who whom whose after before when while as because if than so then but or nor with from into "
    "for during has have had is are was were be been being will would could can should may might do does did "
    "also not never only where why how although though since until unless whether about to by on "
    "meanwhile later earlier however what whom".split()
)
_SKIP_ADVERBS = frozenset("also reportedly later earlier then previously allegedly repeatedly again separately "
                          "once recently publicly privately had has have would will".split())
"""Words skipped between a speech verb and its subject ("He had said", "Tokayev reportedly told")."""
_LEADING_DET = re.compile(r"^(?:the|a|an|his|her|its|their|our)\s+", re.IGNORECASE)
_AFTER_STOP = frozenset("on in at last earlier late this that who which said says during after before when while "
                        "and to from with as for".split())
_TOKEN = re.compile(r"[\w’'().&-]+")
_DAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_PHRASE_END = re.compile(
    rf"[,;:.!?“”\"()]|\s+(?:on|in|at|last|earlier|late|this)\s+(?:{_DAYS}|a statement|the statement|its|his|her|"
    rf"their|twitter|facebook|telegram|instagram|week|month|morning|evening)\b|\s+(?:that|who|which|said)\b",
    re.IGNORECASE,
)
"""Where the source after "according to", "citing" or "quoting" ends: it may be a long noun phrase ("a statement
posted on the presidential website"), cut at punctuation, a time or channel ("on Saturday", "on Twitter") or a
new clause."""
_CLAUSE_END = re.compile(r"\s*(?:$|[.,;:!?]|that\b|on\b|in\b|last\b)", re.IGNORECASE)
_APPOSITIVE = re.compile(r"(?:^|[,;:“”\"]\s*)(?P<a>[^,;:“”\"]{2,60}),\s*(?P<b>[^,;:“”\"]{2,60}),\s*$")
_INITIAL = re.compile(r"^[A-Z]\.$")
_NOT_SUBJECT_START = _BACK_STOP | _AFTER_STOP | frozenset(
    "in of at for after before during while as when but and or asked instead her his their its our my your this "
    "these those there here then however still also so yet if although though despite amid under over since "
    "according updated meanwhile now today yesterday not no nor what why how where which whose one some many "
    "most all both each every another other such only even just earlier later last next first dear within without "
    "among against throughout toward towards upon across behind beyond inside outside near like unlike per via "
    "with by to from into onto about above below around through following including regarding given".split())
"""Capitalised words that open a sentence without being (the start of) its subject: prepositions, conjunctions,
possessives, adverbs. A sentence opening with one of them is read from its first comma."""


@dataclass
class _Span:
    start: int  # offset of the opening mark
    end: int  # offset just after the closing mark (the text's length when unclosed)
    level: int  # 0 for an outermost quotation
    kind: str  # "double" or "single"
    open_mark: str
    close_mark: str = ""
    closed: bool = False


@dataclass
class _Citation:
    start: int  # offset of the cue in the paragraph
    end: int
    cue: str  # as written, lower case
    source_text: str  # the noun phrase as written (articles dropped)
    chained: bool  # "citing X" / "quoting X": X is the further source of the sentence's main source
    source_start: int  # offset where the source phrase (or, inverted, the cue) begins
    sentence: int  # index of the masked sentence in the paragraph
    kind: str = "verb"  # the cue's kind in the cue list
    article: bool = False  # the phrase as written opened with an article or possessive ("the governor")
    source: str = ""  # resolved
    personal: bool = False  # names a person (a name without a leading article), antecedent of he/she


@dataclass
class _Cues:
    pattern: re.Pattern[str]
    kinds: dict[str, str]
    titles: frozenset[str] = field(default_factory=frozenset)
    first_words: frozenset[str] | None = None
    """Each cue's first word, lower-cased, when every cue starts with an ASCII word (see :meth:`finditer`)."""

    def finditer(self, text: str) -> list[re.Match[str]]:
        """``pattern.finditer(text)``, tried only where a word that opens a cue starts.

        A cue can only match where a word starts (each begins with a word character after ``\\b``), and that
        whole word is then the cue's first word in some case: a word that is no cue's first word is skipped
        without running the alternation of every cue there, the slow part. Words that are not plain ASCII are
        always tried (case-insensitive matching folds a few other characters onto ASCII ones), and so is every
        position when a cue does not start with an ASCII word (``first_words`` is ``None``).
        """
        if self.first_words is None:
            return list(self.pattern.finditer(text))
        found: list[re.Match[str]] = []
        end = 0
        for word in _WORD_RUN.finditer(text):
            start = word.start()
            if start < end or (word.group().isascii() and word.group().lower() not in self.first_words):
                continue
            match = self.pattern.match(text, start)  # \b still sees the character before ``start``
            if match:
                found.append(match)
                end = match.end()
        return found


_WORD_RUN = re.compile(r"\w+")


# --------------------------------------------------------------------------------------------
# The cue list
# --------------------------------------------------------------------------------------------


def load_speech_cues(path: Path | str = SPEECH_CUES_FILE) -> pd.DataFrame:
    """Read and validate the speech cue list (a CSV researchers extend: one word or phrase per row).

    Args:
        path: CSV with columns ``word``, ``kind`` (one of :data:`CUE_KINDS`) and ``note``.

    Returns:
        One row per cue, in file order: ``word``, ``kind``, ``note``.

    Raises:
        ValueError: Naming the file and line when a column is missing, a kind is unknown or a word repeats.

    Example:
        >>> cues = load_speech_cues()
        >>> cues.set_index("word").loc[["said", "saying", "according to", "Sen."], "kind"].tolist()
        ['verb', 'participle', 'preposition', 'title']
    """
    path = Path(path)
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as err:
        raise ValueError(f"{path}: cannot read speech cues: {err}") from err
    missing = [c for c in ("word", "kind") if c not in table.columns]
    if missing:
        raise ValueError(f"{path}: speech cues lack column(s) {missing}; expected word, kind, note")
    for line, row in enumerate(table.itertuples(index=False), start=2):
        if not row.word.strip():
            raise ValueError(f"{path}, line {line}: empty word")
        if row.kind not in CUE_KINDS:
            raise ValueError(f"{path}, line {line}: kind must be one of {CUE_KINDS}, not {row.kind!r}")
    repeated = table["word"][table["word"].duplicated()].tolist()
    if repeated:
        raise ValueError(f"{path}: words must be unique; repeated: {repeated}")
    if "note" not in table.columns:
        table["note"] = ""
    return table[["word", "kind", "note"]].reset_index(drop=True)


@lru_cache(maxsize=4)
def _cues(path: str = str(SPEECH_CUES_FILE)) -> _Cues:
    table = load_speech_cues(path)
    speech = table[table["kind"] != "title"]
    words = sorted(speech["word"].str.lower(), key=len, reverse=True)
    pattern = re.compile(r"\b(?P<cue>" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words) + r")\b",
                         re.IGNORECASE)
    titles = frozenset(table.loc[table["kind"] == "title", "word"])
    first = [re.match(r"[A-Za-z0-9_]+(?!\w)", w) for w in words]
    first_words = frozenset(m.group().lower() for m in first if m) if all(first) else None
    return _Cues(pattern, dict(zip(speech["word"].str.lower(), speech["kind"])), titles, first_words)


# --------------------------------------------------------------------------------------------
# Quotation spans
# --------------------------------------------------------------------------------------------


def _is_apostrophe(text: str, i: int) -> bool:
    """A single mark inside a word (Kazakhstan’s, Tokayev's, don't) or before a decade ('90s)."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if before.isalnum() and after.isalnum():
        return True
    return bool(re.match(r"\d\ds\b", text[i + 1:i + 4]))


def _can_open(text: str, i: int) -> bool:
    """A mark may open a quotation when it follows a space (or a bracket, dash, colon or another quote
    mark, or starts the text) and something other than punctuation follows it."""
    before = text[i - 1] if i > 0 else " "
    if not (before.isspace() or before in _OPEN_BEFORE):
        return False
    rest = text[i + 1:].lstrip(" ")
    return bool(rest) and rest[0] not in _NO_OPEN_AFTER and not rest[0].isspace()


_QUOTE_MARK = re.compile("[" + re.escape("".join(sorted(QUOTE_MARKS))) + "]")


def _quote_spans(text: str) -> list[_Span]:
    spans: list[_Span] = []
    stack: list[_Span] = []
    for mark in _QUOTE_MARK.finditer(text):  # only the marks: the other characters never change the state
        i, char = mark.start(), mark.group()
        if char in _DOUBLE_MARKS:
            open_double = next((k for k in range(len(stack) - 1, -1, -1) if stack[k].kind == "double"), None)
            if open_double is not None:
                while len(stack) > open_double:
                    span = stack.pop()
                    span.end = i + 1
                    if span.kind == "double":
                        span.close_mark, span.closed = char, True
            elif _can_open(text, i):
                span = _Span(i, len(text), len(stack), "double", char)
                stack.append(span)
                spans.append(span)
            continue
        if _is_apostrophe(text, i):
            continue
        before = text[i - 1] if i > 0 else " "
        if stack and stack[-1].kind == "single":
            if not before.isspace():
                span = stack.pop()
                span.end, span.close_mark, span.closed = i + 1, char, True
        elif _can_open(text, i) and (i + 1 < len(text) and (text[i + 1].isalnum() or text[i + 1] in "(")):
            span = _Span(i, len(text), len(stack), "single", char)
            stack.append(span)
            spans.append(span)
    for span in stack:
        span.end = len(text)
    return spans


def quote_spans(text: str) -> list[tuple[int, int, int, bool]]:
    """The quotations of one paragraph, outermost and nested, in order of their opening mark.

    A small state machine over the quote marks:

    * a single mark between two letters or digits is an apostrophe, never a quote mark;
    * inside a double quotation, the next double mark closes it, whichever way it is curled: machine
      translation and French typography reverse closing marks (``determination. “.``, ``normal, “adds``);
    * outside, a double mark opens only where a quotation can start (after a space, bracket, dash or
      colon, followed by a word); any other mark is a stray closing mark and is ignored, so it cannot
      flip the rest of the text into quotation;
    * single marks open nested (or stand-alone) quotations the same way and close at the next single
      mark that follows a non-space character; closing a double quotation closes what it holds;
    * a quotation still open at the end of the paragraph ends there (not closed): quotations never carry
      over a paragraph boundary.

    Args:
        text: One paragraph.

    Returns:
        ``(start, end, level, closed)`` per quotation: offsets of the opening mark and just after the
        closing mark, 0 for an outermost quotation, and whether a closing mark was found.

    Example:
        >>> quote_spans("“They are ‘bandits’,” he said. “We")
        [(0, 21, 0, True), (10, 19, 1, True), (31, 34, 0, False)]
    """
    return [(s.start, s.end, s.level, s.closed) for s in _quote_spans(text)]


# --------------------------------------------------------------------------------------------
# Citations: a speech cue and its source
# --------------------------------------------------------------------------------------------


def _mask(text: str, spans: list[_Span]) -> str:
    """``text`` with the inside of every outermost quotation blanked (its marks kept), offsets unchanged."""
    chars = list(text)
    for span in spans:
        if span.level == 0:
            inner_end = span.end - 1 if span.closed else span.end
            chars[span.start + 1:inner_end] = " " * max(0, inner_end - span.start - 1)
    return "".join(chars)


def _stop_in_name(word: str, titles: frozenset[str] = frozenset()) -> bool:
    """Whether the full stop ending ``word`` belongs to a name: a title ("Sen."), an initial ("J.") or an
    abbreviation with inner stops ("U.S."), not the end of a sentence or phrase."""
    return word in titles or bool(_INITIAL.match(word)) or bool(re.fullmatch(r"(?:\w\.){2,}", word))


def _sentence_bounds(masked: str, titles: frozenset[str]) -> list[tuple[int, int]]:
    """Sentences of a masked paragraph: a break after . ! ? … (and closing marks) before a capital, digit or
    opening mark, except after a title ("Sen."), an initial ("J.") or an abbreviation with inner stops ("U.S.")."""
    bounds, start = [], 0
    for match in re.finditer(r"[.!?…][\"”’»)]*\s+(?=[\"“‘«(\[A-Z0-9])", masked):
        word = masked[:match.start() + 1].rsplit(None, 1)[-1] if masked[:match.start() + 1].strip() else ""
        if _stop_in_name(word, titles):
            continue
        bounds.append((start, match.end()))
        start = match.end()
    bounds.append((start, len(masked)))
    return [(a, b) for a, b in bounds if masked[a:b].strip()]


def _clean_source(source: str) -> str:
    source = re.sub(r"\s+", " ", source.strip(" ,;:“”\"'‘’"))
    previous = None
    while previous != source:
        previous = source
        source = _LEADING_DET.sub("", source)
    if source.endswith(".") and not source.endswith(".."):
        last = source.rsplit(None, 1)[-1]
        if not _stop_in_name(last):
            source = source[:-1]
    return source


def _after_source(text: str, titles: frozenset[str], max_words: int = 10) -> tuple[str, int]:
    """The noun phrase that starts ``text`` (after "according to", "citing", or an inverted verb), and its offset.

    It runs to punctuation (a title's or an initial's full stop aside) or a word that starts a new clause or a
    circumstance ("on Tuesday", "in a statement", "that", "who")."""
    kept: list[re.Match[str]] = []
    position = 0
    for token in _TOKEN.finditer(text):
        gap = text[position:token.start()]
        if kept and re.search(r"[,;:!?“”\"«»—–]", gap):
            break
        word = token.group(0)
        if kept and word.lower() in _AFTER_STOP:
            break
        kept.append(token)
        position = token.end()
        if word.endswith(".") and not _stop_in_name(word, titles):
            break
        if len(kept) >= max_words:
            break
    if not kept:
        return "", 0
    return text[kept[0].start():kept[-1].end()], kept[0].start()


def _phrase_after(text: str, titles: frozenset[str], max_words: int = 8) -> tuple[str, int]:
    """The noun phrase after "according to", "citing", "quoting" (see :data:`_PHRASE_END`), and its offset."""
    end = len(text)
    for match in _PHRASE_END.finditer(text):
        word = text[:match.start() + 1].rsplit(None, 1)[-1] if text[:match.start() + 1].strip() else ""
        if match.group(0) == "." and _stop_in_name(word, titles):
            continue
        end = match.start()
        break
    words = text[:end].split()[:max_words]
    if not words:
        return "", 0
    start = text.index(words[0])
    return " ".join(words), start


def _before_source(sentence: str, verb_start: int) -> tuple[str, int]:
    """The subject right before a speech verb: words back to punctuation, a quote or a function word."""
    tokens = list(_TOKEN.finditer(sentence[:verb_start]))
    kept: list[re.Match[str]] = []
    position = verb_start
    for i in range(len(tokens) - 1, -1, -1):
        token = tokens[i]
        gap = sentence[token.end(): position]
        if re.search(r"[,;:“”\"«»—–]|\.\s", gap):
            break
        word = token.group(0)
        lower = word.lower()
        if re.fullmatch(r"\([A-Z]{2,9}\)", word) and i > 0 and tokens[i - 1].group(0).isdigit():
            break  # a dateline's wire: "Nur-Sultan, Jan 9 (IANS) Kazakh President ... said"
        if not kept and lower in _SKIP_ADVERBS:
            position = token.start()
            continue
        if lower in _BACK_STOP:
            break
        if lower == "and":
            previous = tokens[i - 1].group(0) if i > 0 else ""
            if not previous[:1].isupper():
                break
        kept.insert(0, token)
        position = token.start()
        if len(kept) >= 9:
            break
    if not kept:
        return "", verb_start
    return sentence[kept[0].start(): kept[-1].end()], kept[0].start()


def _leading_subject(sentence: str, cues: _Cues) -> tuple[str, int]:
    """The subject that opens a clause: a pronoun, or a name (capitalised words, titles, "of"), or an article and
    up to three more words ("The ministry", "A police spokesman")."""
    tokens = list(_TOKEN.finditer(sentence))
    if not tokens:
        return "", 0
    first = tokens[0].group(0)
    if first.lower() in _ANAPHORS - {"statement"} | {"i", "we"}:
        return first, tokens[0].start()
    opener = first.lower() in _NOT_SUBJECT_START - {"the", "a", "an"} or (
        first.lower().endswith(("ing", "ed")) and len(tokens) > 1 and not tokens[1].group(0)[:1].isupper()
        and sentence[tokens[0].end():tokens[1].start()].strip() in ("", ","))
    if opener:
        comma = sentence.find(",", tokens[0].end())
        if comma < 0 or comma > 120:
            return "", 0
        subject, at = _leading_subject(sentence[comma + 1:], cues)
        return subject, comma + 1 + at if subject else 0
    kept: list[re.Match[str]] = []
    if first.lower() in {"the", "a", "an"}:
        kept.append(tokens[0])
        for token in tokens[1:4]:
            word = token.group(0).lower()
            if word in _BACK_STOP or word in _AFTER_STOP or word in cues.kinds or (
                    word.endswith("ed") and not token.group(0)[:1].isupper()):
                break
            kept.append(token)
            if not token.group(0)[:1].isupper() and token.group(0).lower().endswith(("man", "woman", "person", "s")):
                break
    else:
        for token in tokens[:8]:
            word = token.group(0)
            if kept and sentence[kept[-1].end():token.start()].strip(" "):
                break
            if word[:1].isupper() or word in cues.titles or (kept and word.lower() in {"of", "de", "al", "bin", "van"}):
                kept.append(token)
            else:
                break
    while kept and kept[-1].group(0).lower() in {"of", "de", "al", "bin", "van", "the", "a", "an"}:
        kept.pop()
    if not kept:
        return "", 0
    return sentence[kept[0].start():kept[-1].end()], kept[0].start()


def _short_noun_phrase(text: str) -> bool:
    words = text.split()
    return 0 < len(words) <= 6 and words[0].lower() not in _BACK_STOP | {"in", "after", "on", "but", "and"}


def _sentence_citations(masked: str, offset: int, sentence_index: int, cues: _Cues) -> list[_Citation]:
    """Citations of one masked sentence (``masked`` starts at ``offset`` in its paragraph)."""
    found: list[_Citation] = []

    def add(source: str, source_start: int, match: re.Match[str], chained: bool = False) -> None:
        cleaned = _clean_source(source)
        if cleaned and cleaned.lower() not in _NOT_SOURCES:
            cue = " ".join(match.group(0).lower().split())
            found.append(_Citation(offset + match.start(), offset + match.end(), cue, cleaned, chained,
                                   offset + source_start, sentence_index, kind=cues.kinds.get(cue, "verb"),
                                   article=bool(_LEADING_DET.match(source.strip(" ,;:“”\"'‘’")))))

    for match in cues.finditer(masked):
        cue = " ".join(match.group("cue").lower().split())
        kind = cues.kinds.get(cue, "verb")
        after = masked[match.end():]
        if kind in ("preposition", "chained"):
            source, at = _phrase_after(after, cues.titles)
            if source:
                add(source, match.end() + at, match, chained=kind == "chained")
            continue
        before = masked[: match.start()].rstrip()
        if kind == "participle":
            subject, at = _before_source(masked, match.start())
            if subject and len(subject.split()) <= 3:  # "with some protesters saying"
                add(subject, at, match)
                continue
            clause_start = max(before.rfind(m) for m in ("“", "”", '"')) + 1 if not before.endswith(",") else 0
            subject, at = _leading_subject(masked[clause_start:match.start()], cues) if clause_start else \
                _leading_subject(masked, cues)
            if subject and _clean_source(subject) not in {c.source_text for c in found}:  # "X said, adding": one
                add(subject, clause_start + at, match)
            continue
        inverted_position = not before or before[-1] in ",“”\"'"
        if kind == "quote_verb" and not (re.search(r"[”\"’][^“”\"]{0,60}$", before)
                                         or re.match(r"\s*(?:\S+\s+){0,4}[“\"‘]", after)):
            continue  # "The violence continued": not speech unless a quotation is right there
        subject, at = _before_source(masked, match.start())
        # a noun-verb ("claims", "states") is a noun in "any claims made by", "member states will": it counts only
        # inverted, before "that", or closing the clause after a subject of at most four words
        if kind == "noun_verb" and subject and not re.match(r"\s*that\b", after) and not (
                _CLAUSE_END.match(after) and len(subject.split()) <= 4):
            continue
        if subject:
            if subject.lower() != "who":
                add(subject, at, match)
            continue
        if re.search(r",\s*who\s*$", before, re.IGNORECASE):
            head, at = _before_source(masked, before.lower().rfind(", who"))
            if head:
                add(head, at, match)
            continue
        appositive = _APPOSITIVE.search(before)
        if appositive and _short_noun_phrase(appositive.group("a")) and _short_noun_phrase(appositive.group("b")):
            add(f"{appositive.group('a').strip()}, {appositive.group('b').strip()}", appositive.start("a"), match)
            continue
        if inverted_position and kind in ("verb", "quote_verb", "noun_verb"):
            source, at = _after_source(after, cues.titles, max_words=10)
            first = source.split()[0].lower() if source else ""
            if source and (first not in _NOT_SUBJECT_START or first in {"the", "a", "an"}):
                add(source, match.start(), match)
                continue
        if kind == "verb" and before.endswith(","):  # "Elizabeth Lauten, the director for X (R-Tenn.), wrote"
            subject, at = _leading_subject(masked, cues)
            if subject and subject.lower() not in _ANAPHORS:
                add(subject, at, match)
    return found


_BODIES = frozenset("ministry house office department committee council government police agency party service court "
                    "parliament congress senate army media news times post press company bank union group "
                    "organization organisation administration campaign network television tv kremlin".split())
"""Last words of names that are institutions, not people: never the antecedent of he or she."""


def _is_personal(name: str, *, article: bool) -> bool:
    """A name that can be the antecedent of he/she: capitalised words ("Rick Perry", "Sen. Ted Cruz", "Perry"),
    not a phrase with a leading article ("the governor"), an acronym, or a name ending in an institution's word
    (:data:`_BODIES`: "Interior Ministry", "Congress")."""
    words = name.replace(",", " ").split()
    if article or not words or not name[:1].isupper() or name.isupper() or name.lower() in _ANAPHORS | _NOT_SOURCES:
        return False
    if words[-1].lower().strip(".") in _BODIES:
        return False
    return all(w[:1].isupper() or w.lower() in {"of", "de", "al", "bin", "van", "von", "la"} for w in words)


# --------------------------------------------------------------------------------------------
# Reading a document
# --------------------------------------------------------------------------------------------


@dataclass
class _Paragraph:
    spans: list[_Span]
    citations: list[_Citation]
    speakers: dict[int, tuple[_Citation | None, str]]  # id(outer span) -> (citation, source) before resolution
    subjects: list[tuple[int, str]]  # (offset, name) of named sentence subjects (antecedents of he/she)


def _read_paragraph(text: str, cues: _Cues) -> _Paragraph:
    spans = _quote_spans(text)
    masked = _mask(text, spans)
    citations: list[_Citation] = []
    subjects: list[tuple[int, str]] = []
    bounds = _sentence_bounds(masked, cues.titles)
    for index, (a, b) in enumerate(bounds):
        citations += _sentence_citations(masked[a:b], a, index, cues)
        subject, _ = _leading_subject(masked[a:b].lstrip(" “”\"‘’'"), cues)
        if _is_personal(subject, article=bool(_LEADING_DET.match(subject))):
            subjects.append((a, _clean_source(subject)))
    outer = [s for s in spans if s.level == 0]

    def sentence_of(offset: int) -> int:
        return next((i for i, (a, b) in enumerate(bounds) if a <= offset < b), len(bounds) - 1)

    speakers: dict[int, tuple[_Citation | None, str]] = {}
    for k, span in enumerate(outer):
        next_start = outer[k + 1].start if k + 1 < len(outer) else len(text)
        previous_end = outer[k - 1].end if k > 0 else 0
        chosen: tuple[_Citation | None, str] = (None, "")
        if span.closed:
            sentence = sentence_of(span.end - 1)
            after = [c for c in citations if c.sentence == sentence and span.end <= c.start < next_start
                     and not c.chained and (not masked[span.end:min(c.source_start, c.start)].strip(" ,;:—–-")
                                            or re.search(r"[,;—–]\s*$", masked[:min(c.source_start, c.start)]))]
            if after:
                chosen = (after[0], "after")
        if chosen[0] is None:
            sentence = sentence_of(span.start)
            before = [c for c in citations if c.sentence == sentence and previous_end <= c.start < span.start
                      and not c.chained]
            if before:
                chosen = (before[-1], "before")
        speakers[id(span)] = chosen
    # a quotation that opens a sentence right after a quotation with a speaker, with no other citation between
    for k, span in enumerate(outer[1:], start=1):
        if speakers[id(span)][0] is not None:
            continue
        previous = outer[k - 1]
        citation = speakers[id(previous)][0]
        between = masked[previous.end:span.start]
        others = [c for c in citations if previous.end <= c.start < span.start and citation is not None
                  and c.sentence != citation.sentence]
        opens_sentence = not between.strip() or bool(re.search(r"[.!?…:]\s*$", between))
        if citation is not None and not others and opens_sentence:
            speakers[id(span)] = (citation, "continued")
    return _Paragraph(spans, citations, speakers, subjects)


def _resolve(citation: _Citation, antecedents: list[tuple[str, bool]]) -> str:
    """The source a citation stands for: itself, or for he/she/it/they/"the statement" the last fitting antecedent."""
    lower = citation.source_text.lower()
    if lower not in _ANAPHORS:
        return citation.source_text
    for name, personal in reversed(antecedents):
        if lower in _PERSONAL and not personal:
            continue
        return name
    return citation.source_text  # nothing before it fits: the words as written


def _read_document(texts: list[str], headings: list[bool], cues: _Cues
                   ) -> list[tuple[_Paragraph, list[tuple[str, str, str]]]]:
    """Each paragraph read, with (speaker, speaker_text, speaker_source) for each of its quotations."""
    out = []
    antecedents: list[tuple[str, bool]] = []  # (name, personal) in reading order
    previous_last: tuple[str, str] | None = None  # speaker of the previous paragraph's last quotation
    for text, is_heading in zip(texts, headings):
        paragraph = _read_paragraph(text, cues)
        events: list[tuple[int, int, object]] = [(c.start, 1, c) for c in paragraph.citations]
        events += [(at, 0, name) for at, name in paragraph.subjects]
        resolved: dict[int, str] = {}
        for _, kind, item in sorted(events, key=lambda e: (e[0], e[1])):
            if kind == 0:  # a named person opening a sentence (already checked by _is_personal)
                antecedents.append((str(item), True))
                continue
            citation = item  # type: ignore[assignment]
            citation.source = _resolve(citation, antecedents)  # type: ignore[attr-defined]
            resolved[id(citation)] = citation.source  # type: ignore[attr-defined]
            if citation.source_text.lower() not in _ANAPHORS and not citation.chained:  # type: ignore[attr-defined]
                name = citation.source_text.split(",")[0]  # type: ignore[attr-defined]
                antecedents.append((citation.source_text,  # type: ignore[attr-defined]
                                    _is_personal(name, article=citation.article)))  # type: ignore[attr-defined]
        opening = len(text) - len(text.lstrip())
        rows: list[tuple[str, str, str]] = []
        outer_rows: dict[int, tuple[str, str, str]] = {}
        last: tuple[str, str] | None = None
        for span in [s for s in paragraph.spans if s.level == 0]:
            citation, source = paragraph.speakers[id(span)]
            if citation is not None:
                row = (citation.source, citation.source_text, source)
            elif span.kind == "double" and span.start == opening and not is_heading and previous_last:
                row = (previous_last[0], previous_last[1], "continued")
            else:
                row = ("", "", "")
            outer_rows[id(span)] = row
            last = (row[0], row[1]) if row[0] else None
        for span in paragraph.spans:
            parent = next((o for o in paragraph.spans if o.level == 0 and o.start <= span.start < o.end), span)
            rows.append(outer_rows.get(id(parent), ("", "", "")))
        previous_last = last if paragraph.spans else None
        out.append((paragraph, rows))
    return out


def _check_units(units: pd.DataFrame) -> None:
    missing = [column for column in ("doc_id", "para_id", "text") if column not in units.columns]
    if missing:
        raise ValueError(f"units need columns doc_id, para_id, text; missing {missing}")


def _documents(units: pd.DataFrame):  # type: ignore[no-untyped-def]
    """(doc_id, para_ids, texts, headings) per document, paragraphs in reading order."""
    _check_units(units)
    ordered = units.sort_values(["doc_id", "para_id"], kind="stable")
    headings = ordered["is_heading"].fillna(False).astype(bool) if "is_heading" in ordered.columns else \
        pd.Series(False, index=ordered.index)
    para_ids = [int(p) for p in ordered["para_id"]]
    texts = [t if isinstance(t, str) else "" for t in ordered["text"]]
    flags = headings.tolist()
    for doc_id, index in ordered.groupby("doc_id", sort=True).indices.items():  # rows of one document, in order
        yield doc_id, [para_ids[i] for i in index], [texts[i] for i in index], [flags[i] for i in index]


def quotes(units: pd.DataFrame, *, cues: Path | str = SPEECH_CUES_FILE) -> pd.DataFrame:
    """Every quotation in the analysis units, and who is quoted where the text says.

    See the module docstring for how spans, cues, speakers and pronouns are read. **Scope:** a quotation never
    carries over a paragraph boundary; one left open at the end of its paragraph ends there (``closed`` False).

    Args:
        units: One row per analysis unit with ``doc_id``, ``para_id``, ``text`` (e.g.
            ``kz.body_paragraphs(kz.paragraphs(corpus))``); ``is_heading``, when present, stops a headline in
            quote marks from continuing a speaker.
        cues: The speech cue list (:func:`load_speech_cues`).

    Returns:
        One row per quotation, sorted by ``doc_id, para_id, start``: ``doc_id``, ``para_id``, ``quote_id``
        (0-based within the unit), ``start`` and ``end`` (offsets into the unit's text of the opening mark and
        just after the closing mark), ``level`` (0 outermost, 1 nested), ``open_mark``, ``close_mark`` (empty
        when unclosed), ``closed`` (bool), ``speaker`` (who, with pronouns resolved, as written when nothing
        before them fits; empty when the text does not say), ``speaker_text`` (the words the text uses: "he", "Mr. Sherman"), ``speaker_source`` (``after``,
        ``before``, ``continued`` or empty) and ``text`` (the quotation with its marks).

    Example:
        >>> units = pd.DataFrame({"doc_id": ["a", "a"], "para_id": [0, 1], "text": [
        ...     "Rick Perry pledged to end what he calls a war on religion.",
        ...     "“It is wrong,” he said in a statement. “Faith made America strong.”"]})
        >>> quotes(units)[["para_id", "speaker", "speaker_text", "speaker_source"]].values.tolist()
        [[1, 'Rick Perry', 'he', 'after'], [1, 'Rick Perry', 'he', 'continued']]
    """
    return _read(units, cues)[0]


def citations(units: pd.DataFrame, *, cues: Path | str = SPEECH_CUES_FILE) -> pd.DataFrame:
    """Every speech cue outside quotations with the source it names: who is cited, quoted or reported.

    Args:
        units: One row per analysis unit with ``doc_id``, ``para_id``, ``text``.
        cues: The speech cue list (:func:`load_speech_cues`).

    Returns:
        One row per citation, sorted by ``doc_id, para_id, start``: ``doc_id``, ``para_id``, ``start`` and
        ``end`` (offsets of the cue in the unit's text), ``cue`` (as written, lower case), ``source`` (with
        pronouns and "the statement" resolved; as written when nothing before them fits), ``source_text`` (as
        written, leading articles dropped) and ``chained`` (True for "citing X"/"quoting X": X is the further
        source of the sentence's main source).

    Example:
        >>> units = pd.DataFrame({"doc_id": ["a"], "para_id": [0], "text": [
        ...     "18 officers were killed, Khabar 24 reported, citing the Interior Ministry."]})
        >>> citations(units)[["cue", "source", "chained"]].values.tolist()
        [['reported', 'Khabar 24', False], ['citing', 'Interior Ministry', True]]
    """
    return _read(units, cues)[1]


_LAST_READ: tuple[tuple[object, ...], tuple[pd.DataFrame, pd.DataFrame]] | None = None
"""The last reading of :func:`_read`, with the content it was read from: claims, sources and framing read the
same units in turn, and a notebook pays for one reading."""


def _units_key(units: pd.DataFrame, cues: Path | str) -> tuple[object, ...]:
    """What a reading depends on: the cue list and the units' ids, texts and heading flags (a content hash)."""
    columns = [c for c in ("doc_id", "para_id", "text", "is_heading") if c in units.columns]
    sums = [int(row_hashes(units[columns], hash_key=key).sum()) if len(units) else 0
            for key in ("0123456789123456", "kzanalysis-read2")]  # two independent 64-bit hashes of the rows
    return (str(cues), len(units), tuple(columns), *sums)


def _read(units: pd.DataFrame, cues: Path | str = SPEECH_CUES_FILE) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`quotes` and :func:`citations` of the same units from one reading of each document (claims needs both).

    The last reading is kept: reading the same units again returns copies of it.
    """
    global _LAST_READ
    _check_units(units)
    key = _units_key(units, cues)
    if _LAST_READ is not None and _LAST_READ[0] == key:
        return _LAST_READ[1][0].copy(), _LAST_READ[1][1].copy()
    compiled = _cues(str(cues))
    quote_rows: list[dict[str, object]] = []
    citation_rows: list[tuple[object, ...]] = []
    for doc_id, para_ids, texts, headings in _documents(units):
        for para_id, text, (paragraph, speakers) in zip(para_ids, texts, _read_document(texts, headings, compiled)):
            for quote_id, (span, (who, as_written, source)) in enumerate(zip(paragraph.spans, speakers)):
                quote_rows.append({"doc_id": doc_id, "para_id": para_id, "quote_id": quote_id, "start": span.start,
                                   "end": span.end, "level": span.level, "open_mark": span.open_mark,
                                   "close_mark": span.close_mark, "closed": span.closed, "speaker": who,
                                   "speaker_text": as_written, "speaker_source": source,
                                   "text": text[span.start:span.end]})
            for c in sorted(paragraph.citations, key=lambda c: c.start):
                citation_rows.append((doc_id, para_id, c.start, c.end, c.cue, c.source, c.source_text, c.chained))
    # the same types when a table is empty: units read in chunks give tables of one type, chunk after chunk
    texts, ids = "str", units["doc_id"].dtype
    found_quotes = pd.DataFrame(quote_rows, columns=list(QUOTE_COLUMNS)).astype(
        {"doc_id": ids, "para_id": "int64", "quote_id": "int64", "start": "int64", "end": "int64", "level": "int64",
         "open_mark": texts, "close_mark": texts, "closed": bool, "speaker": texts, "speaker_text": texts,
         "speaker_source": texts, "text": texts})
    found_citations = pd.DataFrame(citation_rows, columns=list(CITATION_COLUMNS)).astype(
        {"doc_id": ids, "para_id": "int64", "start": "int64", "end": "int64", "cue": texts, "source": texts,
         "source_text": texts, "chained": bool})
    _LAST_READ = (key, (found_quotes, found_citations))
    return found_quotes.copy(), found_citations.copy()
