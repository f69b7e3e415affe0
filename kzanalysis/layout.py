"""Page layout: find a document's main text and flag the page furniture around it, line by line.

Text copied from a web page carries what surrounded the article: menus, share buttons, related-story links, footers,
captions between paragraphs. The boilerplate rules (``data/rules/boilerplate.csv``) catch the furniture they were
written for; this stage catches the rest from how news pages are laid out, with features a reader can inspect
(:func:`line_features`):

- **Sentence lines.** An article is written in sentences; furniture is mostly short lines that are not sentences
  (``Home``, ``Share this article``, ``Related``, ``By Jane Doe``). A unit (a paragraph, with lines that a hard wrap
  broke joined again) is *sentence-like* when it has at least :data:`LONG_WORDS` words, or at least
  :data:`SENTENCE_WORDS` words and either ends like a sentence or runs to 40 characters, or is a short sentence
  of at least :data:`SHORT_SENTENCE_WORDS` words from a capital to a full stop. Words are counted on
  spaces, and as one per :data:`CJK_CHARS_PER_WORD` characters in Chinese, Japanese and Korean script.
- **The main text is one stretch.** Each sentence-like unit scores its word count, every other unit minus
  :data:`OUTSIDE_PENALTY` times its word count (at least one word); the main text is the stretch of the document
  with the highest total (the maximum-sum run). Units before and after it are furniture (rule ``outside_main_text``),
  except a heading directly above it (the headline).
- **Lists of links inside the article.** Within the main text, a run of :data:`SHORT_RUN` or more units that are not
  sentence-like in a row (a block of related links, a share bar, a list of tags) is furniture (rule
  ``short_line_run``); one or two short lines (a subheading, a dateline) stay.

A document without a single sentence-like unit (a list of headlines, one short line per story) is left alone, and
so is any unit a paragraph rule already decided. Measured line by line on full web pages by
``benchmarks/boilerplate_lines.py`` (results in ``benchmarks/results/boilerplate_lines.md``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

SHORT_SENTENCE_WORDS = 3
"""Fewest words of a short unit that is still a sentence: it starts with a capital (or an opening quote) and ends
with a full stop, question or exclamation mark ("He declined to comment."). Furniture rarely does."""
LONG_WORDS = 12
"""A unit of this many words is sentence-like whatever its ending (a sentence without final punctuation)."""
SENTENCE_WORDS = 6
"""Fewest words of a sentence-like unit; headlines, bylines, menu entries and buttons are mostly shorter."""
OUTSIDE_PENALTY = 3.0
"""Cost of one word of a unit that is not sentence-like, in words of sentence text. The main text may take in
a short line (a subheading, a caption) when enough sentence text follows it: a three-word line needs nine words
of sentences beyond it. Chosen on the two page sets of the benchmark (2 to 4 give precision and recall within
0.05 of each other; 3 balances them)."""
SHORT_RUN = 3
"""Units that are not sentence-like, in a row, from which a run inside the main text counts as furniture."""
CJK_CHARS_PER_WORD = 2
"""Chinese, Japanese and Korean are written without spaces; about two characters make a word."""
FURNITURE_KIND = "furniture"
"""``boilerplate_kind`` of the units this stage flags."""
LAYOUT_RULES = ("outside_main_text", "short_line_run")
"""The ``rule`` values this stage writes into ``kz.paragraphs``."""

_SENTENCE_END = re.compile(r"[.!?:;…\"”’»)。！？」』]\s*$")
_FULL_STOP = re.compile(r"^[\"“‘«(]?[A-ZÀ-ÖØ-ÞА-ЯЁ].*[.!?…](?:[\"”’»)])*$")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_HEADING_END = re.compile(r"[.!?:;,…]\s*$")


def n_words(text: str) -> int:
    """Words of a line: runs between spaces; a run in Chinese, Japanese or Korean script counts one word per two
    of its characters.

    Example:
        >>> n_words("Nearly 8,000 detained amid unrest")
        5
        >>> n_words("抗议活动在阿拉木图")
        4
    """
    if not _CJK.search(text):
        return len(text.split())
    words = 0
    for token in text.split():
        cjk = len(_CJK.findall(token))
        words += max(1, cjk // CJK_CHARS_PER_WORD) if cjk else 1
    return words


def is_sentence_like(text: str) -> bool:
    """True for a unit written as a sentence (see the module docstring for the rule).

    Example:
        >>> is_sentence_like("Share this article")
        False
        >>> is_sentence_like("Police detained nearly 8,000 people.")
        True
        >>> is_sentence_like("He declined to comment.")
        True
    """
    words = n_words(text)
    return (words >= LONG_WORDS or (words >= SENTENCE_WORDS and (bool(_SENTENCE_END.search(text)) or len(text) >= 40))
            or (words >= SHORT_SENTENCE_WORDS and bool(_FULL_STOP.match(text.strip()))))


def _main_text(scores: Sequence[float]) -> tuple[int, int]:
    """First and last index of the maximum-sum run of ``scores`` (Kadane's algorithm; the earliest on ties)."""
    best, best_start, best_end = float("-inf"), 0, -1
    running, start = 0.0, 0
    for index, score in enumerate(scores):
        if running <= 0:
            running, start = 0.0, index
        running += score
        if running > best:
            best, best_start, best_end = running, start, index
    return best_start, best_end


def _unit_is_sentence_like(text: str) -> bool:
    """A unit of several raw lines (joined at line breaks) is sentence-like when its text is and its lines are, on
    average, as long as a sentence: a hard-wrapped paragraph is, a list of tags in lower case is not."""
    lines = text.count("\n") + 1
    return is_sentence_like(" ".join(text.split())) and (lines == 1 or n_words(text) / lines >= SENTENCE_WORDS)


def _analyse(texts: Sequence[str], decided: Sequence[bool]) -> tuple[list[bool], int, int]:
    """Which units are sentence-like, and the first and last index of the main text (``-1, -1`` when none is)."""
    sentence = [_unit_is_sentence_like(t) and not d for t, d in zip(texts, decided)]
    if not any(sentence):
        return sentence, -1, -1
    scores = [n_words(t) if s else -OUTSIDE_PENALTY * max(1, n_words(t)) for t, s in zip(texts, sentence)]
    first, last = _main_text(scores)
    return sentence, first, last


def classify_units(texts: Sequence[str], *, decided: Sequence[bool] | None = None) -> list[str]:
    """The layout rule of each unit of one document, in reading order: ``""`` (article), ``outside_main_text`` or
    ``short_line_run``.

    Args:
        texts: The document's units in order: paragraphs, with the raw lines of a paragraph that a hard wrap
            broke joined by line breaks.
        decided: True for units a boilerplate rule already flagged: they count as text that is not
            sentence-like and are never given a layout rule.

    Returns:
        One rule name per unit; all ``""`` when no unit is sentence-like.

    Example:
        >>> page = ["Home", "World", "Business", "Unrest in Almaty",
        ...         "Protesters stormed the mayor's office in Almaty on Wednesday, witnesses said.",
        ...         "Police used tear gas and stun grenades against thousands of demonstrators.",
        ...         "Related stories", "Kazakhstan lifts emergency", "Share", "Contact us"]
        >>> classify_units(page)[:5]
        ['outside_main_text', 'outside_main_text', 'outside_main_text', '', '']
        >>> classify_units(page)[6:]
        ['outside_main_text', 'outside_main_text', 'outside_main_text', 'outside_main_text']
    """
    decided = list(decided) if decided is not None else [False] * len(texts)
    sentence, first, last = _analyse(texts, decided)
    rules = [""] * len(texts)
    if first < 0:
        return rules
    headline = first - 1 if first > 0 and not decided[first - 1] and looks_like_heading(texts[first - 1]) else -1
    run_start = 0
    for index in range(len(texts)):
        if sentence[index]:
            run_start = index + 1
            continue
        if decided[index] or index == headline:
            continue
        if index < first or index > last:
            rules[index] = "outside_main_text"
            continue
        run_end = index
        while run_end + 1 <= last and not sentence[run_end + 1]:
            run_end += 1
        if run_end - max(run_start, first) + 1 >= SHORT_RUN:
            rules[index] = "short_line_run"
    return rules


HEADING_MAX_WORDS = 20
"""Longest headline or subheading: a line of at most this many words without closing punctuation."""


def looks_like_heading(text: str) -> bool:
    """A headline or subheading: a short line (at most :data:`HEADING_MAX_WORDS` words) without closing punctuation.
    ``kz.paragraphs`` marks such units ``is_heading``; above a document's main text one is kept as its headline.

    Example:
        >>> looks_like_heading("Unrest in Almaty"), looks_like_heading("Protesters stormed the office.")
        (True, False)
    """
    return 0 < n_words(text) <= HEADING_MAX_WORDS and not _HEADING_END.search(text.rstrip("\"”’'»"))


def line_features(paras: pd.DataFrame) -> pd.DataFrame:
    """What the layout rule saw of each raw paragraph, for an audit of its decisions.

    Args:
        paras: Output of ``kz.paragraphs``.

    Returns:
        One row per raw paragraph, in ``doc_id, para_id`` order: ``doc_id``, ``para_id``, ``unit_id``,
        ``n_words`` (of its unit, see :func:`n_words`), ``ends_sentence``, ``is_sentence_like``,
        ``in_main_text`` (inside the document's main-text stretch), ``rule`` and ``is_boilerplate`` as
        ``kz.paragraphs`` decided them.

    Example:
        >>> import kzanalysis as kz
        >>> features = line_features(kz.paragraphs(kz.load_corpus()))
        >>> int((features["rule"] == "outside_main_text").sum())
        0
    """
    rows = []
    for doc_id, doc in paras.groupby("doc_id", sort=True):
        units = doc.groupby("unit_id", sort=True).agg(text=("clean_text", "\n".join), flagged=("is_boilerplate", "all"),
                                                     rule=("rule", "first"))
        decided = (units["flagged"] & ~units["rule"].isin(LAYOUT_RULES)).tolist()
        texts = units["text"].tolist()
        sentence, first, last = _analyse(texts, decided)
        if first < 0:  # nothing is sentence-like: the rule leaves the whole document alone
            first, last = 0, len(texts) - 1
        position = {unit: index for index, unit in enumerate(units.index)}
        for para in doc.itertuples(index=False):
            index = position[para.unit_id]
            rows.append((doc_id, para.para_id, para.unit_id, n_words(texts[index].replace("\n", " ")),
                         bool(_SENTENCE_END.search(texts[index])), sentence[index], first <= index <= last, para.rule,
                         para.is_boilerplate))
    return pd.DataFrame(rows, columns=["doc_id", "para_id", "unit_id", "n_words", "ends_sentence", "is_sentence_like",
                                       "in_main_text", "rule", "is_boilerplate"])
