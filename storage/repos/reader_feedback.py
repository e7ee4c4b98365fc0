"""What readers say about their alerts: a thumbs down (a wrong match, kept with the entry
and the topics it was sent for), and story choices made from an alert (mute it, follow
it), each until a time. Both are bounded: one feedback row per chat, entry and kind;
one choice per chat and story, and choices that ran out are removed as new ones come."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from storage.db import Db, in_chunks
from storage.timeutil import to_db

MAX_TOPICS_CHARS = 500


class SqlFeedbackRepository:
    def __init__(self, db: Db) -> None:
        self._db = db

    async def add(
        self, chat_id: int, entry_id: int, kind: str, topics: str, via: str, now: datetime
    ) -> bool:
        """Record once per chat, entry and kind; True when this was new."""
        row = await self._db.fetchone(
            "INSERT INTO alert_feedback (chat_id, entry_id, kind, topics, via, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (chat_id, entry_id, kind) DO NOTHING"
            " RETURNING chat_id",
            (chat_id, entry_id, kind, topics[:MAX_TOPICS_CHARS], via, to_db(now)),
        )
        return row is not None

    async def counts_since(self, since: datetime) -> dict[str, int]:
        """Feedback by kind since a time (for the operators' /stats)."""
        rows = await self._db.fetchall(
            "SELECT kind, COUNT(*) FROM alert_feedback WHERE created_at >= ? GROUP BY kind",
            (to_db(since),),
        )
        return {str(kind): int(count) for kind, count in rows}

    async def recent(self, limit: int) -> list[tuple[int, str, str]]:
        """The newest feedback: (entry id, kind, topics), to collect wrong matches."""
        rows = await self._db.fetchall(
            "SELECT entry_id, kind, topics FROM alert_feedback"
            " ORDER BY created_at DESC, entry_id DESC LIMIT ?",
            (limit,),
        )
        return [(int(e), str(k), str(t)) for e, k, t in rows]


class SqlStoryChoiceRepository:
    def __init__(self, db: Db) -> None:
        self._db = db

    async def choose(
        self, chat_id: int, story_id: int, kind: str, until: datetime, now: datetime
    ) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO story_choices (chat_id, story_id, kind, until) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (chat_id, story_id) DO UPDATE SET kind = excluded.kind,"
                " until = excluded.until",
                (chat_id, story_id, kind, to_db(until)),
            )
            await tx.execute("DELETE FROM story_choices WHERE until < ?", (to_db(now),))

    async def active(
        self, chat_ids: Sequence[int], story_ids: Sequence[int], now: datetime
    ) -> dict[tuple[int, int], str]:
        """(chat, story) → "mute" | "follow", for choices still in force."""
        found: dict[tuple[int, int], str] = {}
        if not story_ids:
            return found
        stories = set(story_ids)
        for chunk, marks in in_chunks(chat_ids):
            for chat_id, story_id, kind in await self._db.fetchall(
                "SELECT chat_id, story_id, kind FROM story_choices"
                f" WHERE chat_id IN ({marks}) AND until >= ?",
                (*chunk, to_db(now)),
            ):
                if int(story_id) in stories:
                    found[int(chat_id), int(story_id)] = str(kind)
        return found

    async def cancel_pending(self, chat_id: int, story_id: int) -> int:
        """A muted story's alerts still waiting for the chat do not go out."""
        async with self._db.transaction() as tx:
            return await tx.execute(
                "UPDATE alerts SET status = 'cancelled', last_error = 'story muted'"
                " WHERE chat_id = ? AND status = 'pending' AND entry_id IN ("
                " SELECT entry_id FROM entries WHERE entry_id = ? OR story_id = ?)",
                (chat_id, story_id, story_id),
            )

    async def story_of(self, entry_id: int) -> int | None:
        """The story an entry belongs to: its story's first entry, or itself."""
        row = await self._db.fetchone(
            "SELECT COALESCE(story_id, entry_id) FROM entries WHERE entry_id = ?", (entry_id,)
        )
        return int(row[0]) if row is not None else None

    async def alert_for_message(self, chat_id: int, message_id: int) -> int | None:
        """The alert a sent message carries (a reaction names only the message)."""
        row = await self._db.fetchone(
            "SELECT alert_id FROM alerts WHERE chat_id = ? AND message_id = ?"
            " ORDER BY alert_id DESC LIMIT 1",
            (chat_id, message_id),
        )
        return int(row[0]) if row is not None else None

    async def followers(self, story_ids: Sequence[int], now: datetime) -> dict[int, set[int]]:
        """story → the chats that follow it now."""
        found: dict[int, set[int]] = {}
        for chunk, marks in in_chunks(story_ids):
            for chat_id, story_id in await self._db.fetchall(
                "SELECT chat_id, story_id FROM story_choices"
                f" WHERE story_id IN ({marks}) AND kind = 'follow' AND until >= ?",
                (*chunk, to_db(now)),
            ):
                found.setdefault(int(story_id), set()).add(int(chat_id))
        return found
