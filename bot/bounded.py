"""A small in-memory map that cannot grow with its input: LRU with a size cap and a TTL.

Every per-user, per-chat or per-entry cache kept on the event loop uses it: one key per
distinct user, chat or entry ever seen would otherwise grow without bound on a public bot.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class BoundedDict(Generic[K, V]):
    """At most `max_items` keys, each forgotten `ttl_s` seconds after it was last set.

    Reads refresh a key's place in the LRU order but not its age: a value is only
    as fresh as the moment it was stored. `now` is monotonic seconds (injectable).
    """

    def __init__(
        self,
        max_items: int,
        ttl_s: float | None = None,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_items < 1:
            raise ValueError("max_items must be at least 1")
        self.max_items, self.ttl_s, self._now = max_items, ttl_s, now
        self._items: OrderedDict[K, tuple[float, V]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return self.get(key) is not None  # type: ignore[arg-type]  # any hashable probe

    def _expired(self, stored_at: float, now: float) -> bool:
        return self.ttl_s is not None and now - stored_at >= self.ttl_s

    def get(self, key: K) -> V | None:
        found = self._items.get(key)
        if found is None:
            return None
        if self._expired(found[0], self._now()):
            del self._items[key]
            return None
        self._items.move_to_end(key)
        return found[1]

    def set(self, key: K, value: V) -> None:
        now = self._now()
        self._items[key] = (now, value)
        self._items.move_to_end(key)
        self._evict(now)

    def pop(self, key: K) -> V | None:
        found = self._items.pop(key, None)
        return None if found is None else found[1]

    def _evict(self, now: float) -> None:
        # Expired keys first (oldest stored first), then the least recently used.
        if self.ttl_s is not None:
            while self._items:
                key, (stored_at, _value) = next(iter(self._items.items()))
                if not self._expired(stored_at, now):
                    break
                del self._items[key]
        while len(self._items) > self.max_items:
            self._items.popitem(last=False)
