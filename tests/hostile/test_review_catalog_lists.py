"""A big catalog with long labels keeps /abos, /start and /hilfe whole.

Each of these lists every followed source's label, uncapped: with 40 sources of
60-character labels and 25 subscriptions, /abos passed 4,096 characters and the last
guard sent it as cut plain text (formatting gone, the chat's settings lost at the end)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.clock import FakeClock
from bot.config import LiveblogSettings, Settings, TelegramSettings
from bot.devserver import DevServer
from bot.devserver.client import ChatDriver
from bot.devserver.limits import RateLimits
from bot.harness import running_bot
from bot.services import Services
from tests.conftest import TOKEN
from tests.hostile.builders import check_message
from tests.stories.test_one_alert_per_story import START

ANNA = 5301
DE = {"first_name": "Anna", "language_code": "de"}
SOURCES = 40


def catalog(base: str) -> str:
    return "".join(
        f'[[source]]\nid = "s{i}"\noutlet = "Outlet{i}"\n'
        f'label_de = "{"Ä&<" * 20}"\nlanguage = "de"\nformat = "jsonfeed"\n'
        f'url = "{base}/s{i}.json"\n\n'
        for i in range(SOURCES)
    )


@dataclass
class Bot:
    reader: ChatDriver
    services: Services


@pytest.fixture
async def bot_with_catalog(tmp_path: Path) -> AsyncIterator[Bot]:
    async with DevServer(RateLimits(private_burst=100), max_long_poll_s=0.2) as telegram:
        path = tmp_path / "sources.toml"
        path.write_text(catalog("http://127.0.0.1:9"), "utf-8")
        settings = Settings(
            telegram=TelegramSettings(bot_token=SecretStr(TOKEN), api_url=telegram.api_url),
            liveblog=LiveblogSettings(
                db=tmp_path / "catalog.sqlite3",
                catalog=path,
                sources=[f"s{i}" for i in range(SOURCES)],
            ),
        )
        async with running_bot(settings, FakeClock(START)) as app, ChatDriver(telegram.url) as r:
            yield Bot(r, app.bot_data.services)


async def test_lists_of_a_big_catalog_keep_their_markup(bot_with_catalog: Bot) -> None:
    bot = bot_with_catalog
    assert len(bot.services.sources.followed) == SOURCES
    [welcome] = await bot.reader.ask(ANNA, "/start", **DE)
    [help_text] = await bot.reader.ask(ANNA, "/hilfe", **DE)
    for n in range(25):
        query = f"Kiew{'x' * 80}{n}"
        outcome = await bot.services.subscriptions.subscribe(ANNA, query, confirmed=True)
        assert outcome.status == "added", outcome
    [listing] = await bot.reader.ask(ANNA, "/abos", **DE)
    for message in (welcome, help_text, listing):
        html = message["data"]["html"]
        check_message(html)
        assert "<b>" in html, "sent as cut plain text: the list outgrew the message"
    assert "Zeitzone" in listing["text"]  # the settings at the end are still there
