"""The head of a compound decides what it means: "Waffenruhe" is a ceasefire."""

from __future__ import annotations

import pytest

from bot.matching.index import TopicIndex
from bot.matching.lexicon import parse_lexicon
from bot.matching.places import PlaceTable
from bot.matching.query import QueryResolver, default_resolver


def matches(query: str, text: str) -> bool:
    index = TopicIndex.build([("q", default_resolver().resolve(query).expr)])
    return bool(index.match(None, text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Die Waffenruhe hält seit drei Tagen.", False),
        ("Ein Waffenstillstand ist nicht in Sicht.", False),
        ("Ein Waffenlager wurde zerstört.", True),
        ("Das Waffensystem bewährt sich.", True),
        ("Neue Waffen für die Ukraine.", True),
    ],
)
def test_a_word_start_alias_yields_to_another_concepts_word(text: str, expected: bool) -> None:
    assert matches("Waffen", text) is expected


def test_listed_heads_that_change_the_meaning() -> None:
    lexicon = parse_lexicon(
        {
            "concepts": {
                "fire": {"aliases": ["brand*"], "not_heads": ["mauer", "schutz"]},
            },
            "topics": {"t": {"match": ["fire"]}},
        }
    )
    index = TopicIndex.build([("t", lexicon.topics["t"].expr)])
    assert index.match(None, "Ein Brandanschlag auf das Rathaus.")
    assert not index.match(None, "Die Brandmauer der Union hält.")
    assert not index.match(None, "Der Brandschutz wurde geprüft.")


def test_a_city_a_country_lists_is_asked_for_as_the_city() -> None:
    table = PlaceTable(["g1\tcity\tLB\t2000000\tBeirut\tBeirut\tBeirut|Bayrut\t"])
    lexicon = parse_lexicon(
        {
            "concepts": {
                "lebanon": {"de": "Libanon", "kind": "country", "aliases": ["Libanon", "Beirut"]}
            },
            "topics": {},
        }
    )
    resolver = QueryResolver(lexicon, table)
    index = TopicIndex.build([("q", resolver.resolve("Beirut").expr)])
    assert index.match(None, "Explosions were heard in Bayrut.")
    assert not index.match(None, "Im Süden des Libanon wird gekämpft.")
    assert resolver.resolve("Libanon").display("de", with_hints=False) == "Libanon"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Berlin will der Ukraine weitere Panzer zur Verfügung stellen.", True),
        ("Die Niederlande haben F-16-Jets zur Verfügung gestellt.", True),
        ("Für Gespräche stehe er zur Verfügung.", False),
    ],
)
def test_putting_at_someones_disposal_is_a_delivery(text: str, expected: bool) -> None:
    assert matches("Waffenlieferungen", text) is expected
