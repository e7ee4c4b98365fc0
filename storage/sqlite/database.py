"""One SQLite connection in WAL mode, migrated at open, shared by the repositories."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

from storage.sqlite.migrate import apply_migrations

# SQLite caps the number of bound parameters; id lists are queried in chunks of this size.
IN_CHUNK = 500


def in_chunks(ids: Iterable[int]) -> Iterator[tuple[list[int], str]]:
    """Distinct ids in chunks, each with its "?,?,…" placeholder list for an IN (…)."""
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), IN_CHUNK):
        chunk = unique[start : start + IN_CHUNK]
        yield chunk, ",".join("?" * len(chunk))


class SqliteDatabase:
    """The connection plus a lock: SQLite has one writer, so transactions queue here."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn
        self._write_lock = asyncio.Lock()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self._write_lock:
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            else:
                await self.conn.execute("COMMIT")


class SqliteStorage:
    def __init__(self, db: SqliteDatabase) -> None:
        from storage.sqlite.alerts import SqliteAlertRepository
        from storage.sqlite.chats import SqliteChatRepository
        from storage.sqlite.choices import SqliteSourceChoiceRepository
        from storage.sqlite.entries import SqliteEntryRepository
        from storage.sqlite.sources import SqliteSourceRepository
        from storage.sqlite.stories import SqliteStoryRepository
        from storage.sqlite.subscriptions import SqliteSubscriptionRepository

        self._db = db
        self.chats = SqliteChatRepository(db)
        self.sources = SqliteSourceRepository(db)
        self.entries = SqliteEntryRepository(db)
        self.subscriptions = SqliteSubscriptionRepository(db)
        self.alerts = SqliteAlertRepository(db)
        self.choices = SqliteSourceChoiceRepository(db)
        self.stories = SqliteStoryRepository(db)

    @classmethod
    async def open(cls, path: str) -> SqliteStorage:
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: we issue BEGIN/COMMIT ourselves (see transaction()).
        conn = await aiosqlite.connect(path, isolation_level=None)
        try:
            await conn.execute("PRAGMA journal_mode=WAL")
            await conn.execute("PRAGMA synchronous=NORMAL")
            await conn.execute("PRAGMA foreign_keys=ON")
            await conn.execute("PRAGMA busy_timeout=5000")
            db = SqliteDatabase(conn)
            await apply_migrations(db)
        except BaseException:
            await conn.close()
            raise
        return cls(db)

    async def close(self) -> None:
        await self._db.conn.close()
