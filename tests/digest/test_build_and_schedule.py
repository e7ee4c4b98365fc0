"""Digest building and scheduling as pure functions: grouping, splitting, DST."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.delivery.fit import size
from bot.delivery.render import split_messages
from bot.devserver.html_check import visible_text
from bot.digest.build import DigestItem, Shown, _blocks, _line, build_digest
from bot.digest.schedule import next_digest_at

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2024, 11, 4, 20, 0, tzinfo=BERLIN)


def item(n: int, topics: tuple[str, ...], minutes_ago: int, text: str = "Ein Satz.") -> DigestItem:
    return DigestItem(
        n,
        topics,
        f"Meldung {n}",
        text,
        f"https://example.org/#e{n}",
        NOW - timedelta(minutes=minutes_ago),
        (),
    )


def test_grouped_by_topic_newest_first_each_entry_once() -> None:
    items = [item(1, ("Kiew",), 300), item(2, ("Kiew", "Drohnen"), 10), item(3, ("Drohnen",), 60)]
    [message] = build_digest(items, ["Kiew", "Drohnen"], BERLIN, "de", NOW, NOW - timedelta(days=1))
    text = visible_text(message)
    assert text.index("🏷 Kiew") < text.index("Meldung 2") < text.index("Meldung 1")
    assert text.index("🏷 Drohnen") < text.index("Meldung 3")
    assert text.count("Meldung 2") == 2  # listed under Kiew, referenced under Drohnen
    assert "Meldung 2 → siehe Kiew" in text
    assert "3 Meldungen: Kiew 2 · Drohnen 2" in text
    assert "04.11.2024" in text


def test_party_claims_get_the_footer() -> None:
    claim = item(1, ("Drohnen",), 5, "Das russische Verteidigungsministerium teilte mit, …")
    [with_claim] = build_digest([claim], ["Drohnen"], BERLIN, "de", NOW, NOW)
    [without] = build_digest([item(2, ("Drohnen",), 5)], ["Drohnen"], BERLIN, "de", NOW, NOW)
    assert "Konfliktparteien" in with_claim
    assert "Konfliktparteien" not in without


def test_empty_digest_says_so() -> None:
    [message] = build_digest([], [], BERLIN, "en", NOW, NOW - timedelta(hours=5))
    assert message == "Nothing new on your topics since 4 Nov, 15:00."  # not 04.11. in English
    [german] = build_digest([], [], BERLIN, "de", NOW, NOW - timedelta(hours=5))
    assert german == "Nichts Neues zu deinen Themen seit 04.11. 15:00."


def test_300_entries_split_at_entry_boundaries() -> None:
    long_text = "Die ukrainische Armee meldet neue Angriffe <im> Osten & Süden. " * 8
    items = [item(n, (("Kiew", "Drohnen", "Nordkorea")[n % 3],), n, long_text) for n in range(300)]
    messages = build_digest(items, ["Kiew", "Drohnen", "Nordkorea"], BERLIN, "de", NOW, NOW)
    assert len(messages) > 5
    seen = []
    for number, message in enumerate(messages):
        assert len(message) <= 4096
        text = visible_text(message)  # raises on a broken tag or entity
        if number:
            assert text.startswith("🗞 Zusammenfassung, Fortsetzung")
        seen.extend(
            int(line.split("Meldung ")[1].split()[0])
            for line in text.splitlines()
            if line.startswith("• ") and "Meldung " in line
        )
    assert sorted(seen) == list(range(300))


def test_the_sizes_added_up_are_the_blocks_sizes() -> None:
    """Packing adds up the cached lines' sizes instead of measuring every block: they
    must be what Telegram counts (UTF-16 units: astral emoji count two; escaped HTML)."""
    texts = [
        "Ein Satz mit 🚀 und 🇺🇦 <b>nicht fett</b> & Co.",
        "Kurz.",
        "Lang und ruhig. " * 40,
        "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 außerhalb der Ebene 😀😀😀 " * 12,
    ]
    items = [
        DigestItem(
            n,
            (("Kiew 🇺🇦", "Drohnen", "Nord & Süd")[n % 3], ("Drohnen", "Nord & Süd")[n % 2]),
            None if n % 5 == 0 else f"Meldung {n} 🚨 <Titel>",
            texts[n % len(texts)],
            f"https://example.org/#e{n}",
            NOW - timedelta(minutes=n),
            (),
            "n-tv · Ticker 📰",
        )
        for n in range(120)
    ]
    order = ["Kiew 🇺🇦", "Drohnen", "Nord & Süd"]
    sections: dict[str, list[Shown]] = {}
    references: dict[str, list[tuple[Shown, str]]] = {}
    for one in items:
        shown = _line(one, BERLIN, "de")
        home, *others = sorted(dict.fromkeys(one.topics), key=order.index)
        sections.setdefault(home, []).append(shown)
        for other in others:
            references.setdefault(other, []).append((shown, home))
    blocks, sizes = _blocks(order, sections, references, "de")
    assert len(blocks) > len(order)  # a section of over 3,500 characters went line by line
    assert sizes == [size(block) for block in blocks]
    assert split_messages("Kopf", blocks, "🗞 …", sizes) == split_messages("Kopf", blocks, "🗞 …")
    for message in build_digest(items, order, BERLIN, "de", NOW, NOW - timedelta(days=1)):
        assert size(message) <= 4096
        visible_text(message)  # raises on a broken tag or entity


@pytest.mark.parametrize(
    ("zone", "after", "expected_local"),
    [
        ("Europe/Berlin", datetime(2024, 11, 4, 12, tzinfo=UTC), (4, 20)),
        ("America/New_York", datetime(2024, 11, 4, 12, tzinfo=UTC), (4, 20)),
        ("Asia/Tokyo", datetime(2024, 11, 4, 12, tzinfo=UTC), (5, 20)),
    ],
)
def test_next_digest_in_the_readers_zone(
    zone: str, after: datetime, expected_local: tuple[int, int]
) -> None:
    due = next_digest_at("20:00", ZoneInfo(zone), after).astimezone(ZoneInfo(zone))
    assert (due.day, due.hour, due.minute) == (*expected_local, 0)


def test_spring_forward_digest_arrives_once() -> None:
    # 2025-03-30: 02:00 → 03:00 in Berlin; 02:30 does not exist that night.
    after = datetime(2025, 3, 29, 23, 0, tzinfo=UTC)
    first = next_digest_at("02:30", BERLIN, after)
    assert first.astimezone(BERLIN).strftime("%d %H:%M %z") == "30 03:30 +0200"
    second = next_digest_at("02:30", BERLIN, first)
    assert second - first == timedelta(hours=23)
    assert second.astimezone(BERLIN).strftime("%d %H:%M") == "31 02:30"


def test_fall_back_digest_never_twice() -> None:
    # 2025-10-26: 03:00 → 02:00 in Berlin; 02:30 happens twice that night.
    after = datetime(2025, 10, 25, 23, 0, tzinfo=UTC)
    first = next_digest_at("02:30", BERLIN, after)
    second = next_digest_at("02:30", BERLIN, first)
    assert first.astimezone(BERLIN).strftime("%d %H:%M %z") == "26 02:30 +0200"
    assert second.astimezone(BERLIN).strftime("%d %H:%M %z") == "27 02:30 +0100"
    assert second - first == timedelta(hours=25)
