"""Open the storage backend a URL or path names."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from storage.db import Db
from storage.interfaces import Storage
from storage.migrate import apply_migrations
from storage.repos.storage import SqlStorage

POSTGRES_SCHEMES = ("postgres://", "postgresql://")
SQLITE_SCHEME = "sqlite://"
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


def is_postgres(target: str | Path) -> bool:
    return str(target).startswith(POSTGRES_SCHEMES)


def db_problem(target: str | Path) -> str | None:
    """Why `target` names no database we can open (None: it does). Checked at start, so a
    typo never becomes a SQLite file named like a URL, nor the server's default database."""
    if isinstance(target, Path):
        return None if str(target).strip() else "empty path"
    text = target.strip()
    if not text:
        return "empty: give a file path or a postgresql:// URL"
    if is_postgres(text):
        try:
            parts = urlsplit(text)
        except ValueError as exc:
            return f"not a readable URL ({exc})"
        if not parts.path.strip("/"):
            return "postgresql:// needs a database name: postgresql://user:password@host:5432/dbname"
        return None
    if text.startswith(SQLITE_SCHEME):
        return None if text.removeprefix(SQLITE_SCHEME).strip("/") else "sqlite:// needs a path"
    scheme = _SCHEME.match(text)
    # A drive letter (C:\…) is a path; "mysql://…", "postgresq://…" or "sqlite:x" are not.
    if scheme is not None and (len(scheme.group(1)) > 1 or "://" in text):
        return (
            f"unknown scheme {scheme.group(1)!r}: use a file path, sqlite:///absolute/path, "
            "sqlite://relative/path or postgresql://user:password@host:5432/dbname"
        )
    return None


def sqlite_path(target: str | Path) -> Path:
    """The SQLite file a path or `sqlite://` URL names: `sqlite:///srv/x.sqlite3` is the
    absolute /srv/x.sqlite3 (as `sqlite:////srv/…`), `sqlite://data/x.sqlite3` relative."""
    text = str(target)
    if not text.startswith(SQLITE_SCHEME):
        return Path(text)
    rest = text.removeprefix(SQLITE_SCHEME)
    return Path("/" + rest.lstrip("/")) if rest.startswith("/") else Path(rest)


def describe(target: str | Path) -> str:
    """The database for a log line: a file's path, a server URL without its password."""
    if not is_postgres(target):
        return f"SQLite {sqlite_path(target)}"
    parts = urlsplit(str(target))
    netloc = parts.netloc
    if parts.password is not None:
        user = parts.username or ""
        netloc = f"{user}:***@{netloc.rpartition('@')[2]}"
    return "PostgreSQL " + urlunsplit(parts._replace(netloc=netloc))


async def open_db(target: str | Path, timeout_s: float | None = None) -> Db:
    """The database without migrating it. A path or `sqlite://` URL means SQLite,
    `postgresql://…` PostgreSQL (add `?schema=name` to keep to a schema of one's own).

    `timeout_s`: every call gives up after this long (a running bot: a database that
    stopped answering must not stop it for good); None for tools and migrations."""
    problem = db_problem(target)
    if problem is not None:
        raise ValueError(f"LIVEBLOG_DB: {problem}")
    text = str(target)
    if is_postgres(text):
        from storage.postgres.database import PostgresDb

        return await PostgresDb.open(text, timeout_s=timeout_s)
    from storage.sqlite.database import SqliteDb

    return await SqliteDb.open(str(sqlite_path(text)), timeout_s=timeout_s)


async def open_storage(target: str | Path, timeout_s: float | None = None) -> Storage:
    """Open and migrate the database. Migrations run without the call timeout (building
    an index on a big table may take minutes), on a connection of their own."""
    db = await open_db(target)
    try:
        await apply_migrations(db)
    except BaseException:
        await db.close()
        raise
    if timeout_s is None:
        return SqlStorage(db)
    await db.close()
    return SqlStorage(await open_db(target, timeout_s))
