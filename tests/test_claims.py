"""Tests of the claims stage (kzanalysis.claims): numeric claims, cited sources, provenance, and the seed hand list."""

from __future__ import annotations

import pandas as pd
import pytest

import kzanalysis as kz
from kzanalysis import claims


def _one(text: str) -> dict[str, object]:
    found = claims.claims_from_text(text, splitter="punkt_abbrev")
    assert len(found) == 1, found.to_string()
    row = found.iloc[0].to_dict()
    row["quantity"] = None if pd.isna(row["quantity"]) else int(row["quantity"])
    return row


# --------------------------------------------------------------------------------------------------
# numbers and claims on hand-made sentences


@pytest.mark.parametrize(
    ("text", "quantity", "word"),
    [
        ("Police said 6,044 people had been arrested.", 6044, ""),
        ("At least 1,200,000 people were detained.", 1200000, ""),
        ("Officials said 18 people were killed.", 18, ""),
        ("Eighteen people were killed overnight.", 18, ""),
        ("Twenty-six people were killed.", 26, ""),
        ("A dozen protesters were detained.", 12, ""),
        ("Some 1.5 million people were detained.", 1500000, ""),
        ("Dozens have died.", None, "dozens"),
        ("Hundreds have been injured.", None, "hundreds"),
        ("Thousands of protesters have been arrested.", None, "thousands"),
        ("Tens of thousands of people were detained.", None, "tens of thousands"),
    ],
)
def test_quantities_in_digits_words_and_vague_words(text: str, quantity: int | None, word: str) -> None:
    row = _one(text)
    assert (row["quantity"], row["quantity_word"]) == (quantity, word)


@pytest.mark.parametrize(
    ("text", "qualifier"),
    [
        ("More than 3,000 protesters have been arrested.", "more than"),
        ("At least 18 people were killed.", "at least"),
        ("Nearly 200 people were injured.", "nearly"),
        ("Up to 40 people were detained.", "up to"),
        ("A total of 4,404 people have been reportedly detained.", "reportedly"),
        ("As of January 7, a total of 18 officers had been killed.", "as of January 7"),
        ("18 officers were killed.", ""),
    ],
)
def test_qualifiers(text: str, qualifier: str) -> None:
    assert _one(text)["qualifier"] == qualifier


@pytest.mark.parametrize(
    ("text", "kind", "who"),
    [
        ("164 people were killed during the clashes.", "killed", "people"),
        ("Dozens have died.", "killed", ""),
        ("The violence left multiple deaths.", "killed", ""),
        ("Security forces killed 26 militants.", "killed", "militants"),
        ("The death toll rose to 164.", "killed", ""),
        ("748 law enforcement officers were injured.", "injured", "law enforcement officers"),
        ("Hundreds were wounded.", "injured", ""),
        ("4,404 people have been detained.", "detained", "people"),
        ("6,044 people had been arrested.", "detained", "people"),
        ("Police arrested 200 protesters.", "detained", "protesters"),
        ("26 “armed criminals” have been killed.", "killed", "armed criminals"),
        ("He honoured 16 police and army officers killed in the violence.", "killed", "police and army officers"),
        ("Magnum said 68 stores had been looted.", "other", "stores"),
    ],
)
def test_unit_kind_and_who(text: str, kind: str, who: str) -> None:
    row = _one(text)
    assert (row["unit_kind"], row["who"]) == (kind, who)


def test_elided_who_is_carried_over_within_the_sentence() -> None:
    found = claims.claims_from_text("18 law enforcement officers had been killed and 748 injured.", splitter="punkt_abbrev")
    assert found[["quantity", "unit_kind", "who"]].values.tolist() == [
        [18, "killed", "law enforcement officers"], [748, "injured", "law enforcement officers"]]


