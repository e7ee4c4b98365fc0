"""Sending digests: on request, and from the minute tick for chats that are due."""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot import texts
from bot.chat_settings import chat_zone
from bot.clock import Clock
from bot.delivery.fit import LIMIT
from bot.delivery.forum import ForumRouter
from bot.delivery.leases import ChatLeases
from bot.delivery.messenger import (
    AmbiguousSend,
    ChatGone,
    ChatMoved,
    Messenger,
    RetryLater,
    SendError,
    ThreadGone,
)
from bot.delivery.pacing import ChatPacer, SlidingWindow
from bot.delivery.priority import Priority, PriorityWindow
from bot.delivery.render import to_plain
from bot.digest.build import DigestItem, build_digest
from bot.digest.schedule import next_digest_at
from bot.sources.catalog import Catalog
from bot.sources.directory import SourceDirectory
from bot.subscriptions import SubscriptionService
from storage.interfaces import Storage
from storage.records import ChatRecord, DigestAlert, EntryRecord, SubscriptionName
from storage.timeutil import to_db

log = logging.getLogger(__name__)

WINDOW = timedelta(hours=24)
RETRY = timedelta(minutes=5)
# Chats whose digests are built together: one page of due chats, three bulk queries.
# Small enough that decoding a page's rows (~2,500 alerts) holds the loop ~15 ms and the
# first digests go out while the next page is built.
CHUNK = 100
SLICE = 20  # digests built between two yields to the event loop (~10 ms of work)
QUEUE = CHUNK  # built digests waiting for a sender
MAX_SENDERS = 4096
# Requests in flight at once. Senders mostly wait out their chat's gap; more requests
# than the HTTP pool holds (PTB: 256) queue inside httpcore, whose queue costs grow with
# its square: when sending falls behind the rate, throughput collapses.
IN_FLIGHT = 64
KNOWN_ENTRIES = 5_000  # entries a tick keeps between chunks (a busy day has a few hundred)


@dataclass
class BuiltDigest:
    chat: ChatRecord
    messages: list[str]
    alert_ids: list[int]
    until: datetime  # the digest holds what was matched up to this moment


