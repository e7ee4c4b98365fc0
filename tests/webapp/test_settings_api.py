"""The settings page's API, driven the way the page drives it: real HTTP to the bot's own
server with init data that the stand-in signed as Telegram would."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.webapp.api import HEADER, MAX_BODY, REQUESTS_PER_MINUTE
from tests.delivery.world import World, berlin, world
from tests.helpers import messages

ANNA, BEN = 4301, 4302
WEBAPP = "https://bot.example.org/app"


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[World]:
    async with world(tmp_path, metrics_listen="127.0.0.1:0", webapp_url=WEBAPP) as it:
        yield it


class Page:
    """What the page's script does: every request carries the signed init data."""

    def __init__(self, w: World, init_data: str) -> None:
        server = w.app.bot_data.ops_server
        assert server is not None
        self.base = server.url + "/app/"
        self.headers = {HEADER: init_data}

    async def state(self) -> httpx.Response:
        async with httpx.AsyncClient() as client:
            return await client.get(self.base + "api/state", headers=self.headers)

    async def post(self, path: str, body: Any) -> httpx.Response:
        async with httpx.AsyncClient() as client:
            return await client.post(self.base + "api/" + path, json=body, headers=self.headers)


def now_s(w: World) -> int:
    """Telegram stamps init data with its time: here, the world's clock."""
    return int(w.clock.now().timestamp())


async def opened_by(w: World, user_id: int, **fields: Any) -> Page:
    launch = await w.reader.webapp_launch(user_id, auth_date=now_s(w), **fields)
    return Page(w, launch["init_data"])


async def test_the_menu_button_opens_the_page_and_the_page_is_served(w: World) -> None:
    menu = (await w.reader.state())["menu_buttons"]["default"]
    assert menu["type"] == "web_app"
    assert menu["web_app"]["url"] == WEBAPP + "/"
    page = await opened_by(w, ANNA)
    async with httpx.AsyncClient() as client:
        html = await client.get(page.base)
        script = await client.get(page.base + "app.js")
        missing = await client.get(page.base + "../healthz.js")
    assert html.status_code == 200
    assert "script-src 'self'" in html.headers["content-security-policy"]
    assert '<script src="app.js"' in html.text
    assert script.headers["content-type"].startswith("text/javascript")
    assert missing.status_code == 404


async def test_settings_changed_on_the_page_reach_the_database_and_the_chat(w: World) -> None:
    await w.reader.ask(ANNA, "/start", first_name="Anna", language_code="de")
    page = await opened_by(w, ANNA, first_name="Anna", language_code="de")
    state = (await page.state()).json()
    assert (state["mode"], state["language"], state["texts"]["title"]) == (
        "instant",
        "de",
        "Einstellungen",
    )

    assert (await page.post("change", {"op": "mode", "mode": "hourly"})).status_code == 200
    assert (await page.post("change", {"op": "digest", "time": "07:00"})).status_code == 200
    quiet = {"op": "quiet", "start": "23:00", "end": "07:00"}
    assert (await page.post("change", quiet)).status_code == 200
    zone = await page.post("change", {"op": "timezone", "timezone": "Europe/London"})
    assert zone.json()["timezone"] == "Europe/London"

    chat = await w.services.storage.chats.get(ANNA)
    assert chat is not None
    assert (chat.mode, chat.digest_time, chat.quiet_start, chat.quiet_end, chat.timezone) == (
        "hourly",
        "07:00",
        "23:00",
        "07:00",
        "Europe/London",
    )
    assert chat.next_digest_at is not None
    assert chat.next_digest_at.astimezone(chat.next_digest_at.tzinfo).tzinfo is not None
    [listing] = messages(await w.reader.ask(ANNA, "/abos", first_name="Anna"))
    assert "stündlich" in listing["text"]
    assert "07:00" in listing["text"]
    assert "Europe/London" in listing["text"]


