"""Telegram's send limits as sliding windows, answered with 429 and retry_after."""

from __future__ import annotations

import asyncio
import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RateLimits:
    """Defaults follow Telegram's FAQ. Private chats may burst a little, as on Telegram;
    set private_burst=1 to enforce a strict 1 message/s (the fan-out benchmark does).

    Messages sent with allow_paid_broadcast count against their own overall limit
    (Telegram: up to 1,000 a second, paid in Stars), the others against the free 30;
    the per-chat limits hold for both."""

    global_per_s: int = 30
    paid_per_s: int = 1000
    private_per_s: int = 1
    private_burst: int = 3
    group_per_min: int = 20
    enabled: bool = True


@dataclass
class _Window:
    capacity: int
    span_s: float
    stamps: deque[float] = field(default_factory=deque)

    def wait_needed(self, now: float) -> float:
        while self.stamps and now - self.stamps[0] >= self.span_s:
            self.stamps.popleft()
        if len(self.stamps) < self.capacity:
            return 0.0
        return self.span_s - (now - self.stamps[0])

    def take(self, now: float) -> None:
        self.stamps.append(now)


class RateLimiter:
    def __init__(self, limits: RateLimits, now: Callable[[], float] | None = None) -> None:
        self.limits = limits
        # Seconds on the stand-in's loop; tests of the limits themselves freeze it.
        self.now = now or (lambda: asyncio.get_running_loop().time())
        self._global = _Window(limits.global_per_s, 1.0)
        self._paid = _Window(limits.paid_per_s, 1.0)
        self._chats: dict[int, _Window] = {}

    def _chat_window(self, chat_id: int, chat_type: str) -> _Window:
        window = self._chats.get(chat_id)
        if window is None:
            if chat_type == "private":
                burst = max(self.limits.private_burst, self.limits.private_per_s)
                window = _Window(burst, burst / self.limits.private_per_s)
            else:
                window = _Window(self.limits.group_per_min, 60.0)
            self._chats[chat_id] = window
        return window

    def check(self, chat_id: int, chat_type: str, now: float, paid: bool = False) -> int:
        """0 when a message may go now (and counts it); else the retry_after to answer."""
        if not self.limits.enabled:
            return 0
        overall = self._paid if paid else self._global
        chat_window = self._chat_window(chat_id, chat_type)
        wait = max(overall.wait_needed(now), chat_window.wait_needed(now))
        if wait > 0:
            return max(1, math.ceil(wait))
        overall.take(now)
        chat_window.take(now)
        return 0
