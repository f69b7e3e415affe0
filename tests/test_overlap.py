"""Tests for the overlap stage: pair measures, candidates, passage scores, alignment, relations, diff HTML."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import kzanalysis as kz
from kzanalysis import config, overlap, report

CNN_A, CNN_B = "000_143417c5e503c3f3", "001_5fd3b595c2b22735"
IANS, RFI = "002_f6fac79b3e52d7e7", "003_c32e65cbf677ca05"


def units_of(**docs: str) -> pd.DataFrame:
    """Body paragraphs from texts given per document, one paragraph per line."""
    rows = [
        {"doc_id": doc_id, "para_id": n, "text": line}
        for doc_id, text in docs.items()
        for n, line in enumerate(line for line in text.split("\n") if line.strip())
    ]
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def seed_units() -> pd.DataFrame:
    return kz.body_paragraphs(kz.paragraphs(kz.load_corpus()))


@pytest.fixture(scope="module")
def seed_result(seed_units: pd.DataFrame) -> overlap.OverlapResult:
    return overlap.source_overlap(seed_units)


# --- measures on tiny texts, computed by hand --------------------------------------------------------


@pytest.mark.parametrize(
    ("text_a", "text_b", "jaccard", "a_in_b", "b_in_a"),
    [
        # content stems: troop guard airport | troop guard airport almati -> 2-shingles {tg, ga} vs {tg, ga, aa}
        ("Troops guard the airport.", "Troops guard the airport in Almaty.", 2 / 3, 1.0, 2 / 3),
        ("Troops guard the airport.", "Troops guard the airport.", 1.0, 1.0, 1.0),
        ("Troops guard the airport.", "Prices of fuel doubled overnight.", 0.0, 0.0, 0.0),
        # stop words and case do not matter; order does: guard troop... shares no 2-shingle
        ("TROOPS guard THE airport", "airport guard troops", 0.0, 0.0, 0.0),
    ],
)
def test_shingle_jaccard_and_containment_by_hand(text_a, text_b, jaccard, a_in_b, b_in_a) -> None:
    measures = overlap.pair_measures(units_of(a=text_a, b=text_b), k=2)
    row = measures.iloc[0]
    assert (row["doc_a"], row["doc_b"]) == ("a", "b")
    assert row["jaccard"] == pytest.approx(jaccard, abs=1e-4)
    assert row["containment_a_in_b"] == pytest.approx(a_in_b, abs=1e-4)
    assert row["containment_b_in_a"] == pytest.approx(b_in_a, abs=1e-4)


def test_pairs_are_unordered_with_doc_a_before_doc_b() -> None:
    units = units_of(zeta="Troops guard the airport.", alpha="Troops guard the airport.", mid="Fuel prices rose.")
    measures = overlap.pair_measures(units)
    assert measures[["doc_a", "doc_b"]].values.tolist() == [["alpha", "mid"], ["alpha", "zeta"], ["mid", "zeta"]]
    assert measures.set_index(["doc_a", "doc_b"]).loc[("alpha", "zeta"), "cosine"] == pytest.approx(1.0)


def test_shingle_hashes_do_not_depend_on_the_other_documents() -> None:
    one = overlap.shingles(units_of(a="Troops guard the airport in Almaty."), k=2)
    two = overlap.shingles(units_of(a="Troops guard the airport in Almaty.", b="Fuel prices rose sharply."), k=2)
    assert set(one.hashes) <= set(two.hashes)
    assert one.sizes.tolist() == [3]


# --- candidates at scale ------------------------------------------------------------------------------


def test_minhash_lsh_finds_near_duplicates_and_skips_unrelated_documents() -> None:
    rng = np.random.default_rng(1)
    words = [f"w{i}" for i in range(3000)]
    docs = {f"d{n:03d}": " ".join(rng.choice(words, 80)) for n in range(60)}
    docs["d000copy"] = docs["d000"] + " extra"  # a republication with one word added
    docs["d007copy"] = docs["d007"]
    units = units_of(**docs)
    pairs = overlap.candidate_pairs(units, method="minhash", random_state=0)
    found = set(zip(pairs["doc_a"], pairs["doc_b"]))
    assert {("d000", "d000copy"), ("d007", "d007copy")} <= found
    assert len(found) < 10  # not every pair of the 62 documents (1891 pairs)


def test_minhash_agreement_estimates_jaccard() -> None:
    rng = np.random.default_rng(2)
    words = [f"w{i}" for i in range(5000)]
    text = rng.choice(words, 400).tolist()
    edited = text[:200] + ["changed"] + text[201:]  # one word replaced: 3 of ~398 shingles differ each way
    units = units_of(a=" ".join(text), b=" ".join(edited), c=" ".join(rng.choice(words, 400)))
    sh = overlap.shingles(units)
    signatures = overlap.minhash_signatures(sh, n_perm=256, random_state=0)
    jaccard = overlap.pair_measures(units, k=3).set_index(["doc_a", "doc_b"])["jaccard"]
    assert (signatures[0] == signatures[1]).mean() == pytest.approx(jaccard[("a", "b")], abs=0.06)
    assert (signatures[0] == signatures[2]).mean() < 0.05


def test_nearest_neighbours_keep_the_most_similar_document() -> None:
    units = units_of(a="fuel prices protest almaty", b="fuel prices protest almaty police", c="football cup penalty")
    pairs = overlap.candidate_pairs(units, method="neighbors", n_neighbors=1)
    assert pairs.values.tolist() == [["a", "b"]]


def _brute_neighbours(matrix: np.ndarray, n: int, min_cosine: float, allowed: np.ndarray) -> set[tuple[int, int]]:
    """Each row's ``n`` highest full cosines among the ``allowed`` rows, ties to the lower column, as sorted pairs."""
    cosine = matrix @ matrix.T
    found = set()
    for row in range(len(matrix)):
        cols = [c for c in range(len(matrix)) if c != row and allowed[row, c] and cosine[row, c] >= min_cosine]
        for col in sorted(cols, key=lambda c: (-cosine[row, c], c))[:n]:
            found.add((min(row, col), max(row, col)))
    return found


@pytest.mark.parametrize("seed", range(5))
def test_row_tops_are_the_highest_columns_ties_to_the_lower(seed: int) -> None:
    """Each row's n highest columns (itself left out, below min_cosine dropped, a tie at the n-th value going to
    the lower columns), as sorting the row by (-value, column) gives them; values in steps of 0.1: many ties."""
    import scipy.sparse as sp
    from kzanalysis.overlap.candidates import _row_tops

    rng = np.random.default_rng(seed)
    dense = np.round(rng.random((30, 60)), 1) * (rng.random((30, 60)) < 0.6)
    for n, min_cosine in ((3, 0.0), (5, 0.35), (100, 0.5)):
        i, j = _row_tops(sp.csr_matrix(dense), 10, n, min_cosine=min_cosine)  # rows are documents 10..39
        want = set()
        for row in range(30):
            cols = [c for c in range(60) if dense[row, c] > 0 and dense[row, c] >= min_cosine and c != row + 10]
            want |= {(row + 10, c) for c in sorted(cols, key=lambda c: (-dense[row, c], c))[:n]}
        assert set(zip(i.tolist(), j.tolist())) == want and len(i) == len(want)


