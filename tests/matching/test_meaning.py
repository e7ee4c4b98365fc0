"""The meaning layer: an entry's lead judged against what readers typed, across German
and English and beyond the words a topic names (real model, bot/embeddings.py)."""

from __future__ import annotations

from bot.matching.index import TopicIndex
from bot.matching.meaning import LEAD_CHARS, MeaningLayer, Thresholds, lead
from bot.matching.query import default_resolver


def _index(*queries: str, thresholds: Thresholds | None = None) -> TopicIndex:
    resolver = default_resolver()
    index = TopicIndex.build([(q, resolver.resolve(q).expr) for q in queries])
    index.attach_meaning(((q, q) for q in queries), thresholds)
    return index


def _topics(index: TopicIndex, title: str | None, text: str) -> set[str]:
    return {str(t) for m in index.match(title, text) for t in m.topics}


def test_the_lead_is_the_title_and_the_start_of_the_text() -> None:
    assert lead("Titel", "Erster Satz. Zweiter Satz.") == "Titel. Erster Satz. Zweiter Satz."
    long = lead(None, "Wort " * 10_000)
    assert len(long) <= LEAD_CHARS
    assert not long.endswith(" ")


def test_an_entry_close_in_meaning_is_found_without_its_words() -> None:
    # "Winter Games" for the Olympics: no word of the query, the meaning is the same.
    index = _index("Olympics", "earthquakes", thresholds=Thresholds(add=3.0))
    text = "The Winter Games open in Milan and Cortina on Friday with 2,900 athletes."
    found = index.match(None, text)
    assert [m.topics for m in found] == [["Olympics"]]
    assert found[0].spans == ()  # nothing to highlight: found by meaning


def test_an_entry_naming_part_of_a_topic_needs_less_meaning() -> None:
    text = (
        "Seit dem Ausbruch der Kämpfe im Sudan sind nach UN-Angaben drei Millionen "
        "Menschen im Land vertrieben worden."
    )
    strict = _index("Krieg im Sudan", thresholds=Thresholds(add=99.0, partial=99.0))
    assert _topics(strict, None, text) == set()
    relaxed = _index("Krieg im Sudan", thresholds=Thresholds(add=99.0, partial=2.0))
    assert _topics(relaxed, None, text) == {"Krieg im Sudan"}


def test_an_entry_on_another_subject_is_not_added() -> None:
    index = _index("measles", "Vogelgrippe")
    text = "Der Bundestag hat am Freitag den Haushalt für das kommende Jahr beschlossen."
    assert _topics(index, "Haushalt beschlossen", text) == set()


def test_words_still_match_when_the_meaning_agrees() -> None:
    index = _index("Vogelgrippe")
    text = "Auf einem Geflügelhof in Niedersachsen ist die Vogelgrippe ausgebrochen."
    assert _topics(index, None, text) == {"Vogelgrippe"}


def test_without_meaning_the_index_matches_words_only() -> None:
    resolver = default_resolver()
    index = TopicIndex.build([("measles", resolver.resolve("measles").expr)])
    text = "In Berlin sind mehr als 40 Masernfälle gemeldet worden."
    assert index.match("Masern in Berlin", text) == []


def test_a_layer_of_no_texts_judges_nothing() -> None:
    layer = MeaningLayer([("empty", ["", "   "])], thresholds=Thresholds())
    assert len(layer) == 0
    assert layer.judge("Titel", "Text", ["x"]) == (set(), set())


async def test_the_holder_gives_each_index_its_meaning_in_the_background() -> None:
    from collections.abc import Hashable, Iterable

    from bot.matching.expr import TopicExpr
    from bot.matching.holder import IndexHolder

    resolver = default_resolver()
    typed = {1: "Vogelgrippe", 2: "bird flu"}
    topics: list[tuple[Hashable, TopicExpr]] = [(1, resolver.resolve("Vogelgrippe").expr)]

    async def load() -> Iterable[tuple[Hashable, TopicExpr]]:
        return list(topics)

    holder = IndexHolder(load, describe=lambda topic: typed.get(topic))  # type: ignore[arg-type]
    await holder.refresh()
    await holder.meaning_ready()
    assert holder.index.meaning is not None
    assert len(holder.index.meaning) == 1
    # A subscription added in place gets its meaning too (its own expression).
    await holder.add(2, resolver.resolve("bird flu").expr)
    await holder.meaning_ready()
    assert holder.index.meaning is not None
    assert len(holder.index.meaning) == len(holder.index.exprs)


async def test_without_a_description_the_holder_matches_words_only() -> None:
    from collections.abc import Hashable, Iterable

    from bot.matching.expr import TopicExpr
    from bot.matching.holder import IndexHolder

    async def load() -> Iterable[tuple[Hashable, TopicExpr]]:
        return [(1, default_resolver().resolve("Vogelgrippe").expr)]

    holder = IndexHolder(load)
    await holder.refresh()
    await holder.meaning_ready()
    assert holder.index.meaning is None
