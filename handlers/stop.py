"""/stop (/stopp): delete every piece of data about the chat, after a confirm button."""

from __future__ import annotations

from telegram import CallbackQuery, Update
from telegram.ext import Application

from bot import texts
from bot.delivery.messenger import Button
from bot.delivery.render import to_plain
from handlers.buttons import edit_in_place, route, toast
from handlers.chat import begin, reply
from handlers.commands import command
from handlers.context import Context, services


async def stop_command(update: Update, context: Context) -> None:
    """Ask for confirmation before deleting everything."""
    begun = await begin(update, context, admin=True)
    if begun is None:
        return
    language, chat_id = begun
    codec = services(context).codec
    keyboard = (
        (
            Button(to_plain(texts.text(language, "stop_yes")), codec.encode(chat_id, "stop", "y")),
            Button(to_plain(texts.text(language, "stop_no")), codec.encode(chat_id, "stop", "n")),
        ),
    )
    await reply(update, context, texts.text(language, "stop_confirm"), keyboard)


@route("stop")
async def stop_button(update: Update, context: Context, arg: str, language: str) -> str | None:
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None:
        return None
    if arg != "y":
        await _edit(query, texts.text(language, "stop_cancelled"))
        return None
    svc = services(context)
    if await svc.storage.chats.get(chat.id) is None:
        # A second tap (or one on an old confirmation): nothing left to delete, and the
        # message already says so.
        return toast(language, "stop_already")
    await svc.storage.chats.delete(chat.id)
    await svc.subscriptions.chat_changed(chat.id)
    await _edit(query, texts.text(language, "stop_done"))
    return None


async def _edit(query: CallbackQuery, html: str) -> None:
    """Replace the question with the answer; it may already say so (a second tap)."""
    await edit_in_place(query, html)


def register(app: Application) -> None:  # type: ignore[type-arg]  # PTB's generics
    app.add_handler(command(["stop", "stopp", "loeschen"], stop_command))
