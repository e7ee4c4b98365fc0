"""The dev gold set is well-formed, and the vendored scorer counts the way score.py does."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from tests.matching.score_gold import baseline_matcher, load_items, score

HERE = Path(__file__).resolve().parent
GOLD = HERE / "dev_gold.jsonl"
QUERIES = HERE / "dev_queries.json"


def test_dev_gold_is_well_formed() -> None:
    items = load_items(GOLD)
    queries = json.loads(QUERIES.read_text(encoding="utf-8"))
    ids = [item["id"] for item in items]
    assert len(ids) == len(set(ids))
    assert len(items) >= 300
    assert len({item["domain"] for item in items}) >= 12
    for item in items:
        assert set(item) <= {"id", "published", "title", "text", "topics", "unsure", "domain"}
        assert item["text"].strip()
        # Role matching depends on the publication date: it must carry its offset.
        assert datetime.fromisoformat(item["published"]).utcoffset() is not None
        labels = set(item["topics"]) | set(item.get("unsure", []))
        assert labels <= set(queries), item["id"]
        assert not set(item["topics"]) & set(item.get("unsure", [])), item["id"]
    for label, phrasings in queries.items():
        assert phrasings, label
        assert any(label in item["topics"] for item in items), f"{label} has no entry"


def write(tmp_path: Path, items: list[dict[str, object]], queries: dict[str, list[str]]) -> Path:
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(i) + "\n" for i in items), encoding="utf-8")
    (tmp_path / "queries.json").write_text(json.dumps(queries), encoding="utf-8")
    return gold


def test_unsure_pairs_are_not_scored_and_domains_add_up(tmp_path: Path) -> None:
    items: list[dict[str, object]] = [
        {"id": "a", "title": None, "text": "Flut in Valencia", "topics": ["f"], "domain": "x"},
        {"id": "b", "title": "Flut", "text": "Eine Flut", "topics": [], "domain": "y"},
        {"id": "c", "title": None, "text": "die Flut", "topics": [], "unsure": ["f"]},
        {"id": "d", "title": None, "text": "Hochwasser", "topics": ["f"], "domain": "x"},
    ]
    gold = write(tmp_path, items, {"f": ["Flut"]})
    result = score(gold, tmp_path / "queries.json", baseline_matcher(load_items(gold)))
    # "Flut" finds a (right), b (wrong) and c (unsure: ignored); d is missed.
    assert (result.total.tp, result.total.fp, result.total.fn) == (1, 1, 1)
    assert (result.domains["x"].tp, result.domains["x"].fn) == (1, 1)
    assert result.domains["y"].fp == 1
    assert result.domains["-"].tp + result.domains["-"].fp + result.domains["-"].fn == 0
    assert result.total.f1 == 0.5
    assert result.misses == ["'Flut': missed ['d'] wrong ['b']"]
