"""Finding 3: a page with tens of thousands of links, or of 5 MB, never holds the loop.

Link de-duplication was quadratic (`not in` on a list: 40k links took 13.7 s) and all
parsing ran on the event loop, where the poll deadline cannot interrupt it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.sources import samples as fixtures
from bot.sources.detect import parse_links
from bot.sources.fetch import MAX_BYTES
from bot.sources.links import MAX_LINKS, unique_links
from tests.calibration import cpu_bound
from tests.hostile.loop_probe import LoopProbe
from tests.hostile.sources_world import SourceWorld, source_world

HELD_BOUND_S = 0.25  # CPU seconds of the loop thread (tests/calibration.py)


@pytest.fixture
async def world(tmp_path: Path, clock: FakeClock) -> AsyncIterator[SourceWorld]:
    async with source_world(tmp_path, clock) as running:
        yield running


def link_soup(count: int, pad_to: int = 0) -> bytes:
    """`count` distinct links (with a duplicate of each), padded with text to `pad_to`."""
    links = "".join(f"<a href='/p/{i}.html'>{i}</a><a href='/p/{i}.html#x'>." for i in range(count))
    body = f"<html><body>{links}</body></html>".encode()
    return body + b"<p>" + b"Text ohne Links. " * max(0, (pad_to - len(body)) // 17) + b"</p>"


def test_links_are_unique_in_page_order_and_bounded() -> None:
    hrefs = [f"/p/{i % 50_000}.html" for i in range(100_000)]  # every link twice
    links = unique_links(hrefs, "https://example.org/overview")
    assert len(links) == MAX_LINKS
    assert links[:3] == [f"https://example.org/p/{i}.html" for i in range(3)]
    assert len(set(links)) == len(links)


def test_unusable_hrefs_are_skipped_not_fatal() -> None:
    hrefs = ["http://[broken", "", "   ", "x" * 5000, "/ok.html"]
    assert unique_links(hrefs, "https://example.org/") == ["https://example.org/ok.html"]


def test_link_discovery_keeps_the_first_links_of_a_huge_page() -> None:
    page = link_soup(45_000)
    parsed = parse_links(page, "https://example.org/overview")
    assert len(parsed.links) == MAX_LINKS
    assert parsed.links[0] == "https://example.org/p/0.html"
    assert parsed.links[-1] == f"https://example.org/p/{MAX_LINKS - 1}.html"


async def test_polling_a_followed_overview_of_45k_links_keeps_the_loop_free(
    world: SourceWorld,
) -> None:
    page = link_soup(45_000, pad_to=MAX_BYTES - 50_000)
    assert len(page) > 4_900_000
    overview = world.server.set("/overview", page)
    await world.add(f"follow:{overview}|/newsticker/liveblog-ukraine-.*")
    async with LoopProbe() as probe:
        await world.poll_all()
    assert probe.ticks > 0
    assert probe.max_held_s < cpu_bound(HELD_BOUND_S), f"loop held {probe.max_held_s:.3f} s"
    [report] = world.reports
    assert report.parsed is not None
    assert len(report.parsed.links) == MAX_LINKS


async def test_polling_a_5_mb_liveblog_page_keeps_the_loop_free(world: SourceWorld) -> None:
    entries = fixtures.sample_entries()[:5]
    soup = link_soup(45_000, pad_to=MAX_BYTES - 100_000)
    page = fixtures.tagesschau_html(entries).replace(b"<article>", b"<article>" + soup, 1)
    assert len(page) > 4_900_000
    url = world.server.set("/newsticker/liveblog-ukraine-montag-1.html", page)
    await world.add(url)
    async with LoopProbe() as probe:
        await world.poll_all()
    assert probe.max_held_s < cpu_bound(HELD_BOUND_S), f"loop held {probe.max_held_s:.3f} s"
    [report] = world.reports
    assert [r.entry.body for r in report.results] == [e.text for e in entries]
