"""Issue 10, finding 10: an edited message must not run its command again.

PTB's CommandHandler handles edited messages by default. Editing "/abo Kiew" into
"/abo Charkiw" used to subscribe to Charkiw too; editing an old "/stopp" deleted the
chat again. Updates are handled in order, so the reply to a later new message proves
that the edit before it was seen and ignored.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, MessageHandler

from bot.devserver.client import ChatDriver
from tests.helpers import messages, services_of

CHAT = 7101


async def _next_reply(reader: ChatDriver, text: str) -> list[dict[str, Any]]:
    """Say `text` and return every bot message since the previous mark (edits included)."""
    before = reader.last_seq
    await reader.ask(CHAT, text)
    return messages(await reader.events(CHAT, after=before))


async def test_editing_a_command_does_not_run_it_again(reader: ChatDriver, bot: Any) -> None:
    first = await reader.ask(CHAT, "/abo Kiew")
    assert "Abonniert" in first[0]["text"]
    sent = (await reader.events(CHAT))[0]
    assert sent["kind"] == "user_message"

    await reader.edit(CHAT, sent["message_id"], "/abo Charkiw")
    await reader.edit(CHAT, sent["message_id"], "/frobnicate")
    await reader.edit(CHAT, sent["message_id"], "/stopp")
    got = await _next_reply(reader, "/abos")

    assert len(got) == 1, [m["text"] for m in got]  # only the answer to /abos
    assert "Kiew" in got[0]["text"]
    assert "Charkiw" not in got[0]["text"]
    subs = await services_of(bot).storage.subscriptions.for_chat(CHAT)
    assert [s.query for s in subs] == ["Kiew"]
    chat = await services_of(bot).storage.chats.get(CHAT)
    assert chat is not None
    assert chat.active


def _edited_update(app: Any, text: str) -> Update:
    return Update.de_json(
        {
            "update_id": 1,
            "edited_message": {
                "message_id": 5,
                "date": 0,
                "edit_date": 1,
                "chat": {"id": CHAT, "type": "private"},
                "from": {"id": CHAT, "is_bot": False, "first_name": "Eve"},
                "text": text,
                "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
            },
        },
        app.bot,
    )


async def test_no_command_handler_accepts_an_edit(bot: Any) -> None:
    """Every registered command and alias (and the unknown-command fallback) ignores edits."""
    handlers: list[BaseHandler[Any, Any, Any]] = [h for g in bot.handlers.values() for h in g]
    commands = [h for h in handlers if isinstance(h, CommandHandler)]
    names = {name for h in commands for name in h.commands}
    assert {"abo", "zusammenfassung", "stopp", "abbestellen", "vorschau"} <= names
    for name in sorted(names):
        update = _edited_update(bot, f"/{name}")
        for handler in handlers:
            if isinstance(handler, CommandHandler | MessageHandler):
                assert not handler.check_update(update), (name, handler.callback.__name__)
