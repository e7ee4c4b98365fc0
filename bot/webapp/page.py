"""Serving the settings page's three static files with headers that keep it to itself."""

from __future__ import annotations

from importlib import resources

from aiohttp import web

_TYPES = {
    "index.html": "text/html; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "app.css": "text/css; charset=utf-8",
}
# Only our own script and styles run; the page talks only to its own server; only
# Telegram's web clients may frame it.
_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        "img-src 'self' data:; base-uri 'none'; form-action 'none'; "
        "frame-ancestors https://web.telegram.org https://*.telegram.org"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


def install(app: web.Application) -> None:
    folder = resources.files("bot") / "webapp" / "static"
    files = {name: (folder / name).read_bytes() for name in _TYPES}

    def serve(name: str) -> web.Response:
        return web.Response(body=files[name], headers={**_HEADERS, "Content-Type": _TYPES[name]})

    async def index(_request: web.Request) -> web.Response:
        return serve("index.html")

    async def redirect(_request: web.Request) -> web.Response:
        raise web.HTTPPermanentRedirect("/app/")

    async def asset(request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in _TYPES or name == "index.html":
            raise web.HTTPNotFound()
        return serve(name)

    app.router.add_get("/app", redirect)
    app.router.add_get("/app/", index)
    app.router.add_get("/app/{name}", asset)
