"""/metrics and /healthz as Prometheus and Docker see them: HTTP to the running bot."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.metrics import Metrics
from bot.ops_server import OpsServer
from tests.delivery.world import World, berlin, world

ANNA = 4201
DE = {"first_name": "Anna", "language_code": "de"}


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[World]:
    async with world(tmp_path, metrics_listen="127.0.0.1:0", health_stale_seconds=120) as it:
        yield it


def ops_server(w: World) -> OpsServer:
    server = w.app.bot_data.ops_server
    assert server is not None
    return server


def ops_url(w: World) -> str:
    return str(ops_server(w).url)


async def scrape(w: World) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    async with httpx.AsyncClient() as client:
        response = await client.get(ops_url(w) + "/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


async def test_metrics_count_what_happened(w: World) -> None:
    await w.reader.ask(ANNA, "/abo Drohnen", **DE)
    # The first alert meets flood control once, then goes out.
    await w.reader.fault("retry_after", method="sendMessage", chat_id=ANNA, retry_after=1)
    stats = await w.step(berlin(4, 1, 30))
    assert stats.retried == 1
    await ops_server(w).refresh_now()  # what its task does every 15 s
    seen = await scrape(w)
    assert seen[("liveblog_alerts_retried_total", (("reason", "flood_control"),))] == 1
    assert seen[("liveblog_entries_ingested_total", (("kind", "new"),))] >= 1
    assert seen[("liveblog_matches_total", ())] >= 1
    assert seen[("liveblog_outbox_alerts", (("status", "pending"),))] >= 1
    assert seen[("liveblog_outbox_oldest_due_seconds", ())] == 0  # due in one second
    w.clock.advance(timedelta(seconds=31))  # due for 30 s: delivery is late
    await ops_server(w).refresh_now()  # the gauge shows it from the next refresh on
    assert (await scrape(w))[("liveblog_outbox_oldest_due_seconds", ())] == 30
    await w.deliver()
    await ops_server(w).refresh_now()
    seen = await scrape(w)
    sent = seen[("liveblog_alerts_sent_total", ())]
    assert sent == (await w.services.storage.alerts.status_counts())["sent"] >= 1
    assert seen[("liveblog_send_seconds_count", ())] == sent + 1  # the 429 was timed too
    polls = [v for (name, _), v in seen.items() if name == "liveblog_poll_seconds_count"]
    assert sum(polls) == 2  # the world's first poll and the step's
    health = [v for (name, _), v in seen.items() if name == "liveblog_source_consecutive_failures"]
    assert health == [0]  # the one source, healthy
    # Cardinality stays small: a handful of series, whatever the traffic.
    assert len(seen) < 120


async def test_a_scrape_reads_no_database(w: World) -> None:
    """Issue 21: every scrape counted the outbox (284 ms at 2 M alerts). The gauges come
    from the server's periodic refresh; scrapes, however many, make no query."""
    storage = w.services.storage
    queries: list[str] = []
    for name in ("outbox_counts", "oldest_due"):
        real = getattr(storage.alerts, name)

        async def counted(*args: object, _real: object = real, _name: str = name) -> object:
            queries.append(_name)
            return await _real(*args)  # type: ignore[operator]

        setattr(storage.alerts, name, counted)
    server = ops_server(w)
    for _ in range(20):
        await scrape(w)
    assert queries == []
    await w.reader.ask(ANNA, "/abo Drohnen", **DE)
    await w.step(berlin(4, 1, 30))
    await server.refresh_now()
    assert queries == ["outbox_counts", "oldest_due"]
    seen = await scrape(w)
    counts = await storage.alerts.outbox_counts(w.clock.now())
    for status, count in counts.items():
        assert seen[("liveblog_outbox_alerts", (("status", status),))] == count


async def test_healthz_fails_when_ticks_stop_and_recovers(w: World) -> None:
    async with httpx.AsyncClient() as client:
        ok = await client.get(ops_url(w) + "/healthz")
        assert ok.status_code == 200, ok.text
        w.clock.advance(timedelta(seconds=100))
        await w.poll()  # polling goes on, delivery is stuck
        w.clock.advance(timedelta(seconds=30))
        stuck = await client.get(ops_url(w) + "/healthz")
        assert stuck.status_code == 503
        assert stuck.json() == {"ok": False, "reason": "no delivery tick for 130 s"}
        await w.deliver()
        assert (await client.get(ops_url(w) + "/healthz")).status_code == 200


def test_health_names_every_stuck_job() -> None:
    from datetime import UTC, datetime

    from bot.clock import FakeClock

    clock = FakeClock(datetime(2024, 1, 1, tzinfo=UTC))
    metrics = Metrics(clock, stale_after_s=60)
    assert metrics.health().ok  # the start counts as a tick
    clock.advance(timedelta(seconds=61))
    assert metrics.health().reason == "no poll tick for 61 s; no delivery tick for 61 s"
    metrics.tick_done("poll")
    assert metrics.health().reason == "no delivery tick for 61 s"


async def _health_cli(tmp_path: Path, listen: str) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "LIVEBLOG_"))}
    env.update(LIVEBLOG_SOURCES="", LIVEBLOG_METRICS_LISTEN=listen)
    env["LIVEBLOG_DB"] = str(tmp_path / "none.sqlite3")  # no heartbeat file there
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "health",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode()


async def test_health_command_asks_healthz(w: World, tmp_path: Path) -> None:
    listen = ops_url(w).removeprefix("http://")
    code, out = await _health_cli(tmp_path, listen)
    assert (code, out.strip()) == (0, "healthy: ok")
    w.clock.advance(timedelta(seconds=121))
    code, out = await _health_cli(tmp_path, listen)
    assert code == 1
    assert "no poll tick for 121 s" in out
