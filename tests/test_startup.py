"""A new operator's first start: every setting checked, one line and exit code 2 for
each mistake, never a traceback, never a hang (real subprocesses, as a user runs them)."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from bot.config import LiveblogSettings, TelegramSettings
from storage.factory import db_problem, describe, sqlite_path

ROOT = Path(__file__).resolve().parents[1]
ENV_EXAMPLE = ROOT / ".env.example"
TOKEN = "123456:STARTUP-token-that-stays-secret"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "LIVEBLOG_"))}
    env["LIVEBLOG_SOURCES"] = ""  # nothing on the internet
    env.update(extra)
    return env


async def cli(*args: str, cwd: Path, timeout_s: float = 60.0, **env: str) -> tuple[int, str, str]:
    """Run the console script; a process still alive after `timeout_s` fails the test."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=cwd,
        env=_env(**env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(), timeout_s)
    except TimeoutError:
        process.kill()
        await process.communicate()
        pytest.fail(f"liveblog-alerts {' '.join(args)} did not exit within {timeout_s} s")
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("mysql://bot:pw@db/alerts", "unknown scheme 'mysql'"),
        ("postgresq://bot@db/alerts", "unknown scheme 'postgresq'"),
        ("postgresql://", "needs a database name"),
        ("postgresql://bot:pw@127.0.0.1:5432/", "needs a database name"),
        ("sqlite:", "unknown scheme 'sqlite'"),
        ("sqlite://", "needs a path"),
    ],
)
def test_bad_database_urls_are_refused(value: str, problem: str) -> None:
    assert problem in (db_problem(value) or "")


def test_sqlite_urls_name_the_path_they_say() -> None:
    assert sqlite_path("sqlite:///srv/bot/x.sqlite3") == Path("/srv/bot/x.sqlite3")
    assert sqlite_path("sqlite:////srv/bot/x.sqlite3") == Path("/srv/bot/x.sqlite3")
    assert sqlite_path("sqlite://data/x.sqlite3") == Path("data/x.sqlite3")
    assert sqlite_path("./data/x.sqlite3") == Path("data/x.sqlite3")
    for good in ("sqlite:///srv/x.db", "sqlite://x.db", "./x.db", "postgresql://u@h/db", "x.db"):
        assert db_problem(good) is None
    assert describe("postgresql://bot:hunter2@db:5432/alerts") == (
        "PostgreSQL postgresql://bot:***@db:5432/alerts"
    )
    assert describe("sqlite:///srv/x.db") == "SQLite /srv/x.db"


async def test_a_bad_database_url_exits_2_and_creates_nothing(tmp_path: Path) -> None:
    code, _out, err = await cli(
        "run", cwd=tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, LIVEBLOG_DB="mysql://bot:hunter2@db/x"
    )
    assert code == 2
    line = one_line(err)
    assert line.startswith("error: LIVEBLOG_DB: unknown scheme 'mysql'")
    assert "hunter2" not in line
    assert os.listdir(tmp_path) == []  # no SQLite file named like the URL


async def test_a_fatal_lexicon_error_exits_instead_of_hanging(tmp_path: Path) -> None:
    code, _out, err = await cli(
        "run", cwd=tmp_path, timeout_s=30, TELEGRAM_BOT_TOKEN=TOKEN,
        LIVEBLOG_LEXICON="/nonexistent.toml", LIVEBLOG_DB=str(tmp_path / "x.sqlite3"),
    )  # fmt: skip
    assert code == 2
    assert "LIVEBLOG_LEXICON" in one_line(err)
    broken = tmp_path / "broken.toml"
    broken.write_text("[concepts.x]\naliases = 3\n")
    code, _out, err = await cli(
        "run", cwd=tmp_path, timeout_s=30, TELEGRAM_BOT_TOKEN=TOKEN,
        LIVEBLOG_LEXICON=str(broken), LIVEBLOG_DB=str(tmp_path / "x.sqlite3"),
    )  # fmt: skip
    assert code == 2
    assert one_line(err).startswith("error: LIVEBLOG_LEXICON:")


async def test_settings_in_dot_env_count_for_the_lexicon_too(tmp_path: Path) -> None:
    """LIVEBLOG_LEXICON was read from the process environment only, never from .env."""
    code, all_topics, _ = await cli("topics", cwd=tmp_path)
    assert code == 0
    lexicon = tmp_path / "lexicon" / "topics.toml"
    lexicon.parent.mkdir()
    lexicon.write_bytes((ROOT / "seeds" / "topics.toml").read_bytes())  # without topics.d/
    (tmp_path / ".env").write_text(f"LIVEBLOG_LEXICON={lexicon}\n")
    code, own_topics, _ = await cli("topics", cwd=tmp_path)
    assert code == 0
    assert 0 < len(own_topics.splitlines()) < len(all_topics.splitlines())
    (tmp_path / ".env").write_text("LIVEBLOG_LEXICON=/nowhere/topics.toml\n")
    code, _out, err = await cli("run", cwd=tmp_path, timeout_s=30, TELEGRAM_BOT_TOKEN=TOKEN)
    assert code == 2
    assert "LIVEBLOG_LEXICON='/nowhere/topics.toml': no such file" in one_line(err)


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("LIVEBLOG_POLL_SECONDS", "5", "greater than or equal to 15"),
        ("LIVEBLOG_ADMIN_IDS", "alice", "Telegram user ids"),
        ("LIVEBLOG_TZ", "Mars/Base", "unknown time zone"),
        ("TELEGRAM_API_URL", "api.telegram.org", "http(s) URL"),
        ("LIVEBLOG_LOG_LEVEL", "loud", "one of DEBUG"),
    ],
)
async def test_each_bad_setting_is_one_line_and_exit_2(
    tmp_path: Path, name: str, value: str, says: str
) -> None:
    code, _out, err = await cli("run", cwd=tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, **{name: value})
    assert code == 2
    line = one_line(err)
    assert line.startswith(f"error: {name}=")
    assert says in line


