"""Concepts bound to one country, and words that give them another owner.

"Präsidentschaftswahl" is in the lexicon as the US election (`scope = "US"`): that is
what a German reader means by the bare word. Next to another country it is that
country's election: "die polnische Präsidentschaftswahl", "Präsidentschaftswahl in
Polen", "Belarus's presidential election" are no US election, in an entry or in a
query. The owner is read off the words right around the concept, through the table of
places (countries, their adjectives and demonyms, cities).
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.matching.places import MAX_NAME_WORDS, PlaceTable
from bot.matching.stopwords import ALL as STOPWORDS

# Words that put a place after the concept as its owner ("Wahl in Polen", "election
# in Belarus", "Parlament von Ungarn", "the parliament of Georgia").
_OWNER_AFTER = frozenset({"in", "im", "von", "of", "fur", "for"})
_LOOK_BEFORE = 2  # "die polnische Wahl", "Polens neue Regierung", "Belarus's election"


def owner_country(words: Sequence[str], first: int, last: int, places: PlaceTable) -> str | None:
    """The country code of a place that owns the concept at words[first..last]
    (folded words of one sentence), or None."""
    for k in range(first - 1, max(first - _LOOK_BEFORE, 0) - 1, -1):
        word = words[k]
        if word == "s" or word in STOPWORDS:  # "Belarus's", "die"
            continue
        place = places.lookup(word)
        if place is not None:
            return place.country
        if k < first - 1:
            break
    after = last + 1
    if after < len(words) and words[after] in _OWNER_AFTER:
        start = after + 1
        if start < len(words) and words[start] in STOPWORDS:  # "in der Ukraine"
            start += 1
        found = places.find(words[start : start + MAX_NAME_WORDS])
        if found is not None:
            return found[0].country
    return None


def foreign(words: Sequence[str], first: int, last: int, scope: str, places: PlaceTable) -> bool:
    """Whether the words around the concept name another country as its owner."""
    owner = owner_country(words, first, last, places)
    return owner is not None and owner != scope
