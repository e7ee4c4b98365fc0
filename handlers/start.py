"""/start and /help (German alias /hilfe): greet, explain, show the catalog."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application

from bot import texts
from bot.delivery.fit import shorten
from handlers.chat import chat_language, guard, reply
from handlers.commands import command
from handlers.context import Context, services
from handlers.topics import catalog_keyboard

# The catalog is the operator's data and may be long: each label and the whole list are
# capped (escaped units), so the welcome and the help keep their markup at any size.
LABEL_UNITS = 80
WELCOME_LIST_UNITS = 1500
HELP_LIST_UNITS = 500


def followed_list(labels: list[str], separator: str, units: int) -> str:
    return shorten(separator.join(shorten(label, LABEL_UNITS) for label in labels), units)


async def start(update: Update, context: Context) -> None:
    """Greet the reader, register (or reactivate) the chat, offer the catalog."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or await guard(update, context) is None:
        return
    svc = services(context)
    known = await svc.storage.chats.get(chat.id)
    language = (
        known.language if known else texts.pick_language(user.language_code if user else None)
    )
    await svc.storage.chats.upsert(chat.id, chat.type, chat.title, language, svc.clock.now())
    if known is not None and not known.active:
        await svc.subscriptions.chat_changed(chat.id)  # a returning chat's topics count again
    name = (user.first_name if user else None) or chat.title or ""
    key = "start_again" if known is not None else "start"
    _header, keyboard = await catalog_keyboard(context, chat.id, language, 0)
    labels = svc.sources.followed_labels(language)
    listed = followed_list([f"• {label}" for label in labels], "\n", WELCOME_LIST_UNITS)
    sources = listed or texts.text(language, "sources_none")
    await reply(update, context, texts.text(language, key, name=name, sources=sources), keyboard)


async def help_command(update: Update, context: Context) -> None:
    """List every command with a one-line explanation."""
    if await guard(update, context) is None:
        return
    language = await chat_language(update, context)
    labels = services(context).sources.followed_labels(language)
    sources = followed_list(labels, ", ", HELP_LIST_UNITS) or texts.text(language, "sources_none")
    await reply(update, context, texts.text(language, "help", sources=sources))


def register(app: Application) -> None:  # type: ignore[type-arg]  # PTB's generics
    app.add_handler(command("start", start))
    app.add_handler(command(["help", "hilfe"], help_command))
