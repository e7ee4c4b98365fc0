"""Places of the world from seeds/places.tsv (CLDR + GeoNames): names, forms, guards."""

from __future__ import annotations

import pytest

from bot.matching.expr import Clause, TopicExpr
from bot.matching.index import TopicIndex
from bot.matching.normalize import fold
from bot.matching.places import PlaceTable, default_path, default_places
from bot.matching.query import default_resolver


def _matches(query: str, title: str | None, text: str) -> bool:
    expr = default_resolver().resolve(query).expr
    return bool(TopicIndex.build([("q", expr)]).match(title, text))


def _place_matches(name: str, text: str) -> bool:
    table = default_places()
    place = table.lookup(name)
    assert place is not None, name
    expr = TopicExpr((Clause(((table.term(place),),)),))
    return bool(TopicIndex.build([("p", expr)]).match(None, text))


def test_the_data_file_is_well_formed() -> None:
    keys = set()
    for line in default_path().read_text("utf-8").splitlines():
        if line.startswith("#"):
            continue
        fields = line.split("\t")
        assert len(fields) == 8, line
        assert fields[0] not in keys
        keys.add(fields[0])
        assert fields[1] in {"country", "city"}
        assert fields[6] or fields[7], line  # a place has at least one name
    assert len(keys) > 30_000


@pytest.mark.parametrize(
    ("word", "key"),
    [
        ("Israel", "IL"),
        ("israelische", "IL"),
        ("Israelis", "IL"),
        ("Iranians", "IR"),
        ("iranischen", "IR"),
        ("Libanon", "LB"),
        ("Lebanese", "LB"),
        ("libanesischen", "LB"),
        ("Spanier", "ES"),
        ("Frankreichs", "FR"),
        ("französische", "FR"),
        ("Netherlands", "NL"),
        ("niederländischen", "NL"),
        ("Syrer", "SY"),
        ("Palästina", "PS"),
        ("palästinensische", "PS"),
    ],
)
def test_countries_in_both_languages_and_their_adjectives(word: str, key: str) -> None:
    place = default_places().lookup(word)
    assert place is not None
    assert place.key == key


@pytest.mark.parametrize(
    ("word", "label_en", "country"),
    [
        ("Haifa", "Haifa", "IL"),
        ("Beirut", "Beirut", "LB"),
        ("Valencia", "Valencia", None),
        ("Moskau", "Moscow", "RU"),
        ("Nizza", "Nice", "FR"),
        ("Mailand", "Milan", "IT"),
        ("München", "Munich", "DE"),
        ("Tel Aviv", "Tel Aviv", "IL"),
        ("New York", "New York City", "US"),
        ("Lemberg", "Lviv", "UA"),
    ],
)
def test_cities_by_their_german_english_and_local_names(
    word: str, label_en: str, country: str | None
) -> None:
    place = default_places().lookup(word)
    assert place is not None
    assert place.kind == "city"
    assert place.label_en == label_en
    assert country is None or place.country == country


def test_the_bigger_city_owns_a_shared_name() -> None:
    moscow = default_places().lookup("Moscow")
    assert moscow is not None
    assert moscow.country == "RU"


@pytest.mark.parametrize("word", ["Mark", "Bad", "Hope", "Sale", "Lage", "Hof", "Zug", "Burg"])
def test_everyday_words_are_no_unguarded_place(word: str) -> None:
    place = default_places().lookup(word)
    assert place is None or fold(word) in {fold(g) for g in place.guarded}


def test_a_guarded_name_counts_only_after_a_place_preposition() -> None:
    assert _place_matches("Essen", "Überschwemmungen in Essen: die Feuerwehr ist im Einsatz.")
    assert _place_matches("Essen", "Aus Essen wurden Helfer geschickt.")
    assert not _place_matches("Essen", "Die Helfer verteilen Essen und Wasser.")
    assert not _place_matches("Essen", "Wir essen heute später.")
    assert _place_matches("Nice", "Storms hit the coast near Nice overnight.")
    assert _place_matches("Nizza", "Unwetter in Nizza.")
    assert not _place_matches("Nice", "It was a nice gesture by the minister.")
    assert not _place_matches("Split", "The coalition is split over the budget.")


def test_inflected_and_compound_forms_of_a_place() -> None:
    assert _place_matches("Haifa", "Raketenalarm in Haifas Hafen.")
    assert _place_matches("Kiew", "Die Kiewer Stadtverwaltung meldete Schäden.")
    assert _place_matches("Israel", "Die israelische Armee meldete Angriffe.")
    assert _place_matches("Israel", "Two Israelis were released.")
    assert _place_matches("Iran", "Iranian drones were launched.")
    assert _place_matches("Beirut", "Explosionen im Beiruter Süden.")
    assert not _place_matches("Haifa", "Angriffe auf Tel Aviv.")


def test_a_place_is_not_the_start_of_another_place() -> None:
    assert _place_matches("Niger", "Putsch in Niger: Militärs übernehmen.")
    assert not _place_matches("Niger", "Wahlen in Nigeria verschoben.")
    assert not _place_matches("Niger", "Ein nigerianischer Minister trat zurück.")


def test_queries_name_places_the_lexicon_does_not_know() -> None:
    assert _matches("Angriffe auf Haifa", "Raketenangriff auf Haifa", "Sirenen heulten.")
    assert _matches("Angriffe auf Haifa", None, "Bei einem Angriff auf Haifa gab es Verletzte.")
    assert not _matches("Angriffe auf Haifa", None, "Bei einem Angriff auf Akko gab es Verletzte.")
    assert _matches("Beirut", None, "Israel bombardiert Vororte von Beirut.")
    assert _matches("floods in Valencia", None, "Floods in Valencia killed more than 200.")
    shown = default_resolver().resolve("Angriffe auf Haifa").display("de")
    assert "Haifa" in shown


def test_a_missing_data_file_leaves_queries_working(tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    table = PlaceTable.load(tmp_path / "missing.tsv")
    assert len(table) == 0
    assert table.lookup("Haifa") is None
