"""PriorityWindow with an inner slot source the test controls: who gets each slot, in
which order, and what cancellation does to the queue (no slot lost, no deadlock)."""

from __future__ import annotations

import asyncio
import random

import pytest

from bot.delivery.priority import Priority, PriorityWindow
from tests.delivery.grant_log import GrantLog


class Slots:
    """Hands out a slot each time the test releases one; counts what it gave."""

    limit, span = 10, 1.0

    def __init__(self) -> None:
        self._tokens: asyncio.Queue[None] = asyncio.Queue()
        self.given = 0
        self.waiting = 0
        self.fail_next = False

    async def acquire(self) -> None:
        self.waiting += 1
        try:
            await self._tokens.get()
        finally:
            self.waiting -= 1
        if self.fail_next:
            self.fail_next = False
            raise ConnectionError("the shared rate is unreachable")
        self.given += 1

    def release(self, n: int = 1) -> None:
        for _ in range(n):
            self._tokens.put_nowait(None)


async def settle() -> None:
    """Let every ready task run until none is left runnable (no wall-clock wait)."""
    for _ in range(50):
        await asyncio.sleep(0)


class Recorder:
    def __init__(self, window: PriorityWindow) -> None:
        self.window = window
        self.order: list[str] = []
        self.tasks: dict[str, asyncio.Task[None]] = {}

    def start(self, name: str, priority: Priority, chat_id: int | None) -> None:
        async def wait() -> None:
            await self.window.acquire(priority, chat_id)
            self.order.append(name)

        self.tasks[name] = asyncio.create_task(wait(), name=name)


async def grant_all(slots: Slots, rec: Recorder, expected: int) -> None:
    for _ in range(expected):
        slots.release()
        await settle()
    assert len(rec.order) == expected


async def test_classes_go_first_whatever_their_arrival() -> None:
    slots = Slots()
    rec = Recorder(PriorityWindow(slots))
    for n in range(5):
        rec.start(f"digest{n}", Priority.DIGEST, 100 + n)
    rec.start("batch", Priority.BATCH, 200)
    rec.start("instant", Priority.INSTANT, 201)
    rec.start("urgent", Priority.URGENT, 202)
    await settle()
    assert len(rec.window) == 8
    assert slots.waiting == 1  # one leader waits on the inner source, the others on it
    await grant_all(slots, rec, 8)
    # The first digest arrived alone and leads, but leading earns it nothing.
    assert rec.order == ["urgent", "instant", "batch"] + [f"digest{n}" for n in range(5)]
    assert len(rec.window) == 0
    assert slots.given == 8


async def test_a_late_urgent_message_overtakes_thousands_of_waiting_digests() -> None:
    slots = Slots()
    rec = Recorder(PriorityWindow(slots))
    for n in range(5000):
        rec.start(f"d{n}", Priority.DIGEST, n)
    await settle()
    await grant_all(slots, rec, 10)
    rec.start("urgent", Priority.URGENT, 99_999)
    await settle()
    slots.release()
    await settle()
    assert rec.order[-1] == "urgent"
    assert rec.order[:10] == [f"d{n}" for n in range(10)]
    for task in rec.tasks.values():
        task.cancel()
    await asyncio.gather(*rec.tasks.values(), return_exceptions=True)
    assert len(rec.window) == 0
    assert rec.window._rounds == {}


async def test_one_chat_with_many_waiting_takes_turns_with_the_others() -> None:
    slots = Slots()
    rec = Recorder(PriorityWindow(slots))
    for n in range(25):  # one chat's 25 topics, all waiting at once
        rec.start(f"busy{n}", Priority.INSTANT, 1)
    for chat in range(2, 12):
        rec.start(f"other{chat}", Priority.INSTANT, chat)
    await settle()
    await grant_all(slots, rec, 35)
    # Round 1 of every chat, then the busy chat's rounds 2..25.
    assert rec.order[:11] == ["busy0"] + [f"other{c}" for c in range(2, 12)]
    assert rec.order[11:] == [f"busy{n}" for n in range(1, 25)]


async def test_round_robin_holds_within_a_class_not_across() -> None:
    slots = Slots()
    rec = Recorder(PriorityWindow(slots))
    rec.start("lead", Priority.DIGEST, 9)
    for n in range(3):
        rec.start(f"a-urgent{n}", Priority.URGENT, 1)
    rec.start("b-instant", Priority.INSTANT, 2)
    await settle()
    await grant_all(slots, rec, 5)
    # Chat 1's third urgent alert still beats chat 2's instant one.
    assert rec.order == ["a-urgent0", "a-urgent1", "a-urgent2", "b-instant", "lead"]


