"""Tests of the paragraph and boilerplate stage (kzanalysis.clean)."""

from __future__ import annotations

import pandas as pd
import pytest

import kzanalysis as kz
from kzanalysis import clean, config


def _corpus(*texts: str) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(texts))], "text": list(texts)})


def test_paragraphs_are_non_blank_lines_numbered_from_zero() -> None:
    paras = kz.paragraphs(_corpus("\n\nFirst line.\n   \nSecond line.\r\nThird.\n\n"))
    assert paras["para_id"].tolist() == [0, 1, 2]
    assert paras["line_no"].tolist() == [3, 5, 6]
    assert paras["text"].tolist() == ["First line.", "Second line.\r".strip(), "Third."]


@pytest.mark.parametrize(
    ("line", "kind", "rule"),
    [
        ("Enter your email to sign up for CNN’s Arabic Breaking News newsletter alerts.", "newsletter", "newsletter_signup"),
        ("Subscribe to our Weekly Updates", "newsletter", "newsletter_signup"),
        ("Email Address *", "newsletter", "form_field"),
        ("made with  mailchimp", "newsletter", "form_provider"),
        ("SIX-WEEK ONLINE COURSE IN INTERNATIONAL RELATIONS", "ad", "ad_course"),
        ("JOIN TODAY!", "ad", "ad_call_to_action"),
        ("team@example.org", "contact", "contact_email"),
        ("courses.example.in", "contact", "contact_url"),
        ("(+91) 120 4565994", "contact", "contact_phone"),
        ("Smoke rises over the city. © Jane Doe / AP", "caption", "caption_copyright"),
        ("A man walks past a building in Almaty, January 8, 2022. REUTERS", "caption", "caption_agency_credit"),
        ("Reporting by A. Writer; Editing by B. Editor", "credit", "credit_reporting"),
        ("CNN’s Helen Regan contributed reporting.", "credit", "credit_contributed"),
        ("With AFP", "credit", "credit_with_agency"),
        ("Heavens, Frank Jack Daniel, Andrew Heavens, Frances Kerry and Diane Craft", "credit", "credit_names_list"),
        ("The views and opinions expressed in this article are those of the author", "disclaimer", "disclaimer_views"),
        ("Facebook Comments", "comments", "comments_widget"),
    ],
)
def test_boilerplate_rules_fire(line: str, kind: str, rule: str) -> None:
    paras = kz.paragraphs(_corpus(f"An article sentence.\n{line}"))
    assert paras.loc[1, ["is_boilerplate", "boilerplate_kind", "rule"]].tolist() == [True, kind, rule]
    assert not paras.loc[0, "is_boilerplate"]


@pytest.mark.parametrize(
    "line",
    [
        "Protesters demanded an end to the subscription fees, the news agency reported.",
        "Flurry of rumors",
        "Police said 6,044 people had been arrested in connection with the unrest.",
        "U.S. Secretary of State Antony Blinken said Washington was seeking answers.",
        "Reuters saw two military vehicles with mounted machine guns driving towards the square.",
    ],
)
def test_article_text_is_not_boilerplate(line: str) -> None:
    assert not kz.paragraphs(_corpus(line))["is_boilerplate"].any()


def test_inline_debris_is_cleaned_but_raw_text_kept() -> None:
    paras = kz.paragraphs(_corpus("orders to end [unrest](#) he has blamed on [bandits](https://x.org/a)."))
    assert paras.loc[0, "clean_text"] == "orders to end unrest he has blamed on bandits."
    assert "[unrest](#)" in paras.loc[0, "text"]


def test_broken_paragraph_is_joined_keeping_ids() -> None:
    text = "The rift grew, removing him from a powerful\n\nrole as head of the council.\nHe declined to comment."
    paras = kz.paragraphs(_corpus(text))
    assert paras["para_id"].tolist() == [0, 1, 2]
    assert paras["unit_id"].tolist() == [0, 0, 2]
    units = kz.body_paragraphs(paras)
    assert units["para_id"].tolist() == [0, 2]
    assert units.loc[0, "text"] == "The rift grew, removing him from a powerful role as head of the council."
    assert units.loc[0, "n_lines"] == 2


def test_continuation_of_boilerplate_inherits_flag_and_flagged_lines_never_join() -> None:
    paras = kz.paragraphs(_corpus("Body text.\nReporting by Ann Lee; Editing by Bob\nand Carol Ray\nSubscribe\nmade with mailchimp"))
    assert paras["rule"].tolist() == ["", "credit_reporting", "continuation", "form_button", "form_provider"]
    assert paras["unit_id"].tolist() == [0, 1, 1, 3, 4]


