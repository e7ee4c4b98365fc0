"""Finding 2: a followed overview cannot make the bot read files, other hosts or redirects,
nor take over a source the operator configured.

Before, any link on a followed page that the (unanchored) pattern found became a
source: a `file://` link was read from disk and pushed as alerts, other hosts and
redirects elsewhere were fetched, and a child whose URL equalled a configured
source took it over (and later retired it).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.sources import samples as fixtures
from bot.sources.follow import allowed_hosts, refusal
from tests.hostile.sources_world import SourceWorld, source_world

DAY = "/newsticker/liveblog-ukraine-{}.html"
PATTERN = r"/newsticker/liveblog-ukraine-[a-z0-9-]+\.html"


@pytest.fixture
async def world(tmp_path: Path, clock: FakeClock) -> AsyncIterator[SourceWorld]:
    async with source_world(tmp_path, clock) as running:
        yield running


def overview_of(*links: str) -> bytes:
    return "".join(f"<a href='{link}'>Liveblog</a>" for link in links).encode()


def other_host(world: SourceWorld, path: str) -> str:
    """The same local server under another host name: reachable, but not the overview's."""
    return world.server.url.replace("127.0.0.1", "localhost") + path


async def active_urls(world: SourceWorld) -> list[str]:
    return [s.url for s in await world.storage.sources.list_active()]


def test_followed_pages_are_http_on_the_overviews_host() -> None:
    hosts = allowed_hosts("https://www.tagesschau.de/index~rss2.xml", ["Extra.Example "])
    assert hosts == {"www.tagesschau.de", "extra.example"}
    assert refusal("https://www.tagesschau.de/newsticker/x.html", hosts) is None
    assert refusal("http://extra.example/x", hosts) is None
    for bad in (
        "file:///etc/passwd",
        "ftp://www.tagesschau.de/x",
        "https://tagesschau.de.evil.example/x",
        "https://www.tagesschau.de@evil.example/x",
        "http://10.0.0.1/x",
        "http://[::1/x",
        "/relative/only",
    ):
        assert refusal(bad, hosts) is not None, bad


@pytest.mark.parametrize(
    "bad",
    [
        "file:///tmp/secret/newsticker/liveblog-ukraine-geheim.html",
        "OTHER_HOST",
        "ftp://127.0.0.1/newsticker/liveblog-ukraine-ftp.html",
        "http://127.0.0.1:1/newsticker/liveblog-ukraine-port.html?q=1",  # same host: fine
    ],
)
async def test_only_http_links_on_the_overviews_host_become_sources(
    world: SourceWorld, tmp_path: Path, bad: str
) -> None:
    if bad == "OTHER_HOST":
        bad = other_host(world, DAY.format("fremd"))
        world.server.set(DAY.format("fremd"), fixtures.tagesschau_html(fixtures.sample_entries()))
    good = world.server.set(DAY.format("montag-1"), fixtures.tagesschau_html([]))
    overview = world.server.set("/overview", overview_of(bad, good))  # the bad one is newest
    await world.add(f"follow:{overview}|{PATTERN}")
    await world.poll_all()
    same_host = bad.startswith("http://127.0.0.1:")
    assert await active_urls(world) == [overview, bad if same_host else good]
    assert world.server.hits.get(DAY.format("fremd"), 0) == 0


async def test_a_file_link_is_never_read(world: SourceWorld, tmp_path: Path) -> None:
    secret = tmp_path / "newsticker" / "liveblog-ukraine-geheim.html"
    secret.parent.mkdir()
    secret.write_bytes(fixtures.text_export(fixtures.sample_entries()[:3]))
    overview = world.server.set("/overview", overview_of(secret.as_uri()))
    await world.add(f"follow:{overview}|.*liveblog-ukraine.*")  # even a pattern that fits
    await world.poll_all()
    assert await active_urls(world) == [overview]
    assert await world.storage.entries.latest(10) == []


