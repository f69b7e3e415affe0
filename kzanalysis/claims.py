"""Claims stage: numeric claims (killed, injured, detained), the sources each article cites, and where a text comes from.

Everything here is rule based and readable: regular expressions over sentences, a researcher-editable source
lexicon (``data/lexicons/sources.csv``) and a hand list of the seed corpus's claims (``data/labels/claims_seed.csv``)
that the tests and notebook 05 score the rules against. The rules are English-only and tuned on news of one event;
read the recall and precision the notebook reports before trusting them on another corpus.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pandas as pd

from . import config

UnitKind = Literal["killed", "injured", "detained", "other"]
Signal = Literal["dateline", "credit", "wire_mention", "translation_sign"]

UNIT_KINDS: tuple[str, ...] = ("killed", "injured", "detained", "other")
CASUALTY_KINDS: tuple[str, ...] = ("killed", "injured", "detained")
SOURCE_LEXICON: Path = config.DATA_DIR / "lexicons" / "sources.csv"
"""Researcher-editable source typing rules: one regular expression per row, first match wins."""
CLAIM_LABELS: Path = config.LABELS_DIR / "claims_seed.csv"
"""Hand list of every casualty and detention claim in the five seed articles."""
UNCLASSIFIED = "unclassified"
SOURCE_TYPE_ORDER: tuple[str, ...] = ("official", "state_media", "foreign_government", "media", "independent", "expert")
"""Display order of the shipped source types (government or official, state media, foreign government, wire or
other media, independent or witness, expert); types a researcher adds come after them."""

CLAIM_COLUMNS = ["doc_id", "para_id", "quantity", "quantity_word", "qualifier", "unit_kind", "who",
                 "attributed_to", "text"]
NUMBER_COLUMNS = ["doc_id", "para_id", "sent_id", "start", "end", "mention", "quantity", "quantity_word", "role"]
SOURCE_COLUMNS = ["doc_id", "para_id", "source", "source_type", "cue", "text"]
SOURCE_SUMMARY_COLUMNS = ["doc_id", "outlet", "source_type", "n_citations", "share"]
PROVENANCE_COLUMNS = ["doc_id", "signal", "value", "para_id", "evidence"]
LABEL_COLUMNS = ["doc_id", "para_id", "quantity", "quantity_word", "qualifier", "unit_kind", "who", "attributed_to"]

NUMBER_ROLES: tuple[str, ...] = ("count", "date", "year", "percent", "age", "duration", "time", "money", "name")
"""What a number mention is: only ``count`` mentions become claims (see :func:`number_mentions`)."""

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

_NUMBER = re.compile(
    r"(?P<digits>(?<![\w.,/-])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\w,]\d)|(?<![\w.,/-])\d+(?:\.\d+)?(?!\.?\d))"
    r"(?:\s+(?P<scale>million|thousand))?"
    rf"|(?P<word>\b(?:(?:{_TENS})-(?:{_UNITS})|a dozen|a hundred|one hundred|a thousand|one thousand|"
    rf"{'|'.join(w for w in _WORD_VALUES if ' ' not in w)})\b(?!-))"
    rf"|(?P<vague>\b(?:{'|'.join(VAGUE_WORDS)})\b)",
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


def _role(sentence: str, match: re.Match[str]) -> str:
    """Classify one number mention: a count, or one of the kinds of number that is not a claim."""
    before = sentence[: match.start()]
    after = sentence[match.end():]
    digits = match.group("digits")
    if re.match(r"\s*(?:%|per ?cent\b|percent\b)", after, re.IGNORECASE):
        return "percent"
    if re.match(r"[-\s]*years?[-\s]old\b|-year\b", after, re.IGNORECASE) or re.search(r"\baged\s*$", before, re.I):
        return "age"
    if re.match(rf"[-\s]+(?:of\s+)?{_TIME_UNITS}\b", after, re.IGNORECASE) and not re.match(
        r"\s+(?:of\s+)?years?\s+(?:in prison|jail)", after, re.IGNORECASE
    ):
        return "duration"
    if re.match(rf"\s*(?:(?:million|billion)\s+)?(?:of\s+)?{_CURRENCY}\b|\s+(?:of\s+)?(?:millions|billions)\s+of\s+"
                rf"{_CURRENCY}", after, re.IGNORECASE) or re.search(r"[$€£₸]\s*$", before):
        return "money"
    if digits is None:
        return "count"
    if re.match(r"\s*(?::\d\d|[ap]\.?m\b|o'clock|in the (?:morning|evening|afternoon))", after, re.IGNORECASE):
        return "time"
    if re.search(rf"\b(?:{_MONTHS})\.?\s*$", before, re.IGNORECASE) or re.match(
        rf"\s*(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\b", after, re.IGNORECASE
    ):
        return "date"
    plain = digits.replace(",", "")
    if re.fullmatch(r"(?:18|19|20)\d\d", digits) and not _PERSON_NOUNS.match(after.strip()):
        return "year"
    previous = re.search(r"([A-Z][\w’'-]*)[\s-]*$", before)
    if previous and plain.isdigit() and before.strip() and before.rstrip()[:-len(previous.group(1))].strip():
        # a capitalised word right before the number, not at the sentence start: a name (Khabar 24, Covid-19)
        if not re.fullmatch(_MONTHS, previous.group(1), re.IGNORECASE):
            return "name"
    return "count"


def _mentions(sentence: str) -> list[_Mention]:
    found: list[_Mention] = []
    for match in _NUMBER.finditer(sentence):
        if match.group("vague"):
            word = match.group("vague").lower()
            found.append(_Mention(match.start(), match.end(), match.group(0), None, word, _role(sentence, match)))
            continue
        if match.group("word"):
            word = match.group("word")
            if word.lower() == "one" and re.match(r"\s+(?:of|another)\b|-", sentence[match.end():], re.I):
                continue
            if word.lower() == "one" and re.search(r"\bno\s*$", sentence[: match.start()], re.I):
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
    return found


def _sentences(units: pd.DataFrame, splitter: str) -> pd.DataFrame:
    from .tokenize import sentences

    return sentences(units, splitter=splitter)  # type: ignore[arg-type]


def number_mentions(units: pd.DataFrame, *, splitter: str = "auto") -> pd.DataFrame:
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
        splitter: Sentence splitter, as in :func:`kzanalysis.sentences`.

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
    sents = _sentences(units, splitter)
    rows = []
    for sent in sents.itertuples(index=False):
        for m in _mentions(sent.text):
            rows.append((sent.doc_id, sent.para_id, sent.sent_id, sent.start + m.start, sent.start + m.end,
                         m.mention, m.quantity, m.quantity_word, m.role))
    table = pd.DataFrame(rows, columns=NUMBER_COLUMNS)
    table["quantity"] = table["quantity"].astype("Int64")
    return table.sort_values(["doc_id", "para_id", "start"], kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------------------------------
# Citations (shared by claims and sources): read by kz.quotes, placed on sentences here

_LEADING_DET = re.compile(r"^(?:the|a|an|his|her|its|their|our)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class _Citation:
    source: str
    cue: str
    start: int  # offset of the cue in its unit
    chained: bool  # "citing X" / "quoting X": X is the further source of the sentence's main source


def _sentence_citations(units: pd.DataFrame, sents: pd.DataFrame, *, quoted_speakers: bool = True
                        ) -> list[list[_Citation]]:
    """The citations of each sentence row (in order), from ``kz.quotes``.

    A sentence's citations are the speech cues inside it (``kz.citations``). With ``quoted_speakers``, a
    sentence inside a quotation whose speaker is given (a quotation of several sentences, cut by the sentence
    splitter) is cited to that speaker, and a sentence holding a quotation puts the quotation's speaker first:
    claims and framing name the same speaker for the same quotation.
    """
    from .quotations import citations, quotes

    result: list[list[_Citation]] = [[] for _ in range(len(sents))]
    if not len(sents):
        return result
    found = citations(units)
    quoted = quotes(units)
    quoted = quoted[(quoted["level"] == 0) & (quoted["speaker"] != "")]
    cites_of: dict[tuple[object, int], list[tuple[int, _Citation]]] = {}
    for c in found.itertuples(index=False):
        cites_of.setdefault((c.doc_id, int(c.para_id)), []).append(
            (int(c.start), _Citation(c.source, c.cue, int(c.start), bool(c.chained))))
    quotes_of: dict[tuple[object, int], list[tuple[int, int, str]]] = {}
    for q in quoted.itertuples(index=False):
        quotes_of.setdefault((q.doc_id, int(q.para_id)), []).append((int(q.start), int(q.end), str(q.speaker)))
    for i, (doc_id, para_id, start, end) in enumerate(zip(sents["doc_id"], sents["para_id"], sents["start"],
                                                          sents["end"])):
        key = (doc_id, int(para_id))
        own = [c for at, c in cites_of.get(key, []) if start <= at < end]
        speakers = [(q_start, who) for q_start, q_end, who in quotes_of.get(key, []) if q_start < end and start < q_end
                    and quoted_speakers]
        if speakers:
            q_start, who = speakers[0]
            main = next((c for c in own if not c.chained and c.source == who), None)
            own = [main or _Citation(who, "quotation", q_start, False)] + [c for c in own if c is not main]
        result[i] = own
    return result


def _attribution(citations: list[_Citation]) -> str:
    """The sentence's attribution as one string: "X" or, with "citing"/"quoting", "Y via X"."""
    main = next((c for c in citations if not c.chained), None)
    further = next((c for c in citations if c.chained), None)
    if main and further:
        return f"{further.source} via {main.source}"
    return (further or main).source if (further or main) else ""


