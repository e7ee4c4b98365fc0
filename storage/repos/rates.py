"""Shared send rates: the next free slot of each of Telegram's overall limits, in the database.

Telegram counts a bot's messages, not a process's: workers that each kept their own
window would multiply the limit. Each rate is one row; a worker reserves a small block of
evenly spaced slots with one UPDATE (the row lock orders concurrent reservations) and
then waits for each slot locally.

PostgreSQL reserves against its own clock and returns it with the slots, so a worker
only needs the offset to its local clock (measured at the answer): workers on machines
whose clocks disagree still share one schedule. SQLite (one process) uses the caller's.
"""

from __future__ import annotations

import time

from storage.db import Db


class SqlRateRepository:
    def __init__(self, db: Db) -> None:
        self._db = db

    async def reserve(self, key: str, count: int, gap: float) -> tuple[float, float]:
        """`count` slots `gap` seconds apart on the rate `key`, the first no earlier than
        now: (the first slot, now), both epoch seconds on the database's clock."""
        span = count * gap
        if self._db.dialect == "postgresql":
            # One statement in autocommit: one round trip, the row lock held only for it.
            for _ in range(2):
                row = await self._db.fetchone(
                    "UPDATE rate_slots SET next_at = GREATEST(rate_slots.next_at, t.now) + ?"
                    " FROM (SELECT EXTRACT(EPOCH FROM clock_timestamp())::float8 AS now) t"
                    " WHERE rate_key = ? RETURNING rate_slots.next_at, t.now",
                    (span, key),
                )
                if row is not None:
                    return float(row[0]) - span, float(row[1])
                await self._create(key)  # the rate's first use
            raise RuntimeError(f"rate {key!r} could not be created")
        async with self._db.transaction() as tx:  # SQLite: writes go through its lock
            await tx.execute(
                "INSERT INTO rate_slots (rate_key, next_at) VALUES (?, 0)"
                " ON CONFLICT (rate_key) DO NOTHING",
                (key,),
            )
            now = time.time()
            row = await tx.fetchone(
                "UPDATE rate_slots SET next_at = MAX(next_at, ?) + ? WHERE rate_key = ?"
                " RETURNING next_at",
                (now, span, key),
            )
            assert row is not None  # inserted above when missing
            return float(row[0]) - span, now

    async def _create(self, key: str) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO rate_slots (rate_key, next_at) VALUES (?, 0)"
                " ON CONFLICT (rate_key) DO NOTHING",
                (key,),
            )
