"""The bot's services, reachable from handlers and jobs through typed bot_data."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.config import Settings
from storage.interfaces import Storage


@dataclass
class Services:
    settings: Settings
    storage: Storage
    clock: Clock
