"""Delivery settings: /mode, /urgent, /quiet, /timezone, /pause, /resume, /lang, mute."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import Application

from bot import texts
from bot.chat_settings import (
    SettingError,
    parse_duration,
    parse_mode,
    parse_quiet,
    parse_timezone,
)
from bot.delivery.render import to_plain
from bot.digest.schedule import next_digest_at
from bot.reader_settings import ReaderSettings
from handlers.buttons import route, toast
from handlers.chat import args_text, begin, quote, reply, zone_of
from handlers.commands import command
from handlers.context import Context, services
from handlers.settings_menu import choices

DEFAULT_DIGEST_TIME = "20:00"


def _local(moment: datetime, zone: ZoneInfo, language: str) -> str:
    return texts.moment(language, moment, zone)


async def release_held(context: Context, chat_id: int) -> None:
    """What the old setting held back goes now (bot/reader_settings.py says why)."""
    await ReaderSettings(services(context)).release_held(chat_id)


async def _current_mode(context: Context, chat_id: int, language: str) -> str:
    record = await services(context).storage.chats.get(chat_id)
    mode = record.mode if record is not None else "instant"
    return texts.text(language, "mode_current", mode=to_plain(texts.text(language, f"mode_{mode}")))


async def mode_command(update: Update, context: Context) -> None:
    """/mode instant|hourly|daily for the chat, or /mode N MODE for subscription N."""
    begun = await begin(update, context, admin=True, register=True)
    if begun is None:
        return
    language, chat_id = begun
    svc = services(context)
    args = context.args or []
    try:
        if len(args) == 2 and args[0].isdigit():
            subs = await svc.storage.subscriptions.for_chat(chat_id)
            number = int(args[0])
            if not 1 <= number <= len(subs):
                raise SettingError("bad_mode")
            mode = parse_mode(args[1])
            sub = subs[number - 1]
            await svc.storage.subscriptions.set_mode(chat_id, sub.sub_id, mode)
            await svc.subscriptions.chat_changed(chat_id)
            name = svc.subscriptions.topic_name(sub, language)
            message = texts.text(
                language,
                "mode_set_sub",
                name=name,
                mode=to_plain(texts.text(language, f"mode_{mode}")),
            )
        elif len(args) == 1:
            mode = parse_mode(args[0])
            await svc.storage.chats.set_mode(chat_id, mode, svc.clock.now())
            message = texts.text(
                language, "mode_set", mode=to_plain(texts.text(language, f"mode_{mode}"))
            )
        else:
            raise SettingError("bad_mode")
    except SettingError:
        current = await _current_mode(context, chat_id, language) if not args else ""
        keyboard = None if args else await choices(context, chat_id, language, "mode")
        await reply(update, context, current + texts.text(language, "mode_usage"), keyboard)
        return
    if mode == "hourly":
        message += "\n" + texts.text(language, "mode_hourly_explained")
    if mode == "daily":
        record = await svc.storage.chats.get(chat_id)
        if record is not None and not record.digest_time:
            zone = await zone_of(context, chat_id)
            now = svc.clock.now()
            await svc.storage.chats.set_digest(
                chat_id, DEFAULT_DIGEST_TIME, next_digest_at(DEFAULT_DIGEST_TIME, zone, now), now
            )
        digest_time = record.digest_time if record and record.digest_time else DEFAULT_DIGEST_TIME
        message += "\n" + texts.text(language, "mode_daily_digest", time=digest_time)
    await release_held(context, chat_id)  # from daily or hourly to sooner: they go now
    await reply(update, context, message)


async def urgent_command(update: Update, context: Context) -> None:
    """Toggle whether subscription N may break through quiet hours."""
    begun = await begin(update, context, admin=True)
    if begun is None:
        return
    language, chat_id = begun
    svc = services(context)
    subs = await svc.storage.subscriptions.for_chat(chat_id)
    number = args_text(context)
    if not number.isdigit() or not 1 <= int(number) <= len(subs):
        await reply(update, context, texts.text(language, "urgent_usage"))
        return
    sub = subs[int(number) - 1]
    await svc.storage.subscriptions.set_urgent(chat_id, sub.sub_id, not sub.urgent)
    await svc.subscriptions.chat_changed(chat_id)
    await release_held(context, chat_id)
    key = "urgent_off" if sub.urgent else "urgent_on"
    await reply(
        update, context, texts.text(language, key, name=svc.subscriptions.topic_name(sub, language))
    )


async def quiet_command(update: Update, context: Context) -> None:
    """/quiet 23:00-07:00 or /quiet off."""
    begun = await begin(update, context, admin=True, register=True)
    if begun is None:
        return
    language, chat_id = begun
    svc = services(context)
    text = args_text(context)
    try:
        if not text:
            raise SettingError("bad_quiet")
        window = parse_quiet(text)
    except SettingError:
        record = await svc.storage.chats.get(chat_id)
        current = ""
        if not text:  # no value: say what is set now
            current = (
                texts.text(
                    language, "quiet_current", start=record.quiet_start, end=record.quiet_end
                )
                if record is not None and record.quiet_start and record.quiet_end
                else texts.text(language, "quiet_none")
            )
        keyboard = None if text else await choices(context, chat_id, language, "quiet")
        await reply(update, context, current + texts.text(language, "quiet_usage"), keyboard)
        return
    now = svc.clock.now()
    if window is None:
        await svc.storage.chats.set_quiet(chat_id, None, None, now)
        await release_held(context, chat_id)  # held until morning: they go now
        await reply(update, context, texts.text(language, "quiet_off"))
        return
    await svc.storage.chats.set_quiet(chat_id, window[0], window[1], now)
    await release_held(context, chat_id)  # planned again under the new window
    zone = await zone_of(context, chat_id)
    await reply(
        update,
        context,
        texts.text(language, "quiet_set", start=window[0], end=window[1], zone=zone.key),
    )


async def timezone_command(update: Update, context: Context) -> None:
    """/timezone Europe/Berlin (IANA names, validated, with suggestions)."""
    begun = await begin(update, context, admin=True, register=True)
    if begun is None:
        return
    language, chat_id = begun
    svc = services(context)
    wanted = args_text(context)
    if not wanted:
        zone = await zone_of(context, chat_id)
        local = svc.clock.now().astimezone(zone).strftime("%H:%M")
        current = texts.text(language, "timezone_current", zone=zone.key, time=local)
        keyboard = await choices(context, chat_id, language, "zone")
        await reply(update, context, current + texts.text(language, "timezone_usage"), keyboard)
        return
    try:
        name = parse_timezone(wanted)
    except SettingError as exc:
        hint = texts.text(language, "timezone_hint", names=exc.detail) if exc.detail else ""
        await reply(
            update,
            context,
            texts.text(language, "timezone_unknown", zone=quote(wanted), hint="") + hint,
        )
        return
    now = svc.clock.now()
    await svc.storage.chats.set_timezone(chat_id, name, now)
    record = await svc.storage.chats.get(chat_id)
    if record is not None and record.digest_time:
        await svc.storage.chats.set_digest(
            chat_id,
            record.digest_time,
            next_digest_at(record.digest_time, ZoneInfo(name), now),
            now,
        )
    local = now.astimezone(ZoneInfo(name)).strftime("%H:%M")
    await release_held(context, chat_id)  # quiet hours may have moved
    await reply(update, context, texts.text(language, "timezone_set", zone=name, time=local))


async def _pause(context: Context, chat_id: int, delta: timedelta) -> datetime:
    svc = services(context)
    until = svc.clock.now() + delta
    await svc.storage.chats.set_paused_until(chat_id, until, svc.clock.now())
    return until


async def pause_command(update: Update, context: Context) -> None:
    """/pause 2h: alerts wait (nothing is lost) until the time is up or /resume."""
    begun = await begin(update, context, admin=True, register=True)
    if begun is None:
        return
    language, chat_id = begun
    wanted = args_text(context)
    if not wanted:  # no value: say whether a pause runs, and how to start one
        svc = services(context)
        record = await svc.storage.chats.get(chat_id)
        zone = await zone_of(context, chat_id)
        paused = record.paused_until if record is not None else None
        current = (
            texts.text(language, "pause_current", until=_local(paused, zone, language))
            if paused is not None and paused > svc.clock.now()
            else texts.text(language, "pause_none")
        )
        await reply(update, context, current + texts.text(language, "pause_usage"))
        return
    try:
        delta = parse_duration(wanted)
    except SettingError:
        await reply(update, context, texts.text(language, "pause_usage"))
        return
    until = await _pause(context, chat_id, delta)
    zone = await zone_of(context, chat_id)
    await reply(
        update, context, texts.text(language, "pause_set", until=_local(until, zone, language))
    )


async def resume_command(update: Update, context: Context) -> None:
    """End a pause (or a mute); waiting alerts go out at the next delivery tick."""
    begun = await begin(update, context, admin=True)
    if begun is None:
        return
    language, chat_id = begun
    svc = services(context)
    now = svc.clock.now()
    await svc.storage.chats.set_paused_until(chat_id, None, now)
    # Held alerts were rescheduled to the pause's end: make them due now.
    await release_held(context, chat_id)
    await reply(update, context, texts.text(language, "resumed"))


async def lang_command(update: Update, context: Context) -> None:
    """/lang de|en (also /sprache)."""
    begun = await begin(update, context, admin=True, register=True)
    if begun is None:
        return
    language, chat_id = begun
    wanted = args_text(context).lower()[:5]
    if wanted not in texts.LANGUAGES:
        current = "" if wanted else texts.text(language, "lang_current")
        keyboard = None if wanted else await choices(context, chat_id, language, "language")
        await reply(update, context, current + texts.text(language, "lang_usage"), keyboard)
        return
    svc = services(context)
    await svc.storage.chats.set_language(chat_id, wanted, svc.clock.now())
    await reply(update, context, texts.text(wanted, "lang_set"))


@route("mute")
async def mute_button(update: Update, context: Context, arg: str, language: str) -> str | None:
    chat = update.effective_chat
    if chat is None or not arg.isdigit() or not 1 <= int(arg) <= 24 * 60:
        return toast(language, "button_expired")
    until = await _pause(context, chat.id, timedelta(minutes=int(arg)))
    zone = await zone_of(context, chat.id)
    return toast(language, "muted", until=_local(until, zone, language))


def register(app: Application) -> None:  # type: ignore[type-arg]  # PTB's generics
    app.add_handler(command(["mode", "modus"], mode_command))
    app.add_handler(command(["urgent", "dringend"], urgent_command))
    app.add_handler(command(["quiet", "ruhe", "ruhezeit"], quiet_command))
    app.add_handler(command(["timezone", "zeitzone"], timezone_command))
    app.add_handler(command(["pause"], pause_command))
    app.add_handler(command(["resume", "weiter"], resume_command))
    app.add_handler(command(["lang", "sprache", "language"], lang_command))
