"""/stop (/stopp): delete every piece of data about the chat, after a confirm button."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application

from bot import texts
from bot.delivery.messenger import Button
from bot.delivery.render import to_plain
from handlers.buttons import route
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
        await query.edit_message_text(texts.text(language, "stop_cancelled"), parse_mode="HTML")
        return None
    svc = services(context)
    await svc.storage.chats.delete(chat.id)
    await svc.subscriptions.holder.refresh()
    await query.edit_message_text(texts.text(language, "stop_done"), parse_mode="HTML")
    return None


def register(app: Application) -> None:  # type: ignore[type-arg]  # PTB's generics
    app.add_handler(command(["stop", "stopp", "loeschen"], stop_command))
