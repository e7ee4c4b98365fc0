"""The repository interface every backend implements (SQLite now, PostgreSQL next).

Callers depend on these protocols only; they never see a connection, a cursor or
a driver's row type, so a second backend can sit beside the first.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Protocol

from storage.records import (
    AlertRecord,
    AlsoReport,
    ChatRecord,
    DigestAlert,
    DriftRecord,
    EntryRecord,
    NewAlert,
    NewEntry,
    PendingMatch,
    SourceRecord,
    StoryCandidate,
    SubscriptionName,
    SubscriptionRecord,
    UndoOutcome,
    UpsertResult,
)


class ChatRepository(Protocol):
    async def upsert(
        self, chat_id: int, chat_type: str, title: str | None, language: str, now: datetime
    ) -> ChatRecord:
        """Create the chat or refresh its type and title; reactivates a retired chat."""
        ...

    async def get(self, chat_id: int) -> ChatRecord | None: ...

    async def get_many(self, chat_ids: Sequence[int]) -> dict[int, ChatRecord]: ...

    async def set_language(
        self, chat_id: int, language: str, now: datetime, fixed: bool = True
    ) -> None: ...

    async def set_mode(self, chat_id: int, mode: str, now: datetime) -> None: ...

    async def set_quiet(
        self, chat_id: int, start: str | None, end: str | None, now: datetime
    ) -> None: ...

    async def set_paused_until(
        self, chat_id: int, until: datetime | None, now: datetime
    ) -> None: ...

    async def set_timezone(self, chat_id: int, timezone: str, now: datetime) -> None: ...

    async def set_digest(
        self, chat_id: int, digest_time: str | None, next_at: datetime | None, now: datetime
    ) -> None: ...

    async def digest_sent(
        self, chat_id: int, sent_at: datetime, next_at: datetime | None, now: datetime
    ) -> None: ...

    async def set_last_batch(self, chat_id: int, at: datetime) -> None: ...

    async def due_digests(
        self, now: datetime, limit: int = 1000, after: tuple[datetime, int] | None = None
    ) -> list[ChatRecord]:
        """Active chats whose next digest is due, by (next_digest_at, chat_id); `after`
        (a due moment and chat id) continues behind the last page."""
        ...

    async def deactivate(
        self, chat_id: int, now: datetime, reason: str, by_error: bool = False
    ) -> None:
        """Stop sending there; `by_error`: a send failed for good (told on return)."""
        ...

    async def reactivate(self, chat_id: int, now: datetime) -> ChatRecord | None:
        """Active again; the chat as it was when inactive, None if it was not."""
        ...

    async def migrate(self, old_id: int, new_id: int, now: datetime) -> None: ...

    async def delete(self, chat_id: int) -> None: ...


class SourceRepository(Protocol):
    async def ensure(
        self, url: str, fmt: str | None, interval_s: int, now: datetime
    ) -> SourceRecord:
        """The source with this URL, created on first use."""
        ...

    async def get(self, source_id: int) -> SourceRecord | None: ...

    async def find(self, url: str) -> SourceRecord | None:
        """The source with exactly this URL, active or not."""
        ...

    async def list_active(self) -> Sequence[SourceRecord]: ...

    async def overview(self, limit: int) -> Sequence[SourceRecord]:
        """For operators: the active sources and the paused or retired configured ones
        (not the retired daily pages), active first, at most `limit`."""
        ...

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

    async def set_name(self, source_id: int, name: str) -> None: ...

    async def set_follow(self, source_id: int, pattern: str | None) -> None:
        """Make the source an overview whose newest matching link is followed."""
        ...

    async def set_catalog(
        self, source_id: int, catalog_id: str | None, theme: str | None
    ) -> None: ...

    async def retire_unconfigured(self, keep: Sequence[int]) -> int:
        """Configured sources active; others (and the pages they found) retired."""
        ...

    async def add_child(
        self, parent_id: int, url: str, fmt: str | None, interval_s: int, now: datetime
    ) -> SourceRecord: ...

    async def children(self, parent_id: int) -> Sequence[SourceRecord]: ...

    async def set_retire_at(self, source_id: int, retire_at: datetime | None) -> None: ...

    async def retire_due(self, now: datetime) -> int: ...


class EntryRepository(Protocol):
    async def upsert_many(
        self, source_id: int, entries: Sequence[NewEntry], now: datetime, match: bool = True
    ) -> list[UpsertResult]:
        """Store a fetch's entries in one transaction: all or nothing. With `match`, new
        and edited entries wait for the alert pipeline until record_matches."""
        ...

    async def awaiting_match(self, after_id: int, limit: int = 200) -> list[PendingMatch]: ...

    async def get(self, entry_id: int) -> EntryRecord | None: ...

    async def get_many(self, entry_ids: Sequence[int]) -> dict[int, EntryRecord]: ...

    async def latest(self, limit: int, source_id: int | None = None) -> list[EntryRecord]: ...

    async def seen_since(self, since: datetime) -> list[EntryRecord]: ...

    async def recent_news(self, since: datetime, limit: int = 2000) -> list[EntryRecord]: ...


class SubscriptionRepository(Protocol):
    async def add(
        self,
        chat_id: int,
        query: str,
        catalog_id: str | None,
        canonical: str,
        display: str,
        now: datetime,
        expansions: Sequence[tuple[str, str]] = (),
    ) -> tuple[SubscriptionRecord, bool]: ...

    async def get(self, sub_id: int) -> SubscriptionRecord | None: ...

    async def for_chat(self, chat_id: int) -> list[SubscriptionRecord]: ...

    async def count(self, chat_id: int) -> int: ...

    async def active(self) -> list[SubscriptionRecord]: ...

    async def for_chats(self, chat_ids: Sequence[int]) -> list[SubscriptionRecord]: ...

    async def names_for_chats(self, chat_ids: Sequence[int]) -> list[SubscriptionName]: ...

    async def remove(self, chat_id: int, sub_id: int) -> bool: ...

    async def set_mode(self, chat_id: int, sub_id: int, mode: str | None) -> bool: ...

    async def set_urgent(self, chat_id: int, sub_id: int, urgent: bool) -> bool: ...

    async def set_expansions(
        self, chat_id: int, sub_id: int, expansions: Sequence[tuple[str, str]]
    ) -> bool: ...


class AlertRepository(Protocol):
    async def create_many(self, alerts: Sequence[NewAlert], now: datetime) -> list[int]: ...

    async def record_matches(
        self, alerts: Sequence[NewAlert], matched: Sequence[tuple[int, str]], now: datetime
    ) -> list[int]:
        """Write alerts and mark (entry id, content hash) matched in one transaction."""
        ...

    async def get(self, alert_id: int) -> AlertRecord | None: ...

    async def due_chat_ids(self, now: datetime, limit: int = 100_000) -> list[int]:
        """Chats with alerts due: urgent ones first, then the longest waiting."""
        ...

    async def pending_for_chat(
        self, chat_id: int, now: datetime, limit: int = 1000
    ) -> list[AlertRecord]: ...

    async def pending_for_chats(
        self, chat_ids: Sequence[int], now: datetime, limit: int = 1000
    ) -> dict[int, list[AlertRecord]]:
        """pending_for_chat of each chat (every chat asked for is a key)."""
        ...

    async def claim(self, alert_ids: Sequence[int]) -> None: ...

    async def mark_sent(
        self, sent: Sequence[tuple[int, str]], message_id: int | None, now: datetime
    ) -> None: ...

    async def record_sends(
        self, claims: Sequence[int], sent: Sequence[tuple[int, str, int | None, datetime]]
    ) -> None:
        """Claims and (alert id, content hash, message id, sent at) marks in one transaction."""
        ...

    async def reschedule(
        self, alert_ids: Sequence[int], due_at: datetime, error: str | None
    ) -> None: ...

    async def fail(self, alert_ids: Sequence[int], error: str) -> None: ...

    async def reschedule_ambiguous(
        self, alert_ids: Sequence[int], due_at: datetime, error: str
    ) -> None:
        """Like reschedule, and counts one more send that may have arrived."""
        ...

    async def cancel(self, alert_ids: Sequence[int], reason: str) -> None: ...

    async def cancel_chat(self, chat_id: int, reason: str) -> int: ...

    async def reset_in_flight(self) -> int: ...

    async def claim_edits(
        self, wall: datetime, until: datetime, limit: int = 200
    ) -> list[AlertRecord]:
        """Edits to make, each claimed until `until` (real time): one worker edits it."""
        ...

    async def sent_for_entry(self, entry_id: int, since: datetime) -> list[AlertRecord]: ...

    async def for_entry(self, entry_id: int) -> list[AlertRecord]: ...

    async def rematch(
        self, changes: Sequence[tuple[int, tuple[int, ...], tuple[tuple[str, int, int], ...]]]
    ) -> None: ...

    async def chats_with_alert_for_entry(self, entry_id: int) -> set[int]: ...

    async def set_edit_pending(self, alert_ids: Sequence[int], pending: bool = True) -> None: ...

    async def edits_pending(self, limit: int = 200) -> list[AlertRecord]: ...

    async def mark_edited(
        self,
        alert_id: int,
        sent_hash: str | None,
        error: str | None,
        message_id: int | None = None,
    ) -> None: ...

    async def created_since(
        self, since: datetime, chat_id: int | None = None
    ) -> list[AlertRecord]: ...

    async def created_since_for_chats(
        self, since: datetime, chat_ids: Sequence[int]
    ) -> list[AlertRecord]: ...

    async def digest_rows(self, since: datetime, chat_ids: Sequence[int]) -> list[DigestAlert]:
        """created_since_for_chats reduced to what a digest shows."""
        ...

    async def mark_digested(self, alert_ids: Sequence[int], now: datetime) -> None: ...

    async def for_chat(self, chat_id: int, limit: int = 200) -> list[AlertRecord]: ...

    async def status_counts(self) -> dict[str, int]: ...

    async def outbox_counts(self, now: datetime) -> dict[str, int]:
        """status_counts for metrics: waiting states exact, finished ones cached."""
        ...

    async def oldest_due(self, now: datetime) -> datetime | None:
        """When the longest-waiting pending alert that is due now became due."""
        ...


class SourceChoiceRepository(Protocol):
    """Which catalog sources reach a chat, and which a subscription is limited to."""

    async def off_for_chat(self, chat_id: int) -> set[str]: ...

    async def off_for_chats(self, chat_ids: Sequence[int]) -> dict[int, set[str]]: ...

    async def set_enabled(self, chat_id: int, catalog_id: str, enabled: bool) -> None: ...

    async def limits_for_subs(self, sub_ids: Sequence[int]) -> dict[int, set[str]]:
        """Only subscriptions with a limit appear; the rest take every source."""
        ...

    async def set_limit(self, sub_id: int, catalog_ids: Sequence[str]) -> None:
        """Replace the subscription's limit (empty: every source)."""
        ...


