"""Numbers in body text, in digits or words, and what kind of number each is (a count, a date, an age...)."""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass

import pandas as pd

from .._rows import iter_rows
from ._base import NUMBER_COLUMNS
from ..clean import map_body_units
from ..corpus import CorpusParts


# --------------------------------------------------------------------------------------------------
# Numbers

_WORD_VALUES = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "a dozen": 12, "a hundred": 100, "one hundred": 100,
    "a thousand": 1000, "one thousand": 1000,
}  # fmt: skip
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_UNITS = "one|two|three|four|five|six|seven|eight|nine"
VAGUE_WORDS: tuple[str, ...] = (
    "tens of thousands", "hundreds of thousands", "dozens", "scores", "hundreds", "thousands",
    "several", "multiple", "many", "numerous",
)
"""Quantity words without a number; the last four count only next to a casualty or detention word."""
_WEAK_VAGUE = frozenset({"several", "multiple", "many", "numerous"})
VAGUE_RANGES: dict[str, tuple[float, float]] = {
    "several": (3, 9), "multiple": (2, 9), "many": (2, 99), "numerous": (5, 99), "dozens": (24, 99),
    "scores": (40, 199), "hundreds": (200, 999), "thousands": (2000, 9999), "tens of thousands": (20000, 99999),
    "hundreds of thousands": (200000, 999999),
}
"""Conventional reading of each vague word, used only to place it on the comparison figure (not a measurement)."""

_FIRST_LETTERS = "".join(sorted({w[0] for w in [*_WORD_VALUES, *VAGUE_WORDS, *_TENS.split("|")]}))
_NUMBER = re.compile(
    # the lookahead only skips quickly the places where no branch can start (a digit, or a word boundary before
    # the first letter of a number or quantity word): the same matches, three times faster on news text
    rf"(?=\d|\b[{_FIRST_LETTERS}])"
    r"(?:(?P<digits>(?<![\w.,/-])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\w,]\d)|(?<![\w.,/-])\d+(?:\.\d+)?(?!\.?\d))"
    r"(?:\s+(?P<scale>million|thousand))?"
    rf"|(?P<word>\b(?:(?:{_TENS})-(?:{_UNITS})|a dozen|a hundred|one hundred|a thousand|one thousand|"
    rf"{'|'.join(w for w in _WORD_VALUES if ' ' not in w)})\b(?!-))"
    rf"|(?P<vague>\b(?:{'|'.join(VAGUE_WORDS)})\b))",
    flags=re.IGNORECASE,
)
_MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|december|"
           "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
_DAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_TIME_UNITS = r"(?:seconds?|minutes?|hours?|days?|nights?|weeks?|months?|years?|decades?|centur(?:y|ies))"
_CURRENCY = r"(?:dollars?|usd|tenge|roubles?|rubles?|euros?|pounds?|yuan)"
_PERSON_NOUNS = re.compile(
    r"^(?:people|persons?|protesters?|demonstrators?|civilians?|officers?|police(?:men)?|soldiers?|troops?|"
    r"servicem[ae]n|citizens?|residents?|rioters?|criminals?|militants?|terrorists?|bandits?|members?|"
    r"activists?|journalists?|officials?|personnel|children|men|women|foreigners?|participants?|suspects?)\b",
    re.IGNORECASE,
)

_KIND_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("killed", re.compile(r"^(?:killed|killing|kills|died|dies|dead|deaths?|fatalit(?:y|ies)|perished|slain|"
                          r"murdered|lives)$", re.IGNORECASE)),
    ("injured", re.compile(r"^(?:injured|injuring|injur(?:y|ies)|wounded|wounding|hurt|hospitali[sz]ed)$",
                           re.IGNORECASE)),
    ("detained", re.compile(r"^(?:detained|detaining|detainees?|detentions?|arrested|arresting|arrests?|"
                            r"custody|apprehended|jailed|imprisoned)$", re.IGNORECASE)),
)
_KIND_NOUNS = re.compile(r"^(?:deaths?|fatalit(?:y|ies)|injur(?:y|ies)|arrests?|detentions?|detainees?|dead|"
                         r"wounded|injured)$", re.IGNORECASE)
