"""Retention over a simulated year of one busy liveblog (injected clock, no sleeping).

Each simulated day one source publishes `--per-day` entries (texts from the seed sample,
each with its own key and time), every entry alerts `--readers` chats, the alerts are
sent, a tenth of the entries is edited an hour later, and the retention job runs as the
bot runs it (bot/retention.py, default 30 days). Every `--every` days the benchmark
records the database's size, the row counts and the cost of the edit path (what an
edited entry asks the outbox: its sent alerts, the chats that have one) on the day's
entries. With `--no-retention` the job never runs: the same figures, growing.

Default: 365 days x 150 entries x 50 readers (2.7 M alerts over the year) on SQLite in
a temporary directory; `--db postgresql://…` measures a throw-away schema there (dropped
at the end), `--pg` the one LIVEBLOG_TEST_PG names; `--days` shortens the run. Prints one
JSON object; the samples also go to stderr as they are taken.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.clock import FakeClock  # noqa: E402
from bot.delivery.pipeline import EDIT_WINDOW  # noqa: E402
from bot.retention import Retention  # noqa: E402
from bot.sources.samples import sample_entries  # noqa: E402
from storage import open_storage  # noqa: E402
from storage.interfaces import Storage  # noqa: E402
from storage.records import NewAlert, NewEntry  # noqa: E402

START = datetime(2025, 1, 1, 6, 0, tzinfo=UTC)


async def db_size(store: Storage, target: str) -> dict[str, float]:
    db = store.db  # type: ignore[attr-defined]  # SqlStorage keeps its Db
    if db.dialect == "sqlite":
        pages = (await db.fetchone("PRAGMA page_count"))[0]
        free = (await db.fetchone("PRAGMA freelist_count"))[0]
        size = (await db.fetchone("PRAGMA page_size"))[0]
        files = [Path(target), Path(target + "-wal")]
        on_disk = sum(f.stat().st_size for f in files if f.exists())
        return {
            "file_mb": round(on_disk / 1e6, 1),
            "used_mb": round((pages - free) * size / 1e6, 1),
        }
    row = await db.fetchone(
        "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c"
        " JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = current_schema() AND c.relkind = 'r'"
    )
    return {"tables_mb": round(int(row[0]) / 1e6, 1)}


async def edit_path_ms(store: Storage, entry_ids: list[int], now: datetime) -> float:
    """Median cost of what pipeline._edited and _finish ask for an edited entry."""
    costs = []
    for entry_id in entry_ids:
        began = time.perf_counter()
        await store.alerts.sent_for_entry(entry_id, now - EDIT_WINDOW)
        await store.alerts.chats_with_alert_for_entry(entry_id)
        costs.append((time.perf_counter() - began) * 1000)
    return round(statistics.median(costs), 3)


async def simulate(args: argparse.Namespace, target: str) -> dict[str, Any]:
    store = await open_storage(target)
    clock = FakeClock(START)
    job = Retention(store, clock, timedelta(days=args.retention_days))
    texts = sample_entries()
    chats = list(range(1, args.readers + 1))
    for chat_id in chats:
        await store.chats.upsert(chat_id, "private", None, "de", START)
    source = await store.sources.ensure("https://liveblog.test/ticker", "text", 60, START)
    samples: list[dict[str, Any]] = []
    purge_s: list[float] = []
    serial = 0
    began = time.perf_counter()
    for day in range(1, args.days + 1):
        clock.set(START + timedelta(days=day))
        now = clock.now()
        news: list[NewEntry] = []
        for i in range(args.per_day):
            base = texts[serial % len(texts)]
            serial += 1
            news.append(
                NewEntry(
                    key=f"e{serial}",
                    published_at=now + timedelta(minutes=5 * i),
                    modified_at=None,
                    title=base.title,
                    body=base.text,
                    url=f"https://liveblog.test/ticker#e{serial}",
                    kind="news",
                    content_hash=f"h{serial}",
                )
            )
        stored = await store.entries.upsert_many(source.source_id, news, now)
        entry_ids = [r.entry.entry_id for r in stored]
        alerts = [
            NewAlert(chat_id, entry_id, (chat_id,), (), False, now, None)
            for entry_id in entry_ids
            for chat_id in chats
        ]
        created = await store.alerts.record_matches(
            alerts, [(r.entry.entry_id, r.entry.content_hash) for r in stored], now
        )
        await store.alerts.record_sends(
            created, [(a, "h", 1000 + a % 7, now) for a in created]
        )
        # A tenth of the day's entries is corrected an hour later.
        clock.advance(timedelta(hours=1))
        edited = [
            replace(n, body=n.body + " (aktualisiert)", content_hash=n.content_hash + "e")
            for n in news[:: 10]
        ]
        await store.entries.upsert_many(source.source_id, edited, clock.now(), match=False)
        if not args.no_retention:
            t0 = time.perf_counter()
            await job.run()
            purge_s.append(time.perf_counter() - t0)
        if day % args.every == 0 or day == args.days:
            rows = await store.retention.table_rows()
            samples.append(
                {
                    "day": day,
                    **rows,
                    **await db_size(store, target),
                    "edit_path_ms": await edit_path_ms(store, entry_ids[::15], clock.now()),
                }
            )
            print(json.dumps(samples[-1]), file=sys.stderr, flush=True)
    await store.close()
    return {
        "days": args.days,
        "entries_per_day": args.per_day,
        "readers": args.readers,
        "alerts_total": args.days * args.per_day * args.readers,
        "retention_days": None if args.no_retention else args.retention_days,
        "purge_s_per_day": (
            {"median": round(statistics.median(purge_s), 3), "max": round(max(purge_s), 3)}
            if purge_s
            else None
        ),
        "samples": samples,
        "run_s": round(time.perf_counter() - began, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--per-day", type=int, default=150)
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--every", type=int, default=30)
    parser.add_argument("--retention-days", type=float, default=30.0)
    parser.add_argument("--no-retention", action="store_true")
    parser.add_argument("--db", help="postgresql://… (a throw-away schema); default SQLite")
    parser.add_argument("--pg", action="store_true", help="--db from LIVEBLOG_TEST_PG")
    args = parser.parse_args()
    if args.pg:
        args.db = os.environ.get("LIVEBLOG_TEST_PG")
        if not args.db:
            parser.error("--pg: LIVEBLOG_TEST_PG is not set")
    if args.db:
        from tests.pg import throwaway_schema

        async def on_postgres() -> dict[str, Any]:
            async with throwaway_schema(args.db) as target:
                return await simulate(args, target)

        result = asyncio.run(on_postgres())
        result["backend"] = "postgresql"
    else:
        with tempfile.TemporaryDirectory() as tmp:
            result = asyncio.run(simulate(args, str(Path(tmp) / "year.sqlite3")))
        result["backend"] = "sqlite"
    print(json.dumps(result))


if __name__ == "__main__":
    main()
