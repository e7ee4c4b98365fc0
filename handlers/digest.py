"""/digest (/zusammenfassung): now, daily at a time, or off."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application

from bot import texts
from bot.chat_settings import SettingError, parse_clock
from bot.digest.schedule import next_digest_at
from bot.matching.normalize import fold
from handlers.chat import args_text, ensure_chat, guard, reply, zone_of
from handlers.commands import command
from handlers.context import Context, services

NOW_WORDS = frozenset({"now", "jetzt", "sofort", "heute", "today"})


async def _daily_mode(context: Context, chat_id: int) -> bool:
    """Whether the chat, or one of its subscriptions, takes its alerts daily."""
    svc = services(context)
    chat = await svc.storage.chats.get(chat_id)
    subs = await svc.storage.subscriptions.for_chat(chat_id)
    chat_mode = chat.mode if chat is not None else "instant"
    return any((s.mode or chat_mode) == "daily" for s in subs) or (
        chat_mode == "daily" and not subs
    )


async def digest_command(update: Update, context: Context) -> None:
    """Send the digest now, or schedule it daily (`/digest 20:00`), or stop it."""
    text = args_text(context)
    # In groups only administrators: a digest on request posts to everyone, too.
    language = await guard(update, context, admin=True)
    chat = update.effective_chat
    if language is None or chat is None:
        return
    await ensure_chat(update, context)
    svc = services(context)
    assert svc.digests is not None  # built in post_init
    if not text or fold(text) in NOW_WORDS:
        await svc.digests.on_request(chat.id)
        return
    now = svc.clock.now()
    if fold(text) in {"off", "aus", "stop", "stopp"}:
        if await _daily_mode(context, chat.id):
            # Daily alerts come only with the digest: without it they would wait forever.
            await reply(update, context, texts.text(language, "digest_off_daily"))
            return
        await svc.storage.chats.set_digest(chat.id, None, None, now)
        await reply(update, context, texts.text(language, "digest_off"))
        return
    try:
        at = parse_clock(text)
    except SettingError:
        await reply(update, context, texts.text(language, "digest_usage"))
        return
    zone = await zone_of(context, chat.id)
    following = next_digest_at(at, zone, now)
    await svc.storage.chats.set_digest(chat.id, at, following, now)
    await reply(
        update,
        context,
        texts.text(
            language,
            "digest_scheduled",
            time=at,
            zone=zone.key,
            next=texts.moment(language, following, zone),
        ),
    )


def register(app: Application) -> None:  # type: ignore[type-arg]  # PTB's generics
    app.add_handler(command(["digest", "zusammenfassung", "tagesbericht"], digest_command))
