"""The bot as a real process, DEBUG logging on, through a session with buttons, operator
commands, flood control and a blocked chat, by long polling and by webhook: the token
(and the webhook secret) appear nowhere in what it wrote."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx

from bot.devserver import DevServer
from bot.devserver.client import ChatDriver

TOKEN = "987654:SECRET-token-that-must-never-leak_42"
SECRET = "webhook-secret-that-must-never-leak"
ADMIN, BLOCKED = 4401, 4402
DE = {"first_name": "Olga", "language_code": "de"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@asynccontextmanager
async def bot_process(
    tmp_path: Path, server: DevServer, *args: str, **extra: str
) -> AsyncIterator[None]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "LIVEBLOG_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=server.api_url,
        TELEGRAM_WEBHOOK_SECRET=SECRET,
        LIVEBLOG_DB=str(tmp_path / "bot.sqlite3"),
        LIVEBLOG_SOURCES="",  # nothing from the internet
        LIVEBLOG_LOG_LEVEL="DEBUG",
        LIVEBLOG_ADMIN_IDS=str(ADMIN),
        **extra,
    )
    with (tmp_path / "stdout").open("wb") as out, (tmp_path / "stderr").open("wb") as err:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", *args, cwd=tmp_path, env=env, stdout=out, stderr=err
        )
        try:
            yield
        finally:
            process.terminate()
            await asyncio.wait_for(process.wait(), 20)


async def reply(reader: ChatDriver, chat: int, text: str, wait_s: float = 10) -> str:
    """The bot's next message after `text` (button answers and edits left aside)."""
    events = await reader.events()
    mark = events[-1]["seq"] if events else 0
    await reader.say(chat, text, **DE)
    [message] = await reader.wait_for(chat, 1, after=mark, kinds=["bot_message"], wait_s=wait_s)
    return str(message["text"])


async def session(reader: ChatDriver) -> None:
    [welcome] = await reader.ask(ADMIN, "/start", wait_s=30, **DE)
    assert "Willkommen" in welcome["text"]
    [topics] = await reader.ask(ADMIN, "/themen", **DE)
    button = topics["data"]["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    assert await reader.click(ADMIN, topics["message_id"], button, **DE)
    assert "Drohnen" in await reply(reader, ADMIN, "/abo Drohnen")
    # Flood control on a reply (PTB retries it), then a reader who blocked the bot.
    await reader.fault("retry_after", method="sendMessage", chat_id=ADMIN, retry_after=1)
    assert "Drohnen" in await reply(reader, ADMIN, "/abos")
    await reader.fault("blocked", method="sendMessage", chat_id=BLOCKED)
    await reader.say(BLOCKED, "/start", **DE)
    await reader.wait_for(BLOCKED, 1, kinds=["error"], wait_s=10)
    assert "Quelle" in await reply(reader, ADMIN, "/sources add http://127.0.0.1:9/liveblog")
    assert "Ausgang" in await reply(reader, ADMIN, "/stats")


def assert_no_secret(tmp_path: Path) -> None:
    written = {p.name: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert b"DEBUG" in written["stderr"]  # the debug log really was on
    for name, content in written.items():
        for secret in (TOKEN, TOKEN.split(":")[1], SECRET):
            assert secret.encode() not in content, f"{secret!r} in {name}"


async def test_polling_session_never_writes_the_token(tmp_path: Path) -> None:
    async with (
        DevServer(max_long_poll_s=0.5) as server,
        ChatDriver(server.url) as reader,
        bot_process(tmp_path, server, LIVEBLOG_LOG_JSON="true"),
    ):
        await session(reader)
    assert_no_secret(tmp_path)
    lines = (tmp_path / "stderr").read_text().splitlines()
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    assert {"DEBUG", "INFO"} <= {r["level"] for r in records}
    assert {"time", "level", "logger", "message"} <= set(records[0])


async def test_webhook_session_checks_the_secret_and_never_writes_it(tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram-updates"
    webhook = ("--webhook", url, "--listen", f"127.0.0.1:{port}")
    async with (
        DevServer(max_long_poll_s=0.5) as server,
        ChatDriver(server.url) as reader,
        bot_process(tmp_path, server, *webhook),
    ):
        await session(reader)
        assert server.api.webhook.url == url  # updates came by webhook, not getUpdates
        update = {
            "update_id": 999,
            "message": {
                "message_id": 1,
                "date": 0,
                "text": "/x",
                "chat": {"id": ADMIN, "type": "private"},
            },
        }
        async with httpx.AsyncClient() as client:
            missing = await client.post(url, json=update)
            wrong = await client.post(
                url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "guess"}
            )
        assert (missing.status_code, wrong.status_code) == (403, 403)
    assert_no_secret(tmp_path)
