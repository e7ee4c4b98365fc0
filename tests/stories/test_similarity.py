"""Same event or another one: the similarity measure on a labelled set, and on bad input."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.stories.similarity import MAX_CHARS, fingerprint, same_story, similarity

PAIRS = Path(__file__).with_name("story_pairs.jsonl")


def _decide(pair: dict[str, dict[str, str]]) -> bool:
    a, b = pair["a"], pair["b"]
    apart = datetime.fromisoformat(b["published"]) - datetime.fromisoformat(a["published"])
    return same_story(
        fingerprint(a["title"], a["text"]),
        fingerprint(b["title"], b["text"]),
        apart.total_seconds(),
    )


def test_labelled_pairs_precision_and_recall() -> None:
    pairs = [json.loads(line) for line in PAIRS.read_text("utf-8").splitlines() if line]
    assert len(pairs) >= 60
    assert {p["lang"] for p in pairs} == {"de", "en"}
    said = [(_decide(p), bool(p["same"])) for p in pairs]
    tp = sum(1 for got, want in said if got and want)
    fp = sum(1 for got, want in said if got and not want)
    fn = sum(1 for got, want in said if not got and want)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert precision >= 0.9, (precision, recall)
    assert recall >= 0.8, (precision, recall)


def test_time_apart_decides_too() -> None:
    a = fingerprint("Luftalarm in Kiew", "Explosionen im Stadtteil Darnyzja, zwei Verletzte.")
    assert same_story(a, a, 3600)
    assert not same_story(a, a, 3 * 24 * 3600)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=400), st.text(max_size=3000), st.text(max_size=3000))
def test_any_text_gives_a_bounded_symmetric_score(title: str, one: str, other: str) -> None:
    a, b = fingerprint(title, one), fingerprint(None, other)
    score = similarity(a, b)
    assert 0.0 <= score <= 1.0 + 1e-9
    assert abs(score - similarity(b, a)) < 1e-9
    if a.norm:
        assert abs(similarity(a, a) - 1.0) < 1e-9


def test_a_huge_entry_reads_only_its_lead() -> None:
    lead = "Raketenangriff auf Odessa: zehn Tote im Hafen. "
    huge = fingerprint(None, lead * 100_000)
    assert len(huge.terms) < 50
    assert len(lead) * 100_000 > MAX_CHARS


def test_one_shared_name_does_not_make_two_short_entries_one_story() -> None:
    drones = fingerprint("Drohnenangriff auf Kiew", "Russland hat Kiew mit Drohnen angegriffen.")
    sirens = fingerprint("Luftalarm in Kiew", "In Kiew heulen die Sirenen.")
    assert not same_story(drones, sirens, 300)
