"""How much building a burst of subscription changes costs, counted, not timed.

The hostile day (tests/hostile/test_hostile_day.py) once ran twelve minutes instead of one:
every topic its 500 chats subscribed to went to the side index, and the side index was
rebuilt from all of them for each addition (12,500 additions: 78 million topic
registrations), while nothing merged it into the main index in a test without jobs. These
tests count what the holder hands to TopicIndex.build over a FakeClock-driven day and what
a full build recomputes per expression.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.clock import FakeClock
from bot.matching import holder as holder_module
from bot.matching.expr import Term, TopicExpr
from bot.matching.holder import IndexHolder
from bot.matching.index import TopicIndex
from bot.matching.query import default_resolver

RESOLVER = default_resolver()
# What readers subscribe to: catalog words and free words the lexicon does not know.
KNOWN = ["Nordkorea", "Kiew", "Gaza", "Trump", "Iran", "Flut", "Selenskyj", "Bahnstreik"]
NEW = [f"Wortneu{chr(97 + k)}" for k in range(12)]
POOL = [RESOLVER.resolve(q).expr for q in [*KNOWN, *NEW]]  # one expression per query


class Builds:
    """Counts the topics handed to TopicIndex.build (an O(n²) pattern shows here)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        self.topics = 0
        original = TopicIndex.build.__func__  # type: ignore[attr-defined]

        def counting(
            cls: type[TopicIndex],
            topics: Iterable[tuple[Hashable, TopicExpr]],
            rarity: Mapping[str, float] | None = None,
        ) -> TopicIndex:
            listed = list(topics)
            self.calls += 1
            self.topics += len(listed)
            built: TopicIndex = original(cls, listed, rarity)
            return built

        monkeypatch.setattr(TopicIndex, "build", classmethod(counting))


def day_holder(clock: FakeClock, topics: dict[Hashable, TopicExpr]) -> IndexHolder:
    async def load() -> Iterable[tuple[Hashable, TopicExpr]]:
        return list(topics.items())

    return IndexHolder(load, monotonic=lambda: clock.now().timestamp())


def matched(holder: IndexHolder, text: str) -> Counter[Hashable]:
    return Counter(t for m in holder.live.match(None, text) for t in m.topics)


async def test_a_burst_of_additions_without_the_job_builds_linearly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """As in a test without jobs (and in the hostile day's set-up): nothing calls
    maintain(), the main index starts empty, 1,500 topics arrive from 60 chats."""
    clock = FakeClock(datetime(2024, 11, 4, 6, 0, tzinfo=UTC))
    topics: dict[Hashable, TopicExpr] = {}
    holder = day_holder(clock, topics)
    await holder.refresh()
    builds = Builds(monkeypatch)
    n = 1_500
    for topic in range(n):
        topics[topic] = POOL[topic % len(POOL)]
        await holder.add(topic, topics[topic], chat=topic % 60)
        assert len(holder.side.exprs) <= holder_module.SIDE_LIMIT
        clock.advance(timedelta(seconds=1))
    await holder.settled()
    # Each addition costs at most a rebuild of the bounded side (rebuilt only for new
    # words), plus a full build for every SIDE_LIMIT of them: linear in the additions.
    # (Rebuilding the side from everything for each addition handed it ~n²/2 = 1.1 M.)
    assert holder.builds <= 1 + n // holder_module.SIDE_LIMIT
    assert builds.topics <= 3 * n, (builds.calls, builds.topics)
    # Every topic matches, from the main index or the side.
    assert matched(holder, "Nordkorea testet Raketen.")[0] == 1
    assert matched(holder, "Wortneua und Wortneub.")[len(KNOWN)] == 1