class StoryRepository(Protocol):
    async def candidates(
        self, since: datetime, until: datetime, other_than_source: int, limit: int = 300
    ) -> list[StoryCandidate]:
        """News entries of other sources at a time in [since, until], newest first."""
        ...

    async def set_stories(self, links: Sequence[tuple[int, int]]) -> None:
        """(entry id, story id): the entry repeats that story's first entry."""
        ...

    async def also_sources(self, alert_ids: Sequence[int]) -> dict[int, list[int]]:
        """For each alert, the sources of the entries added to it, in the order added."""
        ...

    async def also_reports(self, alert_ids: Sequence[int]) -> dict[int, list[AlsoReport]]:
        """For each alert, the reports added to it (source, headline, link), in order."""
        ...

    async def set_merging(self, chat_id: int, on: bool) -> None:
        """Whether the chat's alerts name other outlets' reports of their story."""
        ...

    async def merging(self, chat_id: int) -> bool: ...


class ConfirmationRepository(Protocol):
    """Queries waiting for a confirm button, shared by every process."""

    async def add(
        self, token: str, chat_id: int, query: str, as_typed: bool, now: datetime
    ) -> None: ...

    async def take(self, token: str, chat_id: int, now: datetime) -> tuple[str, bool] | None:
        """Remove and return (query, as typed); None if expired, unknown or not the chat's."""
        ...


