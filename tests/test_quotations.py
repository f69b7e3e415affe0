"""One reader of quotations and speakers (kz.quotes, kz.citations), used by framing, claims and overlap."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

import kzanalysis as kz
from kzanalysis import claims, framing, quotations


def units_of(*texts: str) -> pd.DataFrame:
    return pd.DataFrame({"doc_id": "a", "para_id": range(len(texts)), "text": list(texts)})


def speakers(*texts: str) -> list[tuple[str, str, str]]:
    table = kz.quotes(units_of(*texts))
    table = table[table["level"] == 0]
    return list(zip(table["speaker"], table["speaker_text"], table["speaker_source"]))


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        # "…," X said / said X, with titles whose full stop is part of the name
        (["“We will not pay for it,” Mr. Sherman said in a statement."], [("Mr. Sherman", "Mr. Sherman", "after")]),
        (["“The border is secure,” said Gov. Perry."], [("Gov. Perry", "Gov. Perry", "after")]),
        (["“Troops will stay,” the Kremlin said in a statement."], [("Kremlin", "Kremlin", "after")]),
        # X said: "…" / according to X, "…" / X, saying "…"
        (["Rep. Beto O'Rourke said: “The wall is a waste.”"], [("Rep. Beto O'Rourke", "Rep. Beto O'Rourke", "before")]),
        (["According to Rep. Beto O'Rourke, “the wall is a waste.”"],
         [("Rep. Beto O'Rourke", "Rep. Beto O'Rourke", "before")]),
        (["In the wake of the attack, Trump again defended his proposals, saying on Twitter: “Our leadership is weak.”"],
         [("Trump", "Trump", "before")]),
        (["The senator backed the plan, saying it was needed as the border is a “dangerous, horrible disaster.”"],
         [("senator", "senator", "before")]),
        # the attribution clause that closes the sentence
        (['Officers went to Almaty for the "counter-terrorist operation" there, Tokayev said.'],
         [("Tokayev", "Tokayev", "after")]),
        # a pronoun after a named person, several paragraphs later
        (["Rep. John Doe criticised the plan on Monday.", "Congress met again.", "“It will fail,” he said during a speech."],
         [("Rep. John Doe", "he", "after")]),
        # a second quotation of the same speaker in the same paragraph
        (["“The border is secure,” Perry said in a statement. “I am honored to have the sheriff's support.”"],
         [("Perry", "Perry", "after"), ("Perry", "Perry", "continued")]),
        # he/she never stands for an institution; "it" may
        (["The Interior Ministry said order was restored.", "“We will act,” he said."], [("he", "he", "after")]),
        (["The Interior Ministry said order was restored.", "“We will act,” it said."],
         [("Interior Ministry", "it", "after")]),
        # no speech cue: no speaker (scare quotes, signs)
        (["Protesters carried signs reading “Old man out” through the square."], [("", "", "")]),
    ],
)
def test_speakers_of_what_news_writes(texts: list[str], expected: list[tuple[str, str, str]]) -> None:
    assert speakers(*texts) == expected


def test_framing_claims_and_quotes_name_the_same_speaker_for_the_same_quotation() -> None:
    units = units_of("Ukibai said the leader stayed in the capital.",
                     "“Twenty-six terrorists were killed in the night,” he added, according to TASS.",
                     "“Eighteen officers were killed,” the Interior Ministry said. “Many more were injured.”")
    quoted = kz.quotes(units).set_index("para_id")["speaker"]
    terms = framing.find_terms(units)
    found = claims.extract_claims(units, splitter="punkt_abbrev")
    assert quoted.loc[1] == "Ukibai"
    assert terms.loc[terms["family"] == "terror", "speaker"].tolist() == ["Ukibai"]
    assert found.set_index("quantity").loc[26, "attributed_to"] == "Ukibai"
    assert found.set_index("quantity").loc[18, "attributed_to"] == quoted.loc[2].tolist()[0] == "Interior Ministry"


def test_citations_resolve_pronouns_and_chain_sources() -> None:
    table = kz.citations(units_of("Ivan Petrov, the police chief, spoke to reporters.",
                                  "He said 30 people were detained, Khabar 24 reported, citing the Interior Ministry."))
    assert table[["cue", "source", "source_text", "chained"]].values.tolist() == [
        ["said", "Ivan Petrov", "He", False], ["reported", "Khabar 24", "Khabar 24", False],
        ["citing", "Interior Ministry", "Interior Ministry", True]]


def test_a_quoted_speech_verb_is_not_an_attribution() -> None:
    table = kz.citations(units_of("“Nobody said anything,” the witness recalled."))
    assert table[["cue", "source"]].values.tolist() == [["recalled", "witness"]]


def test_quote_spans_are_the_state_machine_of_the_framing_counts() -> None:
    assert quotations.quote_spans("“They are ‘bandits’,” he said. “We") == [(0, 21, 0, True), (10, 19, 1, True),
                                                                            (31, 34, 0, False)]


def test_speech_cue_file_is_validated(tmp_path: Path) -> None:
    bad = tmp_path / "speech.csv"
    bad.write_text("word,kind,note\nsaid,verb,\nyelled,shout,\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"speech.csv, line 3: kind must be one of"):
        quotations.load_speech_cues(bad)


def test_a_researcher_can_add_a_speech_verb(tmp_path: Path) -> None:
    extended = tmp_path / "speech.csv"
    shipped = quotations.SPEECH_CUES_FILE.read_text(encoding="utf-8")
    extended.write_text(shipped + "quipped,verb,\n", encoding="utf-8")
    units = units_of("“Not today,” the minister quipped.")
    assert kz.quotes(units)["speaker"].tolist() == [""]
    assert kz.quotes(units, cues=extended)["speaker"].tolist() == ["minister"]


def test_quotation_and_speaker_logic_lives_in_one_module() -> None:
    """No other module carries a quote-mark state machine, a speech-verb list or pronoun resolution."""
    package = Path(kz.__file__).parent
    for path in package.rglob("*.py"):
        if path.name == "quotations.py":
            continue
        source = path.read_text(encoding="utf-8")
        assert "_quote_spans" not in source and "def _is_apostrophe" not in source, path
        assert not re.search(r"said\|says\|", source), path
        assert "according to|" not in source and "_ANAPHORS" not in source, path


def test_reading_the_same_units_again_gives_a_fresh_copy_and_changed_units_a_new_reading() -> None:
    units = pd.DataFrame({"doc_id": ["a", "a"], "para_id": [0, 1], "text": [
        "“We will restore order,” the president said.", "Protesters gathered in the square."]})
    first = kz.quotes(units)
    first.loc[0, "speaker"] = "changed by the caller"
    assert kz.quotes(units).loc[0, "speaker"] == "president"
    edited = units.assign(text=[units["text"][0], "“Enough,” a protester said."])
    assert kz.quotes(edited)["speaker"].tolist() == ["president", "protester"]


def test_cue_search_skips_only_words_that_open_no_cue(tmp_path: Path) -> None:
    """The speech cues are looked for only where a word that opens one starts: the same matches as the whole
    pattern, also with cues in capitals, over several spaces, side by side, next to non-ASCII letters, and with a
    cue list whose cues do not all start with an ASCII word (then every position is tried)."""
    from kzanalysis.quotations import _cues, load_speech_cues

    texts = ["He SAID, according  to\nofficials, that police said: “no”.", "saidsaid said-said ſaid Kelvin ſays",
             "Naïve said according to", "“We left,” said Ana, adding that, as she told reporters, she says so.", ""]
    cues = _cues()
    assert cues.first_words is not None and "according" in cues.first_words
    for text in texts:
        assert [m.span() for m in cues.finditer(text)] == [m.span() for m in cues.pattern.finditer(text)], text
    own = load_speech_cues()
    own = pd.concat([own, pd.DataFrame({"word": ["naïvely claimed"], "kind": ["verb"], "note": [""]})])
    path = tmp_path / "cues.csv"
    own.to_csv(path, index=False)
    mine = _cues(str(path))
    assert mine.first_words is None
    for text in texts:
        assert [m.span() for m in mine.finditer(text)] == [m.span() for m in mine.pattern.finditer(text)], text


_MARK_PAIRS = ["«»", "„“", '""', "“”", "‚‘", "‹›", "''", "‘’"]


@pytest.mark.parametrize("marks", _MARK_PAIRS)
def test_every_quote_mark_opens_or_closes_a_quotation(marks: str) -> None:
    text = f"She said {marks[0]}Hello there{marks[1]} and left."
    assert quotations.quote_spans(text) == [(9, 22, 0, True)]


def test_the_mark_pairs_above_cover_every_quote_mark() -> None:
    assert set("".join(_MARK_PAIRS)) == set(quotations.QUOTE_MARKS)
