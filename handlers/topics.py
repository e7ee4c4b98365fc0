"""/topics (/themen): the catalog as paged buttons that toggle a subscription (✓ = on)."""

from __future__ import annotations

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import Application

from bot import texts
from bot.delivery.messenger import Button, Keyboard
from bot.delivery.render import to_plain
from handlers.buttons import route, toast
from handlers.chat import begin, ensure_chat, reply
from handlers.commands import command
from handlers.context import Context, services
from handlers.telegram_io import markup

PER_PAGE = 10


async def catalog_keyboard(
    context: Context, chat_id: int, language: str, page: int
) -> tuple[str, Keyboard]:
    svc = services(context)
    topics = list(svc.subscriptions.lexicon.topics.values())
    pages = max(1, -(-len(topics) // PER_PAGE))
    page = min(max(page, 0), pages - 1)
    on = await svc.subscriptions.catalog_state(chat_id)
    rows: list[tuple[Button, ...]] = []
    shown = topics[page * PER_PAGE : (page + 1) * PER_PAGE]
    for i in range(0, len(shown), 2):
        row = []
        for topic in shown[i : i + 2]:
            key = "topic_on" if topic.id in on else "topic_off"
            label = to_plain(texts.text(language, key, name=topic.name(language)))
            row.append(Button(label, svc.codec.encode(chat_id, "tog", f"{topic.id}.{page}")))
        rows.append(tuple(row))
    nav = []
    position = Button(f"{page + 1}/{pages}", svc.codec.encode(chat_id, "page", str(page)))
    if page > 0:
        nav.append(
            Button(
                to_plain(texts.text(language, "previous_page")),
                svc.codec.encode(chat_id, "page", str(page - 1)),
            )
        )
    if page < pages - 1:
        nav.append(
            Button(
                to_plain(texts.text(language, "next_page")),
                svc.codec.encode(chat_id, "page", str(page + 1)),
            )
        )
    if nav:
        nav.insert(1 if page > 0 else 0, position)
        rows.append(tuple(nav))
    header = texts.text(language, "topics_header")
    return header, tuple(rows)


async def topics_command(update: Update, context: Context) -> None:
    """Show the catalog's first page."""
    begun = await begin(update, context, register=True)
    if begun is None:
        return
    language, chat_id = begun
    header, keyboard = await catalog_keyboard(context, chat_id, language, 0)
    await reply(update, context, header, keyboard)


async def _show_page(update: Update, context: Context, language: str, page: int) -> None:
    """Swap the buttons only: the catalog also hangs under /start's greeting."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None:
        return
    _header, keyboard = await catalog_keyboard(context, chat.id, language, page)
    try:
        await query.edit_message_reply_markup(reply_markup=markup(keyboard))
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():  # pressing the page we are on
            raise


@route("page", admin=False)
async def page_button(update: Update, context: Context, arg: str, language: str) -> str | None:
    await _show_page(update, context, language, int(arg) if arg.isdigit() else 0)
    return None


@route("tog")
async def toggle_button(update: Update, context: Context, arg: str, language: str) -> str | None:
    chat = update.effective_chat
    topic_id, _, page = arg.partition(".")
    if chat is None:
        return None
    await ensure_chat(update, context)
    svc = services(context)
    state = await svc.subscriptions.toggle_catalog(chat.id, topic_id, language)
    if state is None:
        return toast(language, "limit_reached", limit=svc.subscriptions.max_per_chat)
    await _show_page(update, context, language, int(page) if page.isdigit() else 0)
    topic = svc.subscriptions.lexicon.topics[topic_id]
    key = "subscribed" if state else "unsubscribed"
    return toast(language, key, name=topic.name(language))


def register(app: Application) -> None:  # type: ignore[type-arg]  # PTB's generics
    app.add_handler(command(["topics", "themen", "katalog"], topics_command))
