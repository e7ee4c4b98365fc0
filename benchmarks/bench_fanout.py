"""Fan-out against the stand-in enforcing Telegram's limits strictly.

Part 1: one alert each to N private chats (5,000; --quick 1,000): sustained send rate,
429s received, delay from entry stored to alert sent. Part 2: 200 alerts due at once
for one private chat: messages sent and the most sent to it in any one second.

--paid: paid broadcasts instead (LIVEBLOG_PAID_BROADCAST): one alert each to 20,000
private chats (--quick 2,000) with the stand-in in a process of its own, enforcing
1,000 paid messages a second and 1 a second per chat. Reports the sustained rate, 429s,
delays from due to sent and the CPU time of the bot's process and of the stand-in's.
--db postgresql://… --workers N: N real deliver worker processes (`run --role deliver`)
share one outbox in a fresh schema of that PostgreSQL database: one alert each to 600
private chats at the free limit (--quick 300; the stand-in enforces 30/s), with --paid
to 20,000 (--quick 3,000) at the paid one. The outbox is written once every worker runs;
reports the combined arrival rate at the stand-in, the most in any one second, 429s and
the delays from due to sent. Run it with --workers 1 and 3 to compare: the limits are
shared, so three workers reach the one-worker rate, not three times it.
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import logging
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Awaitable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

os.environ.setdefault("PTB_TIMEDELTA", "true")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from telegram.ext import AIORateLimiter, ExtBot  # noqa: E402
from telegram.request import HTTPXRequest  # noqa: E402

from bot.app import paid_window, telegram_limiter  # noqa: E402
from bot.clock import SystemClock  # noqa: E402
from bot.config import LiveblogSettings  # noqa: E402
from bot.delivery.buttons import ButtonCodec  # noqa: E402
from bot.delivery.pacing import ChatPacer, SlidingWindow  # noqa: E402
from bot.delivery.priority import PriorityWindow  # noqa: E402
from bot.delivery.service import DeliveryService  # noqa: E402
from bot.devserver import DevServer  # noqa: E402
from bot.devserver.limits import RateLimits  # noqa: E402
from bot.matching.holder import IndexHolder  # noqa: E402
from bot.matching.query import default_resolver  # noqa: E402
from bot.sources.samples import sample_entries  # noqa: E402
from bot.subscriptions import SubscriptionService  # noqa: E402
from handlers.aiohttp_request import AiohttpRequest  # noqa: E402
from handlers.telegram_io import TelegramMessenger  # noqa: E402
from storage import open_storage  # noqa: E402
from storage.records import NewAlert, NewEntry  # noqa: E402

TOKEN = "123456:BENCH-token"
BERLIN_ZONE = "Europe/Berlin"



async def all_events(control: httpx.AsyncClient) -> list[dict[str, Any]]:
    """The stand-in's whole record, a page at a time (it answers at most a page)."""
    events: list[dict[str, Any]] = []
    while True:
        after = events[-1]["seq"] if events else 0
        page = (await control.get("/control/events", params={"after": after})).json()
        if not page:
            return events
        events += page

async def setup(storage, chats: list[int], alerts_per_chat: int) -> None:  # type: ignore[no-untyped-def]
    now = datetime.now(UTC)
    source = await storage.sources.ensure("https://example.org/liveblog", "tagesschau", 60, now)
    sample = sample_entries(max(alerts_per_chat, 1))
    results = await storage.entries.upsert_many(
        source.source_id,
        [
            NewEntry(e.key, e.published, None, e.title, e.text, e.url, e.kind.value, e.hash)
            for e in sample[:alerts_per_chat]
        ],
        now,
    )
    alerts = []
    for chat_id in chats:
        await storage.chats.upsert(chat_id, "private", None, "de", now)
        sub, _ = await storage.subscriptions.add(
            chat_id, "Drohnen", "drones", "c:drones", "Drohnen", now
        )
        alerts += [
            NewAlert(chat_id, r.entry.entry_id, (sub.sub_id,), (), False, now) for r in results
        ]
    await storage.alerts.create_many(alerts, now)


class ServerThread:
    """The stand-in on its own event loop in a thread, as Telegram is elsewhere: the
    bot's busy loop must not delay (and so bunch up) the arrival times it measures."""

    def __init__(self, limits: RateLimits) -> None:
        self.server = DevServer(limits)
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def __enter__(self) -> DevServer:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.server.start(), self.loop).result(10)
        return self.server

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self.server.stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)


