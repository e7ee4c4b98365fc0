"""Matching at scale: 100,000 subscriptions over the sample liveblog's entries.

Prints one JSON object: build_s, match_median_ms, match_p99_ms, entries_per_s,
peak_rss_mb, ratio_to_bare_scan (and more). `--quick` uses 10,000 subscriptions.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.matching.calibrate import concept_frequencies  # noqa: E402
from bot.matching.index import TopicIndex  # noqa: E402
from bot.matching.lexicon import default_lexicon  # noqa: E402
from bot.matching.normalize import tokenize  # noqa: E402
from bot.matching.query import QueryError, default_resolver  # noqa: E402
from bot.matching.stopwords import ALL as STOPWORDS  # noqa: E402

SAMPLE = ROOT / "seeds" / "tagesschau-liveblog-2024-11-04.txt"


def sample_entries() -> list[tuple[str | None, str]]:
    from bot.sources.textexport import parse_text_export

    entries = parse_text_export(SAMPLE.read_bytes(), "file://sample")
    return [(e.title, e.text) for e in entries.entries]


def word_list(entries: list[tuple[str | None, str]]) -> list[str]:
    words = {text[t.start : t.end] for title, text in entries for t in tokenize(text)}
    return sorted(w for w in words if len(w) >= 4 and w.casefold() not in STOPWORDS and w.isalpha())


def free_queries(words: list[str], count: int, rng: random.Random) -> list[str]:
    heads = [w for w in words if w[0].isupper() and len(w) >= 5]
    queries: set[str] = set()
    # Single words, generated compounds (Modifier + head), and two-word queries.
    for word in words:
        queries.add(word)
    for a, b in itertools.islice(itertools.product(heads, heads), count * 2):
        if len(queries) >= count * 0.6:
            break
        if a != b:
            queries.add(a + b.lower())
    while len(queries) < count:
        queries.add(f"{rng.choice(words)} {rng.choice(words)}")
    return sorted(queries)[:count]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    total_subs = 10_000 if args.quick else 100_000
    distinct_free = total_subs // 2
    rng = random.Random(7)

    entries = sample_entries()
    lexicon = default_lexicon()
    resolver = default_resolver()
    started = time.perf_counter()
    resolved = []
    for query in free_queries(word_list(entries), distinct_free, rng):
        try:
            resolved.append(resolver.resolve(query).expr)
        except QueryError:
            continue
    resolve_s = time.perf_counter() - started
    catalog = [t.expr for t in lexicon.topics.values()]
    subscriptions = [(i, catalog[i % len(catalog)]) for i in range(total_subs - len(resolved))]
    subscriptions += [(len(subscriptions) + i, expr) for i, expr in enumerate(resolved)]
    rarity = concept_frequencies(lexicon, entries)

    started = time.perf_counter()
    index = TopicIndex.build(subscriptions, rarity)
    build_s = time.perf_counter() - started

    rounds = 3 if args.quick else 5
    timings: list[float] = []
    bare: list[float] = []
    matched = 0
    automaton = index.automaton
    assert automaton is not None
    for _ in range(rounds):
        for title, text in entries:
            t0 = time.perf_counter()
            found = index.match(title, text)
            timings.append(time.perf_counter() - t0)
            matched += len(found)
            scan_text = f"{title or ''} {text}".lower()
            t0 = time.perf_counter()
            for _hit in automaton.iter(scan_text):
                pass
            bare.append(time.perf_counter() - t0)
    timings.sort()
    median = statistics.median(timings)
    result = {
        "subscriptions": len(subscriptions),
        "distinct_topics": len(index.exprs),
        "free_queries": len(resolved),
        "automaton_keys": len(automaton),
        "entries": len(entries),
        "resolve_queries_s": round(resolve_s, 3),
        "build_s": round(build_s, 3),
        "match_median_ms": round(median * 1000, 3),
        "match_p99_ms": round(timings[int(len(timings) * 0.99) - 1] * 1000, 3),
        "entries_per_s": round(len(timings) / sum(timings), 1),
        "matches_per_entry": round(matched / len(timings), 1),
        "ratio_to_bare_scan": round(median / statistics.median(bare), 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
