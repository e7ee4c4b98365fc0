"""Every hard case the product promises, in both query languages."""

from __future__ import annotations

import pytest

from bot.matching.index import TopicIndex
from bot.matching.query import default_resolver


def matches(query: str, text: str, title: str | None = None) -> bool:
    index = TopicIndex.build([("q", default_resolver().resolve(query).expr)])
    return bool(index.match(title, text))


KYIV = ["air raids on Kyiv", "Luftangriffe auf Kiew"]
NORTH_KOREA = ["North Korea", "Nordkorea"]


@pytest.mark.parametrize("query", KYIV)
@pytest.mark.parametrize(
    "text",
    [
        "Die Flugabwehr versuchte, einen russischen Luftangriff auf Kiew abzuwehren.",
        "Die ukrainische Hauptstadt Kiew ist erneut Ziel eines russischen Drohnenangriffs.",
        "Nach Angaben der Kiewer Militärverwaltung wurden bei dem Angriff zwei Menschen verletzt.",
        "Kyiv was hit by a massive drone attack overnight.",
    ],
)
def test_air_raids_on_kyiv_are_found(query: str, text: str) -> None:
    assert matches(query, text)


@pytest.mark.parametrize("query", KYIV)
@pytest.mark.parametrize(
    "text",
    [
        "Die Zahl der Verletzten bei russischen Luftangriffen auf Charkiw ist gestiegen.",
        "Baerbock ist zu ihrem achten Besuch in Kiew seit Beginn des russischen "
        "Angriffskriegs eingetroffen.",
        "Kiew geht davon aus, dass die nordkoreanischen Soldaten bald eingesetzt werden.",
    ],
)
def test_not_air_raids_on_kyiv(query: str, text: str) -> None:
    assert not matches(query, text)


def test_title_and_sentence_meet() -> None:
    assert matches(
        "Luftangriffe auf Kiew",
        "Die Luftabwehr ist im Einsatz.",
        title="Kiew erneut mit Drohnen attackiert",
    )


def test_concepts_in_different_paragraphs_do_not_meet() -> None:
    text = "In Kiew sprach Baerbock mit Selenskyj.\n\nIn Charkiw gab es einen Luftangriff."
    assert not matches("Luftangriffe auf Kiew", text)


@pytest.mark.parametrize("query", NORTH_KOREA)
@pytest.mark.parametrize(
    "text",
    [
        "Auch die Beteiligung Nordkoreas am Krieg sei Thema gewesen.",
        "In Kursk sind bereits 11.000 nordkoreanische Soldaten eingetroffen.",
        "Wir sehen eine Zunahme der Nordkoreaner.",
        "Putin hat die Außenministerin der Demokratischen Volksrepublik Korea empfangen.",
        "Pjöngjang bestreitet die Entsendung von Truppen.",
        "Choe übermittelte Grüße des Machthabers Kim Jong Un.",
        "North Korean troops have been deployed to the Kursk region.",
    ],
)
def test_north_korea_in_all_its_forms(query: str, text: str) -> None:
    assert matches(query, text)


@pytest.mark.parametrize("query", NORTH_KOREA)
@pytest.mark.parametrize(
    "text",
    [
        "Borrell sprach mit dem südkoreanischen Außenminister.",
        "Die Kooperation zwischen der EU und Südkorea soll vertieft werden.",
        "Korea sei in der besten Position, das zu verstehen.",
    ],
)
def test_south_korea_is_not_north_korea(query: str, text: str) -> None:
    assert not matches(query, text)


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("Drohnen", "Thematisiert wurde auch eine Ausweitung der Drohnenproduktion."),
        ("drones", "Das Militär habe 50 von 80 russischen Drohnen abgeschossen."),
        ("Kharkiv", "Bei Luftangriffen auf Charkiw wurden 13 Menschen verletzt."),
        ("Charkiw", "Kharkiv's mayor reported damage."),
        ("Baerbock", "Bundesaußenministerin Annalena Baerbock sagte Winterhilfe zu."),
        ("Gefangenenaustausch", "Bei einem Gefangenenaustausch kamen 95 Soldaten frei."),
        ("prisoner exchange", "Russland und die Ukraine haben Kriegsgefangene ausgetauscht."),
        ("Selenskyj", "Zelensky called for more air defence."),
        ("Sanktionen", "Die EU beschließt ihr 15. Sanktionspaket gegen Russland."),
        ("prisoner swap", "Russland und die Ukraine haben erneut Kriegsgefangene ausgetauscht."),
        ("Wolodymyr Selenskyj", "Selenskyj dankte Trudeau."),
        ("Nordkoreanische Truppen", "In Kursk sind 11.000 nordkoreanische Soldaten eingetroffen."),
        ("North Korean troops", "Nordkoreas Soldaten kämpfen an der Seite Russlands."),
        ("Baerbock visit", "Baerbock ist zu ihrem achten Besuch in Kiew eingetroffen."),
        ("refinery drone attack", "Eine Drohne hat eine Raffinerie in Russland angegriffen."),
    ],
)
def test_word_forms_compounds_and_languages(query: str, text: str) -> None:
    assert matches(query, text)


def test_exact_phrase_and_exclusion() -> None:
    assert matches('"Winterhilfen in Höhe"', "zusätzliche Winterhilfen in Höhe von 200 Millionen")
    assert not matches(
        '"Winterhilfe in Höhe"', "zusätzliche Winterhilfen in Höhe von 200 Millionen"
    )
    assert matches("Nordkorea -Russland", "Nordkorea testet eine Rakete.")
    assert not matches("Nordkorea -Russland", "Nordkorea liefert Munition an Russland.")


def test_or_alternatives() -> None:
    assert matches("Kiew OR Charkiw", "In Charkiw wurde ein Supermarkt getroffen.")
    assert matches("Kiew | Charkiw", "In Kiew wurde ein Supermarkt getroffen.")
    assert not matches("Kiew ODER Charkiw", "In Odessa wurde ein Supermarkt getroffen.")


def test_unknown_words_become_word_form_aware_keywords() -> None:
    assert matches("Trudeau", "Selenskyj dankte Trudeaus Team.")
    assert matches("Übergang", "Die Grenzübergänge bleiben geschlossen.")
    # Short words stay whole words: a council is no town hall.
    assert not matches("Rat", "Das Rathaus wurde evakuiert.")


def test_spans_point_at_the_matched_words() -> None:
    index = TopicIndex.build([("q", default_resolver().resolve("Luftangriffe auf Kiew").expr)])
    text = "Kiew ist Ziel eines russischen Drohnenangriffs."
    [match] = index.match(None, text)
    assert sorted(text[s.start : s.end] for s in match.spans) == ["Drohnenangriffs", "Kiew"]


@pytest.mark.parametrize(
    "text",
    [
        "Kiew meldet einen russischen Angriff auf Charkiw.",
        "Nach Angaben aus Kiew wurden bei dem Angriff auf Odessa drei Menschen getötet.",
        "Kyiv says Russia attacked Kharkiv overnight.",
    ],
)
def test_kyiv_as_the_government_is_not_the_target(text: str) -> None:
    assert not matches("Luftangriffe auf Kiew", text)
