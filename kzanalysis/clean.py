"""Paragraph stage: split documents into raw paragraphs, flag boilerplate by rule, join broken paragraphs.

Cleaning never edits the raw text and never renumbers anything: every raw paragraph keeps its
``para_id`` (its rank among the document's non-blank lines), and each decision is a column that
names the rule that made it, so an audit can always go back from a table to the line in the file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from . import config
from .corpus import CorpusParts
from .layout import FURNITURE_KIND, classify_units, looks_like_heading
from .parallel import chunk_bounds, give_back_freed_memory

_RULE_COLUMNS = ("rule", "scope", "kind", "pattern", "replacement", "description")
_OPTIONAL_RULE_COLUMNS = ("requires",)
_SCOPES = ("paragraph", "inline")
_SENTENCE_END = re.compile(r"[.!?:;…\"”’»)\]]\s*$")
MAX_FURNITURE_SENTENCES = 3
"""Page furniture (a caption, a credit, a newsletter prompt, a contact line) is a line of one to three sentences.
A paragraph rule flags a whole paragraph only up to this length; in a longer one (an article stored on one line, a
one-paragraph database export) it drops just the sentences it matches from ``clean_text``, so one furniture
phrase can never remove an article's body."""
MAX_FURNITURE_SENTENCE_WORDS = 40
"""Longest sentence dropped as furniture from a long paragraph (the seed's longest furniture line has 31 words)."""
SENTENCE_RULE_PREFIX = "sentence:"
"""``rule`` of a body paragraph from whose ``clean_text`` furniture sentences were dropped: ``sentence:<rule>``."""
BODY_CUT_SHARE = 0.5
"""The audit lists every document whose body is empty or lost more than this share of its characters."""
_SENTENCE_BREAK = re.compile(r"(?<=[.!?…])[\"”’»)]*\s+(?=[\"“‘«(\[A-Z0-9])")


@dataclass(frozen=True)
class _Rule:
    name: str
    scope: str
    kind: str
    regex: re.Pattern[str]
    replacement: str
    requires: tuple[str, ...] = ()


def load_boilerplate_rules(path: Path | str = config.BOILERPLATE_RULES) -> pd.DataFrame:
    """Read and validate the boilerplate rules file.

    The file is a CSV that researchers extend: one regular expression per row, tried in file order
    against each stripped raw paragraph (``scope=paragraph``: the first match flags the paragraph
    as boilerplate of that ``kind``) or substituted inside the text (``scope=inline``: e.g. web
    link debris ``[unrest](#)`` becomes ``unrest``).

    An optional column ``requires`` speeds up rules that would otherwise scan every line: words
    separated by ``|``, at least one of which must appear in a line (ignoring case) for the pattern
    to be tried at all. It must be a necessary condition of the pattern; leave it empty to always
    try the pattern.

    Args:
        path: The rules CSV, with columns ``rule, scope, kind, pattern, replacement, description``
            (and optionally ``requires``).

    Returns:
        One row per rule, columns as in the file, in file order.

    Raises:
        ValueError: Naming the file and line when a column is missing, a rule name repeats, the
            scope is unknown or a pattern does not compile.

    Example:
        >>> rules = load_boilerplate_rules()
        >>> "newsletter" in set(rules["kind"])
        True
    """
    path = Path(path)
    try:
        rules = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as err:
        raise ValueError(f"{path}: cannot read boilerplate rules: {err}") from err
    missing = [c for c in _RULE_COLUMNS if c not in rules.columns]
    if missing:
        raise ValueError(f"{path}: boilerplate rules lack column(s) {missing}; expected {list(_RULE_COLUMNS)}")
    for row, rule in enumerate(rules.itertuples(index=False), start=2):
        where = f"{path}, line {row} (rule {rule.rule!r})"
        if not rule.rule or not rule.pattern:
            raise ValueError(f"{where}: every rule needs a name and a pattern")
        if rule.scope not in _SCOPES:
            raise ValueError(f"{where}: scope must be one of {_SCOPES}, not {rule.scope!r}")
        try:
            re.compile(rule.pattern)
        except re.error as err:
            raise ValueError(f"{where}: pattern does not compile: {err}") from err
    repeated = rules["rule"][rules["rule"].duplicated()].tolist()
    if repeated:
        raise ValueError(f"{path}: rule names must be unique; repeated: {repeated}")
    keep = list(_RULE_COLUMNS) + [c for c in _OPTIONAL_RULE_COLUMNS if c in rules.columns]
    return rules[keep].reset_index(drop=True)


