"""Index updates a reader cannot turn into a burden: removals never rebuild, additions
with new words match at once through the side index, and full builds are debounced
(one per window, one a minute per chat), run off the loop, driven by an injected clock."""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Iterable

from bot.matching.expr import TopicExpr
from bot.matching.holder import IndexHolder
from bot.matching.query import default_resolver

RESOLVER = default_resolver()


def expr(text: str) -> TopicExpr:
    return RESOLVER.resolve(text).expr


class Ticks:
    """An injected monotonic clock."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def matched(holder: IndexHolder, text: str) -> set[Hashable]:
    return {t for m in holder.live.match(None, text) for t in m.topics}


async def make_holder(
    topics: dict[Hashable, TopicExpr], ticks: Ticks
) -> IndexHolder:
    async def load() -> Iterable[tuple[Hashable, TopicExpr]]:
        return list(topics.items())

    holder = IndexHolder(load, monotonic=ticks, debounce_s=10, per_chat_s=60)
    await holder.refresh()
    return holder


async def test_many_changes_make_at_most_one_build_per_window() -> None:
    ticks = Ticks()
    topics: dict[Hashable, TopicExpr] = {1: expr("Nordkorea")}
    holder = await make_holder(topics, ticks)
    assert holder.builds == 1
    words = ["Orbán", "Trudeau", "Milei", "Fico", "Babiš", "Meloni", "Tusk", "Sánchez"]
    word_of: dict[Hashable, str] = {}
    for n, word in enumerate(words * 3):  # 24 new words from 8 chats, 2 s apart
        topic = 100 + n
        topics[topic], word_of[topic] = expr(word), word
        await holder.add(topic, topics[topic], chat=n % 8)
        if n % 2:  # and removals in between
            del topics[topic - 1]
            holder.discard(topic - 1)
        ticks.now += 2
        await holder.maintain()
    # 48 s of changes: a build every 10 s at most (the first request fell due after 10).
    assert 1 < holder.builds <= 1 + 48 // 10
    # Every live topic matches, built in or still on the side.
    for topic, word in word_of.items():
        if topic in topics:
            assert topic in matched(holder, f"{word} in Brüssel."), word
    ticks.now += 60
    await holder.maintain()
    assert holder.build_due is None
    assert not holder.side.exprs  # all merged into the main index
    assert holder.stale == 0


async def test_removals_never_rebuild() -> None:
    ticks = Ticks()
    topics: dict[Hashable, TopicExpr] = {n: expr("Nordkorea") for n in range(50)}
    holder = await make_holder(topics, ticks)
    for n in range(50):
        holder.discard(n)
        ticks.now += 1
        assert not await holder.maintain()
    assert holder.builds == 1
    assert holder.build_due is None
    assert holder.stale == 50
    assert not holder.has(3)


async def test_a_new_word_matches_at_once_and_after_the_build() -> None:
    ticks = Ticks()
    topics: dict[Hashable, TopicExpr] = {1: expr("Nordkorea")}
    holder = await make_holder(topics, ticks)
    topics[2] = expr("Orbán")
    await holder.add(2, topics[2], chat=7)
    assert holder.builds == 1
    assert 2 in matched(holder, "Orbán trifft Fico.")  # the side index
    ticks.now += 9.9
    assert not await holder.maintain()  # not due yet
    ticks.now += 0.2
    assert await holder.maintain()
    assert holder.builds == 2
    assert not holder.side.exprs
    assert 2 in matched(holder, "Orbán trifft Fico.")  # now in the main index
    assert 1 in matched(holder, "Nordkorea testet Raketen.")


async def test_one_chat_causes_at_most_one_build_a_minute() -> None:
    ticks = Ticks()
    topics: dict[Hashable, TopicExpr] = {}
    holder = await make_holder(topics, ticks)
    builds_at: list[float] = []
    for n, word in enumerate(["Orbán", "Trudeau", "Milei", "Fico", "Babiš", "Meloni"] * 4):
        topics[n] = expr(word)
        await holder.add(n, topics[n], chat=42)  # the one chat, every 5 s for 2 minutes
        for _ in range(5):
            ticks.now += 1
            if await holder.maintain():
                builds_at.append(ticks.now)
    assert len(builds_at) >= 2
    assert all(b - a >= 60 for a, b in itertools.pairwise(builds_at))
    # Another chat is not held back by chat 42's minute.
    topics[99] = expr("Nordkorea")
    await holder.add(99, topics[99], chat=43)
    assert 99 in matched(holder, "Nordkorea testet Raketen.")


async def test_the_side_index_is_bounded() -> None:
    ticks = Ticks()
    topics: dict[Hashable, TopicExpr] = {}
    holder = await make_holder(topics, ticks)
    from bot.matching import holder as module

    for n in range(module.SIDE_LIMIT):
        topics[n] = expr(f"wort{n}x")
        await holder.add(n, topics[n])
    assert await holder.maintain()  # full at once, without waiting for the window
    assert not holder.side.exprs


async def test_a_removed_topic_stops_matching_at_once_and_leaves_at_the_next_build() -> None:
    ticks = Ticks()
    topics: dict[Hashable, TopicExpr] = {1: expr("Nordkorea"), 2: expr("Nordkorea")}
    holder = await make_holder(topics, ticks)
    topics[3] = expr("Orbán")
    await holder.add(3, topics[3], chat=7)  # a new word: the side index, a build requested
    for gone in (1, 3):
        del topics[gone]
        holder.discard(gone)
    # Both are still in an automaton, and neither matches any more.
    assert any(1 in shared for shared in holder.index.expr_topics)
    assert any(3 in shared for shared in holder.side.expr_topics)
    assert holder.stale == 2
    assert matched(holder, "Nordkorea testet Raketen.") == {2}
    assert matched(holder, "Orbán trifft Fico.") == set()
    # Removed and back before a build: in the automaton twice, matched once.
    topics[1] = expr("Nordkorea")
    await holder.add(1, topics[1], chat=8)
    found = [t for m in holder.live.match(None, "Nordkorea testet Raketen.") for t in m.topics]
    assert sorted(found) == [1, 2]
    # The next coalesced build (chat 7's request) leaves what was removed out.
    ticks.now += 10.1
    assert await holder.maintain()
    assert holder.stale == 0
    assert not holder.side.exprs
    assert sorted(t for shared in holder.index.expr_topics for t in shared) == [1, 2]
    assert all(term.label_de != "Orbán" for term in holder.index.terms)
    assert matched(holder, "Nordkorea testet Raketen.") == {1, 2}
