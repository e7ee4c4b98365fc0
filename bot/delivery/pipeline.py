"""New and edited entries → alert rows in the outbox (one per chat and entry).

No backlog flood: an entry goes to a subscription only if the bot first saw it after
the subscription was made and it was published at most 15 minutes before it; the
first poll of a new source pushes nothing. A material edit of an alerted entry
schedules an in-place edit of the sent message (within 48 hours).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from bot.clock import Clock
from bot.delivery.changes import material_change
from bot.sources.ingest import IngestReport
from bot.subscriptions import SubscriptionService
from storage.interfaces import Storage
from storage.records import EntryRecord, NewAlert, SubscriptionRecord, UpsertStatus

log = logging.getLogger(__name__)

PUBLISH_LAG = timedelta(minutes=15)
EDIT_WINDOW = timedelta(hours=48)


def eligible(entry: EntryRecord, sub: SubscriptionRecord) -> bool:
    if entry.first_seen_at < sub.created_at:
        return False
    return entry.published_at is None or entry.published_at >= sub.created_at - PUBLISH_LAG


@dataclass
class _ChatMatch:
    sub_ids: list[int] = field(default_factory=list)
    spans: set[tuple[str, int, int]] = field(default_factory=set)
    urgent: bool = False


class AlertPipeline:
    def __init__(self, storage: Storage, subscriptions: SubscriptionService, clock: Clock) -> None:
        self.storage, self.subscriptions, self.clock = storage, subscriptions, clock

    async def on_report(self, report: IngestReport) -> int:
        """Create the alerts for one poll's changes; returns how many were created."""
        if report.first_poll:
            return 0  # a newly added source's backlog is history, not news
        alerts: list[NewAlert] = []
        for result in report.changed:
            entry = result.entry
            if entry.kind != "news":
                continue
            if result.status is UpsertStatus.EDITED:
                if not await self._edited(entry):
                    continue
                already = await self.storage.alerts.chats_with_alert_for_entry(entry.entry_id)
            else:
                already = set()
            alerts.extend(self.match(entry, skip_chats=already))
        if not alerts:
            return 0
        created = await self.storage.alerts.create_many(alerts, self.clock.now())
        log.info("%d alerts queued", len(created))
        return len(created)

    def match(self, entry: EntryRecord, skip_chats: set[int] | None = None) -> list[NewAlert]:
        by_chat: dict[int, _ChatMatch] = {}
        for match in self.subscriptions.holder.index.match(entry.title, entry.body):
            for topic in match.topics:
                sub = self.subscriptions.by_id.get(topic) if isinstance(topic, int) else None
                if sub is None or not eligible(entry, sub):
                    continue
                if skip_chats and sub.chat_id in skip_chats:
                    continue
                found = by_chat.setdefault(sub.chat_id, _ChatMatch())
                found.sub_ids.append(sub.sub_id)
                found.spans.update((s.field, s.start, s.end) for s in match.spans)
                found.urgent = found.urgent or sub.urgent
        now = self.clock.now()
        return [
            NewAlert(
                chat_id,
                entry.entry_id,
                tuple(sorted(set(m.sub_ids))),
                tuple(sorted(m.spans)),
                m.urgent,
                now,
            )
            for chat_id, m in by_chat.items()
        ]

    async def _edited(self, entry: EntryRecord) -> bool:
        """Schedule in-place edits for a material change; True when it is material."""
        previous = entry.previous_body
        material = (
            previous is None or previous == entry.body or material_change(previous, entry.body)
        )
        if not material:
            return False
        since = self.clock.now() - EDIT_WINDOW
        sent = await self.storage.alerts.sent_for_entry(entry.entry_id, since)
        stale = [a.alert_id for a in sent if a.sent_hash != entry.content_hash]
        if stale:
            await self.storage.alerts.set_edit_pending(stale)
        return True
