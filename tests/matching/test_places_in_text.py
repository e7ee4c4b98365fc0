"""Places as targets, not speakers: clauses, a city as its government, 'die Stadt'."""

from __future__ import annotations

import pytest

from bot.matching.document import prepare
from bot.matching.index import TopicIndex
from bot.matching.query import default_resolver

KYIV_RAIDS = ["Luftangriffe auf Kiew", "air raids on Kyiv"]


def matches(query: str, text: str, title: str | None = None) -> bool:
    index = TopicIndex.build([("q", default_resolver().resolve(query).expr)])
    return bool(index.match(title, text))


@pytest.mark.parametrize("query", KYIV_RAIDS)
@pytest.mark.parametrize(
    ("title", "text"),
    [
        (None, "Russland hat Kiew in der Nacht mit Drohnen angegriffen."),
        (None, "Kyiv came under a massive missile attack overnight."),
        (None, "Russland attackierte Kiew, Charkiw und Odessa mit Drohnen."),
        (None, "Die Hauptstadt Kiew, die erneut mit Raketen angegriffen wurde, zählt die Schäden."),
        # Coreference: the city named before, then "die Hauptstadt" / "the city".
        (
            None,
            "In Kiew heulten die Sirenen. Kurz darauf wurde die Hauptstadt von Raketen getroffen.",
        ),
        ("Kiew", "Die Stadt wurde in der Nacht mit Drohnen angegriffen."),
        ("Nacht der Explosionen in Kyiv", "The city was struck by ballistic missiles."),
        # Named in the title, the attack in the text.
        ("Kiew: Klitschko warnt", "Die Flugabwehr wehrt einen Drohnenangriff ab."),
    ],
)
def test_the_place_as_target_or_location(query: str, title: str | None, text: str) -> None:
    assert matches(query, text, title)


@pytest.mark.parametrize("query", KYIV_RAIDS)
@pytest.mark.parametrize(
    "text",
    [
        # Another clause: Kiew is where someone spoke, the attack was elsewhere.
        "Während Baerbock in Kiew sprach, meldete Charkiw einen Drohnenangriff.",
        "Nach dem Treffen in Kiew reiste sie weiter; in Charkiw gab es einen Raketenangriff.",
        # The city as its government: speaker or source.
        "Kiew wies die Vorwürfe zurück und meldete einen Angriff auf Sumy.",
        "Aus Kiew hieß es, der Angriff auf Sumy habe drei Todesopfer gefordert.",
        "Kyiv said Russian drones attacked Odesa overnight.",
        "According to Kyiv, the missile strike hit Dnipro.",
        "Kyiv has rejected claims that its drones attacked a hospital.",
        "Die Regierung in Kiew verurteilte den Raketenangriff auf Odessa.",
        # "die Stadt Charkiw" names another city: no reference back to Kiew.
        "In Kiew tagte das Parlament. Die Stadt Charkiw wurde mit Raketen angegriffen.",
    ],
)
def test_the_place_as_speaker_or_elsewhere(query: str, text: str) -> None:
    assert not matches(query, text)


def test_a_place_of_talks_is_a_place_not_a_speaker() -> None:
    assert matches("Baku", "Negotiators at the summit in Baku agreed on a deal.")
    assert not matches("Kiew", "Kiew bestreitet die Darstellung.")


def test_clauses_split_at_subordinate_clauses_not_at_lists_or_relatives() -> None:
    doc = prepare(None, "Während A in Kiew sprach, meldete B, das bekannt ist, Lwiw, C und D.")
    clause = {t.folded: t.clause for t in doc.tokens}
    assert clause["wahrend"] == clause["kiew"]
    assert clause["meldete"] != clause["wahrend"]
    assert clause["das"] == clause["meldete"]
    assert clause["lwiw"] == clause["meldete"]
    assert clause["c"] == clause["d"]


def test_references_in_a_huge_entry_stay_linear() -> None:
    import time

    index = TopicIndex.build([("q", default_resolver().resolve("Luftangriffe auf Kiew").expr)])
    text = "In Kiew wurde die Stadt angegriffen, die Hauptstadt meldet: " * 4000
    started = time.process_time()
    assert index.match("Kiew", text)
    # Generous: only a quadratic walk (references times earlier names) would break it.
    assert time.process_time() - started < 5
