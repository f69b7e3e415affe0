"""Tests for the progress helper: bars in an interactive notebook only, silence in scripts, tests and reports."""

from __future__ import annotations

import types

import IPython
import pytest

from kzanalysis import progress as progress_module
from kzanalysis.progress import PROGRESS_ENV, progress, progress_enabled


class _Kernel:
    kernel = object()  # what an IPython kernel's shell has and a terminal IPython does not


@pytest.mark.parametrize("enabled", [None, False])
def test_disabled_or_outside_a_notebook_passes_items_through_silently(enabled, capsys) -> None:
    assert list(progress(iter(["a", "b", "c"]), total=3, desc="chunks", enabled=enabled)) == ["a", "b", "c"]
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_enabled_shows_a_bar_and_keeps_the_items(capsys) -> None:
    assert list(progress(range(4), desc="chunks", enabled=True)) == [0, 1, 2, 3]
    assert "chunks" in capsys.readouterr().err  # tqdm writes to stderr on a terminal or in a test


def test_not_a_notebook_in_tests(monkeypatch) -> None:
    monkeypatch.delenv(PROGRESS_ENV, raising=False)
    assert progress_enabled() is False


def test_on_in_a_kernel_unless_switched_off(monkeypatch) -> None:
    monkeypatch.setattr(IPython, "get_ipython", lambda: _Kernel())
    monkeypatch.delenv(PROGRESS_ENV, raising=False)
    assert progress_enabled() is True
    monkeypatch.setenv(PROGRESS_ENV, "0")
    assert progress_enabled() is False
    monkeypatch.setenv(PROGRESS_ENV, "1")
    assert progress_enabled() is True


def test_terminal_ipython_without_a_kernel_is_not_a_notebook(monkeypatch) -> None:
    monkeypatch.setattr(IPython, "get_ipython", lambda: types.SimpleNamespace())
    monkeypatch.delenv(PROGRESS_ENV, raising=False)
    assert progress_enabled() is False


def test_report_runs_stay_silent_even_in_a_kernel(monkeypatch, capsys) -> None:
    monkeypatch.setattr(IPython, "get_ipython", lambda: _Kernel())
    monkeypatch.setenv(PROGRESS_ENV, "0")
    assert list(progress_module.progress([1, 2], desc="report")) == [1, 2]
    assert capsys.readouterr().err == ""
