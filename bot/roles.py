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

On SQLite too: two `run` processes on one database file would each clear the other's
claims and pace alone. A process that crashed leaves its row behind; beside the STALE_S
limit, a row from this very machine and process namespace whose pid is gone (or is ours:
the container restarted, the pid came round again) is a dead process's and is forgotten
at once, so a supervisor's restart is not refused.
"""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
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


def _place() -> str:
    """Where a pid means something: this boot of this machine and this pid namespace
    (a container has its own; its processes' pids say nothing about ours). Empty when
    the system does not say (then only STALE_S tells a dead process)."""
    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
        namespace = os.stat("/proc/self/ns/pid").st_ino
    except OSError:
        return ""
    return hashlib.sha256(f"{boot}/{namespace}".encode()).hexdigest()[:8]


def registration_name() -> str:
    """host:pid:random:place, unique per process start (pids are reused)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}:{_place()}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    except OSError:
        return True  # cannot tell: let STALE_S decide
    return True


def known_dead(worker: str) -> bool:
    """True when `worker` (a registration_name) ran in this place and its process is
    gone: its pid no longer exists, or it is ours (this process is not that one)."""
    parts = worker.split(":")
    if len(parts) != 4 or not parts[3] or not parts[1].isdigit():
        return False
    host, pid, _, place = parts
    if host != socket.gethostname()[:40] or place != _place():
        return False
    return int(pid) == os.getpid() or not _pid_alive(int(pid))


class RoleConflict(RuntimeError):
    """This process's role cannot share the database with a live one (one line)."""


class RoleRegistration:
    def __init__(self, storage: Storage, worker: str, role: Role) -> None:
        self.storage, self.worker, self.role = storage, worker, role

    @staticmethod
    def wall() -> datetime:
        return datetime.now(UTC)  # real time, like the leases: the processes share it

    async def join(self) -> None:
        blocking = await self._try_join()
        dead = [worker for worker, _, _ in blocking if known_dead(worker)]
        if dead:
            for worker in dead:
                log.info("forgetting the role of %s: its process is gone", worker)
                await self.storage.processes.leave(worker)
            blocking = await self._try_join()
        if blocking:
            worker, role, seen = blocking[0]
            ago = max(0.0, (self.wall() - seen).total_seconds())
            raise RoleConflict(
                f"role {self.role} cannot share this database with a running {role} process"
                f" ({worker}, seen {ago:.0f} s ago"
                + (f", {len(blocking) - 1} more" if len(blocking) > 1 else "")
                + f"); stop it, or wait {STALE_S:.0f} s if it is gone"
            )

    async def _try_join(self) -> list[tuple[str, str, datetime]]:
        wall = self.wall()
        return await self.storage.processes.join(
            self.worker, self.role, EXCLUDES[self.role], wall, wall - timedelta(seconds=STALE_S)
        )

    async def beat(self) -> None:
        if not await self.storage.processes.beat(self.worker, self.wall()):
            # Forgotten (this process stalled past STALE_S): register again, if it still may.
            await self.join()

    async def leave(self) -> None:
        await self.storage.processes.leave(self.worker)
