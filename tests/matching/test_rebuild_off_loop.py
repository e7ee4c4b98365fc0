"""A full index build walks every subscription on a worker thread, never on the loop.

At 100,000 subscriptions the walk (rows to records, each query's expression, the maps)
held the event loop for seconds at start-up (every free query resolved) and ~0.1 s on
each later build. Counted here, not timed: which thread converted each row and looked
up each subscription's expression while the real loader ran over a real SQLite database.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import storage.repos.subscriptions as subscription_rows
from bot.clock import FakeClock
from bot.matching.holder import IndexHolder
from bot.matching.query import default_resolver
from bot.subscriptions import SubscriptionService
from storage.factory import open_storage
from storage.records import SubscriptionRecord

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
QUERIES = ["Nordkorea", "Kiew", "Bahnstreik", "Wortneuxy", "Hochwasser in Passau", "Trump"]


class ThreadCounts:
    """Calls of a function, by whether the event loop's thread made them."""

    def __init__(self) -> None:
        self.loop_thread = threading.get_ident()
        self.calls: Counter[str] = Counter()

    def wrap(self, function: Any) -> Any:
        def counted(*args: Any) -> Any:
            on_loop = threading.get_ident() == self.loop_thread
            self.calls["loop" if on_loop else "worker"] += 1
            return function(*args)

        return counted


async def test_a_full_build_walks_no_subscription_on_the_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    storage = await open_storage(tmp_path / "bot.db")
    try:
        resolver = default_resolver()
        for chat_id in range(1, 41):
            await storage.chats.upsert(chat_id, "private", None, "de", NOW)
            for query in QUERIES:
                expr = resolver.resolve(query).expr
                await storage.subscriptions.add(
                    chat_id, query, None, expr.canonical(), query, NOW
                )
        services: list[SubscriptionService] = []

        async def load() -> Any:
            return await services[0].index_topics()

        holder = IndexHolder(load)
        service = SubscriptionService(storage, resolver, holder, FakeClock(NOW))
        services.append(service)

        rows, lookups = ThreadCounts(), ThreadCounts()
        monkeypatch.setattr(subscription_rows, "_sub", rows.wrap(subscription_rows._sub))
        expr_of = SubscriptionService.expr_of

        def looked_up(self: SubscriptionService, sub: SubscriptionRecord) -> Any:
            return lookups.wrap(expr_of)(self, sub)

        monkeypatch.setattr(SubscriptionService, "expr_of", looked_up)
        await holder.refresh()

        total = 40 * len(QUERIES)
        assert rows.calls == {"worker": total}
        assert lookups.calls == {"worker": total}
        assert len(service.by_id) == total
        assert all(holder.has(sub_id) for sub_id in service.by_id)
        matches = holder.live.match(None, "Neue Raketentests in Nordkorea")
        found = {topic for match in matches for topic in match.topics}
        assert found == {s.sub_id for s in service.by_id.values() if s.query == "Nordkorea"}
    finally:
        await storage.close()
