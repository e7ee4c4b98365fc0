"""Frozen records the repositories hand out: plain Python types only, no driver types."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

INACTIVE_ERROR = "error: "  # a send failed for good: the reader hears of it on return
INACTIVE_REMOVED = "removed: "  # the bot was removed or blocked: the chat's own choice


@dataclass(frozen=True, slots=True)
class ChatRecord:
    chat_id: int
    chat_type: str
    title: str | None
    language: str
    timezone: str | None
    active: bool
    created_at: datetime
    mode: str = "instant"
    quiet_start: str | None = None  # "23:00", local to the chat's time zone
    quiet_end: str | None = None
    paused_until: datetime | None = None
    digest_time: str | None = None  # "20:00" local, or None for no daily digest
    next_digest_at: datetime | None = None
    last_digest_at: datetime | None = None
    last_batch_at: datetime | None = None
    language_fixed: bool = False  # set by /lang: no longer follows the client's language
    # Why the chat is inactive: INACTIVE_ERROR or INACTIVE_REMOVED, then the detail.
    inactive_reason: str | None = None
    inactive_since: datetime | None = None

    @property
    def is_private(self) -> bool:
        return self.chat_type == "private"

    @property
    def paused_by_error(self) -> bool:
        """Delivery failed for good (blocked, chat gone), not a removal the chat made."""
        return (self.inactive_reason or "").startswith(INACTIVE_ERROR)

    @property
    def inactive_detail(self) -> str:
        reason = self.inactive_reason or ""
        return reason.split(": ", 1)[1] if ": " in reason else reason


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
    catalog_id: str | None = None  # the catalog entry (a followed page: its overview's)
    theme: str | None = None  # a page followed by a rule grouped by theme


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


@dataclass(frozen=True, slots=True)
class PendingMatch:
    """A stored entry the alert pipeline has not finished: new, or edited since matched."""

    entry: EntryRecord
    edit: bool


class UpsertStatus(StrEnum):
    NEW = "new"
    EDITED = "edited"
    UNCHANGED = "unchanged"


@dataclass(frozen=True, slots=True)
class UpsertResult:
    status: UpsertStatus
    entry: EntryRecord


@dataclass(frozen=True, slots=True)
class SubscriptionRecord:
    sub_id: int
    chat_id: int
    query: str
    catalog_id: str | None
    canonical: str
    display: str
    mode: str | None  # None: the chat's mode
    urgent: bool
    created_at: datetime
    # Words searched for beside the typed ones: (typed word, expansion) pairs.
    expansions: tuple[tuple[str, str], ...] = ()


class SubscriptionName(NamedTuple):
    """What a digest reads of a subscription (a tick of 10,000 chats reads 200,000): what
    names its topic, and nothing to decode."""

    sub_id: int
    chat_id: int
    catalog_id: str | None
    display: str


class AlertStatus(StrEnum):
    PENDING = "pending"  # waiting for its chat's next delivery (mode, quiet hours, pause)
    SENDING = "sending"  # claimed by a delivery; back to pending if the process died
    SENT = "sent"
    DIGESTED = "digested"  # delivered as part of a digest only
    FAILED = "failed"  # given up, with the reason in last_error
    CANCELLED = "cancelled"  # the chat blocked the bot or left


@dataclass(frozen=True, slots=True)
class NewAlert:
    chat_id: int
    entry_id: int
    sub_ids: tuple[int, ...]
    spans: tuple[tuple[str, int, int], ...]  # (field, start, end) to highlight
    urgent: bool
    due_at: datetime
    # The story's first entry when another outlet reported it first: a chat that has an
    # alert for the story gets this entry named on it ("auch bei"), and an alert of its
    # own unless `story_hides` (a merge hides an alert only when the merger is trusted).
    story_id: int | None = None
    story_hides: bool = False


@dataclass(frozen=True, slots=True)
class AlsoReport:
    """Another outlet's report of an alert's story: named on the alert with its headline."""

    source_id: int
    title: str | None
    lead: str  # the start of the body, for a report without a title
    url: str | None


@dataclass(frozen=True, slots=True)
class StoryCandidate:
    """A recent entry a new one may repeat: enough to compare, never the whole body."""

    entry_id: int
    source_id: int
    story_id: int | None
    title: str | None
    lead: str  # the start of the body (the similarity measure reads no more)
    at: datetime  # published, else first seen


class DigestAlert(NamedTuple):
    """What a digest reads of an alert: a tick of 10,000 chats reads 250,000 of them, so
    a tuple of the few fields, and the time as stored (ISO 8601 UTC text compares like
    the moments it names)."""

    alert_id: int
    chat_id: int
    entry_id: int
    sub_ids: tuple[int, ...]
    spans: tuple[tuple[str, int, int], ...]
    created_at: str


@dataclass(frozen=True, slots=True)
class AlertRecord:
    alert_id: int
    chat_id: int
    entry_id: int
    sub_ids: tuple[int, ...]
    spans: tuple[tuple[str, int, int], ...]
    urgent: bool
    status: AlertStatus
    due_at: datetime
    attempts: int
    last_error: str | None
    message_id: int | None
    sent_at: datetime | None
    sent_hash: str | None
    edit_pending: bool
    digested_at: datetime | None
    created_at: datetime
    ambiguous_sends: int = 0  # sends that timed out after the request went out
    # The chat message_id belongs to: the chat's own id, unless the chat moved since
    # (a group that became a supergroup); None for rows sent before it was recorded.
    message_chat_id: int | None = None


@dataclass(frozen=True, slots=True)
class AlertWithEntry:
    alert: AlertRecord
    entry: EntryRecord


@dataclass(frozen=True, slots=True)
class DriftRecord:
    """A source whose layout seems to have changed (the layout drift alarm)."""

    source_id: int
    reason: str  # "empty": gave entries, now gives none; "unparsable": fails polls in a row
    adapter: str
    selector: str  # the first piece of the expected markup that no longer matched
    detail: str  # the adapter's own words
    since: datetime
    reported_at: datetime | None


@dataclass(frozen=True)
class UndoOutcome:
    # "restored" | "already" (a second tap) | "expired" | "gone" (unknown, or purged)
    # | "exists" (subscribed to again meanwhile) | "limit" (the chat is full now)
    status: str
    display: str = ""  # the subscription's name as it was stored
    subscription: SubscriptionRecord | None = None
