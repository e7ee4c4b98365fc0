"""Helpers every handler uses: language, replies, admin and rate-limit guards."""

from __future__ import annotations

import time
from collections import deque
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType, ParseMode

from bot import texts
from bot.chat_settings import chat_zone
from bot.delivery.messenger import Keyboard
from handlers.context import Context, services
from handlers.telegram_io import NO_PREVIEW, markup

COMMANDS_PER_MINUTE = 20
REPLY_RETRIES = 3  # a reply waits out flood control (AIORateLimiter's rate_limit_args)
ADMIN_CACHE_S = 300.0


async def zone_of(context: Context, chat_id: int) -> ZoneInfo:
    """The chat's time zone (the configured default until the reader sets one)."""
    svc = services(context)
    chat = await svc.storage.chats.get(chat_id)
    return chat_zone(chat.timezone if chat else None, svc.zone)


async def chat_language(update: Update, context: Context) -> str:
    """The chat's stored language, else the one the user's Telegram speaks."""
    chat = update.effective_chat
    if chat is not None:
        record = await services(context).storage.chats.get(chat.id)
        if record is not None:
            return record.language
    user = update.effective_user
    return texts.pick_language(user.language_code if user else None)


async def reply(
    update: Update, context: Context, html_text: str, keyboard: Keyboard | None = None
) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    await context.bot.send_message(
        chat.id,
        html_text,
        parse_mode=ParseMode.HTML,
        link_preview_options=NO_PREVIEW,
        reply_markup=markup(keyboard),
        rate_limit_args=REPLY_RETRIES,
    )
    # Alerts to this chat keep their distance from the reply (1 msg/s per chat).
    delivery = context.bot_data.services.delivery if context.bot_data.services else None
    if delivery is not None:
        delivery.pacer.note(chat.id, chat.type == ChatType.PRIVATE)


def args_text(context: Context) -> str:
    return " ".join(context.args or []).strip()


def _rate_ok(context: Context, user_id: int) -> bool:
    """At most COMMANDS_PER_MINUTE per user (monotonic time: this is about load, not dates)."""
    windows: dict[int, deque[float]] = context.bot_data.rate_windows
    now = time.monotonic()
    stamps = windows.setdefault(user_id, deque())
    while stamps and now - stamps[0] > 60:
        stamps.popleft()
    if len(stamps) >= COMMANDS_PER_MINUTE:
        return False
    stamps.append(now)
    return True


async def is_admin(update: Update, context: Context) -> bool:
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat is None or chat.type == ChatType.PRIVATE:
        return True
    if (
        message is not None
        and message.sender_chat is not None
        and message.sender_chat.id == chat.id
    ):
        return True  # an anonymous group admin posts as the group itself
    if user is None:
        return False
    cache = context.bot_data.admin_cache
    key = (chat.id, user.id)
    cached = cache.get(key)
    now = time.monotonic()
    if cached is not None and now - cached[1] < ADMIN_CACHE_S:
        return cached[0]
    member = await context.bot.get_chat_member(chat.id, user.id)
    allowed = member.status in {ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER}
    cache[key] = (allowed, now)
    return allowed


async def guard(update: Update, context: Context, admin: bool = False) -> str | None:
    """The chat's language when the command may run; None after a polite refusal."""
    language = await chat_language(update, context)
    user = update.effective_user
    if user is not None and not _rate_ok(context, user.id):
        await reply(update, context, texts.text(language, "rate_limited"))
        return None
    if admin and not await is_admin(update, context):
        await reply(update, context, texts.text(language, "admins_only"))
        return None
    return language


async def begin(
    update: Update, context: Context, admin: bool = False, register: bool = False
) -> tuple[str, int] | None:
    """Every command's preamble: (language, chat id), or None after a polite refusal.

    `admin`: in groups only administrators may run it; `register`: the command may be
    a chat's first contact, so the chat is stored first.
    """
    chat = update.effective_chat
    language = await guard(update, context, admin=admin)
    if language is None or chat is None:
        return None
    if register:
        await ensure_chat(update, context)
    return language, chat.id


async def ensure_chat(update: Update, context: Context) -> None:
    """Register the chat on first contact (any command may be the first)."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None:
        return
    svc = services(context)
    if await svc.storage.chats.get(chat.id) is None:
        language = texts.pick_language(user.language_code if user else None)
        await svc.storage.chats.upsert(chat.id, chat.type, chat.title, language, svc.clock.now())
