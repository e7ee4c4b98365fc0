"""`liveblog-alerts demo`: the whole product offline, against the local Bot API stand-in."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from pydantic import SecretStr

from bot.config import LiveblogSettings, Settings, TelegramSettings
from bot.devserver import DevServer
from bot.devserver.client import ChatDriver
from bot.harness import running_bot
from bot.transcript import format_transcript

READER = 4711
READER_EN = 4712
DEMO_TOKEN = "123456:DEMO-token"


async def run_demo(out: list[str]) -> None:
    with tempfile.TemporaryDirectory(prefix="liveblog-demo-") as tmp:
        async with DevServer() as server, ChatDriver(server.url) as reader:
            settings = Settings(
                telegram=TelegramSettings(bot_token=SecretStr(DEMO_TOKEN), api_url=server.api_url),
                liveblog=LiveblogSettings(db=Path(tmp) / "demo.sqlite3", sources=[]),
            )
            async with running_bot(settings):
                out.append("=== A German reader meets the bot ===")
                await reader.ask(READER, "/start", first_name="Anna", language_code="de")
                await reader.ask(READER, "/hilfe", first_name="Anna", language_code="de")
                out.append(format_transcript(await reader.events(READER)))
                out.append("\n=== An English reader ===")
                await reader.ask(READER_EN, "/start", first_name="Ben", language_code="en")
                await reader.ask(READER_EN, "/nonsense", first_name="Ben", language_code="en")
                out.append(format_transcript(await reader.events(READER_EN)))


def main() -> int:
    lines: list[str] = []
    asyncio.run(asyncio.wait_for(run_demo(lines), timeout=55))
    print("\n".join(lines))
    print("\nDemo finished.")
    return 0
