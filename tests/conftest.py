"""Shared fixtures: the Bot API stand-in, a reader driving it, and the real bot."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.clock import FakeClock
from bot.config import LiveblogSettings, Settings, TelegramSettings
from bot.devserver import DevServer
from bot.devserver.client import ChatDriver
from bot.harness import running_bot
from tests.pg import require_pg, throwaway_schema

# The bot's meaning layer (bot/matching/meaning.py) embeds every entry with the bundled
# model: tests of delivery, commands and sources match by words, deterministically and
# fast; tests of the layer itself build it explicitly.
os.environ.setdefault("LIVEBLOG_MEANING", "0")

TOKEN = "123456:TEST-token-abcdef"
SHARED = Path(__file__).resolve().parents[1] / "seeds"
SAMPLE = SHARED / "tagesschau-liveblog-2024-11-04.txt"


@pytest.fixture
async def devserver() -> AsyncIterator[DevServer]:
    async with DevServer(max_long_poll_s=0.2) as server:
        yield server


@pytest.fixture
async def reader(devserver: DevServer) -> AsyncIterator[ChatDriver]:
    async with ChatDriver(devserver.url) as driver:
        yield driver


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2024, 11, 4, 9, 0, tzinfo=UTC))


@pytest.fixture(params=["sqlite", "postgresql"])
async def db_target(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A database to open: a SQLite file, and a throw-away PostgreSQL schema (skipped
    without LIVEBLOG_TEST_PG). Tests taking it run on both backends."""
    if request.param == "sqlite":
        yield str(tmp_path / "store.sqlite3")
        return
    async with throwaway_schema(require_pg()) as url:
        yield url


@pytest.fixture
def settings(devserver: DevServer, tmp_path: Path) -> Settings:
    return Settings(
        telegram=TelegramSettings(bot_token=SecretStr(TOKEN), api_url=devserver.api_url),
        liveblog=LiveblogSettings(db=tmp_path / "bot.sqlite3", sources=[]),
    )


@pytest.fixture
async def bot(settings: Settings, clock: FakeClock) -> AsyncIterator[object]:
    async with running_bot(settings, clock) as app:
        yield app
