"""The operators' HTTP endpoint: /metrics (Prometheus text format) and /healthz.

A scrape reads no database: the outbox and source gauges come from `refresh`, run at
start and then every REFRESH_S by a task of the server's own (counting the outbox of a
big database took 284 ms, and scrapes may come as often as anyone likes).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.metrics import Metrics
from bot.ops_listen import local_url, parse_listen

log = logging.getLogger(__name__)

REFRESH_S = 15.0


class OpsServer:
    """Serves on the bot's own event loop; `refresh` reads the database's state."""

    def __init__(
        self,
        metrics: Metrics,
        refresh: Callable[[], Awaitable[None]],
        listen: str,
        routes: Sequence[Callable[[web.Application], None]] = (),
        refresh_s: float = REFRESH_S,
    ) -> None:
        self.metrics, self._refresh, self._routes = metrics, refresh, routes
        self.refresh_s = refresh_s
        self.host, self.port = parse_listen(listen)
        self._runner: web.AppRunner | None = None
        self._refresher: asyncio.Task[None] | None = None
        self.refreshes = 0  # database reads made for the gauges (tests)

    @property
    def url(self) -> str:
        return local_url(self.host, self.port)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/metrics", self._metrics)
        app.router.add_get("/healthz", self._healthz)
        for install in self._routes:  # the settings page, when configured
            install(app)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        self.port = int(self._runner.addresses[0][1])
        await self.refresh_now()
        self._refresher = asyncio.create_task(self._refresh_loop(), name="metrics-refresh")
        log.info("metrics and health at %s/metrics, %s/healthz", self.url, self.url)

    async def refresh_now(self) -> None:
        self.refreshes += 1
        try:
            await self._refresh()
        except Exception:  # counters are still worth serving when the database is down
            log.exception("could not read the outbox and sources for /metrics")

    async def _refresh_loop(self) -> None:
        while True:
            await asyncio.sleep(self.refresh_s)
            await self.refresh_now()

    async def stop(self) -> None:
        if self._refresher is not None:
            self._refresher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._refresher
            self._refresher = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _metrics(self, _request: web.Request) -> web.Response:
        self.metrics.scraped()
        body = generate_latest(self.metrics.registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def _healthz(self, _request: web.Request) -> web.Response:
        health = self.metrics.health()
        return web.json_response(
            {"ok": health.ok, "reason": health.reason}, status=200 if health.ok else 503
        )
