"""Query expansion in the chat: /abo names the words searched for beside the typed
ones ("Ich suche auch: …"), each with a button that removes it; the choice is stored
with the subscription (a new process keeps it). Real model, through the stand-in."""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr

from bot.clock import FakeClock
from bot.config import LiveblogSettings, Settings, TelegramSettings
from bot.devserver import DevServer
from bot.devserver.client import ChatDriver
from bot.harness import running_bot
from storage import open_storage
from tests.conftest import TOKEN
from tests.helpers import button, buttons

ANNA = {"first_name": "Anna", "language_code": "de"}
# A word the lexicon does not know whose English word the model finds (test_expansion).
WORD, EXPANSION = "Bürgermeister", "mayor"


def _settings(server: DevServer, db: str, beat: Path) -> Settings:
    return Settings(
        telegram=TelegramSettings(bot_token=SecretStr(TOKEN), api_url=server.api_url),
        liveblog=LiveblogSettings(db=db, sources=[], heartbeat_file=beat, meaning=True),
    )


async def test_the_answer_shows_expansions_and_a_tap_removes_one(
    devserver: DevServer, reader: ChatDriver, db_target: str, tmp_path: Path, clock: FakeClock
) -> None:
    settings = _settings(devserver, db_target, tmp_path / "heartbeat")
    async with running_bot(settings, clock):
        [answer] = await reader.ask(3301, f"/abo {WORD}", **ANNA)
        assert f"Ich suche auch: {EXPANSION}" in answer["text"]
        remove = button(answer, f"✕ {EXPANSION}")
        assert len(remove.encode()) <= 64
        events = await reader.click(3301, answer["message_id"], remove, replies=2)
        redrawn = next(e for e in events if e["kind"] == "bot_markup")
        assert not [t for t, _ in buttons(redrawn) if EXPANSION in t]
        told = [e["text"] for e in events if e["kind"] == "callback_answer"]
        assert any(EXPANSION in text for text in told), events
        again = await reader.click(3301, answer["message_id"], remove, replies=1)
        assert any("abgelaufen" in str(e) for e in again), again  # removed once only

    store = await open_storage(db_target)
    try:
        [sub] = await store.subscriptions.for_chat(3301)
        assert sub.query == WORD
        assert all(term != EXPANSION for _word, term in sub.expansions)
    finally:
        await store.close()

    async with running_bot(settings, clock):  # a new process: the choice holds
        [answer] = await reader.ask(3301, f"/abo {WORD}", **ANNA)
        assert "Abonniert" in answer["text"] or "schon" in answer["text"]
        assert EXPANSION not in answer["text"]
