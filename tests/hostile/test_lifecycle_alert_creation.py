"""Finding 7: alert creation is at least once (and, per chat and entry, at most once).

The failure is injected at the poller's own seam between storing a poll's entries and
creating their alerts (its `on_report` hook): whatever breaks there, an exception, the
poll deadline or a crash, the entries are stored and look unchanged to the next poll.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.clock import FakeClock
from bot.config import LiveblogSettings, Settings, TelegramSettings
from bot.devserver import DevServer
from bot.devserver.client import ChatDriver
from bot.devserver.limits import RateLimits
from bot.harness import running_bot
from bot.sources.ingest import IngestReport
from bot.sources.samples import LiveblogSimulator
from storage.records import AlertStatus
from tests.conftest import TOKEN
from tests.delivery.world import PAGE, World, berlin, world
from tests.helpers import services_of
from tests.sources.server import source_server

ANNA = 5301
DE = {"first_name": "Anna", "language_code": "de"}
DRONE_ATTACK = "Kiew erneut mit Drohnen attackiert"


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[World]:
    async with world(tmp_path) as the_world:
        yield the_world


async def broken_pipeline(report: IngestReport) -> None:
    raise RuntimeError("the alert pipeline died after the entries were stored")


def alerts_in(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [m for m in messages if "🔔" in m["text"] or "📰" in m["text"]]


async def test_an_interrupted_poll_gets_its_alerts_from_the_next_cycle_once(w: World) -> None:
    await w.reader.ask(ANNA, "/abo Drohnen", **DE)
    poller = w.services.poller
    assert poller is not None
    working = poller.on_report
    poller.on_report = broken_pipeline
    await w.step(berlin(4, 1, 30))  # the 01:26 entry is stored, its alert never made
    assert await w.services.storage.alerts.for_chat(ANNA) == []
    poller.on_report = working
    await w.step(berlin(4, 1, 31))  # nothing new on the page: the entry looks unchanged
    await w.step(berlin(4, 1, 32))
    [alert] = alerts_in(await w.bot_messages(ANNA))
    assert DRONE_ATTACK in alert["text"]
    [row] = await w.services.storage.alerts.for_chat(ANNA)
    assert row.status is AlertStatus.SENT


async def test_an_interrupted_edit_is_still_applied_in_place(w: World) -> None:
    await w.reader.ask(ANNA, "/abo Luftangriffe auf Kiew", **DE)
    await w.step(berlin(4, 1, 30))
    [sent] = alerts_in(await w.bot_messages(ANNA))
    entry = next(e for e in w.liveblog.entries if e.title == DRONE_ATTACK)
    w.liveblog.correct(
        entry.key, entry.text + " Nach ersten Angaben wurden zwei Menschen verletzt."
    )
    poller = w.services.poller
    assert poller is not None
    working = poller.on_report
    poller.on_report = broken_pipeline
    await w.step(berlin(4, 1, 35))  # the correction is stored, the edit never scheduled
    assert [e for e in await w.bot_messages(ANNA) if e["kind"] == "bot_edit"] == []
    poller.on_report = working
    await w.step(berlin(4, 1, 36))
    await w.step(berlin(4, 1, 37))
    edits = [e for e in await w.bot_messages(ANNA) if e["kind"] == "bot_edit"]
    assert len(edits) == 1
    assert edits[0]["message_id"] == sent["message_id"]
    assert "zwei Menschen verletzt" in edits[0]["text"]


async def test_a_restart_finishes_entries_the_last_run_stored_but_never_matched(
    tmp_path: Path,
) -> None:
    clock = FakeClock(berlin(4, 1, 0))
    liveblog = LiveblogSimulator()
    async with (
        DevServer(RateLimits(private_burst=10), max_long_poll_s=0.2) as telegram,
        source_server() as web,
        ChatDriver(telegram.url) as reader,
    ):
        url = web.set(PAGE, liveblog.page(clock.now()))
        settings = Settings(
            telegram=TelegramSettings(bot_token=SecretStr(TOKEN), api_url=telegram.api_url),
            liveblog=LiveblogSettings(db=tmp_path / "restart.sqlite3", sources=[url]),
        )

        async def poll(app: Any) -> None:
            poller = services_of(app).poller
            assert poller is not None
            for task in await poller.tick():
                await task

        async with running_bot(settings, clock) as first:
            await poll(first)  # the source's first poll: history
            await reader.ask(ANNA, "/abo Drohnen", **DE)
            poller = services_of(first).poller
            assert poller is not None
            poller.on_report = broken_pipeline  # the process "dies" right after storing
            clock.set(berlin(4, 1, 30))
            web.set(PAGE, liveblog.page(clock.now()))
            await poll(first)
            assert await services_of(first).storage.alerts.for_chat(ANNA) == []

        async with running_bot(settings, clock) as second:
            services = services_of(second)
            assert services.delivery is not None
            [row] = await services.storage.alerts.for_chat(ANNA)  # made at start-up
            await services.delivery.tick()
            clock.set(berlin(4, 1, 31))
            await poll(second)
            assert services.pipeline is not None
            assert await services.pipeline.finish_pending() == 0
            await services.delivery.tick()
            assert [a.alert_id for a in await services.storage.alerts.for_chat(ANNA)] == [
                row.alert_id
            ]
            events = await reader.events(ANNA)
            delivered = [e for e in events if e["kind"] == "bot_message" and "🔔" in e["text"]]
            assert len(delivered) == 1
            assert DRONE_ATTACK in delivered[0]["text"]


class HeldEntries:
    """The entry repository, except that the first look for waiting entries hangs until
    the test lets it go: a long sweep, caught in the middle."""

    def __init__(self, real: Any, gate: asyncio.Event) -> None:
        self.real, self.gate, self.held = real, gate, False

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    async def awaiting_match(self, after_id: int, limit: int = 200) -> Any:
        if not self.held:
            self.held = True
            await self.gate.wait()
        return await self.real.awaiting_match(after_id, limit)


class HeldStorage:
    def __init__(self, real: Any, entries: HeldEntries) -> None:
        self.real, self.entries = real, entries

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


async def test_a_poll_never_waits_behind_a_running_sweep_and_the_sweep_goes_round_again(
    w: World,
) -> None:
    await w.reader.ask(ANNA, "/abo Drohnen", **DE)
    pipeline = w.services.pipeline
    assert pipeline is not None
    real = pipeline.storage
    gate = asyncio.Event()
    pipeline.storage = HeldStorage(real, HeldEntries(real.entries, gate))
    running = asyncio.create_task(pipeline.finish_pending())
    await asyncio.sleep(0)  # the sweep starts and hangs on its first query
    # This poll's own sweep request returns at once instead of waiting for the gate.
    await asyncio.wait_for(w.step(berlin(4, 1, 30)), 10)
    assert await w.services.storage.alerts.for_chat(ANNA) == []
    gate.set()
    assert await running == 1  # went round again and found what the poll stored
    pipeline.storage = real
    await w.deliver()
    [alert] = alerts_in(await w.bot_messages(ANNA))
    assert DRONE_ATTACK in alert["text"]
