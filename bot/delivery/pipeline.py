"""New and edited entries → alert rows in the outbox (one per chat and entry).

No backlog flood: an entry goes to a subscription only if the bot first saw it after
the subscription was made and it was published at most 15 minutes before it; the
first poll of a new source pushes nothing. A material edit of an alerted entry
schedules an in-place edit of the sent message (within 48 hours).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial

from bot.clock import Clock
from bot.delivery.changes import material_change
from bot.delivery.spans import SpanPicker
from bot.delivery.story_choices import apply_story_choices
from bot.matching.holder import LiveIndex
from bot.matching.index import TopicIndex
from bot.metrics import Metrics
from bot.sources.ingest import IngestReport
from bot.stories.linker import MERGE_HIDES_ALERTS, OutletName, StoryLinker
from bot.subscriptions import SubscriptionService
from storage.interfaces import Storage
from storage.records import (
    AlertRecord,
    EntryRecord,
    NewAlert,
    PendingMatch,
    SubscriptionRecord,
)

log = logging.getLogger(__name__)

PUBLISH_LAG = timedelta(minutes=15)
EDIT_WINDOW = timedelta(hours=48)
SWEEP_BATCH = 200  # entries matched and recorded per transaction


def eligible(entry: EntryRecord, sub: SubscriptionRecord) -> bool:
    if entry.first_seen_at < sub.created_at:
        return False
    return entry.published_at is None or entry.published_at >= sub.created_at - PUBLISH_LAG


@dataclass(frozen=True)
class _Hit:
    sub: SubscriptionRecord
    spans: tuple[tuple[str, int, int], ...]


@dataclass
class _ChatMatch:
    sub_ids: list[int] = field(default_factory=list)
    spans: set[tuple[str, int, int]] = field(default_factory=set)
    urgent: bool = False


class AlertPipeline:
    """Alert creation is at least once: entries are stored as waiting for matching, and
    an entry leaves that state only in the transaction that writes its alerts. Whatever
    interrupts a poll between storing and matching (an exception, the poll deadline, a
    crash), the next sweep (each poll, each poll tick, start-up) finishes it; the
    outbox's one row per (chat, entry) keeps a repeated sweep from duplicating."""

    def __init__(
        self,
        storage: Storage,
        subscriptions: SubscriptionService,
        clock: Clock,
        metrics: Metrics | None = None,
        outlet_name: OutletName | None = None,
    ) -> None:
        self.storage, self.subscriptions, self.clock = storage, subscriptions, clock
        self.metrics = metrics
        # Outlets by catalog id: every page and entry of one outlet is one outlet.
        self.stories = StoryLinker(storage, outlet_name)
        self._sweeping = asyncio.Lock()
        self._wanted = False  # a sweep was asked for while one ran: it goes round again

    async def on_report(self, report: IngestReport) -> int:
        """After a poll: create the alerts for what it (or an interrupted one) stored."""
        if report.changed:
            self.subscriptions.entries_changed()  # "would have found N" counts look again
        return await self.finish_pending()

    async def finish_pending(self) -> int:
        """Match every entry still waiting; returns how many alerts were created.

        One sweep at a time, and nobody waits for another's: a caller who finds a sweep
        running asks it to go round once more (a poll must not sit out its deadline
        behind a long sweep)."""
        self._wanted = True
        if self._sweeping.locked():
            return 0
        async with self._sweeping:
            created = 0
            while self._wanted:
                self._wanted = False
                created += await self._sweep()
            if created:
                log.info("%d alerts queued", created)
                if self.metrics is not None:
                    self.metrics.matches.inc(created)
            return created

    async def _sweep(self) -> int:
        created, after = 0, 0
        while True:
            batch = await self.storage.entries.awaiting_match(after, SWEEP_BATCH)
            if not batch:
                return created
            created += await self._finish(batch)
            after = batch[-1].entry.entry_id

    async def _catalog_ids(self, source_ids: set[int]) -> dict[int, str | None]:
        """Each source's catalog id: readers choose sources by it."""
        found: dict[int, str | None] = {}
        for source_id in source_ids:
            record = await self.storage.sources.get(source_id)
            found[source_id] = record.catalog_id if record is not None else None
        return found

    async def _finish(self, batch: list[PendingMatch]) -> int:
        alerts: list[NewAlert] = []
        catalog_ids = await self._catalog_ids({p.entry.source_id for p in batch})
        stories = await self.stories.link([p.entry for p in batch if not p.edit])
        for pending in batch:
            entry = pending.entry
            if entry.kind != "news":
                continue
            material = pending.edit and await self._material(entry)
            existing = await self.storage.alerts.for_entry(entry.entry_id) if pending.edit else []
            try:
                picker = SpanPicker(entry.body)  # one per entry, shared by all its chats
                # Matching grows with the entry (96 KB of "Kiew." took 0.56 s of CPU): off the loop.
                # An edit is matched for every chat: its alerts get fresh positions.
                found = await self.subscriptions.holder.read(
                    partial(self.candidates, entry, None, picker)
                )
            except Exception:  # a bug on one entry must not hold up the ones after it
                log.exception("matching entry %s failed; it gets no alerts", entry.entry_id)
                continue
            # Outside the try: a storage error is not the entry's fault; it propagates and
            # the whole batch stays waiting for the next sweep.
            found = await self.respect_choices(catalog_ids.get(entry.source_id), found)
            fresh = self.alerts_for(entry, found, picker, stories.get(entry.entry_id))
            if pending.edit:
                await self._rematched(entry, existing, fresh, material)
                if not material:
                    continue  # a typo fix alerts nobody new
                already = {a.chat_id for a in existing}
                fresh = [a for a in fresh if a.chat_id not in already]
            alerts.extend(fresh)
        news = [
            (p.entry.entry_id, stories.get(p.entry.entry_id))
            for p in batch
            if not p.edit and p.entry.kind == "news"
        ]
        alerts = await apply_story_choices(self.storage, alerts, news, self.clock.now())
        matched = [(p.entry.entry_id, p.entry.content_hash) for p in batch]
        created = await self.storage.alerts.record_matches(alerts, matched, self.clock.now())
        return len(created)

    def candidates(
        self,
        entry: EntryRecord,
        skip_chats: set[int] | None = None,
        picker: SpanPicker | None = None,
        index: LiveIndex | TopicIndex | None = None,
    ) -> list[_Hit]:
        """Every eligible subscription whose topic the entry matches, with the spans a
        message can show (picked once per matched topic, not per chat). Pure: runs on
        a worker thread with the index it is given."""
        picker = picker or SpanPicker(entry.body)
        index = index or self.subscriptions.holder.live
        hits: list[_Hit] = []
        for match in index.match(
            entry.title, entry.body, entry.published_at or entry.first_seen_at
        ):
            spans = picker.pick((s.field, s.start, s.end) for s in match.spans)
            for topic in match.topics:
                sub = self.subscriptions.by_id.get(topic) if isinstance(topic, int) else None
                if sub is None or not eligible(entry, sub):
                    continue
                if skip_chats and sub.chat_id in skip_chats:
                    continue
                hits.append(_Hit(sub, spans))
        return hits

    async def respect_choices(self, catalog_id: str | None, hits: list[_Hit]) -> list[_Hit]:
        """Drop chats that turned this source off and subscriptions limited to others."""
        if catalog_id is None or not hits:
            return hits
        off = await self.storage.choices.off_for_chats([h.sub.chat_id for h in hits])
        limits = await self.storage.choices.limits_for_subs([h.sub.sub_id for h in hits])
        return [
            h
            for h in hits
            if catalog_id not in off.get(h.sub.chat_id, ())
            and catalog_id in limits.get(h.sub.sub_id, {catalog_id})
        ]

    def alerts_for(
        self,
        entry: EntryRecord,
        hits: list[_Hit],
        picker: SpanPicker | None = None,
        story_id: int | None = None,
    ) -> list[NewAlert]:
        """One alert per chat, naming every subscription of the chat that matched; an
        entry that repeats another outlet's story is also named on the chat's alert for
        it, if any (and left out only while merges are trusted to hide alerts)."""
        by_chat: dict[int, _ChatMatch] = {}
        for hit in hits:
            found = by_chat.setdefault(hit.sub.chat_id, _ChatMatch())
            found.sub_ids.append(hit.sub.sub_id)
            found.spans.update(hit.spans)  # each hit holds at most MAX_SPANS
            found.urgent = found.urgent or hit.sub.urgent
        now = self.clock.now()
        picker = picker or SpanPicker(entry.body)
        return [
            NewAlert(
                chat_id,
                entry.entry_id,
                tuple(sorted(set(m.sub_ids))),
                # Several topics of one chat: their spans together, picked again.
                picker.pick(m.spans) if len(m.sub_ids) > 1 else tuple(sorted(m.spans)),
                m.urgent,
                now,
                story_id,
                story_hides=MERGE_HIDES_ALERTS and story_id is not None,
            )
            for chat_id, m in by_chat.items()
        ]

    def match(self, entry: EntryRecord, skip_chats: set[int] | None = None) -> list[NewAlert]:
        """The alerts an entry makes, before readers' source choices."""
        picker = SpanPicker(entry.body)
        return self.alerts_for(entry, self.candidates(entry, skip_chats, picker), picker)

    async def _material(self, entry: EntryRecord) -> bool:
        """Is the edit worth editing sent alerts for (new facts, not a typo fix)?"""
        previous = entry.previous_body
        return previous is None or previous == entry.body or material_change(previous, entry.body)

    async def _rematched(
        self,
        entry: EntryRecord,
        existing: list[AlertRecord],
        fresh: list[NewAlert],
        material: bool,
    ) -> None:
        """An edited entry's alerts follow its new text: positions of the matched words
        (the old ones point into the old text), the topics it still matches. A waiting
        alert whose chat it no longer matches is cancelled; a sent one is edited (within
        EDIT_WINDOW, for a material change) to say it no longer matches."""
        now_matching = {a.chat_id: a for a in fresh}
        changes, cancelled, to_edit = [], [], []
        since = self.clock.now() - EDIT_WINDOW
        for alert in existing:
            match = now_matching.get(alert.chat_id)
            sub_ids, spans = (match.sub_ids, match.spans) if match else ((), ())
            if (sub_ids, spans) != (alert.sub_ids, alert.spans):
                changes.append((alert.alert_id, sub_ids, spans))
            if alert.status in ("pending", "sending") and match is None:
                cancelled.append(alert.alert_id)
            elif (
                material
                and alert.status == "sent"
                and alert.message_id is not None
                and alert.sent_at is not None
                and alert.sent_at >= since
                and (alert.sent_hash != entry.content_hash or match is None)
            ):
                to_edit.append(alert.alert_id)
        await self.storage.alerts.rematch(changes)
        if cancelled:
            await self.storage.alerts.cancel(cancelled, "the edited entry no longer matches")
        if to_edit:
            await self.storage.alerts.set_edit_pending(to_edit)