async def run(chat_count: int) -> dict[str, object]:
    clock = SystemClock()
    with tempfile.TemporaryDirectory() as tmp:
        storage = await open_storage(Path(tmp) / "fanout.sqlite3")
        many = [10_000_000 + i for i in range(chat_count)]
        await setup(storage, many, 1)
        with ServerThread(RateLimits(private_burst=1)) as server:
            # As ApplicationBuilder does: a pool wide enough that no send queues behind
            # another (a queue would bunch sends up and break the pacing).
            request = HTTPXRequest(connection_pool_size=256)
            bot = ExtBot(
                TOKEN, base_url=server.api_url, rate_limiter=AIORateLimiter(), request=request
            )
            await bot.initialize()
            holder = IndexHolder(lambda: subs.index_topics())  # type: ignore[arg-type, return-value]
            subs = SubscriptionService(storage, default_resolver(), holder, clock)
            await holder.refresh()
            delivery = DeliveryService(
                storage,
                TelegramMessenger(bot),
                subs,
                clock,
                ButtonCodec(b"bench"),
                ZoneInfo(BERLIN_ZONE),
            )
            started = time.perf_counter()
            stats = await delivery.tick()
            while (await storage.alerts.status_counts()).get("pending"):
                await asyncio.sleep(0.2)  # flood-controlled leftovers (there should be none)
                stats.sent_messages += (await delivery.tick()).sent_messages
            elapsed = time.perf_counter() - started
            sent = await storage.alerts.created_since(datetime(2000, 1, 1, tzinfo=UTC))
            delays = sorted((a.sent_at - a.created_at).total_seconds() for a in sent if a.sent_at)
            rate_limited_bulk = server.state.stats["rate_limited"]

            # Part 2: 200 alerts at once for one chat.
            single = 20_000_000
            await setup(storage, [single], 200)
            await subs.index_topics()
            await delivery.tick()
            while (await storage.alerts.status_counts()).get("pending"):
                await asyncio.sleep(0.2)
                await delivery.tick()
            events = [
                e for e in server.state.events if e.chat_id == single and e.kind == "bot_message"
            ]
            stamps = [e.at for e in events]
            max_per_s = (
                max(sum(1 for t in stamps if s <= t < s + 1.0) for s in stamps) if stamps else 0
            )
            await bot.shutdown()
        await storage.close()
    return {
        "chats": chat_count,
        "messages": stats.sent_messages,
        "elapsed_s": round(elapsed, 2),
        "send_rate_per_s": round(stats.sent_messages / elapsed, 2),
        "retry_after_429s": server.state.stats["rate_limited"],
        "retry_after_429s_bulk": rate_limited_bulk,
        "delay_p50_s": round(statistics.median(delays), 2),
        "delay_p95_s": round(delays[int(len(delays) * 0.95) - 1], 2),
        "single_chat_alerts": 200,
        "single_chat_messages": len(events),
        "max_per_chat_per_s": max_per_s,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


class ServerProcess:
    """The stand-in in a process of its own: at 1,000 messages a second it needs a core
    to itself, and the CPU each side spends is measured apart."""

    def __init__(self, *args: str) -> None:
        self.args = args
        self.proc: subprocess.Popen[str] | None = None
        self.url = ""

    def __enter__(self) -> ServerProcess:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "devserver", "--port", "0", *self.args],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()  # "Bot API stand-in at http://127.0.0.1:N/bot ..."
        match = re.search(r"(http://127\.0\.0\.1:\d+)/bot", line)
        if match is None:
            raise RuntimeError(f"the stand-in did not start: {line!r}")
        self.url = match.group(1)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(10)

    def cpu_s(self) -> float | None:
        """User + system CPU seconds of the stand-in so far (Linux /proc)."""
        assert self.proc is not None
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def own_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