@pytest.mark.parametrize("seed", range(5))
def test_neighbour_search_through_rarer_terms_ranks_by_the_full_cosine(seed: int) -> None:
    import scipy.sparse as sp

    rng = np.random.default_rng(seed)
    dense = rng.random((40, 30)) * (rng.random((40, 30)) < 0.15)
    dense[:, :3] = rng.random((40, 3)) + 0.5  # three terms every document has
    dense /= np.linalg.norm(dense, axis=1, keepdims=True)
    ids = np.array([f"d{i:02d}" for i in range(40)])

    def found(frame: pd.DataFrame) -> set[tuple[int, int]]:
        return {(int(a[1:]), int(b[1:])) for a, b in frame.itertuples(index=False)}

    everything = np.ones((40, 40), dtype=bool)
    exact = overlap.neighbor_candidates(sp.csr_matrix(dense), ids, n_neighbors=3, min_cosine=0.3)
    assert found(exact) == _brute_neighbours(dense, 3, 0.3, everything)
    rare = dense * ((dense > 0).sum(axis=0) <= 20)
    shares_rare = (rare @ rare.T) > 0
    pruned = overlap.neighbor_candidates(sp.csr_matrix(dense), ids, n_neighbors=3, min_cosine=0.3,
                                         max_term_docs=20)
    pool = overlap.NEIGHBOR_POOL * 3
    allowed = np.zeros_like(shares_rare)
    for row in range(40):  # the pool: the rows with the highest cosine on rarer terms
        scores = rare[row] @ rare.T
        cols = [c for c in range(40) if c != row and shares_rare[row, c]]
        allowed[row, sorted(cols, key=lambda c: (-scores[c], c))[:pool]] = True
    assert found(pruned) == _brute_neighbours(dense, 3, 0.3, allowed)
    assert found(pruned) != found(exact)  # the common terms moved some neighbours: the test compares something


def test_neighbour_search_in_small_pieces_finds_the_same_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    """The memory bounds (a chunk's product, the row pairs whose cosines are taken at once) cut the work, not the
    result: with bounds small enough to cut every few rows, the same neighbours."""
    import importlib

    import scipy.sparse as sp

    from kzanalysis.overlap import _base

    candidates = importlib.import_module("kzanalysis.overlap.candidates")
    rng = np.random.default_rng(3)
    dense = rng.random((60, 40)) * (rng.random((60, 40)) < 0.2)
    dense[:, :2] = rng.random((60, 2)) + 0.5
    matrix = sp.csr_matrix(dense / np.linalg.norm(dense, axis=1, keepdims=True))
    ids = np.array([f"d{i:02d}" for i in range(60)])
    whole = [candidates.neighbor_candidates(matrix, ids, n_neighbors=3, max_term_docs=m) for m in (1000, 30)]
    assert candidates._product_chunks(matrix, chunk_size=2000) == [(0, 60)]
    monkeypatch.setattr(candidates, "MAX_PRODUCT_ENTRIES", 500)
    monkeypatch.setattr(_base, "ROW_PAIRS_CHUNK", 7)
    assert len(candidates._product_chunks(matrix, chunk_size=2000)) > 5  # the bound now cuts the rows
    pieces = [candidates.neighbor_candidates(matrix, ids, n_neighbors=3, max_term_docs=m) for m in (1000, 30)]
    for a, b in zip(whole, pieces):
        pd.testing.assert_frame_equal(a, b)


def test_candidate_method_is_checked() -> None:
    with pytest.raises(ValueError, match="method must be"):
        overlap.candidate_pairs(units_of(a="x y z", b="x y z"), method="every")  # type: ignore[arg-type]


# --- passage scores and alignment ---------------------------------------------------------------------


def test_translated_statement_scores_high_and_unrelated_sentence_low() -> None:
    units = units_of(
        a="“The presidents exchanged views on the measures taken to restore order in Kazakhstan,” the statement said.",
        b="The Presidents exchanged opinions on the measures being taken to restore order in Kazakhstan.\n"
          "Supermarket chain Magnum said 15 of its 68 stores in Almaty had been looted.",
    )
    scores = overlap.passage_scores(units, pd.DataFrame({"doc_a": ["a"], "doc_b": ["b"]}))
    by_para = scores.set_index("para_b")["score"]
    assert by_para[0] > 0.8
    assert 1 not in by_para.index or by_para[1] < 0.2
    best = scores.set_index("para_b").loc[0]
    # the quotation itself, without its attribution, is the segment that matches; b's match is its first sentence
    assert best["segment_a"] == "The presidents exchanged views on the measures taken to restore order in Kazakhstan"
    assert best["segment_b"].startswith("The Presidents exchanged opinions") and "Magnum" not in best["segment_b"]


def test_alignment_is_one_to_one_and_finds_moved_paragraphs() -> None:
    paragraphs = [
        "Security forces opened fire on demonstrators in Almaty on Thursday.",
        "The interior ministry said 26 armed rioters had been killed.",
        "Troops from a Russian-led alliance arrived at the airport.",
    ]
    units = units_of(a="\n".join(paragraphs), b="\n".join(paragraphs[i] for i in (2, 0, 1)))
    result = overlap.source_overlap(units)
    pairs = result.alignment[["para_a", "para_b"]].values.tolist()
    assert pairs == [[0, 1], [1, 2], [2, 0]]
    assert result.similarity["relation"].item() == "near_duplicate"


def test_a_score_floor_skips_only_pairs_below_it(seed_units: pd.DataFrame) -> None:
    docs = sorted(seed_units["doc_id"].unique())
    pairs = pd.DataFrame([(a, b) for a in docs for b in docs if a < b], columns=["doc_a", "doc_b"])
    every = overlap.passage_scores(seed_units, pairs)
    for floor in (0.45, 0.7):
        floored = overlap.passage_scores(seed_units, pairs, min_score=floor)
        above = every[every["score"] >= floor].reset_index(drop=True)
        assert 0 < len(floored) < len(every)
        # rows are scored in full: the best sentence pair too, where only the whole paragraphs reached the floor
        pd.testing.assert_frame_equal(floored, above)
    assert ((above["para_score"] >= 0.7) & (above["segment_score"] < 0.7) & (above["segment_score"] > 0)).any()
    # a pair's own floor: 0 for the CNN pair (listed in full), 0.45 for the rest
    own = pairs.assign(min_score=[0.0 if (a, b) == (CNN_A, CNN_B) else 0.45 for a, b in zip(pairs.doc_a, pairs.doc_b)])
    mixed = overlap.passage_scores(seed_units, own)
    is_cnn = (mixed["doc_a"] == CNN_A) & (mixed["doc_b"] == CNN_B)
    assert mixed[is_cnn].reset_index(drop=True).equals(
        every[(every["doc_a"] == CNN_A) & (every["doc_b"] == CNN_B)].reset_index(drop=True))
    assert (mixed.loc[~is_cnn, "score"] >= 0.45).all()


def test_passage_scores_come_sorted_and_keep_their_types_when_no_pair_reaches_the_floor(
        seed_units: pd.DataFrame) -> None:
    docs = sorted(seed_units["doc_id"].unique(), reverse=True)
    pairs = pd.DataFrame([(a, b) for a in docs for b in docs if a > b], columns=["doc_a", "doc_b"])  # b < a
    every = overlap.passage_scores(seed_units, pairs)
    key = ["doc_a", "para_a", "doc_b", "para_b"]
    assert len(every) > 10 and (every["doc_a"] < every["doc_b"]).all()
    pd.testing.assert_frame_equal(every, every.sort_values(key).reset_index(drop=True))
    nothing = overlap.passage_scores(seed_units, pairs, min_score=1.01)
    pd.testing.assert_frame_equal(nothing, overlap.passage_scores(seed_units, pairs.iloc[0:0]))


