"""Tests for the tokenize stage: sentences, word tokens, stems, stop words, NLTK data detection."""

from __future__ import annotations

from pathlib import Path

import nltk
import pandas as pd
import pytest
from nltk.stem import SnowballStemmer

import kzanalysis as kz
from kzanalysis import tokenize as tk

GEN_SMITH = "Gen. Smith arrived in the U.S. on Jan. 5. He left."


def units_of(*texts: str, doc_id: str = "d1") -> pd.DataFrame:
    return pd.DataFrame({"doc_id": doc_id, "para_id": list(range(len(texts))), "text": list(texts)})


@pytest.fixture
def no_nltk_data(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """NLTK sees only an empty data folder (not ~/nltk_data or any system folder)."""
    empty = tmp_path / "nltk_data"
    empty.mkdir()
    monkeypatch.setenv("NLTK_DATA", str(empty))
    monkeypatch.setattr(nltk.data, "path", [str(empty)])
    return empty


def install_fake_punkt_tab(root: Path, *, abbreviations: str = "gen\n", complete: bool = True) -> None:
    """A minimal punkt_tab English model that knows only the given abbreviations."""
    model = root / "tokenizers" / "punkt_tab" / "english"
    model.mkdir(parents=True)
    (model / "abbrev_types.txt").write_text(abbreviations, encoding="utf-8")
    if complete:
        for name in ("collocations.tab", "sent_starters.txt", "ortho_context.tab"):
            (model / name).write_text("", encoding="utf-8")


# --- sentences -------------------------------------------------------------------------------------


def test_sentences_without_nltk_data_use_abbreviation_fallback(no_nltk_data: Path) -> None:
    result = kz.sentences(units_of(GEN_SMITH))
    assert result["text"].tolist() == ["Gen. Smith arrived in the U.S. on Jan. 5.", "He left."]
    assert result["splitter"].tolist() == ["punkt_abbrev", "punkt_abbrev"]
    assert result["sent_id"].tolist() == [0, 1]
    assert result[["start", "end"]].values.tolist() == [[0, 41], [42, 50]]


def test_sentences_use_punkt_tab_when_installed(no_nltk_data: Path) -> None:
    install_fake_punkt_tab(no_nltk_data)  # knows "gen" only, so "U.S." and "Jan." end sentences
    result = kz.sentences(units_of(GEN_SMITH))
    assert set(result["splitter"]) == {"punkt_tab"}
    assert result["text"].tolist() == ["Gen. Smith arrived in the U.S.", "on Jan.", "5.", "He left."]


def test_broken_punkt_tab_falls_back_under_auto_and_raises_when_required(no_nltk_data: Path) -> None:
    install_fake_punkt_tab(no_nltk_data, complete=False)
    assert set(kz.sentences(units_of(GEN_SMITH))["splitter"]) == {"punkt_abbrev"}
    with pytest.raises(LookupError, match="punkt_tab"):
        kz.sentences(units_of(GEN_SMITH), splitter="punkt_tab")


@pytest.mark.parametrize("error", [LookupError("not found"), OSError("unreadable"), ValueError("odd")])
def test_punkt_tab_detection_never_raises(error: Exception) -> None:
    def finder(resource: str) -> object:
        raise error

    assert tk._punkt_tab_tokenizer(finder) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (GEN_SMITH, ["Gen. Smith arrived in the U.S. on Jan. 5.", "He left."]),
        ("Dr. Ivanova met Mr. Tokayev in Almaty. They spoke.", ["Dr. Ivanova met Mr. Tokayev in Almaty.", "They spoke."]),
        ("The U.N. urged calm. Troops left on Jan. 19.", ["The U.N. urged calm.", "Troops left on Jan. 19."]),
        ("Prices doubled. Protests spread! Why?", ["Prices doubled.", "Protests spread!", "Why?"]),
        ("One sentence without a final stop", ["One sentence without a final stop"]),
    ],
)
def test_sentences_abbreviation_splitter(text: str, expected: list[str]) -> None:
    result = kz.sentences(units_of(text), splitter="punkt_abbrev")
    assert result["text"].tolist() == expected
    assert [text[start:end] for start, end in zip(result["start"], result["end"])] == expected


