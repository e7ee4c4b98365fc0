"""Finding 8: a chat retired after a 403 or a removal comes back when it writes to the
bot again or adds it back, and its reader hears about a pause an error caused."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.delivery.world import World, berlin, world

ANNA = 5401
GROUP = -5402
DE = {"first_name": "Anna", "language_code": "de"}
IN_GROUP = {"chat_type": "group", "title": "Redaktion", **DE}


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[World]:
    async with world(tmp_path) as the_world:
        yield the_world


async def removed(w: World, chat_id: int, status: str, **user: Any) -> None:
    """The bot is removed or blocked. Nothing answers that, so wait (bounded) until the
    bot has retired the chat."""
    await w.reader.membership(chat_id, status, **user)
    for _ in range(500):
        chat = await w.services.storage.chats.get(chat_id)
        if chat is not None and not chat.active:
            return
        await asyncio.sleep(0.01)  # real time: the update travels through the long poll
    raise AssertionError(f"chat {chat_id} was not retired")


async def added_back(w: World, chat_id: int, old_status: str, **user: Any) -> dict[str, Any]:
    """The bot is added back or unblocked; returns the bot's greeting."""
    mark = (await w.reader.events())[-1]["seq"]
    await w.reader.membership(chat_id, "member", old_status=old_status, **user)
    [greeting] = await w.reader.wait_for(chat_id, after=mark)
    return greeting


def alerts_in(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [m for m in messages if "🔔" in m["text"] or "📰" in m["text"]]


async def test_a_blocked_reader_who_subscribes_again_gets_alerts_and_is_told(w: World) -> None:
    await w.reader.ask(ANNA, "/abo Drohnen", **DE)
    await w.reader.fault("blocked", method="sendMessage", chat_id=ANNA)
    await w.step(berlin(4, 1, 30))  # 403: the chat is retired
    chat = await w.services.storage.chats.get(ANNA)
    assert chat is not None
    assert not chat.active
    assert chat.paused_by_error
    assert "blocked" in chat.inactive_detail
    # Not /start: any command. Before the fix the answer said "Abonniert" and nothing came.
    notice, answer = await w.reader.ask(ANNA, "/abo Luftangriffe auf Kiew", replies=2, **DE)
    assert "Telegram hat abgelehnt" in notice["text"]
    assert "bot was blocked by the user" in notice["text"]
    assert "04.11. 01:30" in notice["text"]  # since when, in the reader's time
    assert "Abonniert" in answer["text"]
    chat = await w.services.storage.chats.get(ANNA)
    assert chat is not None
    assert chat.active
    assert chat.inactive_reason is None
    await w.step(berlin(4, 10, 45))
    assert alerts_in(await w.bot_messages(ANNA))


async def test_a_group_that_adds_the_bot_back_is_active_again_without_an_error_notice(
    w: World,
) -> None:
    await w.reader.set_admins(GROUP, [77])
    await w.reader.ask(GROUP, "/abo Drohnen", user_id=77, **IN_GROUP)
    await removed(w, GROUP, "left", user_id=77, **IN_GROUP)
    chat = await w.services.storage.chats.get(GROUP)
    assert chat is not None
    assert not chat.active
    assert not chat.paused_by_error  # the group's own choice
    await w.step(berlin(4, 1, 30))
    assert alerts_in(await w.bot_messages(GROUP)) == []

    greeting = await added_back(w, GROUP, "left", user_id=77, **IN_GROUP)
    assert "Dein Abo gilt wieder" in greeting["text"]
    chat = await w.services.storage.chats.get(GROUP)
    assert chat is not None
    assert chat.active
    await w.step(berlin(4, 10, 45))
    messages = await w.bot_messages(GROUP)
    assert alerts_in(messages)
    assert not [m for m in messages if "abgelehnt" in m["text"]]


async def test_a_reader_who_unblocks_the_bot_is_active_again(w: World) -> None:
    await w.reader.ask(ANNA, "/abo Drohnen", **DE)
    await removed(w, ANNA, "kicked", **DE)  # the reader blocks the bot
    chat = await w.services.storage.chats.get(ANNA)
    assert chat is not None
    assert not chat.active
    await added_back(w, ANNA, "kicked", **DE)
    chat = await w.services.storage.chats.get(ANNA)
    assert chat is not None
    assert chat.active
    await w.step(berlin(4, 1, 30))
    assert alerts_in(await w.bot_messages(ANNA))