def _compile(rules: pd.DataFrame) -> list[_Rule]:
    requires = rules["requires"] if "requires" in rules.columns else pd.Series("", index=rules.index)
    return [
        _Rule(r.rule, r.scope, r.kind, re.compile(r.pattern), r.replacement,
              tuple(w.strip().lower() for w in need.split("|") if w.strip()) if isinstance(need, str) else ())
        for r, need in zip(rules.itertuples(index=False), requires)
    ]


def clean_inline(text: str, rules: pd.DataFrame | None = None) -> str:
    """Apply the inline rules (web debris) to one text.

    Args:
        text: Any text.
        rules: Rules as from :func:`load_boilerplate_rules`; the shipped rules when ``None``.

    Returns:
        The text with every ``scope=inline`` substitution applied in file order.

    Example:
        >>> clean_inline("shoot-to-kill orders to end [unrest](#) he has blamed")
        'shoot-to-kill orders to end unrest he has blamed'
    """
    compiled = _compile(load_boilerplate_rules() if rules is None else rules)
    return _apply_inline(text, compiled)


def _apply_inline(text: str, compiled: list[_Rule]) -> str:
    for rule in compiled:
        if rule.scope == "inline":
            text = rule.regex.sub(rule.replacement, text)
    return text


def _classify(text: str, compiled: list[_Rule]) -> tuple[str, str]:
    """Return (kind, rule) of the first paragraph rule that matches, or ("", "")."""
    lowered = text.lower()
    for rule in compiled:
        if rule.scope != "paragraph" or (rule.requires and not any(w in lowered for w in rule.requires)):
            continue
        if rule.regex.search(text):
            return rule.kind, rule.name
    return "", ""


def _sentences_of(text: str) -> list[str]:
    """A paragraph cut into sentences at end punctuation followed by a capital, digit or opening mark."""
    return [part for part in _SENTENCE_BREAK.split(text) if part.strip()]


def _drop_furniture_sentences(text: str, compiled: list[_Rule]) -> tuple[str, str]:
    """``text`` without the short sentences a paragraph rule matches on its own, and the first such rule ("" if none).

    A matching sentence longer than :data:`MAX_FURNITURE_SENTENCE_WORDS` is kept: in text joined onto one line a
    credit without a full stop runs into the next sentence, and dropping both would cut the article's body.
    """
    kept, first_rule = [], ""
    for sentence in _sentences_of(text):
        kind, rule = _classify(sentence, compiled)
        if kind and len(sentence.split()) <= MAX_FURNITURE_SENTENCE_WORDS:
            first_rule = first_rule or rule
        else:
            kept.append(sentence)
    return " ".join(kept), first_rule


def _continues(previous: str, current: str) -> bool:
    """True when ``current`` carries on a sentence that the extraction broke off in ``previous``."""
    return not _SENTENCE_END.search(previous) and current[:1].islower()


