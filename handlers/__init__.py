"""Telegram command and button handlers: thin, one module per feature."""

from telegram.ext import Application

from handlers import (
    admin,
    alert_actions,
    buttons,
    digest,
    errors,
    feeds,
    forum,
    membership,
    plain_text,
    preview,
    settings,
    settings_menu,
    start,
    stop,
    stories,
    subscribe,
    topic_menu,
    topics,
    unsubscribe_undo,
)


def register_all(app: Application) -> None:  # type: ignore[type-arg]  # PTB's generics
    """Every feature module registers itself; the fallbacks (errors) come last."""
    for module in (
        start,
        topics,
        subscribe,
        topic_menu,
        unsubscribe_undo,
        feeds,
        preview,
        settings,
        stories,
        settings_menu,
        digest,
        forum,
        stop,
        membership,
        admin,
        alert_actions,
        buttons,
        plain_text,
    ):
        module.register(app)
    errors.register(app)
