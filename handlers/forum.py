"""/hier (/here) in a forum supergroup: the group's alerts (or one subscription's) go
into the topic the command was typed in; typed in the general topic, or `/hier aus`,
they go back to the general topic. Only administrators; batches and digests follow the
group's route, an alert its topic's route."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application

from bot import texts
from bot.matching.normalize import fold
from handlers.chat import args_text, begin, reply, topic_of
from handlers.commands import command
from handlers.context import Context, services
from storage.repos.forum_routes import ALL


async def here_command(update: Update, context: Context) -> None:
    """Route the group's alerts (or subscription N's) into this forum topic."""
    begun = await begin(update, context, admin=True, register=True)
    if begun is None:
        return
    language, chat_id = begun
    chat = update.effective_chat
    if chat is None or not chat.is_forum:
        await reply(update, context, texts.text(language, "forum_only"))
        return
    svc = services(context)
    routes = svc.storage.forum_routes
    arg = args_text(context)
    thread = topic_of(update)
    if fold(arg) in {"aus", "off"}:
        await routes.clear(chat_id)
        await reply(update, context, texts.text(language, "forum_cleared"))
        return
    if not arg:
        await routes.route(chat_id, ALL, thread)
        key = "forum_all_here" if thread is not None else "forum_all_general"
        await reply(update, context, texts.text(language, key))
        return
    subs = await svc.storage.subscriptions.for_chat(chat_id)
    if not arg.isdigit() or not 1 <= int(arg) <= len(subs):
        await reply(update, context, texts.text(language, "forum_usage"))
        return
    sub = subs[int(arg) - 1]
    await routes.route(chat_id, sub.sub_id, thread)
    name = svc.subscriptions.topic_name(sub, language)
    key = "forum_sub_here" if thread is not None else "forum_sub_general"
    await reply(update, context, texts.text(language, key, name=name))


def register(app: Application) -> None:  # type: ignore[type-arg]  # PTB's generics
    app.add_handler(command(["hier", "here"], here_command))
