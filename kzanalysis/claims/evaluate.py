"""Scoring the claim rules against a hand list of claims."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..quotations import _LEADING_DET
from ._base import CLAIM_LABELS, LABEL_COLUMNS
from .extract import casualty_claims


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
        >>> from kzanalysis.claims import claims_from_text
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
