"""An event-loop watchdog for tests: a task that measures how long the loop was held.

    async with LoopProbe() as probe:
        await work()
    assert probe.max_held_s < cpu_bound(0.25)

The probe asks to be woken every `interval_s`; whenever callbacks hold the loop, the
next wake-up comes late. Two figures of the worst such stretch, including one still
under way when the block ends (a loop held right up to the end of the work would
otherwise go unnoticed):

- `max_held_s`: the CPU time the loop's own thread spent between two wake-ups. This
  is what tests assert: it is the cost of what ran on the loop, and other processes
  on a busy machine do not inflate it (they delay the wake-up, not add CPU to it).
- `max_lag_s`: how late the wake-up came in real time, what a reader waiting for an
  answer experiences. Printed for the record; on a shared machine it mostly measures
  the neighbours.

Work a thread of the bot does while holding the GIL in one long C call is not seen
by `max_held_s`; the bot's threads run Python or release the GIL (sqlite, zlib).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from types import TracebackType


class LoopProbe:
    def __init__(self, interval_s: float = 0.01) -> None:
        self.interval_s = interval_s
        self.max_lag_s = 0.0
        self.max_held_s = 0.0
        self.ticks = 0
        self._cpu_at_wake = 0.0
        self._task: asyncio.Task[None] | None = None
        self._due: float | None = None

    async def __aenter__(self) -> LoopProbe:
        self._cpu_at_wake = time.thread_time()
        self._task = asyncio.create_task(self._run(), name="loop-probe")
        await asyncio.sleep(0)  # let the probe arm itself before the work starts
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._note(asyncio.get_running_loop().time())
        assert self._task is not None
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task

    def _note(self, now: float) -> None:
        if self._due is not None:
            self.max_lag_s = max(self.max_lag_s, now - self._due)
        cpu = time.thread_time()  # the loop's thread: the probe runs on it
        self.max_held_s = max(self.max_held_s, cpu - self._cpu_at_wake)
        self._cpu_at_wake = cpu

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            self._due = loop.time() + self.interval_s
            await asyncio.sleep(self.interval_s)
            self._note(loop.time())
            self.ticks += 1
