"""Who sends next when many wait for the overall rate: priority classes, then chats in turn.

The overall window (Telegram's ~30/s, or a rate shared between workers) hands out one
slot at a time. Handed out in arrival order, 5,000 digest messages waiting for it held
a later urgent alert back for minutes. Here the waiters queue in a heap keyed by
(priority class, the chat's round, arrival): an urgent alert goes before every instant
alert, instant before batches, batches before digests; within a class one chat's k-th
waiting message has round k, so a chat with many messages waiting takes turns with the
others instead of holding them back.

Slots come from an inner source with `async acquire()` (SlidingWindow, or a rate shared
between processes). One waiter at a time - the leader - waits on the inner source and
gives each slot to whoever is best at the moment it arrives, itself or another; when the
leader is served or cancelled, the best remaining waiter leads. No task of its own: a
cancelled caller takes nothing with it, and a slot given to a caller cancelled before it
could use it goes to the next waiter. Memory holds the waiters and nothing else.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from enum import IntEnum
from typing import Protocol


class Priority(IntEnum):
    """Lower goes first."""

    URGENT = 0  # an alert of an urgent subscription (or a batch carrying one)
    INSTANT = 1  # a single alert, its edit, a digest a reader asked for
    BATCH = 2  # an hourly batch or a burst folded into a batch
    DIGEST = 3  # the scheduled daily digest


class SlotSource(Protocol):
    """The overall rate: `acquire` returns when one more message may go."""

    @property
    def limit(self) -> int: ...

    @property
    def span(self) -> float: ...

    async def acquire(self) -> None: ...


class _Waiter:
    __slots__ = ("chat_id", "future", "gone", "granted", "key")

    def __init__(self, key: tuple[int, int, int], chat_id: int | None) -> None:
        self.key, self.chat_id = key, chat_id
        self.future: asyncio.Future[None] | None = None
        self.granted = False  # a slot is this waiter's
        self.gone = False  # cancelled while waiting: skipped when met in the heap

    def __lt__(self, other: _Waiter) -> bool:
        return self.key < other.key


# Dropped waiters are swept out of the heap once they are this many and half of it.
_SWEEP_AT = 64


class PriorityWindow:
    def __init__(self, inner: SlotSource) -> None:
        self.inner = inner
        self._heap: list[_Waiter] = []
        self._seq = itertools.count()
        self._rounds: dict[int, list[int]] = {}  # chat -> [messages waiting, last round given]
        self._waiting = 0
        self._gone = 0
        self._leading = False

    @property
    def limit(self) -> int:
        return self.inner.limit

    @property
    def span(self) -> float:
        return self.inner.span

    def __len__(self) -> int:
        """Callers waiting for a slot now."""
        return self._waiting

    async def acquire(self, priority: Priority, chat_id: int | None = None) -> None:
        """Return when this message may go: after every better waiter got its slot."""
        waiter = self._enqueue(priority, chat_id)
        loop = asyncio.get_running_loop()
        try:
            while not waiter.granted:
                if self._leading:
                    waiter.future = loop.create_future()
                    await waiter.future  # granted, or asked to lead
                    continue
                self._leading = True
                try:
                    await self.inner.acquire()
                finally:
                    self._leading = False
                self._grant_best()  # perhaps to this waiter: then the loop ends
        except BaseException:
            self._abandon(waiter)
            raise
        finally:
            self._wake_leader()

    # ------------------------------------------------------------------ queue
    def _enqueue(self, priority: Priority, chat_id: int | None) -> _Waiter:
        turn = 1
        if chat_id is not None:
            rounds = self._rounds.setdefault(chat_id, [0, 0])
            rounds[0] += 1
            rounds[1] += 1
            turn = rounds[1]
        waiter = _Waiter((int(priority), turn, next(self._seq)), chat_id)
        heapq.heappush(self._heap, waiter)
        self._waiting += 1
        return waiter

    def _leave(self, waiter: _Waiter) -> None:
        """The waiter is out of the queue (served or cancelled): its chat has one less."""
        self._waiting -= 1
        if waiter.chat_id is None:
            return
        rounds = self._rounds[waiter.chat_id]
        rounds[0] -= 1
        if rounds[0] == 0:  # nothing of this chat waits: its next message starts anew
            del self._rounds[waiter.chat_id]

    def _head(self) -> _Waiter | None:
        while self._heap and self._heap[0].gone:
            heapq.heappop(self._heap)
            self._gone -= 1
        return self._heap[0] if self._heap else None

    def _grant_best(self) -> None:
        """A slot arrived: it belongs to the best waiter now (dropped if nobody waits)."""
        best = self._head()
        if best is None:
            return
        heapq.heappop(self._heap)
        best.granted = True
        self._leave(best)
        if best.future is not None and not best.future.done():
            best.future.set_result(None)

    def _abandon(self, waiter: _Waiter) -> None:
        """The caller was cancelled (or the inner source failed for the leader)."""
        if waiter.granted:  # its slot arrived but will not be used: the next one's
            self._grant_best()
            return
        waiter.gone = True
        self._gone += 1
        self._leave(waiter)
        if self._gone >= _SWEEP_AT and self._gone * 2 >= len(self._heap):
            self._heap = [w for w in self._heap if not w.gone]
            heapq.heapify(self._heap)
            self._gone = 0

    def _wake_leader(self) -> None:
        """Nobody waits on the inner source: the best waiter takes over."""
        if self._leading:
            return
        head = self._head()
        if head is not None and head.future is not None and not head.future.done():
            head.future.set_result(None)