def test_vague_weak_words_count_only_next_to_a_casualty_word() -> None:
    assert claims.claims_from_text("Several phone calls were made.", splitter="punkt_abbrev").empty
    assert _one("Several officials were detained.")["quantity_word"] == "several"


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("Police said 6,044 people had been arrested.", "Police"),
        ("According to the state broadcaster, 26 people have been killed.", "state broadcaster"),
        ("18 officers were killed, state television Khabar 24 reported, citing the Interior Ministry.",
         "Interior Ministry via state television Khabar 24"),
        ("18 officers were killed, Khabar 24 reported, quoting the Interior Ministry.", "Interior Ministry via Khabar 24"),
        ("Russian media reported 164 people were killed.", "Russian media"),
        ("The ministry says 20 people were detained.", "ministry"),
        ("A police officer told Reuters that 30 people were killed.", "police officer"),
        ("Twelve people were arrested, reports Xinhua news agency.", "Xinhua news agency"),
        ("Twelve people were arrested.", ""),
    ],
)
def test_attribution_cues(text: str, source: str) -> None:
    assert _one(text)["attributed_to"] == source


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("Tokayev declared January 10 a day of mourning.", "date"),
        ("Nur-Sultan, Jan 9 (IANS) Protests continued.", "date"),
        ("He resigned in 2019.", "year"),
        ("Nazarbayev received 98% of the votes.", "percent"),
        ("The 81-year-old Nazarbayev stepped down.", "age"),
        ("After two days of violence, calm returned.", "duration"),
        ("Shots were heard around 8 in the morning.", "time"),
        ("The country attracted hundreds of billions of dollars of investment.", "money"),
        ("According to state media Khabar 24 on Saturday.", "name"),
    ],
)
def test_dates_ages_and_other_non_counts_are_not_claims(text: str, role: str) -> None:
    units = pd.DataFrame({"doc_id": ["a"], "para_id": [0], "text": [text]})
    assert claims.number_mentions(units, splitter="punkt_abbrev")["role"].tolist() == [role]
    assert claims.extract_claims(units, splitter="punkt_abbrev").empty


def test_text_without_numbers_gives_an_empty_table_with_the_columns() -> None:
    found = claims.claims_from_text("Protesters gathered in the square.")
    assert found.empty and list(found.columns) == claims.CLAIM_COLUMNS
    assert claims.compare_claims(found, pd.DataFrame({"doc_id": ["text"], "outlet": ["X"]})).empty


# --------------------------------------------------------------------------------------------------
# sources


@pytest.mark.parametrize(
    ("text", "source", "source_type", "cue"),
    [
        ("Police said the situation was calm.", "Police", "official", "said"),
        ("The Kremlin said in a statement that troops arrived.", "Kremlin", "foreign_government", "said"),
        ("Protests spread, according to TASS.", "TASS", "state_media", "according to"),
        ("Former Prime Minister Akezhan Kazhegeldin told Reuters that Tokayev must act.",
         "Former Prime Minister Akezhan Kazhegeldin", "independent", "told"),
        ("“It is calm,” describes Régis Gente, a correspondent for RFI.", "Régis Gente", "media", "describes"),
        ("Yerkin Zhumabekov, a mall manager, said: “They destroyed everything.”",
         "Yerkin Zhumabekov, a mall manager", "independent", "said"),
        ("An analyst at the university said the crisis would last.", "analyst at the university", "expert", "said"),
        ("Mr Nobody said hello.", "Mr Nobody", "unclassified", "said"),
    ],
)
def test_sources_and_their_types(text: str, source: str, source_type: str, cue: str) -> None:
    units = pd.DataFrame({"doc_id": ["a"], "para_id": [0], "text": [text]})
    found = claims.extract_sources(units, splitter="punkt_abbrev")
    assert found[["source", "source_type", "cue"]].values.tolist()[0] == [source, source_type, cue]


def test_pronoun_and_statement_resolve_to_the_last_named_source() -> None:
    units = pd.DataFrame({"doc_id": ["a", "a"], "para_id": [0, 1], "text": [
        "The Interior Ministry said order was restored.", "“We will act,” the statement said. “Soon,” it added."]})
    found = claims.extract_sources(units, splitter="punkt_abbrev")
    assert found["source"].tolist() == ["Interior Ministry"] * 3


