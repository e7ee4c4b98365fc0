"""A throw-away PostgreSQL schema per test, on the server LIVEBLOG_TEST_PG names.

Without the variable the PostgreSQL variants skip, saying why; CI sets it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from storage.postgres.database import split_schema

PG_ENV = "LIVEBLOG_TEST_PG"
SKIP_REASON = (
    f"{PG_ENV} is not set: PostgreSQL tests need a server, e.g. "
    f"{PG_ENV}=postgresql://postgres@127.0.0.1:5432/test (.ci/run sets it)"
)


def pg_url() -> str | None:
    return os.environ.get(PG_ENV) or None


def require_pg() -> str:
    url = pg_url()
    if url is None:
        pytest.skip(SKIP_REASON)
    return url


@asynccontextmanager
async def throwaway_schema(base: str) -> AsyncIterator[str]:
    """A database URL whose tables live in a new schema, dropped afterwards."""
    import asyncpg

    schema = f"t_{uuid.uuid4().hex[:16]}"
    joiner = "&" if "?" in base else "?"
    try:
        yield f"{base}{joiner}schema={schema}"
    finally:
        dsn, _ = split_schema(base)
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        finally:
            await conn.close()
