"""/topics (/themen): the catalog by theme; a theme's topics are buttons that toggle (✓ = on)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application

from bot import texts
from bot.delivery.messenger import Button, Keyboard
from bot.delivery.render import to_plain
from handlers.buttons import edit_in_place, route, toast
from handlers.chat import begin, ensure_chat, reply
from handlers.commands import command
from handlers.context import Context, services

PER_PAGE = 10


def _label(language: str, key: str, **values: object) -> str:
    return to_plain(texts.text(language, key, **values))


async def catalog_keyboard(
    context: Context, chat_id: int, language: str, page: int = 0
) -> tuple[str, Keyboard]:
    """The catalog's first level: one button per theme, with how many topics are on."""
    svc = services(context)
    lexicon = svc.subscriptions.lexicon
    on = await svc.subscriptions.catalog_state(chat_id)
    buttons = []
    for theme in lexicon.themes.values():
        count = sum(1 for topic in lexicon.topics_of(theme.id) if topic.id in on)
        key = "theme_button_on" if count else "theme_button"
        label = _label(language, key, name=theme.name(language), count=count)
        buttons.append(Button(label, svc.codec.encode(chat_id, "thm", f"{theme.id}.0")))
    rows = tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))
    return texts.text(language, "topics_header"), rows


async def theme_keyboard(
    context: Context, chat_id: int, language: str, theme: str, page: int
) -> Keyboard:
    """One theme's topics as toggles (✓ = on), paged, with a way back to all themes."""
    svc = services(context)
    topics = svc.subscriptions.lexicon.topics_of(theme)
    pages = max(1, -(-len(topics) // PER_PAGE))
    page = min(max(page, 0), pages - 1)
    on = await svc.subscriptions.catalog_state(chat_id)
    rows: list[tuple[Button, ...]] = []
    shown = topics[page * PER_PAGE : (page + 1) * PER_PAGE]
    for i in range(0, len(shown), 2):
        row = []
        for topic in shown[i : i + 2]:
            key = "topic_on" if topic.id in on else "topic_off"
            label = _label(language, key, name=topic.name(language))
            row.append(Button(label, svc.codec.encode(chat_id, "tog", f"{topic.id}.{page}")))
        rows.append(tuple(row))
    nav = [Button(_label(language, "all_themes"), svc.codec.encode(chat_id, "thm", ""))]
    if page > 0:
        arg = f"{theme}.{page - 1}"
        nav.append(Button(_label(language, "previous_page"), svc.codec.encode(chat_id, "thm", arg)))
    if pages > 1:
        arg = f"{theme}.{page}"
        nav.append(Button(f"{page + 1}/{pages}", svc.codec.encode(chat_id, "thm", arg)))
    if page < pages - 1:
        arg = f"{theme}.{page + 1}"
        nav.append(Button(_label(language, "next_page"), svc.codec.encode(chat_id, "thm", arg)))
    rows.append(tuple(nav))
    return tuple(rows)


async def topics_command(update: Update, context: Context) -> None:
    """Show the catalog's themes."""
    begun = await begin(update, context, register=True)
    if begun is None:
        return
    language, chat_id = begun
    header, keyboard = await catalog_keyboard(context, chat_id, language)
    await reply(update, context, header, keyboard)


async def _show(update: Update, context: Context, language: str, theme: str, page: int) -> None:
    """Swap the buttons only: the catalog also hangs under /start's greeting."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None:
        return
    if theme in services(context).subscriptions.lexicon.themes:
        keyboard = await theme_keyboard(context, chat.id, language, theme, page)
    else:
        _header, keyboard = await catalog_keyboard(context, chat.id, language)
    await edit_in_place(query, keyboard=keyboard)  # pressing the page we are on changes nothing


@route("thm", admin=False)
async def theme_button(update: Update, context: Context, arg: str, language: str) -> str | None:
    theme, _, page = arg.partition(".")
    await _show(update, context, language, theme, int(page) if page.isdigit() else 0)
    return None


@route("page", admin=False)
async def page_button(update: Update, context: Context, arg: str, language: str) -> str | None:
    """Buttons of catalogs sent before themes existed: show the themes."""
    await _show(update, context, language, "", 0)
    return None


@route("tog")
async def toggle_button(update: Update, context: Context, arg: str, language: str) -> str | None:
    chat = update.effective_chat
    topic_id, _, page = arg.partition(".")
    svc = services(context)
    topic = svc.subscriptions.lexicon.topics.get(topic_id)
    if chat is None or topic is None:  # a topic since taken out of the catalog
        return toast(language, "button_expired")
    await ensure_chat(update, context)
    state = await svc.subscriptions.toggle_catalog(chat.id, topic_id, language)
    if state is None:
        return toast(language, "limit_reached", count=svc.subscriptions.max_per_chat)
    await _show(update, context, language, topic.theme, int(page) if page.isdigit() else 0)
    key = "subscribed" if state else "unsubscribed"
    return toast(language, key, name=topic.name(language))


def register(app: Application) -> None:  # type: ignore[type-arg]  # PTB's generics
    app.add_handler(command(["topics", "themen", "katalog"], topics_command))