def test_passages_scored_on_workers_are_the_scores_of_one_process(
        seed_units: pd.DataFrame, monkeypatch: pytest.MonkeyPatch, chunk_calls) -> None:  # type: ignore[no-untyped-def]
    from kzanalysis.overlap import passages

    docs = sorted(seed_units["doc_id"].unique())
    pairs = pd.DataFrame([(a, b) for a in docs for b in docs if a < b], columns=["doc_a", "doc_b"])
    pairs = pairs.assign(min_score=[0.0 if (a, b) == (CNN_A, CNN_B) else 0.45 for a, b in zip(pairs.doc_a, pairs.doc_b)])
    here = overlap.passage_scores(seed_units, pairs, n_jobs=1)
    calls = chunk_calls(passages)
    monkeypatch.setattr(passages, "PARALLEL_MIN_PAIRS", 2)
    monkeypatch.setattr(passages, "CHUNK_BLOCKS", 1)
    there = overlap.passage_scores(seed_units, pairs, n_jobs=2)
    assert calls == [(2, len(docs) - 1)]  # one chunk per document that has a partner after it
    assert len(here) > 0 and (here["segment_score"] > 0).any()
    pd.testing.assert_frame_equal(here, there)


def test_relations_do_not_depend_on_scoring_every_pair(seed_units: pd.DataFrame) -> None:
    full = overlap.source_overlap(seed_units, all_scores=True)
    lean = overlap.source_overlap(seed_units, all_scores=False)
    pd.testing.assert_frame_equal(full.similarity, lean.similarity)
    pd.testing.assert_frame_equal(full.alignment, lean.alignment)
    assert len(lean.scores) < len(full.scores)
    # pairs that may be near duplicates are scored down to the least score they are aligned at, not to 0
    maybe_near = full.similarity.loc[full.similarity["jaccard"] >= overlap.NEAR_DUPLICATE_JACCARD, ["doc_a", "doc_b"]]
    assert (full.scores.merge(maybe_near)["score"] < overlap.MIN_NEAR_DUPLICATE_SCORE).any()
    assert (lean.scores.merge(maybe_near)["score"] >= overlap.MIN_NEAR_DUPLICATE_SCORE).all()
    assert len(lean.scores.merge(maybe_near))


def test_alignment_keeps_the_best_one_to_one_matching_when_a_paragraph_matches_twice() -> None:
    scores = pd.DataFrame({"doc_a": ["a"] * 3 + ["c"], "para_a": [0, 0, 1, 0], "doc_b": ["b"] * 3 + ["d"],
                           "para_b": [0, 1, 0, 0], "score": [0.9, 0.8, 0.7, 0.5]})
    aligned = overlap.align_passages(scores, min_score=0.45)
    assert aligned[["doc_a", "para_a", "para_b"]].values.tolist() == [["a", 0, 1], ["a", 1, 0], ["c", 0, 0]]


def test_short_text_inside_a_long_one_is_shared_passages_with_direction() -> None:
    calibration = overlap.calibration_results().set_index("pair")
    contained = calibration.loc["contained"]
    assert contained["relation"] == "shared_passages"
    assert contained["containment_a_in_b"] == pytest.approx(1.0)
    assert contained["containment_b_in_a"] < 0.5


@pytest.mark.parametrize("pair", overlap.calibration_pairs()["pair"].tolist())
def test_hand_made_pairs_get_their_known_relation(pair: str) -> None:
    row = overlap.calibration_results().set_index("pair").loc[pair]
    assert row["relation"] == row["expected"], row.to_dict()


def test_relation_rules_follow_the_thresholds() -> None:
    measures = pd.DataFrame({"doc_a": ["a", "a", "b"], "doc_b": ["b", "c", "c"], "cosine": [0.9, 0.3, 0.01],
                             "jaccard": [0.5, 0.0, 0.0], "containment_a_in_b": 0.0, "containment_b_in_a": 0.0,
                             "above_beat": [3.0, 1.5, 0.1], "n_shared_anchors": 3, "same_story": [True, True, False], "translated": False,
                             "shared_anchors": ""})
    units = units_of(a="alpha beta gamma delta\nepsilon zeta eta theta", b="alpha beta gamma delta", c="iota kappa")
    alignment = pd.DataFrame({"doc_a": ["a"], "para_a": [0], "doc_b": ["b"], "para_b": [0], "score": [0.9],
                              "para_score": [0.9], "segment_score": [0.0], "segment_a": [""], "segment_b": [""]})
    relations = overlap.classify_relations(measures, alignment, units).set_index(["doc_a", "doc_b"])["relation"]
    # a's first half is aligned with all of b: coverage 0.5 and 1.0 -> near duplicate at min_coverage 0.5
    assert relations.to_dict() == {("a", "b"): "near_duplicate", ("a", "c"): "same_event", ("b", "c"): "unrelated"}
    stricter = overlap.classify_relations(measures, alignment, units, min_coverage=0.6)
    assert stricter.set_index(["doc_a", "doc_b"]).loc[("a", "b"), "relation"] == "shared_passages"
    # alignment coverage alone is never a near duplicate: the whole texts must share their shingles
    no_copy = overlap.classify_relations(measures.assign(jaccard=0.01), alignment, units)
    assert no_copy.set_index(["doc_a", "doc_b"]).loc[("a", "b"), "relation"] == "shared_passages"
    assert no_copy.set_index(["doc_a", "doc_b"]).loc[("a", "b"), "shared_words"] == "alpha beta gamma delta"


def test_one_paragraph_stories_on_one_beat_are_not_near_duplicates_but_a_republished_copy_is() -> None:
    one = "Wartsila signed a memorandum with Global Energy Ventures on propulsion for hydrogen vessels on Thursday."
    other = "Orsted commissioned its first offshore wind farm in Taiwan on Thursday, with turbines from Siemens Gamesa."
    copy = "Wartsila signed a memorandum with Global Energy Ventures on propulsion for hydrogen vessels, on Thursday."
    relations = overlap.source_overlap(units_of(a=one, b=other, c=copy)).similarity.set_index(["doc_a", "doc_b"])
    assert relations.loc[("a", "c"), "relation"] == "near_duplicate"
    assert relations.loc[("a", "b"), "relation"] != "near_duplicate"


def test_a_name_with_its_title_is_not_a_shared_passage() -> None:
    assert overlap.shared_run("Senate Minority Leader Chuck Schumer (D-N.Y.) urged a vote on the bill.",
                              "And Senate Minority Leader Chuck Schumer (D-N.Y.) left.")[1] is True
    units = units_of(
        a="Senate Minority Leader Chuck Schumer (D-N.Y.) urged a vote on the border bill before the recess.\n"
          "Republicans said the wall funding would stay in the measure despite the shutdown threat.",
        b="Senate Minority Leader Chuck Schumer (D-N.Y.) praised the trade agreement with Canada and Mexico.\n"
          "Farmers in the Midwest welcomed the tariff relief that the deal brings for dairy exports.")
    relation = overlap.source_overlap(units).similarity["relation"].item()
    assert relation in ("same_event", "unrelated")


