"""Queries as people type them: filler words, a country's concept next to another
country, inflected words that only look like a small town's name."""

from __future__ import annotations

import pytest

from bot.matching.index import TopicIndex
from bot.matching.query import default_resolver


def _matches(query: str, text: str, title: str | None = None) -> bool:
    index = TopicIndex.build([("q", default_resolver().resolve(query).expr)])
    return bool(index.match(title, text))


@pytest.mark.parametrize(
    ("query", "plain"),
    [
        ("Lage in Belarus", "Belarus"),
        ("aktuelle Lage Belarus", "Belarus"),
        ("Was gibt es Neues zu Syrien", "Syrien"),
        ("latest developments Syria", "Syria"),
        ("Neuigkeiten zum Hochwasser", "Hochwasser"),
    ],
)
def test_filler_words_ask_for_news_not_for_words(query: str, plain: str) -> None:
    resolver = default_resolver()
    assert resolver.resolve(query).expr.canonical() == resolver.resolve(plain).expr.canonical()


def test_a_filler_word_alone_is_still_a_query() -> None:
    resolved = default_resolver().resolve("Lage")
    assert resolved.unused == ()
    assert _matches("Lage", "Die Lage an der Front bleibt angespannt.")


def test_filler_words_are_named_as_unused() -> None:
    assert set(default_resolver().resolve("aktuelle Lage in Belarus").unused) == {
        "aktuelle",
        "Lage",
        "in",
    }


@pytest.mark.parametrize(
    "text",
    [
        "Die polnische Präsidentschaftswahl findet im Mai statt.",
        "Nach der Präsidentschaftswahl in Belarus gab es Proteste.",
        "Belarus's presidential election was called a sham by the opposition.",
        "The presidential election in Romania goes to a second round.",
    ],
)
def test_another_countrys_election_is_no_us_election(text: str) -> None:
    assert not _matches("US-Wahl", text)


@pytest.mark.parametrize(
    "text",
    [
        "Die Präsidentschaftswahl in den USA ist entschieden.",
        "Die Präsidentschaftswahl rückt näher, Harris liegt in Umfragen vorn.",
        "The US presidential election is on Tuesday.",
        "Vor der amerikanischen Präsidentschaftswahl wächst die Nervosität.",
    ],
)
def test_the_us_election_still_counts(text: str) -> None:
    assert _matches("US-Wahl", text)


def test_a_generic_word_takes_the_country_the_query_names() -> None:
    query = "Präsidentschaftswahl in Polen"
    resolved = default_resolver().resolve(query)
    assert resolved.catalog_id is None
    assert "c:us-election" not in {t.key for t in resolved.expr.terms()}
    assert _matches(query, "In Polen hat die Präsidentschaftswahl begonnen.")
    assert _matches(query, "Die polnische Präsidentschaftswahl geht in die Stichwahl.")
    assert not _matches(query, "Die US-Präsidentschaftswahl ist entschieden.")


def test_another_countrys_chancellor_is_not_the_german_one() -> None:
    assert _matches("Bundeskanzler", "Der Kanzler reist nach Paris.")
    assert not _matches("Bundeskanzler", "Der österreichische Kanzler trat zurück.")


def test_an_inflected_word_is_no_small_towns_name() -> None:
    # "Olympic" is a town of 19,000 in the table of places; "Olympics" are the Games.
    resolved = default_resolver().resolve("Olympics")
    assert all(not t.key.startswith("g:") for t in resolved.expr.terms())
    assert _matches("Olympics", "The Olympics open in Milan on Friday.")
    # A large city's inflected name is still that city.
    assert any(t.key.startswith("g:") for t in default_resolver().resolve("Haifas").expr.terms())


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("ostseekabel", ("ostsee", "kabel")),
        ("masernfalle", ("masern", "falle")),
        ("wirtschaftssanktionen", ("wirtschaft", "sanktionen")),
        ("werksschliessungen", ("werk", "schliessungen")),
        ("kabel", None),
        ("erdbeben", None),
    ],
)
def test_a_compound_splits_into_two_nouns(word: str, parts: tuple[str, str] | None) -> None:
    from bot.matching.splitting import split_compound

    assert split_compound(word) == parts


