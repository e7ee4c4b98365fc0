"""Settings from the environment (and an optional `.env`), one class per concern."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.ops_listen import parse_listen
from bot.sources.origins import parse_origins
from storage.factory import db_problem

OFFICIAL_API_URL = "https://api.telegram.org/bot"


class TelegramSettings(BaseSettings):
    """How the bot reaches Telegram (or the local stand-in)."""

    model_config = SettingsConfigDict(env_prefix="TELEGRAM_", env_file=".env", extra="ignore")

    bot_token: SecretStr = SecretStr("")
    api_url: str = OFFICIAL_API_URL
    # How long an alert's send waits for Telegram's answer. After that the message may or
    # may not have arrived: it is sent again at most once (see bot/delivery/service.py).
    send_timeout_seconds: float = Field(default=10.0, ge=0.1, le=120)
    # Webhook mode: Telegram sends this in X-Telegram-Bot-Api-Secret-Token and the bot
    # refuses requests without it. Unset: a random one per start. Never logged.
    webhook_secret: SecretStr | None = None

    @field_validator("webhook_secret")
    @classmethod
    def _valid_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()):
            raise ValueError("1-256 characters: letters, digits, _ and -")
        return value

    @field_validator("api_url")
    @classmethod
    def _valid_api_url(cls, value: str) -> str:
        url = value.strip()
        if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", url):
            raise ValueError("an http(s) URL such as https://api.telegram.org/bot")
        return url

    def base_url(self) -> str:
        # PTB appends the token to base_url; accept both ".../bot" and ".../bot/".
        return self.api_url.rstrip("/")


class LiveblogSettings(BaseSettings):
    """What the bot follows, where it keeps its data, whom it obeys."""

    model_config = SettingsConfigDict(env_prefix="LIVEBLOG_", env_file=".env", extra="ignore")

    # A SQLite file (a path, sqlite:///absolute/path or sqlite://relative/path) or
    # postgresql://user@host:port/dbname; anything else is refused at start.
    db: str | Path = Path("./data/liveblog.sqlite3")
    # Where `health` and the HEALTHCHECK read this process's heartbeat; default: beside
    # a SQLite file, ./data/liveblog.heartbeat with PostgreSQL.
    heartbeat_file: Path | None = None
    # None (LIVEBLOG_SOURCES unset): the catalog's defaults; a list: catalog ids and URLs.
    sources: Annotated[list[str] | None, NoDecode] = None
    catalog: Path | None = None  # the source catalog (default: seeds/sources.toml)
    lexicon: Path | None = None  # the topic lexicon (default: seeds/topics.toml)
    places: Path | None = None  # the places of the world (default: seeds/places.tsv)
    # Public origin → where to fetch it instead (a mirror, a local copy).
    origins: Annotated[dict[str, str], NoDecode] = Field(default_factory=dict)
    poll_seconds: int = Field(default=60, ge=15)
    poll_concurrency: int = Field(default=4, ge=1, le=64)  # sources fetched + parsed at once
    tz: str = "Europe/Berlin"
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    # Hosts a followed page may be on besides its overview's own (lower-case names).
    follow_hosts: Annotated[frozenset[str], NoDecode] = frozenset()
    max_subscriptions: int = Field(default=25, ge=1, le=200)
    # Matching by meaning beside words (bot/matching/meaning.py): each subscription's
    # query and each entry's lead embedded by the bundled model, ~30 ms a new entry on a
    # worker thread. Off: words only.
    meaning: bool = True
    delivery_seconds: float = Field(default=5.0, ge=0.5, le=300)
    private_gap_seconds: float = Field(default=1.05, ge=0.0, le=60)
    group_gap_seconds: float = Field(default=3.1, ge=0.0, le=600)
    # Messages per second over all chats. Telegram allows about 30 (29 leaves a spare for
    # clock skew); paid broadcasts and the local stand-in allow more.
    global_per_second: int = Field(default=29, ge=1, le=1000)
    # Several deliver workers (run --role deliver): how long a worker's claim on a chat
    # lasts without renewal (renewed every third of it); a dead worker's chats come back
    # after this long.
    lease_seconds: float = Field(default=30.0, ge=1.0, le=600)
    # Paid broadcasts (Bot API 7.11, allow_paid_broadcast): alerts may pass the free ~30/s,
    # up to Telegram's 1,000/s, for 0.1 Stars per message above the free amount. Off by
    # default: it costs money. On, alert sends (not command replies, digests or edits)
    # pay and are paced at paid_broadcast_per_second; 990 leaves a spare for clock skew.
    paid_broadcast: bool = False
    paid_broadcast_per_second: int = Field(default=990, ge=1, le=1000)
    button_secret: SecretStr | None = None
    # HOST:PORT for /metrics and /healthz; unset: no server (the heartbeat file only).
    metrics_listen: str | None = None
    # Entries and finished alerts older than this many days are deleted (bot/retention.py;
    # never below 3 days, what digests and edits still read); 0 keeps everything.
    retention_days: float = Field(default=30.0, ge=0, le=3650)
    # /healthz fails when polling or delivery has not finished a tick for this long.
    health_stale_seconds: float = Field(default=300.0, ge=10, le=86_400)
    # Unhealthy this much longer: the process exits (code 3) for its supervisor to restart.
    unhealthy_exit_seconds: float = Field(default=300.0, ge=10, le=86_400)
    # Every database call gives up after this long (the pool's command timeout, the
    # server's statement timeout, SQLite's busy timeout); a tick is abandoned and the
    # next one started when it has run for tick_timeout_seconds.
    db_timeout_seconds: float = Field(default=30.0, ge=0.1, le=3600)
    tick_timeout_seconds: float = Field(default=600.0, ge=1, le=86_400)
    log_level: str = "INFO"  # DEBUG, INFO, WARNING, ERROR
    log_json: bool = False  # one JSON object per log line, for log shippers
    # The settings page (a Telegram Mini App): the public https address at which this
    # process's HTTP server (LIVEBLOG_METRICS_LISTEN) is reached, behind TLS. Unset: no
    # page; /einstellungen offers buttons only.
    webapp_url: str | None = None
    # How long the signed data a page was opened with stays good (Telegram's auth_date).
    webapp_max_age_seconds: int = Field(default=86_400, ge=60, le=7 * 86_400)

    @field_validator("db", mode="before")
    @classmethod
    def _valid_db(cls, value: object) -> object:
        if isinstance(value, str | Path):
            problem = db_problem(value)
            if problem is not None:
                raise ValueError(problem)
        return value

    @field_validator("heartbeat_file", "catalog", "lexicon", "places", mode="before")
    @classmethod
    def _empty_is_default(cls, value: object) -> object:
        # "LIVEBLOG_CATALOG=" in .env means the default, not the current directory.
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("catalog", "lexicon", "places")
    @classmethod
    def _readable_file(cls, value: Path | None) -> Path | None:
        if value is None or not str(value).strip():
            return None
        if not value.is_file():
            raise ValueError(f"no such file: {value}")
        return value

    @field_validator("log_level")
    @classmethod
    def _valid_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ValueError("one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return level

    @field_validator("metrics_listen")
    @classmethod
    def _valid_listen(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        parse_listen(value)
        return value.strip()

    @field_validator("webapp_url")
    @classmethod
    def _valid_webapp_url(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None or not value.strip():
            return None
        if info.data.get("metrics_listen") is None:  # the page's server
            raise ValueError("needs LIVEBLOG_METRICS_LISTEN: that HTTP server serves the page")
        url = value.strip().rstrip("/")
        # Telegram opens Mini Apps only from https addresses.
        if not url.startswith("https://") or len(url) > 512 or any(c in url for c in " #?"):
            raise ValueError("an https:// address without spaces, query or fragment")
        return url

    @field_validator("sources", mode="before")
    @classmethod
    def _split_sources(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return parse_origins(value)
        return value

    @field_validator("follow_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(part.strip().lower() for part in value.split(",") if part.strip())
        return value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
            if not all(part.isdigit() for part in parts):
                raise ValueError("comma-separated Telegram user ids (numbers)")
            return frozenset(int(part) for part in parts)
        return value

    @field_validator("tz")
    @classmethod
    def _valid_tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    def use_seed_files(self) -> None:
        """LIVEBLOG_LEXICON and LIVEBLOG_PLACES, from the environment or .env, for the
        whole process (the lexicon and the places are read once, where first needed)."""
        from bot import seeds

        seeds.choose("LIVEBLOG_LEXICON", self.lexicon)
        seeds.choose("LIVEBLOG_PLACES", self.places)


class Settings:
    """All settings, read once at start-up."""

    def __init__(
        self,
        telegram: TelegramSettings | None = None,
        liveblog: LiveblogSettings | None = None,
    ) -> None:
        self.telegram = telegram or TelegramSettings()
        self.liveblog = liveblog or LiveblogSettings()
