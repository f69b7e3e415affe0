"""Wording: what changed between aligned paragraphs, and how to show it (word edits, diff HTML)."""

from __future__ import annotations

import difflib
from html import escape as _escape

import pandas as pd

from .._rows import iter_rows
from ._base import _DECIMALS, _DIFF_TOKEN, _check_units, _paragraph_texts


# --------------------------------------------------------------------------------------------
# Wording: what changed between aligned paragraphs, and how to show it
# --------------------------------------------------------------------------------------------


def _escape_text(text: object) -> str:
    """Document text made safe for HTML: the standard library's ``html.escape`` with quotes, the call
    ``report.escape`` makes for notebooks (the overlap stage does not import the report stage above it)."""
    return _escape(str(text), quote=True)


def _diff_tokens(text: str) -> list[str]:
    return _DIFF_TOKEN.findall(text)


def _words(text: str) -> list[str]:
    return [t.lower().replace("’", "'") for t in _diff_tokens(text) if t[0].isalnum() or t[0] == "_"]


def _aligned_texts(alignment: pd.DataFrame, units: pd.DataFrame) -> list[tuple[tuple, str, str]]:
    """Each aligned pair's keys and its two paragraphs' texts; only the keys are read from the alignment and only
    the aligned paragraphs' texts are kept (see :func:`_paragraph_texts`)."""
    _check_units(units)
    keys = alignment[["doc_a", "para_a", "doc_b", "para_b"]]
    text = _paragraph_texts(units, keys)
    out = []
    for row in iter_rows(keys):
        key = (row.doc_a, int(row.para_a), row.doc_b, int(row.para_b))
        out.append((key, text.get((row.doc_a, int(row.para_a)), ""), text.get((row.doc_b, int(row.para_b)), "")))
    return out


