"""From a liveblog entry to the reader's chat, through the real bot and the stand-in."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.devserver.limits import RateLimits
from storage.records import AlertStatus
from tests.delivery.world import World, berlin, world

ANNA, BEN = 4101, 4102
DE = {"first_name": "Anna", "language_code": "de"}


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[World]:
    async with world(tmp_path) as the_world:
        yield the_world


async def subscribe(w: World, chat: int, *queries: str) -> None:
    for query in queries:
        await w.reader.ask(chat, f"/abo {query}", **DE)


async def test_kyiv_air_raids_arrive_exactly(w: World) -> None:
    await subscribe(w, ANNA, "Luftangriffe auf Kiew")
    await w.step(berlin(4, 1, 30))
    await w.step(berlin(4, 10, 45))
    await w.step(berlin(4, 23, 40))
    alerts = [m for m in await w.bot_messages(ANNA) if "🔔" in m["text"]]
    titles = [a["text"].split("\n")[1] for a in alerts]
    assert titles == ["Kiew erneut mit Drohnen attackiert", "Kiew: Klitschko warnt vor Angriffen"]
    first = alerts[0]
    assert "🕐 01:26" in first["text"]
    assert "<b>Drohnenangriffs</b>" in first["data"]["html"]
    assert '<a href="' in first["data"]["html"]
    assert [b["text"] for b in first["data"]["reply_markup"]["inline_keyboard"][0]] == [
        "🔕 Thema abbestellen",
        "🔇 1 h stumm",
    ]


async def test_one_alert_per_entry_names_all_topics(w: World) -> None:
    await subscribe(w, ANNA, "Luftangriffe auf Kiew", "Drohnen")
    await w.step(berlin(4, 1, 30))
    [alert] = [m for m in await w.bot_messages(ANNA) if "🔔" in m["text"]]
    assert alert["text"].startswith("🔔 Luftangriffe auf Kiew · Drohnen")


async def test_no_backlog_and_first_poll_pushes_nothing(w: World) -> None:
    # Entries published before the subscription (minus 15 minutes) are history.
    await w.step(berlin(4, 10, 45))
    await subscribe(w, ANNA, "Drohnen")
    await w.step(berlin(4, 10, 50))
    assert [m for m in await w.bot_messages(ANNA) if "🔔" in m["text"]] == []


async def test_burst_becomes_a_batch(w: World) -> None:
    await subscribe(w, ANNA, "Nordkorea")
    await w.step(berlin(4, 23, 40))
    batches = [m for m in await w.bot_messages(ANNA) if m["text"].startswith("📰")]
    assert len(batches) == 1
    assert "neue Meldungen zu deinen Themen" in batches[0]["text"]
    assert "Kim Jong Un" in batches[0]["text"]


async def test_material_edit_is_applied_in_place(w: World) -> None:
    await subscribe(w, ANNA, "Luftangriffe auf Kiew")
    await w.step(berlin(4, 1, 30))
    [alert] = [m for m in await w.bot_messages(ANNA) if "🔔" in m["text"]]
    key = next(e.key for e in w.liveblog.entries if e.title == "Kiew erneut mit Drohnen attackiert")
    original = next(e.text for e in w.liveblog.entries if e.key == key)
    w.liveblog.correct(key, original.replace("ukainischen", "ukrainischen"))  # a typo fix
    await w.step(berlin(4, 1, 35))
    assert [e["kind"] for e in await w.bot_messages(ANNA)] == ["bot_message", "bot_message"]
    w.liveblog.correct(key, original + " Nach ersten Angaben wurden zwei Menschen verletzt.")
    await w.step(berlin(4, 1, 40))
    edits = [e for e in await w.bot_messages(ANNA) if e["kind"] == "bot_edit"]
    assert len(edits) == 1
    assert edits[0]["message_id"] == alert["message_id"]
    assert "✏️ aktualisiert" in edits[0]["text"]
    assert "zwei Menschen verletzt" in edits[0]["text"]


async def test_quiet_hours_hold_then_one_batch(w: World) -> None:
    await subscribe(w, ANNA, "Luftangriffe auf Kiew", "Drohnen")
    await w.reader.ask(ANNA, "/ruhe 00:00-07:00", **DE)
    await w.step(berlin(4, 1, 30))
    assert not [m for m in await w.bot_messages(ANNA) if "🔔" in m["text"] or "📰" in m["text"]]
    await w.step(berlin(4, 1, 45))  # still quiet: more news waits too
    w.clock.set(berlin(4, 7, 1))
    await w.deliver()
    [held] = [m for m in await w.bot_messages(ANNA) if "🔔" in m["text"] or "📰" in m["text"]]
    assert "Kiew erneut mit Drohnen attackiert" in held["text"]


async def test_urgent_breaks_through_quiet_hours(w: World) -> None:
    await subscribe(w, ANNA, "Luftangriffe auf Kiew")
    await w.reader.ask(ANNA, "/dringend 1", **DE)
    await w.reader.ask(ANNA, "/ruhe 00:00-07:00", **DE)
    await w.step(berlin(4, 1, 30))
    assert [m for m in await w.bot_messages(ANNA) if "🔔" in m["text"]]


async def test_hourly_mode_sends_one_batch_an_hour(w: World) -> None:
    await subscribe(w, ANNA, "Drohnen")
    await w.reader.ask(ANNA, "/modus stuendlich", **DE)
    await w.step(berlin(4, 1, 30))
    [first] = [m for m in await w.bot_messages(ANNA) if m["text"].startswith("📰")]
    assert "1 neue Meldung zu" in first["text"]
    await w.step(berlin(4, 10, 45))  # 9 hours later: due at once
    assert len([m for m in await w.bot_messages(ANNA) if m["text"].startswith("📰")]) == 2


async def test_pause_holds_and_resume_releases(w: World) -> None:
    await subscribe(w, ANNA, "Drohnen")
    await w.reader.ask(ANNA, "/pause 2h", **DE)
    await w.step(berlin(4, 1, 30))
    assert not [m for m in await w.bot_messages(ANNA) if "🔔" in m["text"]]
    await w.reader.ask(ANNA, "/weiter", **DE)
    await w.deliver()
    assert [m for m in await w.bot_messages(ANNA) if "🔔" in m["text"]]


async def test_flood_control_is_honoured_exactly(w: World) -> None:
    await subscribe(w, ANNA, "Drohnen")
    await w.reader.fault("retry_after", method="sendMessage", chat_id=ANNA, retry_after=1)
    stats = await w.step(berlin(4, 1, 30))
    assert stats.retried == 1
    [alert] = await w.services.storage.alerts.created_since(berlin(4, 0))
    assert alert.status is AlertStatus.PENDING
    assert (alert.due_at - w.clock.now()).total_seconds() == 1
    w.clock.advance(alert.due_at - w.clock.now())
    stats = await w.deliver()
    assert stats.alerts_sent == 1


async def test_blocked_chat_is_retired_and_start_brings_it_back(w: World) -> None:
    await subscribe(w, ANNA, "Drohnen")
    await w.reader.fault("blocked", method="sendMessage", chat_id=ANNA)
    await w.step(berlin(4, 1, 30))
    storage = w.services.storage
    chat = await storage.chats.get(ANNA)
    assert chat is not None
    assert not chat.active
    [alert] = await storage.alerts.for_chat(ANNA)
    assert alert.status is AlertStatus.CANCELLED
    await w.reader.ask(ANNA, "/start", **DE)
    chat = await storage.chats.get(ANNA)
    assert chat is not None
    assert chat.active
    await w.step(berlin(4, 10, 45))
    assert [m for m in await w.bot_messages(ANNA) if "🔔" in m["text"] or "📰" in m["text"]]


async def test_broken_html_is_resent_as_plain_text_then_fails_alone(w: World) -> None:
    await subscribe(w, ANNA, "Drohnen")
    await w.reader.fault("parse", method="sendMessage", chat_id=ANNA)
    await w.step(berlin(4, 1, 30))
    [plain] = [m for m in await w.bot_messages(ANNA) if "🔔" in m["text"]]
    assert plain["data"]["html"] == plain["text"]  # sent without markup
    await w.reader.fault("parse", method="sendMessage", chat_id=ANNA, times=2)
    await w.step(berlin(4, 10, 32))  # one entry (10:30, drones): poisoned twice → failed
    failed = [
        a for a in await w.services.storage.alerts.for_chat(ANNA) if a.status is AlertStatus.FAILED
    ]
    assert len(failed) == 1
    assert failed[0].last_error
    assert "plain text" in failed[0].last_error


async def test_server_errors_are_retried_with_backoff(w: World) -> None:
    await subscribe(w, ANNA, "Drohnen")
    await w.reader.fault("server", method="sendMessage", chat_id=ANNA)
    stats = await w.step(berlin(4, 1, 30))
    assert stats.retried == 1
    [alert] = await w.services.storage.alerts.created_since(berlin(4, 0))
    assert alert.last_error
    w.clock.advance(alert.due_at - w.clock.now())
    assert (await w.deliver()).alerts_sent == 1


async def test_migrated_group_gets_its_alert_at_the_new_id(tmp_path: Path) -> None:
    async with world(tmp_path, RateLimits()) as w:
        group = {"chat_type": "group", "title": "Redaktion", **DE}
        await w.reader.set_admins(-6001, [77])
        await w.reader.ask(-6001, "/abo Drohnen", user_id=77, **group)
        w.telegram.state.migrated[-6001] = -1006001  # Telegram moved it without telling us
        w.telegram.state.chats[-1006001] = {"id": -1006001, "type": "supergroup", "title": "R"}
        await w.step(berlin(4, 1, 30))
        assert [m for m in await w.bot_messages(-1006001) if "🔔" in m["text"]]
        assert await w.services.storage.chats.get(-6001) is None


async def test_a_batch_interrupted_midway_resends_only_the_rest(w: World) -> None:
    await subscribe(w, ANNA, "Nordkorea", "Selenskyj", "Kursk")
    await w.reader.fault("retry_after", method="sendMessage", chat_id=ANNA, retry_after=1, skip=1)
    stats = await w.step(berlin(4, 23, 40))
    first = [m for m in await w.bot_messages(ANNA) if m["text"].startswith("📰")]
    assert len(first) == 1  # part 1 of 2 went out, part 2 hit flood control
    assert stats.retried > 0
    w.clock.advance(timedelta(seconds=1))
    await w.deliver()
    batches = [m for m in await w.bot_messages(ANNA) if m["text"].startswith("📰")]
    shown = [block for m in batches for block in m["text"].split("\n\n") if block.startswith("• ")]
    assert len(shown) == len(set(shown))  # nothing twice
    sent = await w.services.storage.alerts.for_chat(ANNA)
    assert {a.status for a in sent} == {AlertStatus.SENT}
    assert len(shown) == len(sent)
