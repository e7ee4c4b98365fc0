"""Sources on both backends: creation, health, followed pages, retiring, the overview."""

from __future__ import annotations

from storage import Storage
from tests.storage.world import NOW, at


async def test_ensure_creates_once_and_keeps_a_known_format(store: Storage) -> None:
    first = await store.sources.ensure("https://x.test/feed", "rss", 60, NOW)
    assert (first.url, first.format, first.interval_s, first.active) == (
        "https://x.test/feed",
        "rss",
        60,
        True,
    )
    assert (first.first_polled_at, first.next_poll_at, first.consecutive_failures) == (
        None,
        None,
        0,
    )
    again = await store.sources.ensure("https://x.test/feed", None, 120, at(1))
    assert again.source_id == first.source_id
    assert again.format == "rss"  # no format given: the known one stays
    other = await store.sources.ensure("https://x.test/feed", "atom", 60, at(1))
    assert other.format == "atom"
    assert await store.sources.find("https://x.test/feed") == other
    assert await store.sources.find("https://x.test/FEED") is None  # URLs are exact
    assert await store.sources.get(other.source_id) == other
    assert await store.sources.get(other.source_id + 1000) is None


async def test_health_success_failure_and_poll_times(store: Storage) -> None:
    source = await store.sources.ensure("https://x.test/", None, 60, NOW)
    sid = source.source_id
    assert await store.sources.record_failure(sid, "E" * 900, NOW, at(1)) == 1
    assert await store.sources.record_failure(sid, "timeout", at(1), at(3)) == 2
    failing = await store.sources.get(sid)
    assert failing is not None
    assert (failing.last_error, failing.last_error_at, failing.next_poll_at) == (
        "timeout",
        at(1),
        at(3),
    )
    await store.sources.record_success(sid, 'W/"e1"', "Mon, 04 Nov 2024 12:00:00 GMT", at(3), at(4))
    await store.sources.record_success(sid, None, None, at(4), at(5))
    ok = await store.sources.get(sid)
    assert ok is not None
    assert (ok.etag, ok.last_modified) == (None, None)
    assert (ok.first_polled_at, ok.last_success_at, ok.next_poll_at) == (at(3), at(4), at(5))
    assert ok.consecutive_failures == 0
    assert ok.last_error == "timeout"  # kept for operators
    assert await store.sources.record_failure(sid + 1000, "no such source", NOW, NOW) == 0


async def test_first_error_is_capped(store: Storage) -> None:
    source = await store.sources.ensure("https://x.test/", None, 60, NOW)
    await store.sources.record_failure(source.source_id, "E" * 900, NOW, at(1))
    fresh = await store.sources.get(source.source_id)
    assert fresh is not None
    assert fresh.last_error == "E" * 500


async def test_name_catalog_active_and_list(store: Storage) -> None:
    a = await store.sources.ensure("https://a.test/", None, 60, NOW)
    b = await store.sources.ensure("https://b.test/", None, 60, NOW)
    await store.sources.set_name(a.source_id, "tagesschau – Liveblog 🇺🇦" + "x" * 300)
    await store.sources.set_catalog(a.source_id, "ts-ukraine", "ukraine")
    await store.sources.set_active(b.source_id, False)
    [active] = await store.sources.list_active()
    assert active.source_id == a.source_id
    assert active.name == ("tagesschau – Liveblog 🇺🇦" + "x" * 300)[:200]
    assert (active.catalog_id, active.theme) == ("ts-ukraine", "ukraine")
    await store.sources.set_catalog(a.source_id, None, None)
    await store.sources.set_active(b.source_id, True)
    both = await store.sources.list_active()
    assert [s.source_id for s in both] == [a.source_id, b.source_id]
    assert (both[0].catalog_id, both[0].theme) == (None, None)


