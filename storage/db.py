"""The few database calls the repositories make, the same for SQLite and PostgreSQL.

The repositories in storage/repos write portable SQL with `?` placeholders (PostgreSQL's
driver receives them as $1, $2, …), `ON CONFLICT … DO NOTHING` and `RETURNING`, and read
rows by position. A backend is this protocol; nothing else of a driver leaks out.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, Literal, Protocol

Row = Sequence[Any]
Dialect = Literal["sqlite", "postgresql"]

# SQLite caps the number of bound parameters; id lists are queried in chunks of this size.
IN_CHUNK = 500


def in_chunks(ids: Iterable[int]) -> Iterator[tuple[list[int], str]]:
    """Distinct ids in chunks, each with its "?,?,…" placeholder list for an IN (…)."""
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), IN_CHUNK):
        chunk = unique[start : start + IN_CHUNK]
        yield chunk, ",".join("?" * len(chunk))


class Tx(Protocol):
    """Statements inside one transaction (or, for reads on a Db, outside of any)."""

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run a statement; the number of rows it changed."""
        ...

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None: ...

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None: ...


class Db(Tx, Protocol):
    """An open database. `execute` on it runs as a transaction of its own."""

    dialect: Dialect
    # What one row's data can make the database refuse (text it cannot encode, a value
    # out of range, a broken constraint), as opposed to a bug or a lost connection.
    item_errors: tuple[type[BaseException], ...]

    def transaction(self) -> AbstractAsyncContextManager[Tx]: ...

    async def close(self) -> None: ...
