"""The `liveblog-alerts` command: run, demo, and the tools around the bot."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
from collections.abc import Sequence


def _fail(exc: Exception) -> int:
    print(f"error: {exc}", file=sys.stderr)
    return 2


def _run(args: argparse.Namespace) -> int:
    from bot.logs import setup_logging
    from bot.startup import (
        StartupError,
        check_paths,
        check_seed_data,
        check_telegram,
        check_token,
        load_settings,
    )

    try:
        settings = load_settings()
        check_seed_data(settings)
        check_paths(settings)
        token = settings.telegram.bot_token.get_secret_value().strip()
        check_token(token)
    except StartupError as exc:
        return _fail(exc)
    if (args.webhook is None) != (args.listen is None):
        print("error: --webhook URL and --listen HOST:PORT go together", file=sys.stderr)
        return 2
    if args.role == "deliver" and args.webhook is not None:
        print("error: a deliver worker takes no updates: --webhook is for ingest", file=sys.stderr)
        return 2
    from storage.factory import is_postgres

    if args.role != "all" and not is_postgres(settings.liveblog.db):
        print(
            f"error: --role {args.role} shares the database with other processes: "
            "LIVEBLOG_DB must be a postgresql:// URL (SQLite runs as one process, --role all)",
            file=sys.stderr,
        )
        return 2
    try:
        check_telegram(settings.telegram.base_url(), token)
    except StartupError as exc:
        return _fail(exc)
    import secrets

    configured = settings.telegram.webhook_secret
    secret = configured.get_secret_value() if configured else secrets.token_urlsafe(32)
    setup_logging(
        getattr(logging, settings.liveblog.log_level),
        secrets=[token, secret],
        json_lines=settings.liveblog.log_json,
    )
    from telegram import Update
    from telegram.error import InvalidToken

    from bot.app import build_application, run_webhook, run_worker
    from bot.roles import RoleConflict

    try:
        app = build_application(settings, role=args.role)
        if args.role == "deliver":
            run_worker(app)
        elif args.webhook is not None:
            from bot.ops_listen import parse_listen

            run_webhook(app, parse_listen(args.listen), args.webhook, secret)
        else:
            app.run_polling(allowed_updates=Update.ALL_TYPES)
    except RoleConflict as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except InvalidToken:
        # PTB's message quotes the token; ours must not.
        print(
            "error: Telegram rejected TELEGRAM_BOT_TOKEN; check it with @BotFather", file=sys.stderr
        )
        return 2
    except Exception as exc:  # the last word: one line, never a traceback with secrets
        from bot.logs import redact

        print(f"error: {type(exc).__name__}: {redact(str(exc), [token, secret])}", file=sys.stderr)
        return 1
    code: int = app.bot_data.exit_code  # bot/ticks.py: unhealthy for too long
    return code


def _demo(args: argparse.Namespace) -> int:
    from bot.demo import main as demo_main
    from bot.logs import setup_logging

    setup_logging(logging.WARNING)
    return demo_main()


def _devserver(args: argparse.Namespace) -> int:
    from bot.devserver import DevServer
    from bot.devserver.limits import RateLimits
    from bot.logs import setup_logging

    setup_logging(logging.INFO)
    limits = RateLimits(
        paid_per_s=args.paid_per_second,
        private_burst=args.private_burst,
        enabled=not args.no_limits,
    )

    async def serve() -> None:
        server = DevServer(limits, host="127.0.0.1", port=args.port)
        await server.start()
        print(
            f"Bot API stand-in at {server.api_url}  (control API at {server.url}/control)",
            flush=True,
        )
        try:
            await asyncio.Event().wait()
        finally:
            await server.stop()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve())
    return 0


def _health(args: argparse.Namespace) -> int:
    """Asks the running bot's /healthz when LIVEBLOG_METRICS_LISTEN is set; otherwise
    healthy when the bot touched its heartbeat file within the last three minutes."""
    from bot.config import Settings, TelegramSettings
    from bot.startup import StartupError, load_liveblog

    try:
        settings = Settings(telegram=TelegramSettings.model_construct(), liveblog=load_liveblog())
    except StartupError as exc:
        return _fail(exc)
    if settings.liveblog.metrics_listen:
        return _health_http(settings.liveblog.metrics_listen)
    from datetime import UTC, datetime

    from bot.app import heartbeat_path

    path = heartbeat_path(settings)
    try:
        beat = datetime.fromisoformat(path.read_text().strip())
    except (OSError, ValueError):
        print(f"unhealthy: no heartbeat at {path}", file=sys.stderr)
        return 1
    age = (datetime.now(UTC) - beat).total_seconds()
    if age > 180:
        print(f"unhealthy: last heartbeat {age:.0f} s ago", file=sys.stderr)
        return 1
    print(f"healthy: last heartbeat {age:.0f} s ago")
    return 0


def _health_http(listen: str) -> int:
    import httpx

    from bot.ops_listen import local_url, parse_listen

    url = local_url(*parse_listen(listen)) + "/healthz"
    try:
        response = httpx.get(url, timeout=5.0)
        reason = str(response.json().get("reason", ""))[:300]
    except (httpx.HTTPError, ValueError, AttributeError) as exc:
        print(f"unhealthy: {url}: {type(exc).__name__}", file=sys.stderr)
        return 1
    if response.status_code != 200:
        print(f"unhealthy: {reason}", file=sys.stderr)
        return 1
    print(f"healthy: {reason}")
    return 0


def _seed_files() -> int | None:
    """LIVEBLOG_LEXICON and friends from the environment or .env (None: fine)."""
    from bot.startup import StartupError, load_liveblog

    try:
        load_liveblog()
    except StartupError as exc:
        return _fail(exc)
    return None


def _match(args: argparse.Namespace) -> int:
    from pathlib import Path

    from bot.matching.cli_match import run_match

    refused = _seed_files()
    if refused is not None:
        return refused

    return run_match(args.query, Path(args.file), args.lang)


def _topics(args: argparse.Namespace) -> int:
    from bot.matching.cli_match import run_topics

    refused = _seed_files()
    if refused is not None:
        return refused
    return run_topics(args.lang)


def _ingest(args: argparse.Namespace) -> int:
    from bot.sources.cli_ingest import run_ingest
    from bot.startup import StartupError, load_liveblog
    from storage.factory import db_problem

    try:
        settings = load_liveblog()
    except StartupError as exc:
        return _fail(exc)
    if args.db and db_problem(args.db):
        return _fail(StartupError(f"--db: {db_problem(args.db)}"))
    db = args.db or settings.db
    return asyncio.run(
        run_ingest(args.source, args.format, db, settings.zone(), settings.poll_seconds)
    )


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("liveblog-alerts")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def _stories(args: argparse.Namespace) -> int:
    from bot.logs import setup_logging
    from bot.stories.cli_stories import run_stories

    setup_logging(logging.WARNING)
    return run_stories(args.file, args.explain)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="liveblog-alerts", description=__doc__)
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the bot (long polling unless --webhook)")
    run.add_argument("--webhook", metavar="URL", help="public URL Telegram POSTs updates to")
    run.add_argument("--listen", metavar="HOST:PORT", help="where the webhook server listens")
    from bot.roles import ROLES

    run.add_argument(
        "--role",
        choices=ROLES,
        default="all",
        help="all: everything in one process; ingest: poll, match and take updates "
        "(one process); deliver: send the outbox (several, on PostgreSQL)",
    )
    run.set_defaults(func=_run)
    sub.add_parser("demo", help="offline demo against the local stand-in").set_defaults(func=_demo)
    sub.add_parser("health", help="exit 0 when the running bot is alive").set_defaults(func=_health)
    match = sub.add_parser("match", help="match a query against entries (JSON lines)")
    match.add_argument("--query", required=True, help="a catalog topic or a free query")
    match.add_argument("--lang", choices=["de", "en"], default="de")
    match.add_argument("file", help="JSON lines with id, title, text")
    match.set_defaults(func=_match)
    from bot.sources.detect import FORMATS

    ingest = sub.add_parser("ingest", help="fetch a source once, store it, print new entries")
    ingest.add_argument("source", help="a URL or a file path")
    ingest.add_argument("--format", choices=FORMATS, default=None)
    ingest.add_argument("--db", default=None, help="database file (default: LIVEBLOG_DB)")
    ingest.set_defaults(func=_ingest)
    stories = sub.add_parser(
        "stories", help="which story each entry of a stream joins (the bot's own merger)"
    )
    stories.add_argument(
        "file",
        help="JSON lines with id, source, published, title, text, in time order (- reads stdin)",
    )
    stories.add_argument("--explain", action="store_true", help="add why: scores, shared facts")
    stories.set_defaults(func=_stories)
    topics = sub.add_parser("topics", help="list the topic catalog")
    topics.add_argument("--lang", choices=["de", "en"], default="de")
    topics.set_defaults(func=_topics)
    from bot.devserver.limits import RateLimits

    dev = sub.add_parser("devserver", help="run the local Bot API stand-in")
    dev.add_argument("--port", type=int, default=8081)
    dev.add_argument(
        "--paid-per-second",
        type=int,
        default=RateLimits().paid_per_s,
        help="overall limit for messages sent with allow_paid_broadcast (free ones: 30/s)",
    )
    dev.add_argument(
        "--private-burst",
        type=int,
        default=RateLimits().private_burst,
        help="messages a private chat may get at once (1: a strict 1/s)",
    )
    dev.add_argument("--no-limits", action="store_true", help="answer no 429 at all")
    dev.set_defaults(func=_devserver)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result: int = args.func(args)
    return result
