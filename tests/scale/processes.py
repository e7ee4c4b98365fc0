"""Bot worker processes for the scale tests: `python -m bot run --role …` against the
stand-in, with nothing of the caller's TELEGRAM_/LIVEBLOG_ environment leaking in."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from bot.devserver import DevServer


async def start_role(
    role: str,
    server: DevServer,
    db_url: str,
    cwd: Path,
    token: str,
    name: str,
    **settings: str,
) -> asyncio.subprocess.Process:
    """`name` keeps each process's heartbeat file apart; `settings` are further variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "LIVEBLOG_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=token,
        TELEGRAM_API_URL=server.api_url,
        LIVEBLOG_DB=db_url,
        LIVEBLOG_SOURCES="",
        LIVEBLOG_DELIVERY_SECONDS="0.5",
        LIVEBLOG_HEARTBEAT_FILE=str(cwd / f"heartbeat-{name}"),
        **settings,
    )
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        "--role",
        role,
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
