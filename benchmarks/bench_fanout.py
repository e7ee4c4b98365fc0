"""Fan-out against the stand-in enforcing Telegram's limits strictly.

Part 1: one alert each to N private chats (5,000; --quick 1,000): sustained send rate,
429s received, delay from entry stored to alert sent. Part 2: 200 alerts due at once
for one private chat: messages sent and the most sent to it in any one second.
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import resource
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("PTB_TIMEDELTA", "true")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from telegram.ext import AIORateLimiter, ExtBot  # noqa: E402
from telegram.request import HTTPXRequest  # noqa: E402

from bot.clock import SystemClock  # noqa: E402
from bot.delivery.buttons import ButtonCodec  # noqa: E402
from bot.delivery.service import DeliveryService  # noqa: E402
from bot.devserver import DevServer  # noqa: E402
from bot.devserver.limits import RateLimits  # noqa: E402
from bot.matching.holder import IndexHolder  # noqa: E402
from bot.matching.query import default_resolver  # noqa: E402
from bot.sources.samples import sample_entries  # noqa: E402
from bot.subscriptions import SubscriptionService  # noqa: E402
from handlers.telegram_io import TelegramMessenger  # noqa: E402
from storage import open_storage  # noqa: E402
from storage.records import NewAlert, NewEntry  # noqa: E402

TOKEN = "123456:BENCH-token"
BERLIN_ZONE = "Europe/Berlin"


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
            from zoneinfo import ZoneInfo

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


def main() -> None:
    # PTB's limiter logs each 429 with a traceback; the count is in the result.
    logging.getLogger("telegram.ext.AIORateLimiter").setLevel(logging.CRITICAL)
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="1,000 chats instead of 5,000")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(1_000 if args.quick else 5_000))))


if __name__ == "__main__":
    main()