def test_one_document_gives_empty_tables_and_says_why() -> None:
    result = overlap.source_overlap(units_of(a="Troops guard the airport."))
    assert result.problem is not None and "at least two" in result.problem
    assert result.similarity.empty and list(result.similarity.columns) == list(overlap.SIMILARITY_COLUMNS)
    assert result.alignment.empty and list(result.alignment.columns) == list(overlap.ALIGNMENT_COLUMNS)


def test_units_without_required_columns_are_refused() -> None:
    with pytest.raises(ValueError, match="doc_id, para_id and text"):
        overlap.source_overlap(pd.DataFrame({"doc_id": ["a"], "text": ["x"]}))


# --- wording and HTML ---------------------------------------------------------------------------------


def test_diff_html_escapes_text_and_marks_changed_words() -> None:
    html = overlap.diff_html("<script>x</script> poverty and poverty", "<script>x</script> poverty and unemployment")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<span class="a">poverty</span>' in html and '<span class="b">unemployment</span>' in html


def test_word_edits_show_what_the_round_trip_changed() -> None:
    units = units_of(a="Protesters stormed the airport, media reported local.",
                     b="Protesters stormed the airport, local media reported.")
    aligned = pd.DataFrame({"doc_a": ["a"], "para_a": [0], "doc_b": ["b"], "para_b": [0], "score": [0.9]})
    edits = overlap.word_edits(aligned, units)
    assert edits[["edit", "words_a", "words_b"]].values.tolist() == [["insert", "", "local"], ["delete", "local", ""]]
    assert overlap.rewording(aligned, units)["share_same"].item() == pytest.approx(2 * 6 / 14, abs=1e-4)


# --- the seed corpus ------------------------------------------------------------------------------------


def test_seed_cnn_pair_is_the_only_near_duplicate(seed_result: overlap.OverlapResult) -> None:
    sim = seed_result.similarity.set_index(["doc_a", "doc_b"])
    assert len(sim) == 10
    assert sim.loc[(CNN_A, CNN_B), "relation"] == "near_duplicate"
    assert (sim["relation"] == "near_duplicate").sum() == 1
    assert sim.loc[(CNN_A, CNN_B), "jaccard"] > 10 * sim.drop(index=(CNN_A, CNN_B))["jaccard"].max()


def test_alignment_of_a_relation_is_the_alignment_merged_with_its_pairs(seed_result: overlap.OverlapResult) -> None:
    sim = seed_result.similarity
    found = 0
    for relation in overlap.RELATIONS:
        merged = seed_result.alignment.merge(sim.loc[sim["relation"] == relation, ["doc_a", "doc_b"]])
        pd.testing.assert_frame_equal(seed_result.alignment_of(relation), merged)
        keys = ["doc_a", "para_a", "doc_b", "para_b"]
        pd.testing.assert_frame_equal(seed_result.alignment_of(relation, columns=keys), merged[keys])
        found += len(merged)
    assert 0 < found < len(seed_result.alignment) + 1  # pairs of some relations have aligned rows
    with pytest.raises(ValueError, match="'copied'"):
        seed_result.alignment_of("copied")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="'text'"):
        seed_result.alignment_of("near_duplicate", columns=["doc_a", "text"])
    lone = overlap.source_overlap(units_of(a="Protesters stormed the airport."))  # nothing compared
    assert lone.alignment_of("near_duplicate").columns.tolist() == list(overlap.ALIGNMENT_COLUMNS)
    assert lone.alignment_of("near_duplicate").empty


def test_seed_alignment_matches_the_hand_alignment(seed_result: overlap.OverlapResult) -> None:
    hand = overlap.load_hand_alignment()
    agreement = overlap.alignment_agreement(seed_result.alignment, hand).iloc[0]
    assert agreement["n_hand"] == 25
    assert agreement["precision"] >= 0.95 and agreement["recall"] >= 0.95
    moved = {(11, 15), (12, 14), (21, 25), (22, 24)}
    cnn = seed_result.alignment[(seed_result.alignment["doc_a"] == CNN_A) & (seed_result.alignment["doc_b"] == CNN_B)]
    assert moved <= set(zip(cnn["para_a"], cnn["para_b"]))
    assert 0 not in set(cnn["para_b"])  # 001's headline has no paragraph of its own in 000


def test_seed_quotes_travel_between_the_outlets_named_in_the_issue(seed_result: overlap.OverlapResult) -> None:
    sim = seed_result.similarity.set_index(["doc_a", "doc_b"])
    kremlin = sim.loc[(IANS, RFI)]
    assert kremlin["relation"] == "shared_passages"
    assert "restore order" in kremlin["best_passage_a"] and "restore order" in kremlin["best_passage_b"]
    for cnn in (CNN_A, CNN_B):
        row = sim.loc[(cnn, RFI)]
        assert row["relation"] == "shared_passages"
        assert "unite around" in row["best_passage_a"] and "unite around" in row["best_passage_b"]


def test_hand_alignment_file_names_body_paragraphs(seed_units: pd.DataFrame) -> None:
    hand = overlap.load_hand_alignment(config.LABELS_DIR / "cnn_alignment.csv")
    keys = set(zip(seed_units["doc_id"], seed_units["para_id"]))
    assert all((a, p) in keys for a, p in zip(hand["doc_a"], hand["para_a"]))
    assert all((b, p) in keys for b, p in zip(hand["doc_b"], hand["para_b"]))
    assert hand["para_a"].is_unique and hand["para_b"].is_unique


# --- notebook 01 end to end ---------------------------------------------------------------------------


@pytest.mark.slow
def test_seed_report_tables(seed_report) -> None:
    sim = report.read_table("doc_similarity", out_dir=seed_report)
    assert list(sim.columns[:7]) == ["doc_a", "doc_b", "cosine", "jaccard", "containment_a_in_b",
                                     "containment_b_in_a", "relation"]
    assert (sim["doc_a"] < sim["doc_b"]).all() and len(sim) == 10
    assert sim.set_index(["doc_a", "doc_b"]).loc[(CNN_A, CNN_B), "relation"] == "near_duplicate"
    assert set(sim["relation"]) <= set(overlap.RELATIONS)
    aligned = report.read_table("passage_alignment", out_dir=seed_report)
    assert list(aligned.columns[:5]) == ["doc_a", "para_a", "doc_b", "para_b", "score"]
    paras = report.read_table("paragraphs", out_dir=seed_report)
    keys = set(zip(paras["doc_id"], paras["para_id"]))
    assert all((d, p) in keys for d, p in zip(aligned["doc_a"], aligned["para_a"]))
    assert (seed_report / "html" / "01-source-overlap.html").exists()
    html = (seed_report / "html" / "01-source-overlap.html").read_text(encoding="utf-8")
    assert "kz-diff" in html and "precision" in html
    # the stories table: the CNN versions are one story; five documents are too few for a beat, and every pair of
    # these reports of one week clears the small-corpus cosine, so all five are one event
    stories = report.read_table("stories", out_dir=seed_report).set_index("doc_id")
    assert list(stories.columns) == list(overlap.STORY_COLUMNS)[1:] and len(stories) == 5
    assert stories.loc[[CNN_A, CNN_B], "story_size"].tolist() == [2, 2]
    assert stories.loc[CNN_A, "story_id"] == stories.loc[CNN_B, "story_id"]
    assert (stories.drop(index=[CNN_A, CNN_B])["story_size"] == 1).all()
    assert (stories["event_size"] == 5).all()
    assert "too few to measure a beat" in html
    topics_html = (seed_report / "html" / "02-topic-clustering.html").read_text(encoding="utf-8")
    assert "(a version of <code>" in topics_html  # the findings name the projected version