async def test_health_with_a_bad_setting_is_one_line(tmp_path: Path) -> None:
    code, _out, err = await cli("health", cwd=tmp_path, LIVEBLOG_POLL_SECONDS="soon")
    assert code == 2
    assert one_line(err).startswith("error: LIVEBLOG_POLL_SECONDS='soon'")


async def test_a_malformed_token_is_one_line(tmp_path: Path) -> None:
    code, _out, err = await cli(
        "run",
        cwd=tmp_path,
        TELEGRAM_BOT_TOKEN="not-a-token",
        TELEGRAM_API_URL="http://127.0.0.1:1/bot",
    )
    assert code == 2
    assert "TELEGRAM_BOT_TOKEN is not shaped like a bot token" in one_line(err)
    assert "not-a-token" not in err


@pytest.fixture
async def refusing_telegram() -> AsyncIterator[str]:
    """A Bot API that knows no token (Telegram's answer to a revoked one)."""

    async def unauthorized(_request: web.Request) -> web.Response:
        return web.json_response(
            {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
        )

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", unauthorized)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}/bot"
    finally:
        await runner.cleanup()


async def test_a_rejected_or_unreachable_telegram_is_one_line(
    tmp_path: Path, refusing_telegram: str
) -> None:
    db = str(tmp_path / "x.sqlite3")
    code, out, err = await cli(
        "run",
        cwd=tmp_path,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=refusing_telegram,
        LIVEBLOG_DB=db,
    )
    assert code == 2
    assert f"Telegram at {refusing_telegram} rejected TELEGRAM_BOT_TOKEN" in one_line(err)
    unreachable = "http://127.0.0.1:1/bot"
    code, out, err = await cli(
        "run", cwd=tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_URL=unreachable, LIVEBLOG_DB=db
    )
    assert code == 2
    line = one_line(err)
    assert f"cannot reach Telegram at {unreachable}***/getMe (TELEGRAM_API_URL)" in line
    assert "STARTUP-token" not in out + err


async def test_version(tmp_path: Path) -> None:
    code, out, _err = await cli("--version", cwd=tmp_path)
    assert code == 0
    assert re.fullmatch(r"liveblog-alerts \d+\.\d+\.\d+\S*\n", out)


def test_env_example_lists_every_setting_with_its_default() -> None:
    listed = set(
        re.findall(r"^#? ?((?:TELEGRAM|LIVEBLOG)_[A-Z_]+)=", ENV_EXAMPLE.read_text(), re.M)
    )
    expected = {
        (str(model.model_config["env_prefix"]) + field).upper()
        for model in (TelegramSettings, LiveblogSettings)
        for field in model.model_fields
    }
    assert expected - listed == set(), "settings missing from .env.example"
    assert listed - expected == set(), ".env.example lists settings that do not exist"


def test_env_example_plus_a_token_is_a_valid_configuration(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text(
        ENV_EXAMPLE.read_text().replace("TELEGRAM_BOT_TOKEN=\n", f"TELEGRAM_BOT_TOKEN={TOKEN}\n")
    )
    telegram = TelegramSettings(_env_file=env)  # type: ignore[call-arg]  # pydantic-settings
    liveblog = LiveblogSettings(_env_file=env)  # type: ignore[call-arg]
    assert telegram.bot_token.get_secret_value() == TOKEN
    assert liveblog.sources is None  # the catalog's defaults
    assert liveblog == LiveblogSettings(_env_file=None)  # type: ignore[call-arg]


def test_the_licence_pyproject_names_is_in_the_tree() -> None:
    import tomllib

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["license"]
    assert declared == "MIT"
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")


async def test_a_path_the_process_cannot_write_names_its_setting(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    code, _out, err = await cli(
        "run", cwd=tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, LIVEBLOG_DB=str(blocked / "x.sqlite3")
    )
    assert code == 2
    assert one_line(err).startswith(f"error: LIVEBLOG_DB: cannot create the folder {blocked}")
    code, _out, err = await cli(
        "run", cwd=tmp_path, TELEGRAM_BOT_TOKEN=TOKEN,
        LIVEBLOG_DB=str(tmp_path / "ok.sqlite3"), LIVEBLOG_HEARTBEAT_FILE=str(blocked / "hb"),
    )  # fmt: skip
    assert code == 2
    assert one_line(err).startswith("error: LIVEBLOG_HEARTBEAT_FILE: cannot create the folder")
