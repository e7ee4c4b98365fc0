"""The matcher on the repo's dev gold set: liveblog entries from 14 news domains it was
not written for, scored like ../shared/eval/score.py (micro F1 over all queries)."""

from __future__ import annotations

import io
import json
from pathlib import Path

from tests.matching.score_gold import batch_matcher, in_process_matcher, report, score

HERE = Path(__file__).resolve().parent
GOLD = HERE / "dev_gold.jsonl"
QUERIES = HERE / "dev_queries.json"
MIN_F1 = 0.90


def all_queries() -> list[str]:
    topics: dict[str, list[str]] = json.loads(QUERIES.read_text(encoding="utf-8"))
    return [query for queries in topics.values() for query in queries]


def test_dev_gold_f1_at_least_090() -> None:
    result = score(GOLD, QUERIES, batch_matcher(GOLD, all_queries()))
    out = io.StringIO()
    report(result, out)  # misses and per-domain figures, shown when the test fails
    assert result.total.f1 >= MIN_F1, out.getvalue()


def test_batch_scoring_agrees_with_the_match_cli() -> None:
    # The fast scorer must find what `liveblog-alerts match` finds, query by query.
    queries = all_queries()[::15]
    batch, cli = batch_matcher(GOLD, queries), in_process_matcher()
    for query in queries:
        assert batch(query, str(GOLD)) == cli(query, str(GOLD)), query
