"""A local HTTP server for source tests: ETags, redirects, huge and stalled responses."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from aiohttp import web


@dataclass
class Page:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)  # e.g. Content-Encoding


@dataclass
class SourceServer:
    pages: dict[str, Page] = field(default_factory=dict)
    hits: dict[str, int] = field(default_factory=dict)
    release: asyncio.Event = field(default_factory=asyncio.Event)
    url: str = ""
    stalled: asyncio.Queue[str] = field(default_factory=asyncio.Queue)  # one per /stall request
    in_flight: int = 0  # /stall requests being held
    max_in_flight: int = 0

    def set(
        self,
        path: str,
        body: bytes,
        content_type: str = "text/html; charset=utf-8",
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> str:
        self.pages[path] = Page(body, content_type, status, dict(headers or {}))
        return self.url + path

    async def handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        self.hits[path] = self.hits.get(path, 0) + 1
        if path.startswith("/redirect/"):
            remaining = int(path.rsplit("/", 1)[1])
            target = "/page" if remaining == 0 else f"/redirect/{remaining - 1}"
            raise web.HTTPFound(target)
        if path == "/stall":
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self.stalled.put_nowait(request.path_qs)
            try:
                await self.release.wait()  # an event, not a sleep: the test decides
            finally:
                self.in_flight -= 1
            return web.Response(text="late")
        if path == "/huge-declared":
            return web.Response(body=b"x" * 10, headers={"Content-Length": "60000000"})
        if path == "/huge-stream":
            response = web.StreamResponse()
            await response.prepare(request)
            for _ in range(64):
                await response.write(b"y" * 100_000)
            await response.write_eof()
            return response
        page = self.pages.get(path)
        if page is None:
            return web.Response(status=404)
        etag = '"' + hashlib.sha1(page.body).hexdigest()[:12] + '"'
        modified = "Mon, 04 Nov 2024 22:36:00 GMT"
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(
            body=page.body,
            status=page.status,
            content_type=None,
            headers={
                "Content-Type": page.content_type,
                "ETag": etag,
                "Last-Modified": modified,
                **page.headers,
            },
        )


@asynccontextmanager
async def source_server() -> AsyncIterator[SourceServer]:
    server = SourceServer()
    app = web.Application()
    app.router.add_route("GET", "/{tail:.*}", server.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        yield server
    finally:
        server.release.set()
        await runner.cleanup()
