"""How often each concept shows in real entries: lets the index trigger on the rarest."""

from __future__ import annotations

from collections.abc import Iterable

from bot.matching.document import prepare
from bot.matching.expr import Clause, TopicExpr
from bot.matching.index import TopicIndex
from bot.matching.lexicon import Lexicon


def concept_frequencies(
    lexicon: Lexicon, texts: Iterable[tuple[str | None, str]]
) -> dict[str, float]:
    """Share of entries each concept occurs in (0 … 1), for TopicIndex.build(rarity=…)."""
    index = TopicIndex.build(
        (key, TopicExpr((Clause(((term,),)),))) for key, term in lexicon.concepts.items()
    )
    counts: dict[str, int] = {}
    total = 0
    for title, text in texts:
        total += 1
        for term_id in index.scan(prepare(title, text)):
            key = index.terms[term_id].key
            counts[key] = counts.get(key, 0) + 1
    if total == 0:
        return {}
    # Smoothed so that a concept never seen still ranks above an unknown keyword.
    return {
        term.key: (counts.get(term.key, 0) + 0.5) / (total + 1)
        for term in lexicon.concepts.values()
    }
