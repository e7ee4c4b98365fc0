"""The layout drift alarm as operators meet it: a liveblog page changes its markup under
the adapter; /sources says "layout changed?", the metrics say so, the operators get
one message (through the Bot API stand-in), and it ends when entries come back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from prometheus_client import generate_latest

from bot.sources.drift import PARSE_FAILURES
from tests.delivery.world import PAGE, World, berlin, world

ADMIN, OTHER_ADMIN = 4401, 4402
DE = {"first_name": "Olga", "language_code": "de"}
EN = {"first_name": "Ann", "language_code": "en"}


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[World]:
    async with world(tmp_path, admin_ids=frozenset({ADMIN, OTHER_ADMIN})) as it:
        await it.reader.ask(ADMIN, "/start", **DE)
        await it.reader.ask(OTHER_ADMIN, "/start", **EN)
        it.publish_until(berlin(4, 12))
        await it.poll()  # the page gives entries
        assert await it.services.storage.entries.latest(1)
        yield it


async def answer(w: World, chat: int, text: str) -> str:
    [reply] = await w.reader.ask(chat, text, **DE)
    return str(reply["text"])


async def alarms(w: World, chat: int) -> list[str]:
    events = await w.reader.events(chat)
    starts = ("🧩 Layout geändert? Quelle", "🧩 Layout changed? Source")
    return [
        str(e["text"])
        for e in events
        if e["kind"] == "bot_message" and str(e["text"]).startswith(starts)
    ]


def gauge(w: World) -> str:
    metrics = w.services.metrics
    assert metrics is not None
    exposed = generate_latest(metrics.registry).decode()
    return next(
        line for line in exposed.splitlines() if line.startswith("liveblog_source_layout_changed{")
    )


async def poll_again(w: World) -> None:
    w.clock.advance(timedelta(minutes=31))  # past any backoff
    await w.poll()


async def test_a_page_that_no_longer_parses_raises_the_alarm_once(w: World) -> None:
    page = w.liveblog.page(w.clock.now())
    w.web.set(PAGE, page.replace(b"liveblog--anchor", b"liveblog__entry"))  # a new layout
    for _ in range(PARSE_FAILURES - 1):
        await poll_again(w)
    assert await alarms(w, ADMIN) == []  # two failed polls are no layout change yet
    await poll_again(w)
    [german] = await alarms(w, ADMIN)
    assert german.startswith("🧩 Layout geändert? Quelle 1 (127.0.0.1)")
    assert "tagesschau" in german
    assert "div.liveblog--anchor[id]" in german
    [english] = await alarms(w, OTHER_ADMIN)
    assert "gives no entries any more" in english
    listing = await answer(w, ADMIN, "/sources")
    drifting = "🧩 Layout geändert? Adapter tagesschau: div.liveblog--anchor[id] passt nicht mehr"
    assert drifting in listing
    assert gauge(w).endswith(" 1.0")
    await poll_again(w)
    await poll_again(w)
    assert len(await alarms(w, ADMIN)) == 1  # once, not at every poll
    w.web.set(PAGE, w.liveblog.page(w.clock.now()))  # fixed (or the adapter updated)
    await poll_again(w)
    assert "Layout geändert?" not in await answer(w, ADMIN, "/sources")
    assert gauge(w).endswith(" 0.0")
    assert await w.services.storage.drift.all() == {}


async def test_the_last_good_page_unchanged_ends_the_drift(w: World) -> None:
    page = w.liveblog.page(w.clock.now())
    w.web.set(PAGE, b"<html><body><p>Wartungsarbeiten</p></body></html>")
    for _ in range(PARSE_FAILURES):
        await poll_again(w)
    assert len(await alarms(w, ADMIN)) == 1
    w.web.set(PAGE, page)  # the very page that last parsed: the server answers 304
    await poll_again(w)
    assert await w.services.storage.drift.all() == {}


async def test_a_page_that_parses_but_gives_no_entries_any_more(w: World) -> None:
    page = w.liveblog.page(w.clock.now())
    # The entries are still anchored, but their titles and paragraphs moved elsewhere.
    changed = page.replace(b"meldung__subhead", b"entry__title").replace(b"textabsatz", b"copy")
    w.web.set(PAGE, changed)
    await poll_again(w)
    [alarm] = await alarms(w, ADMIN)
    assert "h2.meldung__subhead" in alarm
    drift = (await w.services.storage.drift.all())[1]
    assert drift.reason == "empty"
    assert drift.adapter == "tagesschau"
    listing = await answer(w, ADMIN, "/sources")
    assert "h2.meldung__subhead passt nicht mehr" in listing


async def test_network_failures_are_not_layout_changes(w: World) -> None:
    w.web.set(PAGE, b"down", status=503)
    for _ in range(PARSE_FAILURES + 1):
        await poll_again(w)
    assert await alarms(w, ADMIN) == []
    assert await w.services.storage.drift.all() == {}
