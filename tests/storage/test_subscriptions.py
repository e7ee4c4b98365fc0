"""Subscriptions on both backends: one per canonical topic, removal and its held alerts."""

from __future__ import annotations

import asyncio

from storage import Storage
from storage.records import AlertStatus
from storage.repos.subscriptions import REMOVED
from tests.storage.world import MANY, NOW, alert, alert_row, at, many_chats, news, source_with


async def test_add_is_unique_per_chat_and_canonical(store: Storage) -> None:
    await store.chats.upsert(1, "private", None, "de", NOW)
    await store.chats.upsert(2, "private", None, "de", NOW)
    sub, created = await store.subscriptions.add(1, "Kiew", "kyiv", "c:kyiv", "Kiew", NOW)
    assert created
    assert (sub.chat_id, sub.query, sub.catalog_id, sub.canonical, sub.display) == (
        1,
        "Kiew",
        "kyiv",
        "c:kyiv",
        "Kiew",
    )
    assert (sub.mode, sub.urgent, sub.created_at) == (None, False, NOW)
    same, created = await store.subscriptions.add(1, "Kyjiw", None, "c:kyiv", "Kyjiw", at(1))
    assert not created
    assert same == sub  # the first one, untouched
    theirs, created = await store.subscriptions.add(2, "Kiew", "kyiv", "c:kyiv", "Kiew", NOW)
    assert created
    assert theirs.sub_id != sub.sub_id
    assert await store.subscriptions.count(1) == 1
    assert await store.subscriptions.count(3) == 0
    assert await store.subscriptions.get(sub.sub_id) == sub
    assert await store.subscriptions.get(theirs.sub_id + 100) is None


async def test_listing_for_one_many_and_active_chats(store: Storage) -> None:
    chats = [10 + i for i in range(3)] + [-1001234567890123]
    for chat_id in chats:
        await store.chats.upsert(chat_id, "private", None, "de", NOW)
    subs = []
    for chat_id in chats:
        for topic in ("Kiew", "Drohnen"):
            sub, _ = await store.subscriptions.add(chat_id, topic, None, topic, topic, NOW)
            subs.append(sub)
    assert [s.display for s in await store.subscriptions.for_chat(10)] == ["Kiew", "Drohnen"]
    assert await store.subscriptions.for_chat(99) == []
    picked = await store.subscriptions.for_chats([11, -1001234567890123, 99])
    assert [s.sub_id for s in picked] == [s.sub_id for s in subs if s.chat_id in (11, chats[3])]
    assert await store.subscriptions.for_chats([]) == []
    await store.chats.deactivate(11, NOW, "blocked", by_error=True)
    assert [s.sub_id for s in await store.subscriptions.active()] == [
        s.sub_id for s in subs if s.chat_id != 11
    ]


async def test_for_chats_beyond_one_chunk(store: Storage) -> None:
    chats = list(range(1, MANY + 1))
    await many_chats(store, chats)
    await asyncio.gather(
        *(store.subscriptions.add(c, "Kiew", None, "c:kyiv", "Kiew", NOW) for c in chats)
    )
    found = await store.subscriptions.for_chats(chats)
    assert sorted(s.chat_id for s in found) == chats
    # What a digest reads: the same subscriptions, only what names their topics.
    await store.subscriptions.add(2, "Drohnen über Kiew", None, "kw:drohnen", "Drohnen", NOW)
    found = await store.subscriptions.for_chats(chats)
    named = await store.subscriptions.names_for_chats(chats)
    assert [(n.sub_id, n.chat_id, n.catalog_id, n.display) for n in named] == [
        (s.sub_id, s.chat_id, s.catalog_id, s.display) for s in found
    ]
    assert await store.subscriptions.names_for_chats([]) == []


async def test_mode_and_urgent_only_for_the_chat_that_owns_it(store: Storage) -> None:
    await store.chats.upsert(1, "private", None, "de", NOW)
    sub, _ = await store.subscriptions.add(1, "Kiew", None, "c:kyiv", "Kiew", NOW)
    assert await store.subscriptions.set_mode(1, sub.sub_id, "digest")
    assert await store.subscriptions.set_urgent(1, sub.sub_id, True)
    assert not await store.subscriptions.set_mode(2, sub.sub_id, "batch")  # not theirs
    assert not await store.subscriptions.set_urgent(2, sub.sub_id, False)
    assert not await store.subscriptions.set_mode(1, sub.sub_id + 1, "batch")
    changed = await store.subscriptions.get(sub.sub_id)
    assert changed is not None
    assert (changed.mode, changed.urgent) == ("digest", True)
    assert await store.subscriptions.set_mode(1, sub.sub_id, None)
    back = await store.subscriptions.get(sub.sub_id)
    assert back is not None
    assert back.mode is None


async def test_remove_cancels_what_only_it_held_and_unnames_itself_elsewhere(
    store: Storage,
) -> None:
    await store.chats.upsert(1, "private", None, "de", NOW)
    await store.chats.upsert(2, "private", None, "de", NOW)
    kyiv, _ = await store.subscriptions.add(1, "Kiew", None, "c:kyiv", "Kiew", NOW)
    drones, _ = await store.subscriptions.add(1, "Drohnen", None, "c:drones", "Drohnen", NOW)
    theirs, _ = await store.subscriptions.add(2, "Drohnen", None, "c:drones", "Drohnen", NOW)
    await store.choices.set_limit(drones.sub_id, ["ts-ukraine"])
    _, [e1, e2, e3] = await source_with(store, "https://x.test/", news("a"), news("b"), news("c"))
    ids = await store.alerts.create_many(
        [
            alert(1, e1, (drones.sub_id,)),  # only this topic: cancelled
            alert(1, e2, (kyiv.sub_id, drones.sub_id)),  # the other topic stays
            alert(1, e3, (drones.sub_id,)),  # already sent: history is kept
            alert(2, e1, (theirs.sub_id,)),  # another chat's: untouched
        ],
        NOW,
    )
    await store.alerts.mark_sent([(ids[2], "h")], 9, NOW)
    assert not await store.subscriptions.remove(2, drones.sub_id)  # not theirs
    assert await store.subscriptions.remove(1, drones.sub_id)
    assert not await store.subscriptions.remove(1, drones.sub_id)  # gone already
    only, shared, sent, other = [await alert_row(store, i) for i in ids]
    assert (only.status, only.last_error) == (AlertStatus.CANCELLED, REMOVED)
    assert (shared.status, shared.sub_ids) == (AlertStatus.PENDING, (kyiv.sub_id,))
    assert (sent.status, sent.sub_ids) == (AlertStatus.SENT, (drones.sub_id,))
    assert (other.status, other.sub_ids) == (AlertStatus.PENDING, (theirs.sub_id,))
    assert await store.choices.limits_for_subs([drones.sub_id]) == {}
    assert [s.sub_id for s in await store.subscriptions.for_chat(1)] == [kyiv.sub_id]
    again, created = await store.subscriptions.add(1, "Drohnen", None, "c:drones", "D", at(1))
    assert created
    assert again.sub_id > theirs.sub_id  # a removed id is never given again
