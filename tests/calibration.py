"""Bounds that hold on a busy machine: CPU time, scaled by a calibration of this run.

Wall-clock bounds (loop lag, answer times) fail when other processes take the cores:
the same work waits longer for a CPU, although it costs no more. What a test can bound
instead is the CPU time a thread spent (`time.thread_time`), which other processes do
not inflate, against a limit scaled by how fast this machine runs a fixed piece of
reference work, measured in the same run: a slow laptop gets proportionally more.
"""

from __future__ import annotations

import functools
import time

# The reference work's CPU time on the machine the bounds were written on (2-core
# python-svc: 0.029-0.031 s, min of five). Bounds below are in that machine's seconds.
REFERENCE_CPU_S = 0.03


def _reference_work() -> int:
    counts: dict[int, int] = {}
    for i in range(200_000):
        counts[i % 997] = counts.get(i % 997, 0) + len(str(i))
    return len(counts)


@functools.cache
def cpu_scale() -> float:
    """How much slower than the reference machine this one runs Python (never < 1)."""
    best = float("inf")
    for _ in range(5):  # the least disturbed of five: cache and frequency noise only add
        started = time.thread_time()
        _reference_work()
        best = min(best, time.thread_time() - started)
    return max(1.0, best / REFERENCE_CPU_S)


def cpu_bound(seconds: float) -> float:
    """A bound of `seconds` of CPU on the reference machine, for this machine."""
    return seconds * cpu_scale()
