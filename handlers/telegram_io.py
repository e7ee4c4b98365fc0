"""The Telegram side of delivery: PTB calls and exceptions in domain terms."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import ExtBot

from bot.delivery.messenger import (
    BadMarkup,
    ChatGone,
    ChatMoved,
    Keyboard,
    NotModified,
    Rejected,
    RetryLater,
    Transient,
)

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def markup(keyboard: Keyboard | None) -> InlineKeyboardMarkup | None:
    if not keyboard:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.text, callback_data=b.data) for b in row] for row in keyboard]
    )


def _seconds(value: int | float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def translate(exc: Exception) -> Exception:
    """PTB's exception → the delivery layer's (see bot/delivery/messenger.py)."""
    if isinstance(exc, RetryAfter):
        return RetryLater(_seconds(exc.retry_after))
    if isinstance(exc, Forbidden):
        return ChatGone(exc.message)
    if isinstance(exc, ChatMigrated):
        return ChatMoved(exc.new_chat_id)
    if isinstance(exc, BadRequest):
        text = exc.message.lower()
        if "can't parse entities" in text or "can not parse entities" in text:
            return BadMarkup(exc.message)
        if "not modified" in text:
            return NotModified(exc.message)
        if "chat not found" in text or "bot was kicked" in text or "user is deactivated" in text:
            return ChatGone(exc.message)
        return Rejected(exc.message)
    if isinstance(exc, TimedOut | NetworkError):
        return Transient(str(exc) or type(exc).__name__)
    return Transient(f"{type(exc).__name__}: {exc}")


class TelegramMessenger:
    def __init__(self, bot: ExtBot[Any]) -> None:
        self.bot = bot

    async def send(
        self, chat_id: int, html: str | None, text: str, keyboard: Keyboard | None = None
    ) -> int:
        try:
            message = await self.bot.send_message(
                chat_id,
                html if html is not None else text,
                parse_mode=ParseMode.HTML if html is not None else None,
                link_preview_options=NO_PREVIEW,
                reply_markup=markup(keyboard),
            )
        except Exception as exc:  # every failure becomes a domain error the sender handles
            raise translate(exc) from exc
        return message.message_id

    async def edit(
        self, chat_id: int, message_id: int, html: str, keyboard: Keyboard | None = None
    ) -> None:
        try:
            await self.bot.edit_message_text(
                html,
                chat_id=chat_id,
                message_id=message_id,
                parse_mode=ParseMode.HTML,
                link_preview_options=NO_PREVIEW,
                reply_markup=markup(keyboard),
            )
        except Exception as exc:
            raise translate(exc) from exc
