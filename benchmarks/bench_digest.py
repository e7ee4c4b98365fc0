"""Digest building at scale: 10,000 chats with 20 subscriptions each over a day of
500 entries. Three bulk queries, no query per entry or per chat. Prints one JSON object
with total_s and peak_rss_mb (and the parts). `--quick` uses 1,000 chats.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.clock import FakeClock  # noqa: E402
from bot.delivery.buttons import ButtonCodec  # noqa: E402, F401
from bot.digest.service import CHUNK, DigestService  # noqa: E402
from bot.matching.holder import IndexHolder  # noqa: E402
from bot.matching.lexicon import default_lexicon  # noqa: E402
from bot.matching.query import default_resolver  # noqa: E402
from bot.sources.samples import sample_entries  # noqa: E402
from bot.subscriptions import SubscriptionService  # noqa: E402
from storage import open_storage  # noqa: E402
from storage.records import NewAlert, NewEntry  # noqa: E402

SUBS_PER_CHAT = 20
ENTRIES = 500
ALERTS_PER_CHAT = 25  # matches a reader with 20 topics gets on a busy day


class NoMessenger:
    async def send(self, *args: object, **kwargs: object) -> int:
        raise AssertionError("the benchmark builds digests, it does not send them")

    async def edit(self, *args: object, **kwargs: object) -> None:
        raise AssertionError("no edits here")


async def run(chat_count: int) -> dict[str, object]:
    rng = random.Random(5)
    now = datetime(2024, 11, 4, 20, 0, tzinfo=ZoneInfo("Europe/Berlin")).astimezone(UTC)
    clock = FakeClock(now)
    topics = list(default_lexicon().topics.values())
    with tempfile.TemporaryDirectory() as tmp:
        storage = await open_storage(Path(tmp) / "digest.sqlite3")
        started = time.perf_counter()
        source = await storage.sources.ensure("https://example.org/liveblog", None, 60, now)
        sample = sample_entries(ENTRIES)
        day = now - timedelta(hours=20)
        stored = await storage.entries.upsert_many(
            source.source_id,
            [
                NewEntry(e.key, e.published, None, e.title, e.text, e.url, e.kind.value, e.hash)
                for e in sample
            ],
            day,
        )
        entry_ids = [r.entry.entry_id for r in stored]
        alerts: list[NewAlert] = []
        for i in range(chat_count):
            chat_id = 100_000 + i
            await storage.chats.upsert(chat_id, "private", None, "de", day)
            sub_ids = []
            for topic in rng.sample(topics, SUBS_PER_CHAT):
                sub, _ = await storage.subscriptions.add(
                    chat_id, topic.name_de, topic.id, topic.expr.canonical(), topic.name_de, day
                )
                sub_ids.append(sub.sub_id)
            for entry_id in rng.sample(entry_ids, ALERTS_PER_CHAT):
                alerts.append(
                    NewAlert(chat_id, entry_id, tuple(rng.sample(sub_ids, 2)), (), False, day)
                )
        clock.set(day + timedelta(hours=1))
        await storage.alerts.create_many(alerts, day + timedelta(hours=1))
        setup_s = time.perf_counter() - started

        holder = IndexHolder(lambda: subs.index_topics())  # type: ignore[arg-type, return-value]
        subs = SubscriptionService(storage, default_resolver(), holder, clock)
        digests = DigestService(
            storage,
            NoMessenger(),
            subs,
            FakeClock(now),  # type: ignore[arg-type]
            ZoneInfo("Europe/Berlin"),
        )
        chats = list(
            (await storage.chats.get_many([100_000 + i for i in range(chat_count)])).values()
        )
        started = time.perf_counter()
        messages = 0
        for start in range(0, len(chats), CHUNK):  # as DigestService.tick does
            built = await digests.build_many(chats[start : start + CHUNK], now)
            messages += sum(len(b.messages) for b in built)
            assert all(len(m) <= 4096 for b in built for m in b.messages)
        total_s = time.perf_counter() - started
        await storage.close()
    return {
        "chats": chat_count,
        "subscriptions": chat_count * SUBS_PER_CHAT,
        "entries": ENTRIES,
        "alerts": len(alerts),
        "setup_s": round(setup_s, 2),
        "total_s": round(total_s, 3),
        "per_chat_ms": round(total_s / chat_count * 1000, 3),
        "messages": messages,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="1,000 chats instead of 10,000")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(1_000 if args.quick else 10_000))))


if __name__ == "__main__":
    main()
