"""Plain text in a private chat ("hallo bot", "Nordkorea"): an answer, never silence.

A reader who types a topic without /abo is offered to subscribe to it (a button that
runs the usual /abo flow, confirmation included); anything else gets a short pointer to
what the bot understands. In groups people talk to each other: the bot stays quiet.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, MessageHandler, filters

from bot import texts
from bot.delivery.messenger import Button
from bot.delivery.render import to_plain
from bot.matching.normalize import fold
from bot.matching.query import QueryError
from handlers.chat import begin, quote, reply
from handlers.commands import NEW_MESSAGES
from handlers.context import Context, services
from handlers.subscribe import pending_token

MAX_TOPIC_CHARS = 80  # longer text is a message, not a topic someone typed
MAX_TOPIC_LINES = 1
# A greeting or thanks is not a topic: it gets the pointer, not a subscription offer.
GREETINGS = frozenset(
    [
        "hallo",
        "hi",
        "hey",
        "moin",
        "servus",
        "huhu",
        "gruss",
        "gruezi",
        "hello",
        "hiya",
        "danke",
        "thanks",
        "thx",
        "test",
    ]
)


async def plain_text(update: Update, context: Context) -> None:
    """Offer to follow what was typed as a topic, or say how the bot is used."""
    message = update.effective_message
    begun = await begin(update, context, register=True)
    if begun is None or message is None or not message.text:
        return
    language, chat_id = begun
    typed = " ".join(message.text.split())
    first = fold(typed.split()[0].strip("!?.,")) if typed else ""
    if (
        first not in GREETINGS
        and len(typed) <= MAX_TOPIC_CHARS
        and len(message.text.splitlines()) <= MAX_TOPIC_LINES
    ):
        try:
            services(context).subscriptions.resolve(typed)
        except QueryError:
            pass  # "hallo", "?": nothing to look for
        else:
            token = await pending_token(context, chat_id, typed, as_typed=False)
            label = to_plain(texts.text(language, "plain_subscribe_button", query=quote(typed)))
            keyboard = (
                (Button(label[:60], services(context).codec.encode(chat_id, "conf", token)),),
            )
            await reply(
                update, context, texts.text(language, "plain_offer", query=quote(typed)), keyboard
            )
            return
    await reply(update, context, texts.text(language, "plain_help"))


def register(app: Application) -> None:  # type: ignore[type-arg]  # PTB's generics
    private_text = filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE & NEW_MESSAGES
    app.add_handler(MessageHandler(private_text, plain_text))