def _split_documents(doc_ids: list[object], texts: list[object], compiled: list[_Rule]) -> dict[str, list[object]]:
    """Raw paragraphs of some documents, as one list per column."""
    out: dict[str, list[object]] = {name: [] for name in (
        "doc_id", "para_id", "line_no", "text", "clean_text", "is_boilerplate", "boilerplate_kind", "rule", "unit_id")}
    for doc_id, text in zip(doc_ids, texts):
        para_id = 0
        previous: tuple[str, int, bool, str] | None = None  # clean_text, unit_id, is_boilerplate, kind
        for line_no, line in enumerate(str(text).split("\n"), start=1):
            stripped = line.strip()
            if not stripped:
                continue
            clean_text = _apply_inline(stripped, compiled)
            kind, rule = _classify(stripped, compiled)
            if kind and len(_sentences_of(stripped)) > MAX_FURNITURE_SENTENCES:  # a body, not a furniture line
                clean_text, sentence_rule = _drop_furniture_sentences(clean_text, compiled)
                kind, rule = "", SENTENCE_RULE_PREFIX + sentence_rule if sentence_rule else ""
            unit_id = para_id
            # A line that a rule flags on its own never continues another (form fields, contact lines).
            if not kind and previous is not None and _continues(previous[0], clean_text):
                unit_id = previous[1]
                if previous[2]:
                    kind, rule = previous[3], "continuation"
            for name, value in (("doc_id", doc_id), ("para_id", para_id), ("line_no", line_no), ("text", stripped),
                                ("clean_text", clean_text), ("is_boilerplate", bool(kind)),
                                ("boilerplate_kind", kind), ("rule", rule), ("unit_id", unit_id)):
                out[name].append(value)
            previous = (clean_text, unit_id, bool(kind), kind)
            para_id += 1
    return out


def paragraphs(corpus: pd.DataFrame, *, rules: pd.DataFrame | None = None, layout: bool = True) -> pd.DataFrame:
    """Split each document into raw paragraphs and flag boilerplate.

    Raw paragraphs are the non-blank lines of a document: split on line breaks, drop lines that
    are blank after stripping, number the rest from 0. These ``para_id`` values are the join key of
    every later table. A line that ends mid-sentence followed by one starting in lower case is a
    paragraph the extraction broke: both keep their ids and share ``unit_id`` (the first one's
    ``para_id``), and the continuation inherits the head's boilerplate flag. A line that a rule
    flags on its own is never a continuation.

    Args:
        corpus: One row per document with at least ``doc_id`` and ``text`` (see ``load_corpus``).
        rules: Boilerplate rules; the shipped ``data/rules/boilerplate.csv`` when ``None``.
        layout: After the rules, flag the page furniture around each document's main text and lists of
            short lines inside it (kind ``furniture``, rule ``outside_main_text`` or ``short_line_run``; see
            ``kz.layout``). ``False`` leaves every line the rules did not flag in the body.

    Returns:
        One row per raw paragraph, sorted by ``doc_id, para_id``: ``doc_id``, ``para_id``,
        ``text`` (the line, stripped), ``is_boilerplate``, ``boilerplate_kind`` and ``rule``
        (empty when not boilerplate; ``continuation`` when inherited; ``page_title`` for a web page's
        first paragraph that repeats its ``page_title``; ``sentence:<rule>`` on a body
        paragraph of more than :data:`MAX_FURNITURE_SENTENCES` sentences from whose ``clean_text``
        the sentences that rule matched were dropped), ``is_heading`` (a short
        line without closing punctuation: headline or subheading, part of the article),
        ``unit_id`` (``para_id`` of the analysis unit the paragraph belongs to), ``clean_text``
        (inline rules applied), ``line_no`` (1-based line in the decoded file), and ``language``
        (the document's, see ``kz.languages.document_languages``) when the corpus says or detected it.

    Example:
        >>> import kzanalysis as kz
        >>> paras = kz.paragraphs(kz.load_corpus())
        >>> bool(paras.groupby("boilerplate_kind").size()["newsletter"] > 0)
        True
    """
    compiled = _compile(load_boilerplate_rules() if rules is None else rules)
    columns = ["doc_id", "para_id", "text", "is_boilerplate", "boilerplate_kind", "rule", "is_heading",
               "unit_id", "clean_text", "line_no"]
    split = _split_documents(corpus["doc_id"].tolist(), corpus["text"].tolist(), compiled)
    paras = pd.DataFrame({name: split.pop(name) for name in [c for c in columns if c != "is_heading"]})
    if "page_title" in corpus.columns:
        _flag_repeated_titles(paras, corpus)
    if layout:
        _flag_furniture(paras)
    units = _join_units(paras)
    heading_units = units.loc[units["text"].map(looks_like_heading), ["doc_id", "para_id"]]
    heading_keys = set(zip(heading_units["doc_id"], heading_units["para_id"]))
    paras["is_heading"] = [
        (d, u) in heading_keys and not b
        for d, u, b in zip(paras["doc_id"].tolist(), paras["unit_id"].tolist(), paras["is_boilerplate"].tolist())
    ]
    paras = paras.astype({"para_id": "int64", "line_no": "int64", "unit_id": "int64", "is_boilerplate": bool})[columns]
    if "detected_language" in corpus.columns or "language" in corpus.columns:  # tokens stem each in its language
        from kzanalysis.languages import document_languages

        by_doc = document_languages(corpus)
        paras["language"] = paras["doc_id"].astype(str).map(by_doc).fillna("").astype(str)
    if not paras["doc_id"].is_monotonic_increasing:  # load_corpus sorts by doc_id; other frames may not be
        paras = paras.sort_values(["doc_id", "para_id"], kind="stable").reset_index(drop=True)
    return paras


