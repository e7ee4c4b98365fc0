"""/quellen (/feeds): the followed catalog sources as buttons a reader switches on and off.

By default a chat gets every source; what it switches off is stored by catalog id, so a
source added to the catalog later reaches everyone. (The operators' /sources is another
view: the sources' health.)
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application

from bot import texts
from bot.delivery.messenger import Button, Keyboard
from bot.delivery.render import to_plain
from handlers.buttons import edit_in_place, route, toast
from handlers.chat import begin, ensure_chat, reply
from handlers.commands import command
from handlers.context import Context, services

MAX_BUTTONS = 40  # Telegram shows up to 100 buttons; a catalog beyond 40 needs pages


async def feeds_keyboard(context: Context, chat_id: int, language: str) -> Keyboard:
    svc = services(context)
    off = await svc.storage.choices.off_for_chat(chat_id)
    rows: list[tuple[Button, ...]] = []
    for entry in svc.sources.followed[:MAX_BUTTONS]:
        key = "source_off" if entry.id in off else "source_on"
        label = to_plain(texts.text(language, key, name=entry.label(language)))[:60]
        rows.append((Button(label, svc.codec.encode(chat_id, "src", entry.id)),))
    return tuple(rows)


async def feeds_command(update: Update, context: Context) -> None:
    """Show the followed sources with toggle buttons (✓ = on)."""
    begun = await begin(update, context, register=True)
    if begun is None:
        return
    language, chat_id = begun
    if not services(context).sources.followed:
        await reply(update, context, texts.text(language, "sources_empty"))
        return
    keyboard = await feeds_keyboard(context, chat_id, language)
    await reply(update, context, texts.text(language, "sources_header"), keyboard)


@route("src")
async def toggle_source(update: Update, context: Context, arg: str, language: str) -> str | None:
    """Switch one source on or off for the chat, then edit_in_place the buttons."""
    query, chat = update.callback_query, update.effective_chat
    svc = services(context)
    entry = svc.sources.followed_entry(arg)
    if query is None or chat is None or entry is None:
        return toast(language, "button_expired")
    await ensure_chat(update, context)
    enabled = entry.id in await svc.storage.choices.off_for_chat(chat.id)
    await svc.storage.choices.set_enabled(chat.id, entry.id, enabled)
    await edit_in_place(query, keyboard=await feeds_keyboard(context, chat.id, language))
    key = "source_enabled" if enabled else "source_disabled"
    return toast(language, key, name=entry.label(language))


def register(app: Application) -> None:  # type: ignore[type-arg]  # PTB's generics
    app.add_handler(command(["quellen", "feeds"], feeds_command))
