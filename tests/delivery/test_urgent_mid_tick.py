"""One process, a long outbox: an urgent alert that becomes due while a delivery tick is
serving a thousand chats goes out within a few messages, on both backends. (The tick
takes chats a few at a time in the outbox's order instead of fixing its list at the
start, and the overall window serves urgent senders first.)"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest

from bot.devserver.limits import RateLimits
from storage.records import NewAlert, NewEntry
from tests.delivery.test_priorities_e2e import gathered, sent_at_least
from tests.delivery.world import world

# A delivery tick has a wall-clock budget: on a busy machine it ends before the thousand
# chats are served. Run alone, after the parallel part of the suite (see Makefile).
pytestmark = pytest.mark.timing

BUSY_CHATS = range(910_000, 911_000)
URGENT_CHAT = 5301
FAST = RateLimits(global_per_s=5000, private_per_s=1000, private_burst=1000)


async def test_an_urgent_alert_due_mid_tick_overtakes_the_chats_still_waiting(
    tmp_path: Path, db_target: str
) -> None:
    async with world(
        tmp_path, FAST, db=db_target, global_per_second=150, private_gap_seconds=0.0
    ) as w:
        storage, now = w.services.storage, w.clock.now()
        source = await storage.sources.ensure("https://example.org/blog", None, 60, now)
        [news, alarm] = await storage.entries.upsert_many(
            source.source_id,
            [
                NewEntry("n", now, None, "Meldung", "Drohnen über Kiew.", None, "news", "h1"),
                NewEntry("a", now, None, "Luftalarm", "Luftalarm in Kiew.", None, "news", "h2"),
            ],
            now,
        )
        alerts: list[NewAlert] = []

        async def reader(chat_id: int) -> None:
            await storage.chats.upsert(chat_id, "private", None, "de", now)
            sub, _ = await storage.subscriptions.add(chat_id, "Drohnen", None, "q:d", "D", now)
            alerts.append(NewAlert(chat_id, news.entry.entry_id, (sub.sub_id,), (), False, now))

        await gathered([lambda c=c: reader(c) for c in BUSY_CHATS])
        await storage.alerts.create_many(alerts, now - timedelta(minutes=1))
        await storage.chats.upsert(URGENT_CHAT, "private", None, "de", now)
        urgent, _ = await storage.subscriptions.add(URGENT_CHAT, "Luftalarm", None, "q:l", "L", now)
        await storage.subscriptions.set_urgent(URGENT_CHAT, urgent.sub_id, True)
        base = w.telegram.state.stats["sent"]

        tick = asyncio.create_task(w.deliver())
        await sent_at_least(w, base + 150)  # the tick is well under way
        await storage.alerts.create_many(
            [NewAlert(URGENT_CHAT, alarm.entry.entry_id, (urgent.sub_id,), (), True, now)], now
        )
        sent = (await tick).alerts_sent
        # A tick stops taking chats after TICK_BUDGET_S of real time; on a busy machine
        # that comes before the thousandth: the next ticks serve the rest.
        for _ in range(10):
            if sent == len(BUSY_CHATS) + 1:
                break
            sent += (await w.deliver()).alerts_sent
        events = [e for e in w.telegram.state.events if e.kind == "bot_message"]
    assert sent == len(BUSY_CHATS) + 1
    busy_seq = sorted(e.seq for e in events if e.chat_id in BUSY_CHATS)
    [alert] = [e for e in events if e.chat_id == URGENT_CHAT]
    after = sum(1 for seq in busy_seq if seq > alert.seq)
    print(f"\nurgent mid-tick: {after} of {len(busy_seq)} chats' alerts went after it")
    # Sent while ~800 chats still waited (a fixed list would have put it last, or in
    # the next tick): only the chats already being served when it became due went first.
    assert after >= len(busy_seq) - 300
