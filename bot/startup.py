"""Start-up checks: every setting is read and checked before anything runs.

Each problem becomes one line naming the setting (never its secret value) and the
process exits with code 2; Telegram is asked once (getMe) before PTB starts, so a
malformed token or an unreachable TELEGRAM_API_URL is one line, not PTB's traceback.
"""

from __future__ import annotations

import os
import re
from typing import Any

import httpx
from pydantic import BaseModel, ValidationError

from bot.config import LiveblogSettings, Settings, TelegramSettings

CONFIG_ERROR = 2  # the exit code of a setting that cannot be used
TOKEN_SHAPE = re.compile(r"\d{1,20}:[A-Za-z0-9_-]+")  # what fits in /bot<token>/ at all
# Values never quoted back: secrets, and a database URL (it may hold a password).
SECRET_FIELDS = frozenset({"bot_token", "webhook_secret", "button_secret", "db"})
MAX_QUOTED = 60


class StartupError(Exception):
    """A setting or a dependency the bot cannot start with; str() is the one line."""


def _env_name(model: type[BaseModel], field: str) -> str:
    prefix = str(model.model_config.get("env_prefix", ""))
    return (prefix + field).upper()


def validation_lines(model: type[BaseModel], exc: ValidationError) -> list[str]:
    """One line per refused setting: its variable, the value (unless secret), why."""
    lines = []
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else ""
        message = str(error["msg"]).removeprefix("Value error, ")
        value: Any = error.get("input")
        shown = ""
        if field not in SECRET_FIELDS and isinstance(value, str | int | float):
            text = str(value)
            shown = "=" + repr(text if len(text) <= MAX_QUOTED else text[:MAX_QUOTED] + "…")
        name = _env_name(model, field)
        lines.append(f"{name}{shown}: {message.removeprefix(name + ': ')}")
    return lines


def load_liveblog() -> LiveblogSettings:
    """LIVEBLOG_* from the environment and .env, or StartupError with every problem."""
    try:
        liveblog = LiveblogSettings()
    except ValidationError as exc:
        raise StartupError("; ".join(validation_lines(LiveblogSettings, exc))) from None
    liveblog.use_seed_files()
    return liveblog


def load_settings() -> Settings:
    """All settings (environment, then .env), or StartupError naming each bad one."""
    problems: list[str] = []
    telegram: TelegramSettings | None = None
    try:
        telegram = TelegramSettings()
    except ValidationError as exc:
        problems += validation_lines(TelegramSettings, exc)
    try:
        liveblog: LiveblogSettings | None = load_liveblog()
    except StartupError as exc:
        problems.append(str(exc))
        liveblog = None
    if problems or telegram is None or liveblog is None:
        raise StartupError("; ".join(problems))
    return Settings(telegram=telegram, liveblog=liveblog)


def check_seed_data(settings: Settings) -> None:
    """The lexicon and the source catalog load, and LIVEBLOG_SOURCES resolves."""
    from bot.matching.lexicon import LexiconError, default_lexicon
    from bot.sources.catalog import CatalogError, resolve_configured

    try:
        default_lexicon()
    except LexiconError as exc:
        raise StartupError(f"LIVEBLOG_LEXICON: {exc}") from None
    try:
        resolve_configured(settings.liveblog.catalog, settings.liveblog.sources)
    except CatalogError as exc:
        raise StartupError(str(exc)) from None


def check_paths(settings: Settings) -> None:
    """The SQLite file's folder and the heartbeat's can be made and written to: a path
    the process cannot write is one line naming its setting, not an OSError later."""
    from bot.app import heartbeat_path
    from storage.factory import is_postgres, sqlite_path

    places = []  # the database first: by default the heartbeat lies beside it
    if not is_postgres(settings.liveblog.db):
        places.append(("LIVEBLOG_DB", sqlite_path(settings.liveblog.db)))
    places.append(("LIVEBLOG_HEARTBEAT_FILE", heartbeat_path(settings)))
    for setting, path in places:
        if str(path) == ":memory:":
            continue
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StartupError(
                f"{setting}: cannot create the folder {path.parent}: {exc.strerror}"
            ) from None
        if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
            raise StartupError(f"{setting}: {path} is not writable for this process")


def check_token(token: str) -> None:
    if not token.strip():
        raise StartupError(
            "TELEGRAM_BOT_TOKEN is not set; get a token from @BotFather "
            "and put it in .env (see README)"
        )
    if not TOKEN_SHAPE.fullmatch(token.strip()):
        raise StartupError(
            "TELEGRAM_BOT_TOKEN is not shaped like a bot token (digits, a colon, then "
            "letters: 123456789:AA…, as @BotFather gives it)"
        )


def check_telegram(api_url: str, token: str, timeout_s: float = 15.0) -> None:
    """Ask Telegram who we are once: unreachable or refusing, one line with the URL
    (the token shown as ***)."""
    base = api_url.rstrip("/")
    where = f"{base}***/getMe"
    try:
        response = httpx.get(f"{base}{token}/getMe", timeout=timeout_s)
    except httpx.HTTPError as exc:
        reason = str(exc).replace(token, "***") or type(exc).__name__
        raise StartupError(
            f"cannot reach Telegram at {where} (TELEGRAM_API_URL): {reason}"
        ) from None
    if response.status_code in (401, 404):
        raise StartupError(
            f"Telegram at {base} rejected TELEGRAM_BOT_TOKEN (HTTP {response.status_code}); "
            "check it with @BotFather"
        )
    try:
        ok = bool(response.json().get("ok"))
    except (ValueError, AttributeError):
        ok = False
    if response.status_code != 200 or not ok:
        raise StartupError(
            f"Telegram at {where} (TELEGRAM_API_URL) answered HTTP {response.status_code}, "
            "not a Bot API reply"
        )
