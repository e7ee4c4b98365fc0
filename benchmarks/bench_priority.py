"""What PriorityWindow costs the event loop: CPU per slot handed out with N callers
waiting (mixed classes, many chats, some cancelling), against asking the inner window
directly (no queue of our own). The inner source never makes anyone wait, so the figures are
the queueing work alone. Prints one JSON object. `--quick`: fewer waiters.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.delivery.priority import Priority, PriorityWindow  # noqa: E402


class Instant:
    """An inner source with a free slot whenever asked, but yielding like a real one."""

    limit, span = 1_000_000, 1.0

    async def acquire(self) -> None:
        await asyncio.sleep(0)


async def run(waiting: int, rounds: int, prioritised: bool) -> dict[str, float]:
    rng = random.Random(13)
    inner = Instant()
    window = PriorityWindow(inner)
    served = 0

    async def sender(chat: int) -> None:
        nonlocal served
        for _ in range(rounds):
            if prioritised:
                await window.acquire(rng.choice(list(Priority)), chat)
            else:
                await inner.acquire()
            served += 1

    started, cpu = time.perf_counter(), time.process_time()
    tasks = [asyncio.create_task(sender(rng.randrange(waiting // 4 + 1))) for _ in range(waiting)]
    await asyncio.sleep(0)
    for task in rng.sample(tasks, waiting // 10):  # a tenth is cancelled while waiting
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "slots": served,
        "wall_s": round(wall, 3),
        "cpu_us_per_slot": round(cpu / served * 1e6, 2),
    }


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    waiting = 1_000 if args.quick else 5_000
    rounds = 10
    report = {
        "waiting": waiting,
        "slots_per_waiter": rounds,
        "priority_window": await run(waiting, rounds, True),
        "inner_alone": await run(waiting, rounds, False),
    }
    print(json.dumps(report))


if __name__ == "__main__":
    asyncio.run(main())
