"""The loop watchdog itself: it must see a blocked loop, or the lag bounds prove nothing."""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.hostile.loop_probe import LoopProbe

# Wall-clock bounds: run alone, after the parallel part of the suite (see Makefile).
pytestmark = pytest.mark.timing

BLOCK_S = 0.3


async def test_the_probe_sees_a_callback_that_holds_the_loop() -> None:
    async with LoopProbe() as probe:
        await asyncio.sleep(0.05)
        time.sleep(BLOCK_S)  # noqa: ASYNC251 - the point: a blocking call on the loop
        await asyncio.sleep(0.05)
    assert probe.max_lag_s >= BLOCK_S * 0.9
    assert probe.ticks >= 2


async def test_a_block_right_before_the_end_still_counts() -> None:
    async with LoopProbe() as probe:
        time.sleep(BLOCK_S)  # noqa: ASYNC251 - the probe has not woken since
    assert probe.max_lag_s >= BLOCK_S * 0.9


async def test_an_idle_loop_shows_little_lag() -> None:
    async with LoopProbe() as probe:
        await asyncio.sleep(0.1)
    assert probe.max_lag_s < BLOCK_S
