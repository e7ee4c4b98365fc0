#!/usr/bin/env python3
"""Score the matcher (or the whole-word baseline) on the real newsroom corpus.

usage: score_real.py GOLD.jsonl [QUERIES.json] [--baseline] [--misses]

GOLD is tests/matching/real/dev.jsonl or heldout.jsonl (QUERIES defaults to
real/queries.json, the topic groups and query languages come from real/topics.json).
Prints micro precision / recall / F1 overall, per paragraph language, per query
language, for catalog topics and for topics not in the catalog, and the misses per
hard-case class: a missed positive counts for its class (synonym, compound, role, or
"literal"), a wrong hit for its near-miss class (passing, name, metaphor, homograph,
other-event, or "unmarked"); positives whose language differs from the query's are
also counted as "other-language". --misses lists every missed and wrong pair.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.matching.score_gold import Counts, baseline_matcher, batch_matcher, load_items

REAL = Path(__file__).resolve().parent / "real"


def score(
    gold_path: Path, queries_path: Path, baseline: bool = False
) -> tuple[dict[str, Counts], dict[str, list[int]], list[str]]:
    items = load_items(gold_path)
    queries: dict[str, list[str]] = json.loads(queries_path.read_text(encoding="utf-8"))
    meta = json.loads((REAL / "topics.json").read_text(encoding="utf-8"))
    catalog = set(meta["catalog_topics"])
    query_lang: dict[str, str] = meta["query_lang"]
    all_queries = [q for qs in queries.values() for q in qs]
    matcher = baseline_matcher(items) if baseline else batch_matcher(gold_path, all_queries)
    groups: dict[str, Counts] = defaultdict(Counts)
    classes: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # misses, pairs
    misses: list[str] = []
    for topic, phrasings in queries.items():
        for query in phrasings:
            got = matcher(query, str(gold_path))
            qlang = query_lang.get(query, "?")
            for item in items:
                if topic in item.get("unsure", []):
                    continue
                truth, hit = topic in item["topics"], item["id"] in got
                kind = "tp" if truth and hit else "fn" if truth else "fp" if hit else ""
                hard = item.get("hard", {}).get(topic)
                if truth or hard:
                    cls = hard or "literal"
                    other = truth and item["lang"] != qlang
                    for name in [cls] + (["other-language"] if other else []):
                        classes[name][1] += 1
                        classes[name][0] += kind in ("fn", "fp")
                elif hit:
                    classes["unmarked"][0] += 1
                if not kind:
                    continue
                where = "catalog" if topic in catalog else "not-in-catalog"
                for group in ("all", f"text {item['lang']}", f"query {qlang}", where):
                    counts = groups[group]
                    setattr(counts, kind, getattr(counts, kind) + 1)
                if kind != "tp":
                    misses.append(f"{kind} {query!r} {item['id']} ({hard or '-'})")
    return dict(groups), dict(classes), misses


def main(argv: list[str]) -> int:
    flags = {a for a in argv if a.startswith("--")}
    paths = [a for a in argv if not a.startswith("--")]
    if not paths or flags - {"--baseline", "--misses"}:
        print(__doc__, file=sys.stderr)
        return 2
    gold = Path(paths[0])
    queries = Path(paths[1]) if len(paths) > 1 else REAL / "queries.json"
    groups, classes, misses = score(gold, queries, baseline="--baseline" in flags)
    if "--misses" in flags:
        for line in misses:
            print(line)
    for name in ("text de", "text en", "query de", "query en", "catalog", "not-in-catalog"):
        print(f"  {name:16} {groups.get(name, Counts()).line()}")
    print(
        "  misses by class: "
        + ", ".join(
            f"{name} {missed}" + (f"/{pairs}" if pairs else "")
            for name, (missed, pairs) in sorted(classes.items())
        )
    )
    print(groups.get("all", Counts()).line())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
