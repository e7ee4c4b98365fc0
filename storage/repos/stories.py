"""Stories: which entries repeat another source's report, and what an alert gained."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from storage.db import Db, Tx, in_chunks
from storage.records import AlertStatus, AlsoReport, NewAlert, StoryCandidate
from storage.timeutil import from_db_required, to_db

LEAD_CHARS = 2_000  # what the similarity measure reads of a body
ALSO_LEAD_CHARS = 300  # a report named on an alert without a headline shows its start


class SqlStoryRepository:
    def __init__(self, db: Db) -> None:
        self._db = db

    async def candidates(
        self, since: datetime, until: datetime, other_than_source: int, limit: int = 300
    ) -> list[StoryCandidate]:
        rows = await self._db.fetchall(
            "SELECT entry_id, source_id, story_id, title, substr(body, 1, ?),"
            " COALESCE(published_at, first_seen_at) AS at FROM entries"
            " WHERE kind = 'news' AND source_id != ? AND first_seen_at >= ?"
            " AND COALESCE(published_at, first_seen_at) BETWEEN ? AND ?"
            " ORDER BY at DESC, entry_id DESC LIMIT ?",
            (
                LEAD_CHARS,
                other_than_source,
                to_db(since),
                to_db(since),
                to_db(until),
                max(1, min(limit, 1000)),
            ),
        )
        return [
            StoryCandidate(
                entry_id=int(r[0]),
                source_id=int(r[1]),
                story_id=int(r[2]) if r[2] is not None else None,
                title=r[3],
                lead=str(r[4] or ""),
                at=from_db_required(r[5]),
            )
            for r in rows
        ]

    async def set_stories(self, links: Sequence[tuple[int, int]]) -> None:
        if not links:
            return
        async with self._db.transaction() as conn:
            await conn.executemany(
                "UPDATE entries SET story_id = ? WHERE entry_id = ? AND story_id IS NULL",
                [(story_id, entry_id) for entry_id, story_id in links],
            )

    async def also_sources(self, alert_ids: Sequence[int]) -> dict[int, list[int]]:
        found: dict[int, list[int]] = {}
        for chunk, marks in in_chunks(alert_ids):
            for alert_id, source_id in await self._db.fetchall(
                "SELECT a.alert_id, e.source_id FROM alert_also a"
                " JOIN entries e ON e.entry_id = a.entry_id"
                f" WHERE a.alert_id IN ({marks}) ORDER BY a.created_at, a.entry_id",
                chunk,
            ):
                found.setdefault(int(alert_id), []).append(int(source_id))
        return found

    async def also_reports(self, alert_ids: Sequence[int]) -> dict[int, list[AlsoReport]]:
        found: dict[int, list[AlsoReport]] = {}
        for chunk, marks in in_chunks(alert_ids):
            for alert_id, source_id, title, lead, url in await self._db.fetchall(
                "SELECT a.alert_id, e.source_id, e.title, substr(e.body, 1, ?), e.url"
                " FROM alert_also a JOIN entries e ON e.entry_id = a.entry_id"
                f" WHERE a.alert_id IN ({marks}) ORDER BY a.created_at, a.entry_id",
                (ALSO_LEAD_CHARS, *chunk),
            ):
                found.setdefault(int(alert_id), []).append(
                    AlsoReport(int(source_id), title, str(lead or ""), url)
                )
        return found

    async def set_merging(self, chat_id: int, on: bool) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE chats SET merge_stories = ? WHERE chat_id = ?", (int(on), chat_id)
            )

    async def merging(self, chat_id: int) -> bool:
        row = await self._db.fetchone(
            "SELECT merge_stories FROM chats WHERE chat_id = ?", (chat_id,)
        )
        return row is None or bool(row[0])


# Alerts that still stand for their story in a chat: the reader has it or will get it.
_LIVE = (AlertStatus.PENDING, AlertStatus.SENDING, AlertStatus.SENT, AlertStatus.DIGESTED)


async def attach_to_story(conn: Tx, alert: NewAlert, now: datetime) -> bool:
    """Inside record_matches' transaction: when the chat already has an alert for the
    story, name this entry on it (and mark a sent message for an edit). True when the
    entry's own alert is to be left out: only if the alert asks for it (`story_hides`)."""
    if alert.story_id is None:
        return False
    marks = ", ".join("?" for _ in _LIVE)
    # A chat that turned merging off sees every report on its own, named on nothing.
    row = await conn.fetchone(
        "SELECT a.alert_id, a.message_id FROM alerts a JOIN entries e ON e.entry_id = a.entry_id"
        " JOIN chats c ON c.chat_id = a.chat_id"
        " WHERE a.chat_id = ? AND a.entry_id != ? AND (e.entry_id = ? OR e.story_id = ?)"
        f" AND a.status IN ({marks}) AND c.merge_stories = 1 ORDER BY a.alert_id LIMIT 1",
        (
            alert.chat_id,
            alert.entry_id,
            alert.story_id,
            alert.story_id,
            *(s.value for s in _LIVE),
        ),
    )
    if row is None:
        return False
    alert_id, message_id = int(row[0]), row[1]
    # Only another outlet's report joins: an entry of an outlet the alert already shows
    # (its own source, one already added, or another page of the same follow rule or
    # catalog entry: a daily page's successor) is that outlet's next news, never folded.
    if (
        await conn.fetchone(
            "SELECT 1 FROM entries n JOIN sources ns ON ns.source_id = n.source_id,"
            " entries e JOIN sources es ON es.source_id = e.source_id"
            " WHERE n.entry_id = ?"
            " AND (e.entry_id = (SELECT entry_id FROM alerts WHERE alert_id = ?)"
            " OR e.entry_id IN (SELECT entry_id FROM alert_also WHERE alert_id = ?))"
            " AND (es.source_id = ns.source_id"
            " OR COALESCE(es.parent_id, es.source_id) = COALESCE(ns.parent_id, ns.source_id)"
            " OR es.catalog_id = ns.catalog_id) LIMIT 1",
            (alert.entry_id, alert_id, alert_id),
        )
        is not None
    ):
        return False
    await conn.execute(
        "INSERT INTO alert_also (alert_id, entry_id, created_at) VALUES (?, ?, ?)"
        " ON CONFLICT (alert_id, entry_id) DO NOTHING",
        (alert_id, alert.entry_id, to_db(now)),
    )
    if message_id is not None:
        await conn.execute("UPDATE alerts SET edit_pending = 1 WHERE alert_id = ?", (alert_id,))
    return alert.story_hides
