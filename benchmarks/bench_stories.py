"""Story merging: CPU per new entry and memory added, through the bot's own path.

Replays a stream of entries through `liveblog-alerts stories` (the StoryLinker the alert
pipeline uses, over a real SQLite database): each new entry reads up to 300 recent
entries of other outlets, refuses most on their facts and embeds only the first reports
of the stories still in question. Texts are the labelled pairs of tests/stories (each
copy made distinct, so no embedding is served from the cache of an earlier copy); one
entry every `--gap` minutes from 8 outlets, so a 12-hour story life holds 300
candidates in steady state.

Prints one JSON object: CPU ms per entry (all threads: the embedding engine runs one
core), the worst single entry, the first entry after start (cold caches), RSS before
the model loads and after the run.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import resource
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import ClassVar

os.environ.setdefault("OMP_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.stories import linker as linker_module  # noqa: E402
from bot.stories.cli_stories import StreamEntry, replay  # noqa: E402


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def texts() -> list[tuple[str, str]]:
    found = []
    for name in ("story_pairs.jsonl", "story_pairs_heldout.jsonl"):
        for line in (ROOT / "tests" / "stories" / name).read_text("utf-8").splitlines():
            item = json.loads(line)
            for side in ("a", "b"):
                found.append((item[side]["title"] or "", item[side]["text"]))
    return found


def stream(count: int, gap_minutes: float) -> list[StreamEntry]:
    base = texts()
    start = datetime(2024, 11, 17, tzinfo=UTC)
    return [
        StreamEntry(
            id=f"e{i}",
            source=f"outlet{i % 8}",
            published=start + timedelta(minutes=i * gap_minutes),
            title=f"{base[i % len(base)][0]} ({i})",
            text=base[i % len(base)][1],
        )
        for i in range(count)
    ]


class Timed(linker_module.StoryLinker):
    """The real linker, timing each comparison (CPU of every thread of the process)."""

    costs: ClassVar[list[float]] = []

    def _compare(self, work):  # type: ignore[no-untyped-def]
        before = time.process_time()
        found = super()._compare(work)
        Timed.costs.append(time.process_time() - before)
        return found


async def main(count: int, gap: float) -> dict[str, object]:
    before_model = rss_mb()
    linker_module.StoryLinker = Timed  # type: ignore[misc]
    import bot.stories.cli_stories as cli

    cli.StoryLinker = Timed  # type: ignore[attr-defined]
    entries = stream(count, gap)
    wall = time.perf_counter()
    cpu = time.process_time()
    await replay(iter(entries), io.StringIO())
    cpu = time.process_time() - cpu
    wall = time.perf_counter() - wall
    costs = Timed.costs
    steady = sorted(costs[len(costs) // 2 :])
    return {
        "entries": count,
        "gap_minutes": gap,
        "candidates_cap": linker_module.CANDIDATES,
        "stories_embedded_cap": linker_module.MAX_STORIES,
        "compare_ms_per_entry_mean": round(1000 * sum(costs) / len(costs), 2),
        "compare_ms_steady_p50": round(1000 * steady[len(steady) // 2], 2),
        "compare_ms_steady_p99": round(1000 * steady[int(len(steady) * 0.99)], 2),
        "compare_ms_worst": round(1000 * max(costs), 2),
        "compare_ms_first_entries_cold": [round(1000 * c, 2) for c in costs[:3]],
        "replay_cpu_ms_per_entry_incl_storage": round(1000 * cpu / count, 2),
        "replay_wall_s": round(wall, 2),
        "rss_mb_before_model": round(before_model, 1),
        "rss_mb_after": round(rss_mb(), 1),
        "rss_mb_added": round(rss_mb() - before_model, 1),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=600)
    parser.add_argument("--gap", type=float, default=2.4, help="minutes between entries")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main(args.entries, args.gap))))
