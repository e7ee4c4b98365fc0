"""Compounds in queries: the part the lexicon names, and the part it does not."""

from __future__ import annotations

import pytest

from bot.matching.index import TopicIndex
from bot.matching.query import default_resolver


def shown(query: str) -> set[str]:
    text = default_resolver().resolve(query).display("de", with_hints=False)
    return set(text.split(" + "))


def matches(query: str, text: str) -> bool:
    index = TopicIndex.build([("q", default_resolver().resolve(query).expr)])
    return bool(index.match(None, text))


def test_the_concept_naming_the_whole_word_wins_over_its_head() -> None:
    assert shown("Friedensgespräche") == {"Friedensgespräche"}


@pytest.mark.parametrize(
    ("query", "parts"),
    [
        ("Landtagswahl", {"Wahl", "landtag"}),
        ("Gaslieferungen", {"Lieferung", "gas"}),
        ("Waffenfabrik", {"Waffen", "fabrik"}),
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
        ("Gaslieferungen", "Deutschland liefert weitere Panzer.", False),
        ("Rüstungsexporte", "Die Waffenexporte nach Israel wurden gestoppt.", True),
        ("Rüstungsexporte", "Die Rüstungsindustrie wächst.", False),
    ],
)
def test_compound_queries_find_their_meaning(query: str, text: str, expected: bool) -> None:
    assert matches(query, text) is expected


def test_an_adjective_ending_is_no_head() -> None:
    assert shown("nordkoreanische Truppen") == {"Nordkorea", "Soldaten"}


def test_a_member_inside_a_compound_asks_for_itself() -> None:
    assert shown("Bundestagswahl") == {"Bundestag", "Wahl"}
