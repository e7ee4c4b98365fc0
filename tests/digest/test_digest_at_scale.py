"""Many digests due at once (issue 13): pages of due chats built while the first digests
go out, sent side by side, each once and in order, never a 429 under strict limits."""

from __future__ import annotations

import itertools
import random
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.devserver.limits import RateLimits
from bot.digest.service import CHUNK
from bot.matching.lexicon import default_lexicon
from bot.sources.samples import sample_entries
from storage.interfaces import Storage
from storage.records import AlertStatus, NewAlert, NewEntry
from tests.delivery.grant_log import GrantLog
from tests.delivery.world import World, world

FIRST = 700_000


async def day_of_alerts(
    storage: Storage, chats: list[int], now: datetime, per_chat: int = 25
) -> None:
    """A day's entries; each chat with three catalog topics, `per_chat` matched entries
    (two topics each) and its daily digest due `now`."""
    rng = random.Random(13)
    topics = list(default_lexicon().topics.values())
    source = await storage.sources.ensure("https://example.org/liveblog", None, 60, now)
    stored = await storage.entries.upsert_many(
        source.source_id,
        [
            NewEntry(e.key, e.published, None, e.title, e.text, e.url, e.kind.value, e.hash)
            for e in sample_entries(60)
        ],
        now - timedelta(hours=5),
    )
    entry_ids = [r.entry.entry_id for r in stored]
    alerts: list[NewAlert] = []
    for chat_id in chats:
        await storage.chats.upsert(chat_id, "private", None, "de", now - timedelta(hours=5))
        subs = []
        for topic in rng.sample(topics, 3):
            sub, _ = await storage.subscriptions.add(
                chat_id, topic.name_de, topic.id, topic.expr.canonical(), topic.name_de, now
            )
            subs.append(sub.sub_id)
        for entry_id in rng.sample(entry_ids, per_chat):
            pair = tuple(rng.sample(subs, 2))
            alerts.append(NewAlert(chat_id, entry_id, pair, (), False, now))
        await storage.chats.set_digest(chat_id, "01:00", now, now)
    await storage.alerts.create_many(alerts, now - timedelta(hours=1))


def digests_by_chat(events: list[dict[str, Any]]) -> dict[int, list[str]]:
    sent: dict[int, list[str]] = {}
    for event in events:
        if event["kind"] == "bot_message" and event["chat_id"] >= FIRST:
            sent.setdefault(event["chat_id"], []).append(event["text"])
    return sent


@pytest.fixture
async def fast(tmp_path: Path) -> AsyncIterator[World]:
    """Limits that leave the logic alone: the stand-in counts nothing, sends are quick,
    messages to one chat still a gap apart (so digests interleave when sent side by side)."""
    async with world(
        tmp_path,
        limits=RateLimits(enabled=False),
        private_gap_seconds=0.2,
        global_per_second=1000,
    ) as the_world:
        yield the_world


async def test_more_chats_than_a_page_each_get_one_whole_digest(fast: World) -> None:
    chats = [FIRST + i for i in range(CHUNK + 30)]
    storage = fast.services.storage
    await day_of_alerts(storage, chats, fast.clock.now())
    blocked = chats[7]
    await fast.reader.fault("blocked", chat_id=blocked, times=0)
    assert fast.services.digests is not None

    assert await fast.services.digests.tick() == len(chats) - 1
    sent = digests_by_chat(await fast.reader.events())
    assert set(sent) == set(chats) - {blocked}
    for messages in sent.values():
        assert messages[0].startswith("🗞 Deine Zusammenfassung")
        parts = len(messages)
        assert parts > 1  # 25 entries: the continuation messages are part of the test
        for number, message in enumerate(messages[1:], start=2):
            assert message.startswith(f"🗞 Zusammenfassung, Fortsetzung ({number}/{parts})")
    # Sent side by side, not one chat after another: some chat's first message arrived
    # while another's digest was still going out.
    order = [e["chat_id"] for e in await fast.reader.events() if e["kind"] == "bot_message"]
    first_chat = order[0]
    assert order.index(chats[-1]) < len(order) - 1 - order[::-1].index(first_chat)
    # Consumed once: the alerts count as delivered, the schedule moved on a day.
    chat = await storage.chats.get(chats[0])
    assert chat is not None
    assert chat.next_digest_at == fast.clock.now() + timedelta(days=1)
    assert {a.status for a in await storage.alerts.for_chat(chats[0])} == {AlertStatus.DIGESTED}
    gone = await storage.chats.get(blocked)
    assert gone is not None
    assert not gone.active
    assert await fast.services.digests.tick() == 0  # never twice


