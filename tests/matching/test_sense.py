"""A topic word that is only the tail of another proper name is no match.

Sentences are from real reports in tests/matching/real/dev.jsonl (sources there).
"""

from __future__ import annotations

import pytest

from bot.matching.index import TopicIndex
from bot.matching.query import default_resolver


def _matches(query: str, text: str, title: str | None = None) -> bool:
    expr = default_resolver().resolve(query).expr
    return bool(TopicIndex.build([("q", expr)]).match(title, text))


@pytest.mark.parametrize(
    ("query", "text"),
    [
        (
            "hurricanes",
            "Jordan Staal scored in the second period, and the Carolina Hurricanes "
            "defeated the Washington Capitals 3-2.",
        ),
        ("Sturm", "Nun überwintert der SK Sturm nach Verlustpunkten als Tabellenführer."),
    ],
)
def test_the_tail_of_another_name_is_not_the_topic(query: str, text: str) -> None:
    assert not _matches(query, text)


@pytest.mark.parametrize(
    ("query", "text"),
    [
        (
            "Papst",
            "Seit knapp fünf Wochen befindet sich Papst Franziskus mit einer "
            "komplizierten Atemwegserkrankung in der römischen Gemelli-Klinik.",
        ),
        ("Trump", "He became a close ally of U.S. President Donald Trump on Monday."),
        ("Selenskyj", "Am Abend sprach der ukrainische Präsident Selenskyj in Kiew."),
        ("Israel", "Two Israelis were released."),
        ("Kursk", "Kremlchef Putin hat einen Kommandoposten im Gebiet Kursk besucht."),
        ("Zölle", "Volkswagen senkt wegen der US-Zölle seine Prognose für das Jahr."),
        ("Vogelgrippe", "Die Vogelgrippe breitet sich in Norddeutschland weiter aus."),
        ("hurricanes", "Severe Hurricanes hit the coast of Florida."),
    ],
)
def test_titles_function_words_and_sentence_starts_keep_the_match(query: str, text: str) -> None:
    assert _matches(query, text)


@pytest.mark.parametrize(
    ("query", "text"),
    [
        (
            "Waldbrände",
            "Diplomaten im Nahen Osten fürchten einen sogenannten «Flächenbrand», also die "
            "Ausweitung des Gaza-Krieges.",
        ),
        (
            "floods",
            "Er sagte, die Bewohner sollten mit einer „Flut“ an Evakuierungsbefehlen rechnen.",
        ),
    ],
)
def test_a_word_in_scare_quotes_is_a_figure_of_speech(query: str, text: str) -> None:
    assert not _matches(query, text)


def test_the_same_word_without_quotes_still_counts() -> None:
    assert _matches("Waldbrände", "Die Feuerwehr kämpft gegen einen Flächenbrand bei Hamburg.")


# Real reports from tests/matching/real/dev.jsonl: e.stry.tl (r0095), devdiscourse.com
# (r0121), wsls.com (r0605), hosted sport pages; and three storm or city reports.
@pytest.mark.parametrize(
    ("query", "text", "title"),
    [
        (
            "Kyiv",
            "Dynamo Kiew hat am zweiten Spieltag der Champions League den ersten Sieg "
            "verpasst. Nach dem 0:2 zum Auftakt gegen Juventus Turin führten die Ukrainer "
            "am Mittwochabend bei Ferencvaros Budapest mit 2:0.",
            None,
        ),
        (
            "storms",
            "Erik Haula scored the go-ahead goal in the second period, and the Carolina "
            "Hurricanes benefited from a third-period video review in a 3-1 victory.",
            "Hurricanes hold on for win over Habs",
        ),
        (
            "avalanches",
            "No, it was skill and sheer determination for a player seeking a championship "
            "that had eluded him for several years amid playoff disappointments. After a "
            "relatively quiet performance in the series until that point, MacKinnon picked "
            "the perfect time to be a difference-maker and drove the bus for the Avalanche.",
            None,
        ),
    ],
)
def test_in_a_sports_report_a_capitalised_topic_word_is_a_team(
    query: str, text: str, title: str | None
) -> None:
    assert not _matches(query, text, title)


def test_a_sports_topic_keeps_its_words_in_sports_reports() -> None:
    text = "Bei den Olympischen Spielen holte die Mannschaft in der Saison ihr drittes Goal."
    assert _matches("Olympische Spiele", text)


def test_a_real_storm_is_still_a_storm_beside_one_sports_word() -> None:
    text = "Der Sturm riss Bäume um; das Spiel im Stadion wurde abgesagt."
    assert _matches("Sturm", text)


def test_a_country_name_written_small_is_a_word() -> None:
    # farmdoc / AP style Thanksgiving report: the bird, not the country.
    text = "Consumers can thank a drop in the average price of turkey for cheaper dinners."
    assert not _matches("Türkei", text)
    assert _matches("Türkei", "Turkey's parliament voted on Tuesday.")
    assert _matches("Ukraine", "Die ukrainische Armee meldet neue Angriffe.")
    assert _matches("USA", "Die amerikanische Regierung kündigte neue Zölle an.")


def test_a_compass_word_that_names_another_country_is_not_the_country() -> None:
    assert not _matches("Sudan", "Im Südsudan sind seit dem Jahreswechsel Zehntausende geflohen.")
    assert _matches("Sudan", "Im Nordsudan wird weiter gekämpft.")
    assert _matches("Gaza", "Im Nordgaza wurden neue Angriffe gemeldet.")