def test_headings_are_article_not_boilerplate() -> None:
    paras = kz.paragraphs(_corpus("Protesters gathered in the main square of Almaty on Wednesday morning.\n"
                                  "Image setback\nThe government resigned later that day, state media reported."))
    assert paras["is_heading"].tolist() == [False, True, False]
    assert not paras["is_boilerplate"].any()


def test_rules_file_is_validated(tmp_path) -> None:
    bad = tmp_path / "rules.csv"
    bad.write_text('rule,scope,kind,pattern,replacement,description\nx,paragraph,ad,"(unclosed",,d\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"rules.csv, line 2 \(rule 'x'\): pattern does not compile"):
        clean.load_boilerplate_rules(bad)
    bad.write_text("rule,scope,kind,pattern,replacement,description\nx,sidebar,ad,foo,,d\n", encoding="utf-8")
    with pytest.raises(ValueError, match="scope must be one of"):
        clean.load_boilerplate_rules(bad)


def test_researcher_rule_extends_the_shipped_ones() -> None:
    rules = clean.load_boilerplate_rules()
    extra = pd.DataFrame([{"rule": "promo_podcast", "scope": "paragraph", "kind": "ad",
                           "pattern": r"(?i)^listen to our podcast", "replacement": "", "description": "d"}])
    paras = kz.paragraphs(_corpus("Body.\nListen to our podcast on Fridays"), rules=pd.concat([rules, extra]))
    assert paras.loc[1, "rule"] == "promo_podcast"


def test_seed_corpus_matches_hand_labels() -> None:
    """The rules reproduce a hand labelling of all 143 raw paragraphs of the seed articles."""
    paras = kz.paragraphs(kz.load_corpus())
    hand = pd.read_csv(config.LABELS_DIR / "boilerplate_seed.csv", dtype={"doc_id": str}, keep_default_na=False)
    merged = paras.merge(hand, on=["doc_id", "para_id"], how="outer", suffixes=("", "_hand"), indicator=True)
    assert (merged["_merge"] == "both").all(), "paragraph numbering differs from the hand labels"
    assert len(merged) == 143
    for column in ["is_boilerplate", "boilerplate_kind", "is_heading", "unit_id"]:
        wrong = merged.loc[merged[column] != merged[f"{column}_hand"], ["doc_id", "para_id", column, f"{column}_hand"]]
        assert wrong.empty, f"{column} disagrees with the hand labels:\n{wrong}"
    assert merged["is_boilerplate"].sum() == 23


def test_body_text_excludes_boilerplate_and_audit_counts() -> None:
    paras = kz.paragraphs(kz.load_corpus())
    bodies = kz.body_text(paras)
    assert len(bodies) == 5
    assert not bodies["text"].str.contains("mailchimp|Facebook Comments|contributed reporting|©").any()
    audit = clean.boilerplate_audit(paras)
    per_doc = audit.groupby("doc_id")["n_paragraphs"].sum().to_dict()
    assert per_doc == {"000_143417c5e503c3f3": 1, "001_5fd3b595c2b22735": 1, "003_c32e65cbf677ca05": 4,
                       "004_15f499adc5933ae2": 17}


def test_document_lengths_shares() -> None:
    paras = kz.paragraphs(_corpus("One two three four.\nFacebook Comments", "Only body here."))
    lengths = clean.document_lengths(paras)
    assert lengths["body_words"].tolist() == [4, 3]
    assert lengths.loc[0, "boilerplate_share"] == pytest.approx(len("Facebook Comments") / (19 + 17))
    assert lengths.loc[1, "boilerplate_share"] == 0.0


def test_paragraphs_does_not_mutate_input() -> None:
    corpus = _corpus("A.\nB.")
    before = corpus.copy()
    kz.paragraphs(corpus)
    pd.testing.assert_frame_equal(corpus, before)


def test_clean_inline_public_helper() -> None:
    assert clean.clean_inline("end [unrest](#) now") == "end unrest now"
    assert kz.clean_inline("no debris") == "no debris"


def test_requires_is_only_a_shortcut_for_the_shipped_rules() -> None:
    """Each rule's `requires` words are a necessary condition: dropping them changes no decision."""
    rules = clean.load_boilerplate_rules()
    assert (rules["requires"] != "").sum() >= 4
    corpus = kz.load_corpus()
    probes = _corpus(
        "Sign-up for our daily newsletter", "Please SUBSCRIBE to email alerts", "An online course in journalism",
        "Reuters staff contributed reporting.", "These views do not necessarily reflect ours", "Signed up for nothing.")
    for texts in (corpus, probes):
        with_shortcut = kz.paragraphs(texts, rules=rules)
        without = kz.paragraphs(texts, rules=rules.assign(requires=""))
        pd.testing.assert_frame_equal(with_shortcut, without)
    flagged = kz.paragraphs(probes, rules=rules)["rule"].tolist()
    assert flagged == ["newsletter_signup", "newsletter_signup", "ad_course", "credit_contributed", "disclaimer_views", ""]


def test_requires_skips_a_rule_whose_words_are_absent() -> None:
    rules = pd.DataFrame([{"rule": "r", "scope": "paragraph", "kind": "ad", "pattern": "promo",
                           "replacement": "", "description": "d", "requires": "sponsored"}])
    assert kz.paragraphs(_corpus("promo code"), rules=rules)["rule"].tolist() == [""]
    assert kz.paragraphs(_corpus("sponsored promo code"), rules=rules)["rule"].tolist() == ["r"]


def test_paragraphs_sorted_by_doc_id_whatever_the_input_order() -> None:
    corpus = pd.DataFrame({"doc_id": ["b", "a"], "text": ["Second doc.\nMore.", "First doc."]})
    paras = kz.paragraphs(corpus)
    assert list(zip(paras["doc_id"], paras["para_id"])) == [("a", 0), ("b", 0), ("b", 1)]
    assert paras.index.tolist() == [0, 1, 2]


def test_one_line_articles_keep_their_body_and_the_audit_names_what_was_dropped() -> None:
    from kzanalysis import clean

    corpus = kz.load_corpus()
    one_line = corpus.assign(text=corpus["text"].str.replace("\n", " "))
    paras = kz.paragraphs(one_line)
    words = clean.document_lengths(paras).set_index("doc_id")["body_words"]
    full = clean.document_lengths(kz.paragraphs(corpus)).set_index("doc_id")["body_words"]
    assert (words >= full - 20).all(), "an article lost its body"  # only furniture sentences may go
    assert not paras["is_boilerplate"].any()
    audit = clean.boilerplate_audit(paras)
    assert set(audit["boilerplate_kind"]) == {"sentences in a long paragraph"}
    cnn = paras.set_index("doc_id").loc["000_143417c5e503c3f3"]
    assert cnn["rule"] == "sentence:credit_contributed" and "contributed reporting" not in cnn["clean_text"]


def test_a_short_furniture_line_is_still_flagged_whole() -> None:
    corpus = pd.DataFrame({"doc_id": ["a"], "text": ["Protesters marched on Monday.\nSign up for our newsletter updates\n"]})
    paras = kz.paragraphs(corpus)
    assert paras["is_boilerplate"].tolist() == [False, True]


def test_the_audit_lists_a_document_whose_body_was_emptied() -> None:
    from kzanalysis import clean

    corpus = pd.DataFrame({"doc_id": ["a", "b"], "text": ["Sign up for our newsletter updates\n", "A body.\n"]})
    audit = clean.boilerplate_audit(kz.paragraphs(corpus))
    emptied = audit[audit["boilerplate_kind"] == "(document)"]
    assert emptied[["doc_id", "rule"]].values.tolist() == [["a", "body_empty"]]


def test_a_web_page_s_title_repeated_as_its_first_line_is_flagged_not_counted_twice() -> None:
    corpus = pd.DataFrame({"doc_id": ["p", "q"], "page_title": ["Port strike enters second day", ""],
                           "text": ["Port strike enters second day\nDockworkers walked out on Monday.\n",
                                    "Port strike enters second day\nDockworkers walked out on Monday.\n"]})
    paras = kz.paragraphs(corpus)
    flagged = paras[paras["is_boilerplate"]]
    assert flagged[["doc_id", "para_id", "boilerplate_kind", "rule"]].values.tolist() == [["p", 0, "title", "page_title"]]


@pytest.mark.parametrize("texts", [["a b", "c", "d\u00a0e\tf", "", "  g  ", "h i j"],
                                   ["a b", None, "c d e", "f", "g h", "i"]])
def test_word_counts_in_chunks_equal_one_split(monkeypatch: pytest.MonkeyPatch, texts: list[str | None]) -> None:
    """Document lengths count words a chunk of rows at a time (memory at 100,000 articles); the counts and their
    type are those of one ``str.split`` of the whole column, also where one chunk has a missing text."""
    column = pd.Series(texts, dtype="str", index=range(10, 10 + len(texts)))
    whole = column.str.split().str.len()
    monkeypatch.setattr(clean, "_WORD_COUNT_ROWS", 2)
    pd.testing.assert_series_equal(clean._word_counts(column), whole)
