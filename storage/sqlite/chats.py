"""Chats: who the bot talks to, in which language, and whether they still listen."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from storage.records import ChatRecord
from storage.sqlite.database import SqliteDatabase
from storage.timeutil import from_db_required, to_db

_COLUMNS = "chat_id, chat_type, title, language, timezone, active, created_at"


def _chat(row: Sequence[Any]) -> ChatRecord:
    return ChatRecord(
        chat_id=int(row[0]),
        chat_type=str(row[1]),
        title=row[2],
        language=str(row[3]),
        timezone=row[4],
        active=bool(row[5]),
        created_at=from_db_required(row[6]),
    )


class SqliteChatRepository:
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    async def upsert(
        self, chat_id: int, chat_type: str, title: str | None, language: str, now: datetime
    ) -> ChatRecord:
        stamp = to_db(now)
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO chats (chat_id, chat_type, title, language, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (chat_id) DO UPDATE SET chat_type = excluded.chat_type,"
                " title = excluded.title, active = 1, updated_at = excluded.updated_at",
                (chat_id, chat_type, title, language, stamp, stamp),
            )
        chat = await self.get(chat_id)
        assert chat is not None  # just written inside the transaction above
        return chat

    async def get(self, chat_id: int) -> ChatRecord | None:
        async with self._db.conn.execute(
            f"SELECT {_COLUMNS} FROM chats WHERE chat_id = ?", (chat_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return _chat(row) if row else None

    async def set_language(self, chat_id: int, language: str, now: datetime) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE chats SET language = ?, updated_at = ? WHERE chat_id = ?",
                (language, to_db(now), chat_id),
            )

    async def deactivate(self, chat_id: int, now: datetime) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE chats SET active = 0, updated_at = ? WHERE chat_id = ?",
                (to_db(now), chat_id),
            )
