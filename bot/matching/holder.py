"""The live index: cheap in-place additions, full rebuilds off the event loop, then swap."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Hashable, Iterable, Mapping
from typing import TypeVar

from bot.matching.expr import TopicExpr
from bot.matching.index import TopicIndex

TopicSource = Callable[[], Awaitable[Iterable[tuple[Hashable, TopicExpr]]]]
T = TypeVar("T")
log = logging.getLogger(__name__)


class IndexHolder:
    """Readers use `.index`; writers call add() or refresh().

    add() is instant when the automaton already knows every term (catalog topics,
    known keywords); otherwise, and after removals, refresh() reloads all topics and
    builds the new index in a worker thread. Requests that arrive during a build are
    coalesced into one more build, so the last change always lands.

    read() runs work on the index in a worker thread (matching a huge entry takes
    seconds); while any such read runs, additions are rebuilds too, so no thread ever
    sees the index change under it (a rebuild swaps in a new object).
    """

    def __init__(
        self,
        load: TopicSource,
        rarity: Mapping[str, float] | None = None,
        describe: Callable[[Hashable], str | None] | None = None,
    ) -> None:
        self._load = load
        self._rarity = rarity or {}
        # What readers typed for each topic: given, each index gets a meaning layer,
        # built on a worker thread after the index is in use (the words match at once;
        # embedding thousands of queries at start-up would hold it up for minutes).
        self._describe = describe
        self._meaning: asyncio.Task[None] | None = None
        self._meaning_wanted = False
        self.index = TopicIndex.build([], self._rarity)
        self._lock = asyncio.Lock()
        self._wanted = 0
        self._built = 0
        self.builds = 0
        self._readers = 0

    async def read(self, work: Callable[[TopicIndex], T]) -> T:
        """work(index) on a worker thread, the index left unchanged meanwhile."""
        self._readers += 1
        try:
            return await asyncio.to_thread(work, self.index)
        finally:
            self._readers -= 1

    async def add(self, topic: Hashable, expr: TopicExpr) -> None:
        # While a build runs, its topic list may predate this topic: queue another.
        if self.index.can_add(expr) and not self._lock.locked() and not self._readers:
            self.index.add(topic, expr)
            self._give_meaning()
        else:
            await self.refresh()

    async def refresh(self) -> None:
        self._wanted += 1
        wanted = self._wanted
        async with self._lock:
            if self._built >= wanted:  # a build that started after our request covered it
                return
            target = self._wanted
            topics = list(await self._load())
            self.index = await asyncio.to_thread(TopicIndex.build, topics, self._rarity)
            self._built = target
            self.builds += 1
            self._give_meaning()

    def _give_meaning(self) -> None:
        """(Re)build the current index's meaning layer in the background; requests
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
