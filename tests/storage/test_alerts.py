"""The alert outbox on both backends: every state, in the order delivery moves them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from storage import Storage
from storage.records import AlertStatus
from storage.repos.storage import SqlStorage
from tests.storage.world import MANY, NOW, alert, alert_row, at, many_chats, news, source_with


async def chats_and_entries(store: Storage, chats: int, entries: int) -> list[int]:
    await many_chats(store, range(1, chats + 1))
    _, ids = await source_with(store, "https://x.test/", *(news(f"k{i}") for i in range(entries)))
    return ids


async def test_create_reads_back_and_keeps_one_row_per_chat_and_entry(store: Storage) -> None:
    [e1, e2] = await chats_and_entries(store, 2, 2)
    new = alert(1, e1, (3, 4), due=at(5), urgent=True)
    ids = await store.alerts.create_many([new, alert(1, e2), alert(2, e1)], NOW)
    assert len(ids) == 3
    got = await store.alerts.get(ids[0])
    assert got is not None
    assert (got.chat_id, got.entry_id, got.sub_ids, got.spans, got.urgent) == (
        1,
        e1,
        (3, 4),
        (("body", 0, 7),),
        True,
    )
    assert (got.status, got.due_at, got.created_at, got.attempts) == (
        AlertStatus.PENDING,
        at(5),
        NOW,
        0,
    )
    assert (got.message_id, got.sent_at, got.sent_hash, got.last_error) == (None, None, None, None)
    assert (got.edit_pending, got.digested_at, got.ambiguous_sends) == (False, None, 0)
    assert await store.alerts.create_many([alert(1, e1), alert(1, e1)], at(1)) == []
    assert await store.alerts.get(max(ids) + 1) is None
    assert await store.alerts.chats_with_alert_for_entry(e1) == {1, 2}
    assert await store.alerts.chats_with_alert_for_entry(e2) == {1}


async def test_record_matches_is_all_or_nothing(store: Storage) -> None:
    [e1, e2] = await chats_and_entries(store, 1, 2)
    pending = await store.entries.awaiting_match(0)
    hashes = [(p.entry.entry_id, p.entry.content_hash) for p in pending]
    # Chat 404 does not exist: the batch breaks, and with it the matched marks.
    assert isinstance(store, SqlStorage)
    with pytest.raises(store.db.item_errors):
        await store.alerts.record_matches([alert(1, e1), alert(404, e2)], hashes, NOW)
    assert await store.alerts.for_chat(1) == []
    assert [p.entry.entry_id for p in await store.entries.awaiting_match(0)] == [e1, e2]
    created = await store.alerts.record_matches([alert(1, e1)], hashes, NOW)
    assert len(created) == 1
    assert await store.entries.awaiting_match(0) == []


async def test_the_delivery_path_pending_sending_sent(store: Storage) -> None:
    [e1, e2, e3] = await chats_and_entries(store, 2, 3)
    [a1, a2, a3, b1] = await store.alerts.create_many(
        [alert(1, e1, due=at(1)), alert(1, e2, due=at(2)), alert(1, e3, due=at(9)), alert(2, e1)],
        NOW,
    )
    await store.chats.deactivate(2, NOW, "blocked")
    assert await store.alerts.due_chat_ids(NOW) == []  # chat 2 is inactive, chat 1 not due
    assert await store.alerts.due_chat_ids(at(2)) == [1]
    assert [a.alert_id for a in await store.alerts.pending_for_chat(1, at(2))] == [a1, a2]
    assert [a.alert_id for a in await store.alerts.pending_for_chat(1, at(9), limit=2)] == [
        a1,
        a2,
    ]
    assert await store.alerts.oldest_due(NOW - timedelta(microseconds=1)) is None
    assert await store.alerts.oldest_due(NOW) == NOW  # chat 2 is inactive, its alert waits
    assert await store.alerts.oldest_due(at(9)) == NOW
    await store.alerts.claim([a1, a2])
    claimed = await store.alerts.get(a1)
    assert claimed is not None
    assert (claimed.status, claimed.attempts) == (AlertStatus.SENDING, 1)
    assert [a.alert_id for a in await store.alerts.pending_for_chat(1, at(9))] == [a3]
    await store.alerts.mark_sent([(a1, "h1"), (a2, "h2")], 4_000_000_000_001, at(3))
    sent = await store.alerts.get(a2)
    assert sent is not None
    assert (sent.status, sent.message_id, sent.sent_at, sent.sent_hash) == (
        AlertStatus.SENT,
        4_000_000_000_001,
        at(3),
        "h2",
    )
    assert [a.alert_id for a in await store.alerts.sent_for_entry(e1, at(3))] == [a1]
    assert await store.alerts.sent_for_entry(e1, at(3) + timedelta(microseconds=1)) == []
    assert await store.alerts.sent_for_entry(e3, NOW) == []
    assert await store.alerts.status_counts() == {"sent": 2, "pending": 2}
    assert b1 not in [a.alert_id for a in await store.alerts.for_chat(1)]


async def test_retries_failures_and_ambiguous_sends(store: Storage) -> None:
    [e1, e2] = await chats_and_entries(store, 1, 2)
    [a1, a2] = await store.alerts.create_many([alert(1, e1), alert(1, e2)], NOW)
    await store.alerts.claim([a1, a2])
    await store.alerts.reschedule([a1], at(1), "429: retry after 1")
    retried = await store.alerts.get(a1)
    assert retried is not None
    assert (retried.status, retried.due_at, retried.last_error, retried.attempts) == (
        AlertStatus.PENDING,
        at(1),
        "429: retry after 1",
        1,
    )
    await store.alerts.claim([a1])
    await store.alerts.reschedule_ambiguous([a1], at(2), "timed out " + "x" * 600)
    await store.alerts.claim([a1])
    await store.alerts.reschedule_ambiguous([a1], at(3), "timed out")
    unsure = await store.alerts.get(a1)
    assert unsure is not None
    assert (unsure.status, unsure.due_at, unsure.attempts, unsure.ambiguous_sends) == (
        AlertStatus.PENDING,
        at(3),
        3,
        2,
    )
    await store.alerts.reschedule([a1], at(4), None)
    cleared = await store.alerts.get(a1)
    assert cleared is not None
    assert cleared.last_error is None
    await store.alerts.fail([a2], "Bad Request: " + "y" * 900)
    failed = await store.alerts.get(a2)
    assert failed is not None
    assert failed.status is AlertStatus.FAILED
    assert failed.last_error == ("Bad Request: " + "y" * 900)[:500]


async def test_cancel_only_what_waits_and_cancel_chat(store: Storage) -> None:
    ids = await chats_and_entries(store, 2, 4)
    [p, s, d, x, other] = await store.alerts.create_many(
        [*(alert(1, e) for e in ids), alert(2, ids[0])], NOW
    )
    await store.alerts.claim([s, x])
    await store.alerts.mark_sent([(s, "h")], 1, NOW)
    await store.alerts.mark_digested([d], NOW)
    await store.alerts.cancel([p, s, d, x], "topic gone")
    after = {a.alert_id: a for a in await store.alerts.for_chat(1)}
    assert (after[p].status, after[p].last_error) == (AlertStatus.CANCELLED, "topic gone")
    assert (after[s].status, after[s].last_error) == (AlertStatus.SENT, None)
    assert after[d].status is AlertStatus.DIGESTED
    assert after[x].status is AlertStatus.SENDING  # in flight: delivery decides
    assert await store.alerts.cancel_chat(1, "blocked") == 1  # only the one sending
    assert await store.alerts.cancel_chat(1, "blocked") == 0
    flight = await store.alerts.get(x)
    assert flight is not None
    assert (flight.status, flight.last_error) == (AlertStatus.CANCELLED, "blocked")
    theirs = await store.alerts.get(other)
    assert theirs is not None
    assert theirs.status is AlertStatus.PENDING
    await store.alerts.cancel([], "nothing")


async def test_reset_in_flight_after_a_crash(store: Storage) -> None:
    ids = await chats_and_entries(store, 1, 3)
    [a, b, c] = await store.alerts.create_many([alert(1, e) for e in ids], NOW)
    await store.alerts.claim([a, b])
    await store.alerts.mark_sent([(b, "h")], 1, NOW)
    assert await store.alerts.reset_in_flight() == 1
    assert await store.alerts.reset_in_flight() == 0
    states = {x.alert_id: (x.status, x.attempts) for x in await store.alerts.for_chat(1)}
    assert states == {
        a: (AlertStatus.PENDING, 1),
        b: (AlertStatus.SENT, 1),
        c: (AlertStatus.PENDING, 0),
    }


async def test_edits_pending_and_marked(store: Storage) -> None:
    ids = await chats_and_entries(store, 1, 3)
    [a, b, c] = await store.alerts.create_many([alert(1, e) for e in ids], NOW)
    await store.alerts.mark_sent([(a, "h1"), (b, "h2"), (c, "h3")], 7, NOW)
    await store.alerts.set_edit_pending([c, a])
    assert [x.alert_id for x in await store.alerts.edits_pending()] == [a, c]
    assert [x.alert_id for x in await store.alerts.edits_pending(limit=1)] == [a]
    await store.alerts.mark_edited(a, "h1b", None)
    await store.alerts.mark_edited(c, None, "message to edit not found")
    edited, failed = await alert_row(store, a), await alert_row(store, c)
    assert (edited.edit_pending, edited.sent_hash, edited.last_error) == (False, "h1b", None)
    assert (failed.edit_pending, failed.sent_hash, failed.last_error) == (
        False,
        "h3",
        "message to edit not found",
    )
    await store.alerts.set_edit_pending([b])
    await store.alerts.set_edit_pending([b], pending=False)
    assert await store.alerts.edits_pending() == []


async def test_created_since_digests_and_counts(store: Storage) -> None:
    big = -1001234567890123
    ids = await chats_and_entries(store, 2, 5)
    await store.chats.upsert(big, "supergroup", None, "de", NOW)
    [a, b] = await store.alerts.create_many([alert(1, ids[0]), alert(2, ids[0])], NOW)
    [c, d] = await store.alerts.create_many([alert(1, ids[1]), alert(big, ids[1])], at(1))
    [e, f] = await store.alerts.create_many([alert(1, ids[2]), alert(1, ids[3])], at(2))
    await store.alerts.fail([e], "gone")
    await store.alerts.cancel([f], "topic gone")
    since = NOW - timedelta(microseconds=1)
    assert [x.alert_id for x in await store.alerts.created_since(since)] == [d, a, c, b]
    assert [x.alert_id for x in await store.alerts.created_since(NOW)] == [d, c]  # strictly after
    assert [x.alert_id for x in await store.alerts.created_since(since, 1)] == [a, c]
    for_some = await store.alerts.created_since_for_chats(since, [2, big, 99])
    assert [x.alert_id for x in for_some] == [d, b]
    assert await store.alerts.created_since_for_chats(since, []) == []
    await store.alerts.claim([c])
    await store.alerts.mark_sent([(a, "h")], 3, NOW)
    await store.alerts.mark_digested([a, b, c], at(5))
    digested = {x.alert_id: x for x in await store.alerts.created_since(since)}
    assert (digested[a].status, digested[a].digested_at) == (AlertStatus.SENT, at(5))
    assert (digested[b].status, digested[b].digested_at) == (AlertStatus.DIGESTED, at(5))
    assert digested[c].status is AlertStatus.DIGESTED  # was sending: delivered by the digest
    assert await store.alerts.status_counts() == {
        "sent": 1,
        "digested": 2,
        "pending": 1,
        "failed": 1,
        "cancelled": 1,
    }
    assert [x.alert_id for x in await store.alerts.for_chat(1)] == [f, e, c, a]
    assert [x.alert_id for x in await store.alerts.for_chat(1, limit=2)] == [f, e]


async def test_created_since_for_many_chats_in_chunks(store: Storage) -> None:
    chats = MANY
    [entry_id] = await chats_and_entries(store, chats, 1)
    made = await store.alerts.create_many([alert(c, entry_id) for c in range(1, chats + 1)], NOW)
    assert len(made) == chats
    found = await store.alerts.created_since_for_chats(at(-1), list(range(chats, 0, -1)))
    assert sorted(a.chat_id for a in found) == list(range(1, chats + 1))
    await store.alerts.claim(made)
    await store.alerts.mark_sent([(i, "h") for i in made], 1, NOW)
    await store.alerts.mark_digested(made, NOW)
    assert await store.alerts.status_counts() == {"sent": chats}
    assert len(await store.alerts.sent_for_entry(entry_id, NOW)) == chats


async def test_pending_for_chats_reads_what_each_chat_would_alone(store: Storage) -> None:
    """One query for a group of chats (delivery's read): each chat keeps its own order,
    limit and due time, across the end of an id chunk; a chat without any is empty."""
    chats = list(range(1, MANY + 1))
    entries = await chats_and_entries(store, MANY, 4)
    rows = [alert(c, e, due=at(i)) for c in chats[:3] for i, e in enumerate(entries)]
    rows += [alert(c, entries[0]) for c in chats[3:-1]]  # the last chat has none
    ids = await store.alerts.create_many(rows, NOW)
    await store.alerts.claim([ids[4]])  # chat 2's first: no longer pending
    for limit in (1000, 2):
        found = await store.alerts.pending_for_chats(chats, at(2), limit)
        assert list(found) == chats
        for chat_id in chats:
            alone = await store.alerts.pending_for_chat(chat_id, at(2), limit)
            assert found[chat_id] == alone, chat_id
        assert [len(found[c]) for c in chats[:3]] == [min(3, limit), 2, min(3, limit)]
        assert found[chats[-1]] == []
        assert len(found[chats[3]]) == 1