def test_sentences_keep_unit_ids_and_skip_empty_units() -> None:
    units = pd.DataFrame(
        {"doc_id": ["a", "a", "b"], "para_id": [3, 7, 0], "text": ["One. Two.", "", "Three. Four. Five."]}
    )
    result = kz.sentences(units, splitter="punkt_abbrev")
    assert list(result.columns) == ["doc_id", "para_id", "sent_id", "start", "end", "text", "splitter"]
    assert result[["doc_id", "para_id", "sent_id"]].values.tolist() == [
        ["a", 3, 0], ["a", 3, 1], ["b", 0, 0], ["b", 0, 1], ["b", 0, 2]
    ]  # fmt: skip


def test_unknown_splitter_and_missing_columns_raise() -> None:
    with pytest.raises(ValueError, match="splitter"):
        kz.sentences(units_of("A."), splitter="spacy")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="text"):
        kz.tokens(pd.DataFrame({"doc_id": ["a"], "para_id": [0]}))


# --- word tokens -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kazakhstan’s 3,000 anti-government protesters!", ["Kazakhstan’s", "3,000", "anti-government", "protesters"]),
        ("Tokayev's shoot-to-kill order", ["Tokayev's", "shoot-to-kill", "order"]),
        ("At least 6,044 people, 2.5 times more.", ["At", "least", "6,044", "people", "2.5", "times", "more"]),
        ("The U.S. and the U.N. (and the CSTO).", ["The", "U.S.", "and", "the", "U.N.", "and", "the", "CSTO"]),
        ("«Қаңтар» events – in Алматы, on 5 Jan.", ["Қаңтар", "events", "in", "Алматы", "on", "5", "Jan"]),
        ("an 18-year-old; protesters' demands", ["an", "18-year-old", "protesters", "demands"]),
    ],
)
def test_tokens_are_words_and_offsets_round_trip(text: str, expected: list[str]) -> None:
    result = kz.tokens(units_of(text), splitter="punkt_abbrev")
    assert result["token"].tolist() == expected
    assert [text[start:end] for start, end in zip(result["start"], result["end"])] == expected
    assert result["token_id"].tolist() == list(range(len(expected)))


@pytest.mark.parametrize(
    ("word", "lower", "stem"),
    [
        ("Kazakhstan’s", "kazakhstan's", "kazakhstan"),
        ("Kazakhstan's", "kazakhstan's", "kazakhstan"),
        ("Kazakhstan", "kazakhstan", "kazakhstan"),
        ("Tokayev’s", "tokayev's", "tokayev"),
        ("PROTESTERS", "protesters", "protest"),
        ("killed", "killed", "kill"),
        ("3,000", "3,000", "3,000"),
    ],
)
def test_lower_and_stem(word: str, lower: str, stem: str) -> None:
    row = kz.tokens(units_of(f"{word} here")).iloc[0]
    assert (row["token"], row["lower"], row["stem"]) == (word, lower, stem)


def test_tokens_columns_and_sentence_ids() -> None:
    units = units_of("Troops arrived. Shots were fired.", "Calm returned.")
    result = kz.tokens(units, splitter="punkt_abbrev")
    assert list(result.columns) == [
        "doc_id", "para_id", "sent_id", "token_id", "start", "end", "token", "lower", "stem", "is_stop", "is_number"
    ]  # fmt: skip
    assert result[["para_id", "sent_id", "token_id", "token"]].values.tolist() == [
        [0, 0, 0, "Troops"], [0, 0, 1, "arrived"], [0, 1, 2, "Shots"], [0, 1, 3, "were"], [0, 1, 4, "fired"],
        [1, 0, 0, "Calm"], [1, 0, 1, "returned"],
    ]  # fmt: skip
    assert result["doc_id"].eq("d1").all()


@pytest.mark.parametrize(
    ("word", "is_stop"),
    [
        ("the", True),
        ("The", True),
        ("it’s", True),
        ("they'll", True),
        ("couldn't", True),
        ("kazakhstan's", False),
        ("government’s", False),
        ("18", False),
        ("protesters", False),
    ],
)
def test_default_stop_words(word: str, is_stop: bool) -> None:
    assert kz.tokens(units_of(word))["is_stop"].tolist() == [is_stop]


def test_numbers_are_tokens_flagged_as_numbers_not_stop_words() -> None:
    result = kz.tokens(units_of("18 killed, 3,000 detained, 2.5 times, covid-19"))
    flags = dict(zip(result["token"], zip(result["is_number"], result["is_stop"])))
    assert flags["18"] == (True, False)
    assert flags["3,000"] == (True, False)
    assert flags["2.5"] == (True, False)
    assert flags["covid-19"] == (False, False)
    assert flags["killed"] == (False, False)


