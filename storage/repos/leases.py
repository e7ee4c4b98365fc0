"""Chat leases: several deliver workers share one outbox, each chat served by one at a time.

A worker claims chats with due work by writing its name and a lease end into the chat
row (PostgreSQL: the candidate rows are locked `FOR UPDATE SKIP LOCKED`, so two workers
claiming at once take different chats instead of waiting on each other; SQLite has one
writer and needs no lock clause). While it serves them it renews the lease; on release it
keeps `lease_until` at its last send plus the chat's gap, so another worker cannot write
there sooner than Telegram's per-chat limit allows. A dead worker's chats come back when
`lease_until` passes, and the alerts it left 'sending' go back to 'pending' then.

Two clocks meet here on purpose: `now` is the bot's clock (due times, as everywhere in
the outbox), `wall` is real time (leases expire in real time, like the pacing they carry).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from storage.db import Db
from storage.timeutil import to_db

# PostgreSQL locks the chats it picks and skips those another claim holds right now.
_LOCK = {"postgresql": " FOR UPDATE OF c SKIP LOCKED", "sqlite": ""}


def _not_in(ids: Collection[int]) -> tuple[str, list[int]]:
    """' AND c.chat_id NOT IN (?, …)' for the chats this worker is serving already."""
    if not ids:
        return "", []
    return f" AND c.chat_id NOT IN ({','.join('?' * len(ids))})", list(ids)


class SqlLeaseRepository:
    def __init__(self, db: Db) -> None:
        self._db = db

    async def claim_due(
        self,
        owner: str,
        now: datetime,
        wall: datetime,
        until: datetime,
        limit: int,
        serving: Collection[int] = (),
    ) -> list[int]:
        """Up to `limit` active chats with due pending alerts whose lease is free: chats
        with urgent alerts first, then the longest waiting."""
        pick = (
            "SELECT c.chat_id FROM chats c JOIN (SELECT chat_id, MAX(urgent) AS urgent,"
            " MIN(due_at) AS first_due FROM alerts WHERE status = 'pending' AND due_at <= ?"
            " GROUP BY chat_id) d ON d.chat_id = c.chat_id WHERE c.active = 1"
        )
        return await self._claim_ordered(
            pick,
            [to_db(now)],
            " ORDER BY d.urgent DESC, d.first_due, c.chat_id",
            owner,
            wall,
            until,
            limit,
            serving,
        )

    async def claim_digests(
        self,
        owner: str,
        now: datetime,
        wall: datetime,
        until: datetime,
        limit: int,
        serving: Collection[int] = (),
    ) -> list[int]:
        """Up to `limit` active chats whose digest is due and whose lease is free. The
        lease is held until the digest is sent and the schedule moved on: a digest is
        built and sent once, whatever the number of workers."""
        pick = (
            "SELECT c.chat_id FROM chats c WHERE c.active = 1"
            " AND c.next_digest_at IS NOT NULL AND c.next_digest_at <= ?"
        )
        return await self._claim_ordered(
            pick,
            [to_db(now)],
            " ORDER BY c.next_digest_at, c.chat_id",
            owner,
            wall,
            until,
            limit,
            serving,
        )

    async def _claim_ordered(
        self,
        pick: str,
        pick_params: list[object],
        order: str,
        owner: str,
        wall: datetime,
        until: datetime,
        limit: int,
        serving: Collection[int],
    ) -> list[int]:
        skip, skip_params = _not_in(serving)
        # Picked (and on PostgreSQL locked) in order, then leased, in one transaction.
        pick_sql = (
            f"{pick} AND (c.lease_until IS NULL OR c.lease_until <= ? OR c.lease_owner = ?)"
            f"{skip}{order} LIMIT ?{_LOCK[self._db.dialect]}"
        )
        async with self._db.transaction() as tx:
            rows = await tx.fetchall(
                pick_sql, [*pick_params, to_db(wall), owner, *skip_params, limit]
            )
            picked = [int(row[0]) for row in rows]
            if picked:
                await tx.execute(
                    "UPDATE chats SET lease_owner = ?, lease_until = ?"
                    f" WHERE chat_id IN ({','.join('?' * len(picked))})",
                    (owner, to_db(until), *picked),
                )
        return picked

    async def claim_chat(self, owner: str, chat_id: int, wall: datetime, until: datetime) -> bool:
        """One given chat (a group that just became a supergroup), if its lease is free."""
        async with self._db.transaction() as tx:
            changed = await tx.execute(
                "UPDATE chats SET lease_owner = ?, lease_until = ? WHERE chat_id = ?"
                " AND (lease_until IS NULL OR lease_until <= ? OR lease_owner = ?)",
                (owner, to_db(until), chat_id, to_db(wall), owner),
            )
        return changed > 0

    async def renew(self, owner: str, chat_ids: Collection[int], until: datetime) -> int:
        """Extend the leases this worker holds on the chats it is still serving."""
        if not chat_ids:
            return 0
        marks = ",".join("?" * len(chat_ids))
        async with self._db.transaction() as tx:
            return await tx.execute(
                f"UPDATE chats SET lease_until = ? WHERE lease_owner = ? AND chat_id IN ({marks})",
                (to_db(until), owner, *chat_ids),
            )

    async def release(self, owner: str, chat_id: int, until: datetime) -> None:
        """Done with the chat; no other worker writes there before `until` (its gap)."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE chats SET lease_until = ? WHERE chat_id = ? AND lease_owner = ?",
                (to_db(until), chat_id, owner),
            )

    async def recover_in_flight(self, wall: datetime) -> int:
        """Alerts a dead worker left 'sending' go back to 'pending' once their chat's
        lease has expired (a live worker renews the leases of what it is sending)."""
        async with self._db.transaction() as tx:
            return await tx.execute(
                "UPDATE alerts SET status = 'pending' WHERE status = 'sending' AND chat_id IN"
                " (SELECT chat_id FROM chats WHERE lease_until IS NULL OR lease_until <= ?)",
                (to_db(wall),),
            )

    async def clear(self) -> int:
        """Forget every lease (a single process starting: no other worker exists)."""
        async with self._db.transaction() as tx:
            return await tx.execute(
                "UPDATE chats SET lease_owner = NULL, lease_until = NULL"
                " WHERE lease_owner IS NOT NULL OR lease_until IS NOT NULL"
            )

    async def holders(self) -> dict[int, str]:
        """Chat → the worker holding (or last holding) its lease; for tests and /stats."""
        rows = await self._db.fetchall(
            "SELECT chat_id, lease_owner FROM chats WHERE lease_owner IS NOT NULL"
        )
        return {int(row[0]): str(row[1]) for row in rows}
