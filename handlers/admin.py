"""/stats for the operators named in LIVEBLOG_ADMIN_IDS: sources' health, the outbox."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application

from bot import texts
from bot.delivery.render import esc
from handlers.chat import guard, reply
from handlers.commands import command
from handlers.context import Context, services


async def stats_command(update: Update, context: Context) -> None:
    """Source health and alert counts; only for configured admin ids."""
    language = await guard(update, context)
    user = update.effective_user
    if language is None:
        return
    svc = services(context)
    if user is None or user.id not in svc.settings.liveblog.admin_ids:
        await reply(update, context, texts.text(language, "unknown_command"))
        return
    lines = ["<b>Sources</b>"]
    for source in await svc.storage.sources.list_active():
        state = (
            "ok" if not source.consecutive_failures else f"{source.consecutive_failures}× failed"
        )
        last = source.last_success_at.strftime("%d.%m. %H:%M") if source.last_success_at else "–"
        lines.append(f"• {esc(source.name or source.url)} – {state}, last success {last}")
        if source.consecutive_failures and source.last_error:
            lines.append(f"  <i>{esc(source.last_error[:200])}</i>")
    counts = await svc.storage.alerts.status_counts()
    lines.append("")
    lines.append(
        "<b>Alerts</b>: " + (", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none")
    )
    lines.append(f"<b>Subscriptions</b>: {len(svc.subscriptions.by_id)} active")
    await reply(update, context, "\n".join(lines))


def register(app: Application) -> None:  # type: ignore[type-arg]  # PTB's generics
    app.add_handler(command(["stats", "status"], stats_command))