# --------------------------------------------------------------------------------------------------
# Claims


def _kind_after(words: list[str]) -> str:
    for word in words[:10]:
        bare = word.strip("“”\"‘’'.,;:()")
        for kind, pattern in _KIND_PATTERNS:
            if pattern.match(bare):
                return kind
    return "other"


def _who(after: str) -> tuple[str, str]:
    """(who, kind noun) from the words right after a number: "protesters", "law enforcement officers"."""
    words = after.split()
    kept: list[str] = []
    skipping = True
    for i, raw in enumerate(words):
        match = _WHO_WORD.match(raw.rstrip(",.;:!?)"))
        if not match or _NUMBER.fullmatch(raw.strip("“”\"‘’'.,;:")):
            break
        word = match.group(1)
        lower = word.lower()
        if skipping and lower in _WHO_SKIP:
            continue
        skipping = False
        if _KIND_NOUNS.match(lower) and not kept:
            return "", _kind_after([lower])
        if lower in _WHO_STOP or any(p.match(lower) for _, p in _KIND_PATTERNS):
            break
        if lower == "and" and (i + 1 >= len(words) or words[i + 1].lower().strip(",.") in _WHO_STOP):
            break
        kept.append(word)
        if raw[-1:] in ",.;:!?)" or len(kept) >= 5:
            break
    while kept and kept[-1].lower() == "and":
        kept.pop()
    if len(kept) > 1 and kept[-1].lower().endswith("ed"):  # "cars torched": a participle, not part of who
        kept.pop()
    return " ".join(kept), ""