def test_an_unknown_compound_finds_its_parts_in_one_sentence() -> None:
    query = "Ostseekabel"
    assert _matches(query, "Ein Ostseekabel ist beschädigt.")
    assert _matches(query, "Ein Kabel in der Ostsee wurde beschädigt.")
    assert _matches(query, "Das Ostsee-Kabel zwischen Finnland und Estland ist gerissen.")
    # Not across sentences: the parts must meet.
    assert not _matches(query, "Die Ostsee ist ruhig. Der Netzbetreiber verlegt neue Kabel.")


def test_a_compound_part_is_read_like_a_query_word() -> None:
    resolved = default_resolver().resolve("Masernfälle")
    shown = resolved.display("de", with_hints=False)
    assert shown == "Masernfälle ODER Masern + Fälle"
    # Masern is a member of the pandemic concept: the part asks for measles, not for
    # every pandemic.
    assert "c:pandemic" not in {t.key for t in resolved.expr.terms()}
    assert _matches("Masernfälle", "In Berlin steigen die Fälle von Masern.")
    assert not _matches("Masernfälle", "In Berlin steigen die Corona-Fälle.")


def test_a_compound_head_is_no_place() -> None:
    # "Pest" is a part of Budapest in the table of places; in "Geflügelpest" a disease.
    terms = default_resolver().resolve("Geflügelpest").expr.terms()
    assert all(t.kind not in ("place", "country") for t in terms)


def test_a_keyword_inside_a_place_name_is_not_the_keyword() -> None:
    # "Wolfsburg" is a city, not a wolf; "Falklandinseln" are the Falklands' own name.
    assert not _matches("Wolf", "Der VfL Wolfsburg hat sein Heimspiel gewonnen.")
    assert _matches("Wolf", "Ein Wolf hat in der Nacht drei Schafe gerissen.")
    assert _matches("Falklands", "Die Falklandinseln liegen im Südatlantik.")


def test_avalanches_are_no_landslides_and_a_landslide_victory_is_no_disaster() -> None:
    assert _matches("Erdrutsch", "Ein Erdrutsch hat in Nepal ein Dorf verschüttet.")
    assert not _matches("Erdrutsch", "Eine Lawine hat am Arlberg zwei Skifahrer verschüttet.")
    assert not _matches("landslides", "Labour has won a landslide victory in the election.")


def test_a_union_is_no_strike() -> None:
    assert _matches("Streiks", "Die Lokführer streiken ab Montag erneut.")
    assert not _matches("Streiks", "Die IG Metall kritisiert den geplanten Stellenabbau.")


@pytest.mark.parametrize(
    ("query", "own", "other"),
    [
        # A named part of a broader concept asks for that part only (lexicon members).
        (
            "Nord Stream",
            "Die Ermittlungen zu den Explosionen an Nord Stream dauern an.",
            "Deutschland hat seine Gasspeicher für den Winter gefüllt.",
        ),
        (
            "Tesla",
            "Tesla baut in Grünheide weitere Hallen.",
            "Mercedes kündigte einen Stellenabbau an.",
        ),
        (
            "EZB",
            "Die EZB senkt den Leitzins erneut.",
            "Die US-Notenbank Fed hält die Zinsen stabil.",
        ),
        (
            "IAEA",
            "The IAEA sent inspectors to the site.",
            "The nuclear power plant was shut down for repairs.",
        ),
    ],
)
def test_a_named_part_of_a_concept_asks_for_itself(query: str, own: str, other: str) -> None:
    assert _matches(query, own)
    assert not _matches(query, other)


def test_the_broader_concept_still_finds_its_named_parts() -> None:
    assert _matches("Gas", "Die Ermittlungen zu den Explosionen an Nord Stream dauern an.")
    assert _matches("Leitzins", "Die EZB hat am Donnerstag entschieden.")


def test_households_are_no_budget() -> None:
    # Real: Destatis-based report on household electricity (r0236, dev half).
    text = "Rund ein Viertel des Stroms wird in Deutschland in den privaten Haushalten verbraucht."
    assert not _matches("Bundeshaushalt", text, "Haushalte verbrauchen nur ein Viertel des Stroms")
    assert _matches("Bundeshaushalt", "Das Kabinett hat den Haushalt 2025 auf den Weg gebracht.")
    assert not _matches("German budget", "Britain's biggest budget airline, easyJet, grew.")
