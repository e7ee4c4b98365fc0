"""The event signature and the judge: facts read from real report leads."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.stories.judge import (
    DOUBTS,
    SAME_LANGUAGE_AT,
    STORY_LIFE_S,
    doubts,
    facts_allow,
    judge,
)
from bot.stories.linker import best_story, make_report
from bot.stories.signature import new_toll, places_clash, signature, tolls_clash
from bot.stories.similarity import _STOP

PAIRS = Path(__file__).parent / "story_pairs.jsonl"
AT = datetime(2024, 11, 17, 1, 0, tzinfo=UTC)
KYIV = "g703448"


def sig(title: str, text: str = "") -> object:
    return signature(title, text, _STOP)


def pair(ident: str) -> dict[str, dict[str, str]]:
    for line in PAIRS.read_text("utf-8").splitlines():
        item = json.loads(line)
        if item["id"] == ident:
            return item  # type: ignore[no-any-return]
    raise KeyError(ident)


def test_places_are_gazetteer_ids_in_any_language_and_form() -> None:
    german = signature("Luftalarm in Kiew", "Explosionen im Kiewer Stadtteil Darnyzja.", _STOP)
    english = signature("Air raid alert in Kyiv", "Explosions were heard in Kyiv.", _STOP)
    assert KYIV in german.places
    assert KYIV in english.places
    assert "UA" in german.countries
    assert "UA" in english.countries
    # A guarded everyday word is a place only after a place preposition.
    assert not signature("Essen", "Das Essen war kalt.", _STOP).cities
    assert signature("Messerangriff", "Ein Mann griff in Essen Passanten an.", _STOP).cities


def test_tolls_are_read_with_their_kind() -> None:
    assert signature("", "Zwei Menschen seien verletzt worden.", _STOP).tolls == (("hurt", 2),)
    assert signature("", "At least 12 people were killed.", _STOP).tolls == (("dead", 12),)
    both = signature("", "Es gab mindestens drei Tote und 14 Verletzte.", _STOP)
    assert both.tolls == (("dead", 3), ("hurt", 14))
    # "ein Mann" counts nobody; a year is no toll.
    assert signature("", "Ein Mann wurde verletzt. Seit 2022 tobt der Krieg.", _STOP).tolls == ()


def test_another_toll_or_a_first_toll_is_another_development() -> None:
    two = signature("", "Zwei Menschen wurden verletzt.", _STOP)
    five = signature("", "Five people were injured.", _STOP)
    none = signature("Luftalarm in Kiew", "", _STOP)
    assert tolls_clash(five, two)
    assert not tolls_clash(two, signature("", "Two people were injured.", _STOP))
    assert new_toll(two, [none])  # the first count is news
    assert not new_toll(none, [two])  # a report without a count repeats less
    assert not new_toll(two, [none, two])  # a member gave this count already


def test_other_cities_clash() -> None:
    kyiv = signature("Angriff auf Kiew", "", _STOP)
    lviv = signature("Attack on Lviv", "", _STOP)
    assert places_clash(kyiv, lviv)
    assert not places_clash(kyiv, signature("Strike on Kyiv", "", _STOP))


def report(ident: str, side: str, outlet: str, minutes: float = 0) -> object:
    entry = pair(ident)[side]
    return make_report(1, outlet, AT + timedelta(minutes=minutes), entry["title"], entry["text"])


def test_the_judge_compares_facts_before_meaning() -> None:
    first = report("s01", "a", "alpha")
    same = report("s01", "b", "beta", 15)
    assert facts_allow(same, first, []) is None
    verdict = judge(same, first, [], cosine=0.95)
    assert verdict.same, verdict
    assert KYIV in verdict.shared["places"]
    # Meaning too far apart: no merge, whatever the facts.
    assert not judge(same, first, [], cosine=0.5).same
    # One outlet never makes two reports of a story; a story has a bounded life.
    assert facts_allow(report("s01", "b", "alpha", 15), first, []).why == "same outlet"
    late = report("s01", "b", "beta", STORY_LIFE_S / 60 + 1)
    assert facts_allow(late, first, []).why == "story too old"


def test_two_raids_on_one_city_the_same_night_stay_apart() -> None:
    """s02: drones on one district at 01:05, missiles on a power plant at 05:40: same
    city, same kind of event, but another development (the embeddings tell)."""
    first = report("s02", "a", "alpha")
    second = report("s02", "b", "beta", 30)
    link = best_story(second, {1: (first, [])}, explain=True)
    assert link.story is None
    [compared] = link.explain["compared"]
    assert compared["why"].startswith("cosine under")


def test_one_development_in_two_languages_joins() -> None:
    first = make_report(
        1,
        "alpha",
        AT,
        "Luftalarm in Kiew",
        "In der ukrainischen Hauptstadt Kiew ist in der Nacht Luftalarm ausgelöst worden. "
        "Bürgermeister Klitschko berichtete von Explosionen im Stadtteil Darnyzja, die "
        "Flugabwehr sei im Einsatz. Zwei Menschen seien verletzt worden.",
    )
    second = make_report(
        2,
        "beta",
        AT + timedelta(minutes=20),
        "Explosions in Kyiv, two injured",
        "Explosions rocked Kyiv overnight as air defences engaged, Mayor Vitali Klitschko "
        "said. Two people were injured in the Darnytskyi district.",
    )
    link = best_story(second, {1: (first, [])}, explain=True)
    assert link.story == 1, link.explain


def test_doubts_weigh_and_an_agreement_never_outweighs_a_refusal() -> None:
    kyiv_raid = make_report(1, "alpha", AT, "Baerbock: Angriff auf Kiew", "Baerbock verurteilt.")
    other = make_report(2, "beta", AT, "Scholz: Angriff auf Kiew", "Scholz verurteilt.")
    found = doubts(other, kyiv_raid)
    # One city and one kind of event in both, but other people: the refusal stands.
    assert "the same city and kind of event" in found
    assert "other people" in found
    refused = facts_allow(other, kyiv_raid, [])
    assert refused is not None
    assert "other people" in refused.why
    # Agreement alone lowers the cosine a merge needs by its weight.
    first = make_report(3, "alpha", AT, "Drohnenangriff auf Kiew", "Explosionen in Kiew.")
    later = make_report(4, "beta", AT, "Kiew: Drohnenangriff in der Nacht", "Trümmer in Kiew.")
    found = doubts(later, first)
    assert "the same city and kind of event" in found
    assert facts_allow(later, first, []) is None
    need = SAME_LANGUAGE_AT + sum(DOUBTS[d] for d in found)
    without = need - DOUBTS["the same city and kind of event"]
    assert need < without
    assert judge(later, first, [], cosine=need + 0.001).same
    assert not judge(later, first, [], cosine=need - 0.001).same
