"""Shared pacing on PostgreSQL: how long one slot reservation takes, and how it holds up
when several workers reserve at once (they queue on the one row's lock).

K processes (1, 3, 8; --quick 1, 3) each reserve blocks of slots back to back for a few
seconds through the bot's own repository (storage/repos/rates.py) on one rate row, each
over its own connection. Reports per reservation p50/p99/max latency and reservations a
second in total; and what the bot needs: a deliver worker reserves ~100 ms of slots at a
time, so about 10 reservations a second per busy worker, whatever the rate.

    .venv/bin/python benchmarks/bench_pacing_pg.py --db postgresql://postgres@127.0.0.1/test

Prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.delivery.shared_pacing import BLOCK_SECONDS  # noqa: E402
from storage.factory import open_db  # noqa: E402
from storage.migrate import apply_migrations  # noqa: E402
from storage.repos.rates import SqlRateRepository  # noqa: E402

SECONDS = 3.0


async def hammer(url: str, seconds: float, start_at: float) -> list[float]:
    """Reserve blocks back to back from `start_at` (epoch) for `seconds`: latencies."""
    db = await open_db(url)
    rates = SqlRateRepository(db)
    try:
        await rates.reserve("bench", 1, 1e-6)  # connect and prepare before the clock runs
        await asyncio.sleep(max(0.0, start_at - time.time()))
        latencies = []
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            began = time.perf_counter()
            await rates.reserve("bench", 3, 1e-6)
            latencies.append(time.perf_counter() - began)
        return latencies
    finally:
        await db.close()


def percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


async def round_of(url: str, clients: int) -> dict[str, object]:
    start_at = time.time() + 1.5  # every client connected by then
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            __file__,
            "--client",
            url,
            str(start_at),
            stdout=asyncio.subprocess.PIPE,
        )
        for _ in range(clients)
    ]
    results = [json.loads((await proc.communicate())[0]) for proc in procs]
    latencies = sorted(x for r in results for x in r)
    return {
        "clients": clients,
        "reservations_per_s": round(len(latencies) / SECONDS),
        "latency_p50_ms": round(statistics.median(latencies) * 1000, 3),
        "latency_p99_ms": round(percentile(latencies, 0.99) * 1000, 3),
        "latency_max_ms": round(latencies[-1] * 1000, 3),
    }


async def run(db: str, counts: list[int]) -> dict[str, object]:
    import asyncpg

    from storage.postgres.database import split_schema

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    url = f"{db}{'&' if '?' in db else '?'}schema={schema}"
    setup = await open_db(url)
    await apply_migrations(setup)
    await setup.close()
    try:
        rounds = [await round_of(url, clients) for clients in counts]
    finally:
        dsn, _ = split_schema(db)
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        finally:
            await conn.close()
    return {
        "seconds_per_round": SECONDS,
        "cpus": os.cpu_count(),
        "rounds": rounds,
        "needed_per_busy_worker_per_s": round(1 / BLOCK_SECONDS),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", help="postgresql://… (a schema of its own is made and dropped)")
    parser.add_argument("--quick", action="store_true", help="1 and 3 clients only")
    parser.add_argument("--client", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        url, start_at = args.client
        print(json.dumps(asyncio.run(hammer(url, SECONDS, float(start_at)))))
        return
    db = args.db or os.environ.get("LIVEBLOG_TEST_PG")
    if not db:  # `make bench` runs every benchmark: say why there is nothing to measure
        print(json.dumps({"skipped": "no PostgreSQL: pass --db or set LIVEBLOG_TEST_PG"}))
        return
    counts = [1, 3] if args.quick else [1, 3, 8]
    print(json.dumps(asyncio.run(run(db, counts))))


if __name__ == "__main__":
    main()