def _sentence_claims(sentence: str, cites: list[_Citation]) -> list[dict[str, object]]:
    counts = [m for m in _mentions(sentence) if m.role == "count"]
    hedges = [h.lower() for h in _HEDGES.findall(sentence)]
    as_of = ["as of" + m.group(0)[5:] for m in _AS_OF.finditer(sentence)]
    attributed = _attribution(cites)
    claims: list[dict[str, object]] = []
    previous_who = ""
    for i, m in enumerate(counts):
        stop = counts[i + 1].start if i + 1 < len(counts) else len(sentence)
        after = sentence[m.end: stop]
        before = sentence[: m.start]
        qualifier = _QUALIFIER_BEFORE.search(before)
        core_before = before[: qualifier.start()] if qualifier else before
        kind_before = _KIND_BEFORE.search(core_before)
        who, noun_kind = _who(after)
        if kind_before:
            verb = (kind_before.group("verb") or "").lower()
            kind = "killed" if kind_before.group("toll") else _kind_after([verb])
        elif noun_kind:
            kind = noun_kind
        else:
            kind = _kind_after(after.split())
        if m.quantity_word in _WEAK_VAGUE and kind == "other":
            continue
        if not who and kind != "other":
            who = previous_who
        previous_who = who if kind != "other" else previous_who
        parts = ([qualifier.group("q").lower()] if qualifier else []) + hedges + as_of
        claims.append({
            "quantity": m.quantity,
            "quantity_word": m.quantity_word,
            "qualifier": "; ".join(dict.fromkeys(parts)),
            "unit_kind": kind,
            "who": who.replace("“", "").replace("”", "").replace('"', ""),
            "attributed_to": attributed,
        })
    return claims


def extract_claims(units: pd.DataFrame, *, splitter: str = "auto") -> pd.DataFrame:
    """Numeric claims in body text: how many, of what (killed, injured, detained, other), who, on whose word.

    Works sentence by sentence. Each ``count`` number of :func:`number_mentions` (dates, years,
    percentages, ages, durations, times, money and numbers inside names are left out) becomes one
    claim. Its kind is read from a verb or noun right before it ("killing 26", "death toll rose to
    164") or else the first casualty word in the ten words after it, before the next number
    ("18 officers had been killed", "748 injured", "thousands of protesters detained"); no such word
    gives ``other``. ``who`` is the noun phrase right after the number ("law enforcement officers",
    "armed criminals", quotes dropped); an elided one ("... killed and 748 injured") is carried over
    from the previous claim of the sentence. ``qualifier`` joins a qualifier right before the number
    ("more than", "at least"), hedges anywhere in the sentence ("reportedly") and "as of <date>".
    ``attributed_to`` is the source the sentence cites ("according to X", "X said/reported",
    "citing X", inverted "reports X"); "X reported, citing Y" gives "Y via X"; "he"/"it"/"the
    statement" is resolved to the last named source of the same or the two previous paragraphs.
    "Several", "multiple", "many" and "numerous" count only next to a casualty word.

    Args:
        units: One row per analysis unit with ``doc_id``, ``para_id``, ``text``. Not modified.
        splitter: Sentence splitter, as in :func:`kzanalysis.sentences`.

    Returns:
        One row per claim, sorted by ``doc_id, para_id`` and position: ``doc_id``, ``para_id``,
        ``quantity`` (integer; missing for words like "dozens"), ``quantity_word`` (vague word, else
        empty), ``qualifier``, ``unit_kind`` (killed / injured / detained / other), ``who``,
        ``attributed_to`` (empty when the sentence cites no one), ``text`` (the sentence).

    Example:
        >>> units = pd.DataFrame({"doc_id": ["a"], "para_id": [0],
        ...                       "text": ["Police said more than 3,000 protesters had been detained."]})
        >>> extract_claims(units)[["quantity", "qualifier", "unit_kind", "who", "attributed_to"]].values.tolist()
        [[3000, 'more than', 'detained', 'protesters', 'Police']]
    """
    sents = _sentences(units, splitter).reset_index(drop=True)
    cites = _sentence_citations(units, sents)
    rows = []
    for sent, sent_cites in zip(sents.itertuples(index=False), cites):
        for claim in _sentence_claims(sent.text, sent_cites):
            rows.append({"doc_id": sent.doc_id, "para_id": sent.para_id, **claim, "text": sent.text})
    table = pd.DataFrame(rows, columns=CLAIM_COLUMNS)
    table["quantity"] = table["quantity"].astype("Int64")
    table["para_id"] = table["para_id"].astype("int64")
    return table.sort_values(["doc_id", "para_id"], kind="stable").reset_index(drop=True)


def claims_from_text(text: str, *, splitter: str = "auto") -> pd.DataFrame:
    """:func:`extract_claims` on one text (doc_id ``"text"``, para_id 0): for trying the rules on a sentence.

    Example:
        >>> claims_from_text("Dozens have died, hundreds have been injured.")[["quantity_word", "unit_kind"]].values.tolist()
        [['dozens', 'killed'], ['hundreds', 'injured']]
    """
    return extract_claims(pd.DataFrame({"doc_id": ["text"], "para_id": [0], "text": [text]}), splitter=splitter)


