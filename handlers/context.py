"""Typed access to the bot's services from handlers (PTB's ContextTypes)."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Hashable
from typing import Any

from telegram.ext import CallbackContext, ContextTypes, ExtBot

from bot.bounded import BoundedDict
from bot.ops_server import OpsServer
from bot.services import Services

# One key per user (or anonymous sender) ever seen must not accumulate: both maps are
# bounded; a forgotten key only means a fresh window or one more getChatMember call.
RATE_WINDOW_S = 60.0
ADMIN_CACHE_S = 300.0
MAX_TRACKED = 10_000


class BotData:
    """PTB creates this empty; post_init fills in the services."""

    def __init__(self) -> None:
        self.services: Services | None = None
        self.ops_server: OpsServer | None = None  # /metrics and /healthz, when configured
        # Set when the process must end with this code (bot/ticks.py: unhealthy too long);
        # a deliver worker's runner stops on `stop`, run_polling/run_webhook on stop_running.
        self.exit_code = 0
        self.stop: asyncio.Event | None = None
        self.rate_windows: BoundedDict[Hashable, deque[float]] = BoundedDict(
            MAX_TRACKED, RATE_WINDOW_S
        )
        self.admin_cache: BoundedDict[tuple[int, int], bool] = BoundedDict(
            MAX_TRACKED, ADMIN_CACHE_S
        )

    def require(self) -> Services:
        if self.services is None:
            raise RuntimeError("services are not ready: post_init has not run")
        return self.services


Context = CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], BotData]
CONTEXT_TYPES = ContextTypes(context=CallbackContext, bot_data=BotData)


def services(context: Context) -> Services:
    return context.bot_data.require()