_WORDS = re.compile(r"\w+")


def _flag_repeated_titles(paras: pd.DataFrame, corpus: pd.DataFrame) -> None:
    """Flag (in place) a web page's first paragraph when it repeats the page's title word for word.

    Extractors put the page title above the article; the corpus already keeps it as ``page_title``,
    so in the body it would count twice. Kind ``title``, rule ``page_title``.
    """
    titles = {str(d): " ".join(_WORDS.findall(str(t).lower())) for d, t in zip(corpus["doc_id"], corpus["page_title"])
              if isinstance(t, str) and t.strip()}
    if not titles:
        return
    first = ~paras["doc_id"].duplicated()
    for index in paras.index[first]:
        title = titles.get(str(paras.at[index, "doc_id"]))
        if title and " ".join(_WORDS.findall(str(paras.at[index, "text"]).lower())) == title \
                and not paras.at[index, "is_boilerplate"]:
            paras.at[index, "is_boilerplate"] = True
            paras.at[index, "boilerplate_kind"] = "title"
            paras.at[index, "rule"] = "page_title"


def _flag_furniture(paras: pd.DataFrame) -> None:
    """Flag (in place) the units that ``kz.layout`` finds outside each document's main text or in a list of links.

    One pass over the rows in document order; a unit is flagged as a whole (all its raw paragraphs).
    """
    doc_ids, unit_ids = paras["doc_id"].tolist(), paras["unit_id"].tolist()
    texts, flagged = paras["clean_text"].tolist(), paras["is_boilerplate"].tolist()
    kinds, rules = paras["boilerplate_kind"].tolist(), paras["rule"].tolist()
    start = 0
    while start < len(doc_ids):
        end = start
        while end < len(doc_ids) and doc_ids[end] == doc_ids[start]:
            end += 1
        rows_of: dict[int, list[int]] = {}
        for row in range(start, end):
            rows_of.setdefault(unit_ids[row], []).append(row)
        units = list(rows_of.values())
        decided = [all(flagged[row] for row in rows) for rows in units]
        layout_rules = classify_units(["\n".join(texts[row] for row in rows) for rows in units], decided=decided)
        for rows, rule in zip(units, layout_rules):
            for row in rows if rule else ():
                flagged[row], kinds[row], rules[row] = True, FURNITURE_KIND, rule
        start = end
    paras["is_boilerplate"], paras["boilerplate_kind"], paras["rule"] = flagged, kinds, rules


def _para_ids_increase(paras: pd.DataFrame) -> bool:
    """True when para_id increases within each doc_id (rows already in join order)."""
    same_doc = paras["doc_id"].eq(paras["doc_id"].shift())
    return bool((paras["para_id"].diff().gt(0) | ~same_doc).all())


