"""HTTP wiring of the stand-in: /bot<token>/<method> and /control/* on 127.0.0.1."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from aiohttp import web

from bot.devserver.api import ApiError, BotApi, decode_params, ok
from bot.devserver.control import EVENTS_PAGE, Control
from bot.devserver.limits import RateLimiter, RateLimits
from bot.devserver.state import DevState

log = logging.getLogger(__name__)
_TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
BOT_EVENT_KINDS = {"bot_message", "bot_edit", "bot_markup", "bot_delete", "callback_answer"}


class DevServer:
    """Start with `async with DevServer() as server:`; `server.api_url` is the base_url."""

    def __init__(
        self,
        limits: RateLimits | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        max_long_poll_s: float = 50.0,
        limits_clock: Callable[[], float] | None = None,
    ):
        self.state = DevState()
        self.limiter = RateLimiter(limits or RateLimits(), limits_clock)
        # Tests cap long polls so a stopping bot is not kept waiting for its last poll.
        self.api = BotApi(self.state, self.limiter, max_long_poll_s)
        self.control = Control(self.state)
        self.host, self.port = host, port
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/bot"

    def build_app(self) -> web.Application:
        app = web.Application(client_max_size=2 * 1024 * 1024)
        app.router.add_route("*", r"/bot{token}/{method}", self._bot_method)
        app.router.add_post("/control/message", self._c_message)
        app.router.add_post("/control/button", self._c_button)
        app.router.add_post("/control/migrate", self._c_migrate)
        app.router.add_post("/control/membership", self._c_membership)
        app.router.add_post("/control/faults", self._c_fault)
        app.router.add_delete("/control/faults", self._c_clear_faults)
        app.router.add_post("/control/admins", self._c_admins)
        app.router.add_get("/control/events", self._c_events)
        app.router.add_post("/control/wait", self._c_wait)
        app.router.add_get("/control/state", self._c_state)
        app.router.add_post("/control/webapp", self._c_webapp)
        app.router.add_post("/control/reaction", self._c_reaction)
        app.router.add_post("/control/topic", self._c_topic)
        return app

    async def start(self) -> str:
        self._runner = web.AppRunner(self.build_app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        return self.url

    async def stop(self) -> None:
        await self.api.webhook.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> DevServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _bot_method(self, request: web.Request) -> web.Response:
        if not _TOKEN.match(request.match_info["token"]):
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"]
        self.state.token = request.match_info["token"]
        if request.content_type == "application/json":
            raw: dict[str, Any] = await request.json()
        else:
            raw = {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
        params = decode_params({**dict(request.query), **raw})
        self.state.calls.append({"method": method, "params": params})
        try:
            return web.json_response(ok(await self.api.call(method, params)))
        except ApiError as exc:
            body: dict[str, Any] = {
                "ok": False,
                "error_code": exc.code,
                "description": exc.description,
            }
            if exc.parameters:
                body["parameters"] = exc.parameters
            chat = params.get("chat_id")
            if chat is not None and method.lower() != "getupdates":
                await self.state.add_event(
                    "error", int(chat), exc.description, data={"method": method, "code": exc.code}
                )
            return web.json_response(body, status=exc.code)

    async def _c_message(self, request: web.Request) -> web.Response:
        return web.json_response(await self.control.message(await request.json()))

    async def _c_button(self, request: web.Request) -> web.Response:
        return web.json_response(await self.control.button(await request.json()))

    async def _c_migrate(self, request: web.Request) -> web.Response:
        return web.json_response(await self.control.migrate(await request.json()))

    async def _c_membership(self, request: web.Request) -> web.Response:
        try:
            update = await self.control.membership(await request.json())
        except (ValueError, KeyError) as exc:
            return web.json_response({"ok": False, "error": str(exc)}, status=400)
        return web.json_response(update)

    async def _c_fault(self, request: web.Request) -> web.Response:
        try:
            self.control.add_fault(await request.json())
        except (ValueError, KeyError) as exc:
            return web.json_response({"ok": False, "error": str(exc)}, status=400)
        return web.json_response({"ok": True})

    async def _c_clear_faults(self, request: web.Request) -> web.Response:
        self.state.faults.clear()
        return web.json_response({"ok": True})

    async def _c_admins(self, request: web.Request) -> web.Response:
        self.control.set_admins(await request.json())
        return web.json_response({"ok": True})

    async def _c_events(self, request: web.Request) -> web.Response:
        chat = request.query.get("chat_id")
        after = int(request.query.get("after", "0"))
        limit = max(1, min(int(request.query.get("limit", EVENTS_PAGE)), EVENTS_PAGE))
        return web.json_response(self.control.events(int(chat) if chat else None, after, limit))

    async def _c_wait(self, request: web.Request) -> web.Response:
        body = await request.json()
        chat = body.get("chat_id")
        events = await self.control.wait(
            int(chat) if chat is not None else None,
            set(body.get("kinds") or BOT_EVENT_KINDS),
            int(body.get("count", 1)),
            int(body.get("after", 0)),
            min(float(body.get("timeout", 10.0)), 120.0),
        )
        return web.json_response(events)

    async def _c_topic(self, request: web.Request) -> web.Response:
        try:
            return web.json_response(self.control.topic(await request.json()))
        except (KeyError, ValueError) as exc:
            return web.json_response({"ok": False, "description": str(exc)}, status=400)

    async def _c_reaction(self, request: web.Request) -> web.Response:
        try:
            return web.json_response(await self.control.reaction(await request.json()))
        except (KeyError, ValueError) as exc:
            return web.json_response({"ok": False, "description": str(exc)}, status=400)

    async def _c_webapp(self, request: web.Request) -> web.Response:
        try:
            return web.json_response(self.control.webapp_launch(await request.json()))
        except ValueError as exc:
            return web.json_response({"ok": False, "description": str(exc)}, status=400)

    async def _c_state(self, request: web.Request) -> web.Response:
        return web.json_response(
            {
                "stats": self.state.stats,
                "commands": self.state.commands,
                "menu_buttons": self.state.menu_buttons,
                "answered_callbacks": self.state.answered_callbacks,
                "calls": len(self.state.calls),
            }
        )
