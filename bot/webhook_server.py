"""The webhook listener: Telegram's POSTs of updates, refused cheaply when not Telegram's.

PTB's own listener (tornado) reads a whole request, up to 100 MB, before it looks at the
secret header: four 95 MB POSTs without it cost 554 MB of memory. This one checks the
path, the method, the secret (compared in constant time) and the declared length before
reading a byte of the body, never lingers to drain a refused body, and caps what it
reads at MAX_BODY (Telegram's updates are a few KB; a 4,096-character message with
entities stays far below).
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.ops_listen import local_url

log = logging.getLogger(__name__)

MAX_BODY = 1_000_000
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

Deliver = Callable[[dict[str, Any]], Awaitable[None]]


class WebhookServer:
    """POST /<path> with the secret header and a JSON update → `deliver(update)`."""

    def __init__(self, host: str, port: int, path: str, secret: str, deliver: Deliver) -> None:
        self.host, self.port = host, port
        self.path = "/" + path.lstrip("/")
        self._secret = secret.encode()
        self._deliver = deliver
        self._runner: web.AppRunner | None = None
        self.refused = 0  # requests answered 4xx (tests and logs)

    @property
    def url(self) -> str:
        return local_url(self.host, self.port) + self.path

    async def start(self) -> None:
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        # lingering_time=0: a refused request's body is not read and thrown away (aiohttp
        # would otherwise drain it for up to 10 s); the connection is closed instead.
        self._runner = web.AppRunner(app, access_log=None, lingering_time=0)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        self.port = int(self._runner.addresses[0][1])
        log.info("webhook listener on %s", local_url(self.host, self.port))

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def _refuse(self, status: int, reason: str) -> web.Response:
        self.refused += 1
        response = web.Response(status=status, text=reason)
        response.force_close()
        return response

    async def _handle(self, request: web.Request) -> web.Response:
        if request.path != self.path:
            return self._refuse(404, "not found")
        if request.method != "POST":
            return self._refuse(405, "POST only")
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            return self._refuse(403, "forbidden")
        if request.content_length is not None and request.content_length > MAX_BODY:
            return self._refuse(413, "too large")
        try:
            body = await request.read()  # client_max_size caps a body without a length too
            update = json.loads(body)
        except web.HTTPRequestEntityTooLarge:
            return self._refuse(413, "too large")
        except ValueError:
            return self._refuse(400, "not JSON")
        if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
            return self._refuse(400, "not an update")
        await self._deliver(update)
        return web.Response(text="ok")
