"""Numbered SQL migrations, applied once each and tracked in the database.

SQLite's are storage/migrations/NNN_*.sql; PostgreSQL's storage/migrations/postgresql/,
which begins with a baseline at 010 (the schema SQLite reached by then). A later change
comes as one number in both folders.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

from storage.db import Db

_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")
# Workers starting together must not migrate twice: PostgreSQL serialises them on this key.
_PG_LOCK_KEY = 0x6C6962_6C6F67  # "liblog"


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def load_migrations(dialect: str = "sqlite") -> list[Migration]:
    folder = resources.files("storage") / "migrations"
    if dialect == "postgresql":
        folder = folder / "postgresql"
    found: list[Migration] = []
    for item in folder.iterdir():
        match = _NAME.match(item.name)
        if match:
            found.append(Migration(int(match.group(1)), item.name, item.read_text("utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"two migrations share a number: {versions}")
    return found


def split_statements(sql: str) -> list[str]:
    """Our migration files hold plain DDL: statements end with ';' at a line end."""
    lines = [line for line in sql.splitlines() if not line.strip().startswith("--")]
    return [part.strip() for part in "\n".join(lines).split(";\n") if part.strip().strip(";")]


async def apply_migrations(db: Db) -> list[int]:
    """The missing migrations, all in one transaction: a failure leaves the schema as it was."""
    applied: list[int] = []
    async with db.transaction() as tx:
        if db.dialect == "postgresql":
            await tx.fetchone("SELECT pg_advisory_xact_lock(?)", (_PG_LOCK_KEY,))
        await tx.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL"
            " DEFAULT CURRENT_TIMESTAMP)"
        )
        done = {int(row[0]) for row in await tx.fetchall("SELECT version FROM schema_migrations")}
        for migration in load_migrations(db.dialect):
            if migration.version in done:
                continue
            for statement in split_statements(migration.sql):
                await tx.execute(statement)
            await tx.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                (migration.version, migration.name),
            )
            applied.append(migration.version)
    return applied
