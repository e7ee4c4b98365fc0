"""Finding 10 (part): absurd payloads become a clear source error, never a crash or silence.

Deeply nested JSON raised RecursionError with a traceback every poll; HTML nested
about 1,000 deep made libxml2 stop quietly, so entries after it vanished. Whatever an
adapter raises is now that source's error (kept in its health, logged once per state
change without a traceback), one unreadable item costs only itself, and one bad
source never stops the others.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.sources import samples as fixtures
from bot.sources.detect import ADAPTERS, parse_payload
from bot.sources.model import MAX_ENTRIES, ParseResult
from tests.hostile.sources_world import SourceWorld, source_world

DEEP = 100_000
POLLER_LOG = "bot.sources.poller"


@pytest.fixture
async def world(tmp_path: Path, clock: FakeClock) -> AsyncIterator[SourceWorld]:
    async with source_world(tmp_path, clock) as running:
        yield running


def deep_json_feed() -> bytes:
    document = json.loads(fixtures.json_feed(fixtures.sample_entries()[:3]))
    document["items"][1]["_extra"] = "HOLE"
    text = json.dumps(document).replace('"HOLE"', "[" * DEEP + "]" * DEEP)
    return text.encode()


def deep_html(depth: int = 1_000) -> str:
    return "<div>" * depth + "<p>ganz unten</p>" + "</div>" * depth


def poller_warnings(caplog: pytest.LogCaptureFixture, url: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == POLLER_LOG and url in r.getMessage()]


async def test_deep_json_is_a_source_error_logged_once_and_others_go_on(
    world: SourceWorld, caplog: pytest.LogCaptureFixture
) -> None:
    bad = world.server.set("/bad.json", deep_json_feed(), "application/feed+json")
    good_entries = fixtures.sample_entries()[:2]
    good = world.server.set("/good.json", fixtures.json_feed(good_entries), "application/feed+json")
    await world.add(bad, good)
    caplog.set_level(logging.DEBUG, POLLER_LOG)
    poller = await world.poll_all()
    world.clock.advance(timedelta(hours=1))
    await world.poll_all(poller)

    health = await world.source(bad)
    assert health.consecutive_failures == 2
    assert health.last_error is not None
    assert "nested too deeply" in health.last_error
    assert [r.source.url for r in world.reports] == [good, good]
    assert len(world.reports[0].results) == len(good_entries)
    records = poller_warnings(caplog, bad)
    assert [r.levelno for r in records] == [logging.WARNING, logging.DEBUG]  # once per change
    assert all(r.exc_info is None for r in records)  # a line, not a traceback
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_deep_json_ld_is_a_source_error(world: SourceWorld) -> None:
    page = fixtures.jsonld_html(fixtures.sample_entries()[:2]).replace(
        b"</head>",
        b"<script type='application/ld+json'>" + b"[" * DEEP + b"]" * DEEP + b"</script></head>",
    )
    url = world.server.set("/jsonld.html", page)
    await world.add(url)
    await world.poll_all()
    health = await world.source(url)
    assert health.last_error is not None
    assert "jsonld" in health.last_error
    assert "nested too deeply" in health.last_error
    assert await world.storage.entries.latest(10) == []


async def test_a_page_cut_short_by_deep_html_is_a_source_error_not_silence(
    world: SourceWorld,
) -> None:
    entries = fixtures.sample_entries()[:4]
    page = fixtures.tagesschau_html(entries)
    cut = page.index(b"<div class='liveblog--anchor' id='id0002'>")
    page = page[:cut] + deep_html().encode() + page[cut:]
    url = world.server.set("/newsticker/liveblog-ukraine-montag-2.html", page)
    await world.add(url)
    await world.poll_all()
    health = await world.source(url)
    assert health.last_error is not None
    assert "HTML beyond the parser's limits" in health.last_error
    assert "depth" in health.last_error
    # Storing the two entries before the cut would pass the rest off as "gone".
    assert await world.storage.entries.latest(10) == []


async def test_one_item_of_deep_html_costs_only_itself(
    world: SourceWorld, caplog: pytest.LogCaptureFixture
) -> None:
    entries = fixtures.sample_entries()[:3]
    feed = fixtures.rss(entries)
    marker = entries[1].text[:30].encode()
    assert marker in feed
    poisoned = feed.replace(marker, f"<![CDATA[{deep_html()}]]>".encode() + marker, 1)
    url = world.server.set("/feed.xml", poisoned, "application/rss+xml")
    await world.add(url)
    caplog.set_level(logging.WARNING, "bot.sources.ingest")
    await world.poll_all()
    [report] = world.reports
    assert [r.entry.body for r in report.results] == [entries[0].text, entries[2].text]
    assert report.parsed is not None
    [problem] = [p for p in report.parsed.problems if "skipped" in p]
    assert entries[1].key in problem
    assert "HTML beyond the parser's limits" in problem
    assert any(problem in r.getMessage() for r in caplog.records)
    assert (await world.source(url)).consecutive_failures == 0


async def test_a_feed_of_only_unreadable_items_is_a_source_error(world: SourceWorld) -> None:
    entries = fixtures.sample_entries()[:2]
    feed = fixtures.rss(entries)
    for entry in entries:
        marker = entry.text[:30].encode()
        feed = feed.replace(marker, f"<![CDATA[{deep_html()}]]>".encode() + marker, 1)
    url = world.server.set("/feed.xml", feed, "application/rss+xml")
    await world.add(url)
    await world.poll_all()
    health = await world.source(url)
    assert health.last_error is not None
    assert "no readable entry" in health.last_error


async def test_an_item_that_breaks_the_adapter_is_skipped_by_name(world: SourceWorld) -> None:
    entries = fixtures.sample_entries()[:3]
    document = json.loads(
        fixtures.jsonld_html(entries).split(b"ld+json'>", 1)[1].split(b"</script>", 1)[0]
    )
    blog = next(node for node in document["@graph"] if "LiveBlogPosting" in node["@type"])
    blog["liveBlogUpdate"][1]["url"] = "http://[::1/broken#x"  # urljoin raises ValueError
    page = (
        "<html><head><script type='application/ld+json'>"
        f"{json.dumps(document)}</script></head><body></body></html>"
    ).encode()
    url = world.server.set("/jsonld.html", page)
    await world.add(url)
    await world.poll_all()
    [report] = world.reports
    assert [r.entry.body for r in report.results] == [entries[0].text, entries[2].text]
    assert report.parsed is not None
    assert any("http://[::1/broken" in p and "ValueError" in p for p in report.parsed.problems)


async def test_whatever_an_adapter_raises_is_that_sources_error(
    world: SourceWorld, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The containment holds for any adapter, including ones added later."""

    def exploding(data: bytes, url: str, charset: str | None = None) -> ParseResult:
        raise KeyError("liveBlogUpdate")

    monkeypatch.setitem(ADAPTERS, "exploding", exploding)
    bad = world.server.set("/odd", b"<html>odd</html>")
    good = world.server.set("/good.json", fixtures.json_feed(fixtures.sample_entries()[:1]))
    await world.storage.sources.ensure(bad, "exploding", 60, world.clock.now())
    await world.add(good)
    caplog.set_level(logging.WARNING, POLLER_LOG)
    await world.poll_all()
    health = await world.source(bad)
    assert health.last_error == "the exploding adapter failed: KeyError: 'liveBlogUpdate'"
    assert [r.source.url for r in world.reports] == [good]
    [record] = poller_warnings(caplog, bad)
    assert record.levelno == logging.WARNING
    assert record.exc_info is None