def casualty_claims(claims: pd.DataFrame) -> pd.DataFrame:
    """The claims about people killed, injured or detained (``unit_kind`` other than ``other``).

    Example:
        >>> len(casualty_claims(claims_from_text("Two cars burned and 18 people were killed.")))
        1
    """
    return claims[claims["unit_kind"].isin(CASUALTY_KINDS)].reset_index(drop=True)


def _figure(quantity: object, word: str, qualifier: str) -> str:
    number = f"{int(quantity):,}" if pd.notna(quantity) else word  # type: ignore[call-overload]
    lead = next((q for q in qualifier.split("; ") if q and q not in ("reportedly",) and not q.startswith("as of")), "")
    return f"{lead} {number}".strip()


def compare_claims(claims: pd.DataFrame, corpus: pd.DataFrame) -> pd.DataFrame:
    """Side by side: each casualty or detention figure, which outlet reports it, and on whose authority.

    Args:
        claims: Output of :func:`extract_claims` (or hand labels with the same columns).
        corpus: Output of ``load_corpus`` (``doc_id``, ``outlet``).

    Returns:
        One row per casualty claim, sorted by ``unit_kind`` (killed, injured, detained), ``who``,
        largest figure first, then ``doc_id``: ``unit_kind``, ``who``, ``figure`` (e.g. "more than
        3,000", "dozens"), ``quantity``, ``low`` and ``high`` (the figure's range: the number itself,
        or the conventional range of a vague word, :data:`VAGUE_RANGES`), ``doc_id``, ``outlet``,
        ``para_id``, ``attributed_to`` ("unattributed" when the sentence names no source),
        ``qualifier``.

    Example:
        >>> import kzanalysis as kz
        >>> corpus = pd.DataFrame({"doc_id": ["text"], "outlet": ["X"]})
        >>> compare_claims(claims_from_text("Police said 6,044 people were arrested."), corpus)["figure"].tolist()
        ['6,044']
    """
    columns = ["unit_kind", "who", "figure", "quantity", "low", "high", "doc_id", "outlet", "para_id",
               "attributed_to", "qualifier"]
    data = casualty_claims(claims)
    if data.empty:
        return pd.DataFrame(columns=columns)
    outlets = dict(zip(corpus["doc_id"], corpus["outlet"])) if "outlet" in corpus else {}
    low = [float(q) if pd.notna(q) else VAGUE_RANGES.get(w, (float("nan"),) * 2)[0]
           for q, w in zip(data["quantity"], data["quantity_word"])]
    high = [float(q) if pd.notna(q) else VAGUE_RANGES.get(w, (float("nan"),) * 2)[1]
            for q, w in zip(data["quantity"], data["quantity_word"])]
    table = pd.DataFrame({
        "unit_kind": data["unit_kind"],
        "who": data["who"].fillna(""),
        "figure": [_figure(q, w, str(f)) for q, w, f in zip(data["quantity"], data["quantity_word"], data["qualifier"])],
        "quantity": data["quantity"],
        "low": low,
        "high": high,
        "doc_id": data["doc_id"],
        "outlet": [str(outlets.get(d, "unknown")) for d in data["doc_id"]],
        "para_id": data["para_id"],
        "attributed_to": data["attributed_to"].fillna("").replace("", "unattributed"),
        "qualifier": data["qualifier"].fillna(""),
    })
    order = {k: i for i, k in enumerate(CASUALTY_KINDS)}
    table = table.assign(_k=table["unit_kind"].map(order), _h=-table["high"])
    table = table.sort_values(["_k", "who", "_h", "doc_id", "para_id"], kind="stable")
    return table.drop(columns=["_k", "_h"]).reset_index(drop=True)


def figures_by_outlet(comparison: pd.DataFrame) -> pd.DataFrame:
    """A wide, readable view of :func:`compare_claims`: each kind and group, what each outlet reports, on whose word.

    Args:
        comparison: Output of :func:`compare_claims`.

    Returns:
        One row per (``unit_kind``, ``who``) in the comparison's order, one column per outlet (sorted);
        a cell lists that outlet's figures as "figure (source)", joined by " | ", empty when it reports none.
        ``n_distinct_figures`` counts the different figures across outlets (2 or more: the outlets differ).

    Example:
        >>> comparison = pd.DataFrame({"unit_kind": ["detained"] * 2, "who": ["people"] * 2, "figure": ["4,404", "6,044"],
        ...                            "outlet": ["IANS", "Reuters"], "attributed_to": ["unattributed", "Police"]})
        >>> figures_by_outlet(comparison).iloc[0, :4].tolist()
        ['detained', 'people', '4,404 (unattributed)', '6,044 (Police)']
    """
    outlets = sorted(comparison["outlet"].astype(str).unique()) if len(comparison) else []
    rows = []
    for (kind, who), group in comparison.groupby(["unit_kind", "who"], sort=False):
        row: dict[str, object] = {"unit_kind": kind, "who": who}
        for outlet in outlets:
            mine = group[group["outlet"].astype(str) == outlet]
            row[outlet] = " | ".join(dict.fromkeys(f"{f} ({a})" for f, a in zip(mine["figure"], mine["attributed_to"])))
        row["n_distinct_figures"] = int(group["figure"].nunique())
        rows.append(row)
    return pd.DataFrame(rows, columns=["unit_kind", "who", *outlets, "n_distinct_figures"])


