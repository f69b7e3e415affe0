"""Paths (and installed versions): where the package finds its shipped files (rules, lexicons, labels, seed corpus, notebooks) and writes reports.

Shipped files are found through ``importlib.resources``: an installed wheel carries them inside the package
(``kzanalysis/data``, ``kzanalysis/notebooks``); a checkout, editable or not, reads the top-level ``data/`` and
``notebooks/`` that people see and edit. Every function that reads or writes takes a path argument defaulting to
these, so a researcher can point it elsewhere.
"""

from __future__ import annotations

from importlib import metadata, resources
from pathlib import Path

PACKAGE_DIR: Path = Path(str(resources.files("kzanalysis")))
PROJECT_ROOT: Path = PACKAGE_DIR.parent
"""The checkout's root when the package runs from one; in an installed wheel, the site-packages folder."""
IN_CHECKOUT: bool = (PROJECT_ROOT / "pyproject.toml").is_file() and (PROJECT_ROOT / "data").is_dir()


def shipped(name: str) -> Path:
    """A folder the package ships (``data`` or ``notebooks``): inside the installed package, else the checkout's.

    Example:
        >>> shipped("data").name
        'data'
    """
    inside = PACKAGE_DIR / name
    return inside if inside.is_dir() else PROJECT_ROOT / name


DATA_DIR: Path = shipped("data")
RAW_DIR: Path = DATA_DIR / "raw"
"""The seed corpus: five articles copied byte for byte from ``shared/seeds`` plus ``metadata.csv``."""
SEED_METADATA: Path = RAW_DIR / "metadata.csv"
BOILERPLATE_RULES: Path = DATA_DIR / "rules" / "boilerplate.csv"
"""Researcher-editable boilerplate rules (one regular expression per row)."""
LABELS_DIR: Path = DATA_DIR / "labels"
"""Hand labels made by reading the seed articles; the tests check the package against them."""
NOTEBOOKS_DIR: Path = shipped("notebooks")
REPORTS_DIR: Path = PROJECT_ROOT / "reports" if IN_CHECKOUT else Path("reports")
"""The default report folder: the checkout's ``reports/``; for an installed package, ``reports/`` in the folder
the command runs in."""

def installed_version(package: str) -> str:
    """The installed version of a package, or ``"not installed"``: what provenance and ``encoding`` record.

    Example:
        >>> installed_version("surely-not-a-package-name")
        'not installed'
    """
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


METADATA_FILENAME = "metadata.csv"
"""Name of the optional metadata file inside a corpus folder."""