class FeedbackRepository(Protocol):
    """Readers' thumbs down on alerts (storage/repos/reader_feedback.py)."""

    async def add(
        self, chat_id: int, entry_id: int, kind: str, topics: str, via: str, now: datetime
    ) -> bool: ...

    async def counts_since(self, since: datetime) -> dict[str, int]: ...

    async def recent(self, limit: int) -> list[tuple[int, str, str]]: ...


class StoryChoiceRepository(Protocol):
    """A chat's choice about one story, made from its alert: "mute" or "follow"."""

    async def choose(
        self, chat_id: int, story_id: int, kind: str, until: datetime, now: datetime
    ) -> None: ...

    async def active(
        self, chat_ids: Sequence[int], story_ids: Sequence[int], now: datetime
    ) -> dict[tuple[int, int], str]: ...

    async def followers(self, story_ids: Sequence[int], now: datetime) -> dict[int, set[int]]: ...

    async def story_of(self, entry_id: int) -> int | None: ...

    async def cancel_pending(self, chat_id: int, story_id: int) -> int: ...

    async def alert_for_message(self, chat_id: int, message_id: int) -> int | None: ...


class ForumRouteRepository(Protocol):
    """The forum topic of a supergroup that a chat's (or one subscription's) alerts go to."""

    async def route(self, chat_id: int, sub_id: int, thread_id: int | None) -> None: ...

    async def for_chat(self, chat_id: int) -> dict[int, int]: ...

    async def forget_thread(self, chat_id: int, thread_id: int) -> int: ...

    async def clear(self, chat_id: int) -> None: ...


