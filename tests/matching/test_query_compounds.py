"""Compounds in queries: the part the lexicon names, and the part it does not.

A small lexicon of its own, so the rules are tested apart from the shipped one."""

from __future__ import annotations

from functools import cache

import pytest

from bot.matching.index import TopicIndex
from bot.matching.lexicon import parse_lexicon
from bot.matching.places import PlaceTable
from bot.matching.query import QueryResolver

CONCEPTS = {
    "election": {"de": "Wahl", "aliases": ["Wahl", "*wahl", "election*"]},
    "deliveries": {"de": "Lieferung", "aliases": ["*lieferung", "deliver*"]},
    "weapons": {"de": "Waffen", "aliases": ["waffe*", "weapon*"]},
    "peace-talks": {"de": "Friedensgespräche", "aliases": ["Friedensgespräch*", "peace talk*"]},
    "talks": {"de": "Gespräche", "aliases": ["Gespräch", "*gespräch", "talks"]},
    "court": {"de": "Gericht", "aliases": ["Gericht", "*gericht", "Urteil", "*urteil", "court"]},
    "gas": {"de": "Gas", "aliases": ["Gas", "=LNG", "gas"]},
    "germany": {
        "de": "Deutschland",
        "kind": "country",
        "aliases": ["Deutschland", "Germany"],
        "members": ["Bundestag"],
    },
    "north-korea": {"de": "Nordkorea", "aliases": ["nordkorea*", "North Korea*"]},
    "soldiers": {"de": "Soldaten", "aliases": ["Soldat", "*soldat", "Truppe*", "troops"]},
}


@cache
def resolver() -> QueryResolver:
    lexicon = parse_lexicon({"concepts": CONCEPTS, "topics": {}})
    return QueryResolver(lexicon, PlaceTable([]))


def shown(query: str) -> set[str]:
    text = resolver().resolve(query).display("de", with_hints=False)
    return set(text.split(" + "))


def matches(query: str, text: str) -> bool:
    index = TopicIndex.build([("q", resolver().resolve(query).expr)])
    return bool(index.match(None, text))


def test_the_concept_naming_the_whole_word_wins_over_its_head() -> None:
    assert shown("Friedensgespräche") == {"Friedensgespräche"}


def test_parts_one_concept_names_are_one_concept() -> None:
    assert shown("Gerichtsurteile") == {"Gericht"}


@pytest.mark.parametrize(
    ("query", "parts"),
    [
        ("Landtagswahl", {"Wahl", "landtag"}),
        ("Waffenfabrik", {"Waffen", "fabrik"}),
        # A part the lexicon knows as a word of its own is that concept.
        ("Gaslieferungen", {"Lieferung", "Gas"}),
    ],
)
def test_an_unknown_part_of_a_compound_stays_required(query: str, parts: set[str]) -> None:
    assert shown(query) == parts


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ("Landtagswahl", "Bei der Landtagswahl in Sachsen siegte die CDU.", True),
        ("Landtagswahl", "Die Wahl im Landtag wurde verschoben.", True),
        ("Landtagswahl", "Die Bundestagswahl findet im Februar statt.", False),
        ("Gaslieferungen", "Die Gaslieferungen über die Ukraine enden.", True),
        ("Gaslieferungen", "LNG deliveries to Europe doubled.", True),
        ("Gaslieferungen", "Deutschland liefert weitere Waffenlieferungen.", False),
        ("Waffenfabrik", "Eine Waffenfabrik in Tula brennt.", True),
        ("Waffenfabrik", "Waffenlieferungen wurden zugesagt.", False),
    ],
)
def test_compound_queries_find_their_meaning(query: str, text: str, expected: bool) -> None:
    assert matches(query, text) is expected


def test_an_adjective_or_derivation_ending_is_no_head() -> None:
    assert shown("nordkoreanische Truppen") == {"Nordkorea", "Soldaten"}


def test_a_member_inside_a_compound_asks_for_itself() -> None:
    assert shown("Bundestagswahl") == {"Bundestag", "Wahl"}
