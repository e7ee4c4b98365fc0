"""The Telegram side of delivery: PTB calls and exceptions in domain terms."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import aiohttp
import httpx
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, WebAppInfo
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import ExtBot

from bot.delivery.messenger import (
    AmbiguousSend,
    BadMarkup,
    Button,
    ChatGone,
    ChatMoved,
    Keyboard,
    MessageGone,
    NotModified,
    Rejected,
    RetryLater,
    ThreadGone,
    Transient,
)
from bot.logs import redact

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def markup(keyboard: Keyboard | None) -> InlineKeyboardMarkup | None:
    if not keyboard:
        return None
    return InlineKeyboardMarkup([[_button(b) for b in row] for row in keyboard])


def _button(button: Button) -> InlineKeyboardButton:
    if button.web_app is not None:
        return InlineKeyboardButton(button.text, web_app=WebAppInfo(button.web_app))
    return InlineKeyboardButton(button.text, callback_data=button.data)


def _seconds(value: int | float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _never_sent(exc: TimedOut) -> bool:
    """PTB raises TimedOut for every httpx timeout; only a connect or pool timeout
    proves the request never left (the cause tells which). The same for aiohttp
    (handlers/aiohttp_request.py, paid broadcasts)."""
    return isinstance(
        exc.__cause__, httpx.ConnectTimeout | httpx.PoolTimeout | aiohttp.ConnectionTimeoutError
    )


def translate(exc: Exception, secrets: tuple[str, ...] = ()) -> Exception:
    """PTB's exception → the delivery layer's (see bot/delivery/messenger.py).

    The texts go into the database (last_error) and logs: the token is redacted.
    """
    text = redact(exc.message if isinstance(exc, TelegramError) else str(exc), secrets)
    if isinstance(exc, RetryAfter):
        return RetryLater(_seconds(exc.retry_after))
    if isinstance(exc, Forbidden):
        return ChatGone(text)
    if isinstance(exc, ChatMigrated):
        return ChatMoved(exc.new_chat_id)
    if isinstance(exc, BadRequest):
        lowered = text.lower()
        if "can't parse entities" in lowered or "can not parse entities" in lowered:
            return BadMarkup(text)
        if "not modified" in lowered:
            return NotModified(text)
        if "thread not found" in lowered or "topic_closed" in lowered or "topic_deleted" in lowered:
            return ThreadGone(text)
        if "message to edit not found" in lowered:
            return MessageGone(text)
        if (
            "chat not found" in lowered
            or "bot was kicked" in lowered
            or ("user is deactivated" in lowered)
        ):
            return ChatGone(text)
        return Rejected(text)
    if isinstance(exc, TimedOut):
        if _never_sent(exc):
            return Transient(text or "timed out before sending")
        return AmbiguousSend(f"ambiguous timeout: {text or 'no answer in time'}")
    if isinstance(exc, NetworkError):
        return Transient(text or type(exc).__name__)
    return Transient(f"{type(exc).__name__}: {text}")


class TelegramMessenger:
    def __init__(self, bot: ExtBot[Any], send_timeout_s: float | None = None) -> None:
        self.bot = bot
        # How long a send may wait for Telegram's answer; after that it is ambiguous.
        self.send_timeout_s = send_timeout_s

    async def send(
        self,
        chat_id: int,
        html: str | None,
        text: str,
        keyboard: Keyboard | None = None,
        paid: bool = False,
        thread_id: int | None = None,
    ) -> int:
        try:
            message = await self.bot.send_message(
                chat_id,
                html if html is not None else text,
                message_thread_id=thread_id,
                parse_mode=ParseMode.HTML if html is not None else None,
                link_preview_options=NO_PREVIEW,
                reply_markup=markup(keyboard),
                # None, not False: an unpaid send looks exactly as before paid broadcasts.
                allow_paid_broadcast=True if paid else None,
                read_timeout=self.send_timeout_s,
            )
        except Exception as exc:  # every failure becomes a domain error the sender handles
            raise translate(exc, (self.bot.token,)) from exc
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
            raise translate(exc, (self.bot.token,)) from exc
