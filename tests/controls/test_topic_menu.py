"""/abos: each topic's mode and the digest time, and a topic's own mode and urgency by
tapping (issue 19 item 1), through the stand-in."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.delivery.world import World, world
from tests.helpers import button, buttons, messages

ANNA, BEN, GROUP, ADMIN, MEMBER = 4701, 4702, -4701, 4703, 4704
DE = {"first_name": "Anna", "language_code": "de"}
EN = {"first_name": "Ben", "language_code": "en"}


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[World]:
    async with world(tmp_path) as it:
        yield it


def marked(message: dict[str, Any]) -> list[str]:
    return [label for label, _ in buttons(message) if label.startswith("✓ ")]


async def tap(w: World, chat: int, message: dict[str, Any], label: str, **user: Any) -> Any:
    events = await w.reader.click(chat, message["message_id"], button(message, label), 2, **user)
    [answer] = [e for e in events if e["kind"] == "callback_answer"]
    shown = [e for e in events if e["kind"] in {"bot_edit", "bot_message"}]
    return answer, (shown[-1] if shown else None)


async def test_a_topics_mode_and_urgency_by_tapping_from_the_list(w: World) -> None:
    for query in ("Nordkorea", "Drohnen"):
        await w.reader.ask(ANNA, f"/abo {query}", **DE)
    [listing] = messages(await w.reader.ask(ANNA, "/abos", **DE))
    assert "1. Nordkorea · sofort" in listing["text"]
    assert "2. Drohnen · sofort" in listing["text"]
    assert "Zusammenfassung aus" in listing["text"]
    rows = listing["data"]["reply_markup"]["inline_keyboard"]
    assert [b["text"] for b in rows[1]] == ["✖ 2. Drohnen", "⚙️ sofort"]

    # The second button of Drohnen's row opens its own settings.
    data = rows[1][1]["callback_data"]
    events = await w.reader.click(ANNA, listing["message_id"], data, 2, **DE)
    [menu] = [e for e in events if e["kind"] == "bot_message"]
    assert menu["text"].startswith("⚙️ Drohnen")
    assert marked(menu) == ["✓ wie der Chat (sofort)", "✓ normal"]

    answer, menu = await tap(w, ANNA, menu, "stündlich", **DE)
    assert answer["text"] == "Gespeichert."
    assert marked(menu) == ["✓ stündlich", "✓ normal"]
    answer, menu = await tap(w, ANNA, menu, "🚨 dringend", **DE)
    assert marked(menu) == ["✓ stündlich", "✓ 🚨 dringend"]
    [drones] = [
        s for s in await w.services.storage.subscriptions.for_chat(ANNA) if s.query == "Drohnen"
    ]
    assert (drones.mode, drones.urgent) == ("hourly", True)
    # Matching reads the topic's record at alert time: it has the change, no rebuild.
    assert w.services.subscriptions.by_id[drones.sub_id].mode == "hourly"

    [listing] = messages(await w.reader.ask(ANNA, "/abos", **DE))
    assert "2. Drohnen · stündlich · 🚨 dringend" in listing["text"]
    assert "1. Nordkorea · sofort" in listing["text"]

    # Daily: the topic's alerts come with the digest, so it gets a digest time.
    _, menu = await tap(w, ANNA, menu, "täglich", **DE)
    chat = await w.services.storage.chats.get(ANNA)
    assert chat is not None
    assert chat.digest_time == "20:00"
    [listing] = messages(await w.reader.ask(ANNA, "/abos", **DE))
    assert "Zusammenfassung 20:00" in listing["text"]

    # Back to the chat's mode; a second tap on the same choice changes nothing.
    _, menu = await tap(w, ANNA, menu, "wie der Chat", **DE)
    answer, _ = await tap(w, ANNA, menu, "wie der Chat", **DE)
    assert answer["text"] == "Gespeichert."
    [drones] = [
        s for s in await w.services.storage.subscriptions.for_chat(ANNA) if s.query == "Drohnen"
    ]
    assert (drones.mode, drones.urgent) == (None, True)


async def test_in_english_and_for_a_topic_since_removed(w: World) -> None:
    await w.reader.ask(BEN, "/subscribe drones", **EN)
    [listing] = messages(await w.reader.ask(BEN, "/list", **EN))
    assert "1. " in listing["text"]
    assert "· instant" in listing["text"]
    assert "digest off" in listing["text"]
    events = await w.reader.click(BEN, listing["message_id"], button(listing, "⚙️"), 2, **EN)
    [menu] = [e for e in events if e["kind"] == "bot_message"]
    assert marked(menu) == ["✓ like the chat (instant)", "✓ normal"]
    await w.reader.ask(BEN, "/unsubscribe 1", **EN)
    answer, _ = await tap(w, BEN, menu, "hourly", **EN)
    assert answer["text"] == "This subscription is gone."


async def test_only_admins_and_only_the_chats_own_topics(w: World) -> None:
    await w.reader.set_admins(GROUP, [ADMIN])
    group = {"chat_type": "group", "title": "Redaktion", "language_code": "de"}
    await w.reader.ask(GROUP, "/abo Drohnen", user_id=ADMIN, **group)
    [sub] = await w.services.storage.subscriptions.for_chat(GROUP)
    [listing] = messages(await w.reader.ask(GROUP, "/abos", user_id=ADMIN, **group))
    answer, shown = await tap(w, GROUP, listing, "⚙️", user_id=MEMBER, **group)
    assert shown is None
    assert "Admin" in answer["text"]
    # Anna's chat signs a button for the group's topic: it is not hers to change.
    await w.reader.ask(ANNA, "/abo Nordkorea", **DE)
    data = w.services.codec.encode(ANNA, "topic", f"{sub.sub_id}.m.daily")
    events = await w.reader.click(ANNA, listing["message_id"], data, **DE)
    [answer] = [e for e in events if e["kind"] == "callback_answer"]
    assert "gibt es nicht mehr" in answer["text"]
    # Signed for the group but not a choice offered: refused.
    data = w.services.codec.encode(GROUP, "topic", f"{sub.sub_id}.m.weekly")
    events = await w.reader.click(GROUP, listing["message_id"], data, user_id=ADMIN, **group)
    [answer] = [e for e in events if e["kind"] == "callback_answer"]
    assert "abgelaufen" in answer["text"]
    [after] = await w.services.storage.subscriptions.for_chat(GROUP)
    assert (after.mode, after.urgent) == (None, False)
