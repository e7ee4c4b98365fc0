"""Finding 10 (migration): a group that becomes a supergroup the bot already knows keeps
its language, time zone, quiet hours, mode and digest time; its subscriptions and held
alerts move along without duplicates and keep naming their topics."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from storage.records import ChatRecord
from storage.repos.chat_moves import merge_settings
from tests.delivery.world import World, berlin, world

OLD, NEW = -5501, -1005501
ADMIN = 77
DE = {"first_name": "Anna", "language_code": "de"}
IN_OLD = {"chat_type": "group", "title": "Redaktion", "user_id": ADMIN, **DE}
IN_NEW = {"chat_type": "supergroup", "title": "Redaktion", "user_id": ADMIN, **DE}


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[World]:
    async with world(tmp_path) as the_world:
        yield the_world


async def test_migration_into_a_known_supergroup_keeps_settings_topics_and_alerts(
    w: World,
) -> None:
    await w.reader.set_admins(OLD, [ADMIN])
    for command in (
        "/abo Luftangriffe auf Kiew",
        "/abo Drohnen",
        "/zeitzone Europe/London",
        "/ruhe 00:00-07:00",
        "/zusammenfassung 20:00",
        "/modus stuendlich",
        "/sprache en",
    ):
        await w.reader.ask(OLD, command, **IN_OLD)
    await w.step(berlin(4, 1, 30))  # the 01:26 drone attack on Kyiv: held, quiet hours
    [held] = await w.services.storage.alerts.for_chat(OLD)
    # Someone uses the bot in the supergroup before the move is handled: a row exists.
    await w.reader.set_admins(NEW, [ADMIN])
    await w.reader.ask(NEW, "/abo Drohnen", **IN_NEW)
    # No waiting: the supergroup's own service message moves the data before /list.
    await w.reader.migrate(OLD, NEW)
    [listing] = await w.reader.ask(NEW, "/list", **IN_NEW)
    text = listing["text"]
    assert "This group's subscriptions" in text  # the group's language
    assert "Europe/London" in text
    assert "quiet 00:00–07:00" in text
    assert "digest 20:00" in text
    assert "Mode: hourly" in text
    assert text.count("Drones") == 1  # subscribed in both: one subscription
    assert "Air raids on Kyiv" in text
    storage = w.services.storage
    assert await storage.chats.get(OLD) is None
    subs = await storage.subscriptions.for_chat(NEW)
    assert len(subs) == 2
    [moved] = await storage.alerts.for_chat(NEW)
    assert moved.alert_id == held.alert_id
    assert set(moved.sub_ids) == {s.sub_id for s in subs}
    # Quiet hours still hold it (07:00 London time is 08:00 in Berlin).
    await w.step(berlin(4, 7, 30))
    assert not [m for m in await w.bot_messages(NEW) if "📰" in m["text"] or "🔔" in m["text"]]
    await w.step(berlin(4, 8, 1))
    [batch] = [m for m in await w.bot_messages(NEW) if "📰" in m["text"] or "🔔" in m["text"]]
    assert "Kiew erneut mit Drohnen attackiert" in batch["text"]


def chat(chat_id: int, **settings: object) -> ChatRecord:
    base = ChatRecord(chat_id, "group", "R", "de", None, True, datetime(2024, 1, 1, tzinfo=UTC))
    return ChatRecord(**{**{f: getattr(base, f) for f in base.__slots__}, **settings})


def test_settings_the_supergroup_set_itself_win() -> None:
    old = chat(OLD, language="en", language_fixed=True, timezone="Europe/London", mode="daily")
    new = chat(NEW, timezone="Asia/Tokyo", quiet_start="22:00", quiet_end="06:00")
    merged = merge_settings(old, new)
    assert (merged.chat_id, merged.language, merged.language_fixed) == (NEW, "en", True)
    assert merged.timezone == "Asia/Tokyo"
    assert (merged.quiet_start, merged.quiet_end) == ("22:00", "06:00")
    assert merged.mode == "daily"


async def test_an_alert_sent_before_the_move_is_updated_in_the_supergroup(
    tmp_path: Path, db_target: str
) -> None:
    """Issue 21: after the move, a sent alert kept the old group's message id, which
    the supergroup does not know ("message to edit not found"): its update was lost.
    Now the update goes to the supergroup as a new message, and the next one edits that."""
    async with world(tmp_path, db=db_target) as w:
        await w.reader.set_admins(OLD, [ADMIN])
        await w.reader.ask(OLD, "/abo Luftangriffe auf Kiew", **IN_OLD)
        await w.step(berlin(4, 1, 30))
        [sent] = [m for m in await w.bot_messages(OLD) if "🔔" in m["text"]]
        await w.reader.migrate(OLD, NEW)
        await w.reader.set_admins(NEW, [ADMIN])
        await w.reader.ask(NEW, "/abos", **IN_NEW)  # the service message moves the chat
        [alert] = await w.services.storage.alerts.for_chat(NEW)
        assert alert.message_id == sent["message_id"]  # an id of the old group's

        title = "Kiew erneut mit Drohnen attackiert"
        key = next(e.key for e in w.liveblog.entries if e.title == title)
        original = next(e.text for e in w.liveblog.entries if e.key == key)
        w.liveblog.correct(key, original + " Nach ersten Angaben wurden zwei Menschen verletzt.")
        await w.step(berlin(4, 1, 35))
        [update] = [m for m in await w.bot_messages(NEW) if "✏️" in m["text"]]
        assert update["kind"] == "bot_message"  # a new message, in the supergroup
        assert "zwei Menschen verletzt" in update["text"]
        [alert] = await w.services.storage.alerts.for_chat(NEW)
        assert alert.message_id == update["message_id"]
        assert alert.last_error is None

        later = " Zwei Menschen wurden verletzt, ein Wohnhaus brannte bis zum Morgen."
        w.liveblog.correct(key, original + later)
        await w.step(berlin(4, 1, 40))
        edits = [m for m in await w.bot_messages(NEW) if m["kind"] == "bot_edit"]
        assert [e["message_id"] for e in edits] == [update["message_id"]]  # edited in place
        assert "ein Wohnhaus brannte" in edits[0]["text"]
        assert [m for m in await w.bot_messages(OLD) if m["kind"] == "bot_edit"] == []
