"""Wiring: the one place where settings, storage, handlers and jobs meet PTB."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from telegram import BotCommand, BotCommandScopeDefault
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder

from bot import texts
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.services import Services
from handlers import register_all
from handlers.context import CONTEXT_TYPES, BotData
from storage import open_storage

log = logging.getLogger(__name__)

AppType = Application[Any, Any, Any, Any, BotData, Any]


async def set_command_menus(app: AppType) -> None:
    """German menu for German clients, English for the rest (Telegram picks by language)."""
    for language in texts.LANGUAGES:
        commands = [
            BotCommand(name, desc) for name, desc in texts.command_descriptions(language).items()
        ]
        await app.bot.set_my_commands(
            commands, scope=BotCommandScopeDefault(), language_code=language
        )
    english = texts.command_descriptions("en")
    await app.bot.set_my_commands([BotCommand(n, d) for n, d in english.items()])


async def write_heartbeat(context: Any) -> None:
    """Touch the heartbeat file that `liveblog-alerts health` (the Docker HEALTHCHECK) reads."""
    touch_heartbeat(context.application.bot_data.services)


def touch_heartbeat(services: Services | None) -> None:
    if services is not None:
        # Wall-clock time on purpose: the health check compares it with the real clock.
        heartbeat_path(services.settings).write_text(SystemClock().now().isoformat())


def heartbeat_path(settings: Settings) -> Path:
    return settings.liveblog.db.with_name(settings.liveblog.db.name + ".heartbeat")


def build_application(settings: Settings, clock: Clock | None = None) -> AppType:
    """The bot, ready for run_polling() or the manual start used by tests and the demo."""
    the_clock = clock or SystemClock()

    async def post_init(app: AppType) -> None:
        storage = await open_storage(settings.liveblog.db)
        app.bot_data.services = Services(settings=settings, storage=storage, clock=the_clock)
        await set_command_menus(app)
        touch_heartbeat(app.bot_data.services)
        if app.job_queue is not None:
            app.job_queue.run_repeating(write_heartbeat, interval=30, first=30, name="heartbeat")
        log.info("bot ready as @%s", app.bot.username)

    async def post_shutdown(app: AppType) -> None:
        if app.bot_data.services is not None:
            await app.bot_data.services.storage.close()
            app.bot_data.services = None

    app: AppType = (
        ApplicationBuilder()
        .token(settings.telegram.bot_token.get_secret_value())
        .base_url(settings.telegram.base_url())
        .context_types(CONTEXT_TYPES)
        .rate_limiter(AIORateLimiter(max_retries=0))
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    register_all(app)
    return app
