"""The running examples of the modules' docstrings, run as tests (modules not listed here are still to follow)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["kzanalysis.findings", "kzanalysis.findings.base", "kzanalysis.findings.corpus",
           "kzanalysis.findings.overlap", "kzanalysis.findings.topics", "kzanalysis.findings.framing",
           "kzanalysis.findings.claims", "kzanalysis.findings.figures", "kzanalysis.report.tables",
           "kzanalysis.report.index", "kzanalysis.clean", "kzanalysis.progress", "kzanalysis.webpages", "kzanalysis.languages", "kzanalysis.tokenize", "kzanalysis.config",
           "kzanalysis.layout", "kzanalysis.quotations", "kzanalysis.parallel", "kzanalysis.features",
           "kzanalysis.overlap._base", "kzanalysis.overlap.sketch", "kzanalysis.overlap.candidates",
           "kzanalysis.overlap.measures", "kzanalysis.overlap.passages", "kzanalysis.overlap.relations",
           "kzanalysis.overlap.wording", "kzanalysis.overlap.evaluate"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0, f"{name} has no running example"
    assert result.failed == 0, f"{name}: {result.failed} of {result.attempted} examples fail"
