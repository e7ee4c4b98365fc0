"""The repository interface every backend implements (SQLite now, PostgreSQL next).

Callers depend on these protocols only; they never see a connection, a cursor or
a driver's row type, so a second backend can sit beside the first.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from storage.records import ChatRecord, EntryRecord, NewEntry, SourceRecord, UpsertResult


class ChatRepository(Protocol):
    async def upsert(
        self, chat_id: int, chat_type: str, title: str | None, language: str, now: datetime
    ) -> ChatRecord:
        """Create the chat or refresh its type and title; reactivates a retired chat."""
        ...

    async def get(self, chat_id: int) -> ChatRecord | None: ...

    async def set_language(self, chat_id: int, language: str, now: datetime) -> None: ...

    async def deactivate(self, chat_id: int, now: datetime) -> None: ...


class SourceRepository(Protocol):
    async def ensure(
        self, url: str, fmt: str | None, interval_s: int, now: datetime
    ) -> SourceRecord:
        """The source with this URL, created on first use."""
        ...

    async def get(self, source_id: int) -> SourceRecord | None: ...

    async def list_active(self) -> Sequence[SourceRecord]: ...

    async def record_success(
        self,
        source_id: int,
        etag: str | None,
        last_modified: str | None,
        now: datetime,
        next_poll_at: datetime,
    ) -> None: ...

    async def record_failure(
        self, source_id: int, error: str, now: datetime, next_poll_at: datetime
    ) -> int:
        """Store the error; returns the number of consecutive failures."""
        ...

    async def set_active(self, source_id: int, active: bool) -> None: ...

    async def set_follow(self, source_id: int, pattern: str | None) -> None:
        """Make the source an overview whose newest matching link is followed."""
        ...

    async def add_child(
        self, parent_id: int, url: str, fmt: str | None, interval_s: int, now: datetime
    ) -> SourceRecord: ...

    async def children(self, parent_id: int) -> Sequence[SourceRecord]: ...

    async def set_retire_at(self, source_id: int, retire_at: datetime | None) -> None: ...

    async def retire_due(self, now: datetime) -> int: ...

    async def set_name(self, source_id: int, name: str) -> None: ...


class EntryRepository(Protocol):
    async def upsert_many(
        self, source_id: int, entries: Sequence[NewEntry], now: datetime
    ) -> list[UpsertResult]:
        """Store a fetch's entries in one transaction: all or nothing."""
        ...

    async def get(self, entry_id: int) -> EntryRecord | None: ...

    async def latest(self, limit: int, source_id: int | None = None) -> list[EntryRecord]: ...

    async def seen_since(self, since: datetime) -> list[EntryRecord]: ...


class Storage(Protocol):
    """One open database: the repositories share its connection(s)."""

    @property
    def chats(self) -> ChatRepository: ...

    @property
    def sources(self) -> SourceRepository: ...

    @property
    def entries(self) -> EntryRepository: ...

    async def close(self) -> None: ...
