"""SQLite: one connection in WAL mode, migrated at open, shared by the repositories."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from storage.db import Dialect, Row, Tx


def _checked(params: Sequence[Any]) -> Sequence[Any]:
    """PostgreSQL cannot store U+0000 in text and refuses the row; SQLite would keep it.
    Refused here too (as a DataError, one of item_errors), so both backends agree."""
    for value in params:
        if isinstance(value, str) and "\x00" in value:
            raise sqlite3.DataError("text holds U+0000 (NUL), which is not stored")
    return params


class _SqliteTx:
    """Each call is one hand-off to aiosqlite's thread, not three (execute, fetch, close):
    a hand-off costs a queue put, a wake-up of the loop and a GIL switch, and a paid
    fan-out makes a dozen statements per alert. Cursors are left to the garbage
    collector, as aiosqlite's own execute_fetchall does."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        cursor = await self._conn.execute(sql, _checked(params))
        return max(cursor.rowcount, 0)

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        await self._conn.executemany(sql, [_checked(row) for row in rows])

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return list(await self._conn.execute_fetchall(sql, _checked(params)))

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        async with self._conn.execute(sql, _checked(params)) as cursor:
            row = await cursor.fetchone()
        return row


class SqliteDb(_SqliteTx):
    """The connection plus a lock: SQLite has one writer, so transactions queue here.

    Reads outside a transaction use the same connection without the lock (WAL lets them
    run beside a writer); every write goes through transaction().
    """

    dialect: Dialect = "sqlite"
    item_errors: tuple[type[BaseException], ...] = (
        UnicodeError,
        OverflowError,
        sqlite3.DataError,
        sqlite3.IntegrityError,
        sqlite3.InterfaceError,
    )

    def __init__(self, conn: aiosqlite.Connection, timeout_s: float | None = None) -> None:
        super().__init__(conn)
        self.conn = conn
        self._write_lock = asyncio.Lock()
        self.timeout_s = timeout_s

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        # A transaction that never ends must not queue every later write behind it for
        # good: waiting for the lock gives up like a busy database file does.
        async with asyncio.timeout(self.timeout_s):
            await self._write_lock.acquire()
        try:
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield _SqliteTx(self.conn)
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            else:
                await self.conn.execute("COMMIT")
        finally:
            self._write_lock.release()

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        async with self.transaction() as tx:
            return await tx.execute(sql, params)

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        async with self.transaction() as tx:
            await tx.executemany(sql, rows)

    async def close(self) -> None:
        await self.conn.close()

    @classmethod
    async def open(cls, path: str, timeout_s: float | None = None) -> SqliteDb:
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: we issue BEGIN/COMMIT ourselves (see transaction()).
        conn = await aiosqlite.connect(path, isolation_level=None)
        try:
            await conn.execute("PRAGMA journal_mode=WAL")
            await conn.execute("PRAGMA synchronous=NORMAL")
            await conn.execute("PRAGMA foreign_keys=ON")
            # Another process holding the file (a backup, the CLI): wait this long, then
            # fail the call instead of hanging on the lock.
            busy_ms = int((timeout_s or 5.0) * 1000)
            await conn.execute(f"PRAGMA busy_timeout={busy_ms}")
        except BaseException:
            await conn.close()
            raise
        return cls(conn, timeout_s)
