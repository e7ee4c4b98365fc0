"""Which processes of the bot run on this database, and in which role (bot/roles.py).

`join` is atomic: it forgets rows not renewed since `stale_before`, and either finds
live processes in a role that excludes the caller's (and then writes nothing) or
registers the caller. PostgreSQL serialises joins on an advisory lock, so two processes
starting at the same moment cannot both miss each other; SQLite has one writer.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from storage.db import Db
from storage.timeutil import from_db_required, to_db

_JOIN_LOCK_KEY = 0x726F6C6573  # "roles"


class SqlProcessRepository:
    def __init__(self, db: Db) -> None:
        self._db = db

    async def join(
        self,
        worker: str,
        role: str,
        excluded: Collection[str],
        wall: datetime,
        stale_before: datetime,
    ) -> list[tuple[str, str, datetime]]:
        """Register `worker` unless a live process has one of the `excluded` roles; those
        processes (worker, role, last seen), empty when the caller was registered."""
        async with self._db.transaction() as tx:
            if self._db.dialect == "postgresql":
                await tx.fetchone("SELECT pg_advisory_xact_lock(?)", (_JOIN_LOCK_KEY,))
            await tx.execute("DELETE FROM process_roles WHERE seen_at < ?", (to_db(stale_before),))
            rows = await tx.fetchall(
                "SELECT worker, role, seen_at FROM process_roles WHERE worker <> ?"
                " ORDER BY seen_at DESC",
                (worker,),
            )
            blocking = [
                (str(w), str(r), from_db_required(str(s))) for w, r, s in rows if r in excluded
            ]
            if not blocking:
                await tx.execute(
                    "INSERT INTO process_roles (worker, role, seen_at) VALUES (?, ?, ?)"
                    " ON CONFLICT (worker) DO UPDATE SET role = excluded.role,"
                    " seen_at = excluded.seen_at",
                    (worker, role, to_db(wall)),
                )
            return blocking

    async def beat(self, worker: str, wall: datetime) -> bool:
        """Renew; False when the row is gone (forgotten as stale: the caller rejoins)."""
        changed = await self._db.execute(
            "UPDATE process_roles SET seen_at = ? WHERE worker = ?", (to_db(wall), worker)
        )
        return changed > 0

    async def leave(self, worker: str) -> None:
        await self._db.execute("DELETE FROM process_roles WHERE worker = ?", (worker,))
