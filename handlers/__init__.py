"""Telegram command and button handlers: thin, one module per feature."""

from telegram.ext import Application

from handlers import errors, start


def register_all(app: Application) -> None:  # type: ignore[type-arg]  # PTB's generics
    """Every handler module registers itself; order matters only for the fallbacks."""
    start.register(app)
    errors.register(app)
