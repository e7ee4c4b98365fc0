"""Typed access to the bot's services from handlers (PTB's ContextTypes)."""

from __future__ import annotations

from collections import deque
from typing import Any

from telegram.ext import CallbackContext, ContextTypes, ExtBot

from bot.services import Services


class BotData:
    """PTB creates this empty; post_init fills in the services."""

    def __init__(self) -> None:
        self.services: Services | None = None
        self.rate_windows: dict[int, deque[float]] = {}
        self.admin_cache: dict[tuple[int, int], tuple[bool, float]] = {}
        # Queries waiting for "subscribe anyway" (short token → (chat, query)); in memory
        # on purpose: after a restart the button says it expired.
        self.pending_queries: dict[str, tuple[int, str]] = {}

    def require(self) -> Services:
        if self.services is None:
            raise RuntimeError("services are not ready: post_init has not run")
        return self.services


Context = CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], BotData]
CONTEXT_TYPES = ContextTypes(context=CallbackContext, bot_data=BotData)


def services(context: Context) -> Services:
    return context.bot_data.require()
