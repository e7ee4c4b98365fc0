"""Entries on both backends: upsert statuses, the waiting-for-match states, a refused
item left out alone, reading many, the newest first."""

from __future__ import annotations

from datetime import timedelta

from storage import Storage
from storage.records import UpsertStatus
from tests.storage.world import MANY, NOW, at, news, source_with


async def test_upsert_new_unchanged_edited_per_item(store: Storage) -> None:
    source = await store.sources.ensure("https://x.test/", None, 60, NOW)
    sid = source.source_id
    first = await store.entries.upsert_many(sid, [news("a", "eins"), news("b", "zwei")], NOW)
    assert [r.status for r in first] == [UpsertStatus.NEW, UpsertStatus.NEW]
    a = first[0].entry
    assert (a.key, a.body, a.title, a.kind, a.edited) == ("a", "eins", "Titel", "news", False)
    assert (a.previous_hash, a.previous_body, a.first_seen_at, a.last_changed_at) == (
        None,
        None,
        NOW,
        NOW,
    )
    edit = news("a", "eins, ergänzt", published=None)
    mixed = await store.entries.upsert_many(sid, [edit, news("b", "zwei"), news("c")], at(2))
    assert [r.status for r in mixed] == [
        UpsertStatus.EDITED,
        UpsertStatus.UNCHANGED,
        UpsertStatus.NEW,
    ]
    edited = mixed[0].entry
    assert (edited.body, edited.edited, edited.previous_body) == ("eins, ergänzt", True, "eins")
    assert edited.previous_hash == a.content_hash
    assert edited.published_at == NOW  # an edit without a date keeps the known one
    assert (edited.first_seen_at, edited.last_changed_at) == (NOW, at(2))
    assert mixed[1].entry == first[1].entry
    # The same key at another source is another entry.
    other = await store.sources.ensure("https://y.test/", None, 60, NOW)
    [elsewhere] = await store.entries.upsert_many(other.source_id, [news("a", "eins")], NOW)
    assert elsewhere.status is UpsertStatus.NEW
    assert elsewhere.entry.entry_id != a.entry_id
    assert await store.entries.upsert_many(sid, [], NOW) == []


async def test_match_pending_states(store: Storage) -> None:
    source = await store.sources.ensure("https://x.test/", None, 60, NOW)
    sid = source.source_id
    await store.entries.upsert_many(sid, [news("old")], NOW, match=False)  # history
    [a, b] = [r.entry for r in await store.entries.upsert_many(sid, [news("a"), news("b")], NOW)]
    waiting = await store.entries.awaiting_match(0)
    assert [(p.entry.entry_id, p.edit) for p in waiting] == [
        (a.entry_id, False),
        (b.entry_id, False),
    ]
    assert [p.entry.entry_id for p in await store.entries.awaiting_match(a.entry_id)] == [
        b.entry_id
    ]
    assert len(await store.entries.awaiting_match(0, limit=1)) == 1
    assert len(await store.entries.awaiting_match(0, limit=0)) == 1  # at least one
    # Edited before it was ever matched: still new.
    await store.entries.upsert_many(sid, [news("a", "neu")], at(1))
    await store.alerts.record_matches([], [(b.entry_id, b.content_hash)], at(1))
    [still] = await store.entries.awaiting_match(0)
    assert (still.entry.entry_id, still.edit) == (a.entry_id, False)
    await store.alerts.record_matches([], [(a.entry_id, a.content_hash)], at(1))  # stale hash
    assert len(await store.entries.awaiting_match(0)) == 1
    fresh = await store.entries.get(a.entry_id)
    assert fresh is not None
    await store.alerts.record_matches([], [(a.entry_id, fresh.content_hash)], at(1))
    assert await store.entries.awaiting_match(0) == []
    # Edited after matching: an edit to match; edited without matching wanted: unchanged state.
    await store.entries.upsert_many(sid, [news("b", "geändert")], at(2))
    [edit] = await store.entries.awaiting_match(0)
    assert (edit.entry.entry_id, edit.edit) == (b.entry_id, True)
    await store.entries.upsert_many(sid, [news("old", "geändert")], at(2), match=False)
    assert [p.entry.entry_id for p in await store.entries.awaiting_match(0)] == [b.entry_id]


