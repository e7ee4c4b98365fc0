"""Which forum topic of a supergroup a chat's messages go to: one row for all of the
chat's subscriptions (sub_id 0) and one per subscription routed elsewhere. At most one
row per subscription, so a chat's rows are bounded by its subscriptions."""

from __future__ import annotations

from storage.db import Db

ALL = 0  # the route of every subscription without its own


class SqlForumRouteRepository:
    def __init__(self, db: Db) -> None:
        self._db = db

    async def route(self, chat_id: int, sub_id: int, thread_id: int | None) -> None:
        """Send `sub_id`'s alerts (ALL: the chat's) to a topic; None: the general topic."""
        async with self._db.transaction() as tx:
            if thread_id is None:
                await tx.execute(
                    "DELETE FROM forum_routes WHERE chat_id = ? AND sub_id = ?", (chat_id, sub_id)
                )
                return
            await tx.execute(
                "INSERT INTO forum_routes (chat_id, sub_id, thread_id) VALUES (?, ?, ?)"
                " ON CONFLICT (chat_id, sub_id) DO UPDATE SET thread_id = excluded.thread_id",
                (chat_id, sub_id, thread_id),
            )

    async def for_chat(self, chat_id: int) -> dict[int, int]:
        """sub_id (ALL for the chat's default) → thread id."""
        rows = await self._db.fetchall(
            "SELECT sub_id, thread_id FROM forum_routes WHERE chat_id = ?", (chat_id,)
        )
        return {int(sub): int(thread) for sub, thread in rows}

    async def forget_thread(self, chat_id: int, thread_id: int) -> int:
        """A topic that is gone: everything routed there goes to the general topic."""
        async with self._db.transaction() as tx:
            return await tx.execute(
                "DELETE FROM forum_routes WHERE chat_id = ? AND thread_id = ?",
                (chat_id, thread_id),
            )

    async def clear(self, chat_id: int) -> None:
        async with self._db.transaction() as tx:
            await tx.execute("DELETE FROM forum_routes WHERE chat_id = ?", (chat_id,))
