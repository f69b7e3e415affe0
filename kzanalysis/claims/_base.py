"""Kinds, column sets and files shared by the claims stage."""

from __future__ import annotations

from pathlib import Path
from typing import Literal


from .. import config

UnitKind = Literal["killed", "injured", "detained", "other"]
Signal = Literal["dateline", "credit", "wire_mention", "translation_sign"]

UNIT_KINDS: tuple[str, ...] = ("killed", "injured", "detained", "other")
CASUALTY_KINDS: tuple[str, ...] = ("killed", "injured", "detained")
SOURCE_LEXICON: Path = config.DATA_DIR / "lexicons" / "sources.csv"
"""Researcher-editable source typing rules: one regular expression per row, first match wins."""
CLAIM_LABELS: Path = config.LABELS_DIR / "claims_seed.csv"
"""Hand list of every casualty and detention claim in the five seed articles."""
UNCLASSIFIED = "unclassified"
SOURCE_TYPE_ORDER: tuple[str, ...] = ("official", "state_media", "foreign_government", "media", "independent", "expert")
"""Display order of the shipped source types (government or official, state media, foreign government, wire or
other media, independent or witness, expert); types a researcher adds come after them."""

CLAIM_COLUMNS = ["doc_id", "para_id", "quantity", "quantity_word", "qualifier", "unit_kind", "who",
                 "attributed_to", "text"]
NUMBER_COLUMNS = ["doc_id", "para_id", "sent_id", "start", "end", "mention", "quantity", "quantity_word", "role"]
SOURCE_COLUMNS = ["doc_id", "para_id", "source", "source_type", "cue", "text"]
SOURCE_SUMMARY_COLUMNS = ["doc_id", "outlet", "source_type", "n_citations", "share"]
PROVENANCE_COLUMNS = ["doc_id", "signal", "value", "para_id", "evidence"]
LABEL_COLUMNS = ["doc_id", "para_id", "quantity", "quantity_word", "qualifier", "unit_kind", "who", "attributed_to"]

NUMBER_ROLES: tuple[str, ...] = ("count", "date", "year", "percent", "age", "duration", "time", "money", "name")
"""What a number mention is: only ``count`` mentions become claims (see :func:`number_mentions`)."""
