"""The loop watchdog itself: it must see a held loop, or the bounds prove nothing."""

from __future__ import annotations

import asyncio
import time

from tests.calibration import cpu_bound
from tests.hostile.loop_probe import LoopProbe

BLOCK_S = 0.3


def spin(cpu_s: float) -> None:
    """Hold the calling thread busy until it has used `cpu_s` of CPU (however long that
    takes in real time on a busy machine)."""
    until = time.thread_time() + cpu_s
    while time.thread_time() < until:
        pass


async def test_the_probe_sees_a_callback_that_holds_the_loop() -> None:
    async with LoopProbe() as probe:
        await asyncio.sleep(0.05)
        spin(BLOCK_S)
        await asyncio.sleep(0.05)
    assert probe.max_held_s >= BLOCK_S
    assert probe.max_lag_s >= BLOCK_S * 0.9  # real time passes at least as fast as CPU
    assert probe.ticks >= 2


async def test_a_block_right_before_the_end_still_counts() -> None:
    async with LoopProbe() as probe:
        spin(BLOCK_S)  # the probe has not woken since
    assert probe.max_held_s >= BLOCK_S


async def test_waiting_off_cpu_is_lag_but_not_held() -> None:
    """A blocking sleep delays the loop (lag) without costing it CPU (held): what a busy
    machine does to the loop, which the held figure must not count."""
    async with LoopProbe() as probe:
        time.sleep(BLOCK_S)  # noqa: ASYNC251 - the point: the loop waits, CPU idle
    assert probe.max_lag_s >= BLOCK_S * 0.9  # less the last interval the probe slept
    assert probe.max_held_s < BLOCK_S / 3


async def test_an_idle_loop_holds_little() -> None:
    async with LoopProbe() as probe:
        await asyncio.sleep(0.1)
    assert probe.ticks >= 1
    assert probe.max_held_s < cpu_bound(0.05)
