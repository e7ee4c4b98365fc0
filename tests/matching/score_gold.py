#!/usr/bin/env python3
"""Score a topic matcher on a gold set of liveblog items, overall and per domain.

Vendored from ../shared/eval/score.py (the shared evaluation scorer, which CI may not
have) and extended: items may carry a `domain`, and the scores are also printed per
domain; `--in-process` runs `liveblog-alerts match` inside this interpreter instead of
one process per query (same code path, ~10x faster for a few hundred queries), and
`--batch` puts all queries into one index and matches every entry once (~20x faster
again; the CI test checks that it agrees with the CLI).

usage: score_gold.py GOLD.jsonl QUERIES.json (--baseline | --in-process | --batch | -- CMD ...)
CMD is run once per query as: CMD --query Q FILE.jsonl and must print, one JSON
object a line, the items that match: {"id": ...} (other keys ignored).
Prints per-query misses, per-domain and micro precision / recall / F1 last.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

STOP = {"on", "of", "the", "in", "auf", "der", "die", "das", "von", "über"}

Matcher = Callable[[str, str], set[str]]


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def line(self) -> str:
        return (
            f"precision={self.precision:.3f} recall={self.recall:.3f} F1={self.f1:.3f} "
            f"(tp={self.tp} fp={self.fp} fn={self.fn})"
        )


@dataclass
class Score:
    total: Counts = field(default_factory=Counts)
    domains: dict[str, Counts] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)


def load_items(path: str | Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def baseline_matcher(items: list[dict[str, Any]]) -> Matcher:
    # Google-Alerts-like: every query word must occur as a whole word, case-insensitive
    def match(query: str, _path: str) -> set[str]:
        words = [w for w in re.findall(r"\w+", query.lower()) if w not in STOP]
        out = set()
        for it in items:
            text = ((it.get("title") or "") + " " + it["text"]).lower()
            toks = set(re.findall(r"\w+", text))
            if all(w in toks for w in words):
                out.add(it["id"])
        return out

    return match


def _ids(stdout: str) -> set[str]:
    ids = set()
    for line in stdout.splitlines():
        line = line.strip()
        if line.startswith("{"):
            ids.add(json.loads(line)["id"])
    return ids


def command_matcher(cmd: list[str]) -> Matcher:
    def match(query: str, path: str) -> set[str]:
        p = subprocess.run(
            [*cmd, "--query", query, path], capture_output=True, text=True, timeout=120
        )
        if p.returncode != 0:
            raise SystemExit(f"matcher failed for {query!r}: rc={p.returncode} {p.stderr[-500:]}")
        return _ids(p.stdout)

    return match


def in_process_matcher() -> Matcher:
    """`liveblog-alerts match` run in this interpreter: the CLI's own code path."""
    from bot.cli import main as cli_main

    def match(query: str, path: str) -> set[str]:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            rc = cli_main(["match", "--query", query, path])
        if rc != 0:
            raise SystemExit(f"matcher failed for {query!r}: rc={rc} {err.getvalue()[-500:]}")
        return _ids(out.getvalue())

    return match


def batch_matcher(gold_path: str | Path, queries: list[str]) -> Matcher:
    """All queries in one index, every entry prepared and matched once (what the bot does
    with many subscriptions); reads entries and resolves queries like `liveblog-alerts
    match`. Much faster than one CLI run per query; test_dev_gold checks they agree."""
    from bot.matching.cli_match import read_items
    from bot.matching.index import TopicIndex
    from bot.matching.query import QueryError, default_resolver

    resolver = default_resolver()
    topics = []
    for query in dict.fromkeys(queries):
        try:
            topics.append((query, resolver.resolve_expanded(query).expr))
        except QueryError:
            continue  # the CLI fails on such a query; here it simply finds nothing
    index = TopicIndex.build(topics)
    index.attach_meaning((query, str(query)) for query, _ in topics)
    found: dict[str, set[str]] = {query: set() for query in queries}
    for item in read_items(Path(gold_path)):
        for match in index.match(item["title"], item["text"], item["published"]):
            for query in match.topics:  # queries resolving alike share one expression
                found[str(query)].add(item["id"])

    def match(query: str, path: str) -> set[str]:
        if Path(path) != Path(gold_path):
            raise ValueError(f"batch matcher prepared for {gold_path}, asked for {path}")
        return found[query]

    return match


def score(gold_path: str | Path, queries_path: str | Path, matcher: Matcher) -> Score:
    items = load_items(gold_path)
    with open(queries_path, encoding="utf-8") as handle:
        queries: dict[str, list[str]] = json.load(handle)
    domain_of = {it["id"]: it.get("domain", "-") for it in items}
    result = Score(domains={d: Counts() for d in sorted(set(domain_of.values()))})
    for topic, qs in queries.items():
        truth = {it["id"] for it in items if topic in it["topics"]}
        unsure = {it["id"] for it in items if topic in it.get("unsure", [])}  # not scored
        for q in qs:
            got = matcher(q, str(gold_path)) - unsure
            for ids, kind in ((got & truth, "tp"), (got - truth, "fp"), (truth - got, "fn")):
                for item_id in ids:
                    for counts in (result.total, result.domains[domain_of[item_id]]):
                        setattr(counts, kind, getattr(counts, kind) + 1)
            if got != truth:
                result.misses.append(
                    f"{q!r}: missed {sorted(truth - got)} wrong {sorted(got - truth)}"
                )
    return result


def report(result: Score, out: Any = sys.stdout) -> None:
    for line in result.misses:
        print(line, file=out)
    if len(result.domains) > 1:
        for domain, counts in result.domains.items():
            print(f"  {domain:16} {counts.line()}", file=out)
    print(result.total.line(), file=out)


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    gold_path, queries_path, rest = argv[0], argv[1], argv[2:]
    matcher: Matcher
    if rest[:1] == ["--baseline"]:
        matcher = baseline_matcher(load_items(gold_path))
    elif rest[:1] == ["--in-process"]:
        matcher = in_process_matcher()
    elif rest[:1] == ["--batch"]:
        with open(queries_path, encoding="utf-8") as handle:
            all_queries = [q for qs in json.load(handle).values() for q in qs]
        matcher = batch_matcher(gold_path, all_queries)
    elif rest[:1] == ["--"] and len(rest) > 1:
        matcher = command_matcher(rest[1:])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    report(score(gold_path, queries_path, matcher))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    sys.exit(main(sys.argv[1:]))
