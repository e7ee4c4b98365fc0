"""Source choices on both backends: sources a chat turned off, a subscription's limit."""

from __future__ import annotations

import asyncio

from storage import Storage
from storage.repos.choices import MAX_LIMIT
from tests.storage.world import MANY, NOW, many_chats


async def test_sources_off_per_chat(store: Storage) -> None:
    big = -1001234567890123
    for chat_id in (1, 2, big):
        await store.chats.upsert(chat_id, "group", None, "de", NOW)
    await store.choices.set_enabled(1, "ts-ukraine", False)
    await store.choices.set_enabled(1, "ts-ukraine", False)  # twice is once
    await store.choices.set_enabled(1, "ntv-ukraine", False)
    await store.choices.set_enabled(big, "ts-ukraine", False)
    await store.choices.set_enabled(2, "zdf-ukraine", True)  # on already: nothing stored
    assert await store.choices.off_for_chat(1) == {"ts-ukraine", "ntv-ukraine"}
    assert await store.choices.off_for_chat(2) == set()
    assert await store.choices.off_for_chats([1, 2, big]) == {
        1: {"ts-ukraine", "ntv-ukraine"},
        big: {"ts-ukraine"},
    }
    await store.choices.set_enabled(1, "ts-ukraine", True)
    assert await store.choices.off_for_chat(1) == {"ntv-ukraine"}
    assert await store.choices.off_for_chats([]) == {}


async def test_many_chats_beyond_one_chunk(store: Storage) -> None:
    chats = list(range(1, MANY + 1))
    await many_chats(store, chats)
    await asyncio.gather(
        *(store.choices.set_enabled(c, "ts-ukraine", False) for c in chats if c % 2)
    )
    off = await store.choices.off_for_chats(chats)
    assert sorted(off) == [c for c in chats if c % 2]


async def test_subscription_limits_replace_and_cap(store: Storage) -> None:
    await store.chats.upsert(1, "private", None, "de", NOW)
    a, _ = await store.subscriptions.add(1, "Kiew", None, "c:kyiv", "Kiew", NOW)
    b, _ = await store.subscriptions.add(1, "Drohnen", None, "c:drones", "Drohnen", NOW)
    await store.choices.set_limit(a.sub_id, ["ts-ukraine", "ntv-ukraine", "ts-ukraine"])
    assert await store.choices.limits_for_subs([a.sub_id, b.sub_id]) == {
        a.sub_id: {"ts-ukraine", "ntv-ukraine"}
    }
    await store.choices.set_limit(a.sub_id, ["zdf-ukraine"])
    assert await store.choices.limits_for_subs([a.sub_id]) == {a.sub_id: {"zdf-ukraine"}}
    await store.choices.set_limit(b.sub_id, [f"q{i:03}" for i in range(MAX_LIMIT + 20)])
    assert len((await store.choices.limits_for_subs([b.sub_id]))[b.sub_id]) == MAX_LIMIT
    await store.choices.set_limit(a.sub_id, [])
    assert await store.choices.limits_for_subs([a.sub_id]) == {}
    assert await store.choices.limits_for_subs([]) == {}