# --------------------------------------------------------------------------------------------------
# Sources


def load_source_lexicon(path: Path | str = SOURCE_LEXICON) -> pd.DataFrame:
    """Read the source typing lexicon: one case-insensitive regular expression per row, first match wins.

    Args:
        path: CSV with columns ``pattern``, ``source_type``, ``note``.

    Returns:
        One row per rule, in file order: ``pattern``, ``source_type``, ``note``.

    Raises:
        ValueError: Naming the file and line when a column is missing or a pattern does not compile.

    Example:
        >>> "state_media" in set(load_source_lexicon()["source_type"])
        True
    """
    path = Path(path)
    lexicon = pd.read_csv(path, dtype=str, keep_default_na=False, comment=None)
    missing = [c for c in ("pattern", "source_type") if c not in lexicon.columns]
    if missing:
        raise ValueError(f"{path}: source lexicon lacks column(s) {missing}; expected pattern, source_type, note")
    for line, row in enumerate(lexicon.itertuples(index=False), start=2):
        try:
            re.compile(row.pattern)
        except re.error as err:
            raise ValueError(f"{path}, line {line}: pattern {row.pattern!r} does not compile: {err}") from err
    if "note" not in lexicon.columns:
        lexicon["note"] = ""
    return lexicon[["pattern", "source_type", "note"]].reset_index(drop=True)


def source_types(lexicon: pd.DataFrame | None = None) -> list[str]:
    """The source types of a lexicon in file order, then ``unclassified``.

    Example:
        >>> source_types()[-1]
        'unclassified'
    """
    lexicon = load_source_lexicon() if lexicon is None else lexicon
    present = list(dict.fromkeys(lexicon["source_type"]))
    ordered = [t for t in SOURCE_TYPE_ORDER if t in present] + [t for t in present if t not in SOURCE_TYPE_ORDER]
    return [*ordered, UNCLASSIFIED]


def type_source(source: str, lexicon: pd.DataFrame | None = None) -> str:
    """The type of one cited source: the ``source_type`` of the first lexicon pattern it matches.

    Example:
        >>> type_source("state television Khabar 24"), type_source("Kremlin"), type_source("Mr Nobody")
        ('state_media', 'foreign_government', 'unclassified')
    """
    lexicon = load_source_lexicon() if lexicon is None else lexicon
    for pattern, kind in zip(lexicon["pattern"], lexicon["source_type"]):
        if re.search(pattern, source, flags=re.IGNORECASE):
            return str(kind)
    return UNCLASSIFIED


def extract_sources(units: pd.DataFrame, *, lexicon: pd.DataFrame | None = None,
                    splitter: str = "auto") -> pd.DataFrame:
    """Who each article quotes or cites, typed by the source lexicon.

    A citation is a speech or reporting verb with its subject ("Police said", "the Kremlin said in
    a statement", "Kazhegeldin told Reuters", "protesters saying"), an inverted one after a quote
    or comma ("…,” describes Régis Gente", "reports Xinhua news agency"), or "according to X",
    "citing X", "quoting X". Pronouns and "the statement" are resolved to the last named source of
    the same or the two previous paragraphs, and dropped when there is none. Quotations without a
    speech verb are not counted.

    Args:
        units: One row per analysis unit with ``doc_id``, ``para_id``, ``text``. Not modified.
        lexicon: Source typing rules (:func:`load_source_lexicon`; the shipped file when ``None``).
        splitter: Sentence splitter, as in :func:`kzanalysis.sentences`.

    Returns:
        One row per citation, sorted by ``doc_id, para_id`` and position: ``doc_id``, ``para_id``,
        ``source`` (leading articles and possessive pronouns dropped), ``source_type``, ``cue`` (the
        verb or phrase as written, lower case), ``text`` (the sentence).

    Example:
        >>> units = pd.DataFrame({"doc_id": ["a"], "para_id": [0],
        ...                       "text": ["Police said 6,044 people had been arrested, according to TASS."]})
        >>> extract_sources(units)[["source", "source_type", "cue"]].values.tolist()
        [['Police', 'official', 'said'], ['TASS', 'state_media', 'according to']]
    """
    lexicon = load_source_lexicon() if lexicon is None else lexicon
    sents = _sentences(units, splitter).reset_index(drop=True)
    rows = []
    for sent, cites in zip(sents.itertuples(index=False), _sentence_citations(units, sents, quoted_speakers=False)):
        for c in sorted(cites, key=lambda c: c.start):
            rows.append((sent.doc_id, sent.para_id, c.source, type_source(c.source, lexicon), c.cue, sent.text))
    table = pd.DataFrame(rows, columns=SOURCE_COLUMNS)
    table["para_id"] = table["para_id"].astype("int64")
    return table.sort_values(["doc_id", "para_id"], kind="stable").reset_index(drop=True)


