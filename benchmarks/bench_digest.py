"""Digests at scale: 10,000 chats with 20 subscriptions each over a day of 500 entries,
all due at the same minute.

Part 1 (build): every digest built as DigestService builds them, nothing sent: the
total time, per chat (wall clock and this process's CPU time: on a machine others
load, the wall clock measures them too), and the worst event-loop lag meanwhile.
Part 2 (send): the real minute tick against the Bot API stand-in (in a process of its
own, enforcing the global rate and 1 message/s per private chat strictly): the
reader's wait, from the moment a digest was due to its first and its last message
arriving at the stand-in (p50/p99/max), the send rate, 429s (must be 0), the CPU time
and the worst loop lag.

Default: 10,000 chats, sending at 1,000/s (paid-broadcast rate; the stand-in's limit
raised to match), so the run takes a few minutes. `--quick`: 500 chats at the free rate
(29/s, the stand-in at Telegram's 30/s). `--rate N` and `--chats N` override.
Prints one JSON object; `peak_rss_mb` is this process's peak (the stand-in, Telegram's
part, runs in a process of its own and is not counted). Targets (issue 21): the build
of 10,000 digests in <= 5 s, peak memory <= 400 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import math
import multiprocessing
import os
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

os.environ.setdefault("PTB_TIMEDELTA", "true")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from telegram.ext import ExtBot  # noqa: E402
from telegram.request import HTTPXRequest  # noqa: E402

from bot.app import telegram_limiter  # noqa: E402
from bot.clock import FakeClock, SystemClock  # noqa: E402
from bot.config import LiveblogSettings  # noqa: E402
from bot.delivery.pacing import ChatPacer, SlidingWindow  # noqa: E402
from bot.delivery.priority import PriorityWindow  # noqa: E402
from bot.devserver import DevServer  # noqa: E402
from bot.devserver.limits import RateLimits  # noqa: E402
from bot.digest.service import DigestService  # noqa: E402
from bot.matching.holder import IndexHolder  # noqa: E402
from bot.matching.lexicon import default_lexicon  # noqa: E402
from bot.matching.query import default_resolver  # noqa: E402
from bot.sources.samples import sample_entries  # noqa: E402
from bot.subscriptions import SubscriptionService  # noqa: E402
from handlers.telegram_io import TelegramMessenger  # noqa: E402
from storage import open_storage  # noqa: E402
from storage.interfaces import Storage  # noqa: E402
from storage.records import NewAlert, NewEntry  # noqa: E402
from tests.hostile.loop_probe import LoopProbe  # noqa: E402

TOKEN = "123456:BENCH-digest"
BERLIN = ZoneInfo("Europe/Berlin")
FIRST_CHAT = 100_000
SUBS_PER_CHAT = 20
ENTRIES = 500
ALERTS_PER_CHAT = 25  # matches a reader with 20 topics gets on a busy day
FREE_RATE = 29  # LIVEBLOG_GLOBAL_PER_SECOND's default


class NoMessenger:
    async def send(self, *args: object, **kwargs: object) -> int:
        raise AssertionError("part 1 builds digests, it does not send them")

    async def edit(self, *args: object, **kwargs: object) -> None:
        raise AssertionError("no edits here")


async def populate(storage: Storage, chat_count: int, now: datetime) -> int:
    """A day of 500 entries; each chat with 20 catalog topics and 25 of the day's
    entries matched (two topics each: some entries list under one topic and are
    referenced under another). Returns the number of alerts."""
    rng = random.Random(5)
    topics = list(default_lexicon().topics.values())
    source = await storage.sources.ensure("https://example.org/liveblog", None, 60, now)
    day = now - timedelta(hours=20)
    stored = await storage.entries.upsert_many(
        source.source_id,
        [
            NewEntry(e.key, e.published, None, e.title, e.text, e.url, e.kind.value, e.hash)
            for e in sample_entries(ENTRIES)
        ],
        day,
    )
    entry_ids = [r.entry.entry_id for r in stored]
    alerts: list[NewAlert] = []
    for i in range(chat_count):
        chat_id = FIRST_CHAT + i
        await storage.chats.upsert(chat_id, "private", None, "de", day)
        sub_ids = []
        for topic in rng.sample(topics, SUBS_PER_CHAT):
            sub, _ = await storage.subscriptions.add(
                chat_id, topic.name_de, topic.id, topic.expr.canonical(), topic.name_de, day
            )
            sub_ids.append(sub.sub_id)
        for entry_id in rng.sample(entry_ids, ALERTS_PER_CHAT):
            pair = tuple(rng.sample(sub_ids, 2))
            alerts.append(NewAlert(chat_id, entry_id, pair, (), False, day))
    await storage.alerts.create_many(alerts, day + timedelta(hours=1))
    return len(alerts)


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else 0.0


async def build_all(storage: Storage, chat_count: int, now: datetime) -> dict[str, object]:
    """Part 1: every digest built, a chunk at a time as the tick does, nothing sent."""
    clock = FakeClock(now)
    holder = IndexHolder(lambda: subs.index_topics())  # type: ignore[arg-type, return-value]
    subs = SubscriptionService(storage, default_resolver(), holder, clock)
    digests = DigestService(storage, NoMessenger(), subs, clock, BERLIN)  # type: ignore[arg-type]
    messages = chats = 0
    async with LoopProbe() as probe:
        started, cpu = time.perf_counter(), time.process_time()
        async for built in digests.due_built():  # what the tick sends, in its order
            chats += 1
            messages += len(built.messages)
            assert all(len(m) <= 4096 for m in built.messages)
        total_s = time.perf_counter() - started
        # CPU time too: on a machine others load, the wall clock measures them as well.
        cpu_s = time.process_time() - cpu
    assert chats == chat_count
    return {
        "build_s": round(total_s, 3),
        "build_per_chat_ms": round(total_s / chat_count * 1000, 3),
        "build_cpu_s": round(cpu_s, 3),
        "build_loop_lag_max_s": round(probe.max_lag_s, 3),
        "messages": messages,
        "rss_after_build_mb": peak_rss_mb(),
    }


def serve(limits: RateLimits, ports: Any) -> None:
    """The stand-in, in a process of its own (as Telegram is elsewhere): at hundreds of
    messages a second, sharing our process's GIL would slow both sides and delay (and so
    bunch up) the arrival times it measures. Its monotonic clock is the system's, the
    same as ours."""

    async def main() -> None:
        server = DevServer(limits)
        await server.start()
        ports.put(server.port)
        await asyncio.Event().wait()  # until the parent ends the process

    asyncio.run(main())


class StandIn:
    def __init__(self, limits: RateLimits) -> None:
        context = multiprocessing.get_context("spawn")
        self._ports: Any = context.Queue()
        self._process = context.Process(target=serve, args=(limits, self._ports), daemon=True)
        self.url = ""

    def __enter__(self) -> StandIn:
        self._process.start()
        self.url = f"http://127.0.0.1:{self._ports.get(timeout=60)}"
        return self

    def __exit__(self, *exc: object) -> None:
        self._process.terminate()
        self._process.join(10)

    async def arrivals(self) -> tuple[list[dict[str, Any]], dict[str, int]]:
        """The bot's messages as the stand-in saw them (read a page at a time), and its
        counters."""
        events: list[dict[str, Any]] = []
        async with httpx.AsyncClient(base_url=self.url, timeout=60) as client:
            while True:
                after = events[-1]["seq"] if events else 0
                page = (await client.get("/control/events", params={"after": after})).json()
                if not page:
                    break
                events += [
                    {"seq": e["seq"], "chat_id": e["chat_id"], "at": e["at"]}
                    for e in page
                    if e["kind"] == "bot_message"
                ] or [{"seq": page[-1]["seq"], "chat_id": 0, "at": 0.0}]
            stats = (await client.get("/control/state")).json()["stats"]
        return [e for e in events if e["chat_id"]], stats


def stand_in_limit(rate: int) -> int:
    """The stand-in's overall limit for our rate: Telegram's 30 for our 29, and as much
    headroom above a raised rate (sends reach it with some jitter)."""
    return rate + max(1, math.ceil(rate / 29))


async def send_all(storage: Storage, chat_count: int, rate: int) -> dict[str, object]:
    """Part 2: every chat's digest due now, the real tick sending through the stand-in."""
    ids = [FIRST_CHAT + i for i in range(chat_count)]
    limits = RateLimits(global_per_s=stand_in_limit(rate), private_burst=1)
    with StandIn(limits) as server:
        request = HTTPXRequest(connection_pool_size=256)  # PTB's default for the bot
        bot = ExtBot(
            TOKEN,
            base_url=f"{server.url}/bot",
            rate_limiter=telegram_limiter(LiveblogSettings(global_per_second=rate)),
            request=request,
        )
        await bot.initialize()
        clock = SystemClock()
        holder = IndexHolder(lambda: subs.index_topics())  # type: ignore[arg-type, return-value]
        subs = SubscriptionService(storage, default_resolver(), holder, clock)
        digests = DigestService(
            storage,
            TelegramMessenger(bot),
            subs,
            clock,
            BERLIN,
            pacer=ChatPacer(),
            window=PriorityWindow(SlidingWindow(rate)),  # as bot/app.py builds it
        )
        due = clock.now()
        for chat_id in ids:  # all due at this very moment
            await storage.chats.set_digest(chat_id, "20:00", due, due)
        due_mono = time.monotonic() - (clock.now() - due).total_seconds()
        async with LoopProbe() as probe:
            started, cpu = time.perf_counter(), time.process_time()
            sent = await digests.tick()
            elapsed = time.perf_counter() - started
            cpu_s = time.process_time() - cpu  # ours: the stand-in is another process
        rss_after_send = peak_rss_mb()  # before the stand-in's record is read in
        await bot.shutdown()
        events, stats = await server.arrivals()
    arrivals: dict[int, list[float]] = {}
    for event in events:
        arrivals.setdefault(event["chat_id"], []).append(event["at"] - due_mono)
    first = [min(times) for times in arrivals.values()]
    last = [max(times) for times in arrivals.values()]
    messages = sum(len(times) for times in arrivals.values())
    return {
        "rate_per_s": rate,
        "stand_in_per_s": limits.global_per_s,
        "senders": digests.sender_count(),
        "digests_sent": sent,
        "chats_reached": len(arrivals),
        "messages_sent": messages,
        "send_s": round(elapsed, 2),
        "send_cpu_s": round(cpu_s, 2),
        "messages_per_s": round(messages / elapsed, 1),
        "retry_after_429s": stats["rate_limited"],
        "wait_first_p50_s": round(percentile(first, 0.50), 2),
        "wait_first_p99_s": round(percentile(first, 0.99), 2),
        "wait_first_max_s": round(max(first, default=0.0), 2),
        "wait_all_p50_s": round(percentile(last, 0.50), 2),
        "wait_all_p99_s": round(percentile(last, 0.99), 2),
        "wait_all_max_s": round(max(last, default=0.0), 2),
        "send_loop_lag_max_s": round(probe.max_lag_s, 3),
        "rss_after_send_mb": rss_after_send,
    }


