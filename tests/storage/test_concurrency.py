"""Writers side by side keep the one-row rules (PostgreSQL runs them at once on its pool;
SQLite queues them, so there the same tests check that nothing deadlocks or drops)."""

from __future__ import annotations

import asyncio

from storage import Storage
from storage.records import UpsertStatus
from tests.storage.world import NOW, alert, news


async def test_the_same_entry_upserted_twice_at_once_is_one_row(store: Storage) -> None:
    source = await store.sources.ensure("https://x.test/", None, 60, NOW)
    for round_ in range(5):
        batch = [news(f"k{round_}-{i}") for i in range(3)]
        one, two = await asyncio.gather(
            store.entries.upsert_many(source.source_id, batch, NOW),
            store.entries.upsert_many(source.source_id, batch, NOW),
        )
        # Both calls account for every item; exactly one of them made it new.
        assert [r.entry.key for r in one] == [r.entry.key for r in two] == [e.key for e in batch]
        for first, second in zip(one, two, strict=True):
            assert first.entry.entry_id == second.entry.entry_id
            assert sorted([first.status, second.status]) == sorted(
                [UpsertStatus.NEW, UpsertStatus.UNCHANGED]
            )
    assert len(await store.entries.latest(100)) == 15


async def test_an_entry_edited_twice_at_once_is_one_edit(store: Storage) -> None:
    source = await store.sources.ensure("https://x.test/", None, 60, NOW)
    keys = [f"k{i}" for i in range(8)]
    await store.entries.upsert_many(source.source_id, [news(k, "eins") for k in keys], NOW)
    for key in keys:
        one, two = await asyncio.gather(
            store.entries.upsert_many(source.source_id, [news(key, "zwei")], NOW),
            store.entries.upsert_many(source.source_id, [news(key, "zwei")], NOW),
        )
        assert sorted([one[0].status, two[0].status]) == sorted(
            [UpsertStatus.EDITED, UpsertStatus.UNCHANGED]
        )
    for stored in await store.entries.latest(10):
        # Edited once: the version before is the first one, not the edit itself.
        assert (stored.body, stored.previous_body) == ("zwei", "eins")


async def test_two_sweeps_matching_the_same_entry_write_one_alert(store: Storage) -> None:
    await store.chats.upsert(1, "private", None, "de", NOW)
    source = await store.sources.ensure("https://x.test/", None, 60, NOW)
    results = await store.entries.upsert_many(
        source.source_id, [news(f"k{i}") for i in range(5)], NOW
    )
    for result in results:
        entry = result.entry
        matched = [(entry.entry_id, entry.content_hash)]
        one, two = await asyncio.gather(
            store.alerts.record_matches([alert(1, entry.entry_id)], matched, NOW),
            store.alerts.record_matches([alert(1, entry.entry_id)], matched, NOW),
        )
        assert sorted([len(one), len(two)]) == [0, 1]
    assert len(await store.alerts.for_chat(1)) == 5
    assert await store.entries.awaiting_match(0) == []


async def test_the_same_topic_subscribed_twice_at_once_is_one(store: Storage) -> None:
    await store.chats.upsert(1, "private", None, "de", NOW)
    one, two = await asyncio.gather(
        store.subscriptions.add(1, "Kiew", None, "c:kyiv", "Kiew", NOW),
        store.subscriptions.add(1, "Kiew", None, "c:kyiv", "Kiew", NOW),
    )
    assert one[0] == two[0]
    assert sorted([one[1], two[1]]) == [False, True]
    assert await store.subscriptions.count(1) == 1


async def test_chats_and_sources_made_twice_at_once(store: Storage) -> None:
    chats = await asyncio.gather(
        *(store.chats.upsert(5, "private", None, "de", NOW) for _ in range(4))
    )
    assert {c.chat_id for c in chats} == {5}
    sources = await asyncio.gather(
        *(store.sources.ensure("https://x.test/", None, 60, NOW) for _ in range(4))
    )
    assert len({s.source_id for s in sources}) == 1
