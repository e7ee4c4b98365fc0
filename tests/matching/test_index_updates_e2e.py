"""Index updates through the chat: a reader subscribing and unsubscribing over and over
causes no full index build until the debounce has passed (then one), a new word matches
at once, and an unsubscribed topic never alerts, even while it is still in the index."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.delivery.world import World, berlin, world

ANNA, BEN = 4601, 4602
DE = {"first_name": "Anna", "language_code": "de"}


class Ticks:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[World]:
    async with world(tmp_path) as the_world:
        yield the_world


async def alerts(w: World, chat: int) -> list[str]:
    return [m["text"] for m in await w.bot_messages(chat) if "🔔" in m["text"]]


async def test_subscribe_unsubscribe_storm_builds_once_and_matches_right(w: World) -> None:
    holder = w.services.subscriptions.holder
    ticks = Ticks()
    holder.monotonic = ticks
    builds = holder.builds
    for query in ("Trudeau", "Supermarkt"):  # new words: no catalog topic has them
        [answer] = await w.reader.ask(ANNA, f"/abo {query}", **DE)
        assert answer["text"].startswith(f"✅ Abonniert: {query}"), answer["text"]
    # Ben subscribes to a new word and unsubscribes again, four times, 2 s apart (eight
    # replies: within the burst the stand-in allows a private chat).
    for _ in range(4):
        [added] = await w.reader.ask(BEN, "/abo Supermarkt", **DE)
        assert added["text"].startswith("✅ Abonniert: Supermarkt"), added["text"]
        [gone] = await w.reader.ask(BEN, "/abbestellen Supermarkt", **DE)
        assert gone["text"].startswith("🗑 Abo beendet: Supermarkt"), gone["text"]
        ticks.now += 1
        await holder.maintain()
        ticks.now += 1
        await holder.maintain()
    await w.reader.ask(ANNA, "/abbestellen Trudeau", **DE)
    # 8 s of changes, a debounce window of 10 s: no full build yet.
    assert holder.builds == builds
    assert holder.build_due is not None
    # 10:30: a supermarket is news: Anna's topic, and Ben's gone one (still in the index).
    await w.step(berlin(4, 10, 45))
    found = await alerts(w, ANNA)
    assert len(found) == 2  # two reports name the supermarket(s)
    assert all(text.startswith("🔔 Supermarkt") for text in found)
    assert await alerts(w, BEN) == []
    # Whatever is still requested is built once the window has passed, then nothing more.
    ticks.now += 61
    await holder.maintain()
    settled = holder.builds
    assert not holder.side.exprs
    ticks.now += 61
    assert not await holder.maintain()
    assert holder.builds == settled
    # 23:36: Trudeau, whom Anna unsubscribed (the index was rebuilt meanwhile).
    await w.step(berlin(4, 23, 40))
    assert len(await alerts(w, ANNA)) == 2
    assert await alerts(w, BEN) == []