def _join_units(paras: pd.DataFrame) -> pd.DataFrame:
    """One row per analysis unit (joined paragraphs): doc_id, para_id (= unit_id), text, n_lines.

    A linear pass: a unit's paragraphs are contiguous in ``(doc_id, para_id)`` order.
    """
    ordered = paras
    if not (paras["doc_id"].is_monotonic_increasing and _para_ids_increase(paras)):
        ordered = paras.sort_values(["doc_id", "para_id"], kind="stable")
    doc_ids: list[object] = []
    unit_ids: list[int] = []
    texts: list[list[str]] = []
    for doc_id, unit_id, text in zip(ordered["doc_id"].tolist(), ordered["unit_id"].tolist(),
                                     ordered["clean_text"].tolist()):  # (whole columns: see kzanalysis._rows)
        if doc_ids and doc_ids[-1] == doc_id and unit_ids[-1] == unit_id:
            texts[-1].append(text)
            continue
        doc_ids.append(doc_id)
        unit_ids.append(int(unit_id))
        texts.append([text])
    return pd.DataFrame({"doc_id": doc_ids, "para_id": pd.Series(unit_ids, dtype="int64"),
                         "text": [" ".join(t) for t in texts],
                         "n_lines": pd.Series([len(t) for t in texts], dtype="int64")})


def body_paragraphs(paras: pd.DataFrame, *, include_boilerplate: bool = False) -> pd.DataFrame:
    """The analysis units: body paragraphs with broken paragraphs joined.

    Args:
        paras: Output of :func:`paragraphs`.
        include_boilerplate: Keep boilerplate units too (for audits); body text only by default.

    Returns:
        One row per analysis unit, sorted by ``doc_id, para_id``: ``doc_id``, ``para_id`` (the
        ``para_id`` of the unit's first raw paragraph, so it joins ``paragraphs``), ``text`` (the
        cleaned text of its raw paragraphs joined by a space), ``n_lines``, ``is_heading``, and
        ``language`` when ``paras`` has it.

    Example:
        >>> import kzanalysis as kz
        >>> units = kz.body_paragraphs(kz.paragraphs(kz.load_corpus()))
        >>> list(units.columns)
        ['doc_id', 'para_id', 'text', 'n_lines', 'is_heading', 'language']
    """
    keep = paras if include_boilerplate else paras[~paras["is_boilerplate"]]
    units = _join_units(keep)
    heads = dict(zip(zip(paras["doc_id"].tolist(), paras["para_id"].tolist()), paras["is_heading"].tolist()))
    units["is_heading"] = [bool(heads.get(k, False)) for k in zip(units["doc_id"].tolist(), units["para_id"].tolist())]
    if "language" in paras.columns:
        units["language"] = units["doc_id"].map(paras.drop_duplicates("doc_id").set_index("doc_id")["language"])
    units = units.astype({"para_id": "int64", "n_lines": "int64"})
    units = units.sort_values(["doc_id", "para_id"], kind="stable").reset_index(drop=True)
    # every text was a Python string above, and glibc keeps what they freed, which Arrow (holding the units) never
    # reuses: at 100,000 planted articles notebook 01 held 3.35 GB after making its units without this call, 2.31 GB
    # with it
    give_back_freed_memory()
    return units


def part_units(parts: CorpusParts, n: int) -> pd.DataFrame:
    """The analysis units of part ``n`` of a corpus in parts: ``body_paragraphs(paragraphs(parts.read(n)))``.

    Example:
        >>> import kzanalysis as kz, tempfile, pathlib
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "part-0.jsonl").write_text('{"id": "a", "text": "Dockers walked out."}\\n')
        >>> part_units(kz.corpus_parts(folder), 0)[["doc_id", "para_id", "text"]].values.tolist()
        [['a', 0, 'Dockers walked out.']]
    """
    return body_paragraphs(paragraphs(parts.read(n)))


def _apply_to_part(parts: CorpusParts, n: int, function: Callable[..., pd.DataFrame],
                   options: dict[str, Any]) -> pd.DataFrame:
    return function(part_units(parts, n), **options)


