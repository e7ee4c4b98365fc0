"""`run --role ingest` and `--role deliver` as real processes on one PostgreSQL: the
deliver worker sends the outbox and never asks Telegram for updates; the ingest process
answers the chat. And which periodic jobs each role runs."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from pydantic import SecretStr

from bot.app import build_application, schedule_jobs
from bot.clock import FakeClock
from bot.config import LiveblogSettings, Settings, TelegramSettings
from bot.devserver import DevServer
from bot.devserver.client import ChatDriver
from bot.metrics import Metrics
from bot.roles import Role
from storage import open_storage
from storage.records import AlertStatus, NewAlert, NewEntry
from tests.pg import require_pg, throwaway_schema
from tests.scale.processes import start_role

TOKEN = "123:roles-token"
READER = 9_100_001
WAITING = 9_100_002


@pytest.fixture
async def pg_target() -> AsyncIterator[str]:
    async with throwaway_schema(require_pg()) as url:
        yield url


async def start(role: str, server: DevServer, url: str, cwd: Path) -> asyncio.subprocess.Process:
    return await start_role(role, server, url, cwd, TOKEN, role)


async def test_deliver_sends_without_updates_and_ingest_answers(
    pg_target: str, tmp_path: Path
) -> None:
    now = datetime.now(UTC)
    storage = await open_storage(pg_target)
    processes: list[asyncio.subprocess.Process] = []
    try:
        source = await storage.sources.ensure("https://example.org/live", "tagesschau", 60, now)
        [result] = await storage.entries.upsert_many(
            source.source_id,
            [NewEntry("k", now, None, "Eintrag", "Drohnen.", "https://x/#k", "news", "h")],
            now,
        )
        await storage.chats.upsert(WAITING, "private", None, "de", now)
        sub, _ = await storage.subscriptions.add(
            WAITING, "Drohnen", "drones", "c:drones", "Drohnen", now
        )
        await storage.alerts.create_many(
            [NewAlert(WAITING, result.entry.entry_id, (sub.sub_id,), (), False, now)], now
        )
        async with DevServer(max_long_poll_s=0.2) as server:
            processes.append(await start("deliver", server, pg_target, tmp_path))
            deadline = time.monotonic() + 60
            while (await storage.alerts.for_chat(WAITING))[0].status is not AlertStatus.SENT:
                assert time.monotonic() < deadline, "the deliver worker sent nothing"
                await asyncio.sleep(0.05)
            methods = {call["method"] for call in server.state.calls}
            assert "sendMessage" in methods
            assert not methods & {"getUpdates", "setWebhook", "deleteWebhook", "setMyCommands"}

            processes.append(await start("ingest", server, pg_target, tmp_path))
            async with ChatDriver(server.url) as reader:
                replies = await reader.ask(READER, "/start", wait_s=60, first_name="Anna")
            assert replies
            assert "getUpdates" in {call["method"] for call in server.state.calls}
    finally:
        for process in processes:
            if process.returncode is None:
                process.terminate()
            await process.wait()
        await storage.close()


def jobs_of(role: Role, tmp_path: Path) -> set[str]:
    settings = Settings(
        telegram=TelegramSettings(bot_token=SecretStr(TOKEN), api_url="http://127.0.0.1:9/bot"),
        liveblog=LiveblogSettings(db=tmp_path / "x.sqlite3", sources=[]),
    )
    app = build_application(settings, role=role)
    clock = FakeClock(datetime(2024, 1, 1, tzinfo=UTC))
    services: Any = SimpleNamespace(
        settings=settings, metrics=Metrics(clock), clock=clock, roles=None
    )
    schedule_jobs(app, services, 5.0, role)
    assert app.job_queue is not None
    return {job.name for job in app.job_queue.jobs() if job.name}


def test_each_role_runs_its_own_jobs(tmp_path: Path) -> None:
    # Every role has the watchdog: unhealthy for too long, it exits (bot/ticks.py).
    polling = {"poll", "index", "retention", "heartbeat", "watchdog"}
    assert jobs_of("all", tmp_path) == polling | {"deliver", "digest"}
    assert jobs_of("ingest", tmp_path) == polling
    assert jobs_of("deliver", tmp_path) == {
        "deliver", "digest", "renew", "heartbeat", "watchdog"
    }  # fmt: skip


def test_health_asks_only_for_the_jobs_a_role_runs() -> None:
    clock = FakeClock(datetime(2024, 11, 4, 9, 0, tzinfo=UTC))
    metrics = Metrics(clock, stale_after_s=60)
    metrics.health_jobs = ("delivery",)  # a deliver worker never polls
    clock.advance(timedelta(minutes=5))
    metrics.tick_done("delivery")
    assert metrics.health().ok
    metrics.health_jobs = ("poll", "delivery")
    assert not metrics.health().ok
    assert "no poll tick" in metrics.health().reason
