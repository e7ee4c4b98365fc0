"""The live index: cheap additions, no rebuild for removals, full rebuilds debounced and
off the event loop.

A full rebuild costs seconds at 100,000 subscriptions; a reader must not be able to cause
one per command. So:

- a topic whose terms the automaton knows is added in place (catalog topics, known
  words);
- a topic with new words goes to a small side index (rebuilt off the loop from the few
  topics added since the last full build), which matching reads beside the main one: it
  matches at once;
- a removed topic stays in the automaton until the next full build; matching drops it
  because its subscription is gone from the service's map (bot/subscriptions.py);
- full builds merge the side index in. They are requested, not run: a request becomes
  due DEBOUNCE_S after it was made (requests meanwhile coalesce into the same build),
  never sooner than PER_CHAT_S after the last build a chat's request led to, and
  `maintain()` (a job every few seconds) starts the build when one is due.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Iterable, Mapping
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
SIDE_LIMIT = 500  # topics in the side index before a build is due at once
MAX_CHATS_REMEMBERED = 10_000  # per-chat build times kept (oldest forgotten first)


class LiveIndex:
    """The main index and the side index, matched as one (what readers get)."""

    __slots__ = ("main", "side")

    def __init__(self, main: TopicIndex, side: TopicIndex) -> None:
        self.main, self.side = main, side

    def match(
        self, title: str | None, text: str, published: date | None = None
    ) -> list[TopicMatch]:
        found = self.main.match(title, text, published)  # words, and meaning when attached
        if self.side.exprs:  # words only: the next full build gives them meaning
            found += self.side.match_document(prepare(title, text, published))
        return found


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
        self.monotonic = monotonic
        self.debounce_s, self.per_chat_s = debounce_s, per_chat_s
        self.index = TopicIndex.build([], self._rarity)
        self.side = TopicIndex.build([], self._rarity)
        self._extra: dict[Hashable, TopicExpr] = {}  # the side index's topics
        self._extra_version = 0
        self._side_lock = asyncio.Lock()
        self._indexed: set[Hashable] = set()  # topics in the main or the side index
        self.stale = 0  # removed topics still in the automaton
        self._lock = asyncio.Lock()  # one full build at a time
        self._wanted = 0
        self._built = 0
        self.builds = 0
        self.side_builds = 0
        self._readers = 0
        self._due: float | None = None  # when the requested full build may start
        self._requesters: set[Hashable] = set()  # chats whose requests it serves
        self._chat_built: OrderedDict[Hashable, float] = OrderedDict()

    @property
    def live(self) -> LiveIndex:
        return LiveIndex(self.index, self.side)

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
        if self.index.can_add(expr) and not self._lock.locked() and not self._readers:
            self.index.add(topic, expr)
            self._indexed.add(topic)
            self._give_meaning()
            return
        self._extra[topic] = expr
        self._extra_version += 1
        self._indexed.add(topic)
        await self._rebuild_side()
        self.request(chat)
        if len(self._extra) >= SIDE_LIMIT:
            self._due = min(self._due or 0.0, self.monotonic())

    def discard(self, topic: Hashable) -> None:
        """A topic that no longer matters: nothing is rebuilt (matching skips it through
        the subscription map); the next full build leaves it out."""
        if topic in self._indexed:
            self._indexed.discard(topic)
            self.stale += 1

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

    # ------------------------------------------------------------------ building
    async def _rebuild_side(self) -> None:
        """The side index from the topics added since the last full build, off the loop;
        additions during a build lead to one more."""
        async with self._side_lock:
            while True:
                version = self._extra_version
                topics = list(self._extra.items())
                side = await asyncio.to_thread(TopicIndex.build, topics, self._rarity)
                if version == self._extra_version:
                    self.side = side
                    self.side_builds += 1
                    return

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
            topics = list(await self._load())
            self.index = await asyncio.to_thread(TopicIndex.build, topics, self._rarity)
            self._built = target
            self.builds += 1
            self.stale = 0
            for topic in covered:
                self._extra.pop(topic, None)
            self._extra_version += 1
            self._indexed = {topic for topic, _expr in topics} | set(self._extra)
            for chat in served:
                self._chat_built[chat] = started
                self._chat_built.move_to_end(chat)
            while len(self._chat_built) > MAX_CHATS_REMEMBERED:
                self._chat_built.popitem(last=False)
            self._give_meaning()
        await self._rebuild_side()

    def _give_meaning(self) -> None:
        """(Re)build the current main index's meaning layer in the background; requests
        during a build are coalesced into one more."""
        if self._describe is None:
            return
        self._meaning_wanted = True
        if self._meaning is None or self._meaning.done():
            self._meaning = asyncio.create_task(self._attach_meaning())

    async def _attach_meaning(self) -> None:
        describe = self._describe
        assert describe is not None
        while self._meaning_wanted:
            self._meaning_wanted = False
            index = self.index
            texts = [
                (topic, text)
                for topics in index.expr_topics
                for topic in topics
                if (text := describe(topic))
            ]
            try:
                await asyncio.to_thread(index.attach_meaning, texts)
            except Exception:  # words still match; the next change tries again
                log.exception("building the meaning layer failed")

    async def meaning_ready(self) -> None:
        """Wait until the current index has its meaning layer (tests, benchmarks)."""
        while self._meaning is not None and not self._meaning.done():
            await asyncio.shield(self._meaning)
