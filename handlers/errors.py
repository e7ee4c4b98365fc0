"""Last-resort handlers: unknown commands get an answer, errors get logged, never raised."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application, MessageHandler, filters

from bot import texts
from handlers.chat import chat_language, reply
from handlers.commands import NEW_MESSAGES
from handlers.context import Context

log = logging.getLogger(__name__)


def addressed_to_us(update: Update, context: Context) -> bool:
    """In groups, commands may be meant for other bots: answer only /cmd@ourbot there."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None or not message.text:
        return False
    command = message.text.split()[0]
    _, _, mention = command.partition("@")
    if mention:
        return mention.lower() == (context.bot.username or "").lower()
    return chat.type == ChatType.PRIVATE


async def unknown_command(update: Update, context: Context) -> None:
    """Answer a command nobody handles instead of staying silent."""
    if not addressed_to_us(update, context):
        return
    await reply(
        update, context, texts.text(await chat_language(update, context), "unknown_command")
    )


async def on_error(update: object, context: Context) -> None:
    """Log the failure (without the token) and tell the reader something went wrong."""
    log.error("handler failed: %s", type(context.error).__name__, exc_info=context.error)
    if isinstance(update, Update) and update.effective_message is not None:
        try:
            await reply(update, context, texts.text(await chat_language(update, context), "error"))
        except Exception:  # the reply is a courtesy; a second failure must not escalate
            log.warning("could not tell the reader about the error", exc_info=True)


def register(app: Application) -> None:  # type: ignore[type-arg]  # PTB's generics
    # Registered last in group 0: PTB lets the first matching handler of a group win,
    # so this sees only the commands no feature module took.
    app.add_handler(MessageHandler(filters.COMMAND & NEW_MESSAGES, unknown_command))
    app.add_error_handler(on_error)