async def run(chat_count: int, rate: int) -> dict[str, object]:
    # The day is today: part 2 sends on the real clock, and a digest holds the last 24 h.
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    with tempfile.TemporaryDirectory() as tmp:
        storage = await open_storage(Path(tmp) / "digest.sqlite3")
        started = time.perf_counter()
        alerts = await populate(storage, chat_count, now)
        for i in range(chat_count):
            await storage.chats.set_digest(FIRST_CHAT + i, "20:00", now, now)
        setup_s = time.perf_counter() - started
        built = await build_all(storage, chat_count, now)
        sent = await send_all(storage, chat_count, rate)
        await storage.close()
    result: dict[str, object] = {
        "chats": chat_count,
        "subscriptions": chat_count * SUBS_PER_CHAT,
        "entries": ENTRIES,
        "alerts": alerts,
        "setup_s": round(setup_s, 2),
        **built,
        **sent,
        "peak_rss_mb": peak_rss_mb(),
    }
    return result


def main() -> None:
    # PTB's limiter logs each 429 with a traceback; the count is in the result.
    logging.getLogger("telegram.ext.AIORateLimiter").setLevel(logging.CRITICAL)
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="500 chats at the free rate")
    parser.add_argument("--chats", type=int, help="chats (default 10,000; --quick 500)")
    parser.add_argument("--rate", type=int, help="messages a second (default 1,000; --quick 29)")
    args = parser.parse_args()
    chats = args.chats or (500 if args.quick else 10_000)
    rate = args.rate or (FREE_RATE if args.quick else 1_000)
    print(json.dumps(asyncio.run(run(chats, rate))))


if __name__ == "__main__":
    main()
