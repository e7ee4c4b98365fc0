#!/usr/bin/env python3
"""Build seeds/nouns_de.txt.gz: German nouns (folded lemmas, 3-16 letters), for splitting
a compound the lexicon does not know ("Ostseekabel" → Ostsee + Kabel) in a query.

Source: simplemma's German form dictionary (MIT), nouns taken as the capitalised
lemmas. Needs the placedata extra:

    pip install -e '.[placedata]' && python scripts/build_nouns.py

Deterministic (sorted), so a diff shows what a package update changed.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.matching.normalize import fold  # noqa: E402

OUTPUT = ROOT / "seeds" / "nouns_de.txt.gz"


def nouns() -> list[str]:
    from simplemma.strategies.dictionaries import DefaultDictionaryFactory

    dictionary = DefaultDictionaryFactory().get_dictionary("de")
    found = {
        fold(lemma)
        for lemma in dictionary.values()
        if lemma[:1].isupper() and lemma.isalpha() and 3 <= len(lemma) <= 16
    }
    return sorted(found)


def main() -> None:
    words = nouns()
    # mtime=0: the same words give the same bytes.
    OUTPUT.write_bytes(gzip.compress("\n".join(words).encode("utf-8"), mtime=0))
    print(json.dumps({"nouns": len(words), "file": str(OUTPUT.relative_to(ROOT))}))


if __name__ == "__main__":
    main()