def test_custom_stop_words_replace_the_default() -> None:
    result = kz.tokens(units_of("The protesters’ demands"), stop_words={"Protesters", "demands"})
    assert result["is_stop"].tolist() == [False, True, True]


def test_stems_are_cached_per_word_type() -> None:
    tk._word_type.cache_clear()
    tk._stem.cache_clear()
    result = kz.tokens(units_of("Protests protests PROTESTS protest"))
    assert result["stem"].tolist() == ["protest"] * 4
    info = tk._stem.cache_info()
    assert (info.misses, info.hits) == (2, 2)  # "protests" and "protest" stemmed once each
    kz.analysis_tokens("protests PROTESTS")
    assert tk._stem.cache_info().misses == 2


def test_stems_match_snowball() -> None:
    text = "Authorities declared a state of emergency as demonstrators stormed administrative buildings"
    result = kz.tokens(units_of(text))
    stemmer = SnowballStemmer("english")
    assert result["stem"].tolist() == [stemmer.stem(word.lower()) for word in text.split()]


def test_tokens_and_sentences_do_not_modify_input() -> None:
    units = units_of("Gen. Smith left.", "Kazakhstan’s army.")
    before = units.copy()
    kz.tokens(units)
    kz.sentences(units)
    pd.testing.assert_frame_equal(units, before)



def test_tokens_and_sentences_from_one_split_equal_each_alone() -> None:
    units = kz.body_paragraphs(kz.paragraphs(kz.load_corpus()))
    blank = units_of("", "  ", "—", "One. Two.", doc_id="zz")  # units without text or words too
    units = pd.concat([units, blank], ignore_index=True)
    for splitter in ("punkt_abbrev", "auto"):
        toks, sents = tk.tokens_and_sentences(units, splitter=splitter)
        pd.testing.assert_frame_equal(toks, kz.tokens(units, splitter=splitter))
        pd.testing.assert_frame_equal(sents, kz.sentences(units, splitter=splitter))
    assert toks["sent_id"].max() > 0

def test_each_token_lies_in_the_sentence_it_is_numbered_with() -> None:
    """``sent_id`` is the sentence of the unit that holds the token (``kz.sentences``' span), in every unit of
    the seeds and of units with one sentence, no word, or words before the first sentence start."""
    units = pd.concat([kz.body_paragraphs(kz.paragraphs(kz.load_corpus())),
                       units_of("One.", "", "  Two words. Then three more. And four.", doc_id="zz")], ignore_index=True)
    toks, sents = tk.tokens_and_sentences(units, splitter="punkt_abbrev")
    spans = toks.merge(sents[["doc_id", "para_id", "sent_id", "start", "end"]], on=["doc_id", "para_id", "sent_id"],
                       suffixes=("", "_sentence"), how="left", validate="many_to_one")
    assert len(spans) == len(toks) and spans["start_sentence"].notna().all()
    assert ((spans["start_sentence"] <= spans["start"]) & (spans["end"] <= spans["end_sentence"])).all()
    assert toks.groupby(["doc_id", "para_id"])["token_id"].apply(lambda t: t.tolist() == list(range(len(t)))).all()


# --- analysis_tokens -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({}, ["kazakhstan", "protest", "kill", "street"]),
        ({"term": "lower"}, ["kazakhstan's", "protesters", "killed", "streets"]),
        ({"drop_numbers": False}, ["kazakhstan", "3,000", "protest", "18", "kill", "street"]),
        ({"drop_stop_words": False}, ["kazakhstan", "protest", "were", "in", "the", "kill", "street"]),
    ],
)
def test_analysis_tokens(options: dict[str, object], expected: list[str]) -> None:
    text = "Kazakhstan’s 3,000 protesters were in the 18 killed streets."
    assert kz.analysis_tokens(text, **options) == expected


def test_analysis_tokens_agree_with_tokens_frame() -> None:
    text = "On Jan. 5, Tokayev’s government resigned; it’s the first time since 1991 that 3,000 troops came."
    frame = kz.tokens(units_of(text))
    kept = frame.loc[~frame["is_stop"] & ~frame["is_number"], "stem"].tolist()
    assert kz.analysis_tokens(text) == kept
    assert "1991" not in kept and "govern" in kept


def test_analysis_tokens_rejects_unknown_term() -> None:
    with pytest.raises(ValueError, match="term"):
        kz.analysis_tokens("text", term="lemma")  # type: ignore[arg-type]


# --- nltk_resources --------------------------------------------------------------------------------


