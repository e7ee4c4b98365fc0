"""The role registry (storage/repos/processes.py, bot/roles.py) on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.roles import EXCLUDES, STALE_S, RoleConflict, RoleRegistration
from storage import Storage

T0 = datetime(2024, 1, 1, 12, 0, tzinfo=UTC)


def stale(at: datetime) -> datetime:
    return at - timedelta(seconds=STALE_S)


async def test_join_refuses_an_excluded_live_role_and_registers_otherwise(store: Storage) -> None:
    repo = store.processes
    assert await repo.join("w1", "deliver", EXCLUDES["deliver"], T0, stale(T0)) == []
    assert await repo.join("w2", "deliver", EXCLUDES["deliver"], T0, stale(T0)) == []
    # `all` beside two live deliver workers: refused, nothing written.
    blocking = await repo.join("a1", "all", EXCLUDES["all"], T0, stale(T0))
    assert sorted((w, r) for w, r, _ in blocking) == [("w1", "deliver"), ("w2", "deliver")]
    assert await repo.beat("a1", T0) is False  # not registered
    # An ingest process may run beside deliver workers, a second one may not.
    assert await repo.join("i1", "ingest", EXCLUDES["ingest"], T0, stale(T0)) == []
    assert [w for w, _, _ in await repo.join("i2", "ingest", EXCLUDES["ingest"], T0,
                                             stale(T0))] == ["i1"]  # fmt: skip
    # Once the others are gone (left, or not renewed for STALE_S), `all` may start.
    await repo.leave("i1")
    later = T0 + timedelta(seconds=STALE_S + 1)
    assert await repo.beat("w1", T0 + timedelta(seconds=5)) is True
    assert [w for w, _, _ in await repo.join("a1", "all", EXCLUDES["all"], later,
                                             stale(later))] == ["w1"]  # fmt: skip
    much_later = later + timedelta(seconds=10)
    assert await repo.join("a1", "all", EXCLUDES["all"], much_later, stale(much_later)) == []
    # And now the deliver worker that comes back is refused in turn.
    blocked = await repo.join("w1", "deliver", EXCLUDES["deliver"], much_later, stale(much_later))
    assert [(w, r) for w, r, _ in blocked] == [("a1", "all")]


async def test_the_refusal_is_one_line_that_says_what_to_do(store: Storage) -> None:
    worker = RoleRegistration(store, "host:12:abc", "deliver")
    await worker.join()
    single = RoleRegistration(store, "host:13:def", "all")
    with pytest.raises(RoleConflict) as refused:
        await single.join()
    message = str(refused.value)
    assert "\n" not in message
    assert message.startswith(
        "role all cannot share this database with a running deliver process (host:12:abc,"
    )
    assert message.endswith(f"stop it, or wait {STALE_S:.0f} s if it is gone")
    await worker.beat()
    await worker.leave()
    await single.join()  # the worker left: the single process may run
