"""Delivery settings through the stand-in, in German and English, with bad input."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.clock import FakeClock
from bot.config import LiveblogSettings, Settings, TelegramSettings
from bot.devserver import DevServer
from bot.devserver.client import ChatDriver
from bot.devserver.limits import RateLimits
from bot.harness import running_bot
from tests.conftest import TOKEN
from tests.helpers import services_of

ANNA = {"first_name": "Anna", "language_code": "de"}
BEN = {"first_name": "Ben", "language_code": "en"}


async def test_mode_for_chat_and_subscription(reader: ChatDriver, bot: object) -> None:
    [answer] = await reader.ask(3001, "/modus stündlich", **ANNA)
    assert "Modus: stündlich" in answer["text"]
    await reader.ask(3001, "/abo Nordkorea", **ANNA)
    [answer] = await reader.ask(3001, "/modus 1 taeglich", **ANNA)
    assert "Modus für „Nordkorea“: täglich" in answer["text"]
    assert "Zusammenfassung um 20:00" in answer["text"]
    chat = await services_of(bot).storage.chats.get(3001)
    assert chat is not None
    assert (chat.mode, chat.digest_time) == ("hourly", "20:00")
    [bad] = await reader.ask(3001, "/modus manchmal", **ANNA)
    assert "Wann möchtest du Meldungen" in bad["text"]


async def test_quiet_hours(reader: ChatDriver, bot: object) -> None:
    [answer] = await reader.ask(3002, "/ruhe 23:00-07:00", **ANNA)
    assert "Ruhezeit 23:00–07:00 (Europe/Berlin)" in answer["text"]
    [bad] = await reader.ask(3002, "/ruhe 25:00-07:00", **ANNA)
    assert "/ruhe 23:00-07:00" in bad["text"]
    [off] = await reader.ask(3002, "/ruhe aus", **ANNA)
    assert "Ruhezeit aus" in off["text"]


async def test_timezone_validated_with_suggestions(reader: ChatDriver, bot: object) -> None:
    [answer] = await reader.ask(3003, "/timezone America/New_York", **BEN)
    assert "Time zone: America/New_York" in answer["text"]
    [unknown] = await reader.ask(3003, "/timezone Europ/Berln", **BEN)
    assert "don't know the time zone" in unknown["text"]
    assert "Europe/Berlin" in unknown["text"]


async def test_pause_resume_and_mute(reader: ChatDriver, bot: object, clock: FakeClock) -> None:
    [answer] = await reader.ask(3004, "/pause 2h", **ANNA)
    assert "Pause bis 04.11. 12:00" in answer["text"]  # the fake clock is at 10:00 Berlin
    chat = await services_of(bot).storage.chats.get(3004)
    assert chat is not None
    assert chat.paused_until == clock.now() + timedelta(hours=2)
    [bad] = await reader.ask(3004, "/pause 90d", **ANNA)
    assert "höchstens 30 Tage" in bad["text"]
    [resumed] = await reader.ask(3004, "/weiter", **ANNA)
    assert "Weiter geht's" in resumed["text"]


async def test_language_switch(reader: ChatDriver, bot: object) -> None:
    [answer] = await reader.ask(3005, "/sprache en", **ANNA)
    assert "English" in answer["text"]
    [help_text] = await reader.ask(3005, "/help", **ANNA)
    assert "How it works" in help_text["text"]
    [bad] = await reader.ask(3005, "/lang fr", **ANNA)
    assert "/lang de" in bad["text"]


async def test_urgent_toggle(reader: ChatDriver, bot: object) -> None:
    await reader.ask(3006, "/abo Nordkorea", **ANNA)
    [on] = await reader.ask(3006, "/dringend 1", **ANNA)
    assert "dringend" in on["text"]
    [off] = await reader.ask(3006, "/dringend 1", **ANNA)
    assert "nicht mehr dringend" in off["text"]
    [bad] = await reader.ask(3006, "/dringend 7", **ANNA)
    assert "/dringend 1" in bad["text"]


@pytest.fixture
async def unlimited(tmp_path: Path, clock: FakeClock) -> AsyncIterator[tuple[ChatDriver, object]]:
    """A stand-in without Telegram's limits: the test is about the bot's own limit."""
    async with DevServer(RateLimits(enabled=False), max_long_poll_s=0.2) as server:
        settings = Settings(
            telegram=TelegramSettings(bot_token=SecretStr(TOKEN), api_url=server.api_url),
            liveblog=LiveblogSettings(db=tmp_path / "u.sqlite3", sources=[]),
        )
        async with running_bot(settings, clock) as app, ChatDriver(server.url) as driver:
            yield driver, app


async def test_commands_are_rate_limited_per_user(unlimited: tuple[ChatDriver, object]) -> None:
    reader, _app = unlimited
    for _ in range(20):
        await reader.ask(3007, "/hilfe", **ANNA)
    [answer] = await reader.ask(3007, "/hilfe", **ANNA)
    assert "zu viele Befehle" in answer["text"]


async def test_stats_only_for_configured_admins(
    reader: ChatDriver, bot: object, settings: Settings
) -> None:
    [refused] = await reader.ask(3008, "/stats", **ANNA)
    assert "kenne ich nicht" in refused["text"]
    settings.liveblog.admin_ids = frozenset({3009})
    [stats] = await reader.ask(3009, "/stats", **ANNA)
    assert "Ausgang: leer" in stats["text"]
    assert "Abos: 0 aktiv" in stats["text"]
