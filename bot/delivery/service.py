"""The delivery tick: send what is due, paced to Telegram's limits, surviving failures.

Every send is recorded before and after it happens (claim → sent), so a crash can
duplicate at most the one message that was in flight for a chat. Failures are
classified: flood control waits exactly as asked; a blocked chat is retired; a
migrated group moves; broken HTML is resent once as plain text; network trouble is
retried with backoff; anything permanent fails that alert alone.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot import texts
from bot.chat_settings import chat_zone
from bot.clock import Clock
from bot.delivery.buttons import ButtonCodec
from bot.delivery.fit import LIMIT
from bot.delivery.forum import ForumRouter
from bot.delivery.leases import ChatLeases
from bot.delivery.messenger import (
    AmbiguousSend,
    BadMarkup,
    Button,
    ChatGone,
    ChatMoved,
    Keyboard,
    MessageGone,
    Messenger,
    NotModified,
    Rejected,
    RetryLater,
    SendError,
    ThreadGone,
    Transient,
)
from bot.delivery.pacing import ChatPacer, SlidingWindow
from bot.delivery.pipeline import EDIT_WINDOW
from bot.delivery.policy import plan_delivery
from bot.delivery.priority import Priority, PriorityWindow
from bot.delivery.render import (
    AlertView,
    AlsoLink,
    opening_words,
    render_alert,
    render_batch_parts,
    to_plain,
    with_note,
)
from bot.delivery.send_book import SendBook
from bot.metrics import Metrics
from bot.sources.catalog import Catalog
from bot.sources.directory import SourceDirectory
from bot.subscriptions import SubscriptionService
from storage.interfaces import Storage
from storage.records import AlertRecord, AlsoReport, ChatRecord, EntryRecord, SubscriptionRecord

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
GLOBAL_PER_SECOND = 29  # Telegram allows 30; one spare absorbs clock skew
# With leases, a tick keeps claiming chats as others finish for at most this long (real
# time), then returns so the edits and the tick's bookkeeping get their turn.
TICK_BUDGET_S = 10.0


@dataclass
class DeliveryStats:
    sent_messages: int = 0
    alerts_sent: int = 0
    retried: int = 0
    failed: int = 0
    edits: int = 0
    chats: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class ChatRead:
    """What serving a chat starts from. Read for a group of chats at once (four queries,
    not four per chat: a paid fan-out serves thousands of chats with one alert each);
    `entries` and `also` may hold other chats' rows too."""

    alerts: list[AlertRecord]
    subs: list[SubscriptionRecord]
    entries: dict[int, EntryRecord]
    also: dict[int, list[AlsoReport]]


def single(alert: AlertRecord) -> Priority:
    """A single alert's place in the queue for the overall rate (its edit's too)."""
    return Priority.URGENT if alert.urgent else Priority.INSTANT


def retry_delay(attempts: int) -> timedelta:
    return timedelta(seconds=min(15 * 60, 5 * 2 ** max(0, attempts - 1)))


