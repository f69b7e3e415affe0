"""Corpus stage, languages: the language of each document, and which documents an English-only analysis may read.

Detection uses py3langid (a maintained fork of langid.py, Lui & Baldwin 2012): its model ships in its wheel, it is
deterministic, and it takes about 0.2 ms for a headline (``benchmarks/language_detection.py`` compares it with
langdetect: both identify all 40 test headlines in 10 languages; langdetect is 25 times slower and random unless
seeded). A document is identified from its first :data:`DETECTION_CHARS` characters, plenty for a news article;
single short lines are where identifiers err, and they are never identified alone here.
"""

from __future__ import annotations

import pandas as pd

from kzanalysis.config import installed_version

DETECTOR = "py3langid"
DETECTION_CHARS = 2_000
"""Characters of a document's text the detector reads (its start: headline and lead)."""
ANALYSIS_LANGUAGE = "en"
"""The language of the lexicons and patterns of framing, claims and sources."""
SNOWBALL_LANGUAGES = {"ar": "arabic", "da": "danish", "de": "german", "en": "english", "es": "spanish",
                      "fi": "finnish", "fr": "french", "hu": "hungarian", "it": "italian", "nb": "norwegian",
                      "nl": "dutch", "nn": "norwegian", "no": "norwegian", "pt": "portuguese", "ro": "romanian",
                      "ru": "russian", "sv": "swedish"}
"""ISO 639-1 code -> NLTK's Snowball stemmer (no downloaded data). Other languages keep words unstemmed."""


def unit_languages(frame: pd.DataFrame) -> list[str]:
    """The language of each row of a units (or paragraphs) frame: its ``language`` column, ``"en"`` without one.

    A document whose language could not be identified (no letters) is read as English, as before languages.

    Example:
        >>> unit_languages(pd.DataFrame({"text": ["a", "b"], "language": ["de", ""]}))
        ['de', 'en']
    """
    if "language" not in frame.columns:
        return [ANALYSIS_LANGUAGE] * len(frame)
    return [str(v) if isinstance(v, str) and v else ANALYSIS_LANGUAGE for v in frame["language"].tolist()]


def detector_name() -> str:
    """The detector and its version, for provenance.

    Example:
        >>> detector_name().startswith("py3langid ")
        True
    """
    return f"{DETECTOR} {installed_version(DETECTOR)}"


def detect_language(text: str) -> str:
    """The ISO 639-1 code of the language a text is written in (``""`` for a text without letters).

    Example:
        >>> detect_language("Die Polizei nahm Dutzende Demonstranten am Hauptplatz fest")
        'de'
    """
    import py3langid

    sample = str(text)[:DETECTION_CHARS]
    if not any(ch.isalpha() for ch in sample):
        return ""
    return str(py3langid.classify(sample)[0])


PARALLEL_MIN_TEXTS = 2_000
"""Below this many texts :func:`detect_languages` runs in one process (starting workers costs more than it saves:
the detector takes about 2 ms for an article's first 2,000 characters)."""
CHUNK_TEXTS = 1_000
"""Texts per worker task in :func:`detect_languages`."""


def _detect_chunk(texts: list[str]) -> list[str]:
    """:func:`detect_language` of each text (top level, for worker processes)."""
    return [detect_language(text) for text in texts]


def detect_languages(texts: list[str], *, n_jobs: int | None = None) -> list[str]:
    """:func:`detect_language` of every text, on ``n_jobs`` workers from :data:`PARALLEL_MIN_TEXTS` texts on.

    Args:
        texts: The texts, e.g. a corpus's ``text`` column as a list.
        n_jobs: Workers, with scikit-learn's meaning (see :func:`kzanalysis.parallel.workers`).

    Returns:
        One ISO 639-1 code per text, in order (``""`` for a text without letters).

    Example:
        >>> detect_languages(["Die Polizei nahm Dutzende Demonstranten am Hauptplatz fest", "1 2 3"])
        ['de', '']
    """
    from kzanalysis.parallel import chunk_bounds, run_chunks, workers

    n_workers = workers(n_jobs, len(texts), min_items=PARALLEL_MIN_TEXTS)
    bounds = chunk_bounds(len(texts), n_workers, chunk_size=CHUNK_TEXTS)
    return [code for chunk in run_chunks(_detect_chunk, list(texts), bounds, (), n_jobs=n_workers,
                                         desc="languages", show=False) for code in chunk]


def document_languages(corpus: pd.DataFrame) -> pd.Series:
    """The language each document is analysed in: the metadata's ``language`` when given, else the detected one.

    Metadata values are read as language codes or names' first two letters in lower case
    (``"en"``, ``"EN-US"`` and ``"en_GB"`` are all ``"en"``).

    Args:
        corpus: ``load_corpus`` output (``doc_id``, ``detected_language``, optional ``language``).

    Returns:
        One value per document, indexed by ``doc_id``, named ``language``.

    Example:
        >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "detected_language": ["de", "en"], "language": ["", "EN-US"]})
        >>> document_languages(corpus).to_dict()
        {'a': 'de', 'b': 'en'}
    """
    chosen = corpus["detected_language"].astype(str) if "detected_language" in corpus.columns else (
        corpus["text"].map(detect_language))
    if "language" in corpus.columns:
        given = corpus["language"].astype(str).str.strip().str.lower().str[:2]
        chosen = given.where(given.str.len() == 2, chosen)
    return pd.Series(chosen.to_numpy(), index=corpus["doc_id"].astype(str).to_numpy(), name="language")


def split_by_language(corpus: pd.DataFrame, *, language: str = ANALYSIS_LANGUAGE) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The documents an analysis in ``language`` may read, and a table of the others with the reason.

    Framing, claims and sources match English words and patterns: run on a German article they
    would count nothing, or count dates as casualty figures. They run on the documents kept here;
    the others are listed, not silently dropped.

    Returns:
        ``(kept, not_analysed)``: the corpus rows in ``language``, and one row per other document:
        ``doc_id``, ``outlet``, ``language``, ``reason``.

    Example:
        >>> corpus = pd.DataFrame({"doc_id": ["a", "b"], "outlet": ["X", "Y"], "detected_language": ["en", "it"]})
        >>> kept, skipped = split_by_language(corpus)
        >>> kept["doc_id"].tolist(), skipped["language"].tolist()
        (['a'], ['it'])
    """
    languages = document_languages(corpus)
    keep = (languages == language).to_numpy()
    others = corpus.loc[~keep, ["doc_id"]].assign(
        outlet=corpus.loc[~keep, "outlet"] if "outlet" in corpus.columns else "unknown",
        language=languages[~keep].to_numpy())
    others["reason"] = [f"written in {lang or 'an unidentified language'}; the lexicons and patterns are {language}"
                        for lang in others["language"]]
    return corpus.loc[keep].reset_index(drop=True), others.reset_index(drop=True)
