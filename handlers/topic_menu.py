"""One topic's own settings by tapping: its delivery mode and whether it is urgent.

/abos has a "⚙️" button beside each topic; it opens a message with the topic's mode
(or "like the chat") and urgency as buttons, the current ones marked ✓. A tap changes
the topic through bot/reader_settings.py (as /modus N and /dringend N and the settings
page do) and redraws the message. Taps set a value, never toggle, so a second tap on
the same button changes nothing.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application

from bot import texts
from bot.chat_settings import MODES, SettingError
from bot.delivery.fit import shorten
from bot.delivery.messenger import Button, Keyboard
from bot.delivery.render import to_plain
from bot.reader_settings import ReaderSettings
from handlers.buttons import edit_in_place, route, toast
from handlers.chat import ensure_chat, reply
from handlers.context import Context, services
from storage.records import SubscriptionRecord

NAME_UNITS = 200
FOLLOW_CHAT = "chat"  # the mode argument for "no mode of its own: the chat's"


def _mode_name(language: str, mode: str) -> str:
    return to_plain(texts.text(language, f"mode_{mode}"))


def list_button(
    context: Context, chat_id: int, sub: SubscriptionRecord, chat_mode: str, language: str
) -> Button:
    """The "⚙️ hourly" button beside a topic in /abos: its mode now, tap to change."""
    label = texts.text(
        language, "topic_menu_button", mode=_mode_name(language, sub.mode or chat_mode)
    )
    return Button(
        to_plain(label)[:60], services(context).codec.encode(chat_id, "topic", str(sub.sub_id))
    )


async def topic_message(
    context: Context, chat_id: int, sub: SubscriptionRecord, language: str
) -> tuple[str, Keyboard]:
    """The topic's settings and their buttons, the current choices marked."""
    svc = services(context)
    chat = await ReaderSettings(svc).chat(chat_id)
    t = texts.text

    def button(label: str, on: bool, arg: str) -> Button:
        shown = f"✓ {to_plain(label)}" if on else to_plain(label)
        return Button(shown[:60], svc.codec.encode(chat_id, "topic", f"{sub.sub_id}.{arg}"))

    chat_mode = _mode_name(language, chat.mode)
    modes = (
        button(
            t(language, "topic_menu_like_chat", mode=chat_mode),
            sub.mode is None,
            f"m.{FOLLOW_CHAT}",
        ),
        *(button(t(language, f"mode_{m}"), sub.mode == m, f"m.{m}") for m in MODES),
    )
    urgency = (
        button(t(language, "topic_menu_urgent"), sub.urgent, "u.1"),
        button(t(language, "topic_menu_normal"), not sub.urgent, "u.0"),
    )
    name = shorten(svc.subscriptions.topic_name(sub, language), NAME_UNITS)
    text = t(
        language,
        "topic_menu",
        name=name,
        mode=_mode_name(language, sub.mode or chat.mode),
        urgent=to_plain(t(language, "topic_menu_yes" if sub.urgent else "topic_menu_no")),
    )
    return text, (modes[:2], modes[2:], urgency)


async def _apply(settings: ReaderSettings, chat_id: int, sub_id: int, change: str) -> None:
    """ "m.hourly", "m.chat", "u.1", "u.0"; anything else is a SettingError."""
    kind, _, value = change.partition(".")
    if kind == "m" and (value in MODES or value == FOLLOW_CHAT):
        await settings.set_topic_mode(chat_id, sub_id, None if value == FOLLOW_CHAT else value)
    elif kind == "u" and value in {"0", "1"}:
        await settings.set_urgent(chat_id, sub_id, value == "1")
    else:
        raise SettingError("bad_value", change)


@route("topic")
async def topic_button(update: Update, context: Context, arg: str, language: str) -> str | None:
    """ "<sub_id>": open the topic's settings; "<sub_id>.<change>": change one, edit_in_place."""
    query, chat = update.callback_query, update.effective_chat
    number, _, change = arg.partition(".")
    svc = services(context)
    sub = await svc.storage.subscriptions.get(int(number)) if number.isdigit() else None
    if query is None or chat is None or sub is None or sub.chat_id != chat.id:
        return toast(language, "topic_menu_gone")  # unsubscribed since the list was sent
    await ensure_chat(update, context)
    if not change:
        text, keyboard = await topic_message(context, chat.id, sub, language)
        await reply(update, context, text, keyboard)
        return None
    try:
        await _apply(ReaderSettings(svc), chat.id, sub.sub_id, change)
    except SettingError:
        return toast(language, "button_expired")
    fresh = await svc.storage.subscriptions.get(sub.sub_id)
    if fresh is None:
        return toast(language, "topic_menu_gone")
    text, keyboard = await topic_message(context, chat.id, fresh, language)
    await edit_in_place(query, text, keyboard)
    return toast(language, "settings_saved")


def register(app: Application) -> None:  # type: ignore[type-arg]  # PTB's generics
    """Buttons only: their route is registered on import."""