class DigestService:
    def __init__(
        self,
        storage: Storage,
        messenger: Messenger,
        subscriptions: SubscriptionService,
        clock: Clock,
        default_zone: ZoneInfo,
        pacer: ChatPacer | None = None,
        window: PriorityWindow | None = None,
        directory: SourceDirectory | None = None,
        leases: ChatLeases | None = None,
    ) -> None:
        self.storage, self.messenger, self.subscriptions = storage, messenger, subscriptions
        self.forum = ForumRouter(storage)
        self.directory = directory or SourceDirectory(Catalog(()), ())
        self.clock, self.default_zone = clock, default_zone
        # `is None`, not `or`: an empty pacer is falsy (it has a length).
        self.pacer = pacer if pacer is not None else ChatPacer()
        self.window = window if window is not None else PriorityWindow(SlidingWindow(29))
        self._in_flight = asyncio.Semaphore(IN_FLIGHT)
        # Several deliver workers: a due digest's chat is leased before it is built, and
        # given back after its sending, so each digest is built and sent once, by one
        # worker, keeping the chat's gap (bot/delivery/leases.py).
        self.leases = leases
        self._leased: set[int] = set()  # digest chats leased and not given back yet

    def zone(self, chat: ChatRecord) -> ZoneInfo:
        return chat_zone(chat.timezone, self.default_zone)

    def since(self, chat: ChatRecord, now: datetime) -> datetime:
        floor = now - WINDOW
        return max(chat.last_digest_at, floor) if chat.last_digest_at else floor

    async def build_many(
        self,
        chats: Sequence[ChatRecord],
        now: datetime,
        known: dict[int, EntryRecord] | None = None,
    ) -> list[BuiltDigest]:
        """Digests for a chunk of chats from three bulk queries: none per entry or per chat.
        The pure building yields to the loop every SLICE chats. `known`: entries read
        for earlier chunks of the same tick (read again only when missing; at most
        KNOWN_ENTRIES kept): every chunk names mostly the same few hundred entries."""
        if not chats:
            return []
        ids = [c.chat_id for c in chats]
        earliest = min(self.since(c, now) for c in chats)
        alerts = await self.storage.alerts.digest_rows(earliest, ids)
        known = {} if known is None else known
        missing = {a.entry_id for a in alerts} - known.keys()
        if len(known) + len(missing) > KNOWN_ENTRIES:
            known.clear()
            missing = {a.entry_id for a in alerts}
        known.update(await self.storage.entries.get_many(list(missing)))
        entries = known
        await self.directory.load(self.storage, {e.source_id for e in entries.values()})
        subs_by_chat: dict[int, list[SubscriptionName]] = {}
        for sub in await self.storage.subscriptions.names_for_chats(ids):
            subs_by_chat.setdefault(sub.chat_id, []).append(sub)
        by_chat: dict[int, list[DigestAlert]] = {}
        for alert in alerts:
            by_chat.setdefault(alert.chat_id, []).append(alert)
        labels: dict[tuple[int, str], str] = {}  # (source, language): one look-up a chunk
        # (catalog id, display, language) -> topic name: 20 topics a chat, mostly the
        # catalog's few hundred.
        topic_names: dict[tuple[str | None, str, str], str] = {}
        built: list[BuiltDigest] = []
        for index, chat in enumerate(chats):
            if index and index % SLICE == 0:
                await asyncio.sleep(0)
            built.append(
                self._build(
                    chat,
                    by_chat.get(chat.chat_id, []),
                    entries,
                    subs_by_chat.get(chat.chat_id, []),
                    now,
                    labels,
                    topic_names,
                )
            )
        return built

    async def due_built(self) -> AsyncIterator[BuiltDigest]:
        """Every due digest, built a page of chats at a time in the order they fell due.

        Pages continue behind the last chat (not from the start): a digest that failed
        and kept its due time is not met again in the same tick. The clock is read per
        page, so chats falling due during a long tick join its end."""
        if self.leases is not None:
            async for built in self._leased_built(self.leases):
                yield built
            return
        after: tuple[datetime, int] | None = None
        # The day's entries, read once for the whole tick (an entry edited meanwhile
        # shows as it was when the tick began).
        known: dict[int, EntryRecord] = {}
        while True:
            now = self.clock.now()
            page = await self.storage.chats.due_digests(now, CHUNK, after)
            if not page:
                return
            last = page[-1]
            assert last.next_digest_at is not None  # due_digests only returns scheduled chats
            after = (last.next_digest_at, last.chat_id)
            for built in await self.build_many(page, now, known):
                yield built

    async def _leased_built(self, leases: ChatLeases) -> AsyncIterator[BuiltDigest]:
        """due_built() with several workers: pages of due chats leased to this one.
        A chat already met in this tick (its digest failed and kept its due time) is
        given back and ends the tick, as the paging above does."""
        tried: set[int] = set()
        known: dict[int, EntryRecord] = {}  # as in due_built
        while True:
            now = self.clock.now()
            claimed = await leases.claim_digests(CHUNK)
            self._leased.update(claimed)
            fresh = [c for c in claimed if c not in tried]
            for chat_id in claimed:
                if chat_id in tried:
                    await self._give_back(chat_id)
            if not fresh:
                return
            tried.update(fresh)
            chats = await self.storage.chats.get_many(fresh)
            for chat_id in fresh:
                if chat_id not in chats:  # gone meanwhile
                    await self._give_back(chat_id)
            leased = [chats[c] for c in fresh if c in chats]
            for built in await self.build_many(leased, now, known):
                yield built

    async def _give_back(self, chat_id: int) -> None:
        """Release a digest chat's lease (no-op without leases); never raises: the
        lease expires on its own."""
        if self.leases is None:
            return
        self._leased.discard(chat_id)
        try:
            await self.leases.release(chat_id, self.pacer.remaining(chat_id))
        except Exception:
            log.exception("releasing chat %s failed", chat_id)

    def _build(
        self,
        chat: ChatRecord,
        alerts: list[DigestAlert],
        entries: dict[int, EntryRecord],
        subs: list[SubscriptionName],
        now: datetime,
        labels: dict[tuple[int, str], str],
        topic_names: dict[tuple[str | None, str, str], str],
    ) -> BuiltDigest:
        since = self.since(chat, now)
        after = to_db(since) or ""  # stored times compare as text, in time order
        language = chat.language
        names: dict[int, str] = {}
        for s in subs:
            name = topic_names.get((s.catalog_id, s.display, language))
            if name is None:
                name = self.subscriptions.topic_name(s, language)
                topic_names[s.catalog_id, s.display, language] = name
            names[s.sub_id] = name
        items: list[DigestItem] = []
        used: list[int] = []
        for alert in alerts:
            entry = entries.get(alert.entry_id)
            if entry is None or alert.created_at <= after:
                continue
            found = [names[s] for s in alert.sub_ids if s in names]
            if not found:
                continue
            # Each topic once (two subscriptions may name the same topic).
            topics = tuple(found) if len(set(found)) == len(found) else tuple(dict.fromkeys(found))
            label = labels.get((entry.source_id, chat.language))
            if label is None:
                label = self.directory.label(entry.source_id, chat.language)
                labels[entry.source_id, chat.language] = label
            items.append(
                DigestItem(
                    entry.entry_id,
                    topics,
                    entry.title,
                    entry.body,
                    entry.url,
                    entry.published_at or entry.first_seen_at,
                    alert.spans,
                    label,
                )
            )
            used.append(alert.alert_id)
        order = [names[s.sub_id] for s in subs]
        messages = build_digest(items, order, self.zone(chat), chat.language, now, since)
        return BuiltDigest(chat, messages, used, now)

    async def send(self, built: BuiltDigest, consume: bool = True) -> bool:
        """Send a built digest; True when it went out. `consume`: the scheduled digest
        marks its alerts and moves the schedule on; one on request changes nothing."""
        chat = built.chat
        # Scheduled digests go after every alert; one a reader asked for is an answer
        # they wait for, like a single alert.
        priority = Priority.DIGEST if consume else Priority.INSTANT
        now = self.clock.now()
        thread = await self.forum.thread(chat)  # a forum supergroup's routed topic
        try:
            for message in built.messages:
                await self.pacer.wait(chat.chat_id, chat.is_private)
                try:
                    async with self._in_flight:
                        await self.window.acquire(priority, chat.chat_id)
                        try:
                            await self.messenger.send(
                                chat.chat_id, message, to_plain(message), thread_id=thread
                            )
                        except ThreadGone:
                            if thread is None:
                                raise
                            # The topic was closed or deleted: the general topic, at once,
                            # saying why (as alerts and batches do), if the note fits.
                            await self.forum.gone(chat.chat_id, thread)
                            thread = None
                            noted = texts.text(chat.language, "forum_topic_gone")
                            noted += "\n\n" + message
                            message = noted if len(noted) <= LIMIT else message
                            await self.messenger.send(chat.chat_id, message, to_plain(message))
                except AmbiguousSend as exc:
                    # It most likely arrived. Resending the digest a few minutes later,
                    # and again after each such timeout, repeated it without end.
                    log.warning("digest for chat %s: %s; counted as sent", chat.chat_id, exc)
                finally:
                    # The gap to this chat's next message counts from the answer: the
                    # window may have held this one back for seconds and a busy loop
                    # delayed its request, and the next message, long ready by the gap
                    # counted before, reached Telegram too soon after it (429s).
                    self.pacer.note(chat.chat_id, chat.is_private)
        except ChatGone as exc:
            await self.storage.alerts.cancel_chat(chat.chat_id, "chat gone")
            await self.storage.chats.deactivate(chat.chat_id, now, str(exc), by_error=True)
            return False
        except (RetryLater, ChatMoved, SendError) as exc:
            if isinstance(exc, ChatMoved):
                await self.storage.chats.migrate(chat.chat_id, exc.new_chat_id, now)
            log.warning("digest for chat %s failed: %s; retrying later", chat.chat_id, exc)
            if consume and chat.digest_time and not isinstance(exc, ChatMoved):
                await self.storage.chats.set_digest(
                    chat.chat_id, chat.digest_time, now + RETRY, now
                )
            return False
        if not consume:
            return True
        await self.storage.alerts.mark_digested(built.alert_ids, now)
        following = (
            next_digest_at(chat.digest_time, self.zone(chat), now) if chat.digest_time else None
        )
        # The next digest starts where this one's content ended, not at its sending:
        # matches made while it waited for its turn belong to the next one.
        await self.storage.chats.digest_sent(chat.chat_id, built.until, following, now)
        return True

    async def on_request(self, chat_id: int) -> bool:
        """What the next scheduled digest holds so far (since the last one, at most 24 h).

        A look, not a delivery: nothing is marked and the schedule stays, so the daily
        digest still arrives with everything, and held alerts still wait for it.
        """
        chat = await self.storage.chats.get(chat_id)
        if chat is None:
            return False
        [built] = await self.build_many([chat], self.clock.now())
        return await self.send(built, consume=False)

    def sender_count(self) -> int:
        """Digests sent side by side: enough to keep the overall rate busy although each
        chat's own messages wait a gap apart (a digest of several messages holds its
        sender about a gap per message)."""
        rate = self.window.limit / self.window.span
        gap = max(self.pacer.private_gap, self.pacer.group_gap)
        return min(MAX_SENDERS, math.ceil(rate * gap) + 8)

    async def _sender(self, queue: asyncio.Queue[BuiltDigest | None]) -> int:
        sent = 0
        while (built := await queue.get()) is not None:
            try:
                sent += await self.send(built)
            except Exception:  # one chat's digest must not stop the others
                log.exception("digest for chat %s failed", built.chat.chat_id)
            finally:
                await self._give_back(built.chat.chat_id)
        return sent

    async def tick(self) -> int:
        """Send every digest that is due; returns how many went out.

        Building streams into sending: a page of due chats is built while the digests
        before it go out, through a short queue, so ten thousand digests due at the same
        minute start arriving within a moment, not after all of them are built; memory
        holds a page and the senders' digests, whatever the number of chats."""
        queue: asyncio.Queue[BuiltDigest | None] = asyncio.Queue(QUEUE)
        senders: list[asyncio.Task[int]] = []
        cap = self.sender_count()
        try:
            try:
                async for built in self.due_built():
                    if len(senders) < cap:  # as many as there are digests, up to the cap
                        senders.append(asyncio.create_task(self._sender(queue)))
                    await queue.put(built)
            except Exception:  # what was built still goes out; the rest waits for a tick
                log.exception("building digests failed")
            for _ in senders:
                await queue.put(None)
            return sum(await asyncio.gather(*senders))
        except BaseException:  # cancelled (shutting down): the senders stop too
            for task in senders:
                task.cancel()
            raise
        finally:  # leased but never sent (building failed, cancelled): give them back
            for chat_id in list(self._leased):
                await self._give_back(chat_id)
