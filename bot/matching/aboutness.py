"""Whether an entry is about a topic its words name, or names it in passing.

A reader who follows a topic wants entries about it: the topic in the title, in the
lead, or through the text — not one clause about a person or a thing inside an entry
about something else ("… die Wahl von Donald Trump …" in a paragraph about the bitcoin
rally; "… beim Erdbeben am Samstag …" in a paragraph about a landslide).

Two readings together make a mention passing:
- where the words stand: only in one sentence after the lead, and there only after a
  preposition or a genitive ("von Donald Trump", "des Präsidenten Trump", "of
  President Trump", "aufgrund einer Dürre") — not as the subject who acts or speaks
  ("Trump ordnete an", "sagte Merz");
- what the entry's lead means: the meaning layer's score (standard deviations above
  the topic's background) stays below LATER_OBLIQUE_Z, so the lead is not about the
  topic in other words either.
Such a lexical match is dropped. The level was measured on the real dev half
(tests/matching/real/dev.jsonl); without the meaning layer the words decide.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.matching.document import Document

LATER_OBLIQUE_Z = 2.5
_FIRST_SENTENCE = 1  # unit 0 is the title, 1 the text's first sentence
_LOOK_BACK = 5

# Prepositions and genitive articles that make the words that follow an adjunct.
_GOVERNING = frozenset(
    str.split(
        """von vom mit aus bei beim gegen fur uber unter nach zu zum zur an am auf in im vor
        wegen trotz aufgrund seit durch ohne um des eines zwischen neben hinter laut
        of with by against amid from to for about over under after at on into before
        since during despite between like including"""
    )
)
# Words that may stand between the preposition and the name: articles, possessives.
_DETERMINERS = frozenset(
    str.split(
        """der die das den dem ein eine einer einem einen ihr ihre ihren ihrem sein seine
        seinen seiner seinem dessen deren the a an his her its their this that these those"""
    )
)
# Offices and titles in front of a name ("des künftigen US-Präsidenten Trump").
_TITLES = (
    "prasident",
    "kanzler",
    "minister",
    "chef",
    "konig",
    "president",
    "premier",
    "leader",
    "secretary",
    "general",
    "king",
    "queen",
)


def oblique(doc: Document, first: int) -> bool:
    """Whether the words starting at token `first` follow a preposition or genitive of
    their sentence, over articles, adjectives, titles and a given name."""
    tokens = doc.tokens
    unit = tokens[first].unit
    for k in range(first - 1, max(first - 1 - _LOOK_BACK, -1), -1):
        token = tokens[k]
        if token.unit != unit:
            return False
        word = token.folded
        if word in _GOVERNING:
            return True
        skippable = (
            word in _DETERMINERS
            or not token.upper  # an adjective ("künftigen", "schweren")
            or any(title in word for title in _TITLES)
            or len(word) <= 2  # "U.S.", "EU"
            or (k == first - 1 and tokens[first].upper)  # a given name: "Donald Trump"
        )
        if not skippable:
            return False
    return False


def meaning_needed(doc: Document, hits: Iterable[tuple[int, int]]) -> float | None:
    """The meaning score a lexical match needs to stand, given where its hits are
    (token spans of its proof); None when the words alone suffice."""
    spans = list(hits)
    units = {doc.tokens[first].unit for first, _ in spans}
    if len(units) != 1 or units & {0, _FIRST_SENTENCE}:
        return None
    if all(oblique(doc, first) for first, _ in spans):
        return LATER_OBLIQUE_Z
    return None
