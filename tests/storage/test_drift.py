"""The layout drift records on both backends: raised once, updated, reported once, cleared."""

from __future__ import annotations

from storage import Storage
from tests.storage.world import NOW, at


async def test_a_drift_is_kept_reported_once_and_cleared(store: Storage) -> None:
    source = await store.sources.ensure("https://x.test/blog", None, 60, NOW)
    sid = source.source_id
    assert await store.drift.all() == {}
    first = await store.drift.raise_(sid, "unparsable", "ntv", "div.article__text > p", "x", NOW)
    assert (first.since, first.reported_at, first.adapter) == (NOW, None, "ntv")
    again = await store.drift.raise_(sid, "empty", "ntv", "'+++' heads", "y" * 900, at(1))
    assert again.since == NOW  # the drift's start stays
    assert (again.reason, again.selector, len(again.detail)) == ("empty", "'+++' heads", 300)
    assert await store.drift.reported(sid, at(2))
    assert not await store.drift.reported(sid, at(3))  # told once, by one process
    [kept] = (await store.drift.all()).values()
    assert kept.reported_at == at(2)
    assert await store.drift.clear(sid)
    assert not await store.drift.clear(sid)
    assert await store.drift.all() == {}
