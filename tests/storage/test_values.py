"""Values cross both backends unchanged: moments to the microsecond (in any zone, read
back in UTC, ordered by time), any text, 64-bit ids."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from storage import Storage
from storage.repos.storage import SqlStorage
from tests.storage.world import NOW, alert, news

KYIV = timezone(timedelta(hours=2))
NEPAL = timezone(timedelta(hours=5, minutes=45))
TEXTS = [
    "Kiew 🇺🇦 erneut mit Drohnen 🛩️ attackiert — 👩‍👩‍👧",
    "Größere Schäden in Charkiw: Straßen gesperrt, ÄÖÜ äöü ß",
    "פיגוע בירושלים — ירי ליד תחנה (עברית) مرحبا بالعالم",
    "Київ, Харків — Одеса; 北京; 🧪 \u200d zero-width joiner",
]


async def test_moments_round_trip_exactly_in_utc(store: Storage) -> None:
    moments = [
        datetime(2024, 11, 4, 12, 0, 0, 1, tzinfo=UTC),
        datetime(2024, 11, 4, 14, 0, 0, 999_999, tzinfo=KYIV),
        datetime(2024, 3, 31, 1, 59, 59, 123_456, tzinfo=NEPAL),
        datetime(1999, 12, 31, 23, 59, 59, tzinfo=UTC),
        datetime(2099, 1, 1, tzinfo=UTC),
    ]
    source = await store.sources.ensure("https://x.test/", None, 60, NOW)
    entries = [news(f"k{i}", published=m) for i, m in enumerate(moments)]
    stored = await store.entries.upsert_many(source.source_id, entries, moments[1])
    for result, moment in zip(stored, moments, strict=True):
        again = await store.entries.get(result.entry.entry_id)
        assert again is not None
        assert again.published_at == moment
        assert again.published_at is not None
        assert again.published_at.utcoffset() == timedelta(0)  # read back in UTC
        assert again.first_seen_at == moments[1]
    await store.chats.upsert(1, "private", None, "de", moments[2])
    await store.chats.set_paused_until(1, moments[1], NOW)
    chat = await store.chats.get(1)
    assert chat is not None
    assert (chat.created_at, chat.paused_until) == (moments[2], moments[1])


async def test_moments_order_by_time_not_by_their_written_zone(store: Storage) -> None:
    base = datetime(2024, 11, 4, 12, 0, tzinfo=UTC)
    # Written in zones whose local clock reads the other way round from the instants.
    order = [
        (base + timedelta(microseconds=1)).astimezone(NEPAL),
        (base + timedelta(microseconds=2)).astimezone(UTC),
        (base + timedelta(seconds=1)).astimezone(KYIV),
        (base + timedelta(minutes=1)).astimezone(timezone(timedelta(hours=-10))),
    ]
    source = await store.sources.ensure("https://x.test/", None, 60, NOW)
    shuffled = [3, 0, 2, 1]
    for i in shuffled:
        await store.entries.upsert_many(
            source.source_id, [news(f"k{i}", published=order[i])], order[i]
        )
    assert [e.key for e in await store.entries.latest(10)] == ["k3", "k2", "k1", "k0"]
    assert [e.key for e in await store.entries.seen_since(order[1])] == ["k1", "k2", "k3"]
    await store.chats.upsert(1, "private", None, "de", NOW)
    ids = [e.entry_id for e in await store.entries.seen_since(order[0])]
    for entry_id, due in zip(ids, reversed(order), strict=True):
        await store.alerts.create_many([alert(1, entry_id, due=due)], NOW)
    assert await store.alerts.oldest_due(order[1]) == order[0]
    due = await store.alerts.pending_for_chat(1, order[1])
    assert sorted(a.due_at for a in due) == order[:2]


async def test_text_round_trips_unchanged(store: Storage) -> None:
    source = await store.sources.ensure("https://x.test/ü/🛩️", None, 60, NOW)
    assert await store.sources.find("https://x.test/ü/🛩️") == source
    await store.sources.set_name(source.source_id, TEXTS[2])
    named = await store.sources.get(source.source_id)
    assert named is not None
    assert named.name == TEXTS[2]
    stored = await store.entries.upsert_many(
        source.source_id,
        [news(f"ключ-{i}-🔑", body=text, title=text[::-1]) for i, text in enumerate(TEXTS)],
        NOW,
    )
    for result, text in zip(stored, TEXTS, strict=True):
        again = await store.entries.get(result.entry.entry_id)
        assert again is not None
        assert (again.body, again.title) == (text, text[::-1])
        assert again.key == result.entry.key
    other = await store.sources.ensure("https://y.test/", None, 60, NOW)
    [lead] = await store.stories.candidates(NOW, NOW, other.source_id, limit=1)
    assert lead.lead in TEXTS
    for i, text in enumerate(TEXTS):
        await store.chats.upsert(100 + i, "group", text, "uk", NOW)
        sub, _ = await store.subscriptions.add(100 + i, text, None, text.casefold(), text, NOW)
        assert (sub.query, sub.canonical, sub.display) == (text, text.casefold(), text)
        chat = await store.chats.get(100 + i)
        assert chat is not None
        assert chat.title == text
        await store.chats.deactivate(100 + i, NOW, text)
        gone = await store.chats.get(100 + i)
        assert gone is not None
        assert gone.inactive_detail == text


async def test_64_bit_ids_everywhere(store: Storage) -> None:
    chat_ids = [-1001234567890123, 9_007_199_254_740_993, -(2**63), 2**63 - 1]
    source = await store.sources.ensure("https://x.test/", None, 60, NOW)
    [entry] = await store.entries.upsert_many(source.source_id, [news("k")], NOW)
    for chat_id in chat_ids:
        await store.chats.upsert(chat_id, "supergroup", None, "de", NOW)
        sub, _ = await store.subscriptions.add(chat_id, "Kiew", None, "c:kyiv", "Kiew", NOW)
        await store.choices.set_enabled(chat_id, "ts-ukraine", False)
        [alert_id] = await store.alerts.create_many(
            [alert(chat_id, entry.entry.entry_id, (sub.sub_id,))], NOW
        )
        await store.alerts.mark_sent([(alert_id, "h")], 2**53 + 1, NOW)
    assert sorted(await store.chats.get_many(chat_ids)) == sorted(chat_ids)
    assert await store.alerts.chats_with_alert_for_entry(entry.entry.entry_id) == set(chat_ids)
    assert sorted(s.chat_id for s in await store.subscriptions.for_chats(chat_ids)) == sorted(
        chat_ids
    )
    assert set(await store.choices.off_for_chats(chat_ids)) == set(chat_ids)
    for chat_id in chat_ids:
        [sent] = await store.alerts.for_chat(chat_id)
        assert (sent.chat_id, sent.message_id) == (chat_id, 2**53 + 1)
    await store.chats.migrate(chat_ids[0], -1009999999999999, NOW)
    moved = await store.chats.get(-1009999999999999)
    assert moved is not None


async def test_text_no_backend_can_hold_is_refused_by_both(store: Storage) -> None:
    """U+0000 and lone surrogates: PostgreSQL cannot store them, so neither backend does
    (an entry holding one is left out alone; elsewhere the write fails, and says so)."""
    assert isinstance(store, SqlStorage)
    source = await store.sources.ensure("https://x.test/", None, 60, NOW)
    results = await store.entries.upsert_many(
        source.source_id,
        [news("a", "vor\x00her"), news("b"), news("c", title="Ti\x00tel"), news("d\ud800")],
        NOW,
    )
    assert [r.entry.key for r in results] == ["b"]
    with pytest.raises(store.db.item_errors):
        await store.chats.upsert(1, "group", "Redaktion\x00", "de", NOW)
    assert await store.chats.get(1) is None
