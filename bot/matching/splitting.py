"""Splitting a German compound that neither the lexicon nor the places know.

"Ostseekabel" is asked for; news write "Kabel in der Ostsee", "Ostsee-Kabel",
"Masern-Ausbruch". A query word is split into a modifier and a head when both are
German nouns (seeds/nouns_de.txt.gz, built by scripts/build_nouns.py): the longest
modifier wins ("Ostsee|kabel", not "Ost|seekabel"), a linking element may join them
("Wirtschaft|s|sanktionen"), and the head may be inflected ("Masern|fälle").
"""

from __future__ import annotations

import gzip
from functools import cache

from bot.matching.patterns import ADJECTIVE_ENDINGS, INFLECTIONS
from bot.seeds import seed_path

NOUNS = "nouns_de.txt.gz"
MIN_WORD = 8  # shorter words are rarely compounds of two nouns
MIN_MODIFIER = 3
MIN_HEAD = 4
_LINKS = ("", "s", "es", "n", "en", "e", "er")
_ENDINGS = sorted(INFLECTIONS, key=len, reverse=True)
_ADJECTIVAL = tuple(e for e in ADJECTIVE_ENDINGS if len(e) >= 4)


@cache
def nouns() -> frozenset[str]:
    """Folded German noun lemmas (loaded once, on the first query that needs them)."""
    path = seed_path("LIVEBLOG_NOUNS", NOUNS)
    try:
        return frozenset(gzip.decompress(path.read_bytes()).decode("utf-8").split("\n"))
    except OSError:
        return frozenset()


def _noun(word: str, inflected: bool) -> bool:
    known = nouns()
    if word in known:
        return True
    if not inflected:
        return False
    return any(
        ending and word.endswith(ending) and word[: -len(ending)] in known
        for ending in _ENDINGS
        if len(word) - len(ending) >= MIN_HEAD
    )


def split_compound(word: str) -> tuple[str, str] | None:
    """(modifier, head) of a folded German compound of two nouns, or None."""
    if len(word) < MIN_WORD or not word.isalpha() or word.endswith(_ADJECTIVAL):
        return None  # "afrikanische" is no Afrika|ische
    for cut in range(len(word) - MIN_HEAD, MIN_MODIFIER - 1, -1):
        left, head = word[:cut], word[cut:]
        if not _noun(head, inflected=True):
            continue
        for link in _LINKS:
            if link and not left.endswith(link):
                continue
            modifier = left[: len(left) - len(link)]
            if len(modifier) >= MIN_MODIFIER and _noun(modifier, inflected=False):
                return modifier, head
    return None
