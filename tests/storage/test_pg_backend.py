"""What only the PostgreSQL backend does: placeholder numbering, schemas in the URL,
migrations when several workers start at once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from storage import open_storage
from storage.postgres.database import numbered, split_schema
from tests.pg import require_pg, throwaway_schema

NOW = datetime(2024, 11, 4, 12, 0, tzinfo=UTC)


def test_placeholders_are_numbered_outside_quoted_text() -> None:
    assert numbered("SELECT ? , ?") == "SELECT $1 , $2"
    assert numbered("SELECT '?', \"a?b\", ? WHERE x = 'it''s ?'") == (
        "SELECT '?', \"a?b\", $1 WHERE x = 'it''s ?'"
    )
    assert numbered("UPDATE t SET a = ? WHERE id IN (?,?,?)").endswith("IN ($2,$3,$4)")


def test_schema_option_is_taken_out_of_the_url_and_checked() -> None:
    dsn, schema = split_schema("postgresql://u@h:5432/db?schema=t_abc&sslmode=disable")
    assert (dsn, schema) == ("postgresql://u@h:5432/db?sslmode=disable", "t_abc")
    assert split_schema("postgresql://u@h/db") == ("postgresql://u@h/db", None)
    with pytest.raises(ValueError, match="schema"):
        split_schema('postgresql://u@h/db?schema=x";DROP TABLE chats;--')


async def test_workers_starting_together_migrate_once() -> None:
    async with throwaway_schema(require_pg()) as url:
        stores = await asyncio.gather(*(open_storage(url) for _ in range(4)))
        try:
            await stores[0].chats.upsert(7, "private", None, "de", NOW)
            for store in stores:
                chat = await store.chats.get(7)
                assert chat is not None
                assert chat.language == "de"
        finally:
            for store in stores:
                await store.close()


async def test_a_refused_value_is_left_out_alone_on_postgresql() -> None:
    from storage.records import NewEntry

    async with throwaway_schema(require_pg()) as url:
        store = await open_storage(url)
        try:
            source = await store.sources.ensure("https://x.example/", None, 60, NOW)

            def item(key: str, body: str) -> NewEntry:
                return NewEntry(key, NOW, None, None, body, None, "news", key)

            # PostgreSQL text cannot hold NUL (SQLite can): the row is refused, not the fetch.
            results = await store.entries.upsert_many(
                source.source_id, [item("a", "eins"), item("b", "zw\x00ei"), item("c", "drei")], NOW
            )
            assert [r.entry.key for r in results] == ["a", "c"]
        finally:
            await store.close()
