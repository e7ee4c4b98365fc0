"""The `?` → `$n` rewrite for PostgreSQL (storage/postgres/database.py) leaves alone what
PostgreSQL does not read as tokens: comments, literals, quoted names, dollar quotes."""

from __future__ import annotations

import pytest

from storage.factory import open_db
from storage.postgres.database import numbered
from tests.pg import require_pg, throwaway_schema

CASES = [
    ("SELECT ?, ?", "SELECT $1, $2"),
    ("SELECT '?', 'it''s ?', ?", "SELECT '?', 'it''s ?', $1"),
    ('SELECT "odd?name" FROM t WHERE x = ?', 'SELECT "odd?name" FROM t WHERE x = $1'),
    ("SELECT ? -- why? because\n, ?", "SELECT $1 -- why? because\n, $2"),
    ("SELECT /* a ? here,\n and ? there */ ?", "SELECT /* a ? here,\n and ? there */ $1"),
    ("SELECT $$ it's ? $$, ?", "SELECT $$ it's ? $$, $1"),
    ("SELECT $fn$ ? $$ ? $fn$, ?", "SELECT $fn$ ? $$ ? $fn$, $1"),
    ("SELECT E'it\\'s ?', ?", "SELECT E'it\\'s ?', $1"),
    ("SELECT doc ?? 'key', ?", "SELECT doc ? 'key', $1"),  # the jsonb operator, escaped
    ("SELECT a$b$c, ?", "SELECT a$b$c, $1"),  # a name with $ is no dollar quote
    ("SELECT ?, $1", "SELECT $1, $1"),  # already numbered text is left as it is
]


@pytest.mark.parametrize(("portable", "postgres"), CASES)
def test_only_real_placeholders_are_numbered(portable: str, postgres: str) -> None:
    assert numbered(portable) == postgres


async def test_the_rewritten_statements_run_on_postgresql() -> None:
    async with throwaway_schema(require_pg()) as url:
        db = await open_db(url)
        try:
            row = await db.fetchone(
                "SELECT ? -- a comment? yes\n"
                ", '?' /* ? */, $$ ? $$, $q$ it's ? $q$, E'\\'?', ?, "
                "'{\"k\": 1}'::jsonb ?? 'k'",
                ("first", "second"),
            )
            assert row is not None
            assert tuple(row) == ("first", "?", " ? ", " it's ? ", "'?", "second", True)
        finally:
            await db.close()
