"""Ingestion speed: parse a 500-entry page of each format; CPU time of a 304 poll.

Prints one JSON object with parse_ms (keyed by format) and poll_304_cpu_ms.
"""

from __future__ import annotations

import asyncio
import json
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.clock import FakeClock  # noqa: E402
from bot.sources import outlet_samples  # noqa: E402
from bot.sources import samples as fixtures  # noqa: E402
from bot.sources.detect import parse_payload  # noqa: E402
from bot.sources.fetch import Fetcher  # noqa: E402
from bot.sources.poller import Poller, add_sources  # noqa: E402
from storage import open_storage  # noqa: E402
from tests.sources.server import source_server  # noqa: E402

BUILDERS = {
    "tagesschau": fixtures.tagesschau_html,
    "jsonld": fixtures.jsonld_html,
    "ntv": outlet_samples.ntv_html,
    "ap": outlet_samples.ap_html,
    "cnn (JSON-LD + page text)": outlet_samples.cnn_html,
    "rss": fixtures.rss,
    "atom": fixtures.atom,
    "jsonfeed": fixtures.json_feed,
    "text": fixtures.text_export,
}


def parse_times(entries: int = 500, rounds: int = 5) -> dict[str, float]:
    sample = fixtures.sample_entries(entries)
    result = {}
    for name, build in BUILDERS.items():
        payload = build(sample)
        timings = []
        for _ in range(rounds):
            started = time.perf_counter()
            parsed = parse_payload(payload, fixtures.PAGE)
            timings.append(time.perf_counter() - started)
        assert len(parsed.entries) == entries, (name, len(parsed.entries))
        result[name] = round(statistics.median(timings) * 1000, 2)
    return result


async def poll_304_cpu_ms(polls: int = 50) -> float:
    clock = FakeClock(datetime(2024, 11, 4, 12, tzinfo=UTC))
    with tempfile.TemporaryDirectory() as tmp:
        storage = await open_storage(Path(tmp) / "bench.sqlite3")
        fetcher = Fetcher()
        async with source_server() as server:
            url = server.set("/page", fixtures.tagesschau_html(fixtures.sample_entries(500)))
            await add_sources(storage, [url], 60, clock.now())
            poller = Poller(storage, fetcher, clock)
            [source] = await storage.sources.list_active()
            await poller.poll(source)  # the first poll stores; the rest are 304s
            timings = []
            for _ in range(polls):
                [source] = await storage.sources.list_active()
                started = time.process_time()
                report = await poller.poll(source)
                timings.append(time.process_time() - started)
                assert report is not None
                assert report.parsed is None
        await fetcher.close()
        await storage.close()
    # process_time counts this process only: the local server runs in it too, so
    # this is an upper bound on the bot's own CPU per 304 poll.
    return round(statistics.median(timings) * 1000, 3)


def main() -> None:
    result = {
        "entries_per_page": 500,
        "parse_ms": parse_times(),
        "poll_304_cpu_ms": asyncio.run(poll_304_cpu_ms()),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
