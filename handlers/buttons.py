"""All inline buttons arrive here: checked (signed, versioned, chat-bound), then routed.

Feature modules register their actions with @route; a forged, stale or foreign button
gets "this button has expired", never an exception.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram import CallbackQuery, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler

from bot import texts
from bot.delivery.messenger import Keyboard
from bot.delivery.render import to_plain
from handlers.chat import _rate_ok, chat_language, is_admin
from handlers.context import Context, services
from handlers.telegram_io import markup

log = logging.getLogger(__name__)

ButtonHandler = Callable[[Update, Context, str, str], Awaitable[str | None]]
_ROUTES: dict[str, tuple[ButtonHandler, bool]] = {}


def route(action: str, admin: bool = True) -> Callable[[ButtonHandler], ButtonHandler]:
    """Register a button action; `admin`: in groups only administrators may press it."""

    def register(handler: ButtonHandler) -> ButtonHandler:
        _ROUTES[action] = (handler, admin)
        return handler

    return register


def toast(language: str, key: str, **values: object) -> str:
    """A catalogue text as a callback answer (plain text, at most 200 characters)."""
    return to_plain(texts.text(language, key, **values))[:200]


async def edit_in_place(
    query: CallbackQuery, html: str | None = None, keyboard: Keyboard | None = None
) -> None:
    """Show a button's answer in its own message: new text (and buttons), or new buttons
    only when `html` is None. The same tap twice changes nothing: Telegram's "message is
    not modified" is not an error here."""
    try:
        if html is None:
            await query.edit_message_reply_markup(reply_markup=markup(keyboard))
        else:
            await query.edit_message_text(
                html, parse_mode=ParseMode.HTML, reply_markup=markup(keyboard)
            )
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            raise


async def on_button(update: Update, context: Context) -> None:
    """Check the button's data, then run its action."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None:
        return
    language = await chat_language(update, context)
    action = services(context).codec.decode(chat.id, query.data)
    found = _ROUTES.get(action.action) if action is not None else None
    if action is None or found is None:
        await query.answer(toast(language, "button_expired"), show_alert=True)
        return
    handler, admin_only = found
    if not _rate_ok(context, update):
        await query.answer(toast(language, "rate_limited"), show_alert=True)
        return
    if admin_only and not await is_admin(update, context):
        await query.answer(toast(language, "admins_only"), show_alert=True)
        return
    answer = await handler(update, context, action.arg, language)
    await query.answer(answer[:200] if answer else None)


def register(app: Application) -> None:  # type: ignore[type-arg]  # PTB's generics
    app.add_handler(CallbackQueryHandler(on_button))
