"""Issue 10, finding 9: "would have found N" and previews no longer freeze the bot.

/abo (and its confirm button) counted the matches among up to 2,000 recent entries,
/vorschau looked for the newest ones, both synchronously on the event loop: a few
readers typing at once kept every other chat waiting. Now the work is bounded,
cached per (query, entry set) and runs on one worker thread, and updates of
different chats are handled side by side.
"""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path

from bot.matching.index import TopicIndex
from bot.recent import SAMPLE_ENTRIES
from bot.sources.samples import sample_entries
from storage.records import NewEntry
from tests.calibration import cpu_bound
from tests.delivery.world import World, berlin, world
from tests.hostile.loop_probe import LoopProbe

ENTRIES = 2000
# CPU seconds of the loop's thread (see tests/calibration.py): what one stretch of
# callbacks may hold it for, and what the loop may spend before /start is answered.
HELD_BOUND_S = 0.25
START_BOUND_S = 0.5
# Distinct queries (no shared cache entry); each used to block the loop ~0.3 s or more.
QUERIES = ["Luftangriffe auf Kiew", "Nordkorea", "Selenskyj"]


async def _seed(w: World, count: int = ENTRIES) -> list[NewEntry]:
    """`count` recent news entries of a long liveblog entry's length (three paragraphs)."""
    texts = [(e.title, e.text) for e in sample_entries()]
    now = w.clock.now()
    entries = []
    for i in range(count):
        title, _ = texts[i % len(texts)]
        body = "\n\n".join(texts[(i + k) % len(texts)][1] for k in range(3))
        entries.append(
            NewEntry(f"seed-{i}", now, None, title, f"{body}\n(Meldung {i})", None, "news", f"h{i}")
        )
    source = (await w.services.storage.sources.list_active())[0]
    await w.services.storage.entries.upsert_many(source.source_id, entries, now)
    w.services.subscriptions.entries_changed()
    return entries


async def test_a_burst_of_counts_never_blocks_start(tmp_path: Path) -> None:
    async with world(tmp_path, start=berlin(4, 12)) as w:
        entries = await _seed(w)
        readers = list(range(9101, 9101 + len(QUERIES)))
        mark = max((e["seq"] for e in await w.reader.events()), default=0)
        async with LoopProbe() as probe:
            for chat, query in zip(readers, QUERIES, strict=True):
                await w.reader.say(chat, f"/abo {query}")
            await w.reader.say(9199, "/vorschau Kiew")
            asked = time.thread_time()
            welcome = await w.reader.ask(9200, "/start", first_name="Zoe")
            start_s = time.thread_time() - asked  # the loop's CPU until the answer came
            answers = await w.reader.wait_for(None, len(QUERIES) + 2, after=mark, wait_s=60)
        assert "Willkommen" in welcome[0]["text"]
        assert start_s < cpu_bound(START_BOUND_S), start_s
        assert probe.max_held_s < cpu_bound(HELD_BOUND_S), (probe.max_held_s, probe.max_lag_s)

        # The counts are the real ones (over the newest SAMPLE_ENTRIES), computed off the loop.
        by_chat = {a["chat_id"]: a["text"] for a in answers if a["kind"] == "bot_message"}
        stored = await w.services.storage.entries.recent_news(berlin(1, 0), SAMPLE_ENTRIES)
        for chat, query in list(zip(readers, QUERIES, strict=True))[:1]:
            said = re.search(r"hätte das (\d+) Meldungen", by_chat[chat])
            assert said is not None, by_chat[chat]
            expr = w.services.subscriptions.resolve(query).expr
            index = TopicIndex.build([("q", expr)])
            assert int(said.group(1)) == sum(1 for e in stored if index.match(e.title, e.body))
        print(
            f"/start answered after {start_s:.3f} s of loop CPU; worst stretch held"
            f" {probe.max_held_s:.3f} s CPU, {probe.max_lag_s:.3f} s real time"
        )
        assert "Die letzten Treffer" in by_chat[9199]
        assert len(entries) == ENTRIES


async def test_counts_are_cached_until_new_entries_arrive(tmp_path: Path) -> None:
    async with world(tmp_path, start=berlin(4, 8)) as w:
        await _seed(w, 100)
        recent = w.services.subscriptions.recent
        expr = w.services.subscriptions.resolve("Kiew").expr
        index = TopicIndex.build([("q", expr)])

        async def truth() -> int:
            stored = await w.services.storage.entries.recent_news(berlin(1, 0), SAMPLE_ENTRIES)
            return sum(1 for e in stored if index.match(e.title, e.body))

        first = await recent.count(expr)
        assert first == await truth()
        # Ten readers asking at once get the same answer (one shared match).
        assert await asyncio.gather(*(recent.count(expr) for _ in range(10))) == [first] * 10
        # The day's later entries about Kiew arrive through a poll: the count moves on.
        w.publish_until(berlin(4, 23, 59))
        await w.poll()
        after = await recent.count(expr)
        assert after == await truth()
        assert after > first
