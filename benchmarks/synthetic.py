"""Synthetic news corpora with planted text reuse, for benchmarks at 1k to 100k documents.

Sentences are drawn from the seed articles' body text. So that documents are not all made of the
same 160 sentences, each word is replaced with probability ``noise`` by a pseudo-word drawn from a
Zipf distribution over a large pseudo-vocabulary: the vocabulary then grows with the corpus roughly
as it does in real news (Heaps' law), which matters for tokenising, stemming and TF-IDF costs. A
pseudo-word keeps the punctuation and capital of the word it replaces, so sentences keep their ends.

Planted, with known answers:
- exact copies (a share of documents is republished verbatim under a new id);
- edited copies (a stated share of words changed, paragraphs reordered);
- shared paragraphs (one paragraph of one document inserted into another, otherwise unrelated).

Exact and edited copies are the true near-duplicate pairs; shared paragraphs are not.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

import kzanalysis as kz

_SYLLABLES = np.array([c + v for c in "bdfgklmnprstvz" for v in ("a", "e", "i", "o", "u", "an", "ar", "en", "ol")])


@dataclass(frozen=True)
class PlantedCorpus:
    """A synthetic corpus and its ground truth."""

    articles: pd.DataFrame
    """One row per article: ``doc_id``, ``text``, ``outlet``."""
    pairs: pd.DataFrame
    """One row per planted pair: ``doc_a``, ``doc_b`` (``doc_a < doc_b``), ``kind`` (exact / edited / shared_paragraph)."""


def _pseudo_vocabulary(size: int, rng: np.random.Generator) -> np.ndarray:
    """``size`` distinct pronounceable pseudo-words of 2-4 syllables."""
    words: set[str] = set()
    while len(words) < size:
        n = size - len(words)
        lengths = rng.integers(2, 5, size=n)
        picks = rng.integers(0, len(_SYLLABLES), size=(n, 4))
        for length, row in zip(lengths, picks):
            words.add("".join(_SYLLABLES[row[:length]]))
    return np.array(sorted(words))


def _in_place_of(word: str, pseudo_word: str) -> str:
    """``pseudo_word`` in the place of ``word``: with its punctuation on either side and its capital, so that a
    replaced word never takes away a sentence's end (a paragraph without one is read as broken mid-sentence and
    joined with the next by ``kz.body_paragraphs``, which news text does not call for).

    Example:
        >>> _in_place_of("“Almaty.”", "zibeti")
        '“Zibeti.”'
    """
    start = next((n for n, c in enumerate(word) if c.isalnum()), len(word))
    stop = next((n for n in range(len(word), 0, -1) if word[n - 1].isalnum()), start)
    core = pseudo_word.capitalize() if word[start:start + 1].isupper() else pseudo_word
    return word[:start] + core + word[stop:]


def seed_sentences() -> list[list[str]]:
    """The seed corpus's body sentences, each as a list of whitespace-separated words."""
    paras = kz.paragraphs(kz.load_corpus())
    sentences = kz.sentences(kz.body_paragraphs(paras))
    return [s.split() for s in sentences["text"] if len(s.split()) >= 5]