def test_a_page_of_countless_entries_keeps_a_bounded_number() -> None:
    items = [{"id": f"e{n}", "content_text": f"Meldung {n}."} for n in range(MAX_ENTRIES + 500)]
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": "Flut", "items": items}
    parsed = parse_payload(json.dumps(feed).encode(), "https://example.org/feed.json")
    assert len(parsed.entries) == MAX_ENTRIES
    assert parsed.entries[-1].key == f"e{MAX_ENTRIES - 1}"  # the first ones: newest first
    assert parsed.overflow == 500
    assert f"more than {MAX_ENTRIES} entries" in parsed.problems[0]


async def test_an_items_problem_is_logged_once_while_it_lasts(
    world: SourceWorld, caplog: pytest.LogCaptureFixture
) -> None:
    entries = fixtures.sample_entries()[:4]

    def feed_of(count: int) -> bytes:
        feed = fixtures.rss(entries[:count])
        marker = entries[0].text[:30].encode()
        return feed.replace(marker, f"<![CDATA[{deep_html()}]]>".encode() + marker, 1)

    url = world.server.set("/feed.xml", feed_of(2), "application/rss+xml")
    await world.add(url)
    caplog.set_level(logging.DEBUG, "bot.sources.ingest")
    poller = await world.poll_all()
    for count in (3, 4):  # the page changes (no 304), the bad item stays
        world.server.set("/feed.xml", feed_of(count), "application/rss+xml")
        world.clock.advance(timedelta(minutes=2))
        await world.poll_all(poller)
    assert len(world.reports) == 3
    about_it = [r for r in caplog.records if "skipped" in r.getMessage()]
    assert [r.levelno for r in about_it] == [logging.WARNING, logging.DEBUG, logging.DEBUG]
