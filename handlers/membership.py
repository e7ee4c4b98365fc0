"""Group life: a group that becomes a supergroup keeps its data; a removed bot retires."""

from __future__ import annotations

from telegram import ChatMemberUpdated, Update
from telegram.constants import ChatMemberStatus
from telegram.ext import Application, ChatMemberHandler, MessageHandler, filters

from handlers.context import Context, services


async def migrated(update: Update, context: Context) -> None:
    """Move subscriptions and settings to the supergroup's new id."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None or message.migrate_to_chat_id is None:
        return
    svc = services(context)
    await svc.storage.chats.migrate(chat.id, message.migrate_to_chat_id, svc.clock.now())
    await svc.subscriptions.holder.refresh()


async def membership_changed(update: Update, context: Context) -> None:
    """The bot was removed from a chat (or blocked): stop sending there."""
    change: ChatMemberUpdated | None = update.my_chat_member
    if change is None:
        return
    if change.new_chat_member.status in {ChatMemberStatus.LEFT, ChatMemberStatus.BANNED}:
        svc = services(context)
        await svc.storage.alerts.cancel_chat(change.chat.id, "bot removed from the chat")
        await svc.storage.chats.deactivate(change.chat.id, svc.clock.now())
        await svc.subscriptions.holder.refresh()


def register(app: Application) -> None:  # type: ignore[type-arg]  # PTB's generics
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, migrated))
    app.add_handler(ChatMemberHandler(membership_changed, ChatMemberHandler.MY_CHAT_MEMBER))
