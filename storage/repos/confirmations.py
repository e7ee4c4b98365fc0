"""Queries waiting for a "subscribe anyway" (or a suggestion) button.

In the database, not in one process's memory: with several processes any of them may
receive the press, and a restart does not expire a button pressed a minute later.
Taking a token deletes it in the same statement, so two presses subscribe once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from storage.db import Db
from storage.timeutil import to_db

MAX_AGE = timedelta(days=1)  # an older button answers "expired"
MAX_PER_CHAT = 40  # a chat's newest waiting queries kept; older buttons expire
MAX_QUERY_CHARS = 300


class SqlConfirmationRepository:
    def __init__(self, db: Db) -> None:
        self._db = db

    async def add(
        self, token: str, chat_id: int, query: str, as_typed: bool, now: datetime
    ) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO pending_confirmations (token, chat_id, query, as_typed, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (token, chat_id, query[:MAX_QUERY_CHARS], int(as_typed), to_db(now)),
            )
            # Bounded: expired buttons anywhere, and a chat's buttons beyond its newest.
            await tx.execute(
                "DELETE FROM pending_confirmations WHERE created_at < ?", (to_db(now - MAX_AGE),)
            )
            await tx.execute(
                "DELETE FROM pending_confirmations WHERE chat_id = ? AND token NOT IN ("
                " SELECT token FROM pending_confirmations WHERE chat_id = ?"
                " ORDER BY created_at DESC, token LIMIT ?)",
                (chat_id, chat_id, MAX_PER_CHAT),
            )

    async def take(self, token: str, chat_id: int, now: datetime) -> tuple[str, bool] | None:
        """The query and whether it is meant as typed; None when expired, unknown or
        another chat's (the row stays for its own chat then)."""
        async with self._db.transaction() as tx:
            row = await tx.fetchone(
                "DELETE FROM pending_confirmations WHERE token = ? AND chat_id = ?"
                " AND created_at >= ? RETURNING query, as_typed",
                (token, chat_id, to_db(now - MAX_AGE)),
            )
        return (str(row[0]), bool(row[1])) if row is not None else None
