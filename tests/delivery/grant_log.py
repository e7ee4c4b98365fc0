"""The real sliding window, noting the moment (its own clock's) of each slot it gives.

Callers resume some loop iterations after their slot was given, and their requests
reach the stand-in later still: on a busy machine two of them can arrive together
although their slots were a gap apart. What the bot controls, and what tests can
bound exactly, is when the slots were given and that no message went without one.
"""

from __future__ import annotations

import itertools

from bot.delivery.pacing import SlidingWindow


class GrantLog(SlidingWindow):
    def __init__(self, limit: int, span: float = 1.0) -> None:
        super().__init__(limit, span)
        self.given: list[float] = []

    async def acquire(self) -> None:
        await super().acquire()
        self.given.append(self._stamps[-1])  # the stamp the window just took

    def most_in_any_span(self) -> int:
        """The most slots given within any `span` seconds."""
        most, start = 0, 0
        for end, stamp in enumerate(self.given):
            while stamp - self.given[start] >= self.span:
                start += 1
            most = max(most, end - start + 1)
        return most

    def min_gap(self) -> float:
        return min((b - a for a, b in itertools.pairwise(self.given)), default=float("inf"))
