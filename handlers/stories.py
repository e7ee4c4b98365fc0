"""/merge on|off (/zusammenfuehren an|aus): name other outlets' reports of one story."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application

from bot import texts
from handlers.chat import args_text, begin, reply
from handlers.commands import command
from handlers.context import Context, services

_ON = frozenset({"on", "an", "ein", "ja", "yes"})
_OFF = frozenset({"off", "aus", "nein", "no"})


async def merge_command(update: Update, context: Context) -> None:
    """Merging is per chat; in groups only administrators change it."""
    begun = await begin(update, context, admin=True, register=True)
    if begun is None:
        return
    language, chat_id = begun
    stories = services(context).storage.stories
    wanted = args_text(context).lower()[:10]
    if wanted not in _ON | _OFF:
        state = "merge_state_on" if await stories.merging(chat_id) else "merge_state_off"
        await reply(
            update,
            context,
            texts.text(language, "merge_usage", state=texts.text(language, state)),
        )
        return
    on = wanted in _ON
    await stories.set_merging(chat_id, on)
    await reply(update, context, texts.text(language, "merge_on" if on else "merge_off"))


def register(app: Application) -> None:  # type: ignore[type-arg]  # PTB's generics
    app.add_handler(command(["merge", "zusammenfuehren"], merge_command))
