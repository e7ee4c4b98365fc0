"""The storage suite: every test gets an open, migrated store on each backend."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from storage import Storage, open_storage


@pytest.fixture
async def store(db_target: str) -> AsyncIterator[Storage]:
    opened = await open_storage(db_target)
    try:
        yield opened
    finally:
        await opened.close()
