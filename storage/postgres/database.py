"""PostgreSQL through an asyncpg pool, speaking the repositories' portable SQL.

The repositories write `?` placeholders (SQLite's); PostgreSQL numbers them ($1, $2, …).
The translation skips what PostgreSQL's own lexer does not read as SQL tokens: comments
(-- and /* */), string literals ('…', E'…' with backslash escapes), quoted identifiers
and dollar-quoted bodies ($$…$$, $tag$…$tag$). A `?` meant as PostgreSQL's jsonb
operator is written `??` (it cannot be told from a placeholder otherwise). The result is
cached per statement text.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import socket
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import asyncpg
from asyncpg.exceptions import _base as asyncpg_base

from storage.db import Dialect, Row, Tx

# Comments, literals, identifiers and dollar quotes pass through; `??` is the literal
# operator; a bare ? becomes the next $n. A dollar quote's tag cannot start with a digit
# ($1 is a parameter) and cannot follow a name's character (a$b$ is one identifier).
_PIECES = re.compile(
    r"""
      --[^\n]*
    | /\*.*?\*/
    | (?<![\w$])[Ee]'(?:[^'\\]|\\.|'')*'
    | '(?:[^']|'')*'
    | "(?:[^"]|"")*"
    | (?<![\w$])(?P<dollar>\$(?:[A-Za-z_\x80-\uffff][\w\x80-\uffff]*)?\$).*?(?P=dollar)
    | \?\?
    | \?
    """,
    re.VERBOSE | re.DOTALL,
)
_SCHEMA = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


@lru_cache(maxsize=1024)
def numbered(sql: str) -> str:
    """`?` placeholders as PostgreSQL's $1, $2, … (quoted text left alone)."""
    count = 0

    def renumber(match: re.Match[str]) -> str:
        nonlocal count
        piece = match.group(0)
        if piece == "??":
            return "?"
        if piece != "?":
            return piece
        count += 1
        return f"${count}"

    return _PIECES.sub(renumber, sql)


def _changed(status: str) -> int:
    """asyncpg answers 'UPDATE 3', 'INSERT 0 1', 'DELETE 0': the last number is the rows."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


def split_schema(url: str) -> tuple[str, str | None]:
    """The URL without our `schema=` query option, and that schema (tests use their own)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    schema = next((value for key, value in query if key == "schema"), None)
    rest = urlencode([(key, value) for key, value in query if key != "schema"])
    if schema is not None and not _SCHEMA.match(schema):
        raise ValueError("schema= takes a lower-case SQL name (letters, digits, _)")
    return urlunsplit(parts._replace(query=rest)), schema


async def _keep(conn: asyncpg.Connection) -> None:
    """A connection goes back to the pool as it is. asyncpg's default reset runs a query
    (RESET ALL, UNLISTEN, advisory unlocks) on every release: a round trip for each
    statement a repository runs outside a transaction, ~40% of the database time per
    delivered alert. Nothing here leaves session state behind: no SET (search_path is
    a server setting of the pool), no LISTEN, only transaction-scoped advisory locks;
    asyncpg still clears its own listeners and rolls back an unfinished transaction."""


def server_timeouts(timeout_s: float) -> dict[str, str]:
    """What the server enforces for each of our sessions, so that it frees locks and
    connections of a client that vanished or hangs: a statement runs at most the call
    timeout; a transaction left open that long (plus a margin) is aborted; a silent
    client is probed after a minute of quiet."""
    ms = max(1, int(timeout_s * 1000))
    return {
        "statement_timeout": str(ms),
        "idle_in_transaction_session_timeout": str(2 * ms + 5000),
        "tcp_keepalives_idle": "60",
        "tcp_keepalives_interval": "10",
        "tcp_keepalives_count": "3",
    }


