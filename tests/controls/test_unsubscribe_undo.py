"""An unsubscribe offers "↩️ rückgängig" for ten minutes (issue 19 item 1): one tap puts
the topic back exactly as it was; after the time, on a second tap or with made-up data it
answers and changes nothing. Through the real bot and the stand-in."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.unsubscribing import UNDO_WINDOW
from tests.delivery.world import World, berlin, world
from tests.helpers import button, messages

FORUM, ADMIN, BEN = -1004801, 4801, 4802
OP = {"user_id": ADMIN, "first_name": "Ada", "language_code": "de", "forum": True}
EN = {"first_name": "Ben", "language_code": "en"}


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[World]:
    async with world(tmp_path, group_gap_seconds=0.0) as it:
        await it.reader.set_admins(FORUM, [ADMIN])
        yield it


async def say(w: World, text: str, **where: Any) -> dict[str, Any]:
    [answer] = messages(await w.reader.ask(FORUM, text, **{**OP, **where}))
    return answer


async def tap(w: World, chat: int, message_id: int, data: str, **user: Any) -> Any:
    events = await w.reader.click(chat, message_id, data, 2, **user)
    [answer] = [e for e in events if e["kind"] == "callback_answer"]
    edits = [e for e in events if e["kind"] == "bot_edit"]
    return answer["text"], (edits[-1] if edits else None)


async def state(w: World, chat: int) -> list[tuple[Any, ...]]:
    """Everything a subscription is, without its id: what an undo must bring back."""
    storage = w.services.storage
    subs = await storage.subscriptions.for_chat(chat)
    limits = await storage.choices.limits_for_subs([s.sub_id for s in subs])
    routes = await storage.forum_routes.for_chat(chat)
    return [
        (s.query, s.catalog_id, s.canonical, s.display, s.mode, s.urgent, s.created_at,
         limits.get(s.sub_id), routes.get(s.sub_id))
        for s in subs
    ]  # fmt: skip


async def test_undo_restores_the_topic_as_it_was_once_and_in_time(w: World) -> None:
    news = await w.reader.topic(FORUM)
    await say(w, "/abo Nordkorea")
    await say(w, "/abo Drohnen")
    await say(w, "/hier 2", thread_id=news)  # Drohnen's alerts go into the topic "news"
    await say(w, "/modus 2 stuendlich")
    await say(w, "/dringend 2")
    [source] = w.services.sources.followed[:1]
    [_, drones] = await w.services.storage.subscriptions.for_chat(FORUM)
    await w.services.storage.choices.set_limit(drones.sub_id, [source.id])
    before = await state(w, FORUM)
    assert before[1][4:6] == ("hourly", True)
    assert before[1][7:] == ({source.id}, news)

    gone = await say(w, "/abbestellen 2")
    assert gone["text"].startswith("🗑 Abo beendet: Drohnen")
    undo = button(gone, "rückgängig")
    assert len(undo.encode()) <= 64
    assert await state(w, FORUM) == before[:1]
    assert drones.sub_id not in w.services.subscriptions.by_id

    # Made-up data: another chat's signature, a changed id, a broken signature.
    other = w.services.codec.encode(BEN, "undo", undo.split(":")[2])
    changed = w.services.codec.encode(FORUM, "undo", "9999")
    broken = undo[:-2] + ("AA" if not undo.endswith("AA") else "BB")
    for data in (other, broken):
        answer, edited = await tap(w, FORUM, gone["message_id"], data, **OP)
        assert "abgelaufen" in answer
        assert edited is None
    answer, _ = await tap(w, FORUM, gone["message_id"], changed, **OP)
    assert "Zu spät" in answer
    assert await state(w, FORUM) == before[:1]

    answer, edited = await tap(w, FORUM, gone["message_id"], undo, **OP)
    assert answer.startswith("↩️ Wieder abonniert: Drohnen")
    assert edited["text"].startswith("↩️ Wieder abonniert: Drohnen")
    assert not (edited["data"].get("reply_markup") or {}).get("inline_keyboard")
    assert await state(w, FORUM) == before
    # A second tap on the same data: answered, nothing doubled.
    answer, edited = await tap(w, FORUM, gone["message_id"], undo, **OP)
    assert "Schon rückgängig" in answer
    assert await state(w, FORUM) == before

    # It matches again at once, into its forum topic.
    await w.step(berlin(4, 1, 30))
    sent = [m for m in messages(await w.reader.events(FORUM)) if m["text"].startswith("🔔")]
    assert any("Drohnen" in m["text"].split("\n")[0] and m["data"]["thread_id"] == news
               for m in sent)  # fmt: skip

    # After the window (the injected clock): too late, nothing comes back.
    gone = await say(w, "/abbestellen Drohnen")
    w.clock.set(w.clock.now() + UNDO_WINDOW + timedelta(seconds=1))
    answer, edited = await tap(w, FORUM, gone["message_id"], button(gone, "rückgängig"), **OP)
    assert "Zu spät" in answer
    assert "10 Minuten" in answer
    assert edited is None
    assert await state(w, FORUM) == before[:1]


async def test_the_list_button_offers_undo_too_in_english(w: World) -> None:
    await w.reader.ask(BEN, "/subscribe drones", **EN)
    before = await state(w, BEN)
    [listing] = messages(await w.reader.ask(BEN, "/list", **EN))
    events = await w.reader.click(BEN, listing["message_id"], button(listing, "✖ 1."), 2, **EN)
    [gone] = [e for e in events if e["kind"] == "bot_message"]
    assert await state(w, BEN) == []
    # Meanwhile Ben subscribes to it again: the undo has nothing to bring back.
    await w.reader.ask(BEN, "/subscribe drones", **EN)
    answer, _ = await tap(w, BEN, gone["message_id"], button(gone, "undo"), **EN)
    assert "again" in answer
    assert len(await state(w, BEN)) == 1
    await w.reader.ask(BEN, "/unsubscribe 1", **EN)
    answer, _ = await tap(w, BEN, gone["message_id"], button(gone, "undo"), **EN)
    assert answer.startswith("↩️ Subscribed again")
    assert await state(w, BEN) == before
