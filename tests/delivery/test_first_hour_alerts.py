"""Issue 18's alert items through the real bot, a live liveblog and the stand-in: quiet
hours switched off, an edited entry matched again, unsubscribing under an alert of two
topics, daily mode without a digest."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from storage.records import AlertStatus
from tests.delivery.world import World, berlin, world
from tests.helpers import button

ANNA = 4201
DE = {"first_name": "Anna", "language_code": "de"}
DRONES = "Kiew erneut mit Drohnen attackiert"


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[World]:
    async with world(tmp_path) as the_world:
        yield the_world


async def alerts(w: World) -> list[dict[str, object]]:
    return [
        m
        for m in await w.bot_messages(ANNA)
        if m["kind"] == "bot_message" and ("🔔" in m["text"] or "📰" in m["text"])
    ]


def rewrite(w: World, title: str, new_title: str | None, text: str) -> None:
    """The outlet rewrites an entry in place (same anchor, other title and text)."""
    index = next(i for i, e in enumerate(w.liveblog.entries) if e.title == title)
    w.liveblog.entries[index] = replace(w.liveblog.entries[index], title=new_title, text=text)


async def test_quiet_hours_off_releases_what_they_held(w: World) -> None:
    await w.reader.ask(ANNA, "/abo Luftangriffe auf Kiew", **DE)
    await w.reader.ask(ANNA, "/ruhe 00:00-08:00", **DE)
    await w.step(berlin(4, 1, 30))
    assert await alerts(w) == []
    [off] = await w.reader.ask(ANNA, "/ruhe aus", **DE)
    assert "Was gewartet hat, kommt jetzt" in off["text"]
    await w.deliver()
    [alert] = await alerts(w)
    assert DRONES in str(alert["text"])


async def test_an_edit_is_matched_again_with_fresh_positions(w: World) -> None:
    await w.reader.ask(ANNA, "/abo Drohnen", **DE)
    await w.step(berlin(4, 1, 30))
    [alert] = await alerts(w)
    entry = next(e for e in w.liveblog.entries if e.title == DRONES)
    # A sentence in front shifts every position of the matched words.
    rewrite(w, DRONES, DRONES, "Neu am Morgen: Die Lage bleibt angespannt. " + entry.text)
    await w.step(berlin(4, 1, 40))
    [edit] = [m for m in await w.bot_messages(ANNA) if m["kind"] == "bot_edit"]
    assert edit["message_id"] == alert["message_id"]
    html = str(edit["data"]["html"])  # type: ignore[index]
    body = html.split("\n\n", 1)[1]
    bold = re.findall(r"<b>(.*?)</b>", body)
    assert bold, html
    assert all("rohne" in word for word in bold), bold  # never fragments of other words


async def test_an_entry_rewritten_into_something_else_loses_its_topic(w: World) -> None:
    await w.reader.ask(ANNA, "/abo Luftangriffe auf Kiew", **DE)
    await w.step(berlin(4, 1, 30))
    [alert] = await alerts(w)
    assert str(alert["text"]).startswith("🔔 Luftangriffe auf Kiew")
    rewrite(
        w,
        DRONES,
        "Regen in Hamburg",
        "In Hamburg regnet es den ganzen Tag, teilt der Wetterdienst mit. Am Abend wird es windig.",
    )
    await w.step(berlin(4, 1, 40))
    [edit] = [m for m in await w.bot_messages(ANNA) if m["kind"] == "bot_edit"]
    assert edit["message_id"] == alert["message_id"]
    assert str(edit["text"]).startswith("✏️ aktualisiert – passt nicht mehr zu deinen Themen")
    assert "🔔" not in str(edit["text"])
    assert "Thema abbestellen" not in str(edit["data"])


async def test_a_waiting_alert_of_a_rewritten_entry_is_withdrawn(w: World) -> None:
    await w.reader.ask(ANNA, "/abo Luftangriffe auf Kiew", **DE)
    await w.reader.ask(ANNA, "/ruhe 00:00-08:00", **DE)
    await w.step(berlin(4, 1, 30))  # held by the quiet hours
    rewrite(w, DRONES, "Regen in Hamburg", "In Hamburg regnet es, sagt der Wetterdienst.")
    await w.step(berlin(4, 1, 40))
    await w.reader.ask(ANNA, "/ruhe aus", **DE)
    await w.deliver()
    assert await alerts(w) == []
    [record] = await w.services.storage.alerts.for_chat(ANNA)
    assert record.status == AlertStatus.CANCELLED


async def test_unsubscribe_under_an_alert_of_two_topics_asks_which(w: World) -> None:
    await w.reader.ask(ANNA, "/abo Luftangriffe auf Kiew", **DE)
    await w.reader.ask(ANNA, "/abo Drohnen", **DE)
    await w.step(berlin(4, 1, 30))
    [alert] = await alerts(w)
    assert str(alert["text"]).startswith("🔔 Luftangriffe auf Kiew · Drohnen")
    data = button(alert, "Thema abbestellen")
    asked = await w.reader.click(ANNA, int(alert["message_id"]), data, replies=2, **DE)  # type: ignore[call-overload]
    [question] = [e for e in asked if e["kind"] == "bot_message"]
    assert "Welches soll ich abbestellen?" in question["text"]
    choice = button(question, "Drohnen")
    done = await w.reader.click(ANNA, question["message_id"], choice, replies=2, **DE)
    assert any("Abo beendet: Drohnen" in str(e.get("text")) for e in done)
    left = await w.services.storage.subscriptions.for_chat(ANNA)
    assert [s.display for s in left] == ["Luftangriffe auf Kiew"]


async def test_daily_alerts_without_a_digest_do_not_pile_up(w: World) -> None:
    """A chat left in daily mode without a digest (before /zusammenfassung aus refused
    it): its alerts were pushed back a day at a time, forever. They go hourly now."""
    await w.reader.ask(ANNA, "/abo Luftangriffe auf Kiew", **DE)
    await w.reader.ask(ANNA, "/modus taeglich", **DE)
    await w.services.storage.chats.set_digest(ANNA, None, None, w.clock.now())
    await w.step(berlin(4, 1, 30))
    [batch] = await alerts(w)
    assert DRONES in str(batch["text"])


async def test_an_hourly_batch_says_when_the_next_one_comes(w: World) -> None:
    """Hourly mode sent the first match at once and then waited an hour without a word."""
    await w.reader.ask(ANNA, "/abo Luftangriffe auf Kiew", **DE)
    [mode] = await w.reader.ask(ANNA, "/modus stündlich", **DE)
    assert "Die erste Meldung kommt sofort" in mode["text"]
    await w.step(berlin(4, 1, 30))
    [batch] = await alerts(w)
    assert DRONES in str(batch["text"])
    assert str(batch["text"]).endswith(
        "⏱ Stündlich gesammelt: die nächsten Meldungen kommen frühestens um 02:30 Uhr."
    )
