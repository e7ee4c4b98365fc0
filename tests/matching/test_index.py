"""The shared index: dedup, triggers, incremental adds and off-loop rebuilds."""

from __future__ import annotations

import asyncio
from collections.abc import Hashable, Iterable

from bot.matching.expr import TopicExpr
from bot.matching.holder import IndexHolder
from bot.matching.index import TopicIndex
from bot.matching.query import default_resolver


def expr(query: str) -> TopicExpr:
    return default_resolver().resolve(query).expr


def test_identical_topics_share_one_expression() -> None:
    index = TopicIndex.build(
        [
            ("a", expr("Luftangriffe auf Kiew")),
            ("b", expr("air raids on Kyiv")),
            ("c", expr("Angriffe auf Kyjiw")),
            ("d", expr("Nordkorea")),
        ]
    )
    assert len(index.exprs) == 2
    [match] = index.match(None, "Ein Luftangriff auf Kiew wurde abgewehrt.")
    assert match.topics == ["a", "b", "c"]


def test_incremental_add_of_known_terms() -> None:
    index = TopicIndex.build([("a", expr("Nordkorea")), ("b", expr("Kiew"))])
    both = expr("Nordkorea Kiew")
    assert index.can_add(both)
    index.add("c", both)
    text = "In Kiew wird über Nordkorea gesprochen."
    found = {t for m in index.match(None, text) for t in m.topics}
    assert found == {"a", "b", "c"}
    assert not index.can_add(expr("Trudeau"))


def test_clause_with_three_groups_needs_all_three() -> None:
    index = TopicIndex.build([("q", expr("Drohnen Kiew Klitschko"))])
    assert not index.match(None, "Drohnen über Kiew.")
    assert index.match(None, "Klitschko meldet Drohnen über Kiew.")


async def test_holder_rebuilds_off_the_loop_and_coalesces() -> None:
    topics: list[tuple[Hashable, TopicExpr]] = [("a", expr("Nordkorea"))]

    async def load() -> Iterable[tuple[Hashable, TopicExpr]]:
        return list(topics)

    holder = IndexHolder(load)
    await holder.refresh()
    assert holder.index.match(None, "Nordkorea testet Raketen.")
    topics.append(("b", expr("Trudeau")))
    await asyncio.gather(holder.refresh(), holder.refresh(), holder.refresh())
    assert holder.builds <= 3
    assert holder.index.match(None, "Trudeau in Kiew.")
    await holder.add("c", expr("Nordkorea"))  # known terms: no rebuild
    builds = holder.builds
    await holder.add("d", expr("Orbán"))  # a new word: the side index, a build requested
    assert holder.builds == builds
    assert holder.build_due is not None
    assert any("d" in m.topics for m in holder.live.match(None, "Orbán in Brüssel."))
