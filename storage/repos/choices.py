"""Readers' source choices: the catalog sources a chat turned off, a subscription's limit."""

from __future__ import annotations

from collections.abc import Sequence

from storage.db import Db, in_chunks

MAX_LIMIT = 50  # catalog ids one subscription may be limited to


class SqlSourceChoiceRepository:
    def __init__(self, db: Db) -> None:
        self._db = db

    async def off_for_chat(self, chat_id: int) -> set[str]:
        return (await self.off_for_chats([chat_id])).get(chat_id, set())

    async def off_for_chats(self, chat_ids: Sequence[int]) -> dict[int, set[str]]:
        found: dict[int, set[str]] = {}
        for chunk, marks in in_chunks(chat_ids):
            for chat_id, catalog_id in await self._db.fetchall(
                f"SELECT chat_id, catalog_id FROM chat_sources_off WHERE chat_id IN ({marks})",
                chunk,
            ):
                found.setdefault(int(chat_id), set()).add(str(catalog_id))
        return found

    async def set_enabled(self, chat_id: int, catalog_id: str, enabled: bool) -> None:
        async with self._db.transaction() as conn:
            if enabled:
                await conn.execute(
                    "DELETE FROM chat_sources_off WHERE chat_id = ? AND catalog_id = ?",
                    (chat_id, catalog_id),
                )
            else:
                await conn.execute(
                    "INSERT INTO chat_sources_off (chat_id, catalog_id) VALUES (?, ?)"
                    " ON CONFLICT DO NOTHING",
                    (chat_id, catalog_id[:100]),
                )

    async def limits_for_subs(self, sub_ids: Sequence[int]) -> dict[int, set[str]]:
        found: dict[int, set[str]] = {}
        for chunk, marks in in_chunks(sub_ids):
            for sub_id, catalog_id in await self._db.fetchall(
                f"SELECT sub_id, catalog_id FROM subscription_sources WHERE sub_id IN ({marks})",
                chunk,
            ):
                found.setdefault(int(sub_id), set()).add(str(catalog_id))
        return found

    async def set_limit(self, sub_id: int, catalog_ids: Sequence[str]) -> None:
        async with self._db.transaction() as conn:
            await conn.execute("DELETE FROM subscription_sources WHERE sub_id = ?", (sub_id,))
            await conn.executemany(
                "INSERT INTO subscription_sources (sub_id, catalog_id) VALUES (?, ?)"
                " ON CONFLICT DO NOTHING",
                [(sub_id, c[:100]) for c in list(dict.fromkeys(catalog_ids))[:MAX_LIMIT]],
            )
