"""Document-pair measures: cosine, shingle Jaccard and containment of given pairs."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._base import _DECIMALS, _ordered_units, PAIR_COLUMNS, _pairs_frame, _row_dots, SHINGLE_SIZE
from .candidates import _doc_features, candidate_pairs
from .sketch import Shingles


def pair_measures(units: pd.DataFrame, pairs: pd.DataFrame | None = None, *, k: int = SHINGLE_SIZE) -> pd.DataFrame:
    """Document-level measures of each pair: TF-IDF cosine, shingle Jaccard and containment both ways.

    ``cosine`` is over TF-IDF of Snowball stems (stop words and numbers out) of each document's body;
    ``jaccard`` is ``|A ∩ B| / |A ∪ B|`` of the two shingle sets (see :func:`shingles`);
    ``containment_a_in_b`` is ``|A ∩ B| / |A|``, the share of A's shingles found in B (A's text re-used in B),
    and ``containment_b_in_a`` the reverse. Only the given pairs are computed (row-wise sparse products).

    Args:
        units: Body paragraphs (``doc_id``, ``para_id``, ``text``). Not modified.
        pairs: ``doc_a``, ``doc_b`` to measure; ``None``: :func:`candidate_pairs` with ``method="auto"``.
        k: Words per shingle.

    Returns:
        One row per pair, sorted: ``doc_a``, ``doc_b`` (``doc_a < doc_b``), ``cosine``, ``jaccard``,
        ``containment_a_in_b``, ``containment_b_in_a`` (rounded to 4 decimals; 0 when a set is empty).

    Example:
        >>> units = pd.DataFrame({"doc_id": ["a", "b"], "para_id": [0, 0],
        ...                       "text": ["Troops guard the airport.", "Troops guard the airport in Almaty."]})
        >>> pair_measures(units, k=2)[["jaccard", "containment_a_in_b", "containment_b_in_a"]].values.tolist()
        [[0.6667, 1.0, 0.6667]]
    """
    ordered = _ordered_units(units)
    if pairs is None:
        pairs = candidate_pairs(ordered, k=k)
    pairs = _pairs_frame(pairs["doc_a"].astype(str).tolist(), pairs["doc_b"].astype(str).tolist())
    if pairs.empty:
        return pd.DataFrame({c: pd.Series(dtype=str if c in ("doc_a", "doc_b") else float) for c in PAIR_COLUMNS})
    sh, features = _doc_features(ordered, k=k)
    position = {d: n for n, d in enumerate(sh.doc_ids)}
    unknown = sorted(set(pairs["doc_a"]).union(pairs["doc_b"]) - set(position))
    if unknown:
        raise ValueError(f"pairs name documents with no body text in units: {unknown[:5]}")
    i = pairs["doc_a"].map(position).to_numpy()
    j = pairs["doc_b"].map(position).to_numpy()
    cosine = _row_dots(features.matrix, i, j)
    result = pairs.assign(cosine=np.clip(cosine, 0.0, 1.0), **_shingle_overlap(sh, i, j))
    return result.round(_DECIMALS)[list(PAIR_COLUMNS)]


def _shingle_overlap(sh: Shingles, i: np.ndarray, j: np.ndarray, other: Shingles | None = None) -> dict[str, np.ndarray]:
    """Exact ``jaccard``, ``containment_a_in_b`` and ``containment_b_in_a`` of the row pairs ``(i[n], j[n])``:
    row ``i[n]`` of ``sh`` with row ``j[n]`` of ``other`` (default: ``sh`` too).

    Shared shingles are counted by intersecting the two rows' sorted hash arrays, one pair at a time: memory
    stays that of two documents, however many pairs (a sparse row-wise product would copy both rows per pair).
    """
    other = sh if other is None else other
    shared = np.fromiter((len(np.intersect1d(sh.row(a), other.row(b), assume_unique=True)) for a, b in zip(i, j)),
                         dtype=np.float64, count=len(i))
    size_a, size_b = sh.sizes[i].astype(float), other.sizes[j].astype(float)
    union = size_a + size_b - shared
    with np.errstate(invalid="ignore", divide="ignore"):
        return {"jaccard": np.where(union > 0, shared / union, 0.0),
                "containment_a_in_b": np.where(size_a > 0, shared / size_a, 0.0),
                "containment_b_in_a": np.where(size_b > 0, shared / size_b, 0.0)}
