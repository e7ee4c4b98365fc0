"""Webhook delivery in the stand-in: after setWebhook, updates are POSTed to the bot.

Like Telegram: one update at a time, in order, with the X-Telegram-Bot-Api-Secret-Token
header when a secret was set; an update the bot does not answer with 2xx is tried again
(after a short pause) before the later ones; getUpdates answers 409 while a webhook is set.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import aiohttp

from bot.devserver.state import DevState

log = logging.getLogger(__name__)
RETRY_S = 0.2
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class WebhookPusher:
    def __init__(self, state: DevState) -> None:
        self.state = state
        self.url: str | None = None
        self.secret: str | None = None
        self._task: asyncio.Task[None] | None = None
        self.attempts = 0  # POSTs made (tests look at retries)

    async def set(self, url: str, secret: str | None) -> None:
        await self.stop()
        self.url, self.secret = url, secret
        self._task = asyncio.create_task(self._run(url, secret), name="devserver-webhook")

    async def stop(self) -> None:
        self.url = self.secret = None
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self, url: str, secret: str | None) -> None:
        headers = {SECRET_HEADER: secret} if secret else {}
        state = self.state
        timeout = aiohttp.ClientTimeout(total=10)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            while True:
                async with state.changed:
                    await state.changed.wait_for(lambda: bool(state.updates))
                    update = state.updates[0]
                if await self._post(session, url, headers, update):
                    async with state.changed:
                        if state.updates and state.updates[0] is update:
                            state.updates.pop(0)
                else:
                    await asyncio.sleep(RETRY_S)

    async def _post(
        self,
        session: aiohttp.ClientSession,
        url: str,
        headers: dict[str, str],
        update: dict[str, Any],
    ) -> bool:
        self.attempts += 1
        try:
            async with session.post(url, json=update, headers=headers) as response:
                return 200 <= response.status < 300
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.debug("webhook POST failed: %s", type(exc).__name__)
            return False
