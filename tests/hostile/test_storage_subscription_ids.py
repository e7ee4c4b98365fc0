"""Finding 5: subscription ids are never reused, unsubscribing takes its held alerts
along, and a topic is only ever named to the chat that subscribed to it."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage import open_storage
from storage.migrate import load_migrations, split_statements
from storage.records import AlertStatus
from tests.delivery.world import World, berlin, world
from tests.helpers import button

ANNA, BEN = 5101, 5102
DE = {"first_name": "Anna", "language_code": "de"}


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[World]:
    async with world(tmp_path) as the_world:
        yield the_world


def alerts_of(messages: list[dict[str, object]]) -> list[dict[str, object]]:
    return [m for m in messages if "🔔" in str(m["text"]) or "📰" in str(m["text"])]


async def test_held_alert_of_a_topic_given_up_never_arrives_in_other_words(w: World) -> None:
    await w.reader.ask(ANNA, "/abo Drohnen", **DE)
    await w.reader.ask(ANNA, "/ruhe 00:00-07:00", **DE)
    await w.step(berlin(4, 1, 30))  # the 01:26 drone attack on Kyiv is held: quiet hours
    [held] = await w.services.storage.alerts.for_chat(ANNA)
    assert held.status is AlertStatus.PENDING
    await w.reader.ask(ANNA, "/abbestellen Drohnen", **DE)
    # Someone else subscribes next: before the fix they got the freed id.
    await w.reader.ask(BEN, "/abo Nordkorea", **DE)
    [ben_sub] = await w.services.storage.subscriptions.for_chat(BEN)
    assert ben_sub.sub_id not in held.sub_ids
    w.clock.set(berlin(4, 7, 1))
    await w.deliver()
    assert alerts_of(await w.bot_messages(ANNA)) == []
    [after] = await w.services.storage.alerts.for_chat(ANNA)
    assert after.status is AlertStatus.CANCELLED


async def test_unsubscribing_one_of_two_topics_keeps_the_alert_for_the_other(w: World) -> None:
    await w.reader.ask(ANNA, "/abo Luftangriffe auf Kiew", **DE)
    await w.reader.ask(ANNA, "/abo Drohnen", **DE)
    await w.reader.ask(ANNA, "/ruhe 00:00-07:00", **DE)
    await w.step(berlin(4, 1, 30))
    kiew, drones = await w.services.storage.subscriptions.for_chat(ANNA)
    await w.reader.ask(ANNA, "/abbestellen Drohnen", **DE)
    [waiting] = await w.services.storage.alerts.for_chat(ANNA)
    assert waiting.status is AlertStatus.PENDING
    assert waiting.sub_ids == (kiew.sub_id,)  # the given-up topic no longer counts
    w.clock.set(berlin(4, 7, 1))
    await w.deliver()
    [alert] = alerts_of(await w.bot_messages(ANNA))
    assert "Kiew erneut mit Drohnen attackiert" in str(alert["text"])
    assert "Luftangriffe auf Kiew" in str(alert["text"])
    assert "Drohnen ·" not in str(alert["text"])
    assert "· Drohnen" not in str(alert["text"])
    assert drones.sub_id not in waiting.sub_ids


async def test_an_old_unsubscribe_button_cannot_remove_a_newer_subscription(w: World) -> None:
    group = {"chat_type": "group", "title": "Redaktion", **DE}
    await w.reader.set_admins(-5201, [77, 78])
    await w.reader.ask(-5201, "/abo Drohnen", user_id=77, **group)
    [listing] = await w.reader.ask(-5201, "/abos", user_id=77, **group)
    old_button = button(listing, "Drohnen")
    await w.reader.ask(-5201, "/abbestellen Drohnen", user_id=77, **group)
    await w.reader.ask(-5201, "/abo Nordkorea", user_id=78, **group)
    [answer] = await w.reader.click(-5201, listing["message_id"], old_button, user_id=77, **DE)
    assert "abgelaufen" in answer["text"]
    subs = await w.services.storage.subscriptions.for_chat(-5201)
    assert [s.display for s in subs] == ["Nordkorea"]


async def test_migration_keeps_ids_and_never_hands_out_one_an_alert_still_names(
    tmp_path: Path,
) -> None:
    """A database from before the fix: sub 3 was deleted but a held alert still names it."""
    db = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(db)
    conn.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
        " applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)"
    )
    for migration in load_migrations():
        if migration.version < 4:
            for statement in split_statements(migration.sql):
                conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                (migration.version, migration.name),
            )
    stamp = "2024-11-04T08:00:00+00:00"
    conn.execute(
        "INSERT INTO chats (chat_id, chat_type, language, created_at, updated_at)"
        " VALUES (1, 'private', 'de', ?, ?)",
        (stamp, stamp),
    )
    conn.execute("INSERT INTO sources (url, created_at) VALUES ('https://x.test/', ?)", (stamp,))
    conn.execute(
        "INSERT INTO entries (source_id, entry_key, body, kind, content_hash, first_seen_at,"
        " last_changed_at) VALUES (1, 'k', 'Text', 'news', 'h', ?, ?)",
        (stamp, stamp),
    )
    for sub_id, name in ((1, "Drohnen"), (2, "Kiew")):
        conn.execute(
            "INSERT INTO subscriptions (sub_id, chat_id, query, canonical, display, created_at)"
            " VALUES (?, 1, ?, ?, ?, ?)",
            (sub_id, name, name, name, stamp),
        )
    conn.execute(
        "INSERT INTO alerts (chat_id, entry_id, sub_ids, spans, status, due_at, created_at)"
        " VALUES (1, 1, '[3]', '[]', 'pending', ?, ?)",
        (stamp, stamp),
    )
    conn.commit()
    conn.close()

    storage = await open_storage(db)
    try:
        assert [s.sub_id for s in await storage.subscriptions.for_chat(1)] == [1, 2]
        [orphan] = await storage.alerts.for_chat(1)
        assert orphan.status is AlertStatus.CANCELLED
        sub, created = await storage.subscriptions.add(
            1, "Nordkorea", None, "Nordkorea", "Nordkorea", orphan.created_at
        )
        assert created
        assert sub.sub_id == 4  # neither 3 (named by the alert) nor a freed one
        assert await storage.subscriptions.remove(1, sub.sub_id)
        again, _ = await storage.subscriptions.add(
            1, "Baerbock", None, "Baerbock", "Baerbock", orphan.created_at
        )
        assert again.sub_id == 5
    finally:
        await storage.close()
