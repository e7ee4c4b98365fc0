"""Open the storage backend a URL or path names."""

from __future__ import annotations

from pathlib import Path

from storage.db import Db
from storage.interfaces import Storage
from storage.migrate import apply_migrations
from storage.repos.storage import SqlStorage

POSTGRES_SCHEMES = ("postgres://", "postgresql://")


def is_postgres(target: str | Path) -> bool:
    return str(target).startswith(POSTGRES_SCHEMES)


async def open_db(target: str | Path) -> Db:
    """The database without migrating it. A path or `sqlite:///path` means SQLite,
    `postgresql://…` PostgreSQL (add `?schema=name` to keep to a schema of one's own)."""
    text = str(target)
    if is_postgres(text):
        from storage.postgres.database import PostgresDb

        return await PostgresDb.open(text)
    from storage.sqlite.database import SqliteDb

    return await SqliteDb.open(text.removeprefix("sqlite:///"))


async def open_storage(target: str | Path) -> Storage:
    """Open and migrate the database."""
    db = await open_db(target)
    try:
        await apply_migrations(db)
    except BaseException:
        await db.close()
        raise
    return SqlStorage(db)