def test_noun_uses_of_cue_words_are_not_citations() -> None:
    units = pd.DataFrame({"doc_id": ["a"], "para_id": [0], "text": [
        "CNN has not corroborated any claims made by the government. The member states will meet."]})
    assert claims.extract_sources(units, splitter="punkt_abbrev").empty


def test_sources_by_outlet_has_every_type_and_shares_summing_to_one() -> None:
    sources = pd.DataFrame({"doc_id": ["a", "a", "a"], "source_type": ["official", "official", "media"]})
    corpus = pd.DataFrame({"doc_id": ["a", "b"], "outlet": ["X", "Y"]})
    table = claims.sources_by_outlet(sources, corpus)
    assert list(table.columns) == claims.SOURCE_SUMMARY_COLUMNS
    assert set(table["source_type"]) == set(claims.source_types())
    mine = table[table["doc_id"] == "a"].set_index("source_type")
    assert mine.loc["official", "n_citations"] == 2 and mine.loc["official", "share"] == pytest.approx(0.6667)
    assert table[table["doc_id"] == "b"]["share"].isna().all()  # cites no one: share undefined, not 0


# --------------------------------------------------------------------------------------------------
# provenance


@pytest.mark.parametrize(
    ("lines", "signal", "value"),
    [
        (["Moscow (CNN) – Putin spoke."], "dateline", "CNN"),
        (["Nur-Sultan, Jan 9 (IANS) Tokayev spoke."], "dateline", "IANS"),
        (["Text.", "With AFP"], "credit", "AFP"),
        (["Text.", "CNN’s Helen Regan contributed reporting."], "credit", "CNN"),
        (["Text.", "Reporting by A. Writer Editing by B. Editor"], "credit", "Reuters (credit format)"),
        (["Text.", "Reporting by A. Writer"], "credit", "reporting credit"),
        (["A street in Almaty. © Pavel Mikheyev / Reuters"], "credit", "Reuters (photo)"),
        (["Police on Republic Square in Almaty. REUTERS\u00a0\n"], "credit", "Reuters (photo)"),
        (["Protesters by a burning car. AFP \n"], "credit", "AFP (photo)"),
        (["The minister told Reuters that it was calm."], "wire_mention", "Reuters"),
        (["The clashes went on, reports Xinhua news agency."], "wire_mention", "Xinhua"),
        (["Anger over corruption, poverty and poverty grew."], "translation_sign", "repeated word in a coordination"),
        (["The fight will continue with all determination. “."], "translation_sign", "reversed closing quote"),
        (["“It is calm “, describes Régis Gente."], "translation_sign", "inverted speech verb (French style)"),
    ],
)
def test_provenance_signals(lines: list[str], signal: str, value: str) -> None:
    paras = pd.DataFrame({"doc_id": "a", "para_id": range(len(lines)), "text": lines})
    found = claims.provenance_signals(paras)
    assert [signal, value] in found[["signal", "value"]].values.tolist()


def test_no_dateline_inside_the_text() -> None:
    paras = pd.DataFrame({"doc_id": "a", "para_id": [0, 1], "text": [
        "Tokayev spoke.", "The Commonwealth of Independent States (CIS) said it supports him."]})
    assert "dateline" not in set(claims.provenance_signals(paras)["signal"])


def test_plain_english_has_no_translation_sign() -> None:
    paras = pd.DataFrame({"doc_id": "a", "para_id": [0], "text": [
        "“The situation has been stabilised,” the presidential office said, adding that police had control."]})
    assert claims.provenance_signals(paras).empty


# --------------------------------------------------------------------------------------------------
# the seed corpus against the hand list


@pytest.fixture(scope="module")
def seed_claims() -> pd.DataFrame:
    corpus = kz.load_corpus()
    return claims.extract_claims(kz.body_paragraphs(kz.paragraphs(corpus)), splitter="punkt_abbrev")


