"""Sources: what the bot polls, with its conditional-GET validators and health."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from storage.db import Db
from storage.records import SourceRecord
from storage.timeutil import from_db, to_db

MAX_CONFIGURED = 400  # sources one bot is configured to follow (the catalog caps at 200)

_COLUMNS = (
    "source_id, url, format, name, etag, last_modified, interval_s, active, first_polled_at,"
    " last_success_at, last_error, last_error_at, consecutive_failures, next_poll_at,"
    " follow_pattern, parent_id, retire_at, catalog_id, theme"
)


def _source(row: Sequence[Any]) -> SourceRecord:
    return SourceRecord(
        source_id=int(row[0]),
        url=str(row[1]),
        format=row[2],
        name=row[3],
        etag=row[4],
        last_modified=row[5],
        interval_s=int(row[6]),
        active=bool(row[7]),
        first_polled_at=from_db(row[8]),
        last_success_at=from_db(row[9]),
        last_error=row[10],
        last_error_at=from_db(row[11]),
        consecutive_failures=int(row[12]),
        next_poll_at=from_db(row[13]),
        follow_pattern=row[14],
        parent_id=row[15],
        retire_at=from_db(row[16]),
        catalog_id=row[17],
        theme=row[18],
    )


class SqlSourceRepository:
    def __init__(self, db: Db) -> None:
        self._db = db

    async def ensure(
        self, url: str, fmt: str | None, interval_s: int, now: datetime
    ) -> SourceRecord:
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO sources (url, format, interval_s, created_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (url) DO UPDATE SET"
                " format = COALESCE(excluded.format, sources.format),"
                # Configured by the operator now: no longer a followed page that retires.
                " parent_id = NULL, retire_at = NULL, active = 1",
                (url, fmt, interval_s, to_db(now)),
            )
        row = await self._db.fetchone(f"SELECT {_COLUMNS} FROM sources WHERE url = ?", (url,))
        assert row is not None  # inserted or already there
        return _source(row)

    async def set_follow(self, source_id: int, pattern: str | None) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE sources SET follow_pattern = ? WHERE source_id = ?", (pattern, source_id)
            )

    async def set_catalog(self, source_id: int, catalog_id: str | None, theme: str | None) -> None:
        """Tie the source to its catalog entry (and, for a followed page, its theme)."""
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE sources SET catalog_id = ?, theme = ? WHERE source_id = ?",
                (catalog_id, theme, source_id),
            )

    async def retire_unconfigured(self, keep: Sequence[int]) -> int:
        """The configured sources (`keep`) are active; top-level sources no longer
        configured, and the pages they found, are not polled any more. Returns how
        many were retired."""
        kept = list(dict.fromkeys(keep))[:MAX_CONFIGURED]
        # PostgreSQL has no empty IN (): an empty subquery stands for "none kept".
        marks = ",".join("?" * len(kept)) or "SELECT CAST(NULL AS BIGINT) WHERE 1 = 0"
        async with self._db.transaction() as conn:
            if kept:
                await conn.execute(
                    f"UPDATE sources SET active = 1 WHERE source_id IN ({marks})", kept
                )
            changed = await conn.execute(
                "UPDATE sources SET active = 0 WHERE active = 1 AND ("
                f" (parent_id IS NULL AND source_id NOT IN ({marks}))"
                f" OR (parent_id IS NOT NULL AND parent_id NOT IN ({marks})))",
                (*kept, *kept),
            )
            return changed

    async def add_child(
        self, parent_id: int, url: str, fmt: str | None, interval_s: int, now: datetime
    ) -> SourceRecord:
        async with self._db.transaction() as conn:
            await conn.execute(
                "INSERT INTO sources (url, format, interval_s, parent_id, created_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET active = 1,"
                " retire_at = NULL, parent_id = excluded.parent_id"
                # A followed link never takes over a source the operator configured.
                " WHERE sources.parent_id IS NOT NULL",
                (url, fmt, interval_s, parent_id, to_db(now)),
            )
        row = await self._db.fetchone(f"SELECT {_COLUMNS} FROM sources WHERE url = ?", (url,))
        assert row is not None  # inserted or already there
        return _source(row)

    async def children(self, parent_id: int) -> Sequence[SourceRecord]:
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM sources WHERE parent_id = ? ORDER BY source_id",
            (parent_id,),
        )
        return [_source(row) for row in rows]

    async def set_retire_at(self, source_id: int, retire_at: datetime | None) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE sources SET retire_at = ? WHERE source_id = ?",
                (to_db(retire_at), source_id),
            )

    async def retire_due(self, now: datetime) -> int:
        """Deactivate children whose grace period has ended; returns how many."""
        async with self._db.transaction() as conn:
            changed = await conn.execute(
                "UPDATE sources SET active = 0 WHERE active = 1 AND retire_at IS NOT NULL"
                " AND retire_at <= ? AND parent_id IS NOT NULL",
                (to_db(now),),
            )
            return changed

    async def find(self, url: str) -> SourceRecord | None:
        row = await self._db.fetchone(f"SELECT {_COLUMNS} FROM sources WHERE url = ?", (url,))
        return _source(row) if row else None

    async def get(self, source_id: int) -> SourceRecord | None:
        row = await self._db.fetchone(
            f"SELECT {_COLUMNS} FROM sources WHERE source_id = ?", (source_id,)
        )
        return _source(row) if row else None

    async def overview(self, limit: int) -> Sequence[SourceRecord]:
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM sources WHERE active = 1 OR parent_id IS NULL"
            " ORDER BY active DESC, COALESCE(parent_id, source_id), source_id LIMIT ?",
            (limit,),
        )
        return [_source(row) for row in rows]

    async def list_active(self) -> Sequence[SourceRecord]:
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM sources WHERE active = 1 ORDER BY source_id"
        )
        return [_source(row) for row in rows]

    async def record_success(
        self,
        source_id: int,
        etag: str | None,
        last_modified: str | None,
        now: datetime,
        next_poll_at: datetime,
    ) -> None:
        stamp = to_db(now)
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE sources SET etag = ?, last_modified = ?, last_success_at = ?,"
                " first_polled_at = COALESCE(first_polled_at, ?), consecutive_failures = 0,"
                " next_poll_at = ? WHERE source_id = ?",
                (etag, last_modified, stamp, stamp, to_db(next_poll_at), source_id),
            )

    async def record_failure(
        self, source_id: int, error: str, now: datetime, next_poll_at: datetime
    ) -> int:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE sources SET last_error = ?, last_error_at = ?,"
                " consecutive_failures = consecutive_failures + 1, next_poll_at = ?"
                " WHERE source_id = ?",
                (error[:500], to_db(now), to_db(next_poll_at), source_id),
            )
            row = await conn.fetchone(
                "SELECT consecutive_failures FROM sources WHERE source_id = ?", (source_id,)
            )
        return int(row[0]) if row else 0

    async def set_active(self, source_id: int, active: bool) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE sources SET active = ? WHERE source_id = ?", (int(active), source_id)
            )

    async def set_name(self, source_id: int, name: str) -> None:
        async with self._db.transaction() as conn:
            await conn.execute(
                "UPDATE sources SET name = ? WHERE source_id = ?", (name[:200], source_id)
            )
