"""Issue 21, item 1, piece by piece: every database call, every tick and a sick process
are bounded in time. Time here is injected (a clock the test moves, events), except
where the database itself must give up: there the bound is a short configured timeout."""

from __future__ import annotations

import asyncio
import re
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from pydantic import SecretStr

from bot.app import build_application, exit_if_sick
from bot.clock import FakeClock
from bot.config import LiveblogSettings, Settings, TelegramSettings
from bot.devserver.limits import RateLimits
from bot.metrics import Metrics
from bot.ticks import EXIT_UNHEALTHY, TickRunner, Watchdog
from storage.factory import open_db
from storage.postgres.database import PostgresDb
from storage.records import AlertStatus, NewAlert, NewEntry
from storage.sqlite.database import SqliteDb
from tests.conftest import TOKEN
from tests.delivery.world import world
from tests.faults.tcp_proxy import TcpProxy
from tests.faults.test_pg_partition import pg_target, through  # noqa: F401 - a fixture

TITLE = re.compile(r"Eintrag \d+")


async def test_a_tick_that_overruns_is_abandoned_and_the_next_starts() -> None:
    now = [0.0]
    runner = TickRunner(lambda work, name: asyncio.create_task(work, name=name), 60, lambda: now[0])
    stuck, started = asyncio.Event(), []

    async def hangs() -> None:
        started.append("hangs")
        await stuck.wait()  # a call that never returns

    async def works() -> None:
        started.append("works")

    assert runner.spawn("deliver", hangs)
    await asyncio.sleep(0)
    hung = runner.running("deliver")
    assert hung is not None
    now[0] = 59.0
    assert not runner.spawn("deliver", works)  # still within the limit: left alone
    now[0] = 61.0
    assert runner.spawn("deliver", works)  # overran: abandoned, the next one starts
    await asyncio.sleep(0)
    assert hung.cancelled()
    assert started == ["hangs", "works"]
    assert runner.abandoned == {"deliver": 1}
    assert runner.spawn("deliver", works)  # a finished tick never blocks the next


def test_the_watchdog_waits_the_limit_then_gives_the_reason() -> None:
    clock = FakeClock(datetime(2024, 1, 1, tzinfo=UTC))
    metrics = Metrics(clock, stale_after_s=60)
    watchdog = Watchdog(metrics, clock, limit_s=120)
    assert watchdog.verdict() is None
    clock.advance(timedelta(seconds=61))  # unhealthy from now on
    assert watchdog.verdict() is None
    clock.advance(timedelta(seconds=100))
    metrics.tick_done("poll")
    metrics.tick_done("delivery")  # healthy again: the count starts over
    assert watchdog.verdict() is None
    clock.advance(timedelta(seconds=61))
    assert watchdog.verdict() is None
    clock.advance(timedelta(seconds=119))
    assert watchdog.verdict() is None
    clock.advance(timedelta(seconds=1))
    assert watchdog.verdict() == (
        "unhealthy for 120 s (no poll tick for 181 s; no delivery tick for 181 s)"
    )


async def test_a_sick_worker_stops_with_the_unhealthy_code(tmp_path: Path) -> None:
    clock = FakeClock(datetime(2024, 1, 1, tzinfo=UTC))
    settings = Settings(
        telegram=TelegramSettings(bot_token=SecretStr(TOKEN)),
        liveblog=LiveblogSettings(db=tmp_path / "x.sqlite3", sources=[]),
    )
    app = build_application(settings, clock, with_jobs=False, role="deliver")
    app.bot_data.stop = asyncio.Event()  # what run_worker waits on
    metrics = Metrics(clock, stale_after_s=60)
    watchdog = Watchdog(metrics, clock, limit_s=60)
    assert not exit_if_sick(app, watchdog)
    clock.advance(timedelta(seconds=61))
    assert not exit_if_sick(app, watchdog)
    clock.advance(timedelta(seconds=60))
    assert exit_if_sick(app, watchdog)
    assert app.bot_data.stop.is_set()
    assert app.bot_data.exit_code == EXIT_UNHEALTHY == 3


async def test_a_sqlite_writer_gives_up_on_a_transaction_that_never_ends(tmp_path: Path) -> None:
    db = await SqliteDb.open(str(tmp_path / "t.sqlite3"), timeout_s=0.2)
    try:
        await db.execute("CREATE TABLE t (x INTEGER)")
        release = asyncio.Event()

        async def hold() -> None:
            async with db.transaction() as tx:
                await tx.execute("INSERT INTO t VALUES (1)")
                await release.wait()

        holder = asyncio.create_task(hold())
        await asyncio.sleep(0.01)
        with pytest.raises(TimeoutError):
            await db.execute("INSERT INTO t VALUES (2)")
        release.set()
        await holder
        await db.execute("INSERT INTO t VALUES (3)")  # the lock is free again
        assert [r[0] for r in await db.fetchall("SELECT x FROM t ORDER BY x")] == [1, 3]
    finally:
        await db.close()


