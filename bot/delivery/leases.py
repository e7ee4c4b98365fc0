"""This process's side of the chat leases (storage/repos/leases.py).

Every path that sends to a chat on its own schedule (alerts, hourly batches, digests)
first leases the chat, so with several deliver workers a chat has one sender at a time
and its per-chat gap holds across processes: on release the lease keeps the chat until
its last send plus its gap (the ChatPacer knows when that is).

Leases run on real time (`wall`), like the pacing they carry, whatever clock the bot's
domain uses (tests move a fake one for due times and quiet hours).
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.clock import Clock
from storage.interfaces import Storage

log = logging.getLogger(__name__)

LEASE_SECONDS = 30.0


def worker_name() -> str:
    """Unique per process start: host, pid and a random part (pids are reused)."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class ChatLeases:
    def __init__(
        self,
        storage: Storage,
        clock: Clock,
        owner: str | None = None,
        lease_seconds: float = LEASE_SECONDS,
        wall: Callable[[], datetime] | None = None,
    ) -> None:
        self.storage, self.clock = storage, clock
        self.owner = owner or worker_name()
        self.lease = timedelta(seconds=lease_seconds)
        self._wall = wall or (lambda: datetime.now().astimezone())
        self.serving: set[int] = set()  # chats this process is sending to right now

    def wall(self) -> datetime:
        return self._wall()

    async def claim_due(self, limit: int) -> list[int]:
        """Chats with due alerts, leased to this process (urgent first)."""
        if limit <= 0:
            return []
        wall = self.wall()
        got = await self.storage.leases.claim_due(
            self.owner, self.clock.now(), wall, wall + self.lease, limit, self.serving
        )
        self.serving.update(got)
        return got

    async def claim_digests(self, limit: int) -> list[int]:
        """Chats whose digest is due, leased to this process until it went out."""
        if limit <= 0:
            return []
        wall = self.wall()
        got = await self.storage.leases.claim_digests(
            self.owner, self.clock.now(), wall, wall + self.lease, limit, self.serving
        )
        self.serving.update(got)
        return got

    async def claim(self, chat_id: int) -> bool:
        if chat_id in self.serving:
            return False
        wall = self.wall()
        if await self.storage.leases.claim_chat(self.owner, chat_id, wall, wall + self.lease):
            self.serving.add(chat_id)
            return True
        return False

    async def release(self, chat_id: int, gap_left: float) -> None:
        """Done with the chat; others may write there `gap_left` seconds from now."""
        self.serving.discard(chat_id)
        until = self.wall() + timedelta(seconds=max(0.0, gap_left))
        await self.storage.leases.release(self.owner, chat_id, until)

    async def renew(self) -> int:
        """Extend the leases of the chats being served (a job, every third of a lease)."""
        serving = list(self.serving)
        if not serving:
            return 0
        return await self.storage.leases.renew(self.owner, serving, self.wall() + self.lease)

    async def recover(self) -> int:
        """Alerts a dead worker left 'sending' are pending again once its lease expired."""
        recovered = await self.storage.leases.recover_in_flight(self.wall())
        if recovered:
            log.info("re-queued %d alerts a stopped worker left in flight", recovered)
        return recovered
