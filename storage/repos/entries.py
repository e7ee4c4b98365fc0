"""Entries: upsert by (source, key) telling new / edited / unchanged apart."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from storage.db import Db, Tx, in_chunks
from storage.records import EntryRecord, NewEntry, PendingMatch, UpsertResult, UpsertStatus
from storage.timeutil import from_db, from_db_required, to_db

_COLUMNS = (
    "entry_id, source_id, entry_key, published_at, modified_at, title, body, url, kind,"
    " content_hash, previous_hash, previous_body, edited, first_seen_at, last_changed_at"
)

# Undated entries last on both backends: PostgreSQL sorts NULL above every value,
# SQLite below, so the order says where NULLs go rather than leave it to either.
_NEWEST_FIRST = "published_at IS NULL, published_at DESC, entry_id DESC"

MATCH_DONE, MATCH_NEW, MATCH_EDITED = 0, 1, 2
_ATTEMPTS = 3  # reads of a row other writers keep changing before we give up

log = logging.getLogger(__name__)


def _entry(row: Sequence[Any]) -> EntryRecord:
    return EntryRecord(
        entry_id=int(row[0]),
        source_id=int(row[1]),
        key=str(row[2]),
        published_at=from_db(row[3]),
        modified_at=from_db(row[4]),
        title=row[5],
        body=str(row[6]),
        url=row[7],
        kind=str(row[8]),
        content_hash=str(row[9]),
        previous_hash=row[10],
        previous_body=row[11],
        edited=bool(row[12]),
        first_seen_at=from_db_required(row[13]),
        last_changed_at=from_db_required(row[14]),
    )


class SqlEntryRepository:
    def __init__(self, db: Db) -> None:
        self._db = db

    async def upsert_many(
        self, source_id: int, entries: Sequence[NewEntry], now: datetime, match: bool = True
    ) -> list[UpsertResult]:
        """`match`: new and edited entries wait for the alert pipeline (a source's first
        poll is history and passes False). See awaiting_match for the states."""
        stamp = to_db(now)
        results: list[UpsertResult] = []
        async with self._db.transaction() as conn:
            purged = await conn.fetchone(
                "SELECT purged_through FROM sources WHERE source_id = ?", (source_id,)
            )
            purged_through = purged[0] if purged else None
            for entry in entries:
                # One savepoint per item: an item the database refuses is left out
                # alone, never rolling back (and so blocking) the others.
                await conn.execute("SAVEPOINT entry")
                try:
                    # Published no later than what retention deleted of this source:
                    # possibly a deleted entry the page still lists, so history.
                    published = to_db(entry.published_at)
                    history = (
                        purged_through is not None
                        and published is not None
                        and published <= purged_through
                    )
                    result = await self._upsert_one(
                        conn, source_id, entry, stamp, match, history
                    )
                except self._db.item_errors as exc:
                    await conn.execute("ROLLBACK TO SAVEPOINT entry")
                    log.warning(
                        "entry %r of source %s not stored: %s", entry.key[:80], source_id, exc
                    )
                else:
                    results.append(result)
                await conn.execute("RELEASE SAVEPOINT entry")
        return results

    async def _upsert_one(
        self,
        conn: Tx,
        source_id: int,
        entry: NewEntry,
        stamp: str | None,
        match: bool,
        history: bool = False,
    ) -> UpsertResult:
        waiting = MATCH_NEW if match and not history else MATCH_DONE
        # Another process may store or edit the same entry between our read and our
        # write (PostgreSQL runs writers side by side): each write only lands on the
        # row as it was read, and otherwise we read again and compare with theirs.
        for _attempt in range(_ATTEMPTS):
            row = await conn.fetchone(
                f"SELECT {_COLUMNS} FROM entries WHERE source_id = ? AND entry_key = ?",
                (source_id, entry.key),
            )
            if row is None:
                status = UpsertStatus.NEW
                written = await conn.execute(
                    "INSERT INTO entries (source_id, entry_key, published_at, modified_at,"
                    " title, body, url, kind, content_hash, first_seen_at, last_changed_at,"
                    " match_pending) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (source_id, entry_key) DO NOTHING",
                    (
                        source_id,
                        entry.key,
                        to_db(entry.published_at),
                        to_db(entry.modified_at),
                        entry.title,
                        entry.body,
                        entry.url,
                        entry.kind,
                        entry.content_hash,
                        stamp,
                        stamp,
                        waiting,
                    ),
                )
            elif row[9] == entry.content_hash:
                return UpsertResult(UpsertStatus.UNCHANGED, _entry(row))
            else:
                status = UpsertStatus.EDITED
                # Keep the version we knew: delivery compares the two to decide
                # whether a sent alert deserves an in-place edit.
                written = await conn.execute(
                    "UPDATE entries SET previous_hash = content_hash, previous_body = body,"
                    " published_at = COALESCE(?, published_at), modified_at = ?, title = ?,"
                    " body = ?, url = COALESCE(?, url), kind = ?, content_hash = ?,"
                    " edited = 1, last_changed_at = ?,"
                    # Never matched yet: it stays new; matched before: an edit to match.
                    " match_pending = CASE WHEN ? = 0 THEN match_pending"
                    " WHEN match_pending = 1 THEN 1 ELSE 2 END"
                    " WHERE entry_id = ? AND content_hash = ?",
                    (
                        to_db(entry.published_at),
                        to_db(entry.modified_at),
                        entry.title,
                        entry.body,
                        entry.url,
                        entry.kind,
                        entry.content_hash,
                        stamp,
                        int(match),
                        row[0],
                        row[9],
                    ),
                )
            if not written:
                continue  # someone else wrote it first: compare with their version
            stored = await conn.fetchone(
                f"SELECT {_COLUMNS} FROM entries WHERE source_id = ? AND entry_key = ?",
                (source_id, entry.key),
            )
            assert stored is not None  # written just above in this transaction
            return UpsertResult(status, _entry(stored))
        raise RuntimeError(f"entry {entry.key[:80]!r} kept changing under us")

    async def awaiting_match(self, after_id: int, limit: int = 200) -> list[PendingMatch]:
        """Entries stored but not matched yet, oldest first, from after `after_id` on.

        match_pending: 0 done, 1 new (never matched), 2 edited since it was matched.
        """
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS}, match_pending FROM entries"
            " WHERE match_pending > 0 AND entry_id > ? ORDER BY entry_id LIMIT ?",
            (after_id, max(1, min(limit, 1000))),
        )
        return [PendingMatch(_entry(row), edit=int(row[15]) == MATCH_EDITED) for row in rows]

    async def get(self, entry_id: int) -> EntryRecord | None:
        row = await self._db.fetchone(
            f"SELECT {_COLUMNS} FROM entries WHERE entry_id = ?", (entry_id,)
        )
        return _entry(row) if row else None

    async def latest(self, limit: int, source_id: int | None = None) -> list[EntryRecord]:
        limit = max(1, min(limit, 500))
        if source_id is None:
            query = f"SELECT {_COLUMNS} FROM entries ORDER BY {_NEWEST_FIRST} LIMIT ?"
            params: tuple[Any, ...] = (limit,)
        else:
            query = (
                f"SELECT {_COLUMNS} FROM entries WHERE source_id = ?"
                f" ORDER BY {_NEWEST_FIRST} LIMIT ?"
            )
            params = (source_id, limit)
        rows = await self._db.fetchall(query, params)
        return [_entry(row) for row in rows]

    async def seen_since(self, since: datetime) -> list[EntryRecord]:
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM entries WHERE first_seen_at >= ? ORDER BY first_seen_at",
            (to_db(since),),
        )
        return [_entry(row) for row in rows]

    async def get_many(self, entry_ids: Sequence[int]) -> dict[int, EntryRecord]:
        found: dict[int, EntryRecord] = {}
        for chunk, marks in in_chunks(entry_ids):
            for row in await self._db.fetchall(
                f"SELECT {_COLUMNS} FROM entries WHERE entry_id IN ({marks})", chunk
            ):
                entry = _entry(row)
                found[entry.entry_id] = entry
        return found

    async def recent_news(self, since: datetime, limit: int = 2000) -> list[EntryRecord]:
        """News entries first seen since a moment, newest first (previews, counts)."""
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM entries WHERE kind = 'news' AND first_seen_at >= ?"
            " ORDER BY COALESCE(published_at, first_seen_at) DESC, entry_id DESC LIMIT ?",
            (to_db(since), max(1, min(limit, 10_000))),
        )
        return [_entry(row) for row in rows]
