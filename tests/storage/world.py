"""Small builders the storage suite shares: real records, fixed moments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage import Storage
from storage.records import NewAlert, NewEntry

NOW = datetime(2024, 11, 4, 12, 0, tzinfo=UTC)


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
