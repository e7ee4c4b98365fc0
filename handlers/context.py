"""Typed access to the bot's services from handlers (PTB's ContextTypes)."""

from __future__ import annotations

from typing import Any

from telegram.ext import CallbackContext, ContextTypes, ExtBot

from bot.services import Services


class BotData:
    """PTB creates this empty; post_init fills in the services."""

    services: Services | None = None

    def require(self) -> Services:
        if self.services is None:
            raise RuntimeError("services are not ready: post_init has not run")
        return self.services


Context = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]
CONTEXT_TYPES = ContextTypes(context=CallbackContext, bot_data=BotData)


def services(context: Context) -> Services:
    return context.bot_data.require()