@pytest.mark.slow
def test_tiny_report_tables(tiny_report) -> None:
    sim = report.read_table("doc_similarity", out_dir=tiny_report)
    assert len(sim) == 3 and (sim["doc_a"] < sim["doc_b"]).all()
    assert "near_duplicate" not in set(sim["relation"])
    # three short reports of the unrest, no shared sentence; three documents have no beat, so the small-corpus
    # cosine decides (the two three-line texts that share only "fuel prices" stay under it)
    expected = ["same_event" if c >= overlap.SMALL_CORPUS_COSINE else "unrelated" for c in sim["cosine"]]
    assert sim["relation"].tolist() == expected and "same_event" in expected
    html = (tiny_report / "html" / "01-source-overlap.html").read_text(encoding="utf-8")
    assert "<b>bandits</b>" not in html  # document text is escaped


# --- near duplicates at scale -------------------------------------------------------------------------


def planted_corpus() -> tuple[pd.DataFrame, set[tuple[str, str]], tuple[str, str]]:
    """A small corpus in the manner of benchmarks/synthetic.py: 30 originals of 4 paragraphs x 40 random words,
    an exact copy of d00 (e00), an edited copy of d01 (e01: every 10th word replaced, paragraphs in reverse
    order), and d02 given one paragraph of d03 (shared paragraph, not a near duplicate). A newsletter line is
    added to e00 so that the corpus frame's boilerplate removal has something to remove."""
    rng = np.random.default_rng(7)
    vocabulary = np.array([f"w{n}" for n in range(2000)])
    docs = {f"d{n:02d}": [" ".join(rng.choice(vocabulary, 40)) for _ in range(4)] for n in range(30)}
    edited = []
    for paragraph in docs["d01"]:
        words = paragraph.split()
        edited.append(" ".join(f"x{n}" if n % 10 == 5 else word for n, word in enumerate(words)))
    docs["e00"] = list(docs["d00"]) + ["Subscribe to our newsletter for daily updates"]
    docs["e01"] = edited[::-1]
    docs["d02"] = docs["d02"] + [docs["d03"][2]]
    corpus = pd.DataFrame({"doc_id": list(docs), "text": ["\n\n".join(p) for p in docs.values()]})
    return corpus, {("d00", "e00"), ("d01", "e01")}, ("d02", "d03")


@pytest.fixture(scope="module")
def planted() -> tuple[pd.DataFrame, set[tuple[str, str]], tuple[str, str]]:
    return planted_corpus()


def test_near_duplicates_find_exact_and_edited_copies_but_not_a_shared_paragraph(planted) -> None:
    corpus, copies, shared = planted
    found = overlap.near_duplicates(corpus)
    assert list(found.columns) == ["doc_a", "doc_b", "jaccard", "containment_a_in_b", "containment_b_in_a"]
    assert set(zip(found["doc_a"], found["doc_b"])) == copies
    rows = found.set_index(["doc_a", "doc_b"])
    assert rows.loc[("d00", "e00")].tolist() == [1.0, 1.0, 1.0]  # the newsletter line is boilerplate, not body
    # 16 of 160 words replaced, each breaking the 3 shingles over it, and 3 paragraph joins moved (2 shingles
    # each): 158 - 48 - 6 = 104 shingles of 158 kept, Jaccard 104 / 212
    assert rows.loc[("d01", "e01"), "jaccard"] == pytest.approx(104 / 212, abs=1e-4)
    assert rows.loc[("d01", "e01"), "containment_a_in_b"] == pytest.approx(104 / 158, abs=1e-4)
    units = kz.body_paragraphs(kz.paragraphs(corpus))
    measured = overlap.pair_measures(units, pd.DataFrame({"doc_a": [shared[0]], "doc_b": [shared[1]]}))
    assert 0.05 < measured["jaccard"].item() < overlap.NEAR_DUPLICATE_JACCARD  # the shared paragraph, measured


def test_near_duplicates_by_hand_with_two_word_shingles() -> None:
    units = units_of(a="Troops guard the airport.", b="Troops guard the airport in Almaty.", c="Prices rose.")
    found = overlap.near_duplicates(units, k=2, threshold=0.6)
    assert found.values.tolist() == [["a", "b", pytest.approx(2 / 3, abs=1e-4), 1.0, pytest.approx(2 / 3, abs=1e-4)]]
    assert overlap.near_duplicates(units, k=2, threshold=0.7).empty


def test_near_duplicates_from_corpus_and_from_units_agree(planted) -> None:
    corpus, _, _ = planted
    units = kz.body_paragraphs(kz.paragraphs(corpus))
    pd.testing.assert_frame_equal(overlap.near_duplicates(corpus), overlap.near_duplicates(units))


@pytest.mark.parametrize("use_units", [False, True])
def test_near_duplicates_in_worker_processes_equal_one_process(planted, use_units: bool) -> None:
    corpus, copies, _ = planted
    frame = kz.body_paragraphs(kz.paragraphs(corpus)) if use_units else corpus
    serial = overlap.near_duplicates(frame, n_jobs=1)
    parallel = overlap.near_duplicates(frame, n_jobs=2, parallel_min_docs=0, chunk_docs=7)  # several chunks per worker
    pd.testing.assert_frame_equal(serial, parallel)
    assert set(zip(parallel["doc_a"], parallel["doc_b"])) == copies


def test_shingles_do_not_depend_on_chunks_or_processes(planted) -> None:
    units = kz.body_paragraphs(kz.paragraphs(planted[0]))
    one = overlap.shingles(units)
    two = overlap.shingles(units, n_jobs=2, parallel_min_docs=0, chunk_docs=5)
    assert one.doc_ids.tolist() == two.doc_ids.tolist()
    assert np.array_equal(one.indptr, two.indptr) and np.array_equal(one.values, two.values)
    for n in range(len(one.doc_ids)):  # each row sorted and distinct
        assert (np.diff(one.row(n).astype(np.float64)) > 0).all() or len(one.row(n)) < 2
    assert one.matrix.shape == (len(one.doc_ids), len(one.hashes))
    assert one.matrix.sum(axis=1).A1.tolist() == one.sizes.tolist()


def test_near_duplicates_are_deterministic_and_do_not_depend_on_the_seed(planted) -> None:
    corpus, _, _ = planted
    first = overlap.near_duplicates(corpus, random_state=0)
    pd.testing.assert_frame_equal(first, overlap.near_duplicates(corpus, random_state=0))
    pd.testing.assert_frame_equal(first, overlap.near_duplicates(corpus, random_state=3))  # exact Jaccard, far from 0.2


