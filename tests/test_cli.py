"""The console script as a user runs it: a real subprocess."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from bot.devserver import DevServer
from bot.devserver.client import ChatDriver


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "LIVEBLOG_"))}
    # No sources: unset, the bot would follow the default catalog on the internet (the
    # default catalog has its own test against local copies).
    env["LIVEBLOG_SOURCES"] = ""
    env.update(extra)
    return env


async def test_run_without_token_exits_2_with_one_line(tmp_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=tmp_path,
        env=_env(TELEGRAM_BOT_TOKEN=""),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _out, err = await process.communicate()
    assert process.returncode == 2
    lines = err.decode().strip().splitlines()
    assert len(lines) == 1
    assert "TELEGRAM_BOT_TOKEN" in lines[0]


async def test_run_against_the_stand_in_answers_start(tmp_path: Path) -> None:
    token = "123:abc-secret-token"
    async with DevServer(max_long_poll_s=0.5) as server, ChatDriver(server.url) as reader:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            cwd=tmp_path,
            env=_env(
                TELEGRAM_BOT_TOKEN=token,
                TELEGRAM_API_URL=server.api_url,
                LIVEBLOG_DB=str(tmp_path / "x.sqlite3"),
            ),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        try:
            replies = await reader.ask(77, "/start", wait_s=30)
        finally:
            process.terminate()
            out, _ = await process.communicate()
    assert process.returncode is not None
    assert replies, out.decode()[-2000:]
    assert "Willkommen" in replies[0]["text"]
    assert token not in out.decode()
    # Start-up says which database and which sources it uses.
    assert f"database: SQLite {tmp_path / 'x.sqlite3'}; sources: none" in out.decode()
    assert (tmp_path / "x.sqlite3.heartbeat").exists(), out.decode()[-3000:]


async def test_health_reads_the_heartbeat(tmp_path: Path) -> None:
    async def health() -> int:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "health",
            cwd=tmp_path,
            env=_env(LIVEBLOG_DB=str(tmp_path / "h.sqlite3")),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        return await process.wait()

    assert await health() == 1
    from datetime import UTC, datetime

    (tmp_path / "h.sqlite3.heartbeat").write_text(datetime.now(UTC).isoformat())
    assert await health() == 0


async def test_a_rejected_token_never_shows_up(tmp_path: Path) -> None:
    token = "123:secret token-that-must-not-leak"
    async with DevServer() as server:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            cwd=tmp_path,
            env=_env(
                TELEGRAM_BOT_TOKEN=token,
                TELEGRAM_API_URL=server.api_url,
                LIVEBLOG_DB=str(tmp_path / "r.sqlite3"),
            ),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await process.communicate()
    assert process.returncode == 2
    [line] = err.decode().strip().splitlines()  # a space: not shaped like a token at all
    assert "TELEGRAM_BOT_TOKEN is not shaped like a bot token" in line
    assert "must-not-leak" not in (out + err).decode()
    assert not files_mention(tmp_path, "must-not-leak")


def files_mention(folder: Path, secret: str) -> bool:
    return any(secret.encode() in p.read_bytes() for p in folder.rglob("*") if p.is_file())


async def test_split_roles_need_postgresql_and_deliver_takes_no_webhook(tmp_path: Path) -> None:
    async def run(*args: str, db: str) -> tuple[int | None, str]:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            *args,
            cwd=tmp_path,
            env=_env(TELEGRAM_BOT_TOKEN="123:role-token", LIVEBLOG_DB=db),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        _out, err = await process.communicate()
        return process.returncode, err.decode()

    sqlite = str(tmp_path / "bot.sqlite3")
    code, err = await run("--role", "deliver", db=sqlite)
    assert code == 2
    assert "postgresql://" in err
    assert "--role all" in err
    code, err = await run("--role", "ingest", db=sqlite)
    assert code == 2
    pg = "postgresql://nobody@127.0.0.1:1/none"
    code, err = await run(
        "--role", "deliver", "--webhook", "https://x/tg", "--listen", "127.0.0.1:1", db=pg
    )
    assert code == 2
    assert "--webhook is for ingest" in err
    code, err = await run("--role", "everything", db=sqlite)
    assert code == 2
    assert "invalid choice" in err
