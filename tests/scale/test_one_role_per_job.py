"""Issue 21, item 6: `run` (role all) beside deliver workers on one PostgreSQL database
cleared their leases and sent without their shared pacing (94 alerts twice, 568 answers 429).
Now the second process refuses to start, with a one-line reason, in either order."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.devserver import DevServer
from storage import open_storage
from tests.pg import require_pg, throwaway_schema
from tests.scale.processes import start_role

TOKEN = "123:one-role-token"
TIMEOUT_S = 60.0


@pytest.fixture
async def pg_target() -> AsyncIterator[str]:
    async with throwaway_schema(require_pg()) as url:
        storage = await open_storage(url)  # migrated before the processes start
        await storage.close()
        yield url


async def refused(role: str, server: DevServer, url: str, cwd: Path) -> tuple[int, str]:
    """Run `run --role ROLE` to its end: exit code and what it printed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "LIVEBLOG_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=server.api_url,
        LIVEBLOG_DB=url,
        LIVEBLOG_SOURCES="",
        LIVEBLOG_HEARTBEAT_FILE=str(cwd / f"heartbeat-{role}-refused"),
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--role", role, cwd=cwd, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    out, _ = await asyncio.wait_for(process.communicate(), TIMEOUT_S)
    assert process.returncode is not None
    return process.returncode, out.decode()


async def started(process: asyncio.subprocess.Process, heartbeat: Path) -> None:
    async with asyncio.timeout(TIMEOUT_S):
        while not await asyncio.to_thread(heartbeat.exists):
            assert process.returncode is None, "the first process died at start-up"
            await asyncio.sleep(0.05)


@pytest.mark.parametrize(("first", "second"), [("deliver", "all"), ("all", "deliver")])
async def test_the_second_role_refuses_to_share_the_database(
    pg_target: str, tmp_path: Path, first: str, second: str
) -> None:
    async with DevServer(max_long_poll_s=0.2) as server:
        running = await start_role(first, server, pg_target, tmp_path, TOKEN, first)
        try:
            await started(running, tmp_path / f"heartbeat-{first}")
            code, out = await refused(second, server, pg_target, tmp_path)
        finally:
            running.terminate()
            await running.wait()
    lines = [line for line in out.splitlines() if line.strip()]
    assert code == 2, out
    assert lines[-1].startswith(
        f"error: role {second} cannot share this database with a running {first} process"
    ), out
    assert "Traceback" not in out


async def test_a_second_run_on_one_sqlite_file_refuses_and_a_crashed_one_does_not_block(
    tmp_path: Path,
) -> None:
    """SQLite too: a second `run` on the same file refuses with one line; once the first
    is killed (no chance to say it left), a restart is not refused (its pid is gone)."""
    db = str(tmp_path / "bot.sqlite3")
    async with DevServer(max_long_poll_s=0.2) as server:
        running = await start_role("all", server, db, tmp_path, TOKEN, "first")
        try:
            await started(running, tmp_path / "heartbeat-first")
            code, out = await refused("all", server, db, tmp_path)
        finally:
            running.kill()  # SIGKILL: its registration stays behind
            await running.wait()
        lines = [line for line in out.splitlines() if line.strip()]
        assert code == 2, out
        assert lines[-1].startswith(
            "error: role all cannot share this database with a running all process"
        ), out
        assert "Traceback" not in out
        restarted = await start_role("all", server, db, tmp_path, TOKEN, "restarted")
        try:
            await started(restarted, tmp_path / "heartbeat-restarted")
        finally:
            restarted.terminate()
            await restarted.wait()
