"""The buttons under an alert about the alert itself: why it came (and a thumbs down from
there), follow its story (every update at once, 24 h), mute its story (24 h); and a 👎
reaction on an alert, where Telegram delivers reactions."""

from __future__ import annotations

from datetime import timedelta

from telegram import ReactionTypeEmoji, Update
from telegram.ext import Application, MessageReactionHandler

from bot import texts
from bot.delivery.explain import TopicWhy, why_text
from bot.delivery.messenger import Button
from bot.delivery.render import to_plain
from handlers.buttons import route, toast
from handlers.chat import chat_language, reply
from handlers.context import Context, services

STORY_CHOICE = timedelta(hours=24)
THUMBS_DOWN = "👎"


@route("why", admin=False)
async def why_button(update: Update, context: Context, arg: str, language: str) -> str | None:
    """Answer with which topic, which words: one short message with a 👎 button."""
    chat = update.effective_chat
    if chat is None:
        return toast(language, "button_expired")
    svc = services(context)
    alert = await svc.storage.alerts.get(int(arg)) if arg.isdigit() else None
    entry = await svc.storage.entries.get(alert.entry_id) if alert is not None else None
    if alert is None or alert.chat_id != chat.id or entry is None:
        return toast(language, "why_gone")
    subs = {s.sub_id: s for s in await svc.storage.subscriptions.for_chat(chat.id)}
    topics = []
    for sub_id in alert.sub_ids:
        sub = subs.get(sub_id)
        expr = svc.subscriptions.expr_of(sub) if sub is not None else None
        if sub is not None and expr is not None:
            name = svc.subscriptions.topic_name(sub, language)
            topics.append(TopicWhy(name, expr.display(language)))
    text = why_text(language, topics, entry.title, entry.body, alert.spans)
    feedback = Button(
        to_plain(texts.text(language, "button_feedback_down")),
        svc.codec.encode(chat.id, "fb", str(alert.alert_id)),
    )
    await reply(update, context, text, ((feedback,),))
    return None


async def _record_down(context: Context, chat_id: int, alert_id: int, via: str) -> bool | None:
    """Keep a 👎 with the entry and the topics it was sent for; None if the alert is gone."""
    svc = services(context)
    alert = await svc.storage.alerts.get(alert_id)
    if alert is None or alert.chat_id != chat_id:
        return None
    subs = {s.sub_id: s for s in await svc.storage.subscriptions.for_chat(chat_id)}
    topics = " | ".join(subs[s].query for s in alert.sub_ids if s in subs)
    return await svc.storage.feedback.add(
        chat_id, alert.entry_id, "down", topics, via, svc.clock.now()
    )


@route("fb", admin=False)
async def feedback_button(update: Update, context: Context, arg: str, language: str) -> str:
    chat = update.effective_chat
    recorded = (
        await _record_down(context, chat.id, int(arg), "button")
        if chat is not None and arg.isdigit()
        else None
    )
    if recorded is None:
        return toast(language, "why_gone")
    return toast(language, "feedback_thanks" if recorded else "feedback_already")


async def _choose_story(
    update: Update, context: Context, arg: str, language: str, kind: str
) -> str:
    chat = update.effective_chat
    svc = services(context)
    story = await svc.storage.story_choices.story_of(int(arg)) if arg.isdigit() else None
    if chat is None or story is None:
        return toast(language, "button_expired")
    now = svc.clock.now()
    await svc.storage.story_choices.choose(chat.id, story, kind, now + STORY_CHOICE, now)
    if kind == "mute":
        await svc.storage.story_choices.cancel_pending(chat.id, story)
    return toast(language, "story_muted" if kind == "mute" else "story_followed")


@route("more")
async def follow_story_button(update: Update, context: Context, arg: str, language: str) -> str:
    return await _choose_story(update, context, arg, language, "follow")


@route("smute")
async def mute_story_button(update: Update, context: Context, arg: str, language: str) -> str:
    return await _choose_story(update, context, arg, language, "mute")


async def on_reaction(update: Update, context: Context) -> None:
    """A 👎 reaction on an alert counts like the 👎 button (Telegram sends reactions in
    private chats, and in groups where the bot is an administrator)."""
    reaction = update.message_reaction
    if reaction is None or reaction.user is None:
        return
    new = {r.emoji for r in reaction.new_reaction if isinstance(r, ReactionTypeEmoji)}
    if THUMBS_DOWN not in new:
        return
    svc = services(context)
    chat_id = reaction.chat.id
    alert_id = await svc.storage.story_choices.alert_for_message(chat_id, reaction.message_id)
    if alert_id is not None:
        await _record_down(context, chat_id, alert_id, "reaction")
    await chat_language(update, context)  # keeps the chat known, as any update does


def register(app: Application) -> None:  # type: ignore[type-arg]  # PTB's generics
    app.add_handler(MessageReactionHandler(on_reaction))
