"""/preview (/vorschau) and /latest (/neueste): look without subscribing."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application

from bot import texts
from bot.delivery.render import AlertView, render_batch_item, split_messages
from bot.matching.query import QueryError
from handlers.chat import args_text, begin, quote, reply, zone_of
from handlers.commands import command
from handlers.context import Context, services


async def preview_command(update: Update, context: Context) -> None:
    """The last matching entries, matched words in bold, without subscribing."""
    begun = await begin(update, context)
    if begun is None:
        return
    language, chat_id = begun
    text = args_text(context)
    if not text:
        await reply(update, context, texts.text(language, "preview_usage"))
        return
    try:
        resolved, items = await services(context).subscriptions.preview(text)
    except QueryError as exc:
        await reply(
            update,
            context,
            texts.text(language, f"query_error_{exc.code}", detail=quote(exc.detail)),
        )
        return
    form = resolved.display(language)
    if not items:
        await reply(update, context, texts.text(language, "preview_none", form=form))
        return
    zone = await zone_of(context, chat_id)
    rendered = [
        render_batch_item(
            AlertView(
                i.entry.entry_id,
                i.entry.title,
                i.entry.body,
                i.entry.url,
                i.entry.published_at or i.entry.first_seen_at,
                (),
                tuple((s.field, s.start, s.end) for s in i.spans),
                "",
            ),
            zone,
            language,
        )
        for i in items
    ]
    for message in split_messages(texts.text(language, "preview_header", form=form), rendered):
        await reply(update, context, message)


async def latest_command(update: Update, context: Context) -> None:
    """The newest entries of the followed liveblogs."""
    begun = await begin(update, context)
    if begun is None:
        return
    language, chat_id = begun
    svc = services(context)
    entries = [e for e in await svc.storage.entries.latest(20) if e.kind == "news"][:5]
    if not entries:
        await reply(update, context, texts.text(language, "latest_none"))
        return
    zone = await zone_of(context, chat_id)
    rendered = [
        render_batch_item(
            AlertView(
                e.entry_id, e.title, e.body, e.url, e.published_at or e.first_seen_at, (), (), ""
            ),
            zone,
            language,
        )
        for e in entries
    ]
    for message in split_messages(texts.text(language, "latest_header"), rendered):
        await reply(update, context, message)


def register(app: Application) -> None:  # type: ignore[type-arg]  # PTB's generics
    app.add_handler(command(["preview", "vorschau"], preview_command))
    app.add_handler(command(["latest", "neueste", "neu"], latest_command))