def sources_by_outlet(sources: pd.DataFrame, corpus: pd.DataFrame, *,
                      lexicon: pd.DataFrame | None = None) -> pd.DataFrame:
    """Sourcing profile: how many citations of each type each article makes, and their share.

    Args:
        sources: Output of :func:`extract_sources`.
        corpus: Output of ``load_corpus`` (every document gets rows, even one that cites no one).
        lexicon: Gives the list of types (:func:`source_types`); the shipped file when ``None``.

    Returns:
        One row per (document, source type), documents in ``doc_id`` order and types in lexicon
        order: ``doc_id``, ``outlet``, ``source_type``, ``n_citations``, ``share`` (of the
        document's citations, rounded to 4 places; missing when the document cites no one).

    Example:
        >>> corpus = pd.DataFrame({"doc_id": ["a"], "outlet": ["X"]})
        >>> sources = pd.DataFrame({"doc_id": ["a"], "source_type": ["official"]})
        >>> sources_by_outlet(sources, corpus).query("n_citations > 0")[["source_type", "share"]].values.tolist()
        [['official', 1.0]]
    """
    types = source_types(lexicon)
    extra = sorted(set(sources["source_type"]) - set(types))
    types = types + extra
    outlets = corpus.set_index("doc_id")["outlet"] if "outlet" in corpus else pd.Series(dtype=str)
    counts = sources.groupby(["doc_id", "source_type"]).size()
    rows = []
    for doc_id in sorted(corpus["doc_id"]):
        total = int(sum(counts.get((doc_id, t), 0) for t in types))
        for kind in types:
            n = int(counts.get((doc_id, kind), 0))
            rows.append((doc_id, str(outlets.get(doc_id, "unknown")), kind, n,
                         round(n / total, 4) if total else float("nan")))
    return pd.DataFrame(rows, columns=SOURCE_SUMMARY_COLUMNS)


# --------------------------------------------------------------------------------------------------
# Provenance

WIRES: tuple[str, ...] = (
    "Reuters", "AFP", "Agence France-Presse", "AP", "Associated Press", "IANS", "Xinhua", "TASS", "RIA Novosti",
    "Interfax", "CNN", "BBC", "RFI", "Khabar 24", "Kazinform", "Sputnik", "Al Jazeera", "Anadolu", "dpa", "EFE",
    "PTI", "ANI", "Bloomberg",
)
"""Wire services and outlets whose names are provenance evidence when a text mentions them."""
_WIRE = re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w in sorted(WIRES, key=len, reverse=True))
                   + r")(?![\w-])")
_DATELINE = re.compile(r"^(?P<place>[A-Z][\w’' .,-]{1,40}?)\s*\((?P<agency>[A-Z][\w .&-]{1,25})\)\s*[–—-]?")
_WITH = re.compile(r"^\(?\s*with\s+(?P<agency>[A-Z][\w .&-]{1,25}?)\s*\)?\.?$", re.IGNORECASE)
_CONTRIBUTED = re.compile(r"^(?P<outlet>[A-Z][\w .&-]{1,25}?)[’']s\s+[\w .-]+\s+contributed(?: to)?(?: this)? report")
_REPORTING = re.compile(r"\bReporting by\b")
_PHOTO = re.compile(r"©.*$|\b(?:REUTERS|AFP|AP|Reuters)\s*$")
TRANSLATION_SIGNS: tuple[tuple[str, str], ...] = (
    ("repeated word in a coordination", r"\b(\w{3,}) (?:and|or) \1\b"),
    ("immediately repeated word", r"\b(?!had\b|that\b)(\w+) \1\b"),
    ("reversed closing quote", r"[.,!?]\s*“\s*\.?\s*$|\s“\s*[,.]|,\s*“(?:adds|says|said|describes|continues)\b"),
    ("doubled full stop", r"[^.]\.\s+\.\s*$"),
    ("inverted speech verb (French style)",
     r"[”“\"],?\s*(?:describes|sums up|analyses|analyzes|details|specifies|underlines|emphasizes|recalls)\s+[A-Z]"),
    ("inverted plural reporting verb", r",\s+report\s+[a-z][\w -]{2,40}\.\s*$"),
    ("adjective after a reporting verb", r"\b(?:reported|said|reports|says)\s+(?:local|foreign|official|national|"
                                         r"international|regional)\s*[.,]"),
)
"""Heuristic signs that a text went through (machine) translation: (name, pattern). They have known misses."""


