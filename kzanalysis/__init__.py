"""kzanalysis: compare how outlets covered one event, from raw text to tables and figures.

The public helpers are importable from the top level (``import kzanalysis as kz``). Importing the
package is light: pandas, scikit-learn, NLTK and matplotlib load only when a helper that needs them
is first called.
"""

from __future__ import annotations

import importlib
from typing import Any

try:
    from importlib.metadata import PackageNotFoundError, version as _version

    __version__ = _version("kzanalysis")
except PackageNotFoundError:  # pragma: no cover - running from a checkout that was never installed
    __version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    "CorpusError": "corpus",
    "load_corpus": "corpus",
    "check_corpus": "corpus",
    "read_text": "corpus",
    "corpus_fingerprint": "corpus",
    "corpus_parts": "corpus",
    "paragraphs": "clean",
    "body_paragraphs": "clean",
    "body_text": "clean",
    "load_boilerplate_rules": "clean",
    "clean_inline": "clean",
    "sentences": "tokenize",
    "tokens": "tokenize",
    "compact_tokens": "tokenize",
    "analysis_tokens": "tokenize",
    "nltk_resources": "tokenize",
    "Features": "features",
    "tfidf": "features",
    "top_terms": "features",
    "quotes": "quotations",
    "citations": "quotations",
    "run_series": "report",
}

# stage modules, importable as attributes: ``kz.overlap.doc_similarity(...)``
_MODULES = frozenset({"config", "corpus", "webpages", "languages", "clean", "layout", "tokenize", "features", "overlap", "topics",
                      "quotations", "framing", "claims", "findings", "plots", "report", "progress", "parallel", "cli"})

__all__ = sorted([*_EXPORTS, "config", "__version__"])


def __getattr__(name: str) -> Any:
    """Import a helper's module on first use (PEP 562), so ``import kzanalysis`` stays fast."""
    if name in _EXPORTS:
        module = importlib.import_module(f".{_EXPORTS[name]}", __name__)
        return getattr(module, name)
    if name in _MODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'kzanalysis' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*__all__, *_MODULES})  # stage modules too, so tab completion offers kz.findings, kz.report, ...
