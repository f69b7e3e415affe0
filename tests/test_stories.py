"""Stories, events and translated copies (kz.overlap.stories, anchors, document_relations)."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import kzanalysis as kz
from kzanalysis import overlap

TRANSLATIONS = Path(__file__).parent / "data" / "translations.csv"


@pytest.fixture(scope="module")
def translated() -> tuple[pd.DataFrame, overlap.OverlapResult]:
    """Hand-written articles and their translations (tests/data/translations.csv: written for these tests)."""
    corpus = pd.read_csv(TRANSLATIONS)
    units = kz.body_paragraphs(kz.paragraphs(corpus.drop(columns="story")))
    return corpus, overlap.source_overlap(units)


def test_translations_are_translated_copies_and_nothing_else_is(translated) -> None:
    corpus, result = translated
    story = dict(zip(corpus["doc_id"], corpus["story"]))
    language = dict(zip(corpus["doc_id"], corpus["language"]))
    sim = result.similarity.set_index(["doc_a", "doc_b"])
    expected_translations = {(a, b) for a, b in combinations(sorted(story), 2)
                             if story[a] == story[b] and language[a] != language[b]}
    assert len(expected_translations) == 6  # s1 in en/it/de, s2 in en/es/sv
    called = set(sim.index[sim["relation"] == "translated_copy"])
    assert called == expected_translations
    for pair in called:
        assert len(sim.loc[pair, "shared_anchors"].split(" | ")) >= overlap.MIN_TRANSLATION_ANCHORS
    # the English round trip (same language) is a near duplicate, not a translation
    assert sim.loc[("s3-en", "s3-rt"), "relation"] == "near_duplicate"
    # a German report of the same deaths (164, 103, Almaty, Tokayev) is not a translation of the English story
    assert sim.loc[("d3-de", "s1-en"), "relation"] != "translated_copy"
    assert set(sim.loc[sim["relation"] != "unrelated"].index) == expected_translations | {("s3-en", "s3-rt")}


def test_translated_evidence_is_written_as_in_document_a(translated) -> None:
    _, result = translated
    row = result.similarity.set_index(["doc_a", "doc_b"]).loc[("s1-de", "s1-en")]
    assert row["shared_anchors"].startswith("Kassym-Jomart | Tokajew | 7939")  # German spelling, as s1-de writes it


def test_stories_group_versions_and_translations(translated) -> None:
    corpus, result = translated
    stories = result.stories
    assert list(stories.columns) == list(overlap.STORY_COLUMNS)
    assert sorted(stories["doc_id"]) == sorted(corpus["doc_id"])
    truth = dict(zip(corpus["doc_id"], corpus["story"]))
    found = stories.groupby("story_id")["doc_id"].apply(lambda d: sorted(d)).tolist()
    expected = corpus.groupby("story")["doc_id"].apply(lambda d: sorted(d)).tolist()
    assert sorted(found) == sorted(expected)
    assert (stories.groupby("story_id")["story_size"].first() == stories.groupby("story_id").size()).all()
    assert all(truth[s] == truth[d] for d, s in zip(stories["doc_id"], stories["story_id"]))


def test_anchors_read_numbers_and_names_across_languages() -> None:
    assert overlap.anchors("Nearly 8,000 were held, Tokayev said.") == ["nearly", "8000", "tokayev"]
    # one spelling of a number and of a transliterated name: "Tokajew" is "Tokayev"
    assert overlap.anchors("Knapp 8.000 wurden festgenommen, sagte Tokajew.", language="de") == \
        ["knap", "8000", "tokayev"]
    assert "8000" in overlap.anchors("8 000 personnes", language="fr")
    assert overlap.anchors("2,5 procent", language="sv") == ["2.5"]
    assert overlap.anchors("Police said. The police left.") == []  # a common word opening a sentence is no name


def _beat_corpus(random_state: int = 0) -> tuple[pd.DataFrame, set[tuple[str, str]]]:
    """30 one-paragraph business items on one beat: 10 stories told twice in different words, 10 told once.

    Every item draws most of its words from the beat's common vocabulary; a story's two items share its
    specific words (company, place, product) but no run of words, so only the beat rule can pair them.
    """
    rng = np.random.default_rng(random_state)
    beat = ("energy company market price contract supply demand investment quarter profit revenue shares "
            "customers plant capacity output growth forecast costs deal").split()
    rows, truth = [], set()
    syllables = ["ka", "lo", "mi", "nu", "pe", "ro", "sa", "ti", "vu", "ze"]
    for story in range(20):  # five made-up names per story: its company, town, product, people
        specific = [(syllables[story % 10] + syllables[(story // 10 + n) % 10] + syllables[n]).capitalize() + "x" * (story // 10)
                    for n in range(5)]
        versions = 2 if story < 10 else 1
        for version in range(versions):
            words = list(rng.choice(beat, size=14)) + list(rng.choice(specific, size=4, replace=False))
            rng.shuffle(words)
            rows.append({"doc_id": f"s{story:02d}-{version}", "para_id": 0, "text": " ".join(words) + "."})
        if versions == 2:
            truth.add((f"s{story:02d}-0", f"s{story:02d}-1"))
    return pd.DataFrame(rows), truth


def test_same_event_is_measured_against_the_beat_not_an_absolute_cosine() -> None:
    units, truth = _beat_corpus()
    relations = overlap.document_relations(units)
    assert len(units) >= overlap.MIN_BEAT_DOCS
    # on this beat every pair shares vocabulary: the old absolute rule (cosine >= 0.05) called almost all of them
    assert (relations["cosine"] >= 0.05).mean() > 0.9
    called = set(zip(relations.loc[relations["same_story"], "doc_a"], relations.loc[relations["same_story"], "doc_b"]))
    assert len(called & truth) >= 9 and len(called - truth) <= 1
    sim = overlap.source_overlap(units).similarity
    assert "near_duplicate" not in set(sim["relation"]) and "shared_passages" not in set(sim["relation"])


ONE_LINERS = [
    "Wartsila signed a memorandum with Global Energy Ventures on propulsion for hydrogen vessels on Thursday.",
    "Orsted commissioned its first offshore wind farm in Taiwan, with turbines supplied by Siemens Gamesa.",
    "Equinor raised its dividend after record gas sales to Europe lifted quarterly profit to 17 billion dollars.",
    "Vestas cut its revenue forecast for the year, blaming higher steel prices and delayed orders in China.",
    "Fortum agreed to sell its stake in Uniper to the German government for 500 million euros.",
    "Neste will double renewable diesel output at its Rotterdam refinery by 2026, the company said.",
    "Enel plans to build a solar panel factory in Oklahoma that would employ about 1,000 people.",
    "Iberdrola won a contract to connect three offshore wind projects to the grid in East Anglia.",
    "RWE bought the clean energy business of Con Edison for 6.8 billion dollars, its largest deal abroad.",
    "Statkraft postponed a hydropower plant in Chile after local protests over water rights.",
    "Vattenfall halted work on a Norfolk wind farm, citing construction costs up by 40 percent.",
    "EDF found stress corrosion in pipes at two more reactors, cutting its nuclear output estimate again.",
    "Engie and Masdar will jointly develop green hydrogen plants in the United Arab Emirates.",
    "TotalEnergies took a 9 percent stake in a Qatari gas expansion, the largest liquefied gas project ever.",
    "Shell moved its headquarters to London and dropped the Royal Dutch name after shareholders approved.",
    "BP reported its biggest annual profit in 114 years as oil and gas prices soared after the invasion.",
    "Eni signed a supply deal with Algeria that will raise pipeline gas flows to Italy by 40 percent.",
    "Repsol opened its first public charging hub for electric trucks on the motorway near Madrid.",
    "Galp named a new chief executive after its previous head left over a personal relationship.",
    "Naturgy rejected a takeover approach from Taqa, saying the offer undervalued its Spanish networks.",
    "OMV shut down a Vienna refinery unit for a month of repairs after a crude distillation accident.",
    "Endesa must pay a 40 million euro fine for overcharging small customers, a Madrid court ruled.",
]


def test_one_line_documents_only_copies_are_near_duplicates() -> None:
    lines = {f"d{n:02d}": line for n, line in enumerate(ONE_LINERS)}
    lines["copy"] = lines["d03"].replace("the year,", "the full year,")  # a republished copy, lightly edited
    units = pd.DataFrame({"doc_id": list(lines), "para_id": 0, "text": list(lines.values())})
    sim = overlap.source_overlap(units).similarity
    near = sim[sim["relation"] == "near_duplicate"]
    assert list(zip(near["doc_a"], near["doc_b"])) == [("copy", "d03")]
    # different stories on one beat: no shared names, so not the same event however far above their beat
    assert set(sim["relation"]) == {"near_duplicate", "unrelated"}
    stories = overlap.stories(units)
    assert stories.loc[stories["story_size"] > 1, "doc_id"].tolist() == ["copy", "d03"]


def test_events_do_not_chain_through_one_loose_pair() -> None:
    pairs = [("a", "b", 0.9), ("a", "c", 0.8), ("b", "c", 0.7), ("c", "d", 0.6), ("d", "e", 0.5)]
    relations = pd.DataFrame({"doc_a": [p[0] for p in pairs], "doc_b": [p[1] for p in pairs],
                              "cosine": [p[2] for p in pairs], "jaccard": 0.0, "same_story": True,
                              "translated": False})
    units = pd.DataFrame({"doc_id": list("abcde"), "para_id": 0, "text": "Troops in Almaty."})
    table = overlap.story_groups(relations, units).set_index("doc_id")
    # a, b, c are all linked; d is linked to c only (1 of 3 pairs), so it starts an event with e
    assert table.loc[["a", "b", "c"], "event_size"].tolist() == [3, 3, 3]
    assert table.loc["d", "event_id"] == table.loc["e", "event_id"] != table.loc["a", "event_id"]
    assert (table["story_size"] == 1).all()


def test_stories_and_events_are_named_after_their_fullest_version() -> None:
    relations = pd.DataFrame({"doc_a": ["a", "c"], "doc_b": ["b", "d"], "cosine": [0.9, 0.5],
                              "jaccard": [0.8, 0.0], "same_story": [True, True], "translated": False})
    units = pd.DataFrame({"doc_id": list("abcde"), "para_id": 0, "text": [
        "Troops in Almaty.", "Troops guarded the airport in Almaty on Thursday.", "Prices rose.",
        "Fuel prices rose sharply across the western regions.", "A lone report."]})
    table = overlap.story_groups(relations, units).set_index("doc_id")
    # the copy b and the event member d have more content words than a and c: the later id names the group
    assert table["story_id"].tolist() == ["b", "b", "c", "d", "e"]
    assert table["event_id"].tolist() == ["b", "b", "d", "d", "e"]


def test_small_corpora_use_the_small_corpus_cosine_and_shared_names() -> None:
    assert "too few" in overlap.same_event_rule(5) and "beats" in overlap.same_event_rule(500)

    def call(a: str, b: str) -> tuple[bool, float, int]:
        row = overlap.document_relations(pd.DataFrame({"doc_id": ["a", "b"], "para_id": 0, "text": [a, b]})).iloc[0]
        return bool(row["same_story"]), float(row["cosine"]), int(row["n_shared_anchors"])

    troops = "Troops guarded the airport in Almaty on Friday as protests went on."
    same, cosine, names = call(troops, "Soldiers guarded Almaty airport on Friday as protests went on.")
    assert same and cosine >= overlap.SMALL_CORPUS_COSINE and names >= overlap.MIN_SHARED_ANCHORS
    # the same words but no place or day in common: not the same story however high the cosine
    same, cosine, names = call("Troops guarded the airport in Almaty as protests went on.",
                               "Soldiers guarded the airport as protests went on in the capital.")
    assert not same and cosine >= overlap.SMALL_CORPUS_COSINE and names == 0
    same, cosine, _ = call(troops, "Wheat harvests in the north beat every forecast this autumn.")
    assert not same and cosine < overlap.SMALL_CORPUS_COSINE


def test_beat_levels_ignore_cosines_below_the_neighbour_floor() -> None:
    measures = pd.DataFrame({"doc_a": ["a", "a"], "doc_b": ["b", "c"], "cosine": [0.5, 0.04]})
    beat = overlap.beat_levels(measures, ["a", "b", "c"], n_neighbors=2)
    assert beat.to_dict() == {"a": 0.25, "b": 0.25, "c": 0.0}


def test_a_paraphrased_fact_and_a_similar_headline_are_not_shared_passages() -> None:
    units = pd.DataFrame({"doc_id": ["a", "a", "b", "b"], "para_id": [0, 1, 0, 1], "text": [
        "Nearly 8,000 detained during protests",
        "The CSTO peacekeepers guarded strategic facilities in Almaty while police patrolled the empty streets "
        "of the city centre.",
        "Nearly 8,000 detained amid unrest",
        "The CSTO began deploying its peacekeepers on Friday to guard strategic facilities, the alliance's "
        "secretary general said in Moscow.",
    ]})
    row = overlap.source_overlap(units).similarity.iloc[0]
    assert row["relation"] != "shared_passages"
    assert len(row["shared_words"].split()) < overlap.MIN_SHARED_RUN + 2  # no reused sentence to show


def test_a_reused_quote_in_an_otherwise_different_story_is_a_shared_passage() -> None:
    quote = ("“We will restore order in the country and bring those responsible for the violence to justice,” "
             "the president said in a televised address.")
    a = ["Fuel prices at petrol stations in the west of the country doubled at the start of the year.",
         "Drivers queued for hours in Zhanaozen, where the first rallies began among oil workers.",
         "Economists said the end of price caps on liquefied gas had been announced with little warning.",
         "Traders expect the government to reinstate the cap for six months while it reviews the market.", quote]
    b = ["The central bank closed for two days and the currency lost a tenth of its value against the dollar.",
         "Banks limited cash withdrawals, and card payments failed across the largest cities for most of Friday.",
         "Exporters of grain and metals said contracts signed before the crisis would be honoured.", quote,
         "The bank's board will meet again next week to decide whether to raise its base rate."]
    units = pd.DataFrame({"doc_id": ["a"] * 5 + ["b"] * 5, "para_id": list(range(5)) * 2, "text": a + b})
    row = overlap.source_overlap(units).similarity.iloc[0]
    assert row["relation"] == "shared_passages"
    assert "restore order in the country" in row["shared_words"]


def test_stories_of_no_document_and_of_one() -> None:
    empty = overlap.stories(pd.DataFrame({"doc_id": pd.Series(dtype=str), "para_id": pd.Series(dtype=int),
                                          "text": pd.Series(dtype=str)}))
    assert empty.empty and list(empty.columns) == list(overlap.STORY_COLUMNS)
    one = pd.DataFrame({"doc_id": ["a", "b"], "para_id": 0, "text": ["Troops guard the airport in Almaty.", "It was."]})
    assert overlap.stories(one).values.tolist() == [["a", "a", 1, "a", 1], ["b", "b", 1, "b", 1]]


def test_source_overlap_hands_over_its_stories_before_it_scores_passages(translated, monkeypatch: pytest.MonkeyPatch) -> None:
    """``on_stories`` gets the stories table before passage scoring starts (a report run writes it there so that
    notebook 02 need not wait for the rest), and it is the table the result holds; also with nothing to compare."""
    from kzanalysis.overlap import relations

    corpus, expected = translated
    units = kz.body_paragraphs(kz.paragraphs(corpus.drop(columns="story")))
    handed: list[pd.DataFrame] = []
    scored_after: list[int] = []

    def scores(*args: object, **kwargs: object) -> pd.DataFrame:
        scored_after.append(len(handed))
        return passage_scores(*args, **kwargs)

    passage_scores = relations.passage_scores
    monkeypatch.setattr(relations, "passage_scores", scores)
    result = overlap.source_overlap(units, on_stories=handed.append)
    assert len(handed) == 1 and scored_after and scored_after[-1] == 1  # the last scoring (the pairs') came after
    pd.testing.assert_frame_equal(handed[0], result.stories)
    pd.testing.assert_frame_equal(result.stories, expected.stories)
    alone = overlap.source_overlap(units[units["doc_id"] == units["doc_id"].iloc[0]], on_stories=handed.append)
    assert alone.problem and len(handed) == 2
    pd.testing.assert_frame_equal(handed[1], alone.stories)


def test_anchors_read_on_workers_are_the_anchors_read_here(
        monkeypatch: pytest.MonkeyPatch, chunk_calls) -> None:  # type: ignore[no-untyped-def]
    import importlib

    anchors = importlib.import_module("kzanalysis.overlap.anchors")  # the module: overlap.anchors is its function
    units = kz.body_paragraphs(kz.paragraphs(kz.load_corpus()))
    languages = {d: "en" for d in units["doc_id"]}
    here = anchors.document_anchors(units, languages, n_jobs=1)
    calls = chunk_calls(anchors)
    monkeypatch.setattr(anchors, "PARALLEL_MIN_DOCS", 2)
    monkeypatch.setattr(anchors, "CHUNK_DOCS", 2)
    there = anchors.document_anchors(units, languages, n_jobs=2)
    assert calls == [(2, 5)]  # five documents, one per chunk (kz.parallel cuts about four chunks per worker)
    assert list(there) == sorted(units["doc_id"].unique()) and all(here.values())
    assert there == here