def test_seed_recall_and_precision_against_the_hand_list(seed_claims: pd.DataFrame) -> None:
    summary, detail = claims.score_claims(seed_claims, claims.load_claim_labels())
    values = summary.set_index("measure")["value"]
    assert values["n_labelled"] == 29
    assert values["recall"] >= 0.9, detail[detail["status"] != "matched"].to_string()
    assert values["precision"] >= 0.9, detail[detail["status"] != "matched"].to_string()
    assert values["attribution_agreement"] >= 0.85 and values["who_agreement"] >= 0.85


@pytest.mark.parametrize(
    ("doc", "quantity", "qualifier", "kind", "who", "source"),
    [
        ("000", 18, "as of January 7", "killed", "law enforcement officers", "Interior Ministry via state television Khabar 24"),
        ("000", 748, "as of January 7", "injured", "law enforcement officers", "Interior Ministry via state television Khabar 24"),
        ("000", 26, "", "killed", "armed criminals", "state broadcaster"),
        ("001", 3000, "more than", "detained", "protesters", "state broadcaster"),
        ("002", 4404, "reportedly", "detained", "people", ""),
        ("004", 6044, "", "detained", "people", "Police"),
        ("004", 164, "", "killed", "people", "government social media post via Russian and state media"),
        ("004", 16, "", "killed", "police and army officers", ""),
    ],
)
def test_key_seed_claims_exactly(seed_claims: pd.DataFrame, doc: str, quantity: int, qualifier: str, kind: str,
                                 who: str, source: str) -> None:
    rows = seed_claims[seed_claims["doc_id"].str.startswith(doc) & (seed_claims["quantity"] == quantity)
                       & (seed_claims["unit_kind"] == kind)]
    assert rows[["qualifier", "who", "attributed_to"]].values.tolist() == [[qualifier, who, source]]


def test_rfi_reports_no_casualty_figure(seed_claims: pd.DataFrame) -> None:
    rfi = claims.casualty_claims(seed_claims)
    assert not rfi["doc_id"].str.startswith("003").any()


# --------------------------------------------------------------------------------------------------
# the notebook's tables


@pytest.mark.slow
def test_seed_report_tables(seed_report) -> None:
    from kzanalysis import report

    table = report.read_table("claims", out_dir=seed_report)
    assert list(table.columns) == claims.CLAIM_COLUMNS
    detained = table[(table["unit_kind"] == "detained") & (table["quantity"].astype(str) != "")]
    assert {"3000", "4404", "6044"} <= set(detained["quantity"].astype(str))
    sources = report.read_table("sources", out_dir=seed_report)
    assert list(sources.columns) == claims.SOURCE_COLUMNS
    assert ("Police", "official") in set(zip(sources["source"], sources["source_type"]))
    by_outlet = report.read_table("sources_by_outlet", out_dir=seed_report)
    assert list(by_outlet.columns) == claims.SOURCE_SUMMARY_COLUMNS
    shares = by_outlet[by_outlet["share"].astype(str) != ""].groupby("doc_id")["share"].sum()
    assert shares.round(2).eq(1.0).all()
    provenance = report.read_table("provenance", out_dir=seed_report)
    assert list(provenance.columns) == claims.PROVENANCE_COLUMNS
    pairs = set(zip(provenance["doc_id"].str[:3], provenance["signal"], provenance["value"]))
    assert {("000", "dateline", "CNN"), ("002", "dateline", "IANS"), ("003", "credit", "AFP"),
            ("004", "credit", "Reuters (credit format)"), ("002", "wire_mention", "Xinhua")} <= pairs
    assert ("000", "translation_sign", "repeated word in a coordination") in pairs
    assert (seed_report / "html" / "05-claims-and-sources.html").exists()


