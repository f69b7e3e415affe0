"""Provenance: datelines, credit lines, wire mentions and signs of translation: where a text comes from."""

from __future__ import annotations

import re

import pandas as pd

from ._base import PROVENANCE_COLUMNS


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
_PHOTO_ENDS = ("REUTERS", "AFP", "AP", "Reuters")
"""Agencies a photo caption ends with; a text without "©" that does not end so (before trailing white space) is no
photo credit and is not searched with :data:`_PHOTO`."""
_PHOTO = re.compile(r"©.*$|\b(?:" + "|".join(_PHOTO_ENDS) + r")\s*$")
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
        if "Reporting by" in text and _REPORTING.search(text):  # the literal first: most paragraphs have none
            value = "Reuters (credit format)" if re.search(r"\bEditing by\b", text) else "reporting credit"
            rows.append((doc_id, "credit", value, para_id, text[:120]))
            claimed.append((0, len(text)))
        photo = None if with_agency or not ("©" in text or text.rstrip().endswith(_PHOTO_ENDS)) \
            else _PHOTO.search(text)
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
    values: dict[tuple[object, object], set[object]] = {}  # (doc_id, signal) -> its values: one pass over signals
    for doc_id, signal, value in zip(signals["doc_id"], signals["signal"], signals["value"]):
        values.setdefault((doc_id, signal), set()).add(value)
    signs = signals.loc[signals["signal"] == "translation_sign", "doc_id"].value_counts().to_dict()
    for doc_id in sorted(corpus["doc_id"]):
        row: dict[str, object] = {"doc_id": doc_id, "outlet": str(outlets.get(doc_id, "unknown"))}
        for signal in ("dateline", "credit", "wire_mention"):
            row[signal] = ", ".join(sorted(values.get((doc_id, signal), ())))
        row["n_translation_signs"] = int(signs.get(doc_id, 0))
        rows.append(row)
    return pd.DataFrame(rows, columns=["doc_id", "outlet", "dateline", "credit", "wire_mention",
                                       "n_translation_signs"])