async def test_a_topic_added_on_the_page_is_previewed_then_alerts(w: World) -> None:
    page = await opened_by(w, ANNA, language_code="de")
    preview = (await page.post("subscribe", {"query": "Drohnen"})).json()
    assert preview["topic"]
    assert await w.services.storage.subscriptions.for_chat(ANNA) == []  # a preview only
    added = await page.post("subscribe", {"query": "Drohnen", "confirm": True})
    assert added.status_code == 200
    [topic] = added.json()["topics"]
    assert added.json()["note"] == "Abonniert."

    urgent = await page.post("change", {"op": "urgent", "sub_id": topic["sub_id"], "urgent": True})
    assert urgent.json()["topics"][0]["urgent"] is True
    await w.step(berlin(4, 1, 30))
    alerts = messages(await w.reader.events(ANNA))
    assert alerts, "the topic added on the page brings alerts"

    removed = await page.post("change", {"op": "remove_topic", "sub_id": topic["sub_id"]})
    assert removed.json()["topics"] == []
    assert await w.services.storage.subscriptions.for_chat(ANNA) == []


async def test_the_page_speaks_the_readers_language(w: World) -> None:
    page = await opened_by(w, BEN, language_code="en", first_name="Ben")
    state = (await page.state()).json()
    assert (state["language"], state["texts"]["title"]) == ("en", "Settings")
    switched = await page.post("change", {"op": "language", "language": "de"})
    assert switched.json()["texts"]["title"] == "Einstellungen"
    bad = await page.post("change", {"op": "timezone", "timezone": "Mars/Olympus"})
    assert (bad.status_code, bad.json()["error"]) == (400, "Diese Zeitzone kenne ich nicht.")


async def test_forged_stale_or_missing_init_data_reaches_nothing(w: World) -> None:
    genuine = (await w.reader.webapp_launch(ANNA, auth_date=now_s(w)))["init_data"]
    forged = genuine.replace(f"%22id%22%3A{ANNA}", f"%22id%22%3A{BEN}")
    assert forged != genuine
    stale = await w.reader.webapp_launch(ANNA, auth_date=now_s(w) - 3 * 86_400)
    for init_data in ("", forged, stale["init_data"], "user=%7B%22id%22%3A1%7D&hash=00"):
        page = Page(w, init_data)
        assert (await page.state()).status_code == 401
        change = await page.post("change", {"op": "mode", "mode": "daily"})
        assert change.status_code == 401
    assert await w.services.storage.chats.get(BEN) is None


async def test_a_reader_reaches_only_their_own_topics(w: World) -> None:
    anna = await opened_by(w, ANNA)
    [topic] = (await anna.post("subscribe", {"query": "Kiew", "confirm": True})).json()["topics"]
    ben = await opened_by(w, BEN)
    for op in ({"op": "remove_topic"}, {"op": "urgent", "urgent": True}):
        refused = await ben.post("change", {**op, "sub_id": topic["sub_id"]})
        assert refused.status_code == 400
    [still] = await w.services.storage.subscriptions.for_chat(ANNA)
    assert (still.sub_id, still.urgent) == (topic["sub_id"], False)


async def test_bad_requests_get_clear_answers(w: World) -> None:
    page = await opened_by(w, ANNA)
    assert (await page.post("change", {"op": "drop_tables"})).status_code == 400
    assert (await page.post("change", ["not", "an", "object"])).status_code == 400
    assert (await page.post("change", {"op": "mode", "mode": "x" * 10_000})).status_code == 400
    assert (
        await page.post("change", {"op": "remove_topic", "sub_id": "1 OR 1=1"})
    ).status_code == 400
    assert (await page.post("change", {"op": "digest", "time": "25:99"})).status_code == 400
    big = await page.post("change", {"op": "mode", "pad": "x" * (MAX_BODY + 1)})
    assert big.status_code == 413
    assert (await page.post("subscribe", {"query": "   "})).status_code == 400


async def test_one_reader_cannot_flood_the_api(w: World) -> None:
    page = await opened_by(w, ANNA)
    codes = [(await page.state()).status_code for _ in range(REQUESTS_PER_MINUTE + 1)]
    assert codes[:REQUESTS_PER_MINUTE] == [200] * REQUESTS_PER_MINUTE
    assert codes[-1] == 429
    other = await opened_by(w, BEN)
    assert (await other.state()).status_code == 200


async def test_story_merging_is_switched_on_the_page(w: World) -> None:
    page = await opened_by(w, ANNA)
    assert (await page.state()).json()["merging"] is True
    off = await page.post("change", {"op": "merge", "on": False})
    assert off.json()["merging"] is False
    assert await w.services.storage.stories.merging(ANNA) is False
