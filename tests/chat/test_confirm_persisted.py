""" "Subscribe anyway" and suggestion buttons wait in the database: they work after a
restart (or in another process), once only, and only in their own chat."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from pydantic import SecretStr

from bot.clock import FakeClock
from bot.config import LiveblogSettings, Settings, TelegramSettings
from bot.devserver import DevServer
from bot.devserver.client import ChatDriver
from bot.harness import running_bot
from storage import open_storage
from tests.conftest import TOKEN
from tests.helpers import button, messages

ANNA = {"first_name": "Anna", "language_code": "de"}
NOW = datetime(2024, 11, 4, 9, 0, tzinfo=UTC)


def _settings(server: DevServer, db: str, beat: Path) -> Settings:
    return Settings(
        telegram=TelegramSettings(bot_token=SecretStr(TOKEN), api_url=server.api_url),
        liveblog=LiveblogSettings(db=db, sources=[], heartbeat_file=beat),
    )


async def test_anyway_button_survives_a_restart_and_works_once(
    devserver: DevServer, reader: ChatDriver, db_target: str, tmp_path: Path
) -> None:
    settings = _settings(devserver, db_target, tmp_path / "heartbeat")
    clock = FakeClock(NOW)
    async with running_bot(settings, clock):
        [question] = await reader.ask(3101, "/abo Klitschkko", **ANNA)
    assert "Meintest du" in question["text"]
    anyway = button(question, "Trotzdem")

    async with running_bot(settings, clock):  # a new process: nothing in memory
        events = await reader.click(3101, question["message_id"], anyway, replies=2)
        [confirmation] = messages(events)
        assert "Abonniert: Klitschkko" in confirmation["text"]
        again = await reader.click(3101, question["message_id"], anyway, replies=1)
        assert not messages(again)  # the second press only hears "expired"
        assert any("abgelaufen" in str(e) or "expired" in str(e) for e in again), again


async def test_pending_queries_are_per_chat_bounded_and_expire(db_target: str) -> None:
    store = await open_storage(db_target)
    try:
        for chat in (1, 2):
            await store.chats.upsert(chat, "private", None, "de", NOW)
        await store.confirmations.add("tok-a", 1, "Nordkorea @dlf", False, NOW)
        await store.confirmations.add("tok-b", 1, "Xylophon", True, NOW)
        assert await store.confirmations.take("tok-a", 2, NOW) is None  # not chat 2's
        assert await store.confirmations.take("tok-a", 1, NOW) == ("Nordkorea @dlf", False)
        assert await store.confirmations.take("tok-a", 1, NOW) is None  # taken once
        late = NOW + timedelta(days=1, seconds=1)
        assert await store.confirmations.take("tok-b", 1, late) is None  # expired
        for n in range(60):  # a chat keeps its newest 40 buttons
            await store.confirmations.add(f"t{n:02d}", 1, "q", True, NOW + timedelta(seconds=n))
        assert await store.confirmations.take("t00", 1, NOW) is None
        assert await store.confirmations.take("t59", 1, NOW) == ("q", True)
        assert await store.confirmations.take("t20", 1, NOW) == ("q", True)
    finally:
        await store.close()
