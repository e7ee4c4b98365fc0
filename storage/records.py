"""Frozen records the repositories hand out: plain Python types only, no driver types."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class ChatRecord:
    chat_id: int
    chat_type: str
    title: str | None
    language: str
    timezone: str | None
    active: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class SourceRecord:
    source_id: int
    url: str
    format: str | None
    name: str | None
    etag: str | None
    last_modified: str | None
    interval_s: int
    active: bool
    first_polled_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    consecutive_failures: int
    next_poll_at: datetime | None
    follow_pattern: str | None = None
    parent_id: int | None = None
    retire_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class NewEntry:
    """What an adapter produced, ready to be stored."""

    key: str
    published_at: datetime | None
    modified_at: datetime | None
    title: str | None
    body: str
    url: str | None
    kind: str
    content_hash: str


@dataclass(frozen=True, slots=True)
class EntryRecord:
    entry_id: int
    source_id: int
    key: str
    published_at: datetime | None
    modified_at: datetime | None
    title: str | None
    body: str
    url: str | None
    kind: str
    content_hash: str
    previous_hash: str | None
    previous_body: str | None
    edited: bool
    first_seen_at: datetime
    last_changed_at: datetime


class UpsertStatus(StrEnum):
    NEW = "new"
    EDITED = "edited"
    UNCHANGED = "unchanged"


@dataclass(frozen=True, slots=True)
class UpsertResult:
    status: UpsertStatus
    entry: EntryRecord
