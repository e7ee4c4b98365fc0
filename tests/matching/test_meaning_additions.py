"""An addition in place computes the meaning of its own expression, not every topic's.

With the meaning layer on, each subscription the main index took in place rebuilt the
layer from every topic: all queries looked up again, every expression's row averaged and
every row calibrated against the background, per (coalesced) addition. Counted here: the
phrasings handed to the model's query look-up during a burst of additions, and the
layer after the burst is the one a full build would give (real model).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence

import numpy as np
import pytest

from bot.matching import meaning
from bot.matching.expr import TopicExpr
from bot.matching.holder import IndexHolder
from bot.matching.lexicon import default_lexicon
from bot.matching.meaning import MeaningLayer

TOPICS = 60
BURST = 12


async def test_a_burst_of_additions_embeds_only_the_new_phrasings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    catalog = sorted(default_lexicon().topics.values(), key=lambda t: t.id)[:TOPICS]
    typed: dict[Hashable, str] = {i: topic.name_de for i, topic in enumerate(catalog)}
    loaded: list[tuple[Hashable, TopicExpr]] = [(i, t.expr) for i, t in enumerate(catalog)]

    async def load() -> Iterable[tuple[Hashable, TopicExpr]]:
        return list(loaded)

    holder = IndexHolder(load, describe=typed.get)
    await holder.refresh()
    await holder.meaning_ready()

    looked_up: list[str] = []
    original = meaning.query_vectors

    def counted(texts: Sequence[str]) -> meaning.Vectors:
        looked_up.extend(texts)
        return original(texts)

    monkeypatch.setattr(meaning, "query_vectors", counted)
    # Readers subscribe to catalog topics under their English names, one after another.
    for n in range(BURST):
        topic = TOPICS + n
        typed[topic] = catalog[n].name_en
        await holder.add(topic, catalog[n].expr)
        await holder.meaning_ready()
    assert holder.index.meaning is not None
    # Each addition: its expression's two names, never the other topics' phrasings.
    assert len(looked_up) <= 2 * BURST

    # The same layer as one built from scratch from every topic.
    layer = holder.index.meaning
    whole = MeaningLayer(holder.index.phrasings.items())
    assert sorted(layer.keys, key=str) == sorted(whole.keys, key=str)
    for key in whole.keys:
        row, again = layer.position[key], whole.position[key]
        assert np.allclose(layer.vectors[row], whole.vectors[again], atol=1e-5)
        assert np.allclose(layer.mean[row], whole.mean[again], atol=1e-5)
    assert len(layer) == len({e for e, topics in enumerate(holder.index.expr_topics) if topics})