async def test_a_postgres_call_gives_up_in_a_partition_and_works_after_it(
    pg_target: str,  # noqa: F811 - the fixture
) -> None:
    async with TcpProxy("127.0.0.1", urlsplit(pg_target).port or 5432) as proxy:
        db = await open_db(through(pg_target, proxy.port), timeout_s=0.5)
        assert isinstance(db, PostgresDb)
        try:
            names = "('statement_timeout', 'idle_in_transaction_session_timeout')"
            query = f"SELECT name, setting FROM pg_settings WHERE name IN {names}"
            settings = dict(await db.fetchall(query))
            assert settings == {
                "statement_timeout": "500",
                "idle_in_transaction_session_timeout": "6000",
            }
            proxy.partition()
            started = time.monotonic()
            with pytest.raises(TimeoutError):
                await db.fetchone("SELECT 1")
            with pytest.raises(TimeoutError):
                async with db.transaction() as tx:
                    await tx.execute("SELECT 1")
            # Without the timeouts both would wait for ever: what bounds them is 0.5 s
            # each (plus a new connection's 0.5 s); 20 s only catches "for ever".
            assert time.monotonic() - started < 20
            proxy.heal()
            assert await db.fetchone("SELECT 1") == (1,)
            proxy.reset()  # a restarted server: the pooled connections are gone
            with pytest.raises(Exception, match="connection"):  # the driver's "lost"
                await db.fetchone("SELECT 1")
            assert await db.fetchone("SELECT 2") == (2,)
        finally:
            await db.close()


async def test_the_only_process_resends_what_a_partition_left_claimed(
    pg_target: str,  # noqa: F811 - the fixture
    tmp_path: Path,
) -> None:
    """Role `all` on PostgreSQL: a tick caught in a partition fails after the timeouts;
    the alerts it claimed but could not confirm go again in the next tick (the one
    process's own claims: nothing else sends them), and every alert arrives."""
    chats = [8_200_000 + i for i in range(30)]
    async with (
        TcpProxy("127.0.0.1", urlsplit(pg_target).port or 5432) as proxy,
        world(
            tmp_path,
            limits=RateLimits(global_per_s=1000, private_burst=10),
            db=through(pg_target, proxy.port),
            db_timeout_seconds=0.5,
            global_per_second=20,  # slow enough that the partition meets sends under way
            private_gap_seconds=0.0,
        ) as w,
    ):
        storage = w.services.storage
        now = w.clock.now()
        source = await storage.sources.ensure("https://example.org/x", None, 60, now)
        entries = [
            NewEntry(
                f"k{i}", now, None, f"Eintrag {i}", "Drohnen über Kiew.", None, "news", f"h{i}"
            )
            for i in range(2)
        ]
        stored = await storage.entries.upsert_many(source.source_id, entries, now)
        alerts = []
        for chat_id in chats:
            await storage.chats.upsert(chat_id, "private", None, "de", now)
            sub, _ = await storage.subscriptions.add(chat_id, "Drohnen", "drones", "c:drones",
                                                     "Drohnen", now)  # fmt: skip
            alerts += [NewAlert(chat_id, r.entry.entry_id, (sub.sub_id,), (), False, now)
                       for r in stored]  # fmt: skip
        await storage.alerts.create_many(alerts, now)

        tick = asyncio.create_task(w.deliver())  # the tick the partition meets
        await w.reader.wait_for(None, 10, after=0, kinds=["bot_message"])
        proxy.partition()
        with pytest.raises(TimeoutError):  # whichever call met the partition first
            await asyncio.wait_for(tick, 30)
        # Claimed before the partition, sent during it (the send window is in memory),
        # their 'sent' not written: remembered, so they are recorded, not sent again.
        assert w.services.delivery is not None
        unconfirmed = len(w.services.delivery.book.unconfirmed)
        assert unconfirmed > 0
        proxy.heal()
        ticks = 0
        while sum(s for s in (await storage.alerts.status_counts()).values()) != (
            (await storage.alerts.status_counts()).get(AlertStatus.SENT, 0)
        ):
            ticks += 1
            assert ticks < 10, await storage.alerts.status_counts()
            await w.deliver()
        events = [e for e in w.telegram.state.events if e.kind == "bot_message"]
    delivered = Counter((e.chat_id, t) for e in events for t in set(TITLE.findall(e.text)))
    assert set(delivered) == {(c, f"Eintrag {i}") for c in chats for i in range(2)}
    # None twice: the failed tick let its chats finish (no request cut off mid-way) and
    # what went out unrecorded was written before anything was re-queued.
    assert max(delivered.values()) == 1
    print(
        f"\n{len(delivered)} alerts delivered once each ({unconfirmed} recorded after"
        f" the partition), {ticks} tick(s) after healing"
    )