_KIND_BEFORE = re.compile(
    r"(?:\b(?P<verb>killed|killing|arrested|arresting|detained|detaining|injured|injuring|wounded|wounding)"
    r"|\b(?P<toll>(?:death|casualty) toll|toll)\b(?:\s+\w+){0,3}\s+(?:to|at|of|reached|hit))\s*$",
    re.IGNORECASE,
)
_QUALIFIER_BEFORE = re.compile(
    r"\b(?P<q>more than|over|at least|almost|nearly|about|around|approximately|roughly|up to|as many as|"
    r"fewer than|less than|under|at most|close to|an estimated|upwards of|some)\s*$",
    re.IGNORECASE,
)
_HEDGES = re.compile(r"\b(reportedly|allegedly|unconfirmed|preliminary|estimated|officially)\b", re.IGNORECASE)
_AS_OF = re.compile(rf"\bas of (?:(?:{_MONTHS})\.? \d{{1,2}}|\d{{1,2}} (?:{_MONTHS})|{_DAYS}|today|yesterday)\b",
                    re.IGNORECASE)
_WHO_WORD = re.compile(r"[“”\"‘’']*([A-Za-z][\w’'-]*)[“”\"‘’']*$")
_WHO_STOP = frozenset(
    "have has had were was are is be been being will would could may might who which that whom whose in on at "
    "during across from to by for with after before since as than per said say says reportedly allegedly also "
    "or but while of the a an its their his her this these those since amid over under when where".split()
)
_WHO_SKIP = frozenset({"of", "the", "its", "their", "his", "her", "them", "those"})


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    mention: str
    quantity: int | None
    quantity_word: str
    role: str


def _word_value(word: str) -> int | None:
    lower = word.lower()
    if lower in _WORD_VALUES:
        return _WORD_VALUES[lower]
    tens, _, units = lower.partition("-")
    if tens in _WORD_VALUES and units in _WORD_VALUES:
        return _WORD_VALUES[tens] + _WORD_VALUES[units]
    return None


_PERCENT_AFTER = re.compile(r"\s*(?:%|per ?cent\b|percent\b)", re.IGNORECASE)
_AGE_AFTER = re.compile(r"[-\s]*years?[-\s]old\b|-year\b", re.IGNORECASE)
_AGED_BEFORE = re.compile(r"\baged\s*$", re.IGNORECASE)
_DURATION_AFTER = re.compile(rf"[-\s]+(?:of\s+)?{_TIME_UNITS}\b", re.IGNORECASE)
_PRISON_TERM_AFTER = re.compile(r"\s+(?:of\s+)?years?\s+(?:in prison|jail)", re.IGNORECASE)
_MONEY_AFTER = re.compile(rf"\s*(?:(?:million|billion)\s+)?(?:of\s+)?{_CURRENCY}\b|\s+(?:of\s+)?(?:millions|billions)\s+of\s+"
                          rf"{_CURRENCY}", re.IGNORECASE)
_MONEY_BEFORE = re.compile(r"[$€£₸]\s*$")
_TIME_AFTER = re.compile(r"\s*(?::\d\d|[ap]\.?m\b|o'clock|in the (?:morning|evening|afternoon))", re.IGNORECASE)
_MONTH_BEFORE = re.compile(rf"\b(?:{_MONTHS})\.?\s*$", re.IGNORECASE)
_DAY_AFTER = re.compile(rf"\s*(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\b", re.IGNORECASE)
_YEAR = re.compile(r"(?:18|19|20)\d\d")
_NAME_BEFORE = re.compile(r"([A-Z][\w’'-]*)[\s-]*$")
_MONTH = re.compile(_MONTHS, re.IGNORECASE)
_OF_ANOTHER_AFTER = re.compile(r"\s+(?:of|another)\b|-", re.IGNORECASE)
_NO_BEFORE = re.compile(r"\bno\s*$", re.IGNORECASE)


