"""Pages that keep only their newest updates (ZDFheute shows ~20): entries that rolled
off between two polls are counted and logged, and such a page is polled more often.

The entry texts are the real sample blog's (seeds/); each gets its own time ten minutes
apart so that the page's window moves the way ZDFheute's does. The page is a schema.org
LiveBlogPosting in separate JSON-LD scripts, as zdfheute.de serves it since 2025.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.clock import FakeClock
from bot.metrics import Metrics
from bot.sources import samples
from bot.sources.catalog import parse_catalog
from bot.sources.fetch import Fetcher
from bot.sources.ingest import IngestReport
from bot.sources.model import Entry
from bot.sources.poller import Poller, add_sources, follow_catalog
from storage import Storage, open_storage
from tests.sources.server import SourceServer, source_server

WINDOW = 5


@pytest.fixture
async def server() -> AsyncIterator[SourceServer]:
    async with source_server() as running:
        yield running


@pytest.fixture
async def storage(db_target: str) -> AsyncIterator[Storage]:
    store = await open_storage(db_target)
    yield store
    await store.close()


def timeline(clock: FakeClock) -> list[Entry]:
    """The sample's entries, oldest first, ten minutes apart (ending an hour ago)."""
    texts = samples.sample_entries()[::-1]
    start = clock.now() - timedelta(minutes=10 * len(texts) + 60)
    return [
        Entry(f"e{i:03d}", start + timedelta(minutes=10 * i), None, e.title, e.text, None)
        for i, e in enumerate(texts)
    ]


def window(entries: list[Entry], newest: int) -> bytes:
    """The page as ZDFheute keeps it: the WINDOW newest up to `newest`, newest first."""
    shown = entries[max(0, newest - WINDOW + 1) : newest + 1][::-1]
    return samples.jsonld_html(shown, graph=False)


async def test_a_window_that_moved_past_everything_seen_is_counted(
    server: SourceServer,
    storage: Storage,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    entries = timeline(clock)
    assert len(entries) >= 12
    url = server.set("/liveblog.html", window(entries, 5))
    await add_sources(storage, [url], 30, clock.now())
    metrics = Metrics(clock)
    reports: list[IngestReport] = []

    async def collect(report: IngestReport) -> None:
        reports.append(report)

    fetcher = Fetcher()
    poller = Poller(storage, fetcher, clock, collect, random.Random(1), metrics=metrics)
    try:
        for newest in (5, 7, 14):  # 14: entries 8 and 9 were never on a polled page
            server.set("/liveblog.html", window(entries, newest))
            with caplog.at_level(logging.WARNING, "bot.sources.poller"):
                await asyncio.gather(*await poller.tick())
            clock.advance(timedelta(seconds=31))
    finally:
        await fetcher.close()
    first, moved, gap = reports
    assert first.rolled_off is None  # the first poll: history
    assert moved.rolled_off is None  # 6 and 7 are new, 3 to 5 were seen
    assert gap.rolled_off is not None
    assert gap.rolled_off.window == WINDOW
    assert gap.rolled_off.seen_newest == entries[7].published
    assert gap.rolled_off.page_oldest == entries[10].published
    label = reports[0].source.catalog_id
    assert (
        metrics.registry.get_sample_value("liveblog_source_rolled_off_total", {"source": label})
        == 1
    )
    [warning] = [r for r in caplog.records if "rolled off" in r.getMessage()]
    assert "all 5 entries on the page are new" in warning.getMessage()


async def test_the_catalog_polls_a_windowed_page_more_often(
    storage: Storage, clock: FakeClock
) -> None:
    catalog = parse_catalog(
        """
[[source]]
id = "zdf"
outlet = "ZDFheute"
label_de = "ZDFheute"
url = "https://www.zdfheute.de/politik/ausland/ukraine-russland-konflikt-blog-100.html"
interval = 30

[[source]]
id = "other"
outlet = "Other"
label_de = "Other"
url = "https://example.org/blog.html"
"""
    )
    zdf, other = await follow_catalog(storage, list(catalog.entries), 60, clock.now())
    assert zdf.interval_s == 30
    assert other.interval_s == 60


@pytest.mark.parametrize("bad", ["interval = 5", 'interval = "30"', "interval = 99999"])
def test_a_bad_interval_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="interval"):
        parse_catalog(
            f'[[source]]\nid = "x"\noutlet = "X"\nlabel_de = "X"\nurl = "https://e.org/"\n{bad}\n'
        )
