#!/usr/bin/env python3
"""Build seeds/vocabulary.npz: words of news German and English, each embedded once, from
which bot/matching/expansion.py picks a query's synonyms and its other language's words
("measles" → Masern, "Vogelgrippe" → bird flu).

Sources (build time only; the bot reads the .npz):
- word frequencies: wordfreq (code Apache-2.0, word lists CC BY-SA 4.0) — which words are
  common enough to be typed or written in news; frequency order, most common first;
- German nouns and English lemmas: simplemma's dictionaries (MIT) — a German word is
  kept when the dictionary knows it capitalised as a lemma (a noun or a name, spelled
  as it is written: "Masern", though "masern" is a verb too), in its lemma's form; an
  English word in the most common of its forms (one per lemma; words unknown to the
  dictionary too: mpox, H5N1);
- the catalog's topic names and concept aliases (seeds/topics.toml), in both languages:
  multi-word terms no frequency list holds ("avian influenza", "Red Sea").

Needs the placedata extra (`pip install -e '.[placedata]'`). Embedding ~20k words takes
minutes on one core; chunks are kept in a cache folder, so an interrupted run resumes:

    .venv/bin/python scripts/build_vocabulary.py [--cache DIR]

Each word is embedded framed as a topic in its language (expansion.framed), as queries
are. Vectors are stored as int8 (127 times the unit vector's components): 384 bytes a word.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot import embeddings  # noqa: E402
from bot.matching.expansion import VOCABULARY, framed  # noqa: E402
from bot.matching.lexicon import default_lexicon  # noqa: E402
from bot.matching.stopwords import ALL as STOPWORDS  # noqa: E402
from bot.matching.stopwords import QUERY_FILLERS  # noqa: E402

GERMAN_WORDS = 30_000
ENGLISH_WORDS = 18_000
SCAN = 250_000  # how deep into each frequency list to look
CHUNK = 400


def german_words() -> list[str]:
    from simplemma.strategies.dictionaries import DefaultDictionaryFactory
    from wordfreq import top_n_list

    lemmas = set(DefaultDictionaryFactory().get_dictionary("de").values())
    spelled: dict[str, str] = {}
    for lemma in sorted(lemmas):
        if lemma[:1].isupper() and lemma.isalpha() and lemma.lower() not in STOPWORDS:
            spelled.setdefault(lemma.lower(), lemma)
    forms = DefaultDictionaryFactory().get_dictionary("de")
    found: list[str] = []
    seen: set[str] = set()
    for word in top_n_list("de", SCAN):
        if len(word) < 3 or word in STOPWORDS | QUERY_FILLERS:
            continue
        # The noun's lemma, however the frequency list spells it (lower case).
        lemma = forms.get(word.capitalize(), word.capitalize()).lower()
        if lemma in spelled and lemma not in seen:
            seen.add(lemma)
            found.append(spelled[lemma])
            if len(found) >= GERMAN_WORDS:
                break
    return found


def english_words() -> list[str]:
    from simplemma.strategies.dictionaries import DefaultDictionaryFactory
    from wordfreq import top_n_list

    forms = DefaultDictionaryFactory().get_dictionary("en")
    found: list[str] = []
    seen: set[str] = set()
    for word in top_n_list("en", SCAN):
        if not re.fullmatch(r"[a-z][a-z0-9]{2,}", word) or word in STOPWORDS | QUERY_FILLERS:
            continue
        lemma = forms.get(word, word)
        if lemma in seen:
            continue  # a rarer form of a word already in (its most common form stands)
        seen.add(lemma)
        found.append(word)
        if len(found) >= ENGLISH_WORDS:
            break
    return found


def lexicon_terms() -> list[tuple[str, str]]:
    """Catalog names and plain concept aliases, with their language."""
    lexicon = default_lexicon()
    found: list[tuple[str, str]] = []
    for topic in lexicon.topics.values():
        found += [(topic.name_de, "de"), (topic.name_en, "en")]
    for term in lexicon.concepts.values():
        found += [(term.label_de, "de"), (term.label_en, "en")]
    return [(t, lang) for t, lang in found if t and re.fullmatch(r"[\w .'-]{3,40}", t)]


def embed(
    words: list[str], german: dict[str, bool], cache: Path, backwards: bool = False
) -> np.ndarray:
    cache.mkdir(parents=True, exist_ok=True)
    parts: list[np.ndarray] = []
    starts = list(range(0, len(words), CHUNK))
    # A second run from the end fills the same cache from the other side (two cores).
    for start in reversed(starts) if backwards else starts:
        chunk = words[start : start + CHUNK]
        texts = [framed(word, german[word]) for word in chunk]
        digest = hashlib.sha1("\n".join(texts).encode()).hexdigest()[:12]
        name = cache / f"{start:06d}-{digest}.npy"
        if name.exists():
            parts.append(np.load(name))
            continue
        vectors = embeddings.queries(texts)
        np.save(name, vectors)
        parts.append(vectors)
        print(f"{start + len(chunk)}/{len(words)}", file=sys.stderr, flush=True)
    return np.vstack(parts)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cache", type=Path, default=ROOT / ".vocabulary-cache")
    # The most common N words only (both lists in step): a smaller, quicker build.
    parser.add_argument("--words", type=int, default=0)
    parser.add_argument("--backwards", action="store_true")
    args = parser.parse_args()
    entries: dict[str, str] = {}
    for term, lang in lexicon_terms():
        entries.setdefault(term, lang)
    # Both lists in step, most common first: any prefix of the build is a balanced
    # vocabulary (the cache of finished chunks stays valid when the lists grow).
    german, english = german_words(), english_words()
    for k in range(max(len(german), len(english))):
        if k < len(german):
            entries.setdefault(german[k], "de")
        if k < len(english):
            entries.setdefault(english[k], "en")
    words = list(entries)[: args.words or None]
    german = {word: entries[word] == "de" for word in words}
    vectors = embed(words, german, args.cache, args.backwards)
    if args.backwards:
        return  # only filled the cache; a forward run assembles the file
    quantised = np.clip(np.rint(vectors * 127), -127, 127).astype(np.int8)
    np.savez_compressed(
        ROOT / "seeds" / VOCABULARY,
        words=np.array(words),
        german=np.array([entries[w] == "de" for w in words], dtype=bool),
        vectors=quantised,
    )
    print(json.dumps({"words": len(words), "german": sum(german.values())}))


if __name__ == "__main__":
    main()
