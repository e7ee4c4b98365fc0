"""A whole small world for delivery tests: stand-in, a live liveblog, the bot, a clock."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import SecretStr

from bot.clock import FakeClock
from bot.config import LiveblogSettings, Settings, TelegramSettings
from bot.delivery.service import DeliveryStats
from bot.devserver import DevServer
from bot.devserver.client import ChatDriver
from bot.devserver.limits import RateLimits
from bot.harness import running_bot
from bot.services import Services
from bot.sources.samples import LiveblogSimulator
from tests.conftest import TOKEN
from tests.sources.server import SourceServer, source_server

BERLIN = ZoneInfo("Europe/Berlin")
PAGE = "/newsticker/liveblog-ukraine-montag-372.html"


@dataclass
class World:
    telegram: DevServer
    web: SourceServer
    reader: ChatDriver
    clock: FakeClock
    liveblog: LiveblogSimulator
    app: Any

    @property
    def services(self) -> Services:
        services: Services | None = self.app.bot_data.services
        assert services is not None
        return services

    def publish_until(self, moment: datetime) -> None:
        self.clock.set(moment)
        self.web.set(PAGE, self.liveblog.page(moment))

    async def poll(self) -> None:
        assert self.services.poller is not None
        await asyncio.gather(*await self.services.poller.tick())

    async def deliver(self) -> DeliveryStats:
        assert self.services.delivery is not None
        return await self.services.delivery.tick()

    async def step(self, moment: datetime) -> DeliveryStats:
        """Time moves on: the page shows what was published by then; poll, deliver."""
        self.publish_until(moment)
        await self.poll()
        return await self.deliver()

    async def bot_messages(self, chat_id: int) -> list[dict[str, Any]]:
        return [
            e for e in await self.reader.events(chat_id) if e["kind"] in {"bot_message", "bot_edit"}
        ]


def berlin(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2024, 11, day, hour, minute, tzinfo=BERLIN)


@asynccontextmanager
async def world(
    tmp_path: Path,
    limits: RateLimits | None = None,
    start: datetime | None = None,
    send_timeout_s: float = 10.0,
    db: str | Path | None = None,
    **settings_extra: Any,
) -> AsyncIterator[World]:
    """`db`: a SQLite path or a PostgreSQL URL (the `db_target` fixture); a file in
    tmp_path by default."""
    clock = FakeClock(start or berlin(4, 1, 0))
    # Telegram tolerates short bursts in a private chat; a reader typing three commands
    # and then getting an alert is such a burst. (The strict limit has its own tests.)
    limits = limits or RateLimits(private_burst=10)
    liveblog = LiveblogSimulator()
    async with DevServer(limits, max_long_poll_s=0.2) as telegram, source_server() as web:
        url = web.set(PAGE, liveblog.page(clock.now()))
        settings = Settings(
            telegram=TelegramSettings(
                bot_token=SecretStr(TOKEN),
                api_url=telegram.api_url,
                send_timeout_seconds=send_timeout_s,
            ),
            liveblog=LiveblogSettings(
                db=db if db is not None else tmp_path / "world.sqlite3",
                sources=[url],
                **settings_extra,
            ),
        )
        async with running_bot(settings, clock) as app, ChatDriver(telegram.url) as reader:
            the_world = World(telegram, web, reader, clock, liveblog, app)
            await the_world.poll()  # the source's first poll: history, pushes nothing
            yield the_world
