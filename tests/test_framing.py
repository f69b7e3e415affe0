"""Tests for the framing stage: lexicon, quotation detection and speakers, counts against hand counts, keyness."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import kzanalysis as kz
from kzanalysis import config, framing, report

HAND_COUNTS = config.LABELS_DIR / "frame_counts_seed.csv"


def units_of(*texts: str, doc_id: str = "d1") -> pd.DataFrame:
    return pd.DataFrame({"doc_id": doc_id, "para_id": list(range(len(texts))), "text": list(texts)})


def occurrences(*texts: str) -> pd.DataFrame:
    return framing.find_terms(units_of(*texts))


def quoted(matches: pd.DataFrame) -> dict[str, bool]:
    """lower-cased match -> in_quotes (each test text uses each word once)."""
    return {m.lower(): bool(q) for m, q in zip(matches["match"], matches["in_quotes"])}


def write_lexicon(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "frames.csv"
    path.write_text("frame,family,kind,pattern,note\n" + rows, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def seed() -> dict[str, pd.DataFrame]:
    corpus = kz.load_corpus()
    units = kz.body_paragraphs(kz.paragraphs(corpus))
    toks = kz.tokens(units)
    matches = framing.find_terms(units, toks=toks)
    return {"corpus": corpus, "units": units, "toks": toks, "matches": matches,
            "table": framing.frame_terms(matches, toks, corpus=corpus, n_resamples=500)}


# --- the lexicon ---------------------------------------------------------------------------------------


def test_shipped_lexicon_has_the_named_families_and_frames() -> None:
    lexicon = framing.load_lexicon()
    assert {"terror", "protest", "bandit", "criminal", "riot", "looting", "demonstration"} <= set(lexicon["family"])
    assert set(lexicon["frame"]) == {"security", "civic", "unrest", "foreign", "economic"}
    assert set(lexicon.loc[lexicon["family"] == "terror", "frame"]) == {"security"}
    assert set(lexicon.loc[lexicon["family"] == "protest", "frame"]) == {"civic"}
    assert framing.LEXICON_FILE == config.DATA_DIR / "lexicons" / "frames.csv"


@pytest.mark.parametrize(
    ("text", "family", "expected"),
    [
        ("Terrorists, terrorism and terror; counter-terrorist units.", "terror",
         ["Terrorists", "terrorism", "terror", "counter-terrorist"]),
        ("An error and a deterrent.", "terror", []),  # the wildcard is anchored at the word's start
        ("Protest, protests, protesting, protester, protesters, protestor, protestors.", "protest",
         ["Protest", "protests", "protesting", "protester", "protesters", "protestor", "protestors"]),
        ("A Protestant church.", "protest", []),  # exclusion
        ("Demonstrators marched; they have demonstrated the monolithic nature of power.", "demonstration",
         ["Demonstrators"]),  # exclusion "demonstrate* the"
        ("Police said 26 armed criminals were killed.", "criminal", ["armed criminals"]),
        ("He opened a criminal case.", "criminal", []),
        ("Riot police met the rioters.", "riot", ["rioters"]),
        ("People rally around the president. A rally in Almaty.", "rally", ["rally"]),
        ("The Collective Security Treaty Organisation met.", "csto", ["Collective Security Treaty Organisation"]),
    ],
)
def test_lexicon_wildcards_multiword_entries_and_exclusions(text: str, family: str, expected: list[str]) -> None:
    matches = occurrences(text)
    assert matches.loc[matches["family"] == family, "match"].tolist() == expected


def test_longest_match_wins_so_a_phrase_counts_once() -> None:
    matches = occurrences("The counter-terrorist operation will continue.")
    assert matches[["family", "match", "n_tokens"]].values.tolist() == [["terror", "counter-terrorist operation", 2]]


@pytest.mark.parametrize(("text", "expected"), [("They were armed. Criminals fled.", "Criminals"),
                                              ("They were armed, criminals fled.", "criminals")])
def test_multiword_entry_does_not_match_across_punctuation_or_sentences(text: str, expected: str) -> None:
    matches = occurrences(text)
    assert matches[["family", "match", "n_tokens"]].values.tolist() == [["criminal", expected, 1]]


def test_multiword_entry_matches_across_quote_marks() -> None:
    matches = occurrences("Officials blamed armed “criminals” for it.")
    assert matches["match"].tolist() == ["armed “criminals"]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("security,terror,include,terror*,\nsecurity,terror,maybe,bandit*,\n", "line 3: kind must be"),
        ("security,terror,include,terror*,\ncivic,terror,include,protest*,\n", "line 3: family 'terror' is under"),
        ("security,terror,include,terr[or],\n", "line 2: pattern 'terr[or]'"),
        ("security,terror,include,**,\n", "line 2: pattern '**' has a word made only of wildcards"),
        ("security,terror,include,,\n", "line 2: empty 'pattern'"),
        ("security,terror,include,terror*,\nsecurity,terror,include,Terror*,\n", "line 3: repeats line 2"),
        ("security,bandit,exclude,bandit*,\n", "line 2: exclusion for family 'bandit'"),
    ],
)
def test_bad_lexicon_rows_are_named_by_file_and_line(tmp_path: Path, rows: str, message: str) -> None:
    path = write_lexicon(tmp_path, rows)
    with pytest.raises(ValueError) as err:
        framing.load_lexicon(path)
    assert str(path) in str(err.value) and message in str(err.value)


def test_lexicon_missing_column_is_named(tmp_path: Path) -> None:
    path = tmp_path / "frames.csv"
    path.write_text("frame,family,pattern\nsecurity,terror,terror*\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"lacks column\(s\) \['kind'\]"):
        framing.load_lexicon(path)


def test_a_researcher_lexicon_is_used(tmp_path: Path) -> None:
    path = write_lexicon(tmp_path, "security,extremist,include,hooligan*,\n")
    matches = framing.find_terms(units_of("Hooligans and terrorists."), framing.load_lexicon(path))
    assert matches[["family", "match"]].values.tolist() == [["extremist", "Hooligans"]]


# --- quotations ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        # curly quotes
        (["Officials said “terrorists attacked” while protesters fled."], {"terrorists": True, "protesters": False}),
        # straight quotes
        (['He called them "terrorists" but protesters disagreed.'], {"terrorists": True, "protesters": False}),
        # single quotes nested in straight double quotes (004)
        (["\"They are 'terrorists', the protesters said\", the statement said. Looters ran."],
         {"terrorists": True, "protesters": True, "looters": False}),
        # apostrophes inside words and a plural possessive are never quote marks
        (["Kazakhstan’s protesters met Tokayev's police; the rioters' anger grew. Terrorists, he said."],
         {"protesters": False, "rioters": False, "terrorists": False}),
        # reversed closing mark (000 para 7): “ closes, and the next sentence is narrative
        (["Tokayev said “terrorist attacks persist. The fight will continue with all determination. “. "
          "Protesters were arrested."], {"terrorist": True, "protesters": False}),
        # French spacing and reversed marks (003): `confrontations “, describes` and `normal, “adds`
        (["“very violent confrontations “, describes Régis Gente, while rioters fled.",
          "some protesters saying “we must get reforms” and others saying “terror is back to normal, “adds Gente. "
          "Looters left."],
         {"violent": True, "rioters": False, "protesters": False, "terror": True, "looters": False}),
        # missing closing mark: the quotation ends with its paragraph, never flips the next one
        (["“Terrorists attacked the city, the mayor said.", "Protesters gathered in the square."],
         {"terrorists": True, "protesters": False}),
        # a stray closing mark outside any quotation is ignored
        (["Police fought terrorists” in the city. Protesters left."], {"terrorists": False, "protesters": False}),
        # a quotation of several sentences
        (["“We will fight. The terrorists will be destroyed. Order will return,” Tokayev said. Protesters dispersed."],
         {"terrorists": True, "protesters": False}),
        # a paragraph-opening quote: its own quotation, closed in the paragraph (001/000)
        (["“The protesters are terrorists,” Ukibai said.", "Rioters were arrested."],
         {"protesters": True, "terrorists": True, "rioters": False}),
    ],
    ids=["curly", "straight", "nested-single", "apostrophes", "reversed-close", "french-reversed", "missing-close",
         "stray-close", "multi-sentence", "paragraph-opening"],
)
def test_quote_detection_edge_cases(texts: list[str], expected: dict[str, bool]) -> None:
    assert quoted(occurrences(*texts)) == expected


def test_nested_quotation_levels_and_unclosed_flag() -> None:
    table = framing.quotes(units_of("\"(He) has been 'on the same side of the barricades'... we won,\" it said.",
                                    "“They came at night"))
    assert table[["para_id", "level", "closed", "open_mark"]].values.tolist() == [
        [0, 0, True, '"'], [0, 1, True, "'"], [1, 0, False, "“"]]
    assert table["text"].iloc[1] == "'on the same side of the barricades'"
    assert table["end"].iloc[2] == len("“They came at night")


@pytest.mark.parametrize(
    ("texts", "speaker"),
    [
        (["“Terrorists attacked,” Ukibai said."], "Ukibai"),
        (["“Terrorists attacked,” said the mayor of Almaty."], "mayor of Almaty"),
        (["“Terrorists attacked,” the statement said, calling for calm."], "statement"),
        (["“Terrorists attacked,” Deputy Defence Minister Sultan Gamaletdinov said."],
         "Deputy Defence Minister Sultan Gamaletdinov"),
        (["According to the state broadcaster, 26 “armed terrorists” were killed."], "state broadcaster"),
        (["Tokayev reportedly told Putin that “terrorist attacks persist”."], "Tokayev"),
        (["“A city of terror “, describes Régis Gente, a correspondent for RFI."], "Régis Gente"),
        (["“What is at stake is terror,” sums up Régis Gente."], "Régis Gente"),
        (["Yerkin Zhumabekov, a mall manager, said: “Terrorists came at night.”"], "Yerkin Zhumabekov, a mall manager"),
        (["Ukibai said the leader stayed.", "“Terror will not win,” he added."], "Ukibai"),
        (["The “counter-terrorist operation” continued."], ""),
    ],
)
def test_speaker_attribution(texts: list[str], speaker: str) -> None:
    matches = occurrences(*texts)
    assert matches.loc[matches["family"] == "terror", "speaker"].tolist() == [speaker]


def test_paragraph_opening_quote_continues_the_previous_speaker() -> None:
    table = framing.quotes(units_of(
        "Former Prime Minister Akezhan Kazhegeldin told Reuters that change was needed.",
        '"Critics say he is a nominee," he said.',
        '"Now he needs to take command."',
        "Troops arrived.",
        '"Nobody knows."',
    ))
    assert table[["para_id", "speaker", "speaker_source"]].values.tolist() == [
        [1, "Former Prime Minister Akezhan Kazhegeldin", "after"],
        [2, "Former Prime Minister Akezhan Kazhegeldin", "continued"],
        [4, "", ""],  # a quotation after a narrative paragraph continues nothing
    ]


def test_headline_in_single_quotes_does_not_continue_a_speaker() -> None:
    units = units_of("“Terror persists,” Tokayev said.", "‘Kill without warning’").assign(is_heading=[False, True])
    assert framing.quotes(units)["speaker"].tolist() == ["Tokayev", ""]


# --- the seed articles against the hand counts ---------------------------------------------------------


def test_counts_on_the_seed_articles_equal_the_hand_counts(seed: dict[str, pd.DataFrame]) -> None:
    hand = pd.read_csv(HAND_COUNTS, dtype={"doc_id": str})
    assert {"terror", "protest"} <= set(hand["family"]) and hand["doc_id"].nunique() == 5
    merged = hand.merge(seed["table"], on=["doc_id", "family"], how="left", suffixes=("_hand", ""))
    assert len(merged) == len(hand)
    for column in ("count", "in_quotes"):
        wrong = merged[merged[f"{column}_hand"] != merged[column]]
        assert wrong.empty, wrong[["doc_id", "family", f"{column}_hand", column]].to_string()


def test_seed_terror_is_quoted_in_cnn_and_partly_narrative_at_reuters(seed: dict[str, pd.DataFrame]) -> None:
    table = seed["table"].set_index(["doc_id", "family"])
    assert table.loc[("001_5fd3b595c2b22735", "terror"), ["count", "in_quotes", "narrative"]].tolist() == [4, 4, 0]
    assert table.loc[("004_15f499adc5933ae2", "terror"), ["count", "in_quotes", "narrative"]].tolist() == [3, 2, 1]


@pytest.mark.parametrize(
    ("doc_id", "para_id", "match", "speaker"),
    [
        ("004_15f499adc5933ae2", 23, "terrorists", "Deputy Defence Minister Sultan Gamaletdinov"),
        ("002_f6fac79b3e52d7e7", 2, "counter-terrorist operation", "Tokayev"),
        ("002_f6fac79b3e52d7e7", 10, "bandits", "Commonwealth of Independence States (CIS) Executive Committee"),
        ("000_143417c5e503c3f3", 7, "terrorism", "Tokayev"),
        ("000_143417c5e503c3f3", 10, "terrorist", "press office"),
        ("000_143417c5e503c3f3", 9, "armed criminals", "state broadcaster"),
        ("004_15f499adc5933ae2", 2, "terrorists", ""),  # narrative: "he has blamed on bandits and terrorists"
    ],
)
def test_seed_speakers(seed: dict[str, pd.DataFrame], doc_id: str, para_id: int, match: str, speaker: str) -> None:
    m = seed["matches"]
    row = m[(m["doc_id"] == doc_id) & (m["para_id"] == para_id) & (m["match"] == match)]
    assert row["speaker"].tolist() == [speaker]


def test_seed_quotes_close_where_the_articles_close_them(seed: dict[str, pd.DataFrame]) -> None:
    q = framing.quotes(seed["units"])
    assert q["closed"].all()  # every quotation of the seed articles has a closing mark, reversed or not
    reversed_close = q[(q["open_mark"] == "“") & (q["close_mark"] == "“")]
    assert set(zip(reversed_close["doc_id"].str[:3], reversed_close["para_id"])) == {
        ("000", 7), ("000", 24), ("003", 2), ("003", 3)}


# --- rates and intervals -------------------------------------------------------------------------------


def test_rates_and_bootstrap_intervals(seed: dict[str, pd.DataFrame]) -> None:
    table = seed["table"]
    assert (table["narrative"] == table["count"] - table["in_quotes"]).all()
    expected = (table["count"] / table["n_tokens"] * 1000).round(4)
    assert np.allclose(table["rate_per_1k"], expected)
    seen = table[table["count"] > 0]
    assert ((seen["rate_low"] <= seen["rate_per_1k"]) & (seen["rate_per_1k"] <= seen["rate_high"])).all()
    assert (seen["rate_high"] > seen["rate_low"]).all()
    unseen = table[table["count"] == 0]
    assert (unseen[["rate_per_1k", "rate_low", "rate_high"]] == 0).all().all()
    assert set(table["confidence"]) == {0.95}


def test_bootstrap_is_reproducible_and_narrows_with_lower_confidence(seed: dict[str, pd.DataFrame]) -> None:
    args = (seed["matches"], seed["toks"])
    first = framing.frame_terms(*args, n_resamples=300, random_state=7)
    again = framing.frame_terms(*args, n_resamples=300, random_state=7)
    pd.testing.assert_frame_equal(first, again)
    other = framing.frame_terms(*args, n_resamples=300, random_state=8)
    assert not first["rate_low"].equals(other["rate_low"])
    narrow = framing.frame_terms(*args, n_resamples=300, random_state=7, confidence=0.5)
    width = (first["rate_high"] - first["rate_low"])
    assert (narrow["rate_high"] - narrow["rate_low"] <= width + 1e-9).all()


def test_every_document_and_family_has_a_row_even_without_body_text() -> None:
    corpus = pd.DataFrame({"doc_id": ["a", "b"], "outlet": ["X", None]})
    units = pd.DataFrame({"doc_id": ["a"], "para_id": [0], "text": ["Protesters and terrorists."]})
    toks = kz.tokens(units)
    table = framing.frame_terms(framing.find_terms(units, toks=toks), toks, corpus=corpus)
    n_families = framing.load_lexicon().query("kind == 'include'")["family"].nunique()
    assert len(table) == 2 * n_families
    b = table[table["doc_id"] == "b"]
    assert set(b["outlet"]) == {"unknown"} and b["rate_per_1k"].isna().all() and (b["count"] == 0).all()


@pytest.mark.parametrize(("kwargs", "message"), [({"n_resamples": 0}, "n_resamples"), ({"confidence": 95}, "confidence")])
def test_frame_terms_rejects_bad_options(seed: dict[str, pd.DataFrame], kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        framing.frame_terms(seed["matches"], seed["toks"], **kwargs)


def test_family_contrast_pools_documents_per_outlet() -> None:
    table = pd.DataFrame({"doc_id": ["a", "a", "b", "b"], "outlet": ["X", "X", "X", "X"],
                          "family": ["terror", "protest"] * 2, "count": [2, 1, 1, 3], "in_quotes": [2, 0, 0, 0],
                          "narrative": [0, 1, 1, 3], "n_tokens": [100, 100, 300, 300]})
    out = framing.family_contrast(table)
    assert out[["outlet", "family", "count", "in_quotes", "quoted_share", "n_tokens", "rate_per_1k"]].values.tolist() \
        == [["X", "protest", 4, 0, 0.0, 400, 10.0], ["X", "terror", 3, 2, 0.6667, 400, 7.5]]
    with pytest.raises(ValueError, match="bandit"):
        framing.family_contrast(table, families=("terror", "bandit"))


# --- KWIC ----------------------------------------------------------------------------------------------


def test_kwic_rows_carry_context_voice_and_speaker() -> None:
    units = units_of("At night “terrorists attacked the city”, the mayor said, and looters followed.")
    table = framing.kwic(framing.find_terms(units), units, window=20)
    assert list(table.columns[:8]) == ["doc_id", "para_id", "family", "left", "match", "right", "in_quotes", "speaker"]
    assert table[["family", "left", "match", "right", "in_quotes", "speaker"]].values.tolist() == [
        ["terror", "At night “", "terrorists", "attacked the city”,", True, "mayor"],
        ["looting", "the mayor said, and", "looters", "followed.", False, ""],
    ]


def test_kwic_does_not_depend_on_the_order_of_matches_or_units() -> None:
    """kwic cuts contexts unit by unit: matches and units in any order give the same rows; a match whose unit is
    not in the units is named (it raised an IndexError, or showed no context, before)."""
    units = pd.concat([units_of("Looters attacked an ATM near the square.", doc_id="a"),
                       units_of("Police said “terrorists attacked” the city.", doc_id="b")], ignore_index=True)
    matches = framing.find_terms(units)
    table = framing.kwic(matches, units, window=12)
    for shuffled_matches, shuffled_units in ((matches.iloc[::-1], units), (matches, units.iloc[::-1]),
                                             (matches.iloc[::-1], units.iloc[::-1])):
        assert framing.kwic(shuffled_matches, shuffled_units, window=12).equals(table)
    assert table[["doc_id", "left", "match", "right"]].values.tolist() == [
        ["a", "", "Looters", "attacked an"], ["b", "said “", "terrorists", "attacked”"]]  # cut back to whole words
    with pytest.raises(ValueError, match=r"match row 1 is in unit \('z', 0\)"):
        framing.kwic(matches.assign(doc_id=["a", "z"]), units, window=12)


# --- keyness -------------------------------------------------------------------------------------------


def planted_corpus() -> tuple[pd.DataFrame, pd.DataFrame]:
    shared = "city government president security country week officials "
    texts = {
        "a1": shared * 6 + "bandits terrorists bandits operation " * 5,
        "a2": shared * 5 + "terrorists bandits operation " * 5,
        "b1": shared * 6 + "protesters reform protesters fuel " * 5,
        "b2": shared * 5 + "protesters fuel reform " * 5,
        "c1": shared * 8 + "troops peacekeepers troops " * 4,
    }
    units = pd.DataFrame({"doc_id": list(texts), "para_id": 0, "text": list(texts.values())})
    groups = pd.DataFrame({"doc_id": list(texts), "group": ["A", "A", "B", "B", "C"]})
    return kz.tokens(units), groups


def test_keyness_finds_planted_distinctive_words() -> None:
    toks, groups = planted_corpus()
    key = framing.keyness(toks, groups)
    assert list(key.columns) == ["group", "term", "count_group", "count_rest", "log_odds", "z"]
    top = key.groupby("group").head(3)
    assert set(top.loc[top["group"] == "A", "term"]) == {"bandits", "terrorists", "operation"}
    assert top.loc[top["group"] == "A", "term"].iloc[0] == "bandits"  # the most frequent planted word
    assert top.loc[top["group"] == "B", "term"].iloc[0] == "protesters"
    assert top.loc[top["group"] == "C", "term"].iloc[0] == "troops"
    row = key[(key["group"] == "A") & (key["term"] == "bandits")].iloc[0]
    assert (row["count_group"], row["count_rest"]) == (15, 0) and row["z"] > 1.96
    shared = key[key["term"] == "city"]
    assert (shared["z"].abs() < 1).all()


def test_keyness_of_two_groups_is_antisymmetric_and_keeps_every_term() -> None:
    toks, groups = planted_corpus()
    two = groups.assign(group=groups["group"].replace({"C": "B"}))
    key = framing.keyness(toks, two).pivot(index="term", columns="group", values="z")
    assert np.allclose(key["A"], -key["B"])
    kept = toks[~toks["is_stop"] & ~toks["is_number"]]["lower"].nunique()
    assert len(key) == kept  # no frequency floor


def test_keyness_works_at_five_documents_one_group_each(seed: dict[str, pd.DataFrame]) -> None:
    groups = framing.keyness_groups(seed["corpus"])
    assert groups["basis"].unique().tolist() == ["outlet"] and groups["group"].nunique() == 5
    key = framing.keyness(seed["toks"], groups)
    assert key["group"].nunique() == 5 and len(key) > 1000
    reuters = key[key["group"] == "Reuters via The Kootneeti"].head(15)["term"].tolist()
    assert "reuters" in reuters


def test_keyness_groups_fall_back_to_documents_and_problems_are_explained() -> None:
    corpus = pd.DataFrame({"doc_id": ["x", "y"], "outlet": ["unknown", "unknown"]})
    groups = framing.keyness_groups(corpus)
    assert groups[["group", "basis"]].values.tolist() == [["x", "doc_id"], ["y", "doc_id"]]
    toks = kz.tokens(pd.DataFrame({"doc_id": ["x"], "para_id": [0], "text": ["Only one document has text."]}))
    problem = framing.keyness_problem(groups, toks)
    assert "at least two groups" in problem and "found 1 (x)" in problem
    with pytest.raises(ValueError, match="at least two groups"):
        framing.keyness(toks, groups)


def test_keyness_refuses_a_table_beyond_its_size_limit() -> None:
    """Keyness of each document of a large corpus without outlets has a row per document and word type (653 million
    at 10,000 planted articles, which ran out of memory): it is a problem that names the size and what to do."""
    toks, groups = planted_corpus()
    by_doc = framing.keyness_groups(pd.DataFrame({"doc_id": groups["doc_id"]}))  # no outlets: each document
    n_rows = 5 * toks["lower"].nunique()
    assert framing.keyness_problem(by_doc, toks, max_rows=n_rows) is None
    assert len(framing.keyness(toks, by_doc, max_rows=n_rows)) <= n_rows
    problem = framing.keyness_problem(by_doc, toks, max_rows=n_rows - 1)
    assert problem is not None and f"5 groups (doc_id) over {n_rows // 5} terms would be {n_rows} rows" in problem
    assert "outlet" in problem
    assert framing.keyness_problem(groups, toks, max_rows=n_rows - 1) is None  # three outlets: fewer rows
    assert framing.keyness(toks, by_doc, if_impossible="empty", max_rows=n_rows - 1).empty
    with pytest.raises(ValueError, match="more than"):
        framing.keyness(toks, by_doc, max_rows=n_rows - 1)
    stems = 5 * toks["stem"].nunique()
    assert (framing.keyness_problem(by_doc, toks, term="stem", max_rows=n_rows - 1) is None) == (stems < n_rows)
    assert framing.MAX_KEYNESS_ROWS == 20_000_000 and framing.keyness_problem(by_doc, toks) is None


def test_compact_tokens_give_the_same_tables(seed: dict[str, pd.DataFrame]) -> None:
    """Notebook 03 holds its tokens compact (``inputs.tokens(..., compact=True)``): every framing function that
    reads tokens gives the same table, types included, from them. Seeds (five outlets) and the planted keyness
    corpus (groups of several documents, a document without body text in the corpus)."""
    toks, groups = planted_corpus()
    units = pd.DataFrame({"doc_id": ["x", "y"], "para_id": [0, 0],
                          "text": ["Police said “armed terrorists” attacked. Protesters marched.", "Troops came."]})
    cases = [(seed["units"], seed["toks"], seed["corpus"], framing.keyness_groups(seed["corpus"])),
             (units, kz.tokens(units), pd.DataFrame({"doc_id": ["x", "y", "z"], "outlet": ["A", "B", "B"]}), None),
             (None, toks, None, groups)]
    for units_, plain, corpus, groups_ in cases:
        compact = kz.compact_tokens(plain)
        assert compact.memory_usage(deep=True).sum() < plain.memory_usage(deep=True).sum() or len(plain) < 100
        if units_ is not None:
            matches = framing.find_terms(units_, toks=plain)
            assert len(matches)
            pd.testing.assert_frame_equal(framing.find_terms(units_, toks=compact), matches)
            for docs in (corpus, None):
                pd.testing.assert_frame_equal(framing.frame_terms(matches, compact, corpus=docs, n_resamples=50),
                                              framing.frame_terms(matches, plain, corpus=docs, n_resamples=50))
        if groups_ is not None:
            assert framing.keyness_problem(groups_, compact) == framing.keyness_problem(groups_, plain) is None
            for term in ("lower", "stem"):
                pd.testing.assert_frame_equal(framing.keyness(compact, groups_, term=term),  # type: ignore[arg-type]
                                              framing.keyness(plain, groups_, term=term))  # type: ignore[arg-type]


# --- the notebook's tables -----------------------------------------------------------------------------


@pytest.mark.slow
def test_seed_report_tables(seed_report: Path) -> None:
    assert (seed_report / "html" / "03-framing-terms.html").exists()
    table = report.read_table("frame_terms", out_dir=seed_report)
    assert list(table.columns[:10]) == ["doc_id", "outlet", "frame", "family", "count", "in_quotes", "narrative",
                                        "rate_per_1k", "rate_low", "rate_high"]
    families = framing.load_lexicon().query("kind == 'include'")["family"].unique()
    assert len(table) == 5 * len(families)
    assert set(zip(table["doc_id"], table["family"])) == {(d, f) for d in table["doc_id"].unique() for f in families}
    assert (table["narrative"] == table["count"] - table["in_quotes"]).all()
    hand = pd.read_csv(HAND_COUNTS, dtype={"doc_id": str}).merge(table, on=["doc_id", "family"], suffixes=("_h", ""))
    assert (hand["count_h"] == hand["count"]).all() and (hand["in_quotes_h"] == hand["in_quotes"]).all()
    kwic = report.read_table("kwic", out_dir=seed_report)
    assert list(kwic.columns[:8]) == ["doc_id", "para_id", "family", "left", "match", "right", "in_quotes", "speaker"]
    assert len(kwic) == table["count"].sum()
    assert kwic.groupby("family")["in_quotes"].sum()["terror"] == table.query("family == 'terror'")["in_quotes"].sum()
    keyness = report.read_table("keyness", out_dir=seed_report)
    assert list(keyness.columns) == ["group", "term", "count_group", "count_rest", "log_odds", "z"]
    assert keyness["group"].nunique() == 5


@pytest.mark.slow
def test_tiny_report_runs_without_metadata(tiny_report: Path) -> None:
    table = report.read_table("frame_terms", out_dir=tiny_report)
    assert set(table["outlet"]) == {"unknown"} and table["doc_id"].nunique() == 3
    keyness = report.read_table("keyness", out_dir=tiny_report)
    assert keyness["group"].nunique() == 3  # no outlets: each document against the others
    kwic = report.read_table("kwic", out_dir=tiny_report)
    assert "bandits" in set(kwic["match"].str.lower())
    html = (tiny_report / "html" / "03-framing-terms.html").read_text(encoding="utf-8")
    assert "<b>bandits</b>" not in html and "&lt;b&gt;" in html


def test_kwic_on_a_typed_pattern_reads_quotes_like_lexicon_matches() -> None:
    units = units_of("“Order is restored,” Tokayev said as the STATE of emergency ended.", "Emergency rule stays.")
    table = framing.kwic(r"state of emergency|emergency rule", units, window=10)
    assert table[["para_id", "match", "in_quotes", "speaker", "family"]].values.tolist() == [
        [0, "STATE of emergency", False, "", ""], [1, "Emergency rule", False, "", ""]]
    assert framing.kwic(r"order", units)[["match", "in_quotes", "speaker"]].values.tolist() == [["Order", True, "Tokayev"]]
    assert framing.kwic(r"state of emergency", units, case_sensitive=True).empty
    with pytest.raises(ValueError, match="not a regular expression"):
        framing.kwic("(unclosed", units)


def test_exclusion_lookup_agrees_with_a_scan_of_every_excluded_span() -> None:
    rng = np.random.default_rng(0)
    spans = [(str(rng.choice(["a", "b"])), int(s), int(s + rng.integers(1, 7))) for s in rng.integers(0, 200, 60)]
    spans += [("a", 300, 306), ("a", 301, 302)]  # a span inside a longer one that started before it
    excluded = framing._Exclusions(spans)
    for family in ("a", "b", "c"):
        for start in range(0, 310):
            for length in (1, 2, 3):
                scan = any(f == family and a < start + length and start < b for f, a, b in spans)
                assert excluded.overlaps(family, start, start + length) is scan, (family, start, length)


def test_token_sentences_in_first_seen_order_with_their_token_counts(seed: dict[str, pd.DataFrame]) -> None:
    toks = seed["toks"].sample(frac=1.0, random_state=0).reset_index(drop=True)  # no order to rely on
    expected = toks[["doc_id", "para_id", "sent_id"]].drop_duplicates().reset_index(drop=True)
    sizes = toks.groupby(["doc_id", "para_id", "sent_id"]).size()
    for table in (toks, toks.astype({"para_id": float})):  # integer numbers, and the general way
        sentences, counts = framing._token_sentences(table)
        pd.testing.assert_frame_equal(sentences, expected.astype({"para_id": table["para_id"].dtype}))
        assert counts.tolist() == [sizes[(d, int(p), s)] for d, p, s in expected.itertuples(index=False)]