def provenance_signals(paras: pd.DataFrame) -> pd.DataFrame:
    """Where each text comes from: datelines, credit lines, wire mentions and signs of translation.

    Reads the RAW paragraphs, boilerplate included (a "With AFP" line is boilerplate for text
    analysis but evidence of origin). Signals:

    - ``dateline``: "Moscow (CNN) –", "Nur-Sultan, Jan 9 (IANS)" at the start of a document's first paragraph; value the agency.
    - ``credit``: "With AFP"; "CNN’s Helen Regan contributed reporting"; "Reporting by ... Editing by ..."
      (value ``Reuters (credit format)``: the format is Reuters', but the line does not name it, and
      other outlets may copy it; ``reporting credit`` without "Editing by");
      photo credits ("© Name / Reuters", a caption ending "REUTERS"; value "<agency> (photo)").
    - ``wire_mention``: any other mention of a wire or outlet in :data:`WIRES` ("told Reuters",
      "reports Xinhua news agency", "TASS reported", "CNN’s Arabic ... newsletter").
    - ``translation_sign``: the heuristics of :data:`TRANSLATION_SIGNS` (value: the heuristic's name).
      These are simple, stated heuristics: they miss fluent translations and can fire on an
      ordinary typo ("the the").

    Args:
        paras: Output of :func:`kzanalysis.paragraphs` (uses ``doc_id``, ``para_id``, ``text``).

    Returns:
        One row per signal found, sorted by ``doc_id``, ``para_id``, ``signal``, ``value``: ``doc_id``,
        ``signal``, ``value``, ``para_id``, ``evidence`` (the matching text, at most 120 characters).
        A signal found twice in one paragraph is listed once.

    Example:
        >>> paras = pd.DataFrame({"doc_id": ["a", "a"], "para_id": [0, 1],
        ...                       "text": ["Nur-Sultan, Jan 9 (IANS) Tokayev spoke.", "With AFP"]})
        >>> provenance_signals(paras)[["signal", "value"]].values.tolist()
        [['dateline', 'IANS'], ['credit', 'AFP']]
    """
    rows: list[tuple[object, ...]] = []
    compiled = [(name, re.compile(pattern)) for name, pattern in TRANSLATION_SIGNS]
    first = paras.groupby("doc_id")["para_id"].min().to_dict() if len(paras) else {}
    for doc_id, para_id, text in zip(paras["doc_id"], paras["para_id"], paras["text"]):
        text = str(text)
        claimed: list[tuple[int, int]] = []
        dateline = _DATELINE.match(text) if para_id == first.get(doc_id) else None
        if dateline and len(dateline.group("place").split()) > 5:
            dateline = None
        if dateline:
            rows.append((doc_id, "dateline", dateline.group("agency").strip(), para_id, dateline.group(0).strip()))
            claimed.append(dateline.span())
        with_agency = _WITH.match(text.strip())
        if with_agency:
            rows.append((doc_id, "credit", with_agency.group("agency").strip(), para_id, text.strip()))
            claimed.append((0, len(text)))
        contributed = _CONTRIBUTED.match(text)
        if contributed:
            rows.append((doc_id, "credit", contributed.group("outlet"), para_id, text[:120]))
            claimed.append(contributed.span())
        if _REPORTING.search(text):
            value = "Reuters (credit format)" if re.search(r"\bEditing by\b", text) else "reporting credit"
            rows.append((doc_id, "credit", value, para_id, text[:120]))
            claimed.append((0, len(text)))
        photo = None if with_agency else _PHOTO.search(text)
        if photo:
            named = _WIRE.search(photo.group(0)) or re.search(r"REUTERS", photo.group(0))
            agency = {"REUTERS": "Reuters"}.get(named.group(0), named.group(0)) if named else "photo agency"
            rows.append((doc_id, "credit", f"{agency} (photo)", para_id, text[max(0, photo.start() - 40):][:120]))
            claimed.append(photo.span())
        for match in _WIRE.finditer(text):
            if any(a <= match.start() < b for a, b in claimed):
                continue
            evidence = text[max(0, match.start() - 40): match.end() + 40]
            rows.append((doc_id, "wire_mention", match.group(1), para_id, evidence.strip()))
        for name, pattern in compiled:
            sign = pattern.search(text)
            if sign:
                evidence = text[max(0, sign.start() - 40): sign.end() + 20]
                rows.append((doc_id, "translation_sign", name, para_id, evidence.strip()))
    table = pd.DataFrame(rows, columns=["doc_id", "signal", "value", "para_id", "evidence"])
    table = table.drop_duplicates(["doc_id", "signal", "value", "para_id"], keep="first")
    table["para_id"] = table["para_id"].astype("int64")
    return table.sort_values(["doc_id", "para_id", "signal", "value"], kind="stable")[PROVENANCE_COLUMNS] \
        .reset_index(drop=True)


def provenance_summary(signals: pd.DataFrame, corpus: pd.DataFrame) -> pd.DataFrame:
    """One line per document: the wires and outlets its signals name, and how many translation signs it shows.

    Returns:
        One row per document in ``doc_id`` order: ``doc_id``, ``outlet``, ``dateline``, ``credit``,
        ``wire_mention`` (the distinct values of each signal, joined by ", "), ``n_translation_signs``.

    Example:
        >>> corpus = pd.DataFrame({"doc_id": ["a"], "outlet": ["X"]})
        >>> signals = pd.DataFrame({"doc_id": ["a"], "signal": ["credit"], "value": ["AFP"], "para_id": [3],
        ...                         "evidence": ["With AFP"]})
        >>> provenance_summary(signals, corpus)["credit"].tolist()
        ['AFP']
    """
    rows = []
    outlets = dict(zip(corpus["doc_id"], corpus["outlet"])) if "outlet" in corpus else {}
    for doc_id in sorted(corpus["doc_id"]):
        mine = signals[signals["doc_id"] == doc_id]
        row: dict[str, object] = {"doc_id": doc_id, "outlet": str(outlets.get(doc_id, "unknown"))}
        for signal in ("dateline", "credit", "wire_mention"):
            row[signal] = ", ".join(sorted(set(mine.loc[mine["signal"] == signal, "value"])))
        row["n_translation_signs"] = int((mine["signal"] == "translation_sign").sum())
        rows.append(row)
    return pd.DataFrame(rows, columns=["doc_id", "outlet", "dateline", "credit", "wire_mention",
                                       "n_translation_signs"])


# --------------------------------------------------------------------------------------------------
# Scoring against hand labels


