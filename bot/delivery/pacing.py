"""Telegram's send limits on our side, so the bot never earns a 429 in the first place.

A strict sliding window overall (30 in any second, like Telegram counts) and a
minimum gap per chat (1 s in private chats, 3 s in groups: 20 a minute).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from typing import Protocol

# A little over Telegram's 1/s and 20/min: sends reach Telegram with some jitter.
PRIVATE_GAP_S = 1.05
GROUP_GAP_S = 3.1
# Chats the pacer remembers at most. A chat whose gap has passed carries no information
# and is pruned; only flood-control holds can keep many chats waiting at once.
MAX_PACED_CHATS = 20_000


class Window(Protocol):
    """A source of send slots: SlidingWindow in one process, SharedWindow
    (bot/delivery/shared_pacing.py) across worker processes."""

    async def acquire(self) -> None: ...


class SlidingWindow:
    """At most `limit` acquisitions in any `span` seconds, evenly spaced.

    Even spacing (not bursts of `limit`) matters: requests reach Telegram with some
    network jitter, and a burst arriving late next to the next burst would exceed
    the limit there although it was kept here.
    """

    def __init__(
        self, limit: int, span: float = 1.0, now: Callable[[], float] | None = None
    ) -> None:
        self.limit, self.span = limit, span
        self._now = now or (lambda: asyncio.get_running_loop().time())
        self._stamps: deque[float] = deque()
        self._lock = asyncio.Lock()
        self._gap = span / limit

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                now = self._now()
                while self._stamps and now - self._stamps[0] >= self.span:
                    self._stamps.popleft()
                wait = self._stamps[-1] + self._gap - now if self._stamps else 0.0
                if len(self._stamps) >= self.limit:
                    wait = max(wait, self.span - (now - self._stamps[0]))
                if wait <= 0:
                    self._stamps.append(now)
                    return
                await asyncio.sleep(wait)


class ChatPacer:
    """A minimum gap between two messages to the same chat; also honours pauses."""

    def __init__(
        self,
        private_gap: float = PRIVATE_GAP_S,
        group_gap: float = GROUP_GAP_S,
        now: Callable[[], float] | None = None,
    ) -> None:
        self.private_gap, self.group_gap = private_gap, group_gap
        self._now = now or (lambda: asyncio.get_running_loop().time())
        self._next: dict[int, float] = {}
        self._prune_at = 1024

    def __len__(self) -> int:
        return len(self._next)

    def _set(self, chat_id: int, ready: float) -> None:
        self._next[chat_id] = ready
        if len(self._next) > self._prune_at:
            self._prune()

    def _prune(self) -> None:
        """Forget chats that may send again (amortised: runs when the map doubled)."""
        now = self._now()
        self._next = {c: t for c, t in self._next.items() if t > now}
        if len(self._next) > MAX_PACED_CHATS:  # keep the longest waits: the holds
            keep = sorted(self._next.items(), key=lambda item: item[1])[-MAX_PACED_CHATS:]
            self._next = dict(keep)
        self._prune_at = max(1024, 2 * len(self._next))

    def gap(self, private: bool) -> float:
        return self.private_gap if private else self.group_gap

    async def wait(self, chat_id: int, private: bool) -> None:
        ready = self._next.get(chat_id, 0.0)
        delay = ready - self._now()
        if delay > 0:
            await asyncio.sleep(delay)
        self._set(chat_id, max(ready, self._now()) + self.gap(private))

    def note(self, chat_id: int, private: bool) -> None:
        """Another path (a command reply) just sent to this chat: keep the gap after it."""
        self._set(chat_id, max(self._next.get(chat_id, 0.0), self._now() + self.gap(private)))

    def hold(self, chat_id: int, seconds: float) -> None:
        """Nothing more to this chat for `seconds` (flood control asked for it)."""
        self._set(chat_id, max(self._next.get(chat_id, 0.0), self._now() + seconds))

    def remaining(self, chat_id: int) -> float:
        """Seconds until this chat may get its next message (0: now)."""
        return max(0.0, self._next.get(chat_id, 0.0) - self._now())

    def forget(self, chat_id: int) -> None:
        self._next.pop(chat_id, None)
