"""The real newsroom corpus (tests/matching/real) is well-formed and split by article."""

from __future__ import annotations

import json
from pathlib import Path

from tests.matching.real.split import half
from tests.matching.score_gold import load_items

REAL = Path(__file__).resolve().parent / "real"
POSITIVE = {"synonym", "compound", "role"}
NEAR_MISS = {"passing", "name", "metaphor", "homograph", "other-event"}
FIELDS = {"id", "published", "title", "text", "topics", "unsure", "hard", "domain", "url"}


def test_items_are_well_formed_and_in_their_half() -> None:
    queries = json.loads((REAL / "queries.json").read_text(encoding="utf-8"))
    ids = []
    for name in ("dev", "heldout"):
        for item in load_items(REAL / f"{name}.jsonl"):
            ids.append(item["id"])
            assert set(item) <= FIELDS | {"site", "lang"}, item["id"]
            assert item["lang"] in ("de", "en")
            assert item["url"].startswith("http")
            assert item["site"]
            assert item["domain"] == f"real-{item['lang']}"
            assert 0 < len(item["text"]) <= 800, item["id"]
            labels, unsure = set(item["topics"]), set(item.get("unsure", []))
            assert labels | unsure <= set(queries), item["id"]
            assert not labels & unsure, item["id"]
            for topic, cls in item.get("hard", {}).items():
                assert topic in queries, item["id"]
                assert cls in (POSITIVE if topic in labels else NEAR_MISS), item["id"]
            assert half(item) == name, f"{item['id']} belongs to the other half"
    assert len(ids) == len(set(ids))


def test_queries_and_topic_groups_agree() -> None:
    queries = json.loads((REAL / "queries.json").read_text(encoding="utf-8"))
    meta = json.loads((REAL / "topics.json").read_text(encoding="utf-8"))
    catalog, other = set(meta["catalog_topics"]), set(meta["not_in_catalog_topics"])
    assert catalog | other == set(queries)
    assert not catalog & other
    for topic, phrasings in queries.items():
        langs = {meta["query_lang"][q] for q in phrasings}
        assert langs == {"de", "en"}, topic
    items = load_items(REAL / "dev.jsonl") + load_items(REAL / "heldout.jsonl")
    for topic in queries:
        assert any(topic in item["topics"] for item in items), f"{topic} has no positive"
