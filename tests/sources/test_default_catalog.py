"""Acceptance: a bot started with only a token follows the default catalog.

tagesschau's feeds and liveblog pages are served from local copies on 127.0.0.1; the
bot is told only where that origin lives now (LIVEBLOG_ORIGINS), as an operator with a
mirror would. It follows the daily Ukraine liveblog, every other liveblog by theme, and
shows the catalog's labels in its texts and alerts.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.clock import FakeClock
from bot.config import LiveblogSettings, Settings, TelegramSettings
from bot.devserver import DevServer
from bot.devserver.client import ChatDriver
from bot.devserver.limits import RateLimits
from bot.harness import running_bot
from bot.services import Services
from bot.sources.model import Entry
from bot.sources.samples import LiveblogSimulator, tagesschau_html
from tests.conftest import TOKEN
from tests.sources.server import SourceServer, source_server

FIXTURES = Path(__file__).parent / "fixtures"
ENV_EXAMPLE = Path(__file__).resolve().parents[2] / ".env.example"
BERLIN = ZoneInfo("Europe/Berlin")
UKRAINE = "/newsticker/liveblog-ukraine-montag-372.html"
NAHOST = "/newsticker/liveblog-nahost-montag-210.html"
US_WAHL = "/newsticker/liveblog-us-wahl-100.html"
ANNA = 4711


def at(hour: int, minute: int) -> datetime:
    return datetime(2024, 11, 4, hour, minute, tzinfo=BERLIN)


def nahost_page() -> bytes:
    entry = Entry(
        "liveblog-nahost-1",
        at(0, 50),
        None,
        "Israel meldet Angriffe im Südlibanon",
        "Die israelische Armee hat nach eigenen Angaben Ziele im Südlibanon angegriffen.",
        None,
    )
    return tagesschau_html([entry])


@pytest.fixture
async def web() -> AsyncIterator[SourceServer]:
    async with source_server() as server:
        rss = "application/rss+xml; charset=utf-8"
        server.set("/index~rss2.xml", (FIXTURES / "tagesschau-index-rss2.xml").read_bytes(), rss)
        server.set(
            "/infoservices/alle-meldungen-100~rss2.xml",
            (FIXTURES / "tagesschau-alle-meldungen-rss2.xml").read_bytes(),
            rss,
        )
        server.set(NAHOST, nahost_page())
        server.set(US_WAHL, nahost_page().replace(b"nahost", b"us-wahl"))
        yield server


async def poll(services: Services) -> None:
    assert services.poller is not None
    for task in await services.poller.tick():
        await task


async def test_only_a_token_follows_the_default_catalog(tmp_path: Path, web: SourceServer) -> None:
    clock = FakeClock(at(1, 0))
    liveblog = LiveblogSimulator()
    web.set(UKRAINE, liveblog.page(clock.now()))
    async with (
        DevServer(RateLimits(private_burst=10), max_long_poll_s=0.2) as telegram,
        ChatDriver(telegram.url) as reader,
    ):
        # The README's set-up: `cp .env.example .env` and a token. Nothing about sources;
        # besides, only where tagesschau.de's copy is served and where the data goes.
        env = tmp_path / ".env"
        env.write_text(
            ENV_EXAMPLE.read_text("utf-8").replace(
                "TELEGRAM_BOT_TOKEN=\n", f"TELEGRAM_BOT_TOKEN={TOKEN}\n"
            )
        )
        from_env = TelegramSettings(_env_file=env)  # type: ignore[call-arg]  # pydantic-settings
        settings = Settings(
            telegram=from_env.model_copy(update={"api_url": telegram.api_url}),
            liveblog=LiveblogSettings(
                _env_file=env,  # type: ignore[call-arg]
                db=tmp_path / "bot.sqlite3",
                origins={"https://www.tagesschau.de": web.url},
            ),
        )
        assert settings.liveblog.sources is None
        async with running_bot(settings, clock) as app:
            services: Services = app.bot_data.services
            await poll(services)  # the two feeds: the newest page of every theme is found
            clock.advance(timedelta(seconds=61))
            await poll(services)  # the pages themselves
            sources = await services.storage.sources.list_active()
            pages = {s.url.removeprefix("https://www.tagesschau.de"): s for s in sources}
            assert set(pages) == {
                "/index~rss2.xml",
                "/infoservices/alle-meldungen-100~rss2.xml",
                UKRAINE,
                NAHOST,
                US_WAHL,
            }
            assert web.hits.get("/newsticker/liveblog-nahost-sonntag-208.html") is None
            assert web.hits.get("/newsticker/liveblog-ukraine-sonntag-370.html") is None
            labels = {path: services.sources.label(s.source_id, "de") for path, s in pages.items()}
            assert labels[UKRAINE] == "tagesschau · Ukraine"
            assert labels[NAHOST] == "tagesschau · Nahost"
            assert labels[US_WAHL] == "tagesschau · US-Wahl"
            assert services.sources.label(pages[US_WAHL].source_id, "en") == (
                "tagesschau · US election"
            )
            assert pages[NAHOST].catalog_id == "tagesschau-liveblogs"
            stored = await services.storage.entries.latest(50, pages[NAHOST].source_id)
            assert [e.title for e in stored] == ["Israel meldet Angriffe im Südlibanon"]

            welcome = (await reader.ask(ANNA, "/start", first_name="Anna", language_code="de"))[0]
            assert "• tagesschau · Ukraine" in welcome["text"]
            assert "• tagesschau · weitere Liveblogs" in welcome["text"]
            helped = (await reader.ask(ANNA, "/hilfe", language_code="de"))[0]
            assert "tagesschau · Ukraine, tagesschau · weitere Liveblogs" in helped["text"]
            await reader.ask(ANNA, "/abo Kiew", language_code="de")

            # 01:30: the Kyiv drone attack appears on the Ukraine page; the alert names
            # the catalog's label, not the page title cut mid-word.
            clock.set(at(1, 30))
            web.set(UKRAINE, liveblog.page(clock.now()))
            await poll(services)
            assert services.delivery is not None
            await services.delivery.tick()
            alerts = [
                e
                for e in await reader.events(ANNA)
                if e["kind"] == "bot_message" and "🔔" in e["text"]
            ]
            assert alerts, await reader.events(ANNA)
            assert "· tagesschau · Ukraine" in alerts[0]["text"]
            assert "Liveblog:" not in alerts[0]["text"]
            assert alerts[0]["text"].count("https://www.tagesschau.de" + UKRAINE) <= 1
