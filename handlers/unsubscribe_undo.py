"""Unsubscribing from chat with a "↩️ rückgängig" button under the answer.

Every unsubscribe the reader makes in chat (/abbestellen, the ✖ of /abos, the button
under an alert) answers "🗑 Abo beendet" with the undo button; for UNDO_WINDOW a tap
puts the topic back as it was (bot/unsubscribing.py). The button's data is signed and
bound to the chat like every button; a tap after the time, a second tap, or data made up
is answered and changes nothing.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application

from bot import texts
from bot.delivery.messenger import Button
from bot.delivery.render import to_plain
from bot.unsubscribing import UNDO_WINDOW, Unsubscriber
from handlers.buttons import edit_in_place, route, toast
from handlers.chat import reply
from handlers.context import Context, services
from storage.records import SubscriptionRecord


async def unsubscribe_with_undo(
    update: Update, context: Context, chat_id: int, sub: SubscriptionRecord, language: str
) -> bool:
    """End `sub`, answer with the undo button; False when it was already gone."""
    svc = services(context)
    removed = await Unsubscriber(svc).remove(chat_id, sub)
    if removed is None:
        return False
    name = svc.subscriptions.topic_name(sub, language)
    label = to_plain(texts.text(language, "undo_button"))
    keyboard = ((Button(label, svc.codec.encode(chat_id, "undo", str(removed.undo_id))),),)
    await reply(update, context, texts.text(language, "unsubscribed", name=name), keyboard)
    return True


@route("undo")
async def undo_button(update: Update, context: Context, arg: str, language: str) -> str | None:
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None or not arg.isdigit():
        return toast(language, "button_expired")
    svc = services(context)
    outcome = await Unsubscriber(svc).undo(chat.id, int(arg))
    minutes = int(UNDO_WINDOW.total_seconds() // 60)
    if outcome.subscription is None:
        if outcome.status == "limit":
            return toast(language, "limit_reached", count=svc.subscriptions.max_per_chat)
        key = {"already": "undo_already", "exists": "undo_exists"}.get(
            outcome.status, "undo_too_late"
        )
        return toast(language, key, name=outcome.display, minutes=minutes)
    name = svc.subscriptions.topic_name(outcome.subscription, language)
    # The answer says so now, and loses its button.
    await edit_in_place(query, texts.text(language, "undo_done", name=name))
    return toast(language, "undo_done", name=name)


def register(app: Application) -> None:  # type: ignore[type-arg]  # PTB's generics
    """A button only: its route is registered on import."""
