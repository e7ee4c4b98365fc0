"""The settings page's JSON API: every request proves its reader with signed init data.

The page sends Telegram's `initData` in a header with every request; the user id inside
it, once the signature checks out, is the private chat whose settings are read and
changed. Nothing else in a request can name a chat, so a reader can only ever reach
their own settings. Requests are small and few: bodies over 16 KB are refused unread,
and each reader gets a bounded number of requests a minute.
"""

from __future__ import annotations

import json
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from aiohttp import web

from bot import texts
from bot.bounded import BoundedDict
from bot.chat_settings import MODES, SettingError
from bot.reader_settings import (
    DIGEST_TIMES,
    LIKELY_ZONES,
    QUIET_PRESETS,
    ReaderSettings,
    SettingsView,
)
from bot.services import Services
from bot.webapp.initdata import InitDataError, WebAppUser, validate
from bot.webapp.page_texts import page_texts

log = logging.getLogger(__name__)

HEADER = "X-Telegram-Init-Data"
MAX_BODY = 16 * 1024
MAX_QUERY = 200  # a topic typed on the page: the same bound as in chat
REQUESTS_PER_MINUTE = 60
PREVIEW_ITEMS = 3

Handler = Callable[[ReaderSettings, int, dict[str, Any]], Awaitable[str | None]]


class SettingsApi:
    """/app/api/state (GET) and /app/api/change (POST) for the reader who opened the page."""

    def __init__(
        self, services: Callable[[], Services | None], token: str, max_age: timedelta
    ) -> None:
        self._services, self._token, self._max_age = services, token, max_age
        # Each reader's latest request times (at most a minute's allowance); at most
        # 10,000 readers remembered at once.
        self._recent: BoundedDict[int, deque[datetime]] = BoundedDict(10_000, ttl_s=120)
        self._ops: dict[str, Handler] = {
            "mode": _mode,
            "topic_mode": _topic_mode,
            "urgent": _urgent,
            "remove_topic": _remove_topic,
            "quiet": _quiet,
            "digest": _digest,
            "timezone": _timezone,
            "language": _language,
            "source": _source,
            "merge": _merge,
        }

    def install(self, app: web.Application) -> None:
        app.router.add_get("/app/api/state", self.state)
        app.router.add_post("/app/api/change", self.change)
        app.router.add_post("/app/api/subscribe", self.subscribe)

    # ------------------------------------------------------------------ plumbing
    async def _reader(self, request: web.Request) -> tuple[Services, WebAppUser]:
        svc = self._services()
        if svc is None:
            raise web.HTTPServiceUnavailable(text="starting")
        try:
            user = validate(
                request.headers.get(HEADER, ""), self._token, svc.clock.now(), self._max_age
            )
        except InitDataError as exc:
            raise web.HTTPUnauthorized(text=exc.reason) from exc
        self._spend(user.user_id, svc.clock.now())
        chat = await svc.storage.chats.get(user.user_id)
        if chat is None:  # opened before the reader ever wrote to the bot
            language = texts.pick_language(user.language_code)
            await svc.storage.chats.upsert(user.user_id, "private", None, language, svc.clock.now())
        return svc, user

    def _spend(self, user_id: int, now: datetime) -> None:
        recent = self._recent.get(user_id) or deque(maxlen=REQUESTS_PER_MINUTE)
        if len(recent) == REQUESTS_PER_MINUTE and now - recent[0] < timedelta(minutes=1):
            raise web.HTTPTooManyRequests(text="slow down")
        recent.append(now)
        self._recent.set(user_id, recent)

    async def _body(self, request: web.Request) -> dict[str, Any]:
        if request.content_length is None or request.content_length > MAX_BODY:
            raise web.HTTPRequestEntityTooLarge(
                max_size=MAX_BODY, actual_size=request.content_length or 0
            )
        try:
            body = json.loads(await request.content.read(MAX_BODY))
        except (ValueError, UnicodeDecodeError) as exc:
            raise web.HTTPBadRequest(text="not JSON") from exc
        if not isinstance(body, dict):
            raise web.HTTPBadRequest(text="not an object")
        return body

    async def _state(
        self, settings: ReaderSettings, chat_id: int, note: str | None = None
    ) -> web.Response:
        language = (await settings.chat(chat_id)).language
        view = await settings.view(chat_id, language)
        return web.json_response(_state_json(view, language, note))

    # ------------------------------------------------------------------ endpoints
    async def state(self, request: web.Request) -> web.Response:
        svc, user = await self._reader(request)
        return await self._state(ReaderSettings(svc), user.user_id)

    async def change(self, request: web.Request) -> web.Response:
        svc, user = await self._reader(request)
        body = await self._body(request)
        handler = self._ops.get(str(body.get("op", "")))
        if handler is None:
            raise web.HTTPBadRequest(text="unknown op")
        settings = ReaderSettings(svc)
        language = (await settings.chat(user.user_id)).language
        try:
            note = await handler(settings, user.user_id, body)
        except (SettingError, ValueError, TypeError, KeyError) as exc:
            code = exc.code if isinstance(exc, SettingError) else "bad_value"
            return web.json_response(
                {
                    "error": page_texts(language).get(
                        f"error_{code}", page_texts(language)["error_bad_value"]
                    )
                },
                status=400,
            )
        return await self._state(settings, user.user_id, note)

    async def subscribe(self, request: web.Request) -> web.Response:
        """{"query": …, "confirm": false} previews; "confirm": true subscribes."""
        svc, user = await self._reader(request)
        body = await self._body(request)
        query = str(body.get("query", "")).strip()[:MAX_QUERY]
        settings = ReaderSettings(svc)
        language = (await settings.chat(user.user_id)).language
        words = page_texts(language)
        if not query:
            return web.json_response({"error": words["error_empty_query"]}, status=400)
        if not body.get("confirm"):
            try:
                resolved, items = await svc.subscriptions.preview(query, PREVIEW_ITEMS)
            except ValueError:
                return web.json_response({"error": words["error_bad_query"]}, status=400)
            return web.json_response(
                {
                    "topic": svc.subscriptions.display_name(resolved, language),
                    "recent": [(item.entry.title or item.entry.body)[:160] for item in items],
                }
            )
        outcome = await svc.subscriptions.subscribe(user.user_id, query, True, language)
        if outcome.status not in {"added", "exists"}:
            key = "error_limit" if outcome.status == "limit" else "error_bad_query"
            return web.json_response({"error": words[key]}, status=400)
        return await self._state(settings, user.user_id, words[f"topic_{outcome.status}"])