def rewording(alignment: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """How much of the wording of each aligned paragraph pair is unchanged, word for word.

    Words are lower-cased word tokens (stop words included: a translation round trip changes those too); the
    unchanged words are those of the matching blocks of ``difflib.SequenceMatcher``.

    Args:
        alignment: From :func:`align_passages` (or the ``passage_alignment`` table).
        units: The body paragraphs.

    Returns:
        One row per aligned pair, in ``alignment`` order: ``doc_a``, ``para_a``, ``doc_b``, ``para_b``,
        ``n_words_a``, ``n_words_b``, ``n_same`` (words in identical runs) and ``share_same``
        (``2 * n_same / (n_words_a + n_words_b)``, rounded to 4 decimals).

    Example:
        >>> units = pd.DataFrame({"doc_id": ["a", "b"], "para_id": [0, 0],
        ...                       "text": ["Media reported local.", "Local media reported."]})
        >>> aligned = pd.DataFrame({"doc_a": ["a"], "para_a": [0], "doc_b": ["b"], "para_b": [0]})
        >>> rewording(aligned, units)[["n_same", "share_same"]].values.tolist()
        [[2.0, 0.6667]]
    """
    rows = []
    for (doc_a, para_a, doc_b, para_b), text_a, text_b in _aligned_texts(alignment, units):
        words_a, words_b = _words(text_a), _words(text_b)
        matcher = difflib.SequenceMatcher(None, words_a, words_b, autojunk=False)
        same = sum(block.size for block in matcher.get_matching_blocks())
        total = len(words_a) + len(words_b)
        rows.append({"doc_a": doc_a, "para_a": para_a, "doc_b": doc_b, "para_b": para_b,
                     "n_words_a": len(words_a), "n_words_b": len(words_b), "n_same": float(same),
                     "share_same": round(2 * same / total, _DECIMALS) if total else 0.0})
    columns = ["doc_a", "para_a", "doc_b", "para_b", "n_words_a", "n_words_b", "n_same", "share_same"]
    return pd.DataFrame(rows, columns=columns)


def word_edits(alignment: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Every word-level edit between aligned paragraphs: what A says where B says something else.

    Args:
        alignment: From :func:`align_passages`.
        units: The body paragraphs.

    Returns:
        One row per edit, in ``alignment`` order then position: ``doc_a``, ``para_a``, ``doc_b``, ``para_b``,
        ``edit`` (``"replace"``, ``"delete"``: words only in A, ``"insert"``: words only in B), ``words_a``,
        ``words_b`` (lower-cased words joined by spaces; empty on the side that has none).

    Example:
        >>> units = pd.DataFrame({"doc_id": ["a", "b"], "para_id": [0, 0],
        ...                       "text": ["Poverty and poverty.", "Poverty and unemployment."]})
        >>> aligned = pd.DataFrame({"doc_a": ["a"], "para_a": [0], "doc_b": ["b"], "para_b": [0]})
        >>> word_edits(aligned, units)[["edit", "words_a", "words_b"]].values.tolist()
        [['replace', 'poverty', 'unemployment']]
    """
    rows = []
    for (doc_a, para_a, doc_b, para_b), text_a, text_b in _aligned_texts(alignment, units):
        words_a, words_b = _words(text_a), _words(text_b)
        matcher = difflib.SequenceMatcher(None, words_a, words_b, autojunk=False)
        for op, i1, i2, j1, j2 in matcher.get_opcodes():
            if op == "equal":
                continue
            rows.append({"doc_a": doc_a, "para_a": para_a, "doc_b": doc_b, "para_b": para_b, "edit": op,
                         "words_a": " ".join(words_a[i1:i2]), "words_b": " ".join(words_b[j1:j2])})
    return pd.DataFrame(rows, columns=["doc_a", "para_a", "doc_b", "para_b", "edit", "words_a", "words_b"])


_DIFF_STYLE = (
    "<style>.kz-diff{border-collapse:collapse;width:100%;font-size:0.9em}"
    ".kz-diff td,.kz-diff th{border:1px solid #ddd;padding:4px 6px;vertical-align:top;text-align:left}"
    ".kz-diff .a{background:#fde0c5}.kz-diff .b{background:#cfe8fc}.kz-diff .n{color:#666;white-space:nowrap}</style>"
)


def _highlight(text_a: str, text_b: str) -> tuple[str, str]:
    """Both texts as escaped HTML, words that differ wrapped in <span class="a"> / <span class="b">."""
    tokens_a, tokens_b = _diff_tokens(text_a), _diff_tokens(text_b)
    key_a = [t.lower().replace("’", "'") for t in tokens_a]
    key_b = [t.lower().replace("’", "'") for t in tokens_b]
    matcher = difflib.SequenceMatcher(lambda t: t.isspace(), key_a, key_b, autojunk=False)
    out_a: list[str] = []
    out_b: list[str] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        part_a = _escape_text("".join(tokens_a[i1:i2]))
        part_b = _escape_text("".join(tokens_b[j1:j2]))
        if op == "equal":
            out_a.append(part_a)
            out_b.append(part_b)
            continue
        if part_a.strip():
            out_a.append(f'<span class="a">{part_a}</span>')
        else:
            out_a.append(part_a)
        if part_b.strip():
            out_b.append(f'<span class="b">{part_b}</span>')
        else:
            out_b.append(part_b)
    return "".join(out_a), "".join(out_b)


def diff_html(text_a: str, text_b: str, *, label_a: str = "A", label_b: str = "B") -> str:
    """Two texts side by side with a word-level difference highlight; every piece of text is HTML-escaped.

    Args:
        text_a: The first text.
        text_b: The second text.
        label_a: Column heading of the first text.
        label_b: Column heading of the second text.

    Returns:
        An HTML fragment (a ``<table class="kz-diff">`` with its style): words only in A on orange, words only in
        B on blue. Show it with ``IPython.display.HTML``.

    Example:
        >>> html = diff_html("<b>riots</b> in Almaty", "riots in Almaty city")
        >>> "&lt;b&gt;" in html and '<span class="b"> city</span>' in html
        True
    """
    a, b = _highlight(str(text_a), str(text_b))
    return (f'{_DIFF_STYLE}<table class="kz-diff"><tr><th>{_escape_text(label_a)}</th><th>{_escape_text(label_b)}</th></tr>'
            f"<tr><td>{a}</td><td>{b}</td></tr></table>")


def aligned_passages_html(
    alignment: pd.DataFrame, units: pd.DataFrame, *, doc_a: str, doc_b: str, max_rows: int | None = None,
) -> str:
    """The aligned paragraphs of one document pair side by side, with word-level differences highlighted.

    Args:
        alignment: From :func:`align_passages`.
        units: The body paragraphs.
        doc_a: First document (the smaller id).
        doc_b: Second document.
        max_rows: Show at most this many pairs (in ``para_a`` order); ``None``: all.

    Returns:
        An HTML fragment: one table row per aligned pair with ``para_a``, ``para_b``, ``score`` and the two
        highlighted texts (all document text escaped). Says so when the pair has no aligned paragraphs.

    Example:
        >>> units = pd.DataFrame({"doc_id": ["a", "b"], "para_id": [0, 0], "text": ["x & y", "x & z"]})
        >>> aligned = pd.DataFrame({"doc_a": ["a"], "para_a": [0], "doc_b": ["b"], "para_b": [0], "score": [0.5]})
        >>> "x &amp; " in aligned_passages_html(aligned, units, doc_a="a", doc_b="b")
        True
    """
    rows = alignment[(alignment["doc_a"] == doc_a) & (alignment["doc_b"] == doc_b)]
    rows = rows.sort_values(["para_a", "para_b"], kind="stable")
    if rows.empty:
        return f"<p>No aligned paragraphs between {_escape_text(doc_a)} and {_escape_text(doc_b)}.</p>"
    shown = rows if max_rows is None else rows.head(max_rows)
    body = []
    for (_, para_a, _, para_b), text_a, text_b in _aligned_texts(shown, units):
        score = float(shown.loc[(shown["para_a"] == para_a) & (shown["para_b"] == para_b), "score"].iloc[0])
        a, b = _highlight(text_a, text_b)
        body.append(f'<tr><td class="n">{para_a}</td><td class="n">{para_b}</td><td class="n">{score:.2f}</td>'
                    f"<td>{a}</td><td>{b}</td></tr>")
    note = f"<p><em>{len(shown)} of {len(rows)} aligned pairs shown.</em></p>" if len(shown) < len(rows) else ""
    return (f'{_DIFF_STYLE}<table class="kz-diff"><tr><th>para_a</th><th>para_b</th><th>score</th>'
            f"<th>{_escape_text(doc_a)} (only here: orange)</th><th>{_escape_text(doc_b)} (only here: blue)</th></tr>"
            + "".join(body) + "</table>" + note)


# --------------------------------------------------------------------------------------------
