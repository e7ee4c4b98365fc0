"""Small helpers every handler uses: who is talking, in which language, replying safely."""

from __future__ import annotations

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode

from bot import texts
from handlers.context import Context, services

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


async def chat_language(update: Update, context: Context) -> str:
    """The chat's stored language, else the one the user's Telegram speaks."""
    chat = update.effective_chat
    if chat is not None:
        record = await services(context).storage.chats.get(chat.id)
        if record is not None:
            return record.language
    user = update.effective_user
    return texts.pick_language(user.language_code if user else None)


async def reply(update: Update, html_text: str) -> None:
    message = update.effective_message
    if message is not None:
        await message.reply_text(
            html_text,
            parse_mode=ParseMode.HTML,
            link_preview_options=NO_PREVIEW,
            do_quote=False,
        )