async def test_follow_children_and_retiring(store: Storage) -> None:
    overview = await store.sources.ensure("https://x.test/ticker", None, 300, NOW)
    await store.sources.set_follow(overview.source_id, r"/live-[a-z]+\.html")
    followed = await store.sources.get(overview.source_id)
    assert followed is not None
    assert followed.follow_pattern == r"/live-[a-z]+\.html"
    monday = await store.sources.add_child(
        overview.source_id, "https://x.test/live-mo.html", "html", 60, NOW
    )
    tuesday = await store.sources.add_child(
        overview.source_id, "https://x.test/live-di.html", None, 60, at(1)
    )
    assert monday.parent_id == overview.source_id
    assert [c.url for c in await store.sources.children(overview.source_id)] == [
        monday.url,
        tuesday.url,
    ]
    await store.sources.set_retire_at(monday.source_id, at(60))
    await store.sources.set_retire_at(tuesday.source_id, at(120))
    assert await store.sources.retire_due(at(59)) == 0
    assert await store.sources.retire_due(at(60)) == 1  # due at exactly its moment
    assert await store.sources.retire_due(at(61)) == 0
    retired = await store.sources.get(monday.source_id)
    assert retired is not None
    assert not retired.active
    assert retired.retire_at == at(60)
    # Found again (the page came back): active, no longer retiring.
    back = await store.sources.add_child(overview.source_id, monday.url, None, 60, at(70))
    assert (back.source_id, back.active, back.retire_at) == (monday.source_id, True, None)
    await store.sources.set_retire_at(tuesday.source_id, None)
    assert await store.sources.retire_due(at(1000)) == 0
    await store.sources.set_follow(overview.source_id, None)
    plain = await store.sources.get(overview.source_id)
    assert plain is not None
    assert plain.follow_pattern is None


async def test_a_followed_link_never_takes_over_a_configured_source(store: Storage) -> None:
    overview = await store.sources.ensure("https://x.test/ticker", None, 300, NOW)
    configured = await store.sources.ensure("https://x.test/live-mo.html", None, 60, NOW)
    linked = await store.sources.add_child(overview.source_id, configured.url, None, 60, NOW)
    assert (linked.source_id, linked.parent_id) == (configured.source_id, None)
    child = await store.sources.add_child(
        overview.source_id, "https://x.test/live-di.html", None, 60, NOW
    )
    await store.sources.set_retire_at(child.source_id, at(5))
    # The operator configures the page itself: no longer a child that retires.
    adopted = await store.sources.ensure(child.url, None, 60, NOW)
    assert (adopted.parent_id, adopted.retire_at, adopted.active) == (None, None, True)


async def test_retire_unconfigured(store: Storage) -> None:
    a = await store.sources.ensure("https://a.test/", None, 60, NOW)
    b = await store.sources.ensure("https://b.test/", None, 60, NOW)
    c = await store.sources.ensure("https://c.test/", None, 60, NOW)
    page = await store.sources.add_child(a.source_id, "https://a.test/live", None, 60, NOW)
    ids = [a.source_id, b.source_id, c.source_id]
    assert await store.sources.retire_unconfigured(ids) == 0
    assert await store.sources.retire_unconfigured([b.source_id, b.source_id]) == 3  # a, c, page
    assert [s.source_id for s in await store.sources.list_active()] == [b.source_id]
    # Configured again: active again (its page comes back when it is found again).
    assert await store.sources.retire_unconfigured([a.source_id, b.source_id]) == 0
    assert {s.source_id for s in await store.sources.list_active()} == {a.source_id, b.source_id}
    assert page.source_id not in {s.source_id for s in await store.sources.list_active()}
    assert await store.sources.retire_unconfigured([]) == 2
    assert await store.sources.list_active() == []


async def test_overview_lists_active_first_then_retired_configured(store: Storage) -> None:
    a = await store.sources.ensure("https://a.test/", None, 60, NOW)
    b = await store.sources.ensure("https://b.test/", None, 60, NOW)
    live = await store.sources.add_child(a.source_id, "https://a.test/live-1", None, 60, NOW)
    old = await store.sources.add_child(a.source_id, "https://a.test/live-0", None, 60, NOW)
    c = await store.sources.ensure("https://c.test/", None, 60, NOW)
    await store.sources.set_active(old.source_id, False)  # a retired daily page: left out
    await store.sources.set_active(b.source_id, False)  # a paused configured one: listed
    listed = [s.source_id for s in await store.sources.overview(10)]
    assert listed == [a.source_id, live.source_id, c.source_id, b.source_id]
    assert [s.source_id for s in await store.sources.overview(2)] == listed[:2]
