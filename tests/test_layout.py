"""The layout stage: page furniture around the main text, and what it must leave alone."""

from __future__ import annotations

import pandas as pd

import kzanalysis as kz
from kzanalysis import layout

BODY = [
    "Protesters stormed the mayor's office in Almaty on Wednesday, witnesses told reporters at the scene.",
    "Police used tear gas and stun grenades against thousands of demonstrators in the city centre.",
    "The government resigned later that day, and a state of emergency was declared in two regions.",
]
PAGE = ["Skip to main content", "Home", "World", "Business", "Unrest in Almaty", BODY[0], "Share", "Tweet", "Facebook",
        BODY[1], "Related", BODY[2], "Related stories", "Kazakhstan lifts state of emergency", "Contact us",
        "© 2022 Example News"]


def _corpus(*texts: str) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(texts))], "text": list(texts)})


def test_furniture_around_and_inside_the_main_text_is_flagged() -> None:
    paras = kz.paragraphs(_corpus("\n".join(PAGE)))
    rules = dict(zip(paras["text"], paras["rule"]))
    assert [rules[line] for line in PAGE[:4]] == ["outside_main_text"] * 4
    assert rules["Unrest in Almaty"] == ""  # the headline directly above the main text stays
    assert [rules[line] for line in ("Share", "Tweet", "Facebook")] == ["short_line_run"] * 3
    assert rules["Related"] == ""  # one short line inside the text (a subheading) stays
    assert [rules[line] for line in PAGE[12:15]] == ["outside_main_text"] * 3
    assert paras.loc[paras["text"].isin(PAGE[12:]), "is_boilerplate"].all()  # the copyright line: a rule's
    assert set(paras.loc[paras["rule"].isin(layout.LAYOUT_RULES), "boilerplate_kind"]) == {"furniture"}
    assert not paras.loc[paras["text"].isin(BODY), "is_boilerplate"].any()


def test_layout_false_keeps_every_line_the_rules_did_not_flag() -> None:
    paras = kz.paragraphs(_corpus("\n".join(PAGE)), layout=False)
    assert not paras["rule"].isin(layout.LAYOUT_RULES).any()


def test_documents_without_sentences_and_one_line_stories_are_left_alone() -> None:
    headlines = "\n".join(["Nearly 8,000 detained amid unrest", "Tokayev thanks CSTO", "Internet restored in Almaty"])
    one_line = BODY[0]
    short = "Kazakhstan unrest"
    paras = kz.paragraphs(_corpus(headlines, one_line, short))
    assert not paras["is_boilerplate"].any()


def test_short_final_sentence_and_hard_wrapped_paragraph_stay_in_the_body() -> None:
    wrapped = ("The president said the protests had been organised from abroad and that\n"
               "foreign-trained fighters had attacked government buildings in several\n"
               "cities, a claim for which he offered no evidence.")
    paras = kz.paragraphs(_corpus("\n".join([BODY[0], wrapped, "He declined to comment."])))
    assert not paras["is_boilerplate"].any()


def test_a_list_of_lower_case_tags_is_not_a_hard_wrapped_sentence() -> None:
    tags = ["Tags", "protests", "almaty", "fuel prices", "csto", "tokayev", "internet shutdown"]
    paras = kz.paragraphs(_corpus("\n".join([*BODY, *tags])))
    assert paras.loc[paras["text"].isin(tags), "rule"].eq("outside_main_text").all()


def test_line_features_explain_each_decision() -> None:
    features = layout.line_features(kz.paragraphs(_corpus("\n".join(PAGE))))
    assert len(features) == len(PAGE)
    row = features.set_index("para_id").loc[PAGE.index("Home")]
    assert (row["n_words"], row["is_sentence_like"], row["in_main_text"], row["rule"]) == (1, False, False,
                                                                                            "outside_main_text")
    assert features.loc[features["para_id"] == PAGE.index(BODY[1]), "is_sentence_like"].item()


def test_words_of_scripts_written_without_spaces_are_counted() -> None:
    japanese = "例えば、消費者は、スマートフォンに表示されたりんごのマークをみて、それがアップル社の商品であると理解します。"
    assert layout.is_sentence_like(japanese)
    assert not layout.is_sentence_like("ホーム")


def test_seed_corpus_has_no_layout_furniture() -> None:
    """The seeds are article copies: every line the hand labels call body stays body (143/143 in test_clean)."""
    paras = kz.paragraphs(kz.load_corpus())
    assert not paras["rule"].isin(layout.LAYOUT_RULES).any()
