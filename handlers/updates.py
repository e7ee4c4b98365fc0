"""Updates of different chats run concurrently; one chat's updates stay in order.

PTB handles updates one after another by default: a reader whose command waits on a
slow database query, a worker thread or flood control held up every other chat's
/start. With plain `concurrent_updates`, a chat's own updates could overtake each
other ("/abo Kiew" answered after the "/abos" typed next). This processor gives each
chat a FIFO lock and runs different chats side by side.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger(__name__)

MAX_CONCURRENT_UPDATES = 256
# Updates of one chat waiting their turn. A chat with more is flooding: what it sends
# beyond this would only meet the 20-a-minute rate limit, and waiting here it would hold
# the slots (MAX_CONCURRENT_UPDATES) every other chat needs.
MAX_WAITING_PER_CHAT = 50


class PerChatOrder(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        # chat id → (lock, updates holding or waiting for it); an entry lives only while
        # one of its chat's updates is in progress, so the map never outgrows the work.
        self._chats: dict[int, tuple[asyncio.Lock, int]] = {}
        self.dropped = 0

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        lock, users = self._chats.get(chat.id) or (asyncio.Lock(), 0)
        if users >= MAX_WAITING_PER_CHAT:
            if inspect.iscoroutine(coroutine):
                coroutine.close()  # never started: nothing to clean up
            self.dropped += 1
            if self.dropped % 1000 == 1:
                log.warning(
                    "chat %s floods the bot: %d updates dropped so far", chat.id, self.dropped
                )
            return
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