class DeliveryService:
    def __init__(
        self,
        storage: Storage,
        messenger: Messenger,
        subscriptions: SubscriptionService,
        clock: Clock,
        codec: ButtonCodec,
        default_zone: ZoneInfo,
        pacer: ChatPacer | None = None,
        window: PriorityWindow | None = None,
        concurrency: int = 64,
        directory: SourceDirectory | None = None,
        metrics: Metrics | None = None,
        paid_window: PriorityWindow | None = None,
        leases: ChatLeases | None = None,
    ) -> None:
        self.storage, self.messenger, self.subscriptions = storage, messenger, subscriptions
        self.clock, self.codec, self.default_zone = clock, codec, default_zone
        # `is None`, not `or`: an empty pacer is falsy (it has a length).
        self.pacer = pacer if pacer is not None else ChatPacer()
        self.window = (
            window if window is not None else PriorityWindow(SlidingWindow(GLOBAL_PER_SECOND))
        )
        # Paid broadcasts (LIVEBLOG_PAID_BROADCAST): alert sends pay Stars and keep to this
        # window instead. Edits cannot be paid for and stay on the free `window`, as do
        # digests and command replies.
        self.paid_window = paid_window
        self._slots = asyncio.Semaphore(concurrency)
        self.concurrency = concurrency
        # Several deliver workers (run --role deliver): chats are leased before they are
        # served (bot/delivery/leases.py). Without leases: one process owns the outbox.
        self.leases = leases
        self.directory = directory or SourceDirectory(Catalog(()), ())
        self._busy: set[int] = set()
        # A chat's serving failed or a tick was abandoned: alerts it claimed may still be
        # 'sending' although nothing sends them any more (the one process's own claims;
        # deliver workers get theirs back when the lease expires).
        self._stale_claims = False
        self._moved: dict[int, int] = {}
        self.metrics = metrics
        # Claims and sent marks of all chats being served go to the database together.
        self.book = SendBook(storage.alerts)
        self.forum = ForumRouter(storage)  # the topic of a forum supergroup, if routed

    def zone(self, chat: ChatRecord) -> ZoneInfo:
        return chat_zone(chat.timezone, self.default_zone)

    async def tick(self) -> DeliveryStats:
        stats = DeliveryStats()
        if self.leases is not None:
            await self._leased_tick(self.leases, stats)
        else:
            await self._local_tick(stats)
        await self.process_edits(stats)
        if self.metrics is not None:
            self.metrics.tick_done("delivery")
        return stats

    async def _leased_tick(self, leases: ChatLeases, stats: DeliveryStats) -> None:
        """Claim due chats up to the free send slots, serve them, claim more as they
        finish: a long outbox keeps every slot busy, and chats another worker holds are
        never touched."""
        await self.book.confirm_unconfirmed()  # before anything is re-queued
        await leases.recover()
        loop = asyncio.get_running_loop()
        running: set[asyncio.Task[None]] = set()
        try:
            await self._serve_leased_chats(leases, loop.time() + TICK_BUDGET_S, running, stats)
        except BaseException as exc:
            await _end_all(running, cancel=not isinstance(exc, Exception))
            raise

    async def _serve_leased_chats(
        self,
        leases: ChatLeases,
        stop_claiming: float,
        running: set[asyncio.Task[None]],
        stats: DeliveryStats,
    ) -> None:
        loop = asyncio.get_running_loop()
        while True:
            free = self.concurrency - len(running)
            # Claim in batches (a quarter of the slots at least) while others still run:
            # one claim query per finished chat would cost more than the sends.
            if (
                free > 0
                and loop.time() < stop_claiming
                and (not running or free >= max(1, self.concurrency // 4))
            ):
                claimed = await leases.claim_due(free)
                chats = await self.storage.chats.get_many(claimed)  # one query, not one each
                reads = await self._read_group(list(chats))
                for chat_id in claimed:
                    work = self._serve_leased(
                        leases, chat_id, chats.get(chat_id), stats, reads.get(chat_id)
                    )
                    running.add(asyncio.create_task(work))
            if not running:
                return
            done, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            running -= done

    async def _local_tick(self, stats: DeliveryStats) -> None:
        """One process owns the outbox: like the leased tick, chats are taken a few at a
        time in the outbox's order (urgent first), so an urgent alert that becomes due
        while thousands of chats are being served starts as soon as a slot frees, not
        after the whole tick. A chat is served once a tick (one that fails stays for the
        next tick instead of spinning here)."""
        await self.book.confirm_unconfirmed()  # what went out is never re-queued
        if self._stale_claims and not self._busy:
            self._stale_claims = False  # before the query: a failure sets it again
            requeued = await self.storage.alerts.reset_in_flight()
            if requeued:
                log.warning("re-queued %d alerts left claimed by a failed delivery", requeued)
        loop = asyncio.get_running_loop()
        running: set[asyncio.Task[None]] = set()
        served: set[int] = set()
        try:
            await self._serve_local(loop.time() + TICK_BUDGET_S, running, served, stats)
        except BaseException as exc:
            self._stale_claims = True
            await _end_all(running, cancel=not isinstance(exc, Exception))
            self._busy.clear()  # the only tick: nothing else serves a chat now
            raise

    async def _serve_local(
        self,
        stop_claiming: float,
        running: set[asyncio.Task[None]],
        served: set[int],
        stats: DeliveryStats,
    ) -> None:
        loop = asyncio.get_running_loop()
        while True:
            free = self.concurrency - len(running)
            if (
                free > 0
                and loop.time() < stop_claiming
                and (not running or free >= max(1, self.concurrency // 4))
            ):
                picked = await self._pick_due(free, served)
                chats = await self.storage.chats.get_many(picked)
                served.update(picked)
                self._busy.update(chats)  # before the reads and tasks: the next query skips them
                reads = await self._read_group(list(chats))
                for chat_id, chat in chats.items():
                    work = self._guarded(chat, stats, reads.get(chat_id))
                    running.add(asyncio.create_task(work))
            if not running:
                return
            done, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            running -= done

    async def _read_group(self, chat_ids: list[int]) -> dict[int, ChatRead]:
        """The group's reads; on failure none, and each chat reads its own."""
        try:
            return await self.read_chats(chat_ids, self.clock.now())
        except Exception:
            log.exception("reading %s chats for delivery failed", len(chat_ids))
            return {}

    async def read_chats(self, chat_ids: list[int], now: datetime) -> dict[int, ChatRead]:
        pending = await self.storage.alerts.pending_for_chats(chat_ids, now)
        alerts = [a for c in chat_ids for a in pending.get(c, ())]
        subs: dict[int, list[SubscriptionRecord]] = {}
        entries: dict[int, EntryRecord] = {}
        also: dict[int, list[AlsoReport]] = {}
        if alerts:  # chats whose alerts went meanwhile need nothing more
            with_alerts = [c for c in chat_ids if pending.get(c)]
            for sub in await self.storage.subscriptions.for_chats(with_alerts):
                subs.setdefault(sub.chat_id, []).append(sub)
            entries = await self.storage.entries.get_many([a.entry_id for a in alerts])
            also = await self.storage.stories.also_reports([a.alert_id for a in alerts])
        return {c: ChatRead(pending.get(c, []), subs.get(c, []), entries, also) for c in chat_ids}

    async def _pick_due(self, free: int, served: set[int]) -> list[int]:
        """Up to `free` due chats neither being served nor served this tick. Chats served
        already have mostly nothing due any more, so the query asks for a few more than
        it needs and widens only when skipped chats filled the answer: a tick over
        thousands of chats does not read thousands of rows (or copy the set) per round."""
        now = self.clock.now()
        limit = free + len(self._busy)
        while True:
            due = await self.storage.alerts.due_chat_ids(now, limit=limit)
            picked = [c for c in due if c not in self._busy and c not in served][:free]
            if len(picked) >= free or len(due) < limit:
                return picked
            limit *= 2

    async def _serve_leased(
        self,
        leases: ChatLeases,
        chat_id: int,
        chat: ChatRecord | None,
        stats: DeliveryStats,
        read: ChatRead | None = None,
    ) -> None:
        served = [chat_id]
        try:
            if chat is not None:
                await self.deliver_chat(chat, stats, read)
            new_id = self._moved.pop(chat_id, None)
            # The lease moved with the chat's row; a merge into a chat the bot knew
            # leases the new one only if no other worker serves it.
            if new_id is not None and await leases.claim(new_id):
                served.append(new_id)
                moved = await self.storage.chats.get(new_id)
                if moved is not None:  # resend at once to the supergroup
                    await self.deliver_chat(moved, stats)
        except Exception:  # one chat's trouble must never stop the others
            log.exception("delivery to chat %s failed", chat_id)
        finally:
            for served_id in served:
                try:
                    await leases.release(served_id, self.pacer.remaining(served_id))
                except Exception:  # the lease expires on its own
                    log.exception("releasing chat %s failed", served_id)

    async def _guarded(
        self, chat: ChatRecord, stats: DeliveryStats, read: ChatRead | None = None
    ) -> None:
        self._busy.add(chat.chat_id)
        try:
            async with self._slots:
                await self.deliver_chat(chat, stats, read)
                new_id = self._moved.pop(chat.chat_id, None)
                moved = await self.storage.chats.get(new_id) if new_id is not None else None
                if moved is not None:  # resend at once to the supergroup
                    await self.deliver_chat(moved, stats)
        except Exception:  # one chat's trouble must never stop the others
            log.exception("delivery to chat %s failed", chat.chat_id)
            self._stale_claims = True
        finally:
            self._busy.discard(chat.chat_id)

    async def deliver_chat(
        self, chat: ChatRecord, stats: DeliveryStats, read: ChatRead | None = None
    ) -> None:
        """Serve one chat; `read` when its rows were read with a group's (read_chats)."""
        now = self.clock.now()
        if read is None:
            read = (await self.read_chats([chat.chat_id], now))[chat.chat_id]
        alerts = read.alerts
        if not alerts:
            return
        subs = {s.sub_id: s for s in read.subs}
        # An alert of no topic is a followed story's update: it has no topic to lose.
        orphans = [
            a.alert_id for a in alerts if a.sub_ids and not any(s in subs for s in a.sub_ids)
        ]
        if orphans:  # every topic that found it was given up since (a race with /abbestellen)
            await self.storage.alerts.cancel(orphans, "subscription removed")
            alerts = [a for a in alerts if not a.sub_ids or any(s in subs for s in a.sub_ids)]
        zone = self.zone(chat)
        plan = plan_delivery(chat, alerts, subs, zone, now)
        for until, held in plan.hold.items():
            await self.storage.alerts.reschedule([a.alert_id for a in held], until, None)
        entries = {
            a.entry_id: read.entries[a.entry_id] for a in alerts if a.entry_id in read.entries
        }
        also = {a.alert_id: read.also[a.alert_id] for a in alerts if a.alert_id in read.also}
        await self.directory.load(
            self.storage,
            [e.source_id for e in entries.values()]
            + [r.source_id for reports in also.values() for r in reports],
        )
        sent_batch = plan.batch and await self._send_batch(
            chat, plan.batch, entries, subs, zone, stats, also
        )
        if sent_batch and any(
            (subs.get(s) and (subs[s].mode or chat.mode) == "hourly")
            for a in plan.batch
            for s in a.sub_ids
        ):
            await self.storage.chats.set_last_batch(chat.chat_id, self.clock.now())
        for alert in plan.singles:
            entry = entries.get(alert.entry_id)
            if entry is None:
                await self.storage.alerts.fail([alert.alert_id], "entry vanished")
                continue
            if not await self._send_single(chat, alert, entry, subs, zone, stats, also):
                break  # the chat is gone or flood-controlled: the rest waits

    # ------------------------------------------------------------------ views
    def view(
        self,
        alert: AlertRecord,
        entry: EntryRecord,
        subs: dict[int, SubscriptionRecord],
        language: str,
        also: dict[int, list[AlsoReport]] | None = None,
    ) -> AlertView:
        # Only the alert's own chat's subscriptions name it: an id never speaks for
        # another chat's topic.
        names = [
            self.subscriptions.topic_name(subs[s], language)
            for s in alert.sub_ids
            if s in subs and subs[s].chat_id == alert.chat_id
        ]
        own = self.directory.label(entry.source_id, language)
        return AlertView(
            entry_id=entry.entry_id,
            title=entry.title,
            text=entry.body,
            url=entry.url,
            published=entry.published_at or entry.first_seen_at,
            # No subscription left: the entry was edited into something none matches.
            topics=tuple(names or (["?"] if alert.sub_ids else [])),
            spans=alert.spans,
            source_name=own,
            also=self._also_links(own, (also or {}).get(alert.alert_id, ()), language),
        )

    def _also_links(
        self, own: str, reports: Iterable[AlsoReport], language: str
    ) -> tuple[AlsoLink, ...]:
        """The other outlets' reports of the story, each with its headline: once per
        outlet (its first report), never the alert's own outlet."""
        links: list[AlsoLink] = []
        for report in reports:
            label = self.directory.label(report.source_id, language)
            if not label or label == own or any(link.label == label for link in links):
                continue
            headline = (report.title or "").strip() or opening_words(report.lead, 14)
            links.append(AlsoLink(label, headline, report.url))
        return tuple(links)

    def keyboard(self, chat_id: int, alert: AlertRecord, language: str) -> Keyboard:
        unsubscribe = to_plain(texts.text(language, "button_unsubscribe"))
        mute = to_plain(texts.text(language, "button_mute"))
        mute_button = Button(mute, self.codec.encode(chat_id, "mute", "60"))
        entry = str(alert.entry_id)
        story_row = (  # about this alert and its story (handlers/alert_actions.py)
            Button(
                to_plain(texts.text(language, "button_why")),
                self.codec.encode(chat_id, "why", str(alert.alert_id)),
            ),
            Button(
                to_plain(texts.text(language, "button_story_more")),
                self.codec.encode(chat_id, "more", entry),
            ),
            Button(
                to_plain(texts.text(language, "button_story_mute")),
                self.codec.encode(chat_id, "smute", entry),
            ),
        )
        if not alert.sub_ids:  # no topic (a followed story, or edited away): nothing to leave
            return ((mute_button,), story_row)
        # Several topics: the button asks which (handlers/subscribe.py), by the alert.
        arg = str(alert.sub_ids[0]) if len(alert.sub_ids) == 1 else f"a{alert.alert_id}"
        first_row = (Button(unsubscribe, self.codec.encode(chat_id, "unsub", arg)), mute_button)
        return (first_row, story_row)

    # ------------------------------------------------------------------ sending
    async def _send(
        self,
        chat: ChatRecord,
        html: str,
        keyboard: Keyboard | None,
        priority: Priority,
        sub_ids: Sequence[int] = (),
    ) -> int:
        """One message into the chat's forum topic for these subscriptions, if it has
        one; a topic that is closed or gone gets the message in the general topic, with a
        note, and is forgotten."""
        thread = await self.forum.thread(chat, sub_ids)
        try:
            return await self._send_paced(chat, html, keyboard, priority, thread)
        except ThreadGone:
            if thread is None:
                raise Rejected("thread refused without a thread") from None
            await self.forum.gone(chat.chat_id, thread)
            noted = texts.text(chat.language, "forum_topic_gone") + "\n\n" + html
            html = noted if len(noted) <= LIMIT else html
            return await self._send_paced(chat, html, keyboard, priority, None)

    async def _send_paced(
        self,
        chat: ChatRecord,
        html: str,
        keyboard: Keyboard | None,
        priority: Priority,
        thread: int | None,
    ) -> int:
        """One message, paced; on broken markup, once more as plain text."""
        paid = self.paid_window is not None
        window = self.paid_window if self.paid_window is not None else self.window
        await self.pacer.wait(chat.chat_id, chat.is_private)
        await window.acquire(priority, chat.chat_id)
        # The gap counts from the send, not from the pacer's turn: the window may have
        # held this message back for seconds, and the next one, whose turn came
        # meanwhile, would follow it at once (429s with many chats waiting).
        self.pacer.note(chat.chat_id, chat.is_private)
        started = time.perf_counter()
        try:
            return await self.messenger.send(
                chat.chat_id, html, to_plain(html), keyboard, paid, thread
            )
        except BadMarkup:
            log.warning(
                "chat %s: Telegram rejected our HTML; resending as plain text", chat.chat_id
            )
            await self.pacer.wait(chat.chat_id, chat.is_private)
            await window.acquire(priority, chat.chat_id)
            self.pacer.note(chat.chat_id, chat.is_private)
            try:
                return await self.messenger.send(
                    chat.chat_id, None, to_plain(html), keyboard, paid, thread
                )
            except BadMarkup as exc:
                raise Rejected(f"unparseable even as plain text: {exc}") from exc
        finally:
            if self.metrics is not None:
                self.metrics.send_seconds.observe(time.perf_counter() - started)

    async def _send_single(
        self,
        chat: ChatRecord,
        alert: AlertRecord,
        entry: EntryRecord,
        subs: dict[int, SubscriptionRecord],
        zone: ZoneInfo,
        stats: DeliveryStats,
        also: dict[int, list[AlsoReport]],
    ) -> bool:
        html = render_alert(self.view(alert, entry, subs, chat.language, also), zone, chat.language)
        await self.book.claim([alert.alert_id])
        try:
            message_id = await self._send(
                chat,
                html,
                self.keyboard(chat.chat_id, alert, chat.language),
                single(alert),
                alert.sub_ids,
            )
        except SendError as exc:
            return await self._failed(chat, [alert], exc, stats)
        await self.book.mark_sent(
            [(alert.alert_id, entry.content_hash)], message_id, self.clock.now()
        )
        stats.sent_messages += 1
        stats.alerts_sent += 1
        if self.metrics is not None:
            self.metrics.delivered(1)
        stats.chats.add(chat.chat_id)
        return True

    async def _send_batch(
        self,
        chat: ChatRecord,
        alerts: list[AlertRecord],
        entries: dict[int, EntryRecord],
        subs: dict[int, SubscriptionRecord],
        zone: ZoneInfo,
        stats: DeliveryStats,
        also: dict[int, list[AlsoReport]],
    ) -> bool:
        present = [a for a in alerts if a.entry_id in entries]
        now = self.clock.now()
        pairs = sorted(
            ((a, self.view(a, entries[a.entry_id], subs, chat.language, also)) for a in present),
            key=lambda pair: pair[1].published or now,
        )
        await self.book.claim([a.alert_id for a, _ in pairs])
        views = [view for _, view in pairs]
        parts = render_batch_parts(views, zone, chat.language)
        if any(
            subs.get(s) and (subs[s].mode or chat.mode) == "hourly"
            for a, _ in pairs
            for s in a.sub_ids
        ):  # hourly: say when the next collection comes (the first one came at once)
            following = texts.moment(chat.language, now + timedelta(hours=1), zone, "time")
            parts = with_note(parts, texts.text(chat.language, "batch_hourly_next", time=following))
        # A batch carrying an urgent alert is as urgent as the alert: folded into a
        # burst, it must not wait behind every instant alert of other chats.
        priority = Priority.URGENT if any(a.urgent for a, _ in pairs) else Priority.BATCH
        for number, (message, held) in enumerate(parts):
            try:
                await self._send(chat, message, None, priority)
            except SendError as exc:
                # Only what was not sent yet goes again: no part of a batch twice. Only
                # the part in flight may have arrived; the later ones surely did not.
                current = [pairs[i][0] for i in held]
                later = [pairs[i][0] for _, rest in parts[number + 1 :] for i in rest]
                if isinstance(exc, AmbiguousSend):
                    await self._failed(chat, current, exc, stats)
                    if later:
                        await self._failed(chat, later, Transient(str(exc)), stats)
                else:
                    await self._failed(chat, current + later, exc, stats)
                return False
            stats.sent_messages += 1
            # Batched alerts keep no message id: a batch is not edited in place.
            sent = [pairs[i][0] for i in held]
            await self.book.mark_sent(
                [(a.alert_id, entries[a.entry_id].content_hash) for a in sent],
                None,
                self.clock.now(),
            )
            stats.alerts_sent += len(sent)
            if self.metrics is not None:
                self.metrics.delivered(len(sent))
        stats.chats.add(chat.chat_id)
        return True

    async def _failed(
        self, chat: ChatRecord, alerts: Sequence[AlertRecord], exc: SendError, stats: DeliveryStats
    ) -> bool:
        """Record a failed send; True when the chat's later alerts may still go now."""
        before = (stats.retried, stats.failed)
        try:
            return await self._record_failure(chat, alerts, exc, stats)
        finally:
            if self.metrics is not None:
                retried, failed = stats.retried - before[0], stats.failed - before[1]
                if not retried and not failed:  # a moved group resends, a gone chat cancels
                    retried, failed = (
                        (len(alerts), 0)
                        if isinstance(exc, ChatMoved)
                        else (
                            0,
                            len(alerts),
                        )
                    )
                if retried:
                    self.metrics.send_failed(exc, retried, retried=True)
                if failed:
                    self.metrics.send_failed(exc, failed, retried=False)

    async def _record_failure(
        self, chat: ChatRecord, alerts: Sequence[AlertRecord], exc: SendError, stats: DeliveryStats
    ) -> bool:
        ids = [a.alert_id for a in alerts]
        now = self.clock.now()
        if isinstance(exc, RetryLater):
            self.pacer.hold(chat.chat_id, exc.seconds)
            await self.storage.alerts.reschedule(
                ids, now + timedelta(seconds=exc.seconds), str(exc)
            )
            stats.retried += len(ids)
            return False
        if isinstance(exc, ChatGone):
            log.info("chat %s is gone (%s): retiring it", chat.chat_id, exc)
            await self.storage.alerts.cancel_chat(chat.chat_id, str(exc))
            await self.storage.chats.deactivate(chat.chat_id, now, str(exc), by_error=True)
            await self.subscriptions.chat_changed(chat.chat_id)
            return False
        if isinstance(exc, ChatMoved):
            log.info("chat %s moved to %s", chat.chat_id, exc.new_chat_id)
            await self.storage.chats.migrate(chat.chat_id, exc.new_chat_id, now)
            self._moved[chat.chat_id] = exc.new_chat_id
            await self.storage.alerts.reschedule(ids, now, "chat migrated: resending")
            await self.subscriptions.chat_changed(chat.chat_id, exc.new_chat_id)
            return False
        if isinstance(exc, AmbiguousSend):
            return await self._ambiguous(chat, alerts, exc, stats)
        if isinstance(exc, Rejected):
            log.warning("chat %s: alert(s) %s rejected: %s", chat.chat_id, ids, exc)
            await self.storage.alerts.fail(ids, str(exc))
            stats.failed += len(ids)
            return True  # a poison alert never blocks the chat's later alerts
        attempts = max((a.attempts for a in alerts), default=0) + 1
        if attempts >= MAX_ATTEMPTS:
            await self.storage.alerts.fail(ids, f"gave up after {attempts} attempts: {exc}")
            stats.failed += len(ids)
            return True
        await self.storage.alerts.reschedule(ids, now + retry_delay(attempts), str(exc))
        stats.retried += len(ids)
        return False

    async def _ambiguous(
        self, chat: ChatRecord, alerts: Sequence[AlertRecord], exc: SendError, stats: DeliveryStats
    ) -> bool:
        """The message may have arrived: one more try, never a second one (a reader
        sees an alert at most twice, instead of once per retry)."""
        twice = [a.alert_id for a in alerts if a.ambiguous_sends >= 1]
        once = [a for a in alerts if a.ambiguous_sends < 1]
        log.warning("chat %s: alert(s) %s: %s", chat.chat_id, [a.alert_id for a in alerts], exc)
        if twice:
            await self.storage.alerts.fail(twice, "ambiguous timeout")
            stats.failed += len(twice)
        if once:
            attempts = max(a.attempts for a in once) + 1
            await self.storage.alerts.reschedule_ambiguous(
                [a.alert_id for a in once], self.clock.now() + retry_delay(attempts), str(exc)
            )
            stats.retried += len(once)
        return False  # Telegram is slow for this chat: its later alerts wait too

    # ------------------------------------------------------------------ edits
    async def process_edits(self, stats: DeliveryStats) -> None:
        if self.leases is not None:  # each edit claimed by one worker of several
            wall = self.leases.wall()
            pending = await self.storage.alerts.claim_edits(wall, wall + self.leases.lease)
        else:
            pending = await self.storage.alerts.edits_pending()
        if not pending:
            return
        entries = await self.storage.entries.get_many([a.entry_id for a in pending])
        also = await self.storage.stories.also_reports([a.alert_id for a in pending])
        await self.directory.load(
            self.storage,
            [e.source_id for e in entries.values()]
            + [r.source_id for reports in also.values() for r in reports],
        )
        chats = await self.storage.chats.get_many([a.chat_id for a in pending])
        for alert in pending:
            entry, chat = entries.get(alert.entry_id), chats.get(alert.chat_id)
            if (
                entry is None
                or chat is None
                or not chat.active
                or alert.message_id is None
                or alert.sent_at is None
                or self.clock.now() - alert.sent_at > EDIT_WINDOW
            ):
                await self.storage.alerts.mark_edited(alert.alert_id, None, "edit skipped")
                continue
            subs = {s.sub_id: s for s in await self.storage.subscriptions.for_chat(chat.chat_id)}
            html = render_alert(
                self.view(alert, entry, subs, chat.language, also),
                self.zone(chat),
                chat.language,
                # A story that only gained a source is not a changed entry.
                edited=alert.sent_hash != entry.content_hash,
            )
            await self.window.acquire(single(alert), chat.chat_id)
            try:
                if alert.message_chat_id not in (None, chat.chat_id):
                    # The group became a supergroup: the message stayed in the old group,
                    # and its id may name another message in the new one.
                    raise MessageGone(f"message {alert.message_id} is in the old group")
                await self.messenger.edit(
                    chat.chat_id,
                    alert.message_id,
                    html,
                    self.keyboard(chat.chat_id, alert, chat.language),
                )
            except NotModified:
                pass
            except MessageGone:
                # Its message is not in this chat (moved, or deleted): the update goes
                # as a new message, whose id later edits use.
                try:
                    new_id = await self._send(
                        chat, html, self.keyboard(chat.chat_id, alert, chat.language),
                        single(alert),
                    )  # fmt: skip
                except RetryLater as exc:
                    self.pacer.hold(chat.chat_id, exc.seconds)
                    continue
                except SendError as exc:
                    await self.storage.alerts.mark_edited(
                        alert.alert_id, None, f"edit failed: {exc}"
                    )
                    continue
                await self.storage.alerts.mark_edited(
                    alert.alert_id, entry.content_hash, None, message_id=new_id
                )
                stats.edits += 1
                continue
            except RetryLater as exc:
                self.pacer.hold(chat.chat_id, exc.seconds)
                continue  # stays pending: tried again next tick
            except SendError as exc:
                await self.storage.alerts.mark_edited(alert.alert_id, None, f"edit failed: {exc}")
                continue
            await self.storage.alerts.mark_edited(alert.alert_id, entry.content_hash, None)
            stats.edits += 1

    async def recover(self) -> int:
        """At start-up of the only process (role `all`): alerts claimed by a process
        that died go out again, and no lease of a previous run holds a chat. Deliver
        workers recover per chat instead, when a lease expires (ChatLeases.recover)."""
        if self.leases is not None:
            await self.storage.leases.clear()
        return await self.storage.alerts.reset_in_flight()


async def _end_all(tasks: set[asyncio.Task[None]], cancel: bool) -> None:
    """The chats a failed tick was serving: their sends are real, so they finish (each
    call bounded by its timeout) and record what went out. An abandoned or stopping
    tick (cancelled) stops them too; what they claimed goes again (the in-flight case)."""
    if cancel:
        for task in tasks:
            task.cancel()
    if tasks:
        await asyncio.gather(*tasks, return_exceptions=True)