async def test_matches_made_while_a_digest_waits_go_to_the_next(fast: World) -> None:
    chat_id = FIRST
    storage = fast.services.storage
    digests = fast.services.digests
    assert digests is not None
    built_at = fast.clock.now()
    await day_of_alerts(storage, [chat_id], built_at, per_chat=2)
    chat = await storage.chats.get(chat_id)
    assert chat is not None
    [built] = await digests.build_many([chat], built_at)
    # A match arrives after the digest was built, before it is sent.
    entries = await storage.entries.recent_news(built_at - timedelta(days=1), limit=60)
    shown = {a.entry_id for a in await storage.alerts.for_chat(chat_id)}
    late = next(e for e in entries if e.entry_id not in shown)
    subs = await storage.subscriptions.for_chat(chat_id)
    fast.clock.set(built_at + timedelta(minutes=1))
    await storage.alerts.create_many(
        [NewAlert(chat_id, late.entry_id, (subs[0].sub_id,), (), False, fast.clock.now())],
        fast.clock.now(),
    )
    fast.clock.set(built_at + timedelta(minutes=2))
    assert await digests.send(built)
    chat = await storage.chats.get(chat_id)
    assert chat is not None
    assert chat.last_digest_at == built_at
    fast.clock.set(built_at + timedelta(days=1))
    [following] = await digests.build_many([chat], fast.clock.now())
    assert len(following.alert_ids) == 1  # the late match, and only it
    assert late.title is not None
    assert late.title.split()[0] in following.messages[0]


async def test_strict_limits_no_flood_control(tmp_path: Path) -> None:
    """40 digests of several messages at the default 29/s against a strict 1/s per chat
    (the stand-in's): the window holds messages back for seconds, and a chat's next
    message must still keep its gap from the previous one's actual sending.

    The per-chat gap counts from the answer, so the stand-in's arrival times keep it
    exactly. The overall 30/s is checked where the bot keeps it, in the window's slots:
    requests reach the stand-in with the loop's jitter, and on a busy machine one that
    waited for a CPU lands next to the following one (Telegram's network does the same;
    the bot's one spare message a second absorbs it there)."""
    strict_per_chat = RateLimits(private_burst=1, global_per_s=1000)
    async with world(tmp_path, limits=strict_per_chat) as w:
        digests = w.services.digests
        assert digests is not None
        slots = GrantLog(digests.window.limit, digests.window.span)
        digests.window.inner = slots
        chats = [FIRST + i for i in range(40)]
        await day_of_alerts(w.services.storage, chats, w.clock.now())
        assert await digests.tick() == len(chats)
        events = await w.reader.events()
        sent = digests_by_chat(events)
        assert set(sent) == set(chats)
        messages = sum(len(texts) for texts in sent.values())
        assert len(slots.given) >= messages > len(chats)  # a slot for each, none shared
        assert slots.most_in_any_span() <= 29  # the stand-in's 30/s, with one spare
        arrivals: dict[int, list[float]] = {}
        for event in events:
            if event["kind"] == "bot_message" and event["chat_id"] >= FIRST:
                arrivals.setdefault(event["chat_id"], []).append(event["at"])
        gaps = [b - a for times in arrivals.values() for a, b in itertools.pairwise(times)]
        assert min(gaps) >= 1.0  # what the stand-in's strict 1/s per chat demands
        assert w.telegram.state.stats["rate_limited"] == 0
