"""Retention: delete old alerts, entries and their story rows a small batch at a time.

Only rows nobody needs any more go: an alert that is still waiting or being sent, or
has an edit to make, stays; an entry stays while any alert (or an alert's "also" row)
points at it, while it waits for matching, and while it has no date (a page that still
lists an undated entry would bring it back as new: a dated one is recognised as history
through `sources.purged_through`).
"""

from __future__ import annotations

from datetime import datetime

from storage.db import Db, in_chunks
from storage.timeutil import to_db

# What retention deletes from or updates: reclaimed after it deleted enough.
_RECLAIMED = ("alerts", "alert_also", "entries", "sources")

# Delivery states after which an alert is only history.
DONE_STATES = ("sent", "failed", "cancelled", "digested")


class SqlRetentionRepository:
    def __init__(self, db: Db) -> None:
        self._db = db

    async def purge_alerts(self, before: datetime, limit: int) -> int:
        """Delete up to `limit` finished alerts created before `before` (and their
        "also" rows), oldest first; how many alerts went."""
        marks = ", ".join("?" for _ in DONE_STATES)
        async with self._db.transaction() as tx:
            rows = await tx.fetchall(
                "SELECT alert_id FROM alerts WHERE created_at < ?"
                f" AND status IN ({marks}) AND edit_pending = 0"
                " ORDER BY created_at, alert_id LIMIT ?",
                (to_db(before), *DONE_STATES, max(1, limit)),
            )
            ids = [int(row[0]) for row in rows]
            deleted = 0
            for chunk, chunk_marks in in_chunks(ids):
                await tx.execute(f"DELETE FROM alert_also WHERE alert_id IN ({chunk_marks})", chunk)
                deleted += await tx.execute(
                    f"DELETE FROM alerts WHERE alert_id IN ({chunk_marks})", chunk
                )
        return deleted

    async def purge_entries(self, before: datetime, limit: int) -> int:
        """Delete up to `limit` entries first seen and last changed before `before` that
        nothing points at any more, oldest first; how many went. Each source remembers
        the newest publication time it lost (purged_through)."""
        stamp = to_db(before)
        async with self._db.transaction() as tx:
            rows = await tx.fetchall(
                "SELECT e.entry_id, e.source_id, e.published_at FROM entries e"
                " WHERE e.first_seen_at < ? AND e.last_changed_at < ? AND e.match_pending = 0"
                " AND e.published_at IS NOT NULL"
                " AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.entry_id = e.entry_id)"
                " AND NOT EXISTS (SELECT 1 FROM alert_also x WHERE x.entry_id = e.entry_id)"
                " ORDER BY e.first_seen_at, e.entry_id LIMIT ?",
                (stamp, stamp, max(1, limit)),
            )
            if not rows:
                return 0
            newest: dict[int, str] = {}
            for _entry_id, source_id, published in rows:
                key = int(source_id)
                newest[key] = max(newest.get(key, ""), str(published))
            await tx.executemany(
                "UPDATE sources SET purged_through = ? WHERE source_id = ?"
                " AND (purged_through IS NULL OR purged_through < ?)",
                [(at, source_id, at) for source_id, at in newest.items()],
            )
            ids = [int(row[0]) for row in rows]
            deleted = 0
            for chunk, marks in in_chunks(ids):
                # Later reports of the same story keep their entry; the link goes.
                await tx.execute(
                    f"UPDATE entries SET story_id = NULL WHERE story_id IN ({marks})", chunk
                )
                deleted += await tx.execute(
                    f"DELETE FROM entries WHERE entry_id IN ({marks})", chunk
                )
        return deleted

    async def reclaim(self) -> bool:
        """Make the space of deleted and updated rows reusable now, not whenever (or if)
        the server's autovacuum comes by: PostgreSQL only reuses a dead row's space once
        VACUUM has marked it, and with autovacuum off (or behind) a pruned database still
        grew by the size of everything ever deleted. VACUUM runs outside a transaction;
        it locks out schema changes only, not readers or writers. SQLite reuses freed
        pages by itself: nothing to do. True when something ran."""
        if self._db.dialect != "postgresql":
            return False
        await self._db.execute("VACUUM (ANALYZE) " + ", ".join(_RECLAIMED))
        return True

    async def table_rows(self) -> dict[str, int]:
        """Row counts of the tables retention keeps small (benchmarks, /stats)."""
        counts: dict[str, int] = {}
        for table in ("entries", "alerts", "alert_also"):
            row = await self._db.fetchone(f"SELECT COUNT(*) FROM {table}")
            counts[table] = int(row[0]) if row else 0
        return counts
