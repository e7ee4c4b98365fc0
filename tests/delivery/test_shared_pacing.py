"""SharedWindow: workers take their send slots from one shared schedule (fake time here;
tests/storage/test_leases.py reserves on both real backends, tests/scale runs processes)."""

from __future__ import annotations

import asyncio
import heapq
from collections.abc import Awaitable
from itertools import pairwise

import pytest

from bot.delivery.priority import Priority, PriorityWindow
from bot.delivery.shared_pacing import SharedWindow


class Time:
    """One virtual clock for every worker: a sleeper wakes when the clock reaches its
    time; `run` moves the clock to the next wake-up once every task is blocked."""

    def __init__(self) -> None:
        self.now = 1000.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = 0

    async def sleep(self, seconds: float) -> None:
        future = asyncio.get_running_loop().create_future()
        self._seq += 1
        heapq.heappush(self._sleepers, (self.now + max(0.0, seconds), self._seq, future))
        await future

    async def run(self, *work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(asyncio.gather(*work))
        while not task.done():
            for _ in range(50):  # let every task run until it waits on the clock
                await asyncio.sleep(0)
            if self._sleepers:
                wake, _, future = heapq.heappop(self._sleepers)
                self.now = max(self.now, wake)
                future.set_result(None)
        await task


class Rates:
    """The database's row: its clock is the virtual one plus `skew` (another machine)."""

    def __init__(self, time: Time, skew: float = 0.0, latency: list[float] | None = None) -> None:
        self.time, self.skew = time, skew
        self.next_at = 0.0
        self.latency = latency or []  # answers read this much later, one per reservation
        self.calls = 0

    async def reserve(self, key: str, count: int, gap: float) -> tuple[float, float]:
        self.calls += 1
        db_now = self.time.now + self.skew
        first = max(self.next_at, db_now)
        self.next_at = first + count * gap
        if self.latency:
            self.time.now += self.latency.pop(0)
        return first, db_now


def worker(time: Time, rates: Rates, per_second: int, local_skew: float = 0.0) -> SharedWindow:
    return SharedWindow(
        rates,
        "free",
        per_second,
        now=lambda: time.now + local_skew,
        sleep=time.sleep,
    )


def most_in_a_second(stamps: list[float]) -> int:
    stamps = sorted(stamps)
    low, peak = 0, 0
    for high, stamp in enumerate(stamps):
        while stamp - stamps[low] >= 1.0 - 1e-9:
            low += 1
        peak = max(peak, high - low + 1)
    return peak


async def test_three_workers_share_one_rate_instead_of_multiplying_it() -> None:
    time = Time()
    rates = Rates(time, skew=-3600.0)  # the database's clock an hour off: no matter
    workers = [worker(time, rates, 29, local_skew=s) for s in (0.0, 5.0, -7.0)]
    stamps: list[float] = []

    async def send(window: SharedWindow, count: int) -> None:
        for _ in range(count):
            await window.acquire()
            stamps.append(time.now)

    await time.run(*(send(w, 60) for w in workers))
    assert len(stamps) == 180
    assert most_in_a_second(stamps) <= 29 + 1  # evenly spaced: 30 stamps span 1.0 s
    elapsed = max(stamps) - min(stamps)
    assert elapsed == pytest.approx(179 / 29, rel=0.05)  # the one-worker rate, not 3x
    assert rates.calls <= 180 / workers[0].block + 3 * 2  # a block at a time


async def test_a_slow_reply_never_brings_two_slots_closer_than_a_gap() -> None:
    time = Time()
    # The first answer is read 40 ms late (a busy loop), the next ones at once.
    rates = Rates(time, latency=[0.04, 0.0, 0.0, 0.0, 0.0])
    window = worker(time, rates, 29)
    stamps = []

    async def send() -> None:
        for _ in range(4 * window.block):
            await window.acquire()
            stamps.append(time.now)

    await time.run(send())
    assert min(b - a for a, b in pairwise(stamps)) >= window.gap - 1e-9


async def test_slots_missed_while_idle_are_dropped_not_used_late() -> None:
    time = Time()
    rates = Rates(time)
    window = worker(time, rates, 29)
    await time.run(window.acquire())  # one of a block of three
    time.now += 5.0  # nothing to send for a while
    started = time.now
    await time.run(window.acquire())
    assert time.now == pytest.approx(started)  # a fresh block, the first slot now
    assert window.dropped == window.block - 1
    assert rates.calls == 2


async def test_it_is_the_inner_slot_source_of_a_priority_window() -> None:
    time = Time()
    shared = worker(time, Rates(time), 990)
    window = PriorityWindow(shared)
    assert (window.limit, window.span) == (990, 1.0)
    order: list[Priority] = []

    async def send(priority: Priority, chat_id: int) -> None:
        await window.acquire(priority, chat_id)
        order.append(priority)

    await time.run(*(send(Priority.DIGEST, 1) for _ in range(5)), send(Priority.URGENT, 2))
    assert len(order) == 6
    assert Priority.URGENT in order[:2]


async def test_a_slot_woken_up_too_late_is_given_up() -> None:
    time = Time()
    late = [0.05]

    async def sleepy(seconds: float) -> None:  # the first wake-up comes 50 ms late
        await time.sleep(seconds + (late.pop() if late else 0.0))

    window = SharedWindow(Rates(time), "free", 29, now=lambda: time.now, sleep=sleepy)
    stamps: list[float] = []

    async def send() -> None:
        for _ in range(6):
            await window.acquire()
            stamps.append(time.now)

    await time.run(send())
    assert window.dropped >= 1
    assert min(b - a for a, b in pairwise(stamps)) >= window.gap - 1e-9
