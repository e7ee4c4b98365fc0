"""The embedding model: real vectors, bounded inputs, meaning across languages."""

from __future__ import annotations

import numpy as np

from bot import embeddings


def test_vectors_are_normalised_and_shaped() -> None:
    vectors = embeddings.passages(["Russland greift Kiew mit Drohnen an.", "Wahl in Polen"])
    assert vectors.shape == (2, embeddings.DIM)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)


def test_same_meaning_across_languages_is_closer_than_another_topic() -> None:
    query = embeddings.queries(["Vogelgrippe"])
    found = embeddings.passages(
        ["Avian influenza found on a poultry farm", "The parliament passed the budget"]
    )
    scores = embeddings.cosine(query, found)[0]
    assert scores[0] > scores[1]


def test_hostile_and_huge_inputs_are_bounded() -> None:
    texts = ["", "\x00\x00", "\ud800 broken surrogate", "Wort " * 200_000]
    vectors = embeddings.passages(texts)
    assert vectors.shape == (4, embeddings.DIM)
    assert np.isfinite(vectors).all()


def test_cached_vector_equals_fresh_one() -> None:
    first = embeddings.passages(["Hochwasser an der Oder"])
    second = embeddings.passages(["Hochwasser an der Oder"])
    assert np.array_equal(first, second)
