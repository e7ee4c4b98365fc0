"""Both backends: chat leases, edit claims and shared rate slots (several deliver workers)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest

from storage import open_storage
from storage.interfaces import Storage
from storage.records import AlertStatus, NewAlert, NewEntry

NOW = datetime(2024, 11, 4, 12, 0, tzinfo=UTC)
WALL = datetime(2030, 1, 1, 8, 0, tzinfo=UTC)  # real time: a clock of its own
LEASE = timedelta(seconds=30)


@pytest.fixture
async def store(db_target: str) -> AsyncIterator[Storage]:
    opened = await open_storage(db_target)
    try:
        yield opened
    finally:
        await opened.close()


async def outbox(store: Storage, chats: dict[int, bool], entries: int = 1) -> dict[int, int]:
    """Chats (id → urgent) with `entries` due alerts each; the entry ids."""
    source = await store.sources.ensure("https://x/", None, 60, NOW)
    results = await store.entries.upsert_many(
        source.source_id,
        [
            NewEntry(f"k{i}", NOW, None, "T", f"b{i}", f"https://x/#{i}", "news", f"h{i}")
            for i in range(entries)
        ],
        NOW,
    )
    alerts = []
    for offset, (chat_id, urgent) in enumerate(chats.items()):
        await store.chats.upsert(chat_id, "private", None, "de", NOW)
        due = NOW - timedelta(minutes=offset)  # later chats waited longer
        alerts += [NewAlert(chat_id, r.entry.entry_id, (), (), urgent, due) for r in results]
    await store.alerts.create_many(alerts, NOW)
    return {r.entry.entry_id: i for i, r in enumerate(results)}


async def test_claims_take_free_chats_urgent_first_then_longest_waiting(store: Storage) -> None:
    await outbox(store, {1: False, 2: False, 3: True, 4: False})
    leases = store.leases
    got = await leases.claim_due("a", NOW, WALL, WALL + LEASE, 2)
    assert got == [3, 4]  # urgent first, then the oldest due
    # Another worker gets the rest, never a chat "a" holds.
    assert sorted(await leases.claim_due("b", NOW, WALL, WALL + LEASE, 10)) == [1, 2]
    assert await leases.claim_due("c", NOW, WALL, WALL + LEASE, 10) == []
    # The owner itself may take its chats again, except those it is serving right now.
    assert await leases.claim_due("a", NOW, WALL, WALL + LEASE, 10, serving=[3]) == [4]
    assert await leases.holders() == {1: "b", 2: "b", 3: "a", 4: "a"}


async def test_only_chats_with_due_pending_alerts_of_active_chats(store: Storage) -> None:
    await outbox(store, {1: False, 2: False, 3: False})
    await store.chats.deactivate(2, NOW, "blocked")
    [alert] = await store.alerts.for_chat(3)
    await store.alerts.reschedule([alert.alert_id], NOW + timedelta(hours=1), None)
    assert await store.leases.claim_due("a", NOW, WALL, WALL + LEASE, 10) == [1]


async def test_a_released_chat_waits_for_its_gap_and_an_expired_lease_comes_back(
    store: Storage,
) -> None:
    await outbox(store, {1: False, 2: False})
    leases = store.leases
    assert sorted(await leases.claim_due("a", NOW, WALL, WALL + LEASE, 10)) == [1, 2]
    gap_end = WALL + timedelta(seconds=1.05)
    await leases.release("a", 1, gap_end)
    await leases.release("b", 2, WALL)  # not b's lease: changes nothing
    assert await leases.claim_due("b", NOW, WALL, WALL + LEASE, 10) == []
    # After the gap another worker may write to chat 1; chat 2's lease (a died) expires.
    assert await leases.claim_due("b", NOW, gap_end, gap_end + LEASE, 10) == [1]
    assert await leases.claim_due("b", NOW, WALL + LEASE, WALL + 2 * LEASE, 10, [1]) == [2]


async def test_renewal_keeps_a_lease_and_in_flight_alerts_return_after_expiry(
    store: Storage,
) -> None:
    await outbox(store, {1: False, 2: False})
    leases = store.leases
    await leases.claim_due("a", NOW, WALL, WALL + LEASE, 10)
    claimed = [a.alert_id for c in (1, 2) for a in await store.alerts.for_chat(c)]
    await store.alerts.claim(claimed)  # both 'sending' when worker a stops renewing chat 2
    assert await leases.renew("a", [1], WALL + 2 * LEASE) == 1
    assert await leases.renew("b", [2], WALL + 2 * LEASE) == 0  # not b's
    assert await leases.recover_in_flight(WALL) == 0  # every lease is alive
    later = WALL + LEASE
    assert await leases.recover_in_flight(later) == 1  # chat 2's only
    [two] = await store.alerts.for_chat(2)
    [one] = await store.alerts.for_chat(1)
    assert (two.status, one.status) == (AlertStatus.PENDING, AlertStatus.SENDING)
    assert await leases.claim_due("b", NOW, later, later + LEASE, 10) == [2]
    assert not await leases.claim_chat("b", 1, later, later + LEASE)
    assert await leases.claim_chat("a", 1, later, later + LEASE)
    assert await leases.clear() == 2
    assert await leases.holders() == {}


async def test_digest_claims_build_each_due_digest_once(store: Storage) -> None:
    for chat_id in (1, 2, 3):
        await store.chats.upsert(chat_id, "private", None, "de", NOW)
    await store.chats.set_digest(1, "08:00", NOW - timedelta(minutes=1), NOW)
    await store.chats.set_digest(2, "08:00", NOW - timedelta(minutes=2), NOW)
    await store.chats.set_digest(3, "08:00", NOW + timedelta(minutes=1), NOW)
    leases = store.leases
    assert await leases.claim_digests("a", NOW, WALL, WALL + LEASE, 1) == [2]
    assert await leases.claim_digests("b", NOW, WALL, WALL + LEASE, 5) == [1]
    # Sent and rescheduled, then released: nobody builds it again.
    await store.chats.digest_sent(1, NOW, NOW + timedelta(days=1), NOW)
    await leases.release("b", 1, WALL)
    assert await leases.claim_digests("a", NOW, WALL, WALL + LEASE, 5, serving=[2]) == []


async def test_concurrent_claims_never_share_a_chat(store: Storage) -> None:
    await outbox(store, {chat_id: False for chat_id in range(1, 41)})
    results = await asyncio.gather(
        *(store.leases.claim_due(f"w{i}", NOW, WALL, WALL + LEASE, 7) for i in range(6))
    )
    taken = [chat for result in results for chat in result]
    assert len(taken) == len(set(taken)) == 40  # 6 x 7 asked for, each chat given once
    holders = await store.leases.holders()
    for worker, result in enumerate(results):
        assert all(holders[chat] == f"w{worker}" for chat in result)


async def test_edit_claims_go_to_one_worker_and_expire(store: Storage) -> None:
    await outbox(store, {1: False, 2: False})
    ids = [a.alert_id for c in (1, 2) for a in await store.alerts.for_chat(c)]
    await store.alerts.set_edit_pending(ids)
    first = await store.alerts.claim_edits(WALL, WALL + LEASE, 1)
    second = await store.alerts.claim_edits(WALL, WALL + LEASE)
    assert [a.alert_id for a in first + second] == ids
    assert await store.alerts.claim_edits(WALL, WALL + LEASE) == []
    await store.alerts.mark_edited(ids[0], "h", None)
    # The unfinished one comes back when its claim expires; the finished one does not.
    again = await store.alerts.claim_edits(WALL + LEASE, WALL + 2 * LEASE)
    assert [a.alert_id for a in again] == [ids[1]]


async def test_rate_slots_are_reserved_in_order_without_overlap(store: Storage) -> None:
    rates = store.rates
    first, now = await rates.reserve("free", 3, 0.5)
    assert first == pytest.approx(now)  # idle: the first slot is now
    blocks = await asyncio.gather(*(rates.reserve("free", 3, 0.5) for _ in range(5)))
    starts = sorted(start for start, _ in blocks)
    assert starts[0] >= first + 1.5 - 1e-6
    for before, after in pairwise(starts):
        assert after - before == pytest.approx(1.5)
    # Another key is another rate.
    paid, now_paid = await rates.reserve("paid", 10, 0.001)
    assert paid == pytest.approx(now_paid)