@pytest.mark.slow
def test_tiny_report_tables(tiny_report) -> None:
    from kzanalysis import report

    table = report.read_table("claims", out_dir=tiny_report)
    assert table[["quantity", "unit_kind", "who", "attributed_to"]].astype(str).values.tolist() == [
        ["18", "killed", "officers", "Police"]]
    provenance = report.read_table("provenance", out_dir=tiny_report)
    assert ("third-article", "credit", "Reuters (credit format)") in set(
        zip(provenance["doc_id"], provenance["signal"], provenance["value"]))


def test_provenance_summary_joins_each_document_s_distinct_values_and_counts_translation_signs() -> None:
    corpus = pd.DataFrame({"doc_id": ["b", "a", "c"], "outlet": ["Y", "X", "Z"]})
    signals = pd.DataFrame({
        "doc_id": ["a", "a", "a", "b", "b", "b", "a"],
        "signal": ["credit", "credit", "wire_mention", "translation_sign", "translation_sign", "dateline", "credit"],
        "value": ["Reuters", "AFP", "TASS", "doubled full stop", "doubled full stop", "Moscow (CNN)", "AFP"],
    })
    table = claims.provenance_summary(signals, corpus)
    assert table.to_dict("records") == [
        {"doc_id": "a", "outlet": "X", "dateline": "", "credit": "AFP, Reuters", "wire_mention": "TASS",
         "n_translation_signs": 0},
        {"doc_id": "b", "outlet": "Y", "dateline": "Moscow (CNN)", "credit": "", "wire_mention": "",
         "n_translation_signs": 2},
        {"doc_id": "c", "outlet": "Z", "dateline": "", "credit": "", "wire_mention": "", "n_translation_signs": 0},
    ]


def test_claims_and_sources_take_quotations_already_read(seed_claims: pd.DataFrame) -> None:
    """Given the quotations and citations of the units (a report run's shared ones), claims and sources use them:
    the same tables as reading them here, and other tables when given other quotations."""
    units = kz.body_paragraphs(kz.paragraphs(kz.load_corpus()))
    read = {"quotes": kz.quotes(units), "citations": kz.citations(units)}
    pd.testing.assert_frame_equal(claims.extract_claims(units, splitter="punkt_abbrev", **read), seed_claims)
    pd.testing.assert_frame_equal(claims.extract_sources(units, splitter="punkt_abbrev", **read),
                                  claims.extract_sources(units, splitter="punkt_abbrev"))
    none = {name: table.iloc[:0] for name, table in read.items()}
    assert claims.extract_sources(units, **none).empty
    assert (claims.extract_claims(units, splitter="punkt_abbrev", **none)["attributed_to"] == "").all()
    assert (seed_claims["attributed_to"] != "").any()


def test_claims_take_the_number_mentions_already_found(seed_claims: pd.DataFrame) -> None:
    """Given number_mentions of the same sentences (notebook 05 finds them first), extract_claims reads its count
    mentions instead of searching the sentences again: the same table; numbers of other sentences are refused."""
    units = kz.body_paragraphs(kz.paragraphs(kz.load_corpus()))
    sents = kz.sentences(units, splitter="punkt_abbrev")
    numbers = claims.number_mentions(units, sents=sents)
    given = claims.extract_claims(units, splitter="punkt_abbrev", sents=sents, numbers=numbers)
    pd.testing.assert_frame_equal(given, seed_claims)
    fewer = numbers[numbers["quantity"] != 18]  # the numbers given are the ones used
    assert 18 not in set(claims.extract_claims(units, sents=sents, numbers=fewer)["quantity"].dropna())
    assert 18 in set(seed_claims["quantity"].dropna())
    elsewhere = numbers.assign(sent_id=numbers["sent_id"] + 1000)
    with pytest.raises(ValueError, match="not inside one of them"):
        claims.extract_claims(units, sents=sents, numbers=elsewhere)
    with pytest.raises(ValueError, match=r"missing \['role'\]"):
        claims.extract_claims(units, sents=sents, numbers=numbers.drop(columns="role"))