def test_near_duplicates_stay_silent_outside_a_notebook(planted, capsys) -> None:
    overlap.near_duplicates(planted[0])
    overlap.near_duplicates(planted[0], progress=False)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_near_duplicates_check_their_input() -> None:
    with pytest.raises(ValueError, match="corpus \\(doc_id, text\\) or units"):
        overlap.near_duplicates(pd.DataFrame({"id": ["a"], "body": ["x"]}))
    with pytest.raises(ValueError, match="threshold"):
        overlap.near_duplicates(units_of(a="x y z", b="x y z"), threshold=0.0)
    with pytest.raises(ValueError, match="must divide"):
        overlap.near_duplicates(units_of(a="x y z", b="x y z"), n_perm=100, bands=3)
    with pytest.raises(ValueError, match="one row per doc_id"):
        overlap.near_duplicates(pd.DataFrame({"doc_id": ["a", "a"], "text": ["x y z", "x y z"]}))


def test_near_duplicates_of_fewer_than_two_documents_are_empty() -> None:
    found = overlap.near_duplicates(units_of(a="Troops guard the airport in Almaty."))
    assert found.empty and list(found.columns) == list(overlap.NEAR_DUPLICATE_COLUMNS)


def test_densified_minhash_of_short_documents_still_estimates_jaccard() -> None:
    # 30 shingles in 576 bins: most bins are empty and borrow from the few filled ones
    rng = np.random.default_rng(3)
    words = [f"w{i}" for i in range(5000)]
    text = rng.choice(words, 32).tolist()
    units = units_of(a=" ".join(text), b=" ".join(text[:16] + ["changed"] + text[17:]), c=" ".join(rng.choice(words, 32)))
    sh = overlap.shingles(units)
    sig = overlap.minhash_signatures(sh, n_perm=576, random_state=0)
    assert (sig != np.iinfo(np.uint64).max).all()
    assert (sig[0] == sig[1]).mean() == pytest.approx(27 / 33, abs=0.15)  # 3 of 30 shingles differ each way
    assert (sig[0] == sig[2]).mean() < 0.05


def test_shingles_drop_each_language_s_own_stop_words() -> None:
    texts = ["Die Regierung und die Polizei sind in der Stadt und auf dem Platz.",
             "Die Lehrer und die Schüler sind in der Schule und auf dem Hof."]
    units = pd.DataFrame({"doc_id": ["a", "b"], "para_id": [0, 0], "text": texts})
    as_english = overlap.pair_measures(units)
    as_german = overlap.pair_measures(units.assign(language="de"))
    assert as_english["jaccard"].iloc[0] > 0  # "und auf dem" counted as shared content under English rules
    assert as_german["jaccard"].iloc[0] == 0  # German function words are not evidence of shared text


def test_sentences_split_once_give_the_same_segments_and_overlap(seed_units: pd.DataFrame) -> None:
    """A report run passes its shared sentences (of every body paragraph) to source_overlap: same tables."""
    sents = kz.sentences(seed_units)
    pd.testing.assert_frame_equal(overlap.segments(seed_units, sents=sents), overlap.segments(seed_units))
    some = seed_units[seed_units["doc_id"] != seed_units["doc_id"].iloc[0]]  # sentences of other paragraphs left out
    pd.testing.assert_frame_equal(overlap.segments(some, sents=sents), overlap.segments(some))
    assert set(overlap.segments(seed_units, sents=sents.iloc[:0])["kind"]) == {"quote"}  # the given ones are used
    given, split = overlap.source_overlap(seed_units, sents=sents), overlap.source_overlap(seed_units)
    for name in ("similarity", "alignment", "scores", "stories"):
        pd.testing.assert_frame_equal(getattr(given, name), getattr(split, name))


def test_tokens_given_give_the_same_overlap(seed_units: pd.DataFrame) -> None:
    """A report run passes its shared tokens: the content stems are read from them, the tables are the same,
    also for a document in another language and with the tokens' units in another order."""
    german = pd.DataFrame({"doc_id": ["z-de"], "para_id": [0], "language": ["de"],
                           "text": ["Die Regierung und die Polizei sind in der Stadt und auf dem Platz."]})
    units = pd.concat([seed_units.assign(language="en"), german], ignore_index=True)
    toks, sents = kz.tokens(units), kz.sentences(units)
    reordered = toks.sort_values("doc_id", ascending=False, kind="stable")  # units' runs kept, their order not
    split = overlap.source_overlap(units)
    for given in (overlap.source_overlap(units, toks=toks),  # paragraphs' and documents' stems from the tokens
                  overlap.source_overlap(units, sents=sents, toks=toks),  # and the sentences' too
                  overlap.source_overlap(units, sents=sents, toks=reordered[list(overlap.STEM_COLUMNS)])):
        for name in ("similarity", "alignment", "scores", "stories"):
            pd.testing.assert_frame_equal(getattr(given, name), getattr(split, name))