def test_nltk_resources_without_data(no_nltk_data: Path) -> None:
    report = kz.nltk_resources()
    assert list(report.columns) == ["resource", "path", "installed", "used", "used_for", "fallback"]
    assert report["resource"].tolist() == ["punkt_tab", "stopwords"]
    assert report["installed"].tolist() == [False, False]
    assert report["used"].tolist() == [False, False]


def test_nltk_resources_with_punkt_tab(no_nltk_data: Path) -> None:
    install_fake_punkt_tab(no_nltk_data)
    (no_nltk_data / "corpora" / "stopwords").mkdir(parents=True)
    report = kz.nltk_resources().set_index("resource")
    assert report.loc["punkt_tab", ["installed", "used"]].tolist() == [True, True]
    assert report.loc["stopwords", ["installed", "used"]].tolist() == [True, False]


@pytest.mark.parametrize(
    "text",
    ["Kazakhstan’s 3,000 anti-government protesters; U.S. officials said 6,044 (2.5%) were held.",
     "Жаңалықтар: 18-year-old shoot-to-kill e.g. Tokayev's 'order' — “kill without warning”", ""],
)
def test_fast_regex_matches_nltk_regexp_tokenizer(text: str) -> None:
    from kzanalysis import tokenize as module

    assert module._WORD_REGEX.findall(text) == module._WORD_TOKENIZER.tokenize(text)
    assert [m.span() for m in module._WORD_REGEX.finditer(text)] == list(module._WORD_TOKENIZER.span_tokenize(text))


def test_each_unit_is_stemmed_and_stopped_in_its_own_language() -> None:
    units = pd.DataFrame({"doc_id": ["de", "en", "it"], "para_id": [0, 0, 0], "language": ["de", "en", "it"],
                          "text": ["Die Regierung trat zurück und die Polizei nahm Demonstranten fest.",
                                   "The government resigned and the police detained protesters.",
                                   "Il governo si è dimesso e la polizia ha fermato i manifestanti."]})
    toks = kz.tokens(units).set_index(["doc_id", "token"])
    assert toks.loc[("de", "Regierung"), "stem"] == "regier" and toks.loc[("de", "und"), "is_stop"]
    assert toks.loc[("en", "government"), "stem"] == "govern" and toks.loc[("en", "and"), "is_stop"]
    assert toks.loc[("it", "manifestanti"), "stem"] == "manifest" and toks.loc[("it", "Il"), "is_stop"]
    terms = set(kz.tfidf(units).terms)
    assert not terms & {"und", "die", "il", "la", "e", "the", "and"}, "a stop word of one language counted in another"
    english_only = kz.tokens(units.drop(columns=["language"]))  # without languages: English rules, as before
    assert english_only.set_index(["doc_id", "token"]).loc[("de", "Regierung"), "stem"] == "regierung"


def test_a_language_without_snowball_keeps_words_unstemmed() -> None:
    units = pd.DataFrame({"doc_id": ["pl"], "para_id": [0], "language": ["pl"],
                          "text": ["Policja zatrzymała dziesiątki demonstrantów w pobliżu placu."]})
    toks = kz.tokens(units)
    assert (toks["stem"] == toks["lower"]).all()
    assert toks.set_index("token").loc["w", "is_stop"]  # Polish stop list from stopwordsiso


def test_compact_tokens_keep_every_value_and_fall_back_where_32_bits_do_not_fit() -> None:
    units = pd.DataFrame({"doc_id": ["b", "a"], "para_id": [3, 0], "text": ["Troops came to Almaty.", "Troops left."]})
    toks = kz.tokens(units)
    small = kz.compact_tokens(toks)
    assert small.index.equals(toks.index) and list(small.columns) == list(toks.columns)
    for column in toks.columns:
        assert small[column].astype(toks[column].dtype).equals(toks[column]), column
    assert small["doc_id"].cat.categories.tolist() == ["a", "b"]  # sorted, whatever the order of the rows
    assert small["para_id"].dtype == "int32" and small["is_stop"].dtype == bool
    wide = kz.compact_tokens(toks.assign(start=toks["start"] + 2**31, end=toks["end"] - 2**32))
    assert wide["start"].dtype == wide["end"].dtype == "int64" and wide["token_id"].dtype == "int32"
    unsorted = toks["lower"].astype(pd.CategoricalDtype(["troops", "came", "to", "almaty", "left"]))
    assert kz.compact_tokens(unsorted.to_frame())["lower"].cat.categories.tolist() == ["almaty", "came", "left", "to",
                                                                                      "troops"]  # one answer
    assert kz.compact_tokens(toks.iloc[:0])["start"].dtype == "int32"