def load_claim_labels(path: Path | str = CLAIM_LABELS) -> pd.DataFrame:
    """Read a hand list of casualty and detention claims (the seed list by default).

    Returns:
        One row per hand-labelled claim with :data:`LABEL_COLUMNS` (``quantity`` as nullable integer,
        text columns with empty strings for blanks), plus any extra columns of the file (``note``).

    Example:
        >>> labels = load_claim_labels()
        >>> set(labels["unit_kind"]) <= {"killed", "injured", "detained"}
        True
    """
    path = Path(path)
    labels = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in LABEL_COLUMNS if c not in labels.columns]
    if missing:
        raise ValueError(f"{path}: claim labels lack column(s) {missing}")
    labels["para_id"] = labels["para_id"].astype("int64")
    labels["quantity"] = pd.to_numeric(labels["quantity"].replace("", None)).astype("Int64")
    return labels


def _norm(text: object) -> str:
    text = "" if text is None or (isinstance(text, float) and pd.isna(text)) else str(text)
    text = re.sub(r"[“”\"‘’']", "", text.lower())
    return re.sub(r"\s+", " ", _LEADING_DET.sub("", text)).strip()


def _key_value(quantity: object, word: object) -> str:
    return str(int(quantity)) if pd.notna(quantity) else _norm(word)  # type: ignore[call-overload]


def score_claims(claims: pd.DataFrame, labels: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Compare extracted casualty claims with a hand list: recall, precision, and agreement on who and source.

    A hand claim is found when an extracted claim has the same ``doc_id``, ``para_id``, ``unit_kind``
    and value (the integer, or the vague word); each extracted claim matches at most one hand claim.
    Among found claims, ``who`` and ``attributed_to`` agree when equal after lower-casing and dropping
    quotes and leading articles/possessives. Only documents present in ``claims`` or ``labels`` count;
    ``other`` claims are not scored.

    Args:
        claims: Output of :func:`extract_claims`.
        labels: Output of :func:`load_claim_labels`.

    Returns:
        ``(summary, detail)``. ``summary``: one row per measure, ``measure`` (n_labelled, n_extracted,
        n_matched, recall, precision, who_agreement, attribution_agreement) and ``value`` (rounded to 3).
        ``detail``: one row per hand or extracted claim, ``doc_id``, ``para_id``, ``unit_kind``,
        ``value``, ``status`` (matched / missed / extra), ``who_label``, ``who_extracted``,
        ``attributed_label``, ``attributed_extracted``, ``who_agrees``, ``attribution_agrees``.

    Example:
        >>> claims = claims_from_text("Police said 6,044 people were arrested.")
        >>> labels = claims.assign(who="people")
        >>> float(score_claims(claims, labels)[0].set_index("measure").loc["recall", "value"])
        1.0
    """
    found = casualty_claims(claims)
    pool: dict[tuple[object, ...], list[int]] = {}
    for i, row in enumerate(found.itertuples(index=False)):
        key = (row.doc_id, int(row.para_id), row.unit_kind, _key_value(row.quantity, row.quantity_word))
        pool.setdefault(key, []).append(i)
    used: set[int] = set()
    rows = []
    for row in labels.itertuples(index=False):
        key = (row.doc_id, int(row.para_id), row.unit_kind, _key_value(row.quantity, row.quantity_word))
        candidates = [i for i in pool.get(key, []) if i not in used]
        base = {"doc_id": key[0], "para_id": key[1], "unit_kind": key[2], "value": key[3],
                "who_label": row.who, "attributed_label": row.attributed_to}
        if candidates:
            i = candidates[0]
            used.add(i)
            hit = found.iloc[i]
            rows.append({**base, "status": "matched", "who_extracted": hit["who"],
                         "attributed_extracted": hit["attributed_to"],
                         "who_agrees": _norm(hit["who"]) == _norm(row.who),
                         "attribution_agrees": _norm(hit["attributed_to"]) == _norm(row.attributed_to)})
        else:
            rows.append({**base, "status": "missed", "who_extracted": "", "attributed_extracted": "",
                         "who_agrees": False, "attribution_agrees": False})
    for i, row in enumerate(found.itertuples(index=False)):
        if i not in used:
            rows.append({"doc_id": row.doc_id, "para_id": int(row.para_id), "unit_kind": row.unit_kind,
                         "value": _key_value(row.quantity, row.quantity_word), "status": "extra",
                         "who_label": "", "attributed_label": "", "who_extracted": row.who,
                         "attributed_extracted": row.attributed_to, "who_agrees": False,
                         "attribution_agrees": False})
    columns = ["doc_id", "para_id", "unit_kind", "value", "status", "who_label", "who_extracted",
               "attributed_label", "attributed_extracted", "who_agrees", "attribution_agrees"]
    detail = pd.DataFrame(rows, columns=columns).sort_values(["doc_id", "para_id", "unit_kind", "value"],
                                                             kind="stable").reset_index(drop=True)
    matched = detail[detail["status"] == "matched"]
    n_labelled, n_extracted, n_matched = len(labels), len(found), len(matched)

    def ratio(a: float, b: float) -> float:
        return round(a / b, 3) if b else float("nan")

    summary = pd.DataFrame({
        "measure": ["n_labelled", "n_extracted", "n_matched", "recall", "precision", "who_agreement",
                    "attribution_agreement"],
        "value": pd.Series([n_labelled, n_extracted, n_matched, ratio(n_matched, n_labelled), ratio(n_matched, n_extracted),
                  ratio(matched["who_agrees"].sum(), n_matched), ratio(matched["attribution_agrees"].sum(), n_matched)],
                           dtype=object),
    })
    return summary, detail
