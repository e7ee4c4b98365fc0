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