async def test_the_pattern_must_match_the_whole_path(world: SourceWorld) -> None:
    base = world.server.url
    sneaky = [
        f"{base}/go?to={DAY.format('umweg')}",  # only in the query
        f"{base}/archiv{DAY.format('tief')}",  # not at the start of the path
        f"{base}{DAY.format('montag-1')}.bak",  # not up to its end
    ]
    good = world.server.set(DAY.format("montag-2"), fixtures.tagesschau_html([]))
    overview = world.server.set("/overview", overview_of(*sneaky, good))
    await world.add(f"follow:{overview}|{PATTERN}")
    await world.poll_all()
    assert await active_urls(world) == [overview, good]


async def test_a_followed_page_never_redirects_off_the_host(world: SourceWorld) -> None:
    entries = fixtures.sample_entries()[:2]
    target = world.server.set(DAY.format("ziel"), fixtures.tagesschau_html(entries))
    child = world.server.set(
        DAY.format("montag-3"),
        b"",
        status=302,
        headers={"Location": other_host(world, DAY.format("ziel"))},
    )
    overview = world.server.set("/overview", overview_of(child))
    await world.add(f"follow:{overview}|{PATTERN}")
    poller = await world.poll_all()  # the overview: finds the child
    await world.poll_all(poller)  # the child: redirected elsewhere
    health = await world.source(child)
    assert health.last_error is not None
    assert "redirect" in health.last_error
    assert "'localhost' is not the overview's" in health.last_error
    assert world.server.hits.get(DAY.format("ziel"), 0) == 0
    assert await world.storage.entries.latest(10) == []

    # Redirects on the overview's own host are fine, and so are hosts the operator lists.
    world.server.set(DAY.format("montag-3"), b"", status=302, headers={"Location": target})
    world.clock.advance(timedelta(hours=1))
    await world.poll_all(poller)
    assert (await world.source(child)).consecutive_failures == 0
    world.server.set(
        DAY.format("montag-3"),
        b"",
        status=302,
        headers={"Location": other_host(world, DAY.format("ziel"))},
    )
    world.clock.advance(timedelta(hours=1))
    await world.poll_all(world.poller(follow_hosts=frozenset({"localhost"})))
    assert (await world.source(child)).consecutive_failures == 0


async def test_a_configured_source_is_never_taken_over_or_retired(world: SourceWorld) -> None:
    configured = world.server.set(DAY.format("montag-4"), fixtures.tagesschau_html([]))
    overview = world.server.set("/overview", overview_of(configured))
    await world.add(configured, f"follow:{overview}|{PATTERN}")
    poller = await world.poll_all()
    record = await world.source(configured)
    assert record.parent_id is None  # still the operator's, not the overview's child

    tuesday = world.server.set(DAY.format("dienstag-5"), fixtures.tagesschau_html([]))
    world.server.set("/overview", overview_of(tuesday, configured))
    world.clock.advance(timedelta(minutes=2))
    await world.poll_all(poller)
    world.clock.advance(timedelta(hours=4))  # past any grace period
    await world.poll_all(poller)
    assert set(await active_urls(world)) == {configured, overview, tuesday}
    assert (await world.source(configured)).retire_at is None


async def test_configuring_a_followed_page_makes_it_the_operators(world: SourceWorld) -> None:
    monday = world.server.set(DAY.format("montag-6"), fixtures.tagesschau_html([]))
    overview = world.server.set("/overview", overview_of(monday))
    await world.add(f"follow:{overview}|{PATTERN}")
    poller = await world.poll_all()
    assert (await world.source(monday)).parent_id is not None
    await world.add(monday)  # the operator now lists it (LIVEBLOG_SOURCES, a restart)
    tuesday = world.server.set(DAY.format("dienstag-7"), fixtures.tagesschau_html([]))
    world.server.set("/overview", overview_of(tuesday, monday))
    world.clock.advance(timedelta(minutes=2))
    await world.poll_all(poller)
    world.clock.advance(timedelta(hours=4))
    await world.poll_all(poller)
    assert set(await active_urls(world)) == {monday, overview, tuesday}