def map_body_units(function: Callable[..., pd.DataFrame], parts: CorpusParts, **options: Any) -> pd.DataFrame:
    """``function(units, **options)`` on the analysis units of each part, as Dask tasks; all parts' rows together.

    For the per-document stages (``kz.framing.find_terms``, ``kz.claims.extract_claims``, ...), which call
    it when given a :class:`kzanalysis.corpus.CorpusParts`: a document's rows depend on that document only, so
    the rows of the parts, ordered by ``doc_id`` (each document's rows in the order ``function`` gave them),
    are the rows of the whole corpus. The tasks run on the cluster of
    :func:`kzanalysis.parallel.use_scheduler`, or one after another in this process without one.

    Args:
        function: A top-level function taking units first and returning a DataFrame with ``doc_id``.
        parts: From :func:`kzanalysis.corpus_parts`.
        **options: Passed to ``function``.

    Example:
        >>> import kzanalysis as kz, tempfile, pathlib
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "part-0.jsonl").write_text('{"id": "b", "text": "Dockers walked out."}\\n')
        >>> _ = (folder / "part-1.jsonl").write_text('{"id": "a", "text": "The port shut."}\\n')
        >>> map_body_units(pd.DataFrame.head, kz.corpus_parts(folder), n=1)["doc_id"].tolist()
        ['a', 'b']
    """
    import dask

    from .parallel import compute

    frames = list(compute(*[dask.delayed(_apply_to_part)(parts, n, function, options) for n in range(len(parts))]))
    found = [frame for frame in frames if len(frame)] or frames[:1]
    return pd.concat(found, ignore_index=True).sort_values("doc_id", kind="stable").reset_index(drop=True)


def body_text(paras: pd.DataFrame) -> pd.DataFrame:
    """Each document's body text: its body units joined by line breaks.

    Args:
        paras: Output of :func:`paragraphs`.

    Returns:
        One row per document that has body text: ``doc_id``, ``text``, ``n_units``,
        ``n_chars``. A document whose every paragraph is boilerplate has no row; compare with the
        corpus to find such documents.

    Example:
        >>> import kzanalysis as kz
        >>> bodies = kz.body_text(kz.paragraphs(kz.load_corpus()))
        >>> "mailchimp" in " ".join(bodies["text"])
        False
    """
    units = body_paragraphs(paras)
    bodies = units.groupby("doc_id", sort=True).agg(text=("text", "\n".join), n_units=("para_id", "size"))
    bodies["n_chars"] = bodies["text"].str.len()
    return bodies.reset_index()


def boilerplate_audit(paras: pd.DataFrame) -> pd.DataFrame:
    """Summarise what cleaning removed, per document and rule, and name every document that lost its body.

    Args:
        paras: Output of :func:`paragraphs`.

    Returns:
        One row per (``doc_id``, ``boilerplate_kind``, ``rule``) that fired: ``n_paragraphs``,
        ``n_chars`` (characters set aside), ``example`` (the first flagged paragraph's text).
        Sentences dropped inside long paragraphs have kind ``sentences in a long paragraph`` and
        rule ``sentence:<rule>``. Then one row per document whose body is empty (``body_empty``) or
        lost more than :data:`BODY_CUT_SHARE` of its characters (``body_cut``), kind ``(document)``:
        nothing disappears without a row here.

    Example:
        >>> import kzanalysis as kz
        >>> audit = boilerplate_audit(kz.paragraphs(kz.load_corpus()))
        >>> set(audit.columns) >= {"doc_id", "rule", "n_paragraphs"}
        True
    """
    columns = ["doc_id", "boilerplate_kind", "rule", "n_paragraphs", "n_chars", "example"]
    sentences = paras["rule"].astype(str).str.startswith(SENTENCE_RULE_PREFIX) & ~paras["is_boilerplate"]
    flagged = paras[paras["is_boilerplate"] | sentences]
    set_aside = flagged["text"].str.len().where(flagged["is_boilerplate"],
                                                flagged["text"].str.len() - flagged["clean_text"].str.len())
    audit = (
        flagged.assign(n_chars=set_aside, boilerplate_kind=flagged["boilerplate_kind"].where(
            flagged["is_boilerplate"], "sentences in a long paragraph"))
        .groupby(["doc_id", "boilerplate_kind", "rule"], sort=True)
        .agg(n_paragraphs=("para_id", "size"), n_chars=("n_chars", "sum"), example=("text", "first"))
        .reset_index()
    ) if len(flagged) else pd.DataFrame(columns=columns)
    long_examples = audit["rule"].astype(str).str.startswith(SENTENCE_RULE_PREFIX)
    audit.loc[long_examples, "example"] = audit.loc[long_examples, "example"].map(
        lambda t: t if len(t) <= 200 else t[:200].rsplit(" ", 1)[0] + " …")
    lengths = document_lengths(paras)
    warned = lengths[(lengths["body_words"] == 0) | (lengths["boilerplate_share"] > BODY_CUT_SHARE)]
    documents = pd.DataFrame({
        "doc_id": warned["doc_id"], "boilerplate_kind": "(document)",
        "rule": ["body_empty" if w == 0 else "body_cut" for w in warned["body_words"]],
        "n_paragraphs": warned["n_boilerplate"], "n_chars": warned["boilerplate_chars"],
        "example": [f"{share:.0%} of the document's characters flagged; check its paragraphs"
                    for share in warned["boilerplate_share"]],
    })
    audit = pd.concat([audit[columns], documents[columns]], ignore_index=True) if len(documents) else audit[columns]
    return audit.astype({"n_paragraphs": "int64", "n_chars": "int64"}) if len(audit) else audit


