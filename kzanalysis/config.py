"""Paths: where the project keeps its data, rules and reports (every I/O function takes these as defaults)."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT: Path = Path(__file__).resolve().parents[1]
DATA_DIR: Path = PROJECT_ROOT / "data"
RAW_DIR: Path = DATA_DIR / "raw"
"""The seed corpus: five articles copied byte for byte from ``shared/seeds`` plus ``metadata.csv``."""
SEED_METADATA: Path = RAW_DIR / "metadata.csv"
BOILERPLATE_RULES: Path = DATA_DIR / "rules" / "boilerplate.csv"
"""Researcher-editable boilerplate rules (one regular expression per row)."""
LABELS_DIR: Path = DATA_DIR / "labels"
"""Hand labels made by reading the seed articles; the tests check the package against them."""
NOTEBOOKS_DIR: Path = PROJECT_ROOT / "notebooks"
REPORTS_DIR: Path = PROJECT_ROOT / "reports"

METADATA_FILENAME = "metadata.csv"
"""Name of the optional metadata file inside a corpus folder."""
