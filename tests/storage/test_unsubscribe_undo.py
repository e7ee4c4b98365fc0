"""Unsubscribes kept for an undo, on both backends: restored once, in time, as they were."""

from __future__ import annotations

from storage import Storage
from tests.storage.world import NOW, at, many_chats

LIMIT = 25


async def _subscribed(store: Storage, chat: int, query: str) -> int:
    sub, _ = await store.subscriptions.add(chat, query, None, f"k:{query}", query.title(), NOW)
    return sub.sub_id


async def test_an_undo_restores_once_with_sources_and_route(store: Storage) -> None:
    await many_chats(store, [1, 2])
    sub_id = await _subscribed(store, 1, "kiew")
    await store.subscriptions.set_mode(1, sub_id, "hourly")
    await store.subscriptions.set_urgent(1, sub_id, True)
    [sub] = await store.subscriptions.for_chat(1)
    undo = await store.unsubscribe_undo.keep(sub, ["b", "a"], 77, at(10), NOW)
    assert await store.subscriptions.remove(1, sub_id)

    assert (await store.unsubscribe_undo.restore(undo, 2, at(1), LIMIT)).status == "gone"
    assert (await store.unsubscribe_undo.restore(undo + 99, 1, at(1), LIMIT)).status == "gone"
    done = await store.unsubscribe_undo.restore(undo, 1, at(1), LIMIT)
    assert done.status == "restored"
    assert done.subscription is not None
    back = done.subscription
    assert back.sub_id != sub_id  # ids are never reused
    assert (back.query, back.canonical, back.display, back.mode, back.urgent) == (
        "kiew", "k:kiew", "Kiew", "hourly", True,
    )  # fmt: skip
    assert back.created_at == sub.created_at
    limits = await store.choices.limits_for_subs([back.sub_id])
    assert limits == {back.sub_id: {"a", "b"}}
    assert await store.forum_routes.for_chat(1) == {back.sub_id: 77}
    again = await store.unsubscribe_undo.restore(undo, 1, at(2), LIMIT)
    assert (again.status, again.display) == ("already", "Kiew")
    assert len(await store.subscriptions.for_chat(1)) == 1


async def test_an_undo_runs_out_and_changes_nothing_when_it_cannot(store: Storage) -> None:
    await many_chats(store, [1])
    sub = await _subscribed(store, 1, "kiew")
    [record] = await store.subscriptions.for_chat(1)
    late = await store.unsubscribe_undo.keep(record, [], None, at(10), NOW)
    await store.subscriptions.remove(1, sub)
    assert (await store.unsubscribe_undo.restore(late, 1, at(11), LIMIT)).status == "expired"
    assert await store.subscriptions.for_chat(1) == []

    # Subscribed to again meanwhile, or the chat is full: nothing changes, and the undo
    # stays possible until its time runs out.
    kept = await store.unsubscribe_undo.keep(record, [], None, at(30), at(11))
    await _subscribed(store, 1, "kiew")
    assert (await store.unsubscribe_undo.restore(kept, 1, at(12), LIMIT)).status == "exists"
    [again] = await store.subscriptions.for_chat(1)
    await store.subscriptions.remove(1, again.sub_id)
    await _subscribed(store, 1, "odesa")
    assert (await store.unsubscribe_undo.restore(kept, 1, at(12), 1)).status == "limit"
    assert (await store.unsubscribe_undo.restore(kept, 1, at(12), LIMIT)).status == "restored"
    assert len(await store.subscriptions.for_chat(1)) == 2
    # The expired one was purged when the next was kept.
    assert (await store.unsubscribe_undo.restore(late, 1, at(12), LIMIT)).status == "gone"


async def test_a_chat_keeps_its_newest_undos_only(store: Storage) -> None:
    await many_chats(store, [1])
    await _subscribed(store, 1, "kiew")
    [record] = await store.subscriptions.for_chat(1)
    ids = [await store.unsubscribe_undo.keep(record, [], None, at(10), NOW) for _ in range(30)]
    assert (await store.unsubscribe_undo.restore(ids[0], 1, at(1), LIMIT)).status == "gone"
    await store.subscriptions.remove(1, record.sub_id)
    assert (await store.unsubscribe_undo.restore(ids[-1], 1, at(1), LIMIT)).status == "restored"


async def test_an_undo_keeps_the_terms_the_query_was_widened_by(store: Storage) -> None:
    """The other-language terms found at subscribe time (and kept by the reader) come
    back with the subscription: without them it would match less than before."""
    await many_chats(store, [1])
    terms = (("masern", "measles"), ("masern", "rubeola"))
    sub, _ = await store.subscriptions.add(
        1, "masern", None, "k:masern", "Masern", NOW, expansions=terms
    )
    [record] = await store.subscriptions.for_chat(1)
    assert record.expansions == terms
    undo = await store.unsubscribe_undo.keep(record, [], None, at(10), NOW)
    assert await store.subscriptions.remove(1, sub.sub_id)
    done = await store.unsubscribe_undo.restore(undo, 1, at(1), LIMIT)
    assert done.subscription is not None
    assert done.subscription.expansions == terms
    [back] = await store.subscriptions.for_chat(1)
    assert back.expansions == terms