async def deliver_paid(
    api_url: str,
    first_chat: int,
    chat_count: int,
    rate: int,
    profile: Path | None,
    go: Awaitable[None],
) -> dict[str, object]:
    """One bot's share: one alert to each of its chats as paid broadcasts, paced at `rate`.
    `go` is awaited between setting up and sending (workers start together)."""
    settings = LiveblogSettings(sources=[], paid_broadcast=True, paid_broadcast_per_second=rate)
    clock = SystemClock()
    with tempfile.TemporaryDirectory() as tmp:
        storage = await open_storage(Path(tmp) / "fanout.sqlite3")
        await setup(storage, [first_chat + i for i in range(chat_count)], 1)
        bot = ExtBot(
            TOKEN,
            base_url=api_url,
            rate_limiter=telegram_limiter(settings),
            request=AiohttpRequest(),  # as bot/app.py does for paid broadcasts
        )
        await bot.initialize()
        holder = IndexHolder(lambda: subs.index_topics())  # type: ignore[arg-type, return-value]
        subs = SubscriptionService(storage, default_resolver(), holder, clock)
        await holder.refresh()
        delivery = DeliveryService(
            storage,
            TelegramMessenger(bot),
            subs,
            clock,
            ButtonCodec(b"bench"),
            ZoneInfo(BERLIN_ZONE),
            pacer=ChatPacer(settings.private_gap_seconds, settings.group_gap_seconds),
            window=PriorityWindow(SlidingWindow(settings.global_per_second)),
            paid_window=paid_window(settings),
        )
        await go
        profiler = cProfile.Profile() if profile else None
        cpu = own_cpu_s()
        # The alerts were stored during the set-up (20,000 chats take seconds): the delay
        # counts from the moment they are due, as after a poll stored and matched an entry.
        due = clock.now()
        started = time.perf_counter()
        if profiler is not None:
            profiler.enable()
        stats = await delivery.tick()
        ticks = 1
        while (await storage.alerts.status_counts()).get("pending"):
            await asyncio.sleep(0.2)  # flood-controlled leftovers (there should be none)
            stats.sent_messages += (await delivery.tick()).sent_messages
            ticks += 1
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(str(profile))
        elapsed = time.perf_counter() - started
        cpu = own_cpu_s() - cpu
        sent = await storage.alerts.created_since(datetime(2000, 1, 1, tzinfo=UTC))
        delays = [(a.sent_at - due).total_seconds() for a in sent if a.sent_at]
        await bot.shutdown()
        await storage.close()
    return {
        "sent": stats.sent_messages,
        "ticks": ticks,
        "elapsed_s": elapsed,
        "cpu_s": cpu,
        "delays": delays,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


async def _ready() -> None:
    return None


async def _stdin_go() -> None:
    """A worker: say it is set up, then wait for the word to start."""
    print("ready", flush=True)
    await asyncio.to_thread(sys.stdin.readline)


def start_worker(api_url: str, first: int, count: int, rate: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, __file__, "--paid-worker", api_url, str(first), str(count), str(rate)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


async def run_paid(chat_count: int, profile: Path | None, workers: int) -> dict[str, object]:
    """One alert to each of `chat_count` private chats as paid broadcasts, by `workers`
    bot processes, each with its own SQLite outbox, share of the chats and of the paid
    rate (--db runs deliver workers that share one PostgreSQL outbox and the limits)."""
    rate = LiveblogSettings(sources=[], paid_broadcast=True).paid_broadcast_per_second
    with ServerProcess("--private-burst", "1") as server:
        api_url = f"{server.url}/bot"
        if workers == 1:
            cpu_server = server.cpu_s()
            results = [await deliver_paid(api_url, 30_000_000, chat_count, rate, profile, _ready())]
        else:
            share = chat_count // workers
            procs = [
                start_worker(api_url, 30_000_000 + i * share, share, rate // workers)
                for i in range(workers)
            ]
            for proc in procs:
                assert proc.stdout is not None
                if proc.stdout.readline().strip() != "ready":
                    raise RuntimeError("a worker did not start")
            cpu_server = server.cpu_s()
            for proc in procs:
                assert proc.stdin is not None
                proc.stdin.write("go\n")
                proc.stdin.flush()
            results = [json.loads(proc.communicate()[0]) for proc in procs]
        server_end = server.cpu_s()
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as control:
            state = (await control.get("/control/state")).json()
            events = await all_events(control)
    stamps = sorted(e["at"] for e in events if e["kind"] == "bot_message")
    span = stamps[-1] - stamps[0] if len(stamps) > 1 else 0.0
    # The most messages the stand-in saw in any one second (the limit it enforces).
    peak, low = 0, 0
    for high, stamp in enumerate(stamps):
        while stamp - stamps[low] >= 1.0:
            low += 1
        peak = max(peak, high - low + 1)
    delays = sorted(d for r in results for d in r["delays"])  # type: ignore[attr-defined]
    sent = sum(int(r["sent"]) for r in results)  # type: ignore[call-overload]
    elapsed = max(float(r["elapsed_s"]) for r in results)  # type: ignore[arg-type]
    cpu_bots = [float(r["cpu_s"]) for r in results]  # type: ignore[arg-type]
    cpu_server_s = None if cpu_server is None or server_end is None else server_end - cpu_server
    return {
        "mode": "paid",
        "chats": chat_count,
        "workers": workers,
        "paid_per_second_setting": rate,
        "messages": sent,
        "paid_messages_seen": state["stats"]["sent_paid"],
        "ticks": max(int(r["ticks"]) for r in results),  # type: ignore[call-overload]
        "elapsed_s": round(elapsed, 2),
        "send_rate_per_s": round(sent / elapsed, 1),
        "arrival_rate_per_s": round((len(stamps) - 1) / span, 1) if span else None,
        "max_in_any_second": peak,
        "retry_after_429s": state["stats"]["rate_limited"],
        "due_to_sent_p50_s": round(statistics.median(delays), 2),
        "due_to_sent_p99_s": round(percentile(delays, 0.99), 2),
        "due_to_sent_max_s": round(delays[-1], 2),
        "cpu_bot_s": [round(c, 2) for c in cpu_bots],
        "cpu_bot_ms_per_message": round(sum(cpu_bots) / sent * 1000, 2),
        "cpu_bot_share": [round(c / elapsed, 2) for c in cpu_bots],
        "cpu_standin_s": None if cpu_server_s is None else round(cpu_server_s, 2),
        "cpu_standin_share": None if cpu_server_s is None else round(cpu_server_s / elapsed, 2),
        "peak_rss_mb": max(float(r["peak_rss_mb"]) for r in results),  # type: ignore[arg-type]
    }


def worker_cpu_s(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def run_workers(db: str, workers: int, chat_count: int, paid: bool) -> dict[str, object]:
    """`workers` deliver processes on one PostgreSQL outbox (a schema of their own)."""
    import asyncpg

    from storage.postgres.database import split_schema

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    url = f"{db}{'&' if '?' in db else '?'}schema={schema}"
    storage = await open_storage(url)  # migrated once, before the workers start
    settings = LiveblogSettings(sources=[], paid_broadcast=paid)
    procs: list[asyncio.subprocess.Process] = []
    with tempfile.TemporaryDirectory() as tmp, ServerProcess("--private-burst", "1") as server:
        try:
            env = {
                k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "LIVEBLOG_"))
            }
            env.update(
                TELEGRAM_BOT_TOKEN=TOKEN,
                TELEGRAM_API_URL=f"{server.url}/bot",
                LIVEBLOG_DB=url,
                LIVEBLOG_SOURCES="",
                LIVEBLOG_DELIVERY_SECONDS="0.5",
                LIVEBLOG_PAID_BROADCAST="true" if paid else "false",
                LIVEBLOG_LOG_LEVEL="WARNING",
            )
            for n in range(workers):
                env["LIVEBLOG_HEARTBEAT_FILE"] = str(Path(tmp) / f"heartbeat-{n}")
                procs.append(
                    await asyncio.create_subprocess_exec(
                        sys.executable,
                        "-m",
                        "bot",
                        "run",
                        "--role",
                        "deliver",
                        cwd=tmp,
                        env=dict(env),
                        stdout=asyncio.subprocess.DEVNULL,
                        stderr=asyncio.subprocess.DEVNULL,
                    )
                )
            while not all((Path(tmp) / f"heartbeat-{n}").exists() for n in range(workers)):
                if any(proc.returncode is not None for proc in procs):
                    raise RuntimeError("a worker stopped at start-up")
                await asyncio.sleep(0.1)
            cpu_before = [worker_cpu_s(proc.pid) or 0.0 for proc in procs]
            cpu_server = server.cpu_s()
            # The alerts are written in one transaction: they fall due together.
            await setup(storage, [40_000_000 + i for i in range(chat_count)], 1)
            due = datetime.now(UTC)
            started = time.perf_counter()
            while (counts := await storage.alerts.status_counts()).get("sent", 0) < chat_count:
                if counts.get("failed"):
                    raise RuntimeError(f"alerts failed: {counts}")
                await asyncio.sleep(0.1)
            elapsed = time.perf_counter() - started
            cpu_workers = [
                (worker_cpu_s(proc.pid) or 0.0) - before
                for proc, before in zip(procs, cpu_before, strict=True)
            ]
            server_end = server.cpu_s()
            sent = await storage.alerts.created_since(datetime(2000, 1, 1, tzinfo=UTC))
            delays = sorted((a.sent_at - due).total_seconds() for a in sent if a.sent_at)
            async with httpx.AsyncClient(base_url=server.url, timeout=60) as control:
                state = (await control.get("/control/state")).json()
                events = await all_events(control)
        finally:
            for proc in procs:
                if proc.returncode is None:
                    proc.terminate()
            for proc in procs:
                await proc.wait()
            await storage.close()
            dsn, _ = split_schema(db)
            conn = await asyncpg.connect(dsn)
            try:
                await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            finally:
                await conn.close()
    stamps = sorted(e["at"] for e in events if e["kind"] == "bot_message")
    span = stamps[-1] - stamps[0] if len(stamps) > 1 else 0.0
    peak, low = 0, 0
    for high, stamp in enumerate(stamps):
        while stamp - stamps[low] >= 1.0:
            low += 1
        peak = max(peak, high - low + 1)
    cpu_server_s = None if cpu_server is None or server_end is None else server_end - cpu_server
    return {
        "mode": "paid" if paid else "free",
        "db": "postgresql",
        "workers": workers,
        "chats": chat_count,
        "rate_setting_per_s": (
            settings.paid_broadcast_per_second if paid else settings.global_per_second
        ),
        "messages": len(stamps),
        "paid_messages_seen": state["stats"]["sent_paid"],
        "elapsed_s": round(elapsed, 2),
        "arrival_rate_per_s": round((len(stamps) - 1) / span, 1) if span else None,
        "max_in_any_second": peak,
        "retry_after_429s": state["stats"]["rate_limited"],
        "due_to_sent_p50_s": round(statistics.median(delays), 2),
        "due_to_sent_p99_s": round(percentile(delays, 0.99), 2),
        "due_to_sent_max_s": round(delays[-1], 2),
        "cpu_workers_s": [round(c, 2) for c in cpu_workers],
        "cpu_standin_s": None if cpu_server_s is None else round(cpu_server_s, 2),
    }


def main() -> None:
    # PTB's limiter logs each 429 with a traceback; the count is in the result.
    logging.getLogger("telegram.ext.AIORateLimiter").setLevel(logging.CRITICAL)
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--quick", action="store_true", help="fewer chats: 1,000 (free), 2,000 (--paid)"
    )
    parser.add_argument(
        "--paid", action="store_true", help="paid broadcasts: 20,000 chats, stand-in apart"
    )
    parser.add_argument("--profile", type=Path, help="--paid: cProfile the fan-out into FILE")
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="with --db: deliver processes sharing one outbox and the limits; with --paid "
        "alone: bot processes each with its own share of the chats and of the rate",
    )
    parser.add_argument("--paid-worker", nargs=4, help=argparse.SUPPRESS)
    parser.add_argument(
        "--db",
        metavar="URL",
        help="postgresql://…: --workers deliver processes share one outbox there",
    )
    args = parser.parse_args()
    if args.db:
        sizes = {(True, True): 3_000, (True, False): 20_000, (False, True): 300}
        chats = sizes.get((args.paid, args.quick), 600)
        result = asyncio.run(run_workers(args.db, args.workers, chats, args.paid))
    elif args.paid_worker:  # one of --workers' processes: URL, first chat, chats, rate
        url, first, count, rate = args.paid_worker
        work = deliver_paid(url, int(first), int(count), int(rate), None, _stdin_go())
        result = asyncio.run(work)
    elif args.paid:
        chats = 2_000 if args.quick else 20_000
        result = asyncio.run(run_paid(chats, args.profile, args.workers))
    else:
        result = asyncio.run(run(1_000 if args.quick else 5_000))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
