"""The live index: cheap additions, no rebuild for removals, full rebuilds debounced and
off the event loop.

A full rebuild costs seconds at 100,000 subscriptions; a reader must not be able to cause
one per command. So:

- a topic whose terms the automaton knows is added in place (catalog topics, known
  words);
- a topic the main index cannot take goes to a small side index, which matching reads
  beside the main one: it matches at once. It is added to the side in place when the
  side knows its terms; only new words rebuild the side, off the loop, concurrent
  additions sharing one such build. The side is bounded: at SIDE_LIMIT topics the holder
  starts a full build itself, so no rebuild of the side ever costs more than that many;
- a removed topic is masked at once (matching through `live` leaves it out) and stays in
  the automaton until the next full build, which leaves it out; an unsubscribe never
  rebuilds anything (only when masked topics pile up is a build requested, coalesced);
- full builds merge the side index in. They are requested, not run: a request becomes
  due DEBOUNCE_S after it was made (requests meanwhile coalesce into the same build),
  never sooner than PER_CHAT_S after the last build a chat's request led to, and
  `maintain()` (a job every few seconds) starts the build when one is due.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Iterable, Mapping
from collections.abc import Set as AbstractSet
from datetime import date
from typing import TypeVar

from bot.matching.document import prepare
from bot.matching.expr import TopicExpr
from bot.matching.index import TopicIndex, TopicMatch

TopicSource = Callable[[], Awaitable[Iterable[tuple[Hashable, TopicExpr]]]]
T = TypeVar("T")
log = logging.getLogger(__name__)

DEBOUNCE_S = 10.0  # requests within this long share one build
PER_CHAT_S = 60.0  # one chat's requests lead to at most one build in this long
SIDE_LIMIT = 500  # topics in the side index before a full build starts at once
# Removed topics still in the automaton (masked) before a build is requested to drop
# them: at least this many, or a tenth of the live topics.
STALE_LIMIT = 1_000
MAX_CHATS_REMEMBERED = 10_000  # per-chat build times kept (oldest forgotten first)


class LiveIndex:
    """The main index and the side index, matched as one (what readers get), without
    the topics removed since they were built."""

    __slots__ = ("gone", "main", "side", "twice")

    def __init__(
        self,
        main: TopicIndex,
        side: TopicIndex,
        gone: AbstractSet[Hashable] = frozenset(),
        twice: AbstractSet[Hashable] = frozenset(),
    ) -> None:
        self.main, self.side = main, side
        # Both sets belong to the holder and change on the loop while a worker thread
        # matches; membership tests are all that is done with them here.
        self.gone, self.twice = gone, twice

    def match(
        self, title: str | None, text: str, published: date | None = None
    ) -> list[TopicMatch]:
        found = self.main.match(title, text, published)  # words, and meaning when attached
        if self.side.exprs:  # words only: the next full build gives them meaning
            found += self.side.match_document(prepare(title, text, published))
        if not self.gone and not self.twice:
            return found
        return _current(found, self.gone)


def _current(found: list[TopicMatch], gone: AbstractSet[Hashable]) -> list[TopicMatch]:
    """The matches without removed topics, each topic once (a topic removed and added
    again before a full build is in the automaton twice)."""
    seen: set[Hashable] = set()
    kept: list[TopicMatch] = []
    for match in found:
        topics: list[Hashable] = []
        for topic in match.topics:
            if topic not in gone and topic not in seen:
                seen.add(topic)
                topics.append(topic)
        if len(topics) == len(match.topics):
            kept.append(match)
        elif topics:
            kept.append(match.narrowed(topics))
    return kept


def _build_main(
    topics: Iterable[tuple[Hashable, TopicExpr]],
    rarity: Mapping[str, float],
    gone: AbstractSet[Hashable],
) -> tuple[TopicIndex, frozenset[Hashable], set[Hashable]]:
    """On a worker thread: the main index from every topic, which topics it holds, and
    which of them are live (all but those removed before the build started)."""
    listed = list(topics)
    loaded = frozenset(topic for topic, _expr in listed)
    return TopicIndex.build(listed, rarity), loaded, set(loaded - gone)


def _attach_all(index: TopicIndex, describe: Callable[[Hashable], str | None]) -> None:
    """The index's meaning layer from what readers typed for every topic (a worker
    thread: at 100,000 topics the walk alone would hold the loop for a while)."""
    texts = [
        (topic, text)
        for topics in list(index.expr_topics)
        for topic in list(topics)
        if (text := describe(topic))
    ]
    index.attach_meaning(texts)


class IndexHolder:
    """Readers use `.live` (or read()); writers call add(), discard() or request()."""

    def __init__(
        self,
        load: TopicSource,
        rarity: Mapping[str, float] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        debounce_s: float = DEBOUNCE_S,
        per_chat_s: float = PER_CHAT_S,
        describe: Callable[[Hashable], str | None] | None = None,
    ) -> None:
        self._load = load
        self._rarity = rarity or {}
        # What readers typed for each topic: given, each main index gets a meaning layer,
        # built on a worker thread after the index is in use (the words match at once;
        # embedding thousands of queries at start-up would hold it up for minutes).
        self._describe = describe
        self._meaning: asyncio.Task[None] | None = None
        self._meaning_wanted = False
        self._meaning_of: TopicIndex | None = None  # the index the layer was built for
        # Topics added in place since: only their expressions' rows are computed.
        self._meaning_new: list[tuple[int, Hashable]] = []
        self.monotonic = monotonic
        self.debounce_s, self.per_chat_s = debounce_s, per_chat_s
        self.index = TopicIndex.build([], self._rarity)
        self.side = TopicIndex.build([], self._rarity)
        self._extra: dict[Hashable, TopicExpr] = {}  # the side index's topics
        self._extra_version = 0  # bumped when the side must be rebuilt to hold _extra
        self._side_version = 0  # the version the current side index was built from
        self._side_lock = asyncio.Lock()
        self._indexed: set[Hashable] = set()  # live topics, in the main or the side index
        self._gone: set[Hashable] = set()  # removed, still in an automaton: masked
        self._twice: set[Hashable] = set()  # live, and registered more than once
        self._lock = asyncio.Lock()  # one full build at a time
        # Additions and removals while a full build runs (None when none runs).
        self._journal: list[tuple[str, Hashable]] | None = None
        self._wanted = 0
        self._built = 0
        self.builds = 0
        self.side_builds = 0
        self._readers = 0
        self._due: float | None = None  # when the requested full build may start
        self._requesters: set[Hashable] = set()  # chats whose requests it serves
        self._chat_built: OrderedDict[Hashable, float] = OrderedDict()
        self._starter: asyncio.Task[bool] | None = None  # a build the holder started

    @property
    def live(self) -> LiveIndex:
        return LiveIndex(self.index, self.side, self._gone, self._twice)

    @property
    def stale(self) -> int:
        """Removed topics still in the automaton (masked until the next full build)."""
        return len(self._gone)

    def has(self, topic: Hashable) -> bool:
        return topic in self._indexed

    async def read(self, work: Callable[[LiveIndex], T]) -> T:
        """work(live index) on a worker thread, the indexes left unchanged meanwhile."""
        self._readers += 1
        try:
            return await asyncio.to_thread(work, self.live)
        finally:
            self._readers -= 1

    # ------------------------------------------------------------------ changes
    async def add(self, topic: Hashable, expr: TopicExpr, chat: Hashable | None = None) -> None:
        """Make a topic match from now on: in place when its terms are known (and no
        thread reads the index), else through the side index and a requested build."""
        if topic in self._indexed:
            return
        if self._journal is not None:
            self._journal.append(("add", topic))
        if topic in self._gone:  # removed and back before a build: its old entry stays
            self._gone.discard(topic)
            self._twice.add(topic)
        self._indexed.add(topic)
        in_use = self._readers > 0
        if not in_use and not self._lock.locked() and self.index.can_add(expr):
            self.index.add(topic, expr)
            self._give_meaning((self.index.expr_ids[expr.canonical()], topic))
            return
        self._extra[topic] = expr
        if not in_use and not self._side_lock.locked() and self.side.can_add(expr):
            self.side.add(topic, expr)  # words the side knows: no rebuild
        else:
            self._extra_version += 1
            await self._rebuild_side()
        self.request(chat)
        self._bound_side()

    def discard(self, topic: Hashable) -> None:
        """A topic that no longer matters: masked at once, nothing rebuilt; the next full
        build leaves it out of the automaton."""
        if topic not in self._indexed:
            return
        if self._journal is not None:
            self._journal.append(("discard", topic))
        self._indexed.discard(topic)
        self._gone.add(topic)
        self._extra.pop(topic, None)  # a later side rebuild leaves it out
        if len(self._gone) >= max(STALE_LIMIT, len(self._indexed) // 10):
            self.request()  # many masked topics: one coalesced build drops them

    def request(self, chat: Hashable | None = None) -> None:
        """Ask for a full build, coalesced with every other request of the window."""
        now = self.monotonic()
        due = now + self.debounce_s
        if chat is not None:
            last = self._chat_built.get(chat)
            if last is not None:
                due = max(due, last + self.per_chat_s)
            self._requesters.add(chat)
        self._due = due if self._due is None else min(self._due, due)

    @property
    def build_due(self) -> float | None:
        return self._due

    async def maintain(self) -> bool:
        """Start the requested full build when it is due; True when one ran."""
        if self._due is None or self.monotonic() < self._due or self._lock.locked():
            return False
        await self.refresh()
        return True

    def _bound_side(self) -> None:
        """A full side index is merged now, by a build the holder starts itself (in the
        background: the addition that filled it does not wait for it)."""
        if len(self._extra) < SIDE_LIMIT:
            return
        now = self.monotonic()
        self._due = now if self._due is None else min(self._due, now)
        if not self._lock.locked() and (self._starter is None or self._starter.done()):
            self._starter = asyncio.create_task(self._merge_side())

    async def _merge_side(self) -> bool:
        try:
            return await self.maintain()
        except Exception:  # the side keeps matching; the job or the next addition retries
            log.exception("merging the full side index failed")
            return False

    async def settled(self) -> None:
        """Wait for a full build the holder started itself (tests, benchmarks)."""
        while self._starter is not None and not self._starter.done():
            await asyncio.shield(self._starter)

    async def close(self) -> None:
        """Stop a build the holder started itself (before the storage it loads from
        closes)."""
        starter, self._starter = self._starter, None
        if starter is not None and not starter.done():
            starter.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await starter

    # ------------------------------------------------------------------ building
    async def _rebuild_side(self) -> None:
        """The side index from the topics added since the last full build, off the loop.
        Additions that wait for a build in progress share the next one."""
        wanted = self._extra_version
        async with self._side_lock:
            while self._side_version < wanted:
                version = self._extra_version
                topics = list(self._extra.items())
                self.side = await asyncio.to_thread(TopicIndex.build, topics, self._rarity)
                self._side_version = version
                self.side_builds += 1

    async def refresh(self) -> None:
        """A full build now (start-up; maintain() when one is due). Requests arriving
        during a build are coalesced into one more build, so the last change lands."""
        self._wanted += 1
        wanted = self._wanted
        async with self._lock:
            if self._built >= wanted:  # a build that started after our request covered it
                return
            target = self._wanted
            started = self.monotonic()
            served, self._requesters = self._requesters, set()
            self._due = None
            covered = set(self._extra)  # in storage before the load: the load has them
            # What changes on the loop while the worker thread builds: replayed after it.
            self._journal = []
            try:
                gone_then = frozenset(self._gone)  # bounded: a tenth of the topics at most
                main, loaded, indexed = await asyncio.to_thread(
                    _build_main, await self._load(), self._rarity, gone_then
                )
                async with self._side_lock:  # what the new main lacks, swapped in with it
                    for topic in covered:
                        self._extra.pop(topic, None)
                    version = self._extra_version
                    rest = list(self._extra.items())
                    side = await asyncio.to_thread(TopicIndex.build, rest, self._rarity)
                    self.index, self.side, self._side_version = main, side, version
                    self.side_builds += 1
                    journal = self._journal
            finally:
                self._journal = None
            self._built = target
            self.builds += 1
            in_side = {topic for topic, _expr in rest}  # bounded by SIDE_LIMIT
            # Removed while the build ran, but read by the load or put in the side: still
            # masked. Every other removed topic is out of both automata now.
            gone = {t for t in gone_then if t in loaded or t in in_side}
            for kind, topic in journal:  # the changes since, in order
                if kind == "discard":
                    indexed.discard(topic)
                    if topic in loaded or topic in in_side:
                        gone.add(topic)
                else:
                    gone.discard(topic)
            self._gone = gone
            self._twice = {topic for topic in self._extra if topic in loaded}
            indexed.update(self._extra)  # (not `|`: a copy of every topic, on the loop)
            self._indexed = indexed
            for chat in served:
                self._chat_built[chat] = started
                self._chat_built.move_to_end(chat)
            while len(self._chat_built) > MAX_CHATS_REMEMBERED:
                self._chat_built.popitem(last=False)
            self._give_meaning()
        self._bound_side()

    def _give_meaning(self, added: tuple[int, Hashable] | None = None) -> None:
        """(Re)build the current main index's meaning layer in the background: whole
        after a full build, for the added topic's expression only after an addition in
        place. Requests during a build are coalesced into one more."""
        if self._describe is None:
            return
        if added is not None:
            self._meaning_new.append(added)
        self._meaning_wanted = True
        if self._meaning is None or self._meaning.done():
            self._meaning = asyncio.create_task(self._attach_meaning())

    async def _attach_meaning(self) -> None:
        describe = self._describe
        assert describe is not None
        while self._meaning_wanted:
            self._meaning_wanted = False
            index = self.index
            added, self._meaning_new = self._meaning_new, []
            try:
                if index is self._meaning_of:  # additions in place: their rows only
                    texts = [(e, text) for e, topic in added if (text := describe(topic))]
                    await asyncio.to_thread(index.extend_meaning, texts)
                else:  # a new index: every topic, walked on the worker thread
                    await asyncio.to_thread(_attach_all, index, describe)
                    self._meaning_of = index
            except Exception:  # words still match; the next change tries again
                log.exception("building the meaning layer failed")

    async def meaning_ready(self) -> None:
        """Wait until the current index has its meaning layer (tests, benchmarks)."""
        while self._meaning is not None and not self._meaning.done():
            await asyncio.shield(self._meaning)
