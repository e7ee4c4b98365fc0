"""What one process of the bot does (`liveblog-alerts run --role …`).

- `all` (default): everything in one process, as always (SQLite or PostgreSQL).
- `ingest`: polls the sources, matches, writes the outbox, and handles the chat's
  updates (commands and buttons, by long polling or webhook): Telegram hands each update
  to one consumer, so exactly one process may ask for them: run one ingest process.
- `deliver`: sends the outbox (alerts, hourly batches, edits, digests) and nothing else;
  run as many as needed, on PostgreSQL. They share the outbox through chat leases and
  Telegram's overall limits through the database (bot/delivery/leases.py,
  bot/delivery/shared_pacing.py).

One role per job: `all` owns the whole outbox (it clears leases at start and paces in
memory), so it refuses to start on a database that live ingest or deliver processes use,
and they refuse while an `all` runs there; a second ingest process is refused too (the
updates would be split between them). Processes say so in the database
(storage/repos/processes.py) and renew it every BEAT_S; one not renewed for STALE_S is
taken for dead.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Literal

from storage.interfaces import Storage

log = logging.getLogger(__name__)

Role = Literal["all", "ingest", "deliver"]
ROLES: tuple[Role, ...] = ("all", "ingest", "deliver")

# Who may not run beside whom on one database.
EXCLUDES: dict[Role, tuple[Role, ...]] = {
    "all": ("all", "ingest", "deliver"),
    "ingest": ("all", "ingest"),
    "deliver": ("all",),
}
BEAT_S = 15.0
STALE_S = 60.0


class RoleConflict(RuntimeError):
    """This process's role cannot share the database with a live one (one line)."""


class RoleRegistration:
    def __init__(self, storage: Storage, worker: str, role: Role) -> None:
        self.storage, self.worker, self.role = storage, worker, role

    @staticmethod
    def wall() -> datetime:
        return datetime.now(UTC)  # real time, like the leases: the processes share it

    async def join(self) -> None:
        wall = self.wall()
        blocking = await self.storage.processes.join(
            self.worker, self.role, EXCLUDES[self.role], wall, wall - timedelta(seconds=STALE_S)
        )
        if blocking:
            worker, role, seen = blocking[0]
            ago = max(0.0, (wall - seen).total_seconds())
            raise RoleConflict(
                f"role {self.role} cannot share this database with a running {role} process"
                f" ({worker}, seen {ago:.0f} s ago"
                + (f", {len(blocking) - 1} more" if len(blocking) > 1 else "")
                + f"); stop it, or wait {STALE_S:.0f} s if it is gone"
            )

    async def beat(self) -> None:
        if not await self.storage.processes.beat(self.worker, self.wall()):
            # Forgotten (this process stalled past STALE_S): register again, if it still may.
            await self.join()

    async def leave(self) -> None:
        await self.storage.processes.leave(self.worker)
