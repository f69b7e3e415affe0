"""Shared fixtures: the notebook series run once per test session, on the seed corpus and on a tiny corpus."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

TINY_TEXTS = {
    # no metadata, names with spaces and non-Latin letters, markup that must be escaped in reports
    "Жаңалықтар 1.txt": (
        "Protesters gathered in Almaty on Tuesday after fuel prices doubled.\n\n"
        "Police said 18 officers were killed; the president called the crowds terrorists.\n"
        "Subscribe to our newsletter updates\n"
    ),
    "report two.txt": (
        "<i>Bandits</i> & reform\n"
        "Officials blamed <b>bandits</b> & foreign-trained terrorists for the unrest in Almaty.\n"
        "Protesters said they wanted lower fuel prices and political reform.\n"
        "Troops from Russia arrived to guard airports and government buildings.\n"
    ),
    "third-article.txt": (
        "Fuel prices rose sharply in January and protests spread across the country.\n"
        "The government resigned and a state of emergency was declared.\n"
        "Reporting by A. Writer; Editing by B. Editor\n"
    ),
}


@pytest.fixture(scope="session")
def tiny_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tiny corpus")
    for name, text in TINY_TEXTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _run(corpus: Path, out: Path) -> pd.DataFrame:
    from kzanalysis.report import run_series

    runs = run_series(corpus, out=out)
    failed = runs[runs["status"] != "ok"]
    assert failed.empty, f"notebooks failed on {corpus}:\n{failed[['notebook', 'error']].to_string()}"
    return runs


@pytest.fixture(scope="session")
def seed_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole series run on the seed corpus; returns the report folder."""
    from kzanalysis import config

    out = tmp_path_factory.mktemp("seed-report")
    _run(config.RAW_DIR, out)
    return out


@pytest.fixture(scope="session")
def tiny_report(tmp_path_factory: pytest.TempPathFactory, tiny_corpus: Path) -> Path:
    """The whole series run on a three-document corpus without metadata; returns the report folder."""
    out = tmp_path_factory.mktemp("tiny-report")
    _run(tiny_corpus, out)
    return out