async def test_a_refused_item_is_left_out_alone(store: Storage) -> None:
    """Text the database cannot encode: only that item is skipped, in the same transaction."""
    source = await store.sources.ensure("https://x.test/", None, 60, NOW)
    sid = source.source_id
    await store.entries.upsert_many(sid, [news("b", "vorher")], NOW)
    batch = [news("a", "eins"), news("b", "zwei\ud800"), news("c\ud800"), news("d", "vier")]
    results = await store.entries.upsert_many(sid, batch, at(1))
    assert [(r.entry.key, r.status) for r in results] == [
        ("a", UpsertStatus.NEW),
        ("d", UpsertStatus.NEW),
    ]
    stored = {e.key: e.body for e in await store.entries.latest(10)}
    assert stored == {"a": "eins", "b": "vorher", "d": "vier"}  # b's edit never half-applied
    [again] = await store.entries.upsert_many(sid, [news("b", "zwei")], at(2))
    assert again.status is UpsertStatus.EDITED


async def test_get_and_get_many_beyond_one_chunk(store: Storage) -> None:
    source = await store.sources.ensure("https://x.test/", None, 60, NOW)
    results = await store.entries.upsert_many(
        source.source_id, [news(f"k{i}", f"Meldung {i}") for i in range(2 * MANY)], NOW
    )
    ids = [r.entry.entry_id for r in results]
    found = await store.entries.get_many([*reversed(ids), ids[0], max(ids) + 10])
    assert sorted(found) == sorted(ids)
    assert found[ids[777]].body == "Meldung 777"
    assert await store.entries.get_many([]) == {}
    got = await store.entries.get(ids[MANY])
    assert got is not None
    assert got.key == f"k{MANY}"
    assert await store.entries.get(max(ids) + 10) is None


async def test_latest_newest_published_first_undated_last(store: Storage) -> None:
    sid, _ = await source_with(
        store,
        "https://x.test/",
        news("undated", published=None),
        news("early", published=at(-30)),
        news("late", published=at(30)),
        news("late-too", published=at(30)),
    )
    other, _ = await source_with(store, "https://y.test/", news("y", published=at(60)))
    latest = [e.key for e in await store.entries.latest(10)]
    assert latest == ["y", "late-too", "late", "early", "undated"]
    assert [e.key for e in await store.entries.latest(2)] == ["y", "late-too"]
    assert [e.key for e in await store.entries.latest(10, sid)] == latest[1:]
    assert [e.key for e in await store.entries.latest(10, other)] == ["y"]


async def test_seen_since_and_recent_news(store: Storage) -> None:
    source = await store.sources.ensure("https://x.test/", None, 60, NOW)
    sid = source.source_id
    await store.entries.upsert_many(sid, [news("before", published=at(-60))], at(-60))
    await store.entries.upsert_many(
        sid,
        [
            news("summary", kind="summary", published=at(1)),
            news("undated", published=None),  # first seen at(0) counts as its time
            news("dated", published=at(-5)),
        ],
        NOW,
    )
    await store.entries.upsert_many(sid, [news("later", published=at(3))], at(3))
    assert [e.key for e in await store.entries.seen_since(NOW)] == [
        "summary",
        "undated",
        "dated",
        "later",
    ]
    assert [e.key for e in await store.entries.seen_since(at(3))] == ["later"]
    recent = [e.key for e in await store.entries.recent_news(NOW)]
    assert recent == ["later", "undated", "dated"]  # news only, newest first
    assert [e.key for e in await store.entries.recent_news(NOW, limit=1)] == ["later"]
    assert await store.entries.recent_news(at(3) + timedelta(microseconds=1)) == []
