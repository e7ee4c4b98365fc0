"""Small builders the storage suite shares: real records, fixed moments."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from storage import Storage
from storage.db import IN_CHUNK
from storage.records import AlertRecord, NewAlert, NewEntry

NOW = datetime(2024, 11, 4, 12, 0, tzinfo=UTC)
# Id lists are read in chunks: this many cross a chunk's end.
MANY = IN_CHUNK + 3


def at(minutes: float) -> datetime:
    return NOW + timedelta(minutes=minutes)


def news(
    key: str,
    body: str = "Drohnen über Kiew",
    digest: str | None = None,
    published: datetime | None = NOW,
    kind: str = "news",
    title: str | None = "Titel",
) -> NewEntry:
    return NewEntry(
        key=key,
        published_at=published,
        modified_at=None,
        title=title,
        body=body,
        url=f"https://x.test/blog#{key}",
        kind=kind,
        content_hash=digest or f"h-{key}-{body}",
    )


def alert(
    chat_id: int,
    entry_id: int,
    sub_ids: tuple[int, ...] = (),
    due: datetime = NOW,
    story_id: int | None = None,
    urgent: bool = False,
) -> NewAlert:
    return NewAlert(chat_id, entry_id, sub_ids, (("body", 0, 7),), urgent, due, story_id)


async def source_with(store: Storage, url: str, *entries: NewEntry) -> tuple[int, list[int]]:
    """A source holding these entries (stored as new): its id and the entry ids."""
    source = await store.sources.ensure(url, None, 60, NOW)
    results = await store.entries.upsert_many(source.source_id, list(entries), NOW)
    return source.source_id, [r.entry.entry_id for r in results]


async def alert_row(store: Storage, alert_id: int) -> AlertRecord:
    found = await store.alerts.get(alert_id)
    assert found is not None, alert_id
    return found


async def many_chats(store: Storage, chat_ids: Iterable[int], chat_type: str = "private") -> None:
    """Chats side by side (PostgreSQL's pool runs them at once; SQLite queues them)."""
    await asyncio.gather(*(store.chats.upsert(c, chat_type, None, "de", NOW) for c in chat_ids))
