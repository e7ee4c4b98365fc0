"""The stand-in answers like Telegram: shapes, limits, faults, long polling."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from bot.devserver import DevServer
from bot.devserver.client import ChatDriver
from bot.devserver.html_check import EntityParseError, visible_text
from bot.devserver.limits import RateLimits

TOKEN = "42:abc"


async def call(server: DevServer, method: str, **params: Any) -> httpx.Response:
    form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    async with httpx.AsyncClient() as client:
        return await client.post(f"{server.api_url}{TOKEN}/{method}", data=form)


async def test_get_me_and_bad_token(devserver: DevServer) -> None:
    response = await call(devserver, "getMe")
    assert response.json()["result"]["is_bot"] is True
    async with httpx.AsyncClient() as client:
        bad = await client.post(f"{devserver.api_url}not-a-token/getMe")
    assert bad.status_code == 401


async def test_send_message_limits(devserver: DevServer) -> None:
    assert (await call(devserver, "sendMessage", chat_id=7, text="x" * 4096)).status_code == 200
    too_long = await call(devserver, "sendMessage", chat_id=8, text="x" * 4097)
    assert too_long.json()["description"] == "Bad Request: message is too long"
    markup = {"inline_keyboard": [[{"text": "b", "callback_data": "d" * 65}]]}
    bad_button = await call(devserver, "sendMessage", chat_id=9, text="hi", reply_markup=markup)
    assert bad_button.json()["description"] == "Bad Request: BUTTON_DATA_INVALID"


async def test_html_is_parsed_like_telegram(devserver: DevServer) -> None:
    good = await call(
        devserver, "sendMessage", chat_id=7, text="<b>a &amp; b</b>", parse_mode="HTML"
    )
    assert good.json()["result"]["text"] == "a & b"
    bad = await call(devserver, "sendMessage", chat_id=7, text="<div>x</div>", parse_mode="HTML")
    assert bad.status_code == 400
    assert "can't parse entities" in bad.json()["description"]


@pytest.mark.parametrize("markup", ["<b>open", "a < b", "<i>x</b>", "fish & chips", "<a>x</a>"])
def test_broken_html_is_rejected(markup: str) -> None:
    with pytest.raises(EntityParseError):
        visible_text(markup)


async def test_private_chat_rate_limit_answers_429() -> None:
    async with DevServer(RateLimits(private_burst=1)) as server:
        first = await call(server, "sendMessage", chat_id=5, text="one")
        second = await call(server, "sendMessage", chat_id=5, text="two")
        other_chat = await call(server, "sendMessage", chat_id=6, text="one")
    assert first.status_code == 200
    assert second.status_code == 429
    assert second.json()["parameters"]["retry_after"] >= 1
    assert other_chat.status_code == 200


async def test_group_limit_is_20_per_minute() -> None:
    async with DevServer() as server, ChatDriver(server.url) as driver:
        await driver.say(-100, "hello", chat_type="group")
        codes = [
            (await call(server, "sendMessage", chat_id=-100, text=str(i))).status_code
            for i in range(21)
        ]
    assert codes[:20] == [200] * 20
    assert codes[20] == 429


async def test_faults_are_answered_then_cleared(devserver: DevServer, reader: ChatDriver) -> None:
    await reader.fault("retry_after", method="sendMessage", chat_id=3, retry_after=7)
    await reader.fault("blocked", method="sendMessage", chat_id=4)
    limited = await call(devserver, "sendMessage", chat_id=3, text="x")
    assert limited.status_code == 429
    assert limited.json()["parameters"]["retry_after"] == 7
    assert (await call(devserver, "sendMessage", chat_id=3, text="x")).status_code == 200
    blocked = await call(devserver, "sendMessage", chat_id=4, text="x")
    assert blocked.json()["description"] == "Forbidden: bot was blocked by the user"


async def test_migrated_group_answers_with_new_id(devserver: DevServer, reader: ChatDriver) -> None:
    await reader.say(-300, "hi", chat_type="group")
    await reader.migrate(-300, -100300)
    old = await call(devserver, "sendMessage", chat_id=-300, text="x")
    assert old.json()["parameters"]["migrate_to_chat_id"] == -100300
    assert (await call(devserver, "sendMessage", chat_id=-100300, text="x")).status_code == 200


async def test_get_updates_long_polls_and_confirms(
    devserver: DevServer, reader: ChatDriver
) -> None:
    waiting = asyncio.create_task(call(devserver, "getUpdates", timeout=5, offset=0))
    await asyncio.sleep(0)  # let the poll start: the stand-in must wake it, not its timeout
    await reader.say(11, "/start")
    updates = (await waiting).json()["result"]
    assert updates[0]["message"]["entities"][0]["type"] == "bot_command"
    confirmed = await call(devserver, "getUpdates", offset=updates[-1]["update_id"] + 1)
    assert confirmed.json()["result"] == []


async def test_edit_not_modified(devserver: DevServer) -> None:
    sent = (await call(devserver, "sendMessage", chat_id=12, text="same")).json()["result"]
    again = await call(
        devserver, "editMessageText", chat_id=12, message_id=sent["message_id"], text="same"
    )
    assert "message is not modified" in again.json()["description"]
    changed = await call(
        devserver, "editMessageText", chat_id=12, message_id=sent["message_id"], text="new"
    )
    assert changed.json()["result"]["text"] == "new"


async def test_texts_that_look_like_json_stay_text(devserver: DevServer) -> None:
    for chat_id, text in enumerate(("true", "123", "null", "[1]"), 20):
        sent = (await call(devserver, "sendMessage", chat_id=chat_id, text=text)).json()["result"]
        assert sent["text"] == text