class UnsubscribeUndoRepository(Protocol):
    """Unsubscribes that can be taken back for a while (storage/repos/unsubscribe_undo.py)."""

    async def keep(
        self,
        sub: SubscriptionRecord,
        sources: Sequence[str],
        thread_id: int | None,
        until: datetime,
        now: datetime,
    ) -> int: ...

    async def drop(self, undo_id: int) -> None: ...

    async def restore(
        self, undo_id: int, chat_id: int, now: datetime, max_per_chat: int
    ) -> UndoOutcome: ...


class LeaseRepository(Protocol):
    """Chat leases for several deliver workers (storage/repos/leases.py): `now` is the
    bot's clock (due times), `wall` real time (lease ends)."""

    async def claim_due(
        self,
        owner: str,
        now: datetime,
        wall: datetime,
        until: datetime,
        limit: int,
        serving: Collection[int] = (),
    ) -> list[int]: ...

    async def claim_digests(
        self,
        owner: str,
        now: datetime,
        wall: datetime,
        until: datetime,
        limit: int,
        serving: Collection[int] = (),
    ) -> list[int]: ...

    async def claim_chat(
        self, owner: str, chat_id: int, wall: datetime, until: datetime
    ) -> bool: ...

    async def renew(self, owner: str, chat_ids: Collection[int], until: datetime) -> int: ...

    async def release(self, owner: str, chat_id: int, until: datetime) -> None: ...

    async def recover_in_flight(self, wall: datetime) -> int: ...

    async def clear(self) -> int: ...

    async def holders(self) -> dict[int, str]: ...


class RateRepository(Protocol):
    async def reserve(self, key: str, count: int, gap: float) -> tuple[float, float]:
        """`count` slots `gap` apart on a shared rate: (first slot, now), epoch seconds
        on the database's clock."""
        ...


class DriftRepository(Protocol):
    """Sources whose layout seems to have changed (bot/sources/drift.py)."""

    async def all(self) -> dict[int, DriftRecord]: ...

    async def raise_(
        self, source_id: int, reason: str, adapter: str, selector: str, detail: str, now: datetime
    ) -> DriftRecord: ...

    async def reported(self, source_id: int, now: datetime) -> bool:
        """Mark as told to the operators; False when it already was."""
        ...

    async def clear(self, source_id: int) -> bool: ...


class RetentionRepository(Protocol):
    """Old rows nobody needs any more, deleted a batch at a time (storage/repos/retention.py)."""

    async def purge_alerts(self, before: datetime, limit: int) -> int: ...

    async def purge_entries(self, before: datetime, limit: int) -> int: ...

    async def reclaim(self) -> bool: ...

    async def table_rows(self) -> dict[str, int]: ...


class ProcessRepository(Protocol):
    """The bot's processes on this database and their roles (storage/repos/processes.py)."""

    async def join(
        self,
        worker: str,
        role: str,
        excluded: Collection[str],
        wall: datetime,
        stale_before: datetime,
    ) -> list[tuple[str, str, datetime]]: ...

    async def beat(self, worker: str, wall: datetime) -> bool: ...

    async def leave(self, worker: str) -> None: ...


class Storage(Protocol):
    """One open database: the repositories share its connection(s)."""

    @property
    def chats(self) -> ChatRepository: ...

    @property
    def sources(self) -> SourceRepository: ...

    @property
    def entries(self) -> EntryRepository: ...

    @property
    def subscriptions(self) -> SubscriptionRepository: ...

    @property
    def alerts(self) -> AlertRepository: ...

    @property
    def choices(self) -> SourceChoiceRepository: ...

    @property
    def stories(self) -> StoryRepository: ...

    @property
    def confirmations(self) -> ConfirmationRepository: ...

    @property
    def leases(self) -> LeaseRepository: ...

    @property
    def feedback(self) -> FeedbackRepository: ...

    @property
    def story_choices(self) -> StoryChoiceRepository: ...

    @property
    def forum_routes(self) -> ForumRouteRepository: ...

    @property
    def unsubscribe_undo(self) -> UnsubscribeUndoRepository: ...

    @property
    def rates(self) -> RateRepository: ...

    @property
    def drift(self) -> DriftRepository: ...

    @property
    def retention(self) -> RetentionRepository: ...

    @property
    def processes(self) -> ProcessRepository: ...

    async def close(self) -> None: ...
