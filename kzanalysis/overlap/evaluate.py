"""Checks against hand labels: the seed alignment and hand-made calibration pairs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .._rows import iter_rows
from .. import config
from ._base import HAND_ALIGNMENT_FILE, MIN_SEGMENT_TERMS
from .passages import passage_scores
from .relations import OverlapResult, source_overlap


# --------------------------------------------------------------------------------------------
# Checking against hand labels and hand-made pairs
# --------------------------------------------------------------------------------------------


def load_hand_alignment(path: Path | str = HAND_ALIGNMENT_FILE) -> pd.DataFrame:
    """Read a hand alignment of paragraphs (by default the CNN pair, 000 against 001, made by reading them).

    In the shipped file, 001's headline (para 0) and its subheading "‘Kill without warning’" (para 10) have no
    counterpart in 000 and are therefore absent; 000's paragraphs 11/12 and 21/22 appear in 001 in swapped order.

    Args:
        path: A CSV with ``doc_a``, ``para_a``, ``doc_b``, ``para_b`` (and optionally ``note``).

    Returns:
        One row per hand-aligned paragraph pair: ``doc_a``, ``para_a``, ``doc_b``, ``para_b``, ``note``.

    Example:
        >>> len(load_hand_alignment())
        25
    """
    table = pd.read_csv(path, dtype={"doc_a": str, "doc_b": str}, keep_default_na=False)
    missing = [c for c in ("doc_a", "para_a", "doc_b", "para_b") if c not in table.columns]
    if missing:
        raise ValueError(f"{path}: a hand alignment needs columns doc_a, para_a, doc_b, para_b; missing {missing}")
    if "note" not in table.columns:
        table["note"] = ""
    return table.astype({"para_a": "int64", "para_b": "int64"})[["doc_a", "para_a", "doc_b", "para_b", "note"]]


def compare_alignments(auto: pd.DataFrame, hand: pd.DataFrame) -> pd.DataFrame:
    """Put an automatic alignment next to a hand alignment, on the document pairs the hand alignment covers.

    Args:
        auto: From :func:`align_passages`.
        hand: From :func:`load_hand_alignment`.

    Returns:
        One row per paragraph pair in either, sorted by ``doc_a, para_a, para_b``: ``doc_a``, ``para_a``,
        ``doc_b``, ``para_b``, ``in_auto``, ``in_hand`` (bool) and ``score`` (the automatic score; NaN when the
        pair was not aligned automatically).

    Example:
        >>> hand = pd.DataFrame({"doc_a": ["a"], "para_a": [0], "doc_b": ["b"], "para_b": [1]})
        >>> auto = pd.DataFrame({"doc_a": ["a"], "para_a": [0], "doc_b": ["b"], "para_b": [1], "score": [0.9]})
        >>> compare_alignments(auto, hand)[["in_auto", "in_hand"]].values.tolist()
        [[True, True]]
    """
    keys = ["doc_a", "para_a", "doc_b", "para_b"]
    pairs = set(zip(hand["doc_a"].astype(str), hand["doc_b"].astype(str)))
    auto = auto.assign(doc_a=auto["doc_a"].astype(str), doc_b=auto["doc_b"].astype(str))
    auto = auto[[(a, b) in pairs for a, b in zip(auto["doc_a"], auto["doc_b"])]]
    left = auto[keys + ["score"]].astype({"para_a": "int64", "para_b": "int64"}).assign(in_auto=True)
    right = hand[keys].astype({"doc_a": str, "doc_b": str, "para_a": "int64", "para_b": "int64"}).assign(in_hand=True)
    merged = left.merge(right, on=keys, how="outer")
    merged["in_auto"] = merged["in_auto"].fillna(False).astype(bool)
    merged["in_hand"] = merged["in_hand"].fillna(False).astype(bool)
    merged = merged.sort_values(["doc_a", "doc_b", "para_a", "para_b"], kind="stable").reset_index(drop=True)
    return merged[keys + ["in_auto", "in_hand", "score"]]


def alignment_agreement(auto: pd.DataFrame, hand: pd.DataFrame) -> pd.DataFrame:
    """Precision and recall of an automatic alignment against a hand alignment.

    Args:
        auto: From :func:`align_passages`.
        hand: From :func:`load_hand_alignment`.

    Returns:
        One row: ``n_hand``, ``n_auto`` (automatic pairs on the hand-aligned document pairs), ``n_agree``,
        ``precision`` (``n_agree / n_auto``), ``recall`` (``n_agree / n_hand``) and ``f1``; NaN when undefined.

    Example:
        >>> hand = pd.DataFrame({"doc_a": ["a", "a"], "para_a": [0, 1], "doc_b": ["b", "b"], "para_b": [0, 1]})
        >>> auto = pd.DataFrame({"doc_a": ["a"], "para_a": [0], "doc_b": ["b"], "para_b": [0], "score": [1.0]})
        >>> alignment_agreement(auto, hand)[["precision", "recall"]].values.tolist()
        [[1.0, 0.5]]
    """
    both = compare_alignments(auto, hand)
    n_hand, n_auto = int(both["in_hand"].sum()), int(both["in_auto"].sum())
    n_agree = int((both["in_hand"] & both["in_auto"]).sum())
    precision = n_agree / n_auto if n_auto else float("nan")
    recall = n_agree / n_hand if n_hand else float("nan")
    f1 = 2 * precision * recall / (precision + recall) if n_agree else (0.0 if n_auto and n_hand else float("nan"))
    return pd.DataFrame([{"n_hand": n_hand, "n_auto": n_auto, "n_agree": n_agree, "precision": round(precision, 4),
                          "recall": round(recall, 4), "f1": round(f1, 4)}])


CALIBRATION_FILE: Path = config.LABELS_DIR / "calibration_pairs.csv"
"""Hand-made pairs of texts with the relation a reader would give (see :func:`calibration_pairs`)."""


def calibration_pairs() -> pd.DataFrame:
    """Hand-made pairs of texts with known answers, for checking the measures and justifying the thresholds.

    Every text was written for this package (``data/labels/calibration_pairs.csv``): identical, disjoint, contained, reordered, an editor's
    paraphrase, a hand-written imitation of a machine-translation round trip, a full rewrite of the same news
    (which shares no text, so no text measure can see that it was derived), a statement carried in two
    translations, and two independent reports of the same day.

    Returns:
        One row per pair: ``pair``, ``expected`` (the relation a reader would give), ``description``,
        ``text_a``, ``text_b`` (paragraphs separated by line breaks).

    Example:
        >>> calibration_pairs().set_index("pair").loc["round_trip", "expected"]
        'near_duplicate'
    """
    pairs = pd.read_csv(CALIBRATION_FILE, dtype=str, keep_default_na=False)
    return pairs[["pair", "expected", "description", "text_a", "text_b"]]


def calibration_units(pairs: pd.DataFrame | None = None) -> pd.DataFrame:
    """The hand-made pairs as body paragraphs: documents ``<pair>:a`` and ``<pair>:b``, one paragraph per line.

    Args:
        pairs: From :func:`calibration_pairs` (the default).

    Returns:
        One row per paragraph: ``pair``, ``doc_id``, ``para_id``, ``text``.

    Example:
        >>> calibration_units().query("pair == 'identical'")["doc_id"].unique().tolist()
        ['identical:a', 'identical:b']
    """
    pairs = calibration_pairs() if pairs is None else pairs
    rows = []
    for row in iter_rows(pairs):
        for side, text in (("a", row.text_a), ("b", row.text_b)):
            for para_id, line in enumerate(line for line in text.split("\n") if line.strip()):
                rows.append({"pair": row.pair, "doc_id": f"{row.pair}:{side}", "para_id": para_id, "text": line})
    return pd.DataFrame(rows, columns=["pair", "doc_id", "para_id", "text"])


def calibration_results(pairs: pd.DataFrame | None = None, **options: object) -> pd.DataFrame:
    """Run :func:`source_overlap` on each hand-made pair on its own and set the result beside the known answer.

    Args:
        pairs: From :func:`calibration_pairs` (the default).
        **options: Keyword options of :func:`source_overlap` (thresholds), to see how a change moves the results.

    Returns:
        One row per pair, in ``pairs`` order: ``pair``, ``expected``, ``relation``, ``correct`` (bool), and the
        measures and evidence columns of ``doc_similarity`` (without the document ids), and ``max_pair_score``
        (the highest score of any paragraph pair, aligned or not: for pairs that share no text, how close
        unshared text came to the thresholds).

    Example:
        >>> bool(calibration_results()["correct"].all())
        True
    """
    pairs = calibration_pairs() if pairs is None else pairs
    units = calibration_units(pairs)
    rows = []
    for row in iter_rows(pairs):
        pair_units = units[units["pair"] == row.pair].drop(columns="pair")
        result = source_overlap(pair_units, **options)  # type: ignore[arg-type]
        found = result.similarity.iloc[0].drop(["doc_a", "doc_b"]).to_dict()
        # source_overlap scores paragraphs only where the texts share a shingle; here every pair is scored, to
        # show how close text that shares none came to the thresholds
        scores = passage_scores(pair_units, pd.DataFrame({"doc_a": [f"{row.pair}:a"], "doc_b": [f"{row.pair}:b"]}),
                                min_segment_terms=int(options.get("min_segment_terms", MIN_SEGMENT_TERMS)))  # type: ignore[call-overload]
        top = float(scores["score"].max()) if len(scores) else 0.0
        rows.append({"pair": row.pair, "expected": row.expected, **found, "max_pair_score": top})
    table = pd.DataFrame(rows)
    table.insert(3, "correct", table["expected"] == table["relation"])
    first = ["pair", "expected", "relation", "correct"]
    return table[first + [c for c in table.columns if c not in first]]


def pair_scores(result: OverlapResult, *, hand: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every scored paragraph pair labelled for the threshold plot: aligned or not, and what the hand says.

    Args:
        result: From :func:`source_overlap`.
        hand: A hand alignment (:func:`load_hand_alignment`); its document pairs get ``hand_aligned`` /
            ``hand_not_aligned`` labels instead of ``aligned`` / ``not_aligned``.

    Returns:
        ``result.scores`` with ``relation`` (of the document pair) and ``label`` added.

    Example:
        >>> empty = source_overlap(pd.DataFrame({"doc_id": ["a"], "para_id": [0], "text": ["x"]}))
        >>> pair_scores(empty).empty
        True
    """
    keys = ["doc_a", "para_a", "doc_b", "para_b"]
    types = {"doc_a": str, "para_a": "int64", "doc_b": str, "para_b": "int64"}
    scores = result.scores  # its columns are shared, not copied: at 100,000 articles it holds GBs of segment texts
    found = scores[keys].astype(types)
    relation = found[["doc_a", "doc_b"]].merge(result.similarity[["doc_a", "doc_b", "relation"]].astype(
        {"doc_a": str, "doc_b": str}), on=["doc_a", "doc_b"], how="left")["relation"]
    aligned = found.merge(result.alignment[keys].astype(types).drop_duplicates().assign(aligned=True),
                          on=keys, how="left")["aligned"].notna().to_numpy()
    label = np.where(aligned, "aligned", "not_aligned").astype(object)
    if hand is not None and len(hand):
        judged = pd.MultiIndex.from_frame(found[["doc_a", "doc_b"]]).isin(
            pd.MultiIndex.from_frame(hand[["doc_a", "doc_b"]].astype({"doc_a": str, "doc_b": str})))
        in_hand = found.merge(hand[keys].astype(types).drop_duplicates().assign(in_hand=True),
                              on=keys, how="left")["in_hand"].notna().to_numpy()
        label[judged] = np.where(in_hand[judged], "hand_aligned", "hand_not_aligned")
    return scores.assign(relation=pd.Series(relation.array, index=scores.index),
                         label=pd.Series(label, index=scores.index, dtype=object))


def hand_alignment_problem(hand: pd.DataFrame, units: pd.DataFrame) -> str | None:
    """Say why a hand alignment cannot be checked on these units, or return None when it can.

    Args:
        hand: From :func:`load_hand_alignment`.
        units: The body paragraphs being compared.

    Returns:
        ``None`` when every document of the hand alignment is in ``units``; otherwise a sentence naming the
        missing documents (the hand alignment belongs to the seed corpus).

    Example:
        >>> hand_alignment_problem(load_hand_alignment(), pd.DataFrame({"doc_id": ["x"], "para_id": [0], "text": ["y"]}))[:40]
        'the hand alignment is of documents 000_1'
    """
    needed = sorted(set(hand["doc_a"].astype(str)) | set(hand["doc_b"].astype(str)))
    present = set(units["doc_id"].astype(str))
    missing = [d for d in needed if d not in present]
    if not missing:
        return None
    return (f"the hand alignment is of documents {', '.join(needed)}, and {', '.join(missing)} "
            "is not in this corpus: no agreement to report.")
