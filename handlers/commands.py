"""How every command is registered: only new messages run a command.

PTB's CommandHandler also handles *edited* messages by default, so a reader who fixes
a typo in "/abo Kiew" would subscribe twice, and editing an old "/stopp" would delete
the chat again. Every command (German aliases included) goes through `command()`.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from telegram import Update
from telegram.ext import CommandHandler, filters

from handlers.context import Context

# Only `update.message`: not edited messages, not channel posts.
NEW_MESSAGES = filters.UpdateType.MESSAGE


def command(
    names: str | Sequence[str], callback: Callable[[Update, Context], Coroutine[Any, Any, None]]
) -> CommandHandler[Any, None]:
    return CommandHandler(names, callback, filters=NEW_MESSAGES)
