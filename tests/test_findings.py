"""Tests of the findings stage: sentences computed from the tables, with the facts a reader would check by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from kzanalysis import findings


def _frame_rows(rows: list[tuple[str, str, str, int, int]]) -> pd.DataFrame:
    return pd.DataFrame([{"doc_id": d, "outlet": o, "family": f, "count": n, "in_quotes": q, "narrative": n - q,
                          "rate_per_1k": float(n), "rate_low": max(0.0, n - 1.0), "rate_high": n + 1.0,
                          "n_tokens": 1000, "confidence": 0.95} for d, o, f, n, q in rows])


def test_framing_names_who_uses_a_family_in_their_own_voice_and_who_only_quotes_it() -> None:
    table = _frame_rows([("a", "Gazette", "terror", 3, 0), ("b", "Wire", "terror", 2, 2), ("c", "Radio", "terror", 0, 0),
                         ("a", "Gazette", "protest", 0, 0), ("b", "Wire", "protest", 1, 0), ("c", "Radio", "protest", 4, 0)])
    result = findings.framing_findings(table, families=["terror", "protest"])
    assert result.headline[0] == ("`terror`: 5 occurrences in 2 documents. Only inside quotations: Wire (2). "
                                  "In its own voice: Gazette (3 of 3). Never: Radio.")
    assert result.headline[1].startswith("`protest`: 5 occurrences in 2 documents. In its own voice: Radio (4 of 4) "
                                         "and Wire (1 of 1). Never: Gazette.")


def test_framing_compares_documents_when_no_outlet_is_named() -> None:
    table = _frame_rows([("a", "unknown", "terror", 1, 1), ("b", "unknown", "terror", 0, 0)])
    assert "Only inside quotations: `a` (1). Never: `b`." in findings.framing_findings(table, families=["terror"]).headline[0]


def test_framing_does_not_compare_a_rate_with_an_unobserved_family() -> None:
    table = _frame_rows([("a", "X", "terror", 3, 0), ("b", "Y", "terror", 0, 0)])
    text = findings.framing_findings(table, families=["terror"]).to_markdown()
    assert "only `a` uses it" in text and "do not overlap" not in text


def test_corpus_findings_warn_about_a_document_left_without_body() -> None:
    overview = pd.DataFrame({"doc_id": ["a", "b"], "outlet": ["X", "X"], "body_words": [120, 0],
                             "boilerplate_share": [0.1, 1.0]})
    paras = pd.DataFrame({"doc_id": ["a", "a", "b"], "para_id": [0, 1, 0], "unit_id": [0, 1, 0],
                          "is_boilerplate": [False, True, True], "is_heading": [False, False, False],
                          "boilerplate_kind": ["", "ad", "newsletter"]})
    result = findings.corpus_findings(overview, paras)
    assert result.headline[0] == "2 documents from 1 outlet: X."
    assert "flagged 2 of 3 raw paragraphs, in 2 of 2 documents" in result.headline[2]
    assert any(line.startswith("**No body text left** in 1 document") and "`b` (X)" in line for line in result.details)


def _pair(relation: str, **values: object) -> dict[str, object]:
    row = {"doc_a": "a", "doc_b": "b", "relation": relation, "cosine": 0.3, "jaccard": 0.01,
           "containment_a_in_b": 0.02, "containment_b_in_a": 0.02, "n_aligned": 0, "coverage_a": 0.0,
           "coverage_b": 0.0, "best_score": 0.0, "best_passage_a": "", "best_passage_b": ""}
    return {**row, **values}


def test_overlap_findings_state_direction_and_borderline_passages() -> None:
    similarity = pd.DataFrame([
        _pair("near_duplicate", jaccard=0.6, containment_a_in_b=0.95, containment_b_in_a=0.40, n_aligned=8,
              coverage_a=0.97, coverage_b=0.45),
        _pair("shared_passages", doc_a="a", doc_b="c", best_score=0.47, n_aligned=1,
              best_passage_a="the union said it would strike", best_passage_b="the union said it will strike"),
    ])
    result = findings.overlap_findings(similarity, outlets={"a": "X", "b": "Y"}, min_passage_score=0.45)
    assert result.headline[0] == ("2 pairs compared: 1 `near_duplicate`, 0 `translated_copy`, 1 `shared_passages`, "
                                  "0 `same_event`, 0 `unrelated`.")
    assert "more of `a` (X) lies inside `b` (Y) than the reverse" in result.headline[1]
    assert "“the union said it would strike”" in result.headline[2]
    assert result.caveats[0].startswith("1 shared-passage call of 1 clear the threshold 0.45 by less than 0.05")


def test_overlap_findings_name_translations_stories_and_the_rule_used() -> None:
    similarity = pd.DataFrame([_pair("translated_copy", shared_anchors="7 | Tokayev | 8,000 | Almaty | 164")])
    stories = pd.DataFrame({"doc_id": ["a", "b", "c"], "story_id": ["a", "a", "c"], "story_size": [2, 2, 1],
                            "event_id": ["a", "a", "c"], "event_size": [2, 2, 1]})
    result = findings.overlap_findings(similarity, min_passage_score=0.45, stories=stories)
    details = " ".join(result.details)
    assert "share 5 numbers and names in the same order" in details and "Tokayev" in details
    assert "3 documents are too few to measure a beat" in details
    assert "2 documents are versions of 1 story" in details
    assert "2 documents fall into 1 event (the largest has 2) and 1 document stands alone." in details


def test_claims_findings_name_the_group_on_which_outlets_disagree() -> None:
    comparison = pd.DataFrame([
        {"unit_kind": "detained", "who": "people", "figure": "40", "quantity": 40, "doc_id": "a", "outlet": "X",
         "attributed_to": "police"},
        {"unit_kind": "detained", "who": "people", "figure": "55", "quantity": 55, "doc_id": "b", "outlet": "Y",
         "attributed_to": "unattributed"},
        {"unit_kind": "killed", "who": "officers", "figure": "2", "quantity": 2, "doc_id": "a", "outlet": "X",
         "attributed_to": "unattributed"},
    ])
    corpus = pd.DataFrame({"doc_id": ["a", "b", "c"], "outlet": ["X", "Y", "Z"]})
    sources = pd.DataFrame({"doc_id": ["a", "a", "b"], "outlet": ["X", "X", "Y"],
                            "source_type": ["official", "independent", "official"], "n_citations": [3, 1, 2],
                            "share": [0.75, 0.25, 1.0]})
    result = findings.claims_findings(comparison, sources_by_outlet=sources, corpus=corpus)
    assert result.headline[0] == ("**Different exact figures for the same group**: detained people: 40 (X; police) "
                                  "vs 55 (Y; unattributed).")
    assert result.headline[1].startswith("3 exact figures: 33% rest on official")
    assert "No casualty or detention figure at all: Z." in result.details


@pytest.mark.parametrize("stage, call, says", [
    ("topics", lambda: findings.topic_findings({}, problem="only 4 paragraphs have content terms"),
     "Topic clustering was skipped: only 4 paragraphs have content terms."),
    ("overlap", lambda: findings.overlap_findings(pd.DataFrame(columns=["relation"]), min_passage_score=0.45),
     "Fewer than two documents with body text: there is no pair to compare"),
])
def test_a_stage_that_could_not_run_says_so(stage: str, call, says: str) -> None:
    result = call()
    assert result.stage == stage and len(result.headline) == 1 and result.headline[0].startswith(says)


def test_findings_carry_their_headline_for_the_index() -> None:
    text, metadata = findings.Findings("corpus", headline=("One.", "Two."))._repr_markdown_()
    assert text.startswith("**Findings on this corpus**") and metadata["kzanalysis-findings"]["headline"] == ["One.", "Two."]