def _role(sentence: str, match: re.Match[str]) -> str:
    """Classify one number mention: a count, or one of the kinds of number that is not a claim."""
    before = sentence[: match.start()]
    after = sentence[match.end():]
    digits = match.group("digits")
    if _PERCENT_AFTER.match(after):
        return "percent"
    if _AGE_AFTER.match(after) or _AGED_BEFORE.search(before):
        return "age"
    if _DURATION_AFTER.match(after) and not _PRISON_TERM_AFTER.match(after):
        return "duration"
    if _MONEY_AFTER.match(after) or _MONEY_BEFORE.search(before):
        return "money"
    if digits is None:
        return "count"
    if _TIME_AFTER.match(after):
        return "time"
    if _MONTH_BEFORE.search(before) or _DAY_AFTER.match(after):
        return "date"
    plain = digits.replace(",", "")
    if _YEAR.fullmatch(digits) and not _PERSON_NOUNS.match(after.strip()):
        return "year"
    previous = _NAME_BEFORE.search(before)
    if previous and plain.isdigit() and before.strip() and before.rstrip()[:-len(previous.group(1))].strip():
        # a capitalised word right before the number, not at the sentence start: a name (Khabar 24, Covid-19)
        if not _MONTH.fullmatch(previous.group(1)):
            return "name"
    return "count"


@lru_cache(maxsize=1 << 18)
def _mentions(sentence: str) -> tuple[_Mention, ...]:
    """The numbers of one sentence with their roles. Remembered for the last 262,144 sentences: number_mentions
    and extract_claims read the same sentences in turn (a notebook of 10,000 articles pays for one reading)."""
    found: list[_Mention] = []
    for match in _NUMBER.finditer(sentence):
        if match.group("vague"):
            word = match.group("vague").lower()
            found.append(_Mention(match.start(), match.end(), match.group(0), None, word, _role(sentence, match)))
            continue
        if match.group("word"):
            word = match.group("word")
            if word.lower() == "one" and _OF_ANOTHER_AFTER.match(sentence[match.end():]):
                continue
            if word.lower() == "one" and _NO_BEFORE.search(sentence[: match.start()]):
                continue
            found.append(_Mention(match.start(), match.end(), word, _word_value(word), "", _role(sentence, match)))
            continue
        digits = match.group("digits")
        value = float(digits.replace(",", ""))
        if match.group("scale"):
            value *= 1_000_000 if match.group("scale").lower() == "million" else 1000
        quantity = int(value) if value == int(value) else None
        found.append(_Mention(match.start(), match.end(), match.group(0), quantity, "" if quantity is not None
                              else digits, _role(sentence, match)))
    return tuple(found)


def _sentences(units: pd.DataFrame, splitter: str, sents: pd.DataFrame | None = None) -> pd.DataFrame:
    from kzanalysis.tokenize import sentences

    return sentences(units, splitter=splitter) if sents is None else sents  # type: ignore[arg-type]


