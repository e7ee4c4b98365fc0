"""Helpers every handler uses: language, replies, admin and rate-limit guards."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Hashable
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType, ParseMode

from bot import texts
from bot.bounded import BoundedDict
from bot.chat_settings import chat_zone
from bot.delivery.fit import fit_message, shorten
from bot.delivery.messenger import Keyboard
from handlers.context import RATE_WINDOW_S, Context, services
from handlers.telegram_io import NO_PREVIEW, markup

COMMANDS_PER_MINUTE = 20
REPLY_RETRIES = 3  # a reply waits out flood control (AIORateLimiter's rate_limit_args)


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


def topic_of(update: Update) -> int | None:
    """The forum topic an update came from (None: not a forum, or its general topic)."""
    message = update.effective_message
    if message is None or not message.is_topic_message:
        return None
    return message.message_thread_id


async def reply(
    update: Update, context: Context, html_text: str, keyboard: Keyboard | None = None
) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    await context.bot.send_message(
        chat.id,
        fit_message(html_text),  # a last guard: every text must fit, whatever it quotes
        message_thread_id=topic_of(update),  # a forum topic's command is answered there
        parse_mode=ParseMode.HTML,
        link_preview_options=NO_PREVIEW,
        reply_markup=markup(keyboard),
        rate_limit_args=REPLY_RETRIES,
    )
    # Alerts to this chat keep their distance from the reply (1 msg/s per chat).
    delivery = context.bot_data.services.delivery if context.bot_data.services else None
    if delivery is not None:
        delivery.pacer.note(chat.id, chat.type == ChatType.PRIVATE)


QUOTE_CHARS = 40


def quote(text: str) -> str:
    """A reader's own input, quoted back in an answer: one line, without controls, bidi
    overrides or invisible characters, and short ("Ein Abo „Kiew Kiew …“ finde ich nicht")."""
    return shorten(" ".join(text[: QUOTE_CHARS * 4].split()), QUOTE_CHARS, escaped=False)


def args_text(context: Context) -> str:
    return " ".join(context.args or []).strip()


def rate_key(update: Update) -> Hashable | None:
    """Whose commands count together. Anonymous admins all arrive as the same user
    (GroupAnonymousBot), so they count per (chat, sender chat), not as one global user."""
    message, user, chat = update.effective_message, update.effective_user, update.effective_chat
    if message is not None and message.sender_chat is not None:
        return ("as", chat.id if chat else 0, message.sender_chat.id)
    return user.id if user is not None else None


def rate_ok(windows: BoundedDict[Hashable, deque[float]], key: Hashable, now: float) -> bool:
    """At most COMMANDS_PER_MINUTE per key in any 60 s (monotonic time: this is load)."""
    stamps = windows.get(key) or deque()
    while stamps and now - stamps[0] > RATE_WINDOW_S:
        stamps.popleft()
    if len(stamps) >= COMMANDS_PER_MINUTE:
        return False
    stamps.append(now)
    windows.set(key, stamps)  # refreshes the key's age: it expires a minute after its last use
    return True


def _rate_ok(context: Context, update: Update) -> bool:
    key = rate_key(update)
    return key is None or rate_ok(context.bot_data.rate_windows, key, time.monotonic())


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
    if cached is not None:
        return cached
    member = await context.bot.get_chat_member(chat.id, user.id)
    allowed = member.status in {ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER}
    cache.set(key, allowed)
    return allowed


async def guard(update: Update, context: Context, admin: bool = False) -> str | None:
    """The chat's language when the command may run; None after a polite refusal."""
    language = await chat_language(update, context)
    if not _rate_ok(context, update):
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
