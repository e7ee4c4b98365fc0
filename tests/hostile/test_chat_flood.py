"""Updates of different chats run side by side; one chat's stay in order; a flood from one
chat cannot take the slots every other chat needs.

(PTB handled updates one after another: one reader's slow command held up every other
chat's /start. With side-by-side handling, a chat sending hundreds of updates while its
first one waits would fill every slot instead; beyond MAX_WAITING_PER_CHAT they are
dropped — the 20-commands-a-minute limit would refuse them anyway.)
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from telegram import Chat, Message, Update

from handlers.updates import MAX_WAITING_PER_CHAT, PerChatOrder

FLOOD = 400


def _update(update_id: int, chat_id: int) -> Update:
    chat = Chat(chat_id, Chat.PRIVATE)
    return Update(update_id, message=Message(update_id, datetime(2024, 11, 4, tzinfo=UTC), chat))


async def test_a_flood_from_one_chat_does_not_block_another() -> None:
    processor = PerChatOrder(max_concurrent_updates=256)
    release = asyncio.Event()
    handled: list[tuple[int, int]] = []

    async def handle(chat_id: int, number: int) -> None:
        if chat_id == 1:
            await release.wait()  # the flooding chat's first command is slow
        handled.append((chat_id, number))

    flood = [
        asyncio.create_task(processor.process_update(_update(n, 1), handle(1, n)))
        for n in range(FLOOD)
    ]
    await asyncio.sleep(0)
    other = asyncio.create_task(processor.process_update(_update(FLOOD, 2), handle(2, 0)))
    await asyncio.wait_for(other, timeout=2)  # not stuck behind the flood
    assert handled == [(2, 0)]

    release.set()
    await asyncio.gather(*flood)
    kept = [n for chat, n in handled if chat == 1]
    assert kept == list(range(MAX_WAITING_PER_CHAT))  # in order, the rest dropped
    assert processor.dropped == FLOOD - MAX_WAITING_PER_CHAT
    assert processor._chats == {}  # nothing left behind


async def test_one_chats_updates_keep_their_order_while_others_overtake() -> None:
    processor = PerChatOrder()
    done: list[str] = []
    other_chat_done = asyncio.Event()

    async def first_of_chat_10() -> None:
        await other_chat_done.wait()  # slow: chat 20 overtakes it
        done.append("a1")

    async def second_of_chat_10() -> None:
        done.append("a2")

    async def only_of_chat_20() -> None:
        done.append("b1")
        other_chat_done.set()

    await asyncio.gather(
        processor.process_update(_update(1, 10), first_of_chat_10()),
        processor.process_update(_update(2, 10), second_of_chat_10()),
        processor.process_update(_update(3, 20), only_of_chat_20()),
    )
    assert done == ["b1", "a1", "a2"]
