"""Telegram's overall limit shared by several worker processes, through the database.

Telegram counts a bot's messages, not a process's: three deliver workers each with their
own 29/s would send 87/s and earn 429s. A `SharedWindow` takes its send slots from one
database row per rate (storage/repos/rates.py): it reserves a small block of evenly spaced
slots with one UPDATE, then lets one acquirer through at each slot's moment. It has the
`async acquire()` of SlidingWindow, so it stands in for it (also as the inner slot source
of a priority window).

Why the database and not a coordinator process: the workers already share PostgreSQL, a
reservation is one short UPDATE on one row (benchmarks/bench_pacing_pg.py measures its
latency and contention), and a block of ~100 ms of slots makes that a handful of
statements a second per worker; a coordinator would be one more process to run, watch and
fail over, for the same result. See README, "Several deliver workers".

Slots are spread evenly (one every 1/rate seconds) for the same reason as in
SlidingWindow: requests reach Telegram with some jitter. A slot the worker comes too late
for (its event loop was busy) is dropped rather than used late, so sends never bunch up
beyond a quarter of a gap: the rate seen by Telegram stays at or under the limit.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Protocol

# How much send time one reservation covers: short enough that slots a worker reserved
# but had no message for are few (they are simply lost: the rate stays under the limit),
# long enough that reservations stay rare (~10 a second per busy worker).
BLOCK_SECONDS = 0.1
MAX_BLOCK = 200
# Clock offsets remembered (the smallest is used): a few seconds of reservations, so a
# drift between the clocks is followed.
OFFSET_SAMPLES = 32


class SlotSource(Protocol):
    async def reserve(self, key: str, count: int, gap: float) -> tuple[float, float]: ...


class SharedWindow:
    """At most `per_second` acquisitions a second over every process sharing `key`."""

    def __init__(
        self,
        rates: SlotSource,
        key: str,
        per_second: int,
        block_seconds: float = BLOCK_SECONDS,
        now: Callable[[], float] | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        self.rates, self.key = rates, key
        # SlidingWindow's description of the rate (`limit` per `span` seconds).
        self.limit, self.span = per_second, 1.0
        self.gap = 1.0 / per_second
        self.block = max(1, min(MAX_BLOCK, round(block_seconds / self.gap)))
        # A slot may be used at most this late (see the module's docstring).
        self.late_ok = max(self.gap / 4, 0.002)
        self._now = now or (lambda: asyncio.get_running_loop().time())
        self._sleep = sleep or asyncio.sleep
        self._slots: deque[float] = deque()  # local (loop) times, in order
        self._offsets: deque[float] = deque(maxlen=OFFSET_SAMPLES)
        self._last = float("-inf")  # the last slot handed out
        self._lock = asyncio.Lock()
        self.reservations = 0
        self.dropped = 0  # slots reserved but not used (came too late or never needed)

    async def _take(self) -> float:
        async with self._lock:
            while True:
                now = self._now()
                while self._slots and self._slots[0] < now - self.late_ok:
                    self._slots.popleft()
                    self.dropped += 1
                if self._slots:
                    # Never closer than a gap to this process's previous slot (a smaller
                    # clock offset learned meanwhile would bring them closer); pushed
                    # later, a slot may still be used while it is not too late.
                    slot = max(self._slots.popleft(), self._last + self.gap)
                    if slot < now - self.late_ok:
                        self.dropped += 1
                        continue
                    self._last = slot
                    return slot
                first, db_now = await self.rates.reserve(self.key, self.block, self.gap)
                self.reservations += 1
                offset = self._offset(self._now() - db_now)
                self._slots.extend(first + offset + i * self.gap for i in range(self.block))

    def _offset(self, observed: float) -> float:
        """Our clock minus the database's. Each observation is late by the reply's
        latency, which varies (a busy event loop reads the answer later): a block
        shifted by a slow reply followed by one read at once would bring two slots
        closer than a gap. The smallest recent observation is the least delayed one."""
        self._offsets.append(observed)
        return min(self._offsets)

    async def acquire(self) -> None:
        while True:
            slot = await self._take()
            delay = slot - self._now()
            if delay > 0:
                await self._sleep(delay)
            # Woken too late (a busy loop): sending now could follow another worker's
            # slot too closely. The slot is given up, the next one taken.
            if self._now() - slot <= self.late_ok:
                return
            self.dropped += 1
