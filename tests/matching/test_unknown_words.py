"""Words the lexicon does not know: names and nouns in their forms, compounds, adjectives."""

from __future__ import annotations

import pytest

from bot.matching.index import TopicIndex
from bot.matching.lexicon import parse_lexicon
from bot.matching.patterns import keyword_patterns
from bot.matching.query import default_resolver


def matches(query: str, text: str, title: str | None = None) -> bool:
    index = TopicIndex.build([("q", default_resolver().resolve(query).expr)])
    return bool(index.match(title, text))


@pytest.mark.parametrize(
    ("query", "text"),
    [
        # As the modifier of a compound, hyphenated or not, and inflected.
        ("Falklands", "Die Falklandinseln liegen im Südatlantik."),
        ("Tigray", "Im Tigray-Konflikt wurde eine Waffenruhe vereinbart."),
        ("Tigray", "Tausende flohen aus der Tigrayregion."),
        ("Sahel", "Die Sahelstaaten verlassen das Bündnis."),
        ("Sahel", "Die Lage im Sahel bleibt angespannt."),
        # Adjectives and demonyms of a place, in both languages.
        ("Eritrea", "Eritreische Soldaten sollen beteiligt gewesen sein."),
        ("Eritrea", "Eritrean troops were seen near the border."),
        ("Kenia", "Kenianische Polizisten sind in Haiti eingetroffen."),
        ("Somalia", "Somalische Piraten haben ein Schiff gekapert."),
        ("Tschetschenien", "Tschetschenische Einheiten kämpfen an der Front."),
        ("Estland", "Estnische Behörden ermitteln."),
        ("Polen", "Die polnische Regierung verurteilt den Angriff."),
        # A region of the place written as one word.
        ("Syrien", "In Nordsyrien wurden Stellungen bombardiert."),
        # A query written as the adjective asks for the name too.
        ("eritreische Soldaten", "Eritreas Soldaten sollen beteiligt gewesen sein."),
        # A noun as the head or the modifier of a compound.
        ("Streik", "Die Gewerkschaft ruft zum Warnstreik auf."),
        ("Streik", "Das Streikrecht wird eingeschränkt."),
        ("Hitze", "Eine Hitzewelle erfasst Südeuropa."),
        ("heatwave", "Heatwaves are becoming more frequent."),
    ],
)
def test_unknown_words_in_their_forms(query: str, text: str) -> None:
    assert matches(query, text)


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("Rat", "Das Rathaus wurde evakuiert."),
        ("Rat", "Die Zahl der Ratten steigt."),
        # Derivations make new words, not compounds.
        ("Sahel", "Die Lage ist sahelhaft."),
        # A compass prefix is not any prefix.
        ("Oman", "Der Roman erscheint im Herbst."),
        # A short name is not the start of a longer word beginning with a vowel.
        ("Krim", "Die Kriminalität in der Hauptstadt sinkt."),
        # A short place does not take the English -i ending ("Krim" is no "Krimi").
        ("Mali", "Der neue Malik ist ein Krimi."),
        ("Mali", "Maligne Tumore sind selten."),
    ],
)
def test_unknown_words_do_not_overreach(query: str, text: str) -> None:
    assert not matches(query, text)


def test_keyword_forms_are_bounded() -> None:
    for word in ["gaza", "syrien", "israelische", "rat", "x" * 400, "a"]:
        assert 1 <= len(keyword_patterns(word)) <= 6


def test_place_concepts_take_their_forms_and_listed_adjectives() -> None:
    lexicon = parse_lexicon(
        {
            "concepts": {
                "lebanon": {
                    "kind": "country",
                    "aliases": ["Libanon", "Beirut"],
                    "adjectives": ["libanesisch", "Lebanese"],
                },
                "army": {"aliases": ["Armee", "army"]},
            },
            "topics": {"t": {"match": ["lebanon"]}},
        }
    )
    index = TopicIndex.build([("t", lexicon.topics["t"].expr)])
    for text in [
        "Die libanesische Armee rückt vor.",
        "The Lebanese army moved south.",
        "Im Südlibanon wurde gekämpft.",
        "Die Libanongrenze ist geschlossen.",
        "Beiruter Behörden melden Schäden.",
        "Libanons Regierung tagt.",
    ]:
        assert index.match(None, text), text
    assert not index.match(None, "Ein Beirat tagt.")


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("casualty", "Heavy casualties were reported in the city."),
        ("militia", "Both militias agreed to withdraw."),
        ("party", "The parties signed the deal."),
        ("deny", "The ministry denied the report."),
        ("delay", "Delays are expected at the border."),
        ("Kharkiv", "Kharkiv's mayor reported damage."),
    ],
)
def test_english_word_forms(query: str, text: str) -> None:
    assert matches(query, text)


def test_english_y_forms_stay_words() -> None:
    assert not matches("party", "The partisan groups withdrew.")