def keepalive(sock: socket.socket | None, timeout_s: float) -> None:
    """Our side of the socket: keepalive probes find a peer that is gone while idle, and
    TCP_USER_TIMEOUT drops a connection whose sent bytes stay unacknowledged (a
    partition) instead of letting the kernel retransmit for a quarter of an hour."""
    if sock is None:
        return
    options = [
        (socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1),
        (socket.IPPROTO_TCP, getattr(socket, "TCP_KEEPIDLE", None), 60),
        (socket.IPPROTO_TCP, getattr(socket, "TCP_KEEPINTVL", None), 10),
        (socket.IPPROTO_TCP, getattr(socket, "TCP_KEEPCNT", None), 3),
        (socket.IPPROTO_TCP, getattr(socket, "TCP_USER_TIMEOUT", None), int(timeout_s * 1000)),
    ]
    for level, option, value in options:
        if option is not None:
            with contextlib.suppress(OSError):  # not every platform has each option
                sock.setsockopt(level, option, value)


class _PgTx:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        return _changed(await self._conn.execute(numbered(sql), *params))

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        batch = [tuple(row) for row in rows]
        if batch:
            await self._conn.executemany(numbered(sql), batch)

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return list(await self._conn.fetch(numbered(sql), *params))

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        row: Row | None = await self._conn.fetchrow(numbered(sql), *params)
        return row


class PostgresDb:
    """A pool; each transaction holds one connection, reads borrow one per call."""

    dialect: Dialect = "postgresql"
    item_errors: tuple[type[BaseException], ...] = (
        UnicodeError,
        OverflowError,
        asyncpg_base.DataError,  # raised by the driver: a value it cannot encode
        asyncpg.DataError,  # raised by the server (class 22: data exception)
        asyncpg.IntegrityConstraintViolationError,
    )

    def __init__(
        self, pool: asyncpg.Pool, schema: str | None, timeout_s: float | None = None
    ) -> None:
        self._pool = pool
        self.schema = schema
        self.timeout_s = timeout_s  # also how long a call waits for a free connection

    @classmethod
    async def open(
        cls, url: str, min_size: int = 1, max_size: int = 10, timeout_s: float | None = None
    ) -> PostgresDb:
        """`timeout_s`: each call, each connection attempt and each wait for a pooled
        connection gives up after this long (asyncpg's command timeout, and the server's
        statement timeout); None waits as long as it takes (migrations, tools)."""
        dsn, schema = split_schema(url)
        settings = {"search_path": schema} if schema else {}
        limits: dict[str, Any] = {}
        if timeout_s is not None:
            settings |= server_timeouts(timeout_s)
            limits = {"command_timeout": timeout_s, "timeout": timeout_s}

            async def on_connect(conn: asyncpg.Connection) -> None:
                transport = getattr(conn, "_transport", None)
                keepalive(transport.get_extra_info("socket") if transport else None, timeout_s)

            limits["init"] = on_connect
        if schema:
            # A schema of our own (tests, several bots in one database) is made on first use.
            conn = await asyncpg.connect(dsn)
            try:
                await conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            except (asyncpg.UniqueViolationError, asyncpg.DuplicateSchemaError):
                pass  # another worker created it this instant (IF NOT EXISTS is not atomic)
            finally:
                await conn.close()
        pool = await asyncpg.create_pool(
            dsn,
            min_size=min_size,
            max_size=max_size,
            server_settings=settings,
            reset=_keep,
            **limits,
        )
        return cls(pool, schema, timeout_s)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        async with self._pool.acquire(timeout=self.timeout_s) as conn, conn.transaction():
            yield _PgTx(conn)

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        async with self._pool.acquire(timeout=self.timeout_s) as conn:
            return _changed(await conn.execute(numbered(sql), *params))

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        async with self.transaction() as tx:
            await tx.executemany(sql, rows)

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        async with self._pool.acquire(timeout=self.timeout_s) as conn:
            return list(await conn.fetch(numbered(sql), *params))

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        async with self._pool.acquire(timeout=self.timeout_s) as conn:
            row: Row | None = await conn.fetchrow(numbered(sql), *params)
        return row

    async def close(self) -> None:
        try:  # a connection lost mid-call must not keep a stopping bot waiting
            await asyncio.wait_for(self._pool.close(), self.timeout_s)
        except TimeoutError:
            self._pool.terminate()
