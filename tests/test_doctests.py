"""The running examples of every module's docstrings, run as tests."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import kzanalysis

MODULES = sorted(m.name for m in pkgutil.walk_packages(kzanalysis.__path__, "kzanalysis."))
WITHOUT_EXAMPLES = {"kzanalysis.cli"}
"""Modules with no public function to show: the command line is shown in the README and tested by running it."""


def test_every_module_is_checked() -> None:
    assert {"kzanalysis.quotations", "kzanalysis.overlap.passages", "kzanalysis.report.runner"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    if name not in WITHOUT_EXAMPLES and not hasattr(importlib.import_module(name), "__path__"):  # packages re-export
        assert result.attempted > 0 or not _has_public_functions(name), f"{name} has no running example"
    assert result.failed == 0, f"{name}: {result.failed} of {result.attempted} examples fail"


def _has_public_functions(name: str) -> bool:
    module = importlib.import_module(name)
    import inspect

    return any(inspect.isfunction(obj) and obj.__module__ == name
               for n, obj in vars(module).items() if not n.startswith("_"))


def test_every_public_function_and_class_has_a_running_example() -> None:
    """Exceptions aside: their message is the documentation, and the tests raise each one."""
    import inspect

    missing = []
    for name in MODULES:
        module = importlib.import_module(name)
        if hasattr(module, "__path__"):
            continue
        for attr, obj in vars(module).items():
            documented = inspect.isfunction(obj) or (inspect.isclass(obj) and not issubclass(obj, BaseException))
            if not attr.startswith("_") and documented and obj.__module__ == name \
                    and ">>>" not in (inspect.getdoc(obj) or ""):
                missing.append(f"{name}.{attr}")
    assert not missing, missing
