"""Query expansion: the other language's word for a typed word the lexicon does not know
("floods" → Hochwasser, "Papst" → pope), found once, when the query is subscribed.

The lexicon knows both languages and the synonyms of its concepts; a word it does not
know is found only as typed. Here such a word is compared, by the multilingual sentence
model (bot/embeddings.py), with a vocabulary of common German and English words embedded
once (seeds/vocabulary.npz, scripts/build_vocabulary.py). Nearness alone is not
translation: the small model places a word near words spelled alike ("Zölle" near
"Zelle", "Masern" near "Master") and near related words ("measles" near "disease"). So
a candidate is kept only when the two words choose each other across the languages:

- it is the word of the other language nearest to the typed word, above a cosine
  floor, and
- the typed word is nearer to it than every word of the typed word's language is.

Each word is embedded framed as a topic in its language ("Thema: Dürre", "Topic:
drought"): bare, the model reads a word by its spelling.

Spelling neighbours fail the second test (they have closer neighbours of their own
spelling), related words fail it too (their translation is nearer to them). What passes
is few but precise; the reader sees it in the preview and can remove it.

Expansions are computed at subscribe time (one query embedding and a few matrix-vector
products: milliseconds, off the event loop) and stored with the subscription.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt
import Stemmer
from rapidfuzz import fuzz

from bot import embeddings
from bot.matching.normalize import fold
from bot.seeds import seed_path

VOCABULARY = "vocabulary.npz"
# A bare word is read by its spelling ("Zölle" near "Zelle"); framed as a topic in its
# own language it is read by its meaning ("Thema: Dürre" near "Topic: drought").
FRAMES = {True: "Thema: {}", False: "Topic: {}"}
# A second reading, as a news sentence: a pair must hold in both (a spelling likeness
# that survives one frame rarely survives the other).
SENTENCES = {True: "Nachrichten über {}.", False: "News about {}."}
RIVALS = 6  # the candidate's nearest words of the typed word's language, checked again
# Spelled alike (rapidfuzz ratio, 0-100): the model's nearness may be the spelling's
# ("Lawinen" → lawn, "Roten" → rotten). Such pairs are left out, true cognates too
# ("Kabel" → cable): a wrong expansion costs more than a missing one.
MAX_LIKENESS = 50
# Tuned on the real dev half (tests/matching/real/dev.jsonl).
MIN_COSINE = 0.88
MAX_WORD_CHARS = 40

Vectors = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Expansion:
    """A term searched for beside a typed word: `word` as typed, `term` as shown."""

    word: str
    term: str


@dataclass(frozen=True)
class Vocabulary:
    words: tuple[str, ...]
    folded: tuple[str, ...]
    german: npt.NDArray[np.bool_]
    vectors: Vectors  # normalised rows


@cache
def vocabulary() -> Vocabulary | None:
    """The bundled vocabulary, or None where it is missing (expansion is then off)."""
    path: Path = seed_path("LIVEBLOG_VOCABULARY", VOCABULARY)
    try:
        with np.load(path) as data:
            words = tuple(str(w) for w in data["words"])
            raw = np.asarray(data["vectors"], dtype=np.float32)
            german = np.asarray(data["german"], dtype=bool)
    except (OSError, KeyError, ValueError):
        return None
    norms = np.linalg.norm(raw, axis=1, keepdims=True)
    vectors = (raw / np.maximum(norms, 1e-6)).astype(np.float32)
    return Vocabulary(words, tuple(fold(w) for w in words), german, vectors)


def framed(word: str, german: bool) -> str:
    """The text embedded for a word of the given language (vocabulary and queries)."""
    return FRAMES[german].format(word)


_STEMMERS = (Stemmer.Stemmer("german"), Stemmer.Stemmer("english"))


def _stems(word: str) -> set[str]:
    folded = fold(word)
    return {folded} | {s.stemWord(folded) for s in _STEMMERS}


def same_word(a: str, b: str) -> bool:
    """Forms of one word, or one inside the other ("Masern", "Masernfälle"): the
    lexical match finds these already, and a part ("Grippe" in "Vogelgrippe") is
    broader than what was asked."""
    fa, fb = fold(a), fold(b)
    if fa in fb or fb in fa:
        return True
    return bool(_stems(a) & _stems(b))


def expand_word(word: str, vocab: Vocabulary | None = None) -> list[str]:
    """The other language's word for one typed word, where the two choose each other."""
    vocab = vocab if vocab is not None else vocabulary()
    word = " ".join(word.split())[:MAX_WORD_CHARS]
    if vocab is None or not word or not len(vocab.words):
        return []
    folded = fold(word)
    own = np.fromiter((f == folded for f in vocab.folded), dtype=bool, count=len(vocab.words))
    if not own.any():
        # A word the vocabulary lacks is rare or new ("mpox", "Bitcoin"): the small
        # model knows it by its spelling at best, and finds related words, not its own.
        return []
    languages = sorted({bool(g) for g in vocab.german[own]})
    if len(languages) > 1:
        return []  # spelled alike in both ("Sabotage", "Bitcoin"): the words find it
    found: list[str] = []
    queries = embeddings.queries([framed(word, german) for german in languages])
    for german, query in zip(languages, queries, strict=True):
        sims = vocab.vectors @ query
        sims[own] = -1.0
        side = np.where(vocab.german != german, sims, -1.0)
        best = int(np.argmax(side))
        cosine = float(side[best])
        candidate = vocab.words[best]
        if cosine < MIN_COSINE or same_word(word, candidate):
            continue
        if fuzz.ratio(folded, fold(candidate)) >= MAX_LIKENESS or candidate.isupper():
            continue  # spelled alike, or an acronym (a name: "SAP" for sabotage)
        # Back: every word of the typed word's language must be farther from the
        # candidate than the typed word is.
        around = vocab.vectors @ vocab.vectors[best]
        around[own] = -1.0
        rivals = np.flatnonzero((vocab.german == german) & (around >= cosine))
        # The candidate's own spelling in the other list (German news write "Hospital"
        # too) and forms of the typed word ("Impfungen") are no rivals.
        if any(
            not same_word(vocab.words[r], candidate) and not same_word(vocab.words[r], word)
            for r in rivals
        ):
            continue
        if not _holds_as_sentence(word, german, candidate, around, vocab):
            continue
        found.append(candidate)
    return list(dict.fromkeys(found))


def _holds_as_sentence(
    word: str, german: bool, candidate: str, around: Vectors, vocab: Vocabulary
) -> bool:
    """The pair read again in news sentences: the typed word must still be nearer to the
    candidate than the candidate's nearest words of the typed word's language are."""
    side = np.where(vocab.german == german, around, -1.0)
    nearest = [
        vocab.words[r]
        for r in np.argsort(-side)[: RIVALS * 2]
        if not same_word(vocab.words[r], candidate) and not same_word(vocab.words[r], word)
    ][:RIVALS]
    frame = SENTENCES[german]
    texts = [SENTENCES[not german].format(candidate), frame.format(word)]
    texts += [frame.format(rival) for rival in nearest]
    vectors = embeddings.queries(texts)
    cosines = vectors[1:] @ vectors[0]
    return bool(cosines.size == 1 or cosines[0] > float(cosines[1:].max()))


def expand(words: Sequence[str]) -> list[Expansion]:
    """Expansions for each typed word the lexicon does not know."""
    vocab = vocabulary()
    if vocab is None:
        return []
    found: list[Expansion] = []
    for word in dict.fromkeys(words):
        found.extend(Expansion(word, term) for term in expand_word(word, vocab))
    return found
