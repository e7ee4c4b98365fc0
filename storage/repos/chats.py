"""Chats: who the bot talks to, in which language, and how they want to hear."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from storage.db import Db, in_chunks
from storage.records import INACTIVE_ERROR, INACTIVE_REMOVED, ChatRecord
from storage.repos.chat_moves import merge_into
from storage.timeutil import from_db, from_db_required, to_db

_COLUMNS = (
    "chat_id, chat_type, title, language, timezone, active, created_at, mode, quiet_start,"
    " quiet_end, paused_until, digest_time, next_digest_at, last_digest_at, last_batch_at,"
    " language_fixed, inactive_reason, inactive_since"
)


def _chat(row: Sequence[Any]) -> ChatRecord:
    return ChatRecord(
        chat_id=int(row[0]),
        chat_type=str(row[1]),
        title=row[2],
        language=str(row[3]),
        timezone=row[4],
        active=bool(row[5]),
        created_at=from_db_required(row[6]),
        mode=str(row[7]),
        quiet_start=row[8],
        quiet_end=row[9],
        paused_until=from_db(row[10]),
        digest_time=row[11],
        next_digest_at=from_db(row[12]),
        last_digest_at=from_db(row[13]),
        last_batch_at=from_db(row[14]),
        language_fixed=bool(row[15]),
        inactive_reason=row[16],
        inactive_since=from_db(row[17]),
    )


class SqlChatRepository:
    def __init__(self, db: Db) -> None:
        self._db = db

    async def _update(self, chat_id: int, now: datetime, assignments: str, *values: Any) -> None:
        # `assignments` is always a constant from this module, never user input.
        async with self._db.transaction() as conn:
            await conn.execute(
                f"UPDATE chats SET {assignments}, updated_at = ? WHERE chat_id = ?",
                (*values, to_db(now), chat_id),
            )

    async def upsert(
        self, chat_id: int, chat_type: str, title: str | None, language: str, now: datetime
    ) -> ChatRecord:
        stamp = to_db(now)
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO chats (chat_id, chat_type, title, language, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (chat_id) DO UPDATE SET chat_type = excluded.chat_type,"
                " title = excluded.title, active = 1, inactive_reason = NULL,"
                " inactive_since = NULL, updated_at = excluded.updated_at",
                (chat_id, chat_type, title, language, stamp, stamp),
            )
        chat = await self.get(chat_id)
        assert chat is not None  # just written inside the transaction above
        return chat

    async def get(self, chat_id: int) -> ChatRecord | None:
        row = await self._db.fetchone(f"SELECT {_COLUMNS} FROM chats WHERE chat_id = ?", (chat_id,))
        return _chat(row) if row else None

    async def get_many(self, chat_ids: Sequence[int]) -> dict[int, ChatRecord]:
        found: dict[int, ChatRecord] = {}
        for chunk, marks in in_chunks(chat_ids):
            for row in await self._db.fetchall(
                f"SELECT {_COLUMNS} FROM chats WHERE chat_id IN ({marks})", chunk
            ):
                chat = _chat(row)
                found[chat.chat_id] = chat
        return found

    async def set_language(
        self, chat_id: int, language: str, now: datetime, fixed: bool = True
    ) -> None:
        await self._update(chat_id, now, "language = ?, language_fixed = ?", language, int(fixed))

    async def set_mode(self, chat_id: int, mode: str, now: datetime) -> None:
        await self._update(chat_id, now, "mode = ?", mode)

    async def set_quiet(
        self, chat_id: int, start: str | None, end: str | None, now: datetime
    ) -> None:
        await self._update(chat_id, now, "quiet_start = ?, quiet_end = ?", start, end)

    async def set_paused_until(self, chat_id: int, until: datetime | None, now: datetime) -> None:
        await self._update(chat_id, now, "paused_until = ?", to_db(until))

    async def set_timezone(self, chat_id: int, timezone: str, now: datetime) -> None:
        await self._update(chat_id, now, "timezone = ?", timezone)

    async def set_digest(
        self, chat_id: int, digest_time: str | None, next_at: datetime | None, now: datetime
    ) -> None:
        await self._update(
            chat_id, now, "digest_time = ?, next_digest_at = ?", digest_time, to_db(next_at)
        )

    async def digest_sent(
        self, chat_id: int, sent_at: datetime, next_at: datetime | None, now: datetime
    ) -> None:
        await self._update(
            chat_id, now, "last_digest_at = ?, next_digest_at = ?", to_db(sent_at), to_db(next_at)
        )

    async def set_last_batch(self, chat_id: int, at: datetime) -> None:
        await self._update(chat_id, at, "last_batch_at = ?", to_db(at))

    async def due_digests(
        self, now: datetime, limit: int = 1000, after: tuple[datetime, int] | None = None
    ) -> list[ChatRecord]:
        where = "active = 1 AND next_digest_at IS NOT NULL AND next_digest_at <= ?"
        params: list[Any] = [to_db(now)]
        if after is not None:  # a row value: the same on SQLite and PostgreSQL
            where += " AND (next_digest_at, chat_id) > (?, ?)"
            params += [to_db(after[0]), after[1]]
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM chats WHERE {where} ORDER BY next_digest_at, chat_id LIMIT ?",
            (*params, limit),
        )
        return [_chat(row) for row in rows]

    async def deactivate(
        self, chat_id: int, now: datetime, reason: str, by_error: bool = False
    ) -> None:
        """Stop sending there, remembering why and since when (see ChatRecord)."""
        kind = INACTIVE_ERROR if by_error else INACTIVE_REMOVED
        await self._update(
            chat_id,
            now,
            "active = 0, inactive_reason = ?,"
            " inactive_since = CASE WHEN active = 1 THEN ? ELSE inactive_since END",
            f"{kind}{reason}"[:300],
            to_db(now),
        )

    async def reactivate(self, chat_id: int, now: datetime) -> ChatRecord | None:
        """Make an inactive chat active again; returns it as it was (with the reason),
        or None when it is unknown or already active."""
        async with self._db.transaction() as conn:
            row = await conn.fetchone(
                f"SELECT {_COLUMNS} FROM chats WHERE chat_id = ? AND active = 0", (chat_id,)
            )
            if row is None:
                return None
            await conn.execute(
                "UPDATE chats SET active = 1, inactive_reason = NULL, inactive_since = NULL,"
                " updated_at = ? WHERE chat_id = ?",
                (to_db(now), chat_id),
            )
        return _chat(row)

    async def migrate(self, old_id: int, new_id: int, now: datetime) -> None:
        """A group became a supergroup: move everything to the new id (see chat_moves)."""
        async with self._db.transaction() as conn:
            found = {
                chat.chat_id: chat
                for chat in [
                    _chat(row)
                    for row in await conn.fetchall(
                        f"SELECT {_COLUMNS} FROM chats WHERE chat_id IN (?, ?)", (old_id, new_id)
                    )
                ]
            }
            old, new = found.get(old_id), found.get(new_id)
            if old is None or old_id == new_id:
                return
            if new is None:
                # ON UPDATE CASCADE carries subscriptions and alerts along.
                await conn.execute(
                    "UPDATE chats SET chat_id = ?, chat_type = 'supergroup', updated_at = ?"
                    " WHERE chat_id = ?",
                    (new_id, to_db(now), old_id),
                )
                return
            await merge_into(conn, old, new, now)

    async def delete(self, chat_id: int) -> None:
        """Forget the chat entirely (/stop): subscriptions and alerts go with it."""
        async with self._db.transaction() as conn:
            await conn.execute("DELETE FROM alerts WHERE chat_id = ?", (chat_id,))
            await conn.execute("DELETE FROM subscriptions WHERE chat_id = ?", (chat_id,))
            await conn.execute("DELETE FROM chats WHERE chat_id = ?", (chat_id,))
