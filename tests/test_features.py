"""Tests for the features stage: TF-IDF matrices, their ids and terms, and top terms."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

import kzanalysis as kz

IDF_ONCE = math.log(3 / 2) + 1  # smooth idf of a term in 1 of 2 documents: ln((1 + 2) / (1 + 1)) + 1
IDF_BOTH = math.log(3 / 3) + 1  # in both documents


def toy_units() -> pd.DataFrame:
    """Document a: protesters x2, police (over two paragraphs); document b: police, army."""
    return pd.DataFrame(
        {
            "doc_id": ["b", "a", "a"],
            "para_id": [0, 1, 0],
            "text": ["The police and the army.", "Police!", "Protesters, protesters."],
        }
    )


def weights(features: kz.Features) -> dict[tuple[object, ...], dict[str, float]]:
    dense = features.matrix.toarray()
    return {
        tuple(row): {term: dense[i, j] for j, term in enumerate(features.terms) if dense[i, j] != 0}
        for i, row in enumerate(features.ids.itertuples(index=False, name=None))
    }


# --- tfidf -----------------------------------------------------------------------------------------


def test_raw_tfidf_matches_hand_computation() -> None:
    features = kz.tfidf(toy_units(), sublinear_tf=False, norm=None)
    assert features.terms.tolist() == ["armi", "polic", "protest"]
    assert weights(features) == {
        ("a",): {"polic": pytest.approx(1 * IDF_BOTH), "protest": pytest.approx(2 * IDF_ONCE)},
        ("b",): {"armi": pytest.approx(1 * IDF_ONCE), "polic": pytest.approx(1 * IDF_BOTH)},
    }


def test_default_tfidf_is_sublinear_and_l2_normalised() -> None:
    features = kz.tfidf(toy_units())
    protest, police = (1 + math.log(2)) * IDF_ONCE, 1 * IDF_BOTH
    length_a = math.hypot(protest, police)
    length_b = math.hypot(IDF_ONCE, IDF_BOTH)
    assert weights(features) == {
        ("a",): {"polic": pytest.approx(police / length_a), "protest": pytest.approx(protest / length_a)},
        ("b",): {"armi": pytest.approx(IDF_ONCE / length_b), "polic": pytest.approx(IDF_BOTH / length_b)},
    }
    assert features.matrix.dtype == np.float64
    assert sp.issparse(features.matrix) and features.matrix.format == "csr"


@pytest.mark.parametrize(
    ("grain", "ids", "n_terms"),
    [
        ("document", [("a",), ("b",)], 3),
        ("paragraph", [("a", 0), ("a", 1), ("b", 0)], 3),
    ],
)
def test_grain_sets_rows_and_sorted_ids(grain: str, ids: list[tuple[object, ...]], n_terms: int) -> None:
    features = kz.tfidf(toy_units(), grain=grain)  # type: ignore[arg-type]
    assert features.grain == grain
    assert list(features.ids.itertuples(index=False, name=None)) == ids
    assert features.matrix.shape == (len(ids), n_terms)
    assert features.ids.index.tolist() == list(range(len(ids)))


def test_paragraph_grain_weights() -> None:
    features = kz.tfidf(toy_units(), grain="paragraph", sublinear_tf=False, norm=None)
    idf_once, idf_twice = math.log(4 / 2) + 1, math.log(4 / 3) + 1  # 3 paragraphs
    assert weights(features) == {
        ("a", 0): {"protest": pytest.approx(2 * idf_once)},
        ("a", 1): {"polic": pytest.approx(idf_twice)},
        ("b", 0): {"armi": pytest.approx(idf_once), "polic": pytest.approx(idf_twice)},
    }


def test_term_lower_and_kept_stop_words() -> None:
    features = kz.tfidf(toy_units(), term="lower", drop_stop_words=False)
    assert features.term == "lower"
    assert features.terms.tolist() == ["and", "army", "police", "protesters", "the"]


def test_numbers_dropped_unless_asked() -> None:
    units = pd.DataFrame({"doc_id": ["a", "b"], "para_id": [0, 0], "text": ["18 killed", "3,000 detained"]})
    assert kz.tfidf(units).terms.tolist() == ["detain", "kill"]
    assert kz.tfidf(units, drop_numbers=False).terms.tolist() == ["18", "3,000", "detain", "kill"]


def test_tokens_frame_gives_the_same_features_as_units() -> None:
    units = toy_units()
    from_units = kz.tfidf(units)
    from_tokens = kz.tfidf(kz.tokens(units))
    assert from_tokens.terms.tolist() == from_units.terms.tolist()
    pd.testing.assert_frame_equal(from_tokens.ids, from_units.ids)
    np.testing.assert_allclose(from_tokens.matrix.toarray(), from_units.matrix.toarray())


def test_term_counts_are_scikit_learns_count_vectorizer() -> None:
    from sklearn.feature_extraction.text import CountVectorizer

    from kzanalysis.features import _count_terms

    rng = np.random.default_rng(0)
    words = np.array(["zeta", "Zeta", "alpha", "étape", "ёлка", "a", "aa", "b\u0301", "10", "2", "ω", "Ω", "z"])
    lists = [rng.choice(words, size=rng.integers(0, 12)).tolist() for _ in range(60)]
    ids = pd.DataFrame({"doc_id": [f"d{i:02d}" for i in range(len(lists))]})
    ours = _count_terms(ids, lists)
    theirs = CountVectorizer(analyzer=lambda terms: terms, lowercase=False, dtype=np.float64)
    expected = theirs.fit_transform(lists)
    assert ours.terms.tolist() == theirs.get_feature_names_out().tolist()  # Python's order of the strings
    assert (ours.matrix != expected).nnz == 0 and ours.matrix.has_sorted_indices


def test_tokens_frame_in_any_row_order_gives_the_same_bits() -> None:
    toks = kz.tokens(toy_units())
    first = kz.tfidf(toks, grain="paragraph")
    for seed in range(3):
        other = kz.tfidf(toks.sample(frac=1, random_state=seed), grain="paragraph")
        assert (first.matrix != other.matrix).nnz == 0 and np.array_equal(first.matrix.data, other.matrix.data)
        pd.testing.assert_frame_equal(first.ids, other.ids)


@pytest.mark.parametrize("grain", ["document", "paragraph"])
def test_tokens_frame_with_its_units_as_rows_gives_the_units_features_to_the_bit(grain: str) -> None:
    units = pd.concat([toy_units(), pd.DataFrame({"doc_id": ["a", "c"], "para_id": [7, 0], "text": ["", "... !!"]})])
    from_units = kz.tfidf(units, grain=grain)  # type: ignore[arg-type]
    from_tokens = kz.tfidf(kz.tokens(units), grain=grain, rows=units)  # type: ignore[arg-type]
    assert from_tokens.matrix.shape == from_units.matrix.shape  # the units without a token are rows too
    for part in ("data", "indices", "indptr"):
        assert np.array_equal(getattr(from_tokens.matrix, part), getattr(from_units.matrix, part))
    pd.testing.assert_frame_equal(from_tokens.ids, from_units.ids)
    assert np.array_equal(from_tokens.weighting.idf, from_units.weighting.idf)  # type: ignore[union-attr]
    without_rows = kz.tfidf(kz.tokens(units), grain=grain)  # type: ignore[arg-type]
    assert without_rows.matrix.shape[0] < from_units.matrix.shape[0]


def test_tokens_of_units_missing_from_rows_are_an_error() -> None:
    units = toy_units()
    with pytest.raises(ValueError, match="the tokens hold a unit that rows does not"):
        kz.tfidf(kz.tokens(units), grain="paragraph", rows=units[units["doc_id"] == "a"])
    with pytest.raises(ValueError, match="rows is for a tokens frame"):
        kz.tfidf(units, rows=units)


def test_tokens_frame_carries_custom_stop_words() -> None:
    tokens = kz.tokens(toy_units(), stop_words={"police", "the", "and"})
    assert kz.tfidf(tokens).terms.tolist() == ["armi", "protest"]


@pytest.mark.parametrize(
    ("texts", "options", "message"),
    [
        (["The and of it.", "It is 18."], {}, "empty vocabulary.*stop word"),
        (["Protesters marched.", "Army patrols."], {"min_df": 2}, "empty vocabulary.*min_df=2"),
    ],
)
def test_empty_vocabulary_is_explained(texts: list[str], options: dict[str, object], message: str) -> None:
    units = pd.DataFrame({"doc_id": ["a", "b"], "para_id": [0, 0], "text": texts})
    with pytest.raises(ValueError, match=message):
        kz.tfidf(units, **options)


def test_rejects_duplicate_units_and_unknown_grain() -> None:
    duplicated = pd.concat([toy_units(), toy_units().iloc[[0]]])
    with pytest.raises(ValueError, match="duplicates"):
        kz.tfidf(duplicated)
    with pytest.raises(ValueError, match="grain"):
        kz.tfidf(toy_units(), grain="sentence")  # type: ignore[arg-type]


def test_deterministic_and_independent_of_row_order() -> None:
    units = toy_units()
    first, second = kz.tfidf(units), kz.tfidf(units.sample(frac=1, random_state=3))
    assert (first.matrix != second.matrix).nnz == 0
    assert first.terms.tolist() == second.terms.tolist()
    pd.testing.assert_frame_equal(first.ids, second.ids)


def test_tfidf_does_not_modify_input() -> None:
    units = toy_units()
    before = units.copy()
    kz.tfidf(units, grain="paragraph")
    pd.testing.assert_frame_equal(units, before)


def test_features_checks_shapes() -> None:
    ids = pd.DataFrame({"doc_id": ["a", "b"]})
    with pytest.raises(ValueError, match="shape"):
        kz.Features(sp.csr_matrix(np.ones((2, 3))), ids, np.array(["x", "y"]), "document", "stem")
    with pytest.raises(ValueError, match="para_id"):
        kz.Features(sp.csr_matrix(np.ones((2, 2))), ids, np.array(["x", "y"]), "paragraph", "stem")


# --- top_terms -------------------------------------------------------------------------------------


def test_top_terms_ranks_and_breaks_ties_alphabetically() -> None:
    features = kz.tfidf(toy_units())
    result = kz.top_terms(features, n_terms=10)
    assert list(result.columns) == ["doc_id", "rank", "term", "weight"]
    # a: protest outweighs polic; b: armi > polic (rarer term)
    assert result[["doc_id", "rank", "term"]].values.tolist() == [
        ["a", 1, "protest"], ["a", 2, "polic"], ["b", 1, "armi"], ["b", 2, "polic"]
    ]  # fmt: skip
    tied = pd.DataFrame({"doc_id": ["x"], "para_id": [0], "text": ["Zhanaozen army police"]})
    assert kz.top_terms(kz.tfidf(tied))["term"].tolist() == ["armi", "polic", "zhanaozen"]


def test_top_terms_n_limits_and_excludes_zero_weights() -> None:
    features = kz.tfidf(toy_units(), grain="paragraph")
    result = kz.top_terms(features, n_terms=1)
    assert list(result.columns) == ["doc_id", "para_id", "rank", "term", "weight"]
    assert result[["doc_id", "para_id", "term"]].values.tolist() == [
        ["a", 0, "protest"], ["a", 1, "polic"], ["b", 0, "armi"]
    ]  # fmt: skip
    assert result["rank"].tolist() == [1, 1, 1]
    everything = kz.top_terms(features, n_terms=100)
    assert len(everything) == features.matrix.nnz == 4
    assert (everything["weight"] > 0).all()
    with pytest.raises(ValueError, match="n_terms must be"):
        kz.top_terms(features, n_terms=0)


def test_top_terms_weights_are_the_matrix_values() -> None:
    features = kz.tfidf(toy_units(), sublinear_tf=False, norm=None)
    result = kz.top_terms(features, n_terms=2)
    assert result["weight"].tolist() == pytest.approx([2 * IDF_ONCE, IDF_BOTH, IDF_ONCE, IDF_BOTH])


def _toy_units(n: int) -> pd.DataFrame:
    words = ["protest", "police", "fuel", "price", "troops", "almaty", "curfew", "airport", "looting", "statement"]
    texts = [" ".join(words[(i * 7 + j * 3) % len(words)] for j in range(5 + i % 4)) for i in range(n)]
    return pd.DataFrame({"doc_id": [f"d{i // 2:03d}" for i in range(n)], "para_id": [i % 2 for i in range(n)],
                         "text": texts})


def test_parallel_tokenizing_gives_the_same_matrix() -> None:
    units = _toy_units(40)
    serial = kz.tfidf(units, grain="document", n_jobs=1)
    parallel = kz.tfidf(units, grain="document", n_jobs=2, parallel_min_texts=2)
    assert (serial.terms == parallel.terms).all()
    assert (serial.matrix != parallel.matrix).nnz == 0
    pd.testing.assert_frame_equal(serial.ids, parallel.ids)


@pytest.mark.parametrize(("min_df", "max_df"), [(1, 1.0), (2, 1.0), (0.2, 0.8), (1, 12)])
def test_tfidf_agrees_with_scikit_learn_vectorizer(min_df: int | float, max_df: int | float) -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    units = _toy_units(20)
    ours = kz.tfidf(units, grain="paragraph", min_df=min_df, max_df=max_df)
    theirs = TfidfVectorizer(analyzer=kz.analysis_tokens, min_df=min_df, max_df=max_df, sublinear_tf=True)
    expected = theirs.fit_transform(units.sort_values(["doc_id", "para_id"])["text"])
    assert ours.terms.tolist() == theirs.get_feature_names_out().tolist()
    assert np.allclose(ours.matrix.toarray(), expected.toarray())


def test_max_df_below_min_df_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="max_df=1 keeps fewer rows than min_df=3"):
        kz.tfidf(_toy_units(10), grain="paragraph", min_df=3, max_df=1)


def test_transform_weighs_other_units_as_the_features_weighed_theirs() -> None:
    from kzanalysis.features import transform

    units = kz.body_paragraphs(kz.paragraphs(kz.load_corpus()))
    features = kz.tfidf(units, grain="paragraph", min_df=2, sublinear_tf=False, norm="l1")
    again = transform(features, units)
    for name in ("indptr", "indices", "data"):
        assert np.array_equal(getattr(again.matrix, name), getattr(features.matrix, name))
    new = pd.DataFrame({"doc_id": ["x"], "para_id": [0], "text": ["Zzyzx qwerty protesters protesters."]})
    row = transform(features, new)
    assert row.terms is features.terms and row.matrix.nnz == 1  # unknown words are left out
    assert row.matrix[0, list(features.terms).index("protest")] == 1.0  # l1 norm of one term
    bare = kz.Features(features.matrix, features.ids, features.terms, "paragraph", "stem")
    with pytest.raises(ValueError, match="no weighting"):
        transform(bare, new)