_WORD_COUNT_ROWS = 20_000


def _word_counts(texts: pd.Series) -> pd.Series:
    """``texts.str.split().str.len()`` (words between whitespace), :data:`_WORD_COUNT_ROWS` rows at a time. Split
    whole, the lists of words of every paragraph are held at once: 0.56 GB for a moment at 10,000 planted articles
    (91,000 paragraphs), and at 100,000 articles the largest moment of notebook 00.

    Example:
        >>> _word_counts(pd.Series(["two words", "one", "  three  spaced words "])).tolist()
        [2, 1, 3]
    """
    if len(texts) <= _WORD_COUNT_ROWS:
        return texts.str.split().str.len()
    return pd.concat([texts.iloc[start:stop].str.split().str.len()
                      for start, stop in chunk_bounds(len(texts), 1, chunk_size=_WORD_COUNT_ROWS)])


def document_lengths(paras: pd.DataFrame) -> pd.DataFrame:
    """Body and boilerplate size of each document.

    Args:
        paras: Output of :func:`paragraphs`.

    Returns:
        One row per document: ``doc_id``, ``n_paragraphs``, ``n_boilerplate``, ``body_chars``,
        ``boilerplate_chars``, ``body_words``, ``boilerplate_share`` (share of characters).

    Example:
        >>> import kzanalysis as kz
        >>> lengths = document_lengths(kz.paragraphs(kz.load_corpus()))
        >>> bool((lengths["boilerplate_share"] < 1).all())
        True
    """
    chars = paras["text"].str.len()
    words = _word_counts(paras["clean_text"])
    frame = pd.DataFrame({
        "doc_id": paras["doc_id"],
        "is_boilerplate": paras["is_boilerplate"],
        "body_chars": chars.where(~paras["is_boilerplate"], 0),
        "boilerplate_chars": chars.where(paras["is_boilerplate"], 0),
        "body_words": words.where(~paras["is_boilerplate"], 0),
    })
    lengths = frame.groupby("doc_id", sort=True).agg(
        n_paragraphs=("is_boilerplate", "size"),
        n_boilerplate=("is_boilerplate", "sum"),
        body_chars=("body_chars", "sum"),
        boilerplate_chars=("boilerplate_chars", "sum"),
        body_words=("body_words", "sum"),
    ).reset_index()
    total = lengths["body_chars"] + lengths["boilerplate_chars"]
    lengths["boilerplate_share"] = (lengths["boilerplate_chars"] / total.where(total > 0)).fillna(0.0)
    return lengths.astype({"n_boilerplate": "int64"})
