"""An event-loop watchdog for tests: a task that measures how late the loop wakes it.

    async with LoopProbe() as probe:
        await work()
    assert probe.max_lag_s < 0.25

The probe asks to be woken every `interval_s`; whenever a callback holds the loop,
the next wake-up comes late by about that long. `max_lag_s` is the worst delay seen,
including one still under way when the block ends (a loop blocked right up to the
end of the work would otherwise go unnoticed). It measures real time on purpose:
that is what a reader waiting for an answer experiences.
"""

from __future__ import annotations

import asyncio
import contextlib
from types import TracebackType


class LoopProbe:
    def __init__(self, interval_s: float = 0.01) -> None:
        self.interval_s = interval_s
        self.max_lag_s = 0.0
        self.ticks = 0
        self._task: asyncio.Task[None] | None = None
        self._due: float | None = None

    async def __aenter__(self) -> LoopProbe:
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

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            self._due = loop.time() + self.interval_s
            await asyncio.sleep(self.interval_s)
            self._note(loop.time())
            self.ticks += 1