def number_mentions(units: pd.DataFrame | CorpusParts, *, splitter: str = "auto",
                    sents: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every number in the body text, in digits or words, with what kind of number it is.

    Digits with separators ("3,000", "6,044"), "1.5 million", number words ("eighteen", "twenty-six",
    "a dozen") and vague quantity words ("dozens", "hundreds", "thousands", "several", "many") are
    found sentence by sentence. Each gets a ``role``: ``count`` (a candidate claim), or one of the
    kinds of number that is never a casualty claim and is left out of :func:`extract_claims`:
    ``date`` ("January 10", "Jan 9", "8 January"), ``year`` ("2019"; 1800-2099 written without a
    separator and not followed by a word for people), ``percent`` ("98%"), ``age`` ("81-year-old"),
    ``duration`` ("two days", "three decades"), ``time`` ("8 in the morning"), ``money`` ("hundreds of
    billions of dollars") and ``name`` (a number right after a capitalised word inside the sentence:
    "Khabar 24").

    Args:
        units: One row per analysis unit with ``doc_id``, ``para_id``, ``text`` (``body_paragraphs``). Not modified.
            Or a corpus in parts (:func:`kzanalysis.corpus_parts`): each part's body units as a Dask task
            (:func:`kzanalysis.clean.map_body_units`); ``sents`` must then be ``None``.
        splitter: Sentence splitter, as in :func:`kzanalysis.sentences`.
        sents: ``kz.sentences(units, splitter=splitter)`` if already computed (split here otherwise).

    Returns:
        One row per number mention, sorted by ``doc_id, para_id, start``: ``doc_id``, ``para_id``,
        ``sent_id``, ``start`` and ``end`` (offsets into the unit's text), ``mention`` (as written),
        ``quantity`` (integer, missing for vague words), ``quantity_word`` (the vague word, lower case,
        empty otherwise), ``role`` (one of :data:`NUMBER_ROLES`).

    Example:
        >>> units = pd.DataFrame({"doc_id": ["a"], "para_id": [0],
        ...                       "text": ["On January 10, 18 officers were killed and dozens injured."]})
        >>> number_mentions(units)[["mention", "role"]].values.tolist()
        [['10', 'date'], ['18', 'count'], ['dozens', 'count']]
    """
    if isinstance(units, CorpusParts):
        if sents is not None:
            raise ValueError("sentences are split part by part from a corpus in parts; pass sents=None")
        return map_body_units(number_mentions, units, splitter=splitter)
    sents = _sentences(units, splitter, sents)
    rows = []
    for sent in iter_rows(sents):
        for m in _mentions(sent.text):
            rows.append((sent.doc_id, sent.para_id, sent.sent_id, sent.start + m.start, sent.start + m.end,
                         m.mention, m.quantity, m.quantity_word, m.role))
    table = pd.DataFrame(rows, columns=NUMBER_COLUMNS)
    table["quantity"] = table["quantity"].astype("Int64")
    return table.sort_values(["doc_id", "para_id", "start"], kind="stable").reset_index(drop=True)


def _sentence_counts(numbers: pd.DataFrame, sents: pd.DataFrame) -> list[tuple[_Mention, ...]]:
    """The ``count`` mentions of each row of ``sents`` (offsets into the sentence, in order), read from
    :func:`number_mentions`' table of those sentences instead of searching each sentence again.

    Raises:
        ValueError: If a column is missing, or a count mention does not lie inside a sentence of ``sents`` with its
            ``doc_id``, ``para_id`` and ``sent_id`` (the numbers of other sentences).
    """
    missing = [column for column in NUMBER_COLUMNS if column not in numbers.columns]
    if missing:
        raise ValueError(f"numbers need the columns of claims.number_mentions; missing {missing}")
    keys = pd.DataFrame({"doc_id": sents["doc_id"].to_numpy(), "para_id": sents["para_id"].to_numpy(),
                         "sent_id": sents["sent_id"].to_numpy(), "sent_start": sents["start"].to_numpy(),
                         "sent_end": sents["end"].to_numpy(), "row": range(len(sents))})
    found = numbers.loc[numbers["role"] == "count", NUMBER_COLUMNS].merge(keys, on=["doc_id", "para_id", "sent_id"],
                                                                          how="left")
    outside = found["row"].isna() | (found["start"] < found["sent_start"]) | (found["end"] > found["sent_end"])
    if outside.any():
        wrong = found[outside].iloc[0]
        raise ValueError(f"numbers are not those of these sentences: the mention {wrong['mention']!r} of "
                         f"({wrong['doc_id']}, {wrong['para_id']}, sentence {wrong['sent_id']}) is not inside one of "
                         "them (pass numbers=claims.number_mentions(units, sents=sents))")
    result: list[list[_Mention]] = [[] for _ in range(len(sents))]
    for m in iter_rows(found):
        result[int(m.row)].append(_Mention(int(m.start - m.sent_start), int(m.end - m.sent_start), m.mention,
                                           None if pd.isna(m.quantity) else int(m.quantity), m.quantity_word, m.role))
    return [tuple(mentions) for mentions in result]
