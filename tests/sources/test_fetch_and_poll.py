"""Fetching and polling over real HTTP: 304s, edits, redirects, caps, timeouts, backoff."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest

from bot.clock import FakeClock
from bot.sources import samples as fixtures
from bot.sources.fetch import Fetcher, FetchError
from bot.sources.ingest import IngestReport
from bot.sources.poller import MAX_BACKOFF_S, Poller, add_sources, backoff_seconds
from storage import Storage, open_storage
from storage.records import UpsertStatus
from tests.sources.server import SourceServer, source_server


@pytest.fixture
async def server() -> AsyncIterator[SourceServer]:
    async with source_server() as running:
        yield running


@pytest.fixture
async def storage(db_target: str) -> AsyncIterator[Storage]:
    """Polling stores through the repositories: on both backends."""
    store = await open_storage(db_target)
    yield store
    await store.close()


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    fetch = Fetcher()
    yield fetch
    await fetch.close()


async def test_conditional_get_gives_a_cheap_304(server: SourceServer, fetcher: Fetcher) -> None:
    url = server.set("/page", fixtures.tagesschau_html(fixtures.sample_entries()[:3]))
    first = await fetcher.fetch(url)
    assert first.status == 200
    assert first.etag
    again = await fetcher.fetch(url, first.etag, first.last_modified)
    assert again.not_modified
    assert again.body == b""


async def test_redirects_up_to_five(server: SourceServer, fetcher: Fetcher) -> None:
    server.set("/page", b"ok page")
    assert (await fetcher.fetch(server.url + "/redirect/4")).body == b"ok page"
    with pytest.raises(FetchError, match="redirects"):
        await fetcher.fetch(server.url + "/redirect/6")


@pytest.mark.parametrize("path", ["/huge-declared", "/huge-stream"])
async def test_size_cap_aborts_the_download(
    server: SourceServer, fetcher: Fetcher, path: str
) -> None:
    with pytest.raises(FetchError, match="cap"):
        await fetcher.fetch(server.url + path)


async def test_timeouts_become_fetch_errors(server: SourceServer) -> None:
    impatient = Fetcher(httpx.AsyncClient(timeout=httpx.Timeout(0.2)))
    try:
        with pytest.raises(FetchError, match="timed out"):
            await impatient.fetch(server.url + "/stall")
    finally:
        await impatient.close()


async def test_http_errors_are_reported(server: SourceServer, fetcher: Fetcher) -> None:
    with pytest.raises(FetchError, match="HTTP 404"):
        await fetcher.fetch(server.url + "/missing")


def test_backoff_grows_with_jitter_and_caps() -> None:
    rng = random.Random(1)
    delays = [backoff_seconds(60, failures, rng) for failures in range(1, 12)]
    assert 60 <= delays[0] <= 120
    assert delays[3] > delays[0]
    assert all(d <= MAX_BACKOFF_S for d in delays)
    assert delays[-1] >= MAX_BACKOFF_S / 2


async def test_poll_stores_new_then_edited_then_nothing(
    server: SourceServer, storage: Storage, fetcher: Fetcher, clock: FakeClock
) -> None:
    entries = fixtures.sample_entries()[:4]
    url = server.set("/page", fixtures.tagesschau_html(entries))
    await add_sources(storage, [url], 60, clock.now())
    reports: list[IngestReport] = []

    async def collect(report: IngestReport) -> None:
        reports.append(report)

    poller = Poller(storage, fetcher, clock, collect, random.Random(3))
    await asyncio.gather(*await poller.tick())
    assert [r.status for r in reports[0].results] == [UpsertStatus.NEW] * 4
    assert reports[0].first_poll

    assert await poller.tick() == []  # not due yet
    clock.advance(timedelta(seconds=61))
    await asyncio.gather(*await poller.tick())
    assert reports[1].parsed is None  # 304: nothing parsed, nothing stored
    assert server.hits["/page"] == 2

    corrected = list(entries)
    corrected[1] = type(entries[1])(
        entries[1].key,
        entries[1].published,
        None,
        entries[1].title,
        entries[1].text + " Korrektur: 12 statt 11 Verletzte.",
        entries[1].url,
        entries[1].kind,
    )
    server.set("/page", fixtures.tagesschau_html(corrected))
    clock.advance(timedelta(seconds=61))
    await asyncio.gather(*await poller.tick())
    [edited] = reports[2].changed
    assert edited.status is UpsertStatus.EDITED
    assert not reports[2].first_poll


async def test_a_broken_source_backs_off_and_keeps_health(
    server: SourceServer, storage: Storage, fetcher: Fetcher, clock: FakeClock
) -> None:
    url = server.set("/page", b"<html><body>no liveblog here</body></html>")
    await add_sources(storage, [url], 60, clock.now())
    poller = Poller(storage, fetcher, clock, None, random.Random(3))
    await asyncio.gather(*await poller.tick())
    [source] = await storage.sources.list_active()
    assert source.consecutive_failures == 1
    assert source.last_error
    assert "without liveblog entries" in source.last_error
    assert source.next_poll_at is not None
    assert source.next_poll_at - clock.now() >= timedelta(seconds=60)
    assert await storage.entries.latest(10) == []


async def test_a_stalled_source_does_not_delay_the_others(
    server: SourceServer, storage: Storage, fetcher: Fetcher, clock: FakeClock
) -> None:
    good = server.set(
        "/page", fixtures.json_feed(fixtures.sample_entries()[:2]), "application/feed+json"
    )
    await add_sources(storage, [server.url + "/stall", good], 60, clock.now())
    done: list[str] = []

    async def collect(report: IngestReport) -> None:
        done.append(report.source.url)

    poller = Poller(storage, fetcher, clock, collect)
    tasks = await poller.tick()
    assert len(tasks) == 2
    await asyncio.wait_for(asyncio.shield(tasks[1]), 10)
    assert done == [good]
    assert not tasks[0].done()
    server.release.set()
    await poller.wait_idle()


async def test_following_daily_liveblogs(
    server: SourceServer, storage: Storage, fetcher: Fetcher, clock: FakeClock
) -> None:
    monday = server.set(
        "/newsticker/liveblog-ukraine-montag-100.html",
        fixtures.tagesschau_html(fixtures.sample_entries()[:2]),
    )
    overview = server.set("/overview", f"<a href='{monday}'>Liveblog</a>".encode())
    await add_sources(
        storage, [f"follow:{overview}|/newsticker/liveblog-ukraine-.+"], 60, clock.now()
    )
    reports: list[IngestReport] = []

    async def collect(report: IngestReport) -> None:
        reports.append(report)

    poller = Poller(storage, fetcher, clock, collect)
    await asyncio.gather(*await poller.tick())
    urls = [s.url for s in await storage.sources.list_active()]
    assert urls == [overview, monday]
    assert reports[0].first_poll  # the configured overview: history

    tuesday = server.set(
        "/newsticker/liveblog-ukraine-dienstag-101.html",
        fixtures.tagesschau_html(fixtures.sample_entries()[2:4]),
    )
    server.set("/overview", f"<a href='{tuesday}'>neu</a><a href='{monday}'>alt</a>".encode())
    clock.advance(timedelta(seconds=61))
    await asyncio.gather(*await poller.tick())
    await poller.wait_idle()
    assert {s.url for s in await storage.sources.list_active()} == {overview, monday, tuesday}
    clock.advance(timedelta(seconds=61))
    await asyncio.gather(*await poller.tick())
    tuesday_report = next(r for r in reports if r.source.url == tuesday)
    assert not tuesday_report.first_poll  # a followed day's page is news at once
    assert len(tuesday_report.changed) == 2
    clock.advance(timedelta(hours=4))
    await poller.tick()
    await poller.wait_idle()
    assert {s.url for s in await storage.sources.list_active()} == {overview, tuesday}


@pytest.mark.parametrize(
    ("build", "content_type"),
    [
        (fixtures.tagesschau_html, "text/html; charset=utf-8"),
        (fixtures.jsonld_html, "text/html"),
        (fixtures.rss, "application/rss+xml"),
        (fixtures.atom, "application/atom+xml; charset=utf-8"),
        (fixtures.json_feed, "application/feed+json"),
        (fixtures.text_export, "text/plain; charset=utf-8"),
    ],
)
async def test_every_format_over_http(
    server: SourceServer,
    storage: Storage,
    fetcher: Fetcher,
    clock: FakeClock,
    build: object,
    content_type: str,
) -> None:
    entries = fixtures.sample_entries()[:5]
    url = server.set("/feed", build(entries), content_type)  # type: ignore[operator]
    await add_sources(storage, [url], 60, clock.now())
    reports: list[IngestReport] = []

    async def collect(report: IngestReport) -> None:
        reports.append(report)

    await asyncio.gather(*await Poller(storage, fetcher, clock, collect).tick())
    [report] = reports
    assert [r.entry.body for r in report.results] == [e.text for e in entries]
    assert all(r.status is UpsertStatus.NEW for r in report.results)