async def test_cancelled_leader_hands_over_and_nothing_deadlocks() -> None:
    slots = Slots()
    rec = Recorder(PriorityWindow(slots))
    rec.start("leader", Priority.DIGEST, 1)
    await settle()
    rec.start("second", Priority.DIGEST, 2)
    rec.start("third", Priority.BATCH, 3)
    await settle()
    assert slots.waiting == 1
    rec.tasks["leader"].cancel()
    await settle()
    assert slots.waiting == 1  # someone else waits on the inner source now
    assert len(rec.window) == 2
    await grant_all(slots, rec, 2)
    assert rec.order == ["third", "second"]
    assert rec.tasks["leader"].cancelled()


async def test_a_slot_given_to_a_caller_cancelled_before_it_ran_goes_to_the_next() -> None:
    slots = Slots()
    rec = Recorder(PriorityWindow(slots))
    rec.start("lead", Priority.DIGEST, 1)
    await settle()
    rec.start("winner", Priority.URGENT, 2)
    rec.start("next", Priority.INSTANT, 3)
    await settle()
    slots.release()
    # Step by step: the leader takes the slot and gives it to "winner"; right then,
    # before the winner's task has run, it is cancelled.
    for _ in range(5):
        await asyncio.sleep(0)
        if len(rec.window) == 2:
            break
    else:
        pytest.fail("the slot never reached the urgent waiter")
    assert not rec.tasks["winner"].done()
    rec.tasks["winner"].cancel()
    await settle()
    assert rec.tasks["winner"].cancelled()
    # The slot was not lost: "next" got it without another release.
    assert rec.order == ["next"]
    assert slots.given == 1
    slots.release()
    await settle()
    assert rec.order == ["next", "lead"]


async def test_cancelled_waiters_leave_the_queue_and_their_chat_rounds() -> None:
    slots = Slots()
    window = PriorityWindow(slots)
    rec = Recorder(window)
    rec.start("lead", Priority.DIGEST, 0)
    for n in range(300):
        rec.start(f"c{n}", Priority.BATCH, 7)  # one chat, rounds 1..300
    await settle()
    assert window._rounds[7] == [300, 300]
    for n in range(300):
        rec.tasks[f"c{n}"].cancel()
    await settle()
    assert len(window) == 1
    assert 7 not in window._rounds
    assert len(window._heap) < 100  # swept, not kept until popped
    rec.start("after", Priority.BATCH, 7)  # the chat starts at round 1 again
    await settle()
    await grant_all(slots, rec, 2)
    assert rec.order == ["after", "lead"]


async def test_a_failing_inner_source_fails_the_leader_only() -> None:
    slots = Slots()
    rec = Recorder(PriorityWindow(slots))
    rec.start("lead", Priority.DIGEST, 1)
    await settle()
    rec.start("other", Priority.DIGEST, 2)
    await settle()
    slots.fail_next = True
    slots.release()
    await settle()
    with pytest.raises(ConnectionError):
        await rec.tasks["lead"]
    slots.release()
    await settle()
    assert rec.order == ["other"]


async def test_random_arrivals_and_cancellations_lose_no_slot() -> None:
    """Any mix: every released slot serves exactly one live waiter while any waits,
    always the best one by (class, round, arrival)."""
    rng = random.Random(13)
    slots = Slots()
    window = PriorityWindow(slots)
    served: list[tuple[int, int]] = []
    tasks: list[asyncio.Task[None]] = []

    async def wait(priority: Priority, chat: int, seq: int) -> None:
        await window.acquire(priority, chat)
        served.append((int(priority), seq))

    seq = 0
    released = 0
    for _ in range(600):
        action = rng.random()
        if action < 0.45:
            priority = rng.choice(list(Priority))
            tasks.append(asyncio.create_task(wait(priority, rng.randrange(20), seq)))
            seq += 1
        elif action < 0.65:
            live = [t for t in tasks if not t.done()]
            if live:
                rng.choice(live).cancel()
        else:
            slots.release()
            released += 1
        await settle()
        live_count = sum(not t.done() for t in tasks)
        assert len(window) == live_count
        # Exactly one caller waits on the inner source while anyone waits: no deadlock.
        assert slots.waiting == (1 if live_count else 0)
        # Every slot taken served exactly one caller; a slot is only left in the
        # source when nobody waited for it.
        assert len(served) == slots.given
        assert released == slots.given + slots._tokens.qsize()
        assert live_count == 0 or slots._tokens.qsize() == 0
    assert len(served) > 100
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    assert len(window) == 0
    assert window._rounds == {}


async def test_with_the_real_sliding_window_it_keeps_the_rate() -> None:
    inner = GrantLog(200)
    window = PriorityWindow(inner)
    served: list[int] = []

    async def send(priority: Priority, chat: int) -> None:
        await window.acquire(priority, chat)
        served.append(chat)

    await asyncio.gather(*(send(Priority(n % 4), n) for n in range(60)))
    assert sorted(served) == list(range(60))
    assert len(inner.given) == 60  # one slot of the real window per message, none shared
    # Given evenly spaced at 1/200 s, never a burst (see tests/delivery/grant_log.py for
    # why the slots and not the callers' wake-ups).
    assert inner.min_gap() >= 1 / 200 - 1e-9
    assert window.limit == 200
