"""/einstellungen (/settings): every setting on one message, changed by tapping.

The message shows the chat's settings and buttons for the common choices, the current
one marked ✓; a tap changes the setting (through bot/reader_settings.py, like the typed
commands and the settings page) and redraws the message. In a private chat, with a
settings page configured, one more button opens the page (Telegram opens Mini Apps from
inline buttons only in private chats). Anything else can still be typed: /ruhe 22:30-06:15.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application

from bot import texts
from bot.chat_settings import MODES, SettingError
from bot.delivery.buttons import ButtonCodec
from bot.delivery.messenger import Button, Keyboard
from bot.delivery.render import to_plain
from bot.reader_settings import DIGEST_TIMES, LIKELY_ZONES, QUIET_PRESETS, ReaderSettings
from handlers.buttons import edit_in_place, route, toast
from handlers.chat import begin, ensure_chat, reply
from handlers.commands import command
from handlers.context import Context, services
from storage.records import ChatRecord

LANGUAGE_NAMES = {"de": "Deutsch", "en": "English"}


def _clock(value: str) -> str:
    return value.replace(":", "")  # "23:00" → "2300": button data allows no colon


def _from_clock(value: str) -> str:
    if len(value) != 4 or not value.isdigit():
        raise SettingError("bad_time", value)
    return f"{value[:2]}:{value[2:]}"


def _mark(label: str, on: bool) -> str:
    return f"✓ {label}" if on else label


KINDS = ("mode", "quiet", "digest", "zone", "language")  # the summary's lines, in order


def choice_rows(
    codec: ButtonCodec, chat_id: int, chat: ChatRecord, zone: str, language: str, action: str
) -> dict[str, tuple[Button, ...]]:
    """Each setting's row of common choices, the current one marked; `action` is "set"
    (the whole settings message) or "one" (a message about that setting alone)."""
    t = texts.text

    def button(label: str, on: bool, arg: str) -> Button:
        return Button(_mark(to_plain(label), on)[:60], codec.encode(chat_id, action, arg))

    return {
        "mode": tuple(
            button(t(language, f"mode_{mode}"), chat.mode == mode, f"m.{mode}") for mode in MODES
        ),
        "quiet": (
            *(
                button(
                    t(language, "settings_quiet_button", start=s[:2], end=e[:2]),
                    (chat.quiet_start, chat.quiet_end) == (s, e),
                    f"q.{_clock(s)}-{_clock(e)}",
                )
                for s, e in QUIET_PRESETS
            ),
            button(t(language, "settings_quiet_off"), not chat.quiet_start, "q.off"),
        ),
        "digest": (
            *(
                button(
                    t(language, "settings_digest_button", time=at),
                    chat.digest_time == at,
                    f"d.{_clock(at)}",
                )
                for at in DIGEST_TIMES[:4]
            ),
            button(t(language, "settings_digest_off"), not chat.digest_time, "d.off"),
        ),
        "zone": tuple(
            button(name.split("/")[-1].replace("_", " "), zone == name, f"z.{n}")
            for n, name in enumerate(LIKELY_ZONES[:5])
        ),
        "language": tuple(
            button(name, chat.language == code, f"l.{code}")
            for code, name in LANGUAGE_NAMES.items()
        ),
    }


def summary_lines(chat: ChatRecord, zone: str, language: str) -> dict[str, str]:
    """Each setting's line ("Zustellung: sofort"), by kind."""
    t = texts.text
    off = t(language, "settings_off")
    quiet = f"{chat.quiet_start}–{chat.quiet_end}" if chat.quiet_start else off
    summary = t(
        language,
        "settings_summary",
        mode=to_plain(t(language, f"mode_{chat.mode}")),
        quiet=quiet,
        digest=chat.digest_time or off,
        zone=zone,
        speaks=LANGUAGE_NAMES.get(chat.language, chat.language),
    )
    return dict(zip(KINDS, summary.split("\n"), strict=True))


async def settings_message(
    context: Context, chat_id: int, language: str, private: bool
) -> tuple[str, Keyboard]:
    svc = services(context)
    view = await ReaderSettings(svc).view(chat_id, language)
    lines = summary_lines(view.chat, view.zone.key, language)
    t = texts.text
    text = "\n".join(
        [t(language, "settings_header"), "", *lines.values(), "", t(language, "settings_more")]
    )
    rows = list(choice_rows(svc.codec, chat_id, view.chat, view.zone.key, language, "set").values())
    page = svc.settings.liveblog.webapp_url
    if private and page is not None:
        rows.append((Button(to_plain(t(language, "settings_open_page")), "", page + "/"),))
    return text, tuple(rows)