def _state_json(view: SettingsView, language: str, note: str | None) -> dict[str, Any]:
    chat = view.chat
    quiet = {"start": chat.quiet_start, "end": chat.quiet_end} if chat.quiet_start else None
    return {
        "language": language,
        "mode": chat.mode,
        "quiet": quiet,
        "digest_time": chat.digest_time,
        "timezone": view.zone.key,
        "topics": [asdict(topic) for topic in view.topics],
        "sources": [asdict(source) for source in view.sources],
        "merging": view.merging,
        "choices": {
            "modes": list(MODES),
            "quiet": [{"start": s, "end": e} for s, e in QUIET_PRESETS],
            "digest_times": list(DIGEST_TIMES),
            "timezones": list(dict.fromkeys((view.zone.key, *LIKELY_ZONES))),
            "languages": list(texts.LANGUAGES),
        },
        "texts": page_texts(language),
        "note": note,
    }


def _text(body: dict[str, Any], key: str, limit: int = 64) -> str:
    value = body.get(key)
    if not isinstance(value, str) or len(value) > limit:
        raise SettingError("bad_value")
    return value


def _sub_id(body: dict[str, Any]) -> int:
    value = body.get("sub_id")
    if not isinstance(value, int) or isinstance(value, bool):
        raise SettingError("no_topic")
    return value


async def _mode(settings: ReaderSettings, chat_id: int, body: dict[str, Any]) -> str | None:
    digest = await settings.set_mode(chat_id, _text(body, "mode"))
    language = (await settings.chat(chat_id)).language
    return page_texts(language)["note_daily"].format(time=digest) if digest else None


async def _topic_mode(settings: ReaderSettings, chat_id: int, body: dict[str, Any]) -> None:
    mode = body.get("mode")
    await settings.set_topic_mode(
        chat_id, _sub_id(body), None if mode is None else _text(body, "mode")
    )


async def _urgent(settings: ReaderSettings, chat_id: int, body: dict[str, Any]) -> None:
    await settings.set_urgent(chat_id, _sub_id(body), bool(body.get("urgent")))


async def _remove_topic(settings: ReaderSettings, chat_id: int, body: dict[str, Any]) -> None:
    await settings.remove_topic(chat_id, _sub_id(body))


async def _quiet(settings: ReaderSettings, chat_id: int, body: dict[str, Any]) -> None:
    if body.get("start") is None:
        await settings.set_quiet(chat_id, None)
    else:
        await settings.set_quiet(chat_id, (_text(body, "start", 8), _text(body, "end", 8)))


async def _digest(settings: ReaderSettings, chat_id: int, body: dict[str, Any]) -> None:
    at = body.get("time")
    await settings.set_digest(chat_id, None if at is None else _text(body, "time", 8))


async def _timezone(settings: ReaderSettings, chat_id: int, body: dict[str, Any]) -> None:
    await settings.set_timezone(chat_id, _text(body, "timezone"))


async def _language(settings: ReaderSettings, chat_id: int, body: dict[str, Any]) -> None:
    await settings.set_language(chat_id, _text(body, "language", 5))


async def _source(settings: ReaderSettings, chat_id: int, body: dict[str, Any]) -> None:
    await settings.set_source(chat_id, _text(body, "source", 100), bool(body.get("on")))


async def _merge(settings: ReaderSettings, chat_id: int, body: dict[str, Any]) -> None:
    await settings.set_merging(chat_id, bool(body.get("on")))
