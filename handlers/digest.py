"""/digest (/zusammenfassung): its setting and choices, now, daily at a time, or off."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application

from bot import texts
from bot.chat_settings import SettingError, parse_clock
from bot.digest.schedule import next_digest_at
from bot.matching.normalize import fold
from bot.reader_settings import ReaderSettings
from handlers.buttons import route, toast
from handlers.chat import args_text, ensure_chat, guard, reply, zone_of
from handlers.commands import command
from handlers.context import Context, services
from handlers.settings_menu import one_setting

NOW_WORDS = frozenset({"now", "jetzt", "sofort", "heute", "today"})


async def digest_command(update: Update, context: Context) -> None:
    """Show the digest's setting with choices, send the digest so far (`/digest now`),
    schedule it daily (`/digest 20:00`), or stop it."""
    text = args_text(context)
    # In groups only administrators: a digest on request posts to everyone, too.
    language = await guard(update, context, admin=True)
    chat = update.effective_chat
    if language is None or chat is None:
        return
    await ensure_chat(update, context)
    svc = services(context)
    assert svc.digests is not None  # built in post_init
    if not text:
        # Like /modus and /ruhe: what is set now, the common times as buttons, and one
        # to read the digest so far.
        line, keyboard = await one_setting(context, chat.id, language, "digest")
        usage = texts.text(language, "digest_usage")
        await reply(update, context, line + "\n" + usage, keyboard)
        return
    if fold(text) in NOW_WORDS:
        await svc.digests.on_request(chat.id)
        return
    now = svc.clock.now()
    if fold(text) in {"off", "aus", "stop", "stopp"}:
        if await ReaderSettings(svc).daily(chat.id):
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


@route("dnow")
async def digest_now_button(
    update: Update, context: Context, arg: str, language: str
) -> str | None:
    """"Read now" under /zusammenfassung's answer: the digest so far, as `/digest now`."""
    chat = update.effective_chat
    svc = services(context)
    if chat is None or svc.digests is None:
        return toast(language, "button_expired")
    await ensure_chat(update, context)
    await svc.digests.on_request(chat.id)
    return None


def register(app: Application) -> None:  # type: ignore[type-arg]  # PTB's generics
    app.add_handler(command(["digest", "zusammenfassung", "tagesbericht"], digest_command))
