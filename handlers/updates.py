"""Updates of different chats run concurrently; one chat's updates stay in order.

PTB handles updates one after another by default: a reader whose command waits on a
slow database query, a worker thread or flood control held up every other chat's
/start. With plain `concurrent_updates`, a chat's own updates could overtake each
other ("/abo Kiew" answered after the "/abos" typed next). This processor gives each
chat a FIFO lock and runs different chats side by side.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

MAX_CONCURRENT_UPDATES = 256


class PerChatOrder(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        # chat id → (lock, updates holding or waiting for it); an entry lives only while
        # one of its chat's updates is in progress, so the map never outgrows the work.
        self._chats: dict[int, tuple[asyncio.Lock, int]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        lock, users = self._chats.get(chat.id) or (asyncio.Lock(), 0)
        self._chats[chat.id] = (lock, users + 1)
        try:
            async with lock:
                await coroutine
        finally:
            lock, users = self._chats[chat.id]
            if users <= 1:
                del self._chats[chat.id]
            else:
                self._chats[chat.id] = (lock, users - 1)

    async def initialize(self) -> None:
        """Nothing to allocate."""

    async def shutdown(self) -> None:
        """Nothing to free."""
