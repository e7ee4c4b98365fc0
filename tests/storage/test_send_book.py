"""Group commit of claims and sent marks (bot/delivery/send_book.py) on each backend."""

from __future__ import annotations

import asyncio

import pytest

from bot.delivery.send_book import SendBook
from storage import Storage, open_storage
from storage.records import AlertStatus
from tests.storage.world import NOW, alert, alert_row, at, many_chats, news, source_with

CHATS = list(range(9100, 9140))


async def outbox(store: Storage, chats: list[int]) -> list[int]:
    """One pending alert per chat, in the chats' order."""
    await many_chats(store, chats)
    _, (entry_id,) = await source_with(store, "https://x.test/book", news("b1"))
    created = await store.alerts.create_many([alert(c, entry_id) for c in chats], NOW)
    assert len(created) == len(chats)
    return created


async def test_many_chats_share_transactions_and_each_waits_for_its_own_row(
    store: Storage,
) -> None:
    ids = await outbox(store, CHATS)
    book = SendBook(store.alerts)
    seen: dict[int, tuple[AlertStatus, AlertStatus]] = {}

    async def serve(number: int, alert_id: int) -> None:
        await book.claim([alert_id])
        claimed = (await alert_row(store, alert_id)).status  # written before the "send"
        await book.mark_sent([(alert_id, f"hash{number}")], 5_000 + number, at(number))
        seen[alert_id] = (claimed, (await alert_row(store, alert_id)).status)

    await asyncio.gather(*(serve(n, a) for n, a in enumerate(ids)))
    assert set(seen.values()) == {(AlertStatus.SENDING, AlertStatus.SENT)}
    # 80 writes; one transaction each before. The first flush takes what arrived in
    # the loop's first turn (all 40 claims), the marks follow in a few more.
    assert book.transactions <= 6, book.transactions
    for number, alert_id in enumerate(ids):
        row = await alert_row(store, alert_id)
        assert (row.message_id, row.sent_hash, row.sent_at, row.attempts) == (
            5_000 + number,
            f"hash{number}",
            at(number),
            1,
        )
        assert row.last_error is None


async def test_a_bad_write_fails_its_chat_alone(store: Storage) -> None:
    ids = await outbox(store, CHATS[:5])
    book = SendBook(store.alerts)
    for alert_id in ids:
        await book.claim([alert_id])
    # Both backends refuse U+0000 in text: the combined transaction fails, and each
    # write is tried again on its own.
    hashes = ["ok0", "ok1", "bad\x00", "ok3", "ok4"]
    results = await asyncio.gather(
        *(book.mark_sent([(a, h)], 7, NOW) for a, h in zip(ids, hashes, strict=True)),
        return_exceptions=True,
    )
    assert [isinstance(r, BaseException) for r in results] == [False, False, True, False, False]
    assert isinstance(results[2], store.db.item_errors)
    statuses = [(await alert_row(store, a)).status for a in ids]
    assert statuses == [AlertStatus.SENT] * 2 + [AlertStatus.SENDING] + [AlertStatus.SENT] * 2


async def test_a_crash_resends_only_the_claimed_unconfirmed_alerts(
    store: Storage, db_target: str
) -> None:
    """Chats A and B are claimed in one transaction; A's send is confirmed, B's is in
    flight when the process dies: after a restart only B's alert goes again."""
    first, second, untouched = await outbox(store, CHATS[:3])
    book = SendBook(store.alerts)
    await asyncio.gather(book.claim([first]), book.claim([second]))
    assert book.transactions == 1
    await book.mark_sent([(first, "h")], 11, NOW)
    # The crash: B's mark never comes. What a restart finds is what was committed, read
    # through a connection of its own.
    restarted = await open_storage(db_target)
    try:
        assert await restarted.alerts.reset_in_flight() == 1
        after = [(await alert_row(restarted, a)).status for a in (first, second, untouched)]
        assert after == [AlertStatus.SENT, AlertStatus.PENDING, AlertStatus.PENDING]
    finally:
        await restarted.close()


@pytest.mark.parametrize("empty", [[], ()])
async def test_nothing_to_write_touches_nothing(store: Storage, empty: list[int]) -> None:
    book = SendBook(store.alerts)
    await book.claim(list(empty))
    await book.mark_sent([], None, NOW)
    assert book.transactions == 0
