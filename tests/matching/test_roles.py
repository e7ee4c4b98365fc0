"""Role words name the person who held the office on the entry's day."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.matching.index import TopicIndex
from bot.matching.lexicon import LexiconError, parse_lexicon
from bot.matching.query import default_resolver

NOV_2024 = date(2024, 11, 4)
JUN_2025 = date(2025, 6, 2)


def matches(query: str, text: str, published: date | None, title: str | None = None) -> bool:
    index = TopicIndex.build([("q", default_resolver().resolve(query).expr)])
    return bool(index.match(title, text, published))


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("Putin", "Der Kremlchef drohte dem Westen mit Konsequenzen."),
        ("Putin", "The Russian leader warned the West."),
        ("Putin", "Russia's President spoke for two hours."),
        ("Selenskyj", "Der ukrainische Staatschef bat um mehr Flugabwehr."),
        ("Zelensky", "Ukraine's President thanked the allies."),
        ("Selenskyj", "Der ukrainische Präsident Wolodymyr Selenskyj reist nach Brüssel."),
        ("Putin", "Kremlchef Wladimir Putin empfing den Gast."),
    ],
)
def test_roles_name_their_holder(query: str, text: str) -> None:
    assert matches(query, text, NOV_2024)


@pytest.mark.parametrize(
    ("query", "text", "published", "expected"),
    [
        ("Biden", "Der US-Präsident kündigte neue Hilfen an.", NOV_2024, True),
        ("Trump", "Der US-Präsident kündigte neue Hilfen an.", NOV_2024, False),
        ("Trump", "Der US-Präsident kündigte neue Zölle an.", JUN_2025, True),
        ("Biden", "Der US-Präsident kündigte neue Zölle an.", JUN_2025, False),
        ("Biden", "The US President signed the bill.", date(2025, 1, 19), True),
        ("Trump", "The US President signed the bill.", date(2025, 1, 20), True),
        ("Scholz", "Der Kanzler lehnt die Lieferung ab.", NOV_2024, True),
        ("Merz", "Der Kanzler lehnt die Lieferung ab.", NOV_2024, False),
        ("Merz", "Bundeskanzler äußerte sich zurückhaltend.", JUN_2025, True),
        ("Scholz", "Bundeskanzler äußerte sich zurückhaltend.", JUN_2025, False),
        # Before a holder's first day the role is not theirs.
        ("Selenskyj", "Der ukrainische Präsident besuchte Paris.", date(2018, 3, 1), False),
    ],
)
def test_roles_follow_the_entry_date(
    query: str, text: str, published: date, expected: bool
) -> None:
    assert matches(query, text, published) is expected


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("Selenskyj", "Der frühere ukrainische Präsident Poroschenko kritisierte die Regierung."),
        ("Selenskyj", "Der ukrainische Präsident Poroschenko unterzeichnete 2015 das Abkommen."),
        ("Selenskyj", "The former Ukrainian President spoke in Kyiv."),
        ("Scholz", "Ex-Kanzler Schröder verteidigt seine Kontakte nach Moskau."),
        ("Scholz", "Der ehemalige Bundeskanzler äußerte sich."),
        ("Biden", "Der künftige US-Präsident Trump kündigte Zölle an."),
        ("Putin", "Russian leader Alexei Navalny's widow spoke in Munich."),
    ],
)
def test_a_named_other_person_or_a_former_office_wins(query: str, text: str) -> None:
    assert not matches(query, text, NOV_2024)


def test_a_datetime_with_zone_counts_by_its_own_day() -> None:
    late = datetime(2025, 1, 20, 0, 30, tzinfo=timezone(timedelta(hours=1)))
    assert matches("Trump", "Der US-Präsident unterschrieb.", late)


def test_a_query_for_an_office_follows_its_holders() -> None:
    resolved = default_resolver().resolve("US-Präsident")
    assert "Biden" in resolved.display("de")
    assert "Trump" in resolved.display("de")
    index = TopicIndex.build([("q", resolved.expr)])
    assert index.match(None, "Biden unterzeichnet das Gesetz.", NOV_2024)
    assert not index.match(None, "Trump hält eine Wahlkampfrede.", NOV_2024)
    assert index.match(None, "Trump unterzeichnet ein Dekret.", JUN_2025)
    assert index.match(None, "Der US-Präsident reist nach Kanada.", JUN_2025)
    assert not index.match(None, "Der frühere US-Präsident Obama warnte.", JUN_2025)


def test_kremlchef_finds_putin_by_name_and_by_role() -> None:
    resolved = default_resolver().resolve("Kremlchef")
    assert "Putin" in resolved.display("de")
    index = TopicIndex.build([("q", resolved.expr)])
    assert index.match(None, "Putin droht dem Westen.", NOV_2024)
    assert index.match(None, "The Kremlin leader spoke for hours.", NOV_2024)


def test_an_office_beside_a_person_describes_the_person() -> None:
    resolved = default_resolver().resolve("Bundeskanzler Scholz")
    assert resolved.catalog_id == "scholz"


def test_roles_need_known_holders_and_real_dates() -> None:
    base = {"concepts": {"p": {"aliases": ["P"]}}}
    with pytest.raises(LexiconError):
        parse_lexicon(
            {**base, "roles": {"r": {"aliases": ["Chef"], "holders": [{"concept": "x"}]}}}
        )
    with pytest.raises(LexiconError):
        parse_lexicon(
            {
                **base,
                "roles": {
                    "r": {"aliases": ["Chef"], "holders": [{"concept": "p", "valid_from": "2020"}]}
                },
            }
        )


def test_the_match_command_reads_published(tmp_path: Path) -> None:
    items = tmp_path / "items.jsonl"
    lines = [
        {"id": "a", "published": "2024-11-04T10:00:00+01:00", "text": "Der Kanzler reist."},
        {"id": "b", "published": "2025-06-02T10:00:00+02:00", "text": "Der Kanzler reist."},
        {"id": "c", "published": "kein Datum", "title": "Scholz", "text": "Ein Text."},
    ]
    items.write_text("\n".join(json.dumps(x) for x in lines), "utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "bot", "match", "--query", "Scholz", str(items)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["a", "c"]
