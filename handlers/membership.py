"""Chat life: a group that becomes a supergroup keeps its data; a removed or blocked bot
retires the chat; a chat that writes again or adds the bot back is active again."""

from __future__ import annotations

from telegram import ChatMemberUpdated, Update
from telegram.constants import ChatMemberStatus
from telegram.ext import Application, ChatMemberHandler, MessageHandler, TypeHandler, filters

from bot import texts
from bot.chat_settings import chat_zone
from handlers.chat import reply
from handlers.context import Context, services

_GONE = {ChatMemberStatus.LEFT, ChatMemberStatus.BANNED}
_PRESENT = {ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER}


async def migrated(update: Update, context: Context) -> None:
    """Move subscriptions and settings to the supergroup's new id.

    Telegram tells both chats; whichever message comes first moves the data, the other
    finds nothing left to move. The supergroup's message is its first, so handling it
    there (updates of one chat run in order) moves the data before any command in the
    supergroup can look for it.
    """
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    if message.migrate_to_chat_id is not None:
        old, new = chat.id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id is not None:
        old, new = message.migrate_from_chat_id, chat.id
    else:
        return
    svc = services(context)
    await svc.storage.chats.migrate(old, new, svc.clock.now())
    await svc.subscriptions.chat_changed(old, new)


async def membership_changed(update: Update, context: Context) -> None:
    """The bot was removed from a chat or blocked: stop sending there; added back or
    unblocked: the chat is active again."""
    change: ChatMemberUpdated | None = update.my_chat_member
    if change is None:
        return
    status = change.new_chat_member.status
    if status in _GONE:
        svc = services(context)
        await svc.storage.alerts.cancel_chat(change.chat.id, "bot removed from the chat")
        await svc.storage.chats.deactivate(
            change.chat.id, svc.clock.now(), "bot removed from the chat"
        )
        await svc.subscriptions.chat_changed(change.chat.id)
    elif status in _PRESENT:
        await _welcome_back(update, context, change.chat.id)


def _writes_to_the_bot(update: Update) -> bool:
    """A message with text or a button press: someone in the chat is talking to the bot
    (service messages such as a member leaving are not)."""
    message = update.message
    if update.callback_query is not None:
        return True
    return message is not None and bool(message.text or message.caption)


async def returning(update: Update, context: Context) -> None:
    """Runs before every handler: a known inactive chat that writes is active again."""
    chat = update.effective_chat
    if chat is None or not _writes_to_the_bot(update):
        return
    known = await services(context).storage.chats.get(chat.id)
    if known is not None and not known.active:
        await _welcome_back(update, context, chat.id)


async def _welcome_back(update: Update, context: Context, chat_id: int) -> None:
    svc = services(context)
    before = await svc.storage.chats.reactivate(chat_id, svc.clock.now())
    if before is None:
        return  # unknown (registers with its first command) or already active
    await svc.subscriptions.chat_changed(chat_id)  # its topics count again
    if not before.paused_by_error:
        if update.my_chat_member is not None:  # added back or unblocked: say it works
            count = await svc.storage.subscriptions.count(chat_id)
            await reply(update, context, texts.text(before.language, "back_again", count=count))
        return
    since = before.inactive_since or svc.clock.now()
    local = texts.moment(before.language, since, chat_zone(before.timezone, svc.zone))
    await reply(
        update,
        context,
        texts.text(before.language, "back_after_error", since=local, reason=before.inactive_detail),
    )


def register(app: Application) -> None:  # type: ignore[type-arg]  # PTB's generics
    # Group -1 runs before the command handlers, so the command finds the chat active.
    app.add_handler(TypeHandler(Update, returning), group=-1)
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, migrated))
    app.add_handler(ChatMemberHandler(membership_changed, ChatMemberHandler.MY_CHAT_MEMBER))
