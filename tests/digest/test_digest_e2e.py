"""Digests through the stand-in: on request, daily in two time zones, empty."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from storage.records import AlertStatus
from tests.delivery.world import World, berlin, world

DE = {"first_name": "Anna", "language_code": "de"}
EN = {"first_name": "Ben", "language_code": "en"}


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[World]:
    async with world(tmp_path) as the_world:
        yield the_world


async def digests_tick(w: World) -> int:
    assert w.services.digests is not None
    return await w.services.digests.tick()


async def test_digest_on_request_groups_the_day(w: World) -> None:
    for query in ("Luftangriffe auf Kiew", "Nordkorea", "Drohnen"):
        await w.reader.ask(5001, f"/abo {query}", **DE)
    await w.step(berlin(4, 1, 30))
    await w.step(berlin(4, 10, 45))
    await w.step(berlin(4, 23, 40))
    replies = await w.reader.ask(5001, "/zusammenfassung jetzt", **DE)
    digest = replies[0]["text"]
    assert digest.startswith("🗞 Deine Zusammenfassung – 04.11.2024")
    assert digest.index("🏷 Luftangriffe auf Kiew") < digest.index("🏷 Nordkorea")
    assert "Kiew erneut mit Drohnen attackiert" in digest
    assert "→ siehe Luftangriffe auf Kiew" in digest  # the drone attack, under Drohnen
    assert "Konfliktparteien" in digest
    # A digest on request is a look, not a delivery: asking again shows the same.
    again = await w.reader.ask(5001, "/zusammenfassung jetzt", **DE)
    assert again[0]["text"] == digest


async def test_daily_digest_at_the_set_time_in_two_time_zones(w: World) -> None:
    await w.reader.ask(5002, "/abo Drohnen", **DE)
    await w.reader.ask(5002, "/modus taeglich", **DE)
    [scheduled] = await w.reader.ask(5002, "/zusammenfassung 23:45", **DE)
    assert "um 23:45 Uhr (Europe/Berlin)" in scheduled["text"]
    await w.reader.ask(5003, "/subscribe drones", **EN)
    await w.reader.ask(5003, "/timezone America/New_York", **EN)
    [scheduled] = await w.reader.ask(5003, "/digest 18:00", **EN)
    assert "18:00 (America/New_York)" in scheduled["text"]

    await w.step(berlin(4, 1, 30))
    await w.step(berlin(4, 10, 45))
    # Daily mode: nothing is pushed during the day.
    assert not [m for m in await w.bot_messages(5002) if "🔔" in m["text"] or "📰" in m["text"]]
    w.clock.set(berlin(4, 23, 44))
    assert await digests_tick(w) == 0
    w.clock.set(berlin(4, 23, 45))
    assert await digests_tick(w) == 1
    [digest] = [m for m in await w.bot_messages(5002) if m["text"].startswith("🗞 Deine")]
    assert "Kiew erneut mit Drohnen attackiert" in digest["text"]
    held = await w.services.storage.alerts.for_chat(5002)
    assert {a.status for a in held} == {AlertStatus.DIGESTED}
    chat = await w.services.storage.chats.get(5002)
    assert chat is not None
    assert chat.next_digest_at == berlin(5, 23, 45)
    assert await digests_tick(w) == 0  # never twice

    # 18:00 in New York is midnight in Berlin.
    w.clock.set(berlin(5, 0, 0))
    assert await digests_tick(w) == 1
    [digest] = [m for m in await w.bot_messages(5003) if m["text"].startswith("🗞 Your digest")]
    assert digest["text"].startswith("🗞 Your digest – 4 Nov 2024")  # English dates
    other = await w.services.storage.chats.get(5003)
    assert other is not None
    assert other.next_digest_at is not None
    assert other.next_digest_at.astimezone(ZoneInfo("America/New_York")).hour == 18


async def test_digest_off_and_bad_time(w: World) -> None:
    [bad] = await w.reader.ask(5004, "/zusammenfassung 26:00", **DE)
    assert "/zusammenfassung 20:00" in bad["text"]
    await w.reader.ask(5004, "/zusammenfassung 20:00", **DE)
    [off] = await w.reader.ask(5004, "/zusammenfassung aus", **DE)
    assert "aus" in off["text"]
    chat = await w.services.storage.chats.get(5004)
    assert chat is not None
    assert chat.next_digest_at is None
