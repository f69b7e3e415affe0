"""Tests for the project's data files: the seed corpus must stay byte-identical to shared/seeds."""

from __future__ import annotations

import hashlib

import pytest

from kzanalysis import config

SEED_SHA256 = {
    "000_143417c5e503c3f3.txt": "e71468f8f9839e9378bd6c7851233f363b258927e5708ac6317df5daa2432cef",
    "001_5fd3b595c2b22735.txt": "15ad50bdc81b8f3658de1192b3f7f8044a4d23511ef811a66ed4b319c610dbb2",
    "002_f6fac79b3e52d7e7.txt": "a5ffe41c59a482e3ac83dec0cab5bced931703bed1f218a6c762ced823987b74",
    "003_c32e65cbf677ca05.txt": "9279eccbe6af4b048d5b6198dfa012eab006005d96725fc74c76243b2ee1116d",
    "004_15f499adc5933ae2.txt": "67d90a42bacf63e7858fdd9df7a2be82544403d9e48fd6354db950e5d4199f4e",
}


def test_seed_folder_holds_exactly_the_five_articles() -> None:
    assert sorted(p.name for p in config.RAW_DIR.glob("*.txt")) == sorted(SEED_SHA256)


@pytest.mark.parametrize(("name", "sha256"), sorted(SEED_SHA256.items()))
def test_seed_article_is_byte_identical(name: str, sha256: str) -> None:
    assert hashlib.sha256((config.RAW_DIR / name).read_bytes()).hexdigest() == sha256
