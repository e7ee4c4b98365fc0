"""/sources and /stats for the operators named in LIVEBLOG_ADMIN_IDS.

Everyone else gets the ordinary "unknown command" answer: the commands do not exist
for them (readers switch sources with /quellen, a different view). An operator typing
one in a group gets a pointer to the private chat instead of the answer: the outbox,
failures and source health are not the group's to read.
"""

from __future__ import annotations

from datetime import timedelta

from telegram import Update
from telegram.ext import Application

from bot import texts
from bot.ops_report import MAX_LISTED, sources_text, stats_text
from bot.ops_sources import (
    add_source,
    parse_sources_args,
    pause_source,
    resume_source,
    valid_url,
)
from handlers.chat import guard, reply
from handlers.commands import command
from handlers.context import Context, services

FEEDBACK_DAYS = timedelta(days=7)  # readers' 👎 on alerts counted in /stats


async def _operator(update: Update, context: Context) -> str | None:
    """The chat's language when an operator asks; None after the unknown-command answer."""
    language = await guard(update, context)
    if language is None:
        return None
    user = update.effective_user
    if user is None or user.id not in services(context).settings.liveblog.admin_ids:
        await reply(update, context, texts.text(language, "unknown_command"))
        return None
    chat = update.effective_chat
    if chat is None or chat.type != "private":
        await reply(update, context, texts.text(language, "ops_private_only"))
        return None
    return language


async def stats_command(update: Update, context: Context) -> None:
    """The outbox by status, the oldest due alert's wait, send rate and failures."""
    language = await _operator(update, context)
    if language is None:
        return
    svc = services(context)
    now = svc.clock.now()
    # The counts the metrics refresh keeps: waiting alerts exact, finished ones counted at
    # most every few minutes (a /stats must not cost a scan of the whole outbox).
    counts = await svc.storage.alerts.outbox_counts(now)
    oldest = await svc.storage.alerts.oldest_due(now)
    subscriptions = len(svc.subscriptions.by_id)
    feedback = await svc.storage.feedback.counts_since(now - FEEDBACK_DAYS)
    await reply(
        update,
        context,
        stats_text(language, counts, oldest, now, svc.metrics, subscriptions, feedback),
    )


async def sources_command(update: Update, context: Context) -> None:
    """List the sources with their health; `add URL`, `pause ID`, `resume ID`."""
    language = await _operator(update, context)
    if language is None:
        return
    svc = services(context)
    action = parse_sources_args(list(context.args or []))
    if action.verb == "add" and action.url is not None:
        if not valid_url(action.url):
            answer = texts.text(language, "ops_source_bad_url", url=action.url[:200])
        else:
            record = await add_source(
                svc.storage,
                svc.sources,
                action.url,
                svc.settings.liveblog.poll_seconds,
                svc.clock.now(),
                action.name,
            )
            label = svc.sources.label(record.source_id, language)
            answer = texts.text(
                language, "ops_source_added", id=record.source_id, url=record.url, label=label
            )
    elif action.verb == "pause" and action.source_id is not None:
        paused = await pause_source(svc.storage, action.source_id)
        answer = (
            texts.text(language, "ops_source_unknown", id=action.source_id)
            if paused is None
            else texts.text(language, "ops_source_paused", id=action.source_id, count=paused)
        )
    elif action.verb == "resume" and action.source_id is not None:
        resumed = await resume_source(svc.storage, action.source_id)
        key = "ops_source_resumed" if resumed else "ops_source_unknown"
        answer = texts.text(language, key, id=action.source_id)
    elif action.verb == "list":
        found = await svc.storage.sources.overview(MAX_LISTED + 1)
        drifts = await svc.storage.drift.all()
        answer = sources_text(
            language, found[:MAX_LISTED], svc.sources, svc.zone, len(found) > MAX_LISTED, drifts
        )
    else:
        answer = texts.text(language, "ops_sources_usage")
    await reply(update, context, answer)


def register(app: Application) -> None:  # type: ignore[type-arg]  # PTB's generics
    app.add_handler(command(["stats", "status"], stats_command))
    app.add_handler(command("sources", sources_command))