async def one_setting(
    context: Context, chat_id: int, language: str, kind: str
) -> tuple[str, Keyboard]:
    """One setting's line and its row of choices: what /modus, /ruhe, /zusammenfassung,
    /zeitzone and /sprache show under their answer when given no value."""
    svc = services(context)
    view = await ReaderSettings(svc).view(chat_id, language)
    line = summary_lines(view.chat, view.zone.key, language)[kind]
    rows = choice_rows(svc.codec, chat_id, view.chat, view.zone.key, language, "one")
    if kind == "digest":  # the digest so far, on request (handlers/digest.py)
        label = to_plain(texts.text(language, "digest_now_button"))
        return line, (rows[kind], (Button(label, svc.codec.encode(chat_id, "dnow")),))
    return line, (rows[kind],)


async def settings_command(update: Update, context: Context) -> None:
    """Show every setting with buttons (✓ = the current choice)."""
    begun = await begin(update, context, admin=True, register=True)
    if begun is None:
        return
    language, chat_id = begun
    chat = update.effective_chat
    private = chat is not None and chat.type == ChatType.PRIVATE
    text, keyboard = await settings_message(context, chat_id, language, private)
    await reply(update, context, text, keyboard)


async def apply_choice(settings: ReaderSettings, chat_id: int, arg: str) -> None:
    """One tapped choice: "m.hourly", "q.2300-0700", "q.off", "d.0700", "d.off",
    "z.3" (a zone of LIKELY_ZONES), "l.en". Anything else is a SettingError."""
    kind, _, value = arg.partition(".")
    if kind == "m":
        await settings.set_mode(chat_id, value)
    elif kind == "q":
        start, _, end = value.partition("-")
        window = None if value == "off" else (_from_clock(start), _from_clock(end))
        await settings.set_quiet(chat_id, window)
    elif kind == "d":
        await settings.set_digest(chat_id, None if value == "off" else _from_clock(value))
    elif kind == "z" and value.isdigit() and int(value) < len(LIKELY_ZONES):
        await settings.set_timezone(chat_id, LIKELY_ZONES[int(value)])
    elif kind == "l":
        await settings.set_language(chat_id, value)
    else:
        raise SettingError("bad_value", arg)


Redraw = Callable[[int, str, bool], Awaitable[tuple[str, Keyboard]]]


async def _tap(update: Update, context: Context, arg: str, language: str, redraw: Redraw) -> str:
    """Change the tapped setting, then redraw the message with the new marks (in the
    chat's language after the change: a language tap answers in the new one)."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None:
        return toast(language, "button_expired")
    await ensure_chat(update, context)
    settings = ReaderSettings(services(context))
    try:
        await apply_choice(settings, chat.id, arg)
    except SettingError as exc:
        if exc.code == "digest_needed":  # "digest off" while alerts come daily
            return toast(language, "settings_digest_needed")
        return toast(language, "button_expired")
    language = (await settings.chat(chat.id)).language
    text, keyboard = await redraw(chat.id, language, chat.type == ChatType.PRIVATE)
    await edit_in_place(query, text, keyboard)
    return toast(language, "settings_saved")


@route("set")
async def settings_button(update: Update, context: Context, arg: str, language: str) -> str:
    """A tap in the /einstellungen message: the whole message is drawn again."""

    async def redraw(chat_id: int, language: str, private: bool) -> tuple[str, Keyboard]:
        return await settings_message(context, chat_id, language, private)

    return await _tap(update, context, arg, language, redraw)


async def choices(context: Context, chat_id: int, language: str, kind: str) -> Keyboard:
    """The row of common choices for one setting, under a command's answer."""
    return (await one_setting(context, chat_id, language, kind))[1]


_KIND_OF = {"m": "mode", "q": "quiet", "d": "digest", "z": "zone", "l": "language"}


@route("one")
async def one_setting_button(update: Update, context: Context, arg: str, language: str) -> str:
    """A tap under a single setting's answer: that line and row are drawn again."""
    kind = _KIND_OF.get(arg.partition(".")[0])
    if kind is None:
        return toast(language, "button_expired")

    async def redraw(chat_id: int, language: str, _private: bool) -> tuple[str, Keyboard]:
        line, keyboard = await one_setting(context, chat_id, language, kind)
        return "✓ " + line, keyboard

    return await _tap(update, context, arg, language, redraw)


def register(app: Application) -> None:  # type: ignore[type-arg]  # PTB's generics
    app.add_handler(command(["einstellungen", "settings"], settings_command))
