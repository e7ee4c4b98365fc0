"""Both backends: migrations once, upserts that tell new / edited / unchanged apart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storage import open_storage
from storage.records import NewEntry, UpsertStatus

NOW = datetime(2024, 11, 4, 12, 0, tzinfo=UTC)


def entry(key: str, body: str, digest: str) -> NewEntry:
    return NewEntry(
        key=key,
        published_at=NOW,
        modified_at=None,
        title="T",
        body=body,
        url=f"https://x/#{key}",
        kind="news",
        content_hash=digest,
    )


async def test_migrations_apply_once(db_target: str) -> None:
    first = await open_storage(db_target)
    await first.chats.upsert(1, "private", None, "de", NOW)
    await first.close()
    again = await open_storage(db_target if "://" in db_target else f"sqlite:///{db_target}")
    chat = await again.chats.get(1)
    await again.close()
    assert chat is not None
    assert chat.language == "de"


async def test_entry_upsert_statuses(db_target: str) -> None:
    store = await open_storage(db_target)
    try:
        source_id = (await store.sources.ensure("https://x/", None, 60, NOW)).source_id
        [new] = await store.entries.upsert_many(source_id, [entry("a", "eins", "h1")], NOW)
        assert new.status is UpsertStatus.NEW
        [same] = await store.entries.upsert_many(source_id, [entry("a", "eins", "h1")], NOW)
        assert same.status is UpsertStatus.UNCHANGED
        later = NOW + timedelta(minutes=5)
        [edited] = await store.entries.upsert_many(source_id, [entry("a", "zwei", "h2")], later)
        assert edited.status is UpsertStatus.EDITED
        assert edited.entry.previous_hash == "h1"
        assert edited.entry.previous_body == "eins"
        assert edited.entry.last_changed_at == later
        assert edited.entry.first_seen_at == NOW
    finally:
        await store.close()


async def test_failed_batch_stores_nothing(db_target: str) -> None:
    store = await open_storage(db_target)
    try:
        source = await store.sources.ensure("https://y/", None, 60, NOW)
        bad = NewEntry(
            key="b",
            published_at=datetime(2024, 1, 1),  # noqa: DTZ001  # naive on purpose: must be refused
            modified_at=None,
            title=None,
            body="x",
            url=None,
            kind="news",
            content_hash="h",
        )
        with pytest.raises(ValueError, match="naive"):
            await store.entries.upsert_many(source.source_id, [entry("a", "x", "h"), bad], NOW)
        assert await store.entries.latest(10) == []
    finally:
        await store.close()


async def test_source_health(db_target: str) -> None:
    store = await open_storage(db_target)
    try:
        source = await store.sources.ensure("https://z/", "rss", 60, NOW)
        assert await store.sources.record_failure(source.source_id, "boom", NOW, NOW) == 1
        assert await store.sources.record_failure(source.source_id, "boom", NOW, NOW) == 2
        await store.sources.record_success(source.source_id, '"e1"', None, NOW, NOW)
        fresh = await store.sources.get(source.source_id)
        assert fresh is not None
        assert fresh.consecutive_failures == 0
        assert fresh.etag == '"e1"'
        assert fresh.last_error == "boom"
    finally:
        await store.close()