def test_tokens_passed_in_the_call_are_freed_once_read(seed_units: pd.DataFrame,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Notebook 01 passes the shared tokens in the call: at 100,000 articles the table is GBs, and source_overlap
    must not keep it (nor the stems cut from it) alive past reading it."""
    import gc
    import weakref

    from kzanalysis.overlap import relations

    made: list[weakref.ref] = []
    alive: list[bool] = []

    def tokens() -> pd.DataFrame:
        table = kz.tokens(seed_units)
        made.append(weakref.ref(table))
        return table

    def spy(*args: object, **kwargs: object) -> None:
        gc.collect()
        alive.append(made[0]() is not None)
        return original(*args, **kwargs)

    original = relations._remember_token_stems
    monkeypatch.setattr(relations, "_remember_token_stems", spy)
    overlap.source_overlap(seed_units, toks=tokens())
    assert alive == [False]


def test_token_stems_are_the_content_terms_of_units_and_sentences(seed_units: pd.DataFrame) -> None:
    from kzanalysis.overlap._base import _content_terms, _TokenStems

    sents = kz.sentences(seed_units)
    cut = pd.DataFrame({"doc_id": [seed_units["doc_id"].iloc[0]] * 2, "para_id": [seed_units["para_id"].iloc[0]] * 2,
                        "sent_id": [90, 91], "start": [0, 5], "end": [5, 40]})  # 5: inside the first word
    cut["text"] = [seed_units["text"].iloc[0][a:b] for a, b in zip(cut["start"], cut["end"])]
    stems = _TokenStems(kz.tokens(seed_units), pd.concat([sents, cut], ignore_index=True))
    assert stems.unit_terms(seed_units) == [_content_terms(t, remember=False) for t in seed_units["text"]]
    assert stems.sentence_terms(sents) == [_content_terms(t, remember=False) for t in sents["text"]]
    assert stems.sentence_terms(cut) == [None, None]  # a token crosses their edge: tokenised from their text
    assert stems.sentence_terms(cut.assign(sent_id=[92, 93])) == [None, None]  # not among the given sentences


def test_token_stems_find_sentences_block_by_block_and_from_compact_tokens(
        seed_units: pd.DataFrame, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sentences' tokens are searched a block of tokens at a time (a block as small as one unit here), and
    compact tokens (32-bit positions, categories) give the same stems as the plain table."""
    from kzanalysis.overlap import _base

    toks, sents = kz.tokens(seed_units), kz.sentences(seed_units)
    whole = _base._TokenStems(toks, sents)
    monkeypatch.setattr(_base, "_SEARCH_TOKENS", 7)
    for stems in (_base._TokenStems(toks, sents), _base._TokenStems(kz.compact_tokens(toks), sents)):
        pd.testing.assert_frame_equal(stems.units, whole.units)
        pd.testing.assert_frame_equal(stems.sentences, whole.sentences)
        assert stems.types[stems.codes].tolist() == whole.types[whole.codes].tolist()
        assert stems.numbers.tolist() == whole.numbers.tolist()
    assert len(whole.sentences) == len(sents)  # no sentence of kz.sentences is crossed by a token


def test_document_tfidf_from_token_stems_is_tfidf_of_the_texts(seed_units: pd.DataFrame) -> None:
    """Given tokens, a comparison's document TF-IDF is made from their stems: the same matrix as kz.tfidf's of the
    texts (numbers out, "1990s" and "covid-19" in, a German document stemmed in German)."""
    from kzanalysis.overlap._base import _TokenStems, _ordered_units, _remember_token_stems, _remembered_terms
    from kzanalysis.overlap.candidates import _doc_features

    extra = pd.DataFrame({"doc_id": ["z-de", "z-en", "z-en"], "para_id": [0, 0, 1], "language": ["de", "en", "en"],
                          "text": ["Die Regierung und die Polizei sind in der Stadt.",
                                   "In the 1990s, 3,000 people and 18 officers had covid-19.", "2.5 million"]})
    units = _ordered_units(pd.concat([seed_units.assign(language="en"), extra], ignore_index=True))
    want = kz.tfidf(units, grain="document")
    with _remembered_terms():
        _remember_token_stems(_TokenStems(kz.tokens(units)), units, {"z-de": "de"})
        _, got = _doc_features(units, k=3)
    pd.testing.assert_frame_equal(got.ids, want.ids)
    assert got.terms.tolist() == want.terms.tolist() and "1990s" in got.terms and "3,000" not in got.terms
    assert (got.matrix != want.matrix).nnz == 0 and np.array_equal(got.matrix.indptr, want.matrix.indptr)


def test_tokens_of_other_units_are_refused(seed_units: pd.DataFrame) -> None:
    from kzanalysis.overlap._base import _TokenStems

    toks = kz.tokens(seed_units)
    first = seed_units.iloc[0]
    shortened = seed_units.assign(text=seed_units["text"].where(seed_units.index != 0, first["text"][:10]))
    with pytest.raises(ValueError, match=rf"unit \({first['doc_id']}, {first['para_id']}\) has tokens past the end"):
        overlap.source_overlap(shortened, toks=toks)
    missing = toks[~((toks["doc_id"] == first["doc_id"]) & (toks["para_id"] == first["para_id"]))]
    with pytest.raises(ValueError, match="has words but no tokens"):
        overlap.source_overlap(seed_units, toks=missing)
    with pytest.raises(ValueError, match=r"missing \['start', 'end'\]"):
        overlap.source_overlap(seed_units, toks=toks.drop(columns=["start", "end"]))
    no_stem = toks.assign(stem=toks["stem"].where(toks.index != 4))  # row 4 ("Vladimir") is not a stop word
    with pytest.raises(ValueError, match="token row 4 .* has no stem"):
        _TokenStems(no_stem)
    split_run = pd.concat([toks.iloc[:3], toks.iloc[5:], toks.iloc[3:5]], ignore_index=True)
    with pytest.raises(ValueError, match="not one run of rows"):
        _TokenStems(split_run)


def test_shingles_are_those_of_the_whole_body_inside_a_comparison_and_out(seed_units: pd.DataFrame) -> None:
    """A document's shingles are the k-stem windows of its whole body, across paragraph breaks: its paragraphs'
    stems joined in para_id order (remembered inside source_overlap, computed outside) give those of the body."""
    from kzanalysis.overlap._base import _content_terms, _remembered_terms
    from kzanalysis.overlap.sketch import _shingle_terms

    units = seed_units.sample(frac=1.0, random_state=0)  # row order does not matter, para_id order does
    alone = overlap.shingles(units, k=3)
    with _remembered_terms():
        inside = overlap.shingles(units, k=3)
    bodies = ["\n".join(seed_units[seed_units["doc_id"] == d].sort_values("para_id")["text"]) for d in alone.doc_ids]
    indptr, values = _shingle_terms([_content_terms(body, remember=False) for body in bodies], 3)
    for found in (alone, inside):
        assert np.array_equal(found.indptr, indptr) and np.array_equal(found.values, values)
    two = pd.DataFrame({"doc_id": ["a", "a"], "para_id": [1, 0], "text": ["troops fired", "Protesters stormed"]})
    assert overlap.shingles(two, k=3).indptr.tolist() == [0, 2]  # protest storm troop, storm troop fire


def _shared_run_by_full_table(text_a: str, text_b: str) -> tuple[str, bool]:
    """shared_run's definition computed cell by cell over the whole table (the first longest run wins)."""
    from kzanalysis.overlap._base import _content_terms
    from kzanalysis.overlap.relations import _WORD

    def content(text: str) -> list:
        return [(_content_terms(m.group(0), "en")[0], m) for m in _WORD.finditer(text)
                if _content_terms(m.group(0), "en")]

    a, b = content(text_a), content(text_b)
    best, end = 0, 0
    previous = [0] * (len(b) + 1)
    for i in range(1, len(a) + 1):
        current = [0] * (len(b) + 1)
        for j in range(1, len(b) + 1):
            if a[i - 1][0] == b[j - 1][0]:
                current[j] = previous[j - 1] + 1
                if current[j] > best:
                    best, end = current[j], i
        previous = current
    if not best:
        return "", False
    words = [match for _, match in a[end - best:end]]
    return text_a[words[0].start():words[-1].end()], all(m.group(0)[:1].isupper() for m in words)


def test_shared_run_is_the_first_longest_run_of_the_full_table() -> None:
    rng = np.random.default_rng(7)
    words = ["troops", "Almaty", "protest", "fuel", "prices", "Tokayev", "order", "the", "of", "killed", "curfew"]
    for _ in range(300):
        text_a = " ".join(rng.choice(words, size=int(rng.integers(0, 25))))
        text_b = " ".join(rng.choice(words, size=int(rng.integers(0, 25))))
        assert overlap.shared_run(text_a, text_b) == _shared_run_by_full_table(text_a, text_b), (text_a, text_b)


def test_comparison_problem_needs_two_documents_with_a_content_word() -> None:
    assert overlap.comparison_problem(units_of(a="Protests in Almaty.", b="Troops left Almaty.")) is None
    assert overlap.comparison_problem(units_of(a="It was the one.", b="Troops left.", c="And so on.")) == (
        "only 1 document (b) has body text with content words: overlap needs at least two.")
    assert overlap.comparison_problem(units_of(a="It was.", b="And so.")) == (
        "only 0 documents have body text with content words: overlap needs at least two.")


@pytest.mark.parametrize("vocabulary_size", [6, 5000])  # every row pair shares terms / almost none do
def test_scorable_pairs_are_the_pairs_whose_bound_reaches_their_floor(vocabulary_size: int) -> None:
    """The exact prefilter of passage scoring, against a direct count: the pairs sharing at least two terms whose
    bound ``2 * min(weight of a's terms in b, weight of b's terms in a) / (W(a) + W(b))`` reaches the floor."""
    from kzanalysis.overlap.passages import _HALF_UNIT, _Coded, _scorable_pairs

    rng = np.random.default_rng(vocabulary_size)
    vocabulary = {f"t{i}": i for i in range(vocabulary_size)}
    weights = rng.uniform(0.5, 5.0, vocabulary_size)
    lists = [[f"t{t}" for t in rng.integers(0, vocabulary_size, rng.integers(0, 30))] for _ in range(400)]
    coded = _Coded(lists, vocabulary, weights)
    rows_a, rows_b = np.arange(0, 8), np.arange(8, 400)
    floors = rng.choice([0.0, 0.2, 0.5], len(rows_b))
    found = _scorable_pairs(coded, rows_a, rows_b, floors)
    expected = []
    for i, a in enumerate(rows_a):
        for j, b in enumerate(rows_b):
            terms_a, terms_b = [vocabulary[t] for t in lists[a]], [vocabulary[t] for t in lists[b]]
            both = set(terms_a) & set(terms_b)
            in_b = sum(weights[t] for t in terms_a if t in both)
            in_a = sum(weights[t] for t in terms_b if t in both)
            total = weights[terms_a].sum() + weights[terms_b].sum()
            bound = 2 * min(in_a, in_b)
            if len(both) >= 2 and bound >= (floors[j] - _HALF_UNIT) * total - 1e-9:
                expected.append((i, j, bound / total))
    assert [(int(i), int(j)) for i, j in zip(found[0], found[1])] == [(i, j) for i, j, _ in expected]
    np.testing.assert_allclose(found[2], [bound for _, _, bound in expected], rtol=1e-12)
    assert len(expected) > 0


def _weighted_lcs_by_full_table(a: list[int], b: list[int], weights: np.ndarray) -> float:
    table = [[0.0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i, term_a in enumerate(a, 1):
        for j, term_b in enumerate(b, 1):
            table[i][j] = max(table[i - 1][j], table[i][j - 1],
                              table[i - 1][j - 1] + float(weights[term_a]) if term_a == term_b else 0.0)
    return table[-1][-1]


@pytest.mark.parametrize("cells", [1, 50, 1 << 20])  # one pair per batch / a few / all at once
@pytest.mark.parametrize("vocabulary_size", [4, 60])  # long shared runs with repeats / few terms shared
def test_common_subsequence_weights_are_those_of_the_full_table(
        monkeypatch: pytest.MonkeyPatch, cells: int, vocabulary_size: int) -> None:
    """The batched programme of passage scoring (pairs cut to their shared terms, padded, either side walked)
    gives each pair the full table's weight to the bit, in the order the pairs were given."""
    from kzanalysis.overlap import passages

    monkeypatch.setattr(passages, "_LCS_CELLS", cells)
    monkeypatch.setattr(passages, "_LCS_PAIRS", 64 if cells == 50 else passages._LCS_PAIRS)
    rng = np.random.default_rng(vocabulary_size)
    weights = rng.uniform(0.1, 7.0, vocabulary_size)
    lists = [rng.integers(0, vocabulary_size, rng.integers(0, 40)).tolist() for _ in range(120)]
    coded = passages._Coded(lists, {n: n for n in range(vocabulary_size)}, weights)
    rows_a, rows_b = rng.integers(0, 120, 500), rng.integers(0, 120, 500)
    found = passages._lcs_weights(coded, rows_a, rows_b, weights)
    expected = [_weighted_lcs_by_full_table(lists[a], lists[b], weights) for a, b in zip(rows_a, rows_b)]
    assert found.tolist() == expected
    assert sum(w > 0 for w in expected) > 100


def test_alignment_is_the_best_one_to_one_matching_of_each_pair() -> None:
    """Against a direct computation pair by pair: the rows above the pair's floor (a near-duplicate pair has its
    own), kept whole where no paragraph is on two of them, else the matching of largest total score."""
    from scipy.optimize import linear_sum_assignment

    rng = np.random.default_rng(3)
    rows = [(f"d{a}", int(rng.integers(0, 4)), f"e{b}", int(rng.integers(0, 4)), round(float(rng.uniform()), 4))
            for a in range(12) for b in range(3) for _ in range(int(rng.integers(1, 7)))]
    scores = pd.DataFrame(rows, columns=["doc_a", "para_a", "doc_b", "para_b", "score"]).drop_duplicates(
        ["doc_a", "para_a", "doc_b", "para_b"]).sample(frac=1.0, random_state=0)
    near = pd.DataFrame({"doc_a": ["d1", "d5"], "doc_b": ["e0", "e2"]})
    found = overlap.align_passages(scores, min_score=0.3, near_duplicates=near, near_duplicate_min_score=0.6)
    expected = []
    for (doc_a, doc_b), group in scores.groupby(["doc_a", "doc_b"]):
        floor = 0.6 if ((near["doc_a"] == doc_a) & (near["doc_b"] == doc_b)).any() else 0.3
        group = group[group["score"] >= floor]
        if group.empty:
            continue
        matrix = group.pivot(index="para_a", columns="para_b", values="score").fillna(0.0)
        picked_a, picked_b = linear_sum_assignment(matrix.to_numpy(), maximize=True)
        for i, j in zip(picked_a, picked_b):
            if matrix.iloc[i, j] >= floor:
                expected.append((doc_a, int(matrix.index[i]), doc_b, int(matrix.columns[j])))
    key = ["doc_a", "para_a", "doc_b", "para_b"]
    assert [tuple(row) for row in found[key].itertuples(index=False)] == sorted(expected)
    assert found["para_a"].duplicated().any()  # many pairs, so paragraphs recur across them
    repeated = scores[scores["score"] >= 0.3].duplicated(["doc_a", "doc_b", "para_a"])
    assert repeated.any() and len(found) < (scores["score"] >= 0.3).sum()  # some pairs needed the matching


def test_pair_scores_labels_each_scored_pair() -> None:
    """A scored pair is "aligned" when the alignment has it; in a document pair the hand alignment judged, it is
    "hand_aligned" / "hand_not_aligned" by the hand's rows instead; each row carries its document pair's relation.
    Keys compare by value whatever their types (32-bit paragraph numbers here)."""
    from kzanalysis.overlap.relations import OverlapResult

    keys = ["doc_a", "para_a", "doc_b", "para_b"]
    scores = pd.DataFrame({"doc_a": ["a", "a", "a", "a"], "para_a": np.array([0, 1, 0, 1], dtype=np.int32),
                           "doc_b": ["b", "b", "c", "c"], "para_b": np.array([0, 0, 0, 0], dtype=np.int32),
                           "score": [0.9, 0.2, 0.5, 0.1]})
    similarity = pd.DataFrame({"doc_a": ["a", "a"], "doc_b": ["b", "c"], "relation": ["near_duplicate", "unrelated"]})
    alignment = scores.iloc[[0, 2]][keys].astype({"para_a": "int64", "para_b": "int64"})
    result = OverlapResult(similarity, alignment, scores, None, pd.DataFrame())
    hand = pd.DataFrame({"doc_a": ["a"], "para_a": [1], "doc_b": ["c"], "para_b": [0]})
    labelled = overlap.pair_scores(result, hand=hand)
    assert labelled["label"].tolist() == ["aligned", "not_aligned", "hand_not_aligned", "hand_aligned"]
    assert labelled["relation"].tolist() == ["near_duplicate", "near_duplicate", "unrelated", "unrelated"]
    assert overlap.pair_scores(result)["label"].tolist() == ["aligned", "not_aligned", "aligned", "not_aligned"]
    pd.testing.assert_frame_equal(labelled[list(scores.columns)], scores)  # the scores themselves untouched
