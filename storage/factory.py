"""Open the storage backend a URL or path names."""

from __future__ import annotations

from pathlib import Path

from storage.interfaces import Storage


async def open_storage(target: str | Path) -> Storage:
    """Open (and migrate) the database. A path or `sqlite:///path` means SQLite."""
    text = str(target)
    if text.startswith(("postgres://", "postgresql://")):
        raise NotImplementedError("the PostgreSQL backend is a coming step; use a SQLite path")
    if text.startswith("sqlite:///"):
        text = text.removeprefix("sqlite:///")
    from storage.sqlite.database import SqliteStorage

    return await SqliteStorage.open(text)