def make_corpus(
    n_docs: int,
    *,
    words_per_doc: int = 600,
    noise: float = 0.3,
    vocabulary: int = 200_000,
    share_exact: float = 0.02,
    share_edited: float = 0.03,
    share_shared_paragraph: float = 0.03,
    edit_rate: float = 0.10,
    random_state: int = 0,
) -> PlantedCorpus:
    """Build ``n_docs`` articles of about ``words_per_doc`` words with planted reuse.

    Args:
        n_docs: Articles in all, copies included.
        words_per_doc: Target length; paragraphs hold 2-4 sentences.
        noise: Probability that a word is replaced by a Zipf-drawn pseudo-word.
        vocabulary: Size of the pseudo-vocabulary.
        share_exact: Share of articles that are verbatim copies of another.
        share_edited: Share that are edited copies (``edit_rate`` of words replaced, paragraphs shuffled).
        share_shared_paragraph: Share that receive one paragraph from another article.
        edit_rate: Share of words an edited copy changes.
        random_state: Seed; the same arguments give the same corpus.

    Returns:
        The :class:`PlantedCorpus`.
    """
    rng = np.random.default_rng(random_state)
    sentences = seed_sentences()
    pseudo = rng.permutation(_pseudo_vocabulary(vocabulary, rng))
    n_copies = int(n_docs * share_exact) + int(n_docs * share_edited)
    n_original = n_docs - n_copies
    zipf_ranks = np.minimum(rng.zipf(1.3, size=n_original * words_per_doc * 2) - 1, vocabulary - 1)
    zipf_at = 0

    docs: list[list[str]] = []  # paragraphs per doc
    for _ in range(n_original):
        paragraphs, words = [], 0
        while words < words_per_doc:
            picks = rng.integers(0, len(sentences), size=rng.integers(2, 5))
            paragraph_words: list[str] = []
            for index in picks:
                sentence = list(sentences[index])
                mask = rng.random(len(sentence)) < noise
                for position in np.flatnonzero(mask):
                    sentence[position] = _in_place_of(sentence[position], pseudo[zipf_ranks[zipf_at % len(zipf_ranks)]])
                    zipf_at += 1
                paragraph_words += sentence
            paragraphs.append(" ".join(paragraph_words))
            words += len(paragraph_words)
        docs.append(paragraphs)

    pairs: list[tuple[int, int, str]] = []
    sources = rng.choice(n_original, size=n_copies, replace=False)
    for k, source in enumerate(sources):
        if k < int(n_docs * share_exact):
            copy, kind = list(docs[source]), "exact"
        else:
            kind = "edited"
            copy = []
            for paragraph in docs[source]:
                words = paragraph.split()
                mask = rng.random(len(words)) < edit_rate
                for position in np.flatnonzero(mask):
                    words[position] = _in_place_of(words[position], pseudo[rng.integers(0, vocabulary)])
                copy.append(" ".join(words))
            order = rng.permutation(len(copy))
            copy = [copy[i] for i in order]
        docs.append(copy)
        pairs.append((int(source), len(docs) - 1, kind))

    n_shared = int(n_docs * share_shared_paragraph)
    used = set(int(s) for s in sources) | {b for _, b, _ in pairs}
    candidates = np.array([i for i in range(n_original) if i not in used])
    chosen = rng.choice(candidates, size=(n_shared, 2), replace=False) if n_shared else np.empty((0, 2), int)
    for giver, taker in chosen:
        paragraph = docs[giver][int(rng.integers(0, len(docs[giver])))]
        docs[taker] = docs[taker] + [paragraph]
        pairs.append((int(giver), int(taker), "shared_paragraph"))

    width = len(str(n_docs))
    ids = [f"doc{i:0{width}d}" for i in range(len(docs))]
    outlets = [f"outlet{i % 7}" for i in range(len(docs))]
    articles = pd.DataFrame({"doc_id": ids, "text": ["\n\n".join(p) for p in docs], "outlet": outlets})
    truth = pd.DataFrame(
        [(min(ids[a], ids[b]), max(ids[a], ids[b]), kind) for a, b, kind in pairs],
        columns=["doc_a", "doc_b", "kind"],
    )
    return PlantedCorpus(articles=articles, pairs=truth.sort_values(["doc_a", "doc_b"]).reset_index(drop=True))


def write_jsonl(corpus: PlantedCorpus, path: Path) -> Path:
    """Write the articles as JSON Lines (one object per line) and the pairs beside them as CSV."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for row in corpus.articles.itertuples(index=False):
            handle.write(json.dumps({"doc_id": row.doc_id, "outlet": row.outlet, "text": row.text}) + "\n")
    corpus.pairs.to_csv(path.with_suffix(".pairs.csv"), index=False)
    return path