async def test_a_day_of_bursts_with_the_job_and_readers_builds_a_bounded_number_of_times(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Eight bursts of 300 subscribe/unsubscribe operations, a second apart, over a day
    (the FakeClock jumps hours between them, so every debounce window has passed), the
    job calling maintain() every second, and a long match holding the index for the
    first 30 s of each burst (additions then cannot go into the index in place); the
    day ends with a burst of unsubscribes alone."""
    clock = FakeClock(datetime(2024, 11, 4, 6, 0, tzinfo=UTC))
    topics: dict[Hashable, TopicExpr] = {1_000_000 + k: e for k, e in enumerate(POOL[:4])}
    holder = day_holder(clock, topics)
    await holder.refresh()
    builds = Builds(monkeypatch)
    built_at: list[float] = []
    release = threading.Event()

    def long_match(_live: Any) -> None:
        release.wait(30)

    async def tick() -> None:
        clock.advance(timedelta(seconds=1))
        if await holder.maintain():
            built_at.append(clock.now().timestamp())

    operations = 0
    topic = 0
    for burst in range(8):
        release.clear()
        reading = asyncio.ensure_future(holder.read(long_match))
        await asyncio.sleep(0)  # the match takes the index
        for k in range(300):
            if k == 30:
                release.set()
                await reading
            if k % 4 == 3:  # every fourth operation an unsubscribe
                gone = next(iter(topics))
                del topics[gone]
                holder.discard(gone)
            else:
                topics[topic] = POOL[(topic * 7 + burst) % len(POOL)]
                await holder.add(topic, topics[topic], chat=(burst * 300 + k) % 90)
                topic += 1
            operations += 1
            await tick()
        clock.advance(timedelta(hours=3))
        await tick()
    # Full builds: never two within a debounce window, a few a burst (the additions the
    # long match kept from the main index, merged once their window has passed).
    assert all(b - a >= holder.debounce_s for a, b in itertools.pairwise(built_at)), built_at
    assert len(built_at) <= 8 * 5, built_at
    # Linear in the operations (rebuilding the side from all its topics for each
    # addition was quadratic), full builds included.
    assert builds.topics <= len(built_at) * len(topics) + 20 * operations, builds.topics
    # Unsubscribes alone, 500 over a quiet stretch: no build, nothing due.
    before = holder.builds
    for gone in list(topics)[:500]:
        del topics[gone]
        holder.discard(gone)
        await tick()
    assert holder.builds == before
    assert holder.build_due is None
    assert not matched(holder, "Nordkorea testet Raketen.").keys() - topics.keys()
    # The next requested build drops what was removed from the automaton.
    topics[-1] = RESOLVER.resolve("Wortneuy").expr
    await holder.add(-1, topics[-1], chat=1)
    clock.advance(timedelta(minutes=2))
    assert await holder.maintain()
    assert holder.stale == 0
    assert not holder.side.exprs
    assert sum(len(t) for t in holder.index.expr_topics) == len(topics)
    found = matched(holder, ". ".join([*KNOWN, *NEW, "Wortneuy"]) + ".")
    assert set(found) == set(topics)
    assert set(found.values()) == {1}


async def test_a_full_build_does_not_recompute_what_an_expression_knows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """3,000 subscriptions over three expressions: building them hashes no more terms
    than building the three alone, and building them again hashes none."""
    queries = ("Luftangriffe auf Kiew", "Gaza", "Wortneuz")
    fresh = [RESOLVER.resolve(q).expr for q in queries]
    many = [RESOLVER.resolve(q).expr for q in queries]  # equal expressions, apart
    hashed = Counter[str]()
    original = Term.__hash__

    def counting(term: Term) -> int:
        hashed["terms"] += 1
        return original(term)

    monkeypatch.setattr(Term, "__hash__", counting)
    TopicIndex.build([(k, e) for k, e in enumerate(fresh)])
    alone = hashed["terms"]
    assert alone > 0  # the first use of an expression works its terms out
    hashed.clear()
    index = TopicIndex.build([(k, many[k % 3]) for k in range(3_000)])
    assert hashed["terms"] <= alone
    assert len(index.exprs) == 3
    assert sum(len(t) for t in index.expr_topics) == 3_000
    hashed.clear()
    TopicIndex.build([(k, many[k % 3]) for k in range(3_000)])
    assert hashed["terms"] == 0
