"""Issue 10, finding 10: anonymous group admins no longer share one global rate bucket.

Every anonymous admin writes as the same user (GroupAnonymousBot, id 1087968824), so
keying the 20-commands-a-minute window by user id let admins of one group lock out
the admins of every other group.
"""

from __future__ import annotations

from typing import Any

from telegram import Update

from bot.devserver.client import ChatDriver
from bot.devserver.control import ANONYMOUS_ADMIN
from handlers.chat import COMMANDS_PER_MINUTE, rate_key, rate_ok
from handlers.context import BotData

GROUP_A, GROUP_B = -4101, -4102


async def _anonymous(reader: ChatDriver, group: int, text: str) -> str:
    replies = await reader.ask(group, text, anonymous=True, chat_type="group", title="Redaktion")
    assert len(replies) == 1
    return str(replies[0]["text"])


async def test_anonymous_admins_of_two_groups_do_not_share_a_bucket(
    reader: ChatDriver, bot: Any
) -> None:
    # Together more than the per-sender limit, each group well under it (and under
    # Telegram's 20 messages a minute per group for the replies).
    for _ in range(COMMANDS_PER_MINUTE // 2):
        assert "So funktioniert" in await _anonymous(reader, GROUP_A, "/hilfe")
    for _ in range(COMMANDS_PER_MINUTE // 2 + 1):
        answer = await _anonymous(reader, GROUP_B, "/hilfe")
        assert "Langsam" not in answer
        assert "So funktioniert" in answer
    # An anonymous admin still counts as an admin for settings.
    assert "Abonniert" in await _anonymous(reader, GROUP_B, "/abo Kiew")


def _anonymous_update(bot: Any, group: int, sender: int) -> Update:
    chat = {"id": group, "type": "supergroup", "title": "Redaktion"}
    return Update.de_json(
        {
            "update_id": 1,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": chat,
                "from": ANONYMOUS_ADMIN,
                "sender_chat": {"id": sender, "type": "channel", "title": "x"}
                if sender != group
                else chat,
                "text": "/hilfe",
            },
        },
        bot.bot,
    )


def test_the_bucket_is_per_chat_and_sender_chat(bot: Any) -> None:
    windows = BotData().rate_windows
    a = rate_key(_anonymous_update(bot, GROUP_A, GROUP_A))
    b = rate_key(_anonymous_update(bot, GROUP_B, GROUP_B))
    channel = rate_key(_anonymous_update(bot, GROUP_A, -1009))
    assert a is not None
    assert len({a, b, channel}) == 3
    assert all(rate_ok(windows, a, 100.0 + i) for i in range(COMMANDS_PER_MINUTE))
    assert not rate_ok(windows, a, 130.0)  # the 21st within the minute
    assert rate_ok(windows, b, 130.0)
    assert rate_ok(windows, channel, 130.0)
    assert rate_ok(windows, a, 100.0 + 61)  # the oldest left the window
