"""Wiring: the one place where settings, storage, services, handlers and jobs meet PTB."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import signal
from collections.abc import Callable, Hashable
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

# Opt in to PTB 22's timedelta values (RetryAfter.retry_after) and skip its warning.
os.environ.setdefault("PTB_TIMEDELTA", "true")

from aiohttp import web
from telegram import BotCommand, BotCommandScopeDefault, MenuButtonWebApp, Update, WebAppInfo
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder

from bot import texts
from bot.clock import Clock, SystemClock
from bot.config import LiveblogSettings, Settings
from bot.delivery.buttons import ButtonCodec, secret_from
from bot.delivery.leases import ChatLeases
from bot.delivery.pacing import ChatPacer, SlidingWindow
from bot.delivery.pipeline import AlertPipeline
from bot.delivery.priority import PriorityWindow
from bot.delivery.service import DeliveryService
from bot.delivery.shared_pacing import SharedWindow
from bot.digest.service import DigestService
from bot.matching.calibrate import concept_frequencies
from bot.matching.holder import IndexHolder
from bot.matching.lexicon import default_lexicon
from bot.matching.query import QueryResolver
from bot.metrics import Metrics
from bot.ops_server import OpsServer
from bot.retention import Retention
from bot.roles import BEAT_S, Role, RoleRegistration, registration_name
from bot.services import Services
from bot.sources.catalog import Catalog, CatalogSource, resolve_configured
from bot.sources.directory import SourceDirectory
from bot.sources.drift import DriftWatch
from bot.sources.drift_notice import drift_notifier
from bot.sources.fetch import Fetcher
from bot.sources.ingest import IngestReport
from bot.sources.origins import OriginMap
from bot.sources.poller import Poller, follow_catalog
from bot.sources.samples import SAMPLE
from bot.sources.textexport import parse_text_export
from bot.subscriptions import SubscriptionService
from bot.ticks import EXIT_UNHEALTHY, TickRunner, Watchdog
from bot.webapp import page
from bot.webapp.api import SettingsApi
from bot.webapp.page_texts import page_texts
from bot.webhook_server import WebhookServer
from handlers import register_all
from handlers.aiohttp_request import AiohttpRequest
from handlers.context import CONTEXT_TYPES, BotData
from handlers.telegram_io import TelegramMessenger
from handlers.updates import PerChatOrder
from storage import open_storage
from storage.factory import describe, is_postgres, sqlite_path

log = logging.getLogger(__name__)

AppType = Application[Any, Any, Any, Any, BotData, Any]
POLL_TICK_S = 5.0
DIGEST_TICK_S = 60.0
INDEX_TICK_S = 2.0  # how often a requested index build is looked for
RETENTION_TICK_S = 600.0  # a run deletes at most 2 x 40 batches of 500 rows


async def set_command_menus(app: AppType) -> None:
    """German menu for German clients, English for the rest (Telegram picks by language)."""
    for language in texts.LANGUAGES:
        commands = [BotCommand(n, d) for n, d in texts.command_descriptions(language).items()]
        await app.bot.set_my_commands(
            commands, scope=BotCommandScopeDefault(), language_code=language
        )
    english = texts.command_descriptions("en")
    await app.bot.set_my_commands([BotCommand(n, d) for n, d in english.items()])


async def set_settings_menu(app: AppType, settings: Settings) -> None:
    """The chat's menu button opens the settings page, when there is one."""
    url = settings.liveblog.webapp_url
    if url is None:
        return
    label = page_texts(texts.DEFAULT_LANGUAGE)["menu_button"]
    await app.bot.set_chat_menu_button(menu_button=MenuButtonWebApp(label, WebAppInfo(url + "/")))


def heartbeat_path(settings: Settings) -> Path:
    liveblog = settings.liveblog
    if liveblog.heartbeat_file is not None:
        return liveblog.heartbeat_file
    if is_postgres(liveblog.db):
        return Path("./data/liveblog.heartbeat")
    db = sqlite_path(liveblog.db)
    return db.with_name(db.name + ".heartbeat")


def touch_heartbeat(services: Services | None) -> None:
    if services is not None:
        # Wall-clock time on purpose: the health check compares it with the real clock.
        path = heartbeat_path(services.settings)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(SystemClock().now().isoformat())


async def concept_rarity(storage: Any, clock: Clock) -> dict[str, float]:
    """How often each concept occurs in recent entries (the seed sample while the
    database is young): the index triggers each topic on its rarest concept."""
    recent = await storage.entries.recent_news(clock.now() - timedelta(days=7), 2000)
    texts = [(e.title, e.body) for e in recent]
    if len(texts) < 20 and SAMPLE.exists():
        texts += [(e.title, e.text) for e in parse_text_export(SAMPLE.read_bytes(), "").entries]
    return concept_frequencies(default_lexicon(), texts)


async def build_services(
    app: AppType, settings: Settings, clock: Clock, role: Role = "all"
) -> Services:
    # What can be refused is read before the database opens: a bad lexicon or catalog
    # must not leave a connection (and aiosqlite's thread) keeping the process alive.
    resolver = QueryResolver(default_lexicon())
    catalog, followed = resolve_configured(settings.liveblog.catalog, settings.liveblog.sources)
    storage = await open_storage(settings.liveblog.db, settings.liveblog.db_timeout_seconds)
    try:
        return await _services_on(app, settings, clock, role, storage, resolver, catalog, followed)
    except BaseException:
        await storage.close()  # a fatal start-up error ends the process, never hangs it
        raise


async def _services_on(
    app: AppType,
    settings: Settings,
    clock: Clock,
    role: Role,
    storage: Any,
    resolver: QueryResolver,
    catalog: Catalog,
    followed: list[CatalogSource],
) -> Services:
    # Every process says which role it runs, on SQLite too: a second `run` on the same
    # database file would clear the first one's claims and pace on its own.
    roles = RoleRegistration(storage, registration_name(), role)
    await roles.join()  # RoleConflict: the caller closes the database
    metrics = Metrics(clock, settings.liveblog.health_stale_seconds)
    metrics.health_jobs = {"all": ("poll", "delivery"), "ingest": ("poll",)}.get(
        role, ("delivery",)
    )
    subscriptions_ref: list[SubscriptionService] = []

    async def load_topics() -> Any:
        return await subscriptions_ref[0].index_topics()

    def typed_query(topic: Hashable) -> str | None:
        """What the reader typed for a subscription: its meaning is matched too."""
        sub = subscriptions_ref[0].by_id.get(topic) if isinstance(topic, int) else None
        return sub.query if sub is not None else None

    holder = IndexHolder(
        load_topics,
        await concept_rarity(storage, clock),
        describe=typed_query if settings.liveblog.meaning else None,
    )
    subscriptions = SubscriptionService(
        storage,
        resolver,
        holder,
        clock,
        settings.liveblog.max_subscriptions,
        expand=resolver.expansions if settings.liveblog.meaning else None,
    )
    subscriptions_ref.append(subscriptions)
    await holder.refresh()
    secret = settings.liveblog.button_secret
    codec = ButtonCodec(
        secret_from(
            settings.telegram.bot_token.get_secret_value(),
            secret.get_secret_value() if secret else None,
        )
    )
    zone = settings.liveblog.zone()
    messenger = TelegramMessenger(app.bot, settings.telegram.send_timeout_seconds)
    pacer = ChatPacer(settings.liveblog.private_gap_seconds, settings.liveblog.group_gap_seconds)
    directory = SourceDirectory(catalog, followed)
    log.info(
        "database: %s; sources: %s",
        describe(settings.liveblog.db),
        ", ".join(f"{e.id} ({e.address})" for e in followed) or "none (LIVEBLOG_SOURCES is empty)",
    )
    if role != "deliver":  # the sources are the polling process's to set up
        configured = await follow_catalog(
            storage, followed, settings.liveblog.poll_seconds, clock.now()
        )
        for record in configured:
            directory.note(record)
        retired = await storage.sources.retire_unconfigured([r.source_id for r in configured])
        if retired:
            log.info("%d sources are no longer configured: not polled any more", retired)
    # Deliver workers share the outbox through chat leases and Telegram's overall limits
    # through the database; the single process (`all`) keeps both in memory.
    leases = (
        ChatLeases(storage, clock, lease_seconds=settings.liveblog.lease_seconds)
        if role == "deliver"
        else None
    )
    window, paid = send_windows(settings.liveblog, storage, shared=role == "deliver")
    delivery = DeliveryService(
        storage,
        messenger,
        subscriptions,
        clock,
        codec,
        zone,
        pacer=pacer,
        window=window,
        directory=directory,
        metrics=metrics,
        paid_window=paid,
        leases=leases,
    )
    digests = DigestService(
        storage,
        messenger,
        subscriptions,
        clock,
        zone,
        pacer=pacer,
        window=delivery.window,
        directory=directory,
        leases=leases,
    )
    pipeline = AlertPipeline(
        storage,
        subscriptions,
        clock,
        metrics,
        outlet_name=lambda catalog_id: getattr(directory.catalog.get(catalog_id), "outlet", None),
    )

    async def on_report(report: IngestReport) -> None:
        directory.note(report.source)
        for result in report.changed:
            metrics.entries.labels(result.status.value).inc()
        await pipeline.on_report(report)

    fetcher = Fetcher(origins=OriginMap(settings.liveblog.origins))
    drift = DriftWatch(
        storage,
        clock,
        drift_notifier(storage, messenger, directory, settings.liveblog.admin_ids),
        metrics,
    )
    poller = Poller(
        storage,
        fetcher,
        clock,
        on_report,
        concurrency=settings.liveblog.poll_concurrency,
        follow_hosts=settings.liveblog.follow_hosts,
        metrics=metrics,
        drift=drift,
    )
    if role == "all":  # the only process: what was in flight at its last stop goes again
        recovered = await delivery.recover()
        if recovered:
            log.info("re-queued %d alerts that were in flight at the last stop", recovered)
    if role != "deliver":
        # Entries stored before the last stop but never matched get their alerts now.
        finished = await pipeline.finish_pending()
        if finished:
            log.info("created %d alerts for entries left unmatched at the last stop", finished)
    return Services(
        settings=settings,
        storage=storage,
        clock=clock,
        subscriptions=subscriptions,
        codec=codec,
        zone=zone,
        pipeline=pipeline,
        delivery=delivery,
        digests=digests,
        poller=poller,
        fetcher=fetcher,
        sources=directory,
        metrics=metrics,
        roles=roles,
    )


def send_windows(
    liveblog: LiveblogSettings, storage: Any, shared: bool
) -> tuple[PriorityWindow, PriorityWindow | None]:
    """The overall send limits (free, and paid when on), each behind a PriorityWindow.
    `shared`: several deliver workers take their slots from the database, so the limits
    are shared, not multiplied (bot/delivery/shared_pacing.py); one process keeps them in
    memory."""
    paid = paid_window(liveblog)
    if not shared:
        return PriorityWindow(SlidingWindow(liveblog.global_per_second)), paid
    free = PriorityWindow(SharedWindow(storage.rates, "free", liveblog.global_per_second))
    if paid is None:
        return free, None
    shared_paid = SharedWindow(storage.rates, "paid", liveblog.paid_broadcast_per_second)
    return free, PriorityWindow(shared_paid)


def paid_window(liveblog: LiveblogSettings) -> PriorityWindow | None:
    """The pace of paid alert broadcasts, when the operator turned them on (they cost
    Stars: one line at start-up says so)."""
    if not liveblog.paid_broadcast:
        return None
    log.info(
        "paid broadcasts are on: alerts go with allow_paid_broadcast at up to %d/s "
        "(Telegram charges 0.1 Stars per message above the free 30/s)",
        liveblog.paid_broadcast_per_second,
    )
    return PriorityWindow(SlidingWindow(liveblog.paid_broadcast_per_second))


def ops_server(services: Services) -> OpsServer | None:
    """The /metrics and /healthz server, when LIVEBLOG_METRICS_LISTEN asks for one."""
    listen, metrics = services.settings.liveblog.metrics_listen, services.metrics
    if listen is None or metrics is None:
        return None

    async def refresh() -> None:
        alerts = services.storage.alerts
        now = services.clock.now()
        metrics.refresh(
            await alerts.outbox_counts(now),
            await alerts.oldest_due(now),
            await services.storage.sources.list_active(),
        )

    return OpsServer(metrics, refresh, listen, webapp_routes(services))


def webapp_routes(services: Services) -> list[Callable[[web.Application], None]]:
    """The settings page and its API, when LIVEBLOG_WEBAPP_URL is set."""
    liveblog = services.settings.liveblog
    if liveblog.webapp_url is None:
        return []
    api = SettingsApi(
        lambda: services,
        services.settings.telegram.bot_token.get_secret_value(),
        timedelta(seconds=liveblog.webapp_max_age_seconds),
    )
    return [page.install, api.install]


def schedule_jobs(app: AppType, services: Services, delivery_s: float, role: Role = "all") -> None:
    """The JobQueue's work. Each tick starts its work as a task and returns, so a long
    delivery never makes APScheduler skip (and warn about) the next run; one that
    overruns LIVEBLOG_TICK_TIMEOUT_SECONDS is abandoned (bot/ticks.py).

    `ingest` polls and matches (writing the outbox); `deliver` sends alerts, edits and
    digests and renews its chat leases; `all` does everything in one process."""
    assert app.job_queue is not None  # the job-queue extra is a dependency
    liveblog = services.settings.liveblog
    runner = TickRunner(
        lambda work, name: app.create_task(work, name=name), liveblog.tick_timeout_seconds
    )
    spawn = runner.spawn

    async def poll(_context: Any) -> None:
        if services.poller is not None:
            spawn("poll", services.poller.tick)
        if services.pipeline is not None:
            # Every cycle, not only after a good poll: whatever a failed or cut-off poll
            # stored still gets its alerts.
            spawn("match", services.pipeline.finish_pending)

    async def deliver(_context: Any) -> None:
        if services.delivery is not None:
            spawn("deliver", services.delivery.tick)

    async def digest(_context: Any) -> None:
        if services.digests is not None:
            spawn("digest", services.digests.tick)

    async def heartbeat(_context: Any) -> None:
        touch_heartbeat(services)

    retention: list[Retention] = []  # made at the first run (LIVEBLOG_RETENTION_DAYS > 0)

    async def index(_context: Any) -> None:
        # Full index builds that subscriptions requested (debounced, bot/matching/holder.py).
        spawn("index", services.subscriptions.holder.maintain)

    async def purge(_context: Any) -> None:
        days = services.settings.liveblog.retention_days
        if days <= 0:
            return
        if not retention:
            retention.append(Retention(services.storage, services.clock, timedelta(days=days)))
        spawn("retention", retention[0].run)

    async def beat(_context: Any) -> None:
        if services.roles is not None:
            try:
                await services.roles.beat()
            except Exception:  # the next beat comes in BEAT_S; stale only after STALE_S
                log.exception("renewing this process's role failed")

    async def renew(_context: Any) -> None:
        leases = services.delivery.leases if services.delivery is not None else None
        if leases is not None:
            try:
                await leases.renew()
            except Exception:  # the next renewal comes in a third of a lease
                log.exception("renewing chat leases failed")

    jq = app.job_queue
    if role != "deliver":
        jq.run_repeating(poll, interval=POLL_TICK_S, first=1, name="poll")
        jq.run_repeating(purge, interval=RETENTION_TICK_S, first=120, name="retention")
        jq.run_repeating(index, interval=INDEX_TICK_S, first=INDEX_TICK_S, name="index")
    if role != "ingest":
        jq.run_repeating(deliver, interval=delivery_s, first=2, name="deliver")
        jq.run_repeating(digest, interval=DIGEST_TICK_S, first=5, name="digest")
    if role == "deliver":
        lease_s = services.settings.liveblog.lease_seconds
        jq.run_repeating(renew, interval=lease_s / 3, first=lease_s / 3, name="renew")
    jq.run_repeating(heartbeat, interval=30, first=30, name="heartbeat")
    if services.roles is not None:
        jq.run_repeating(beat, interval=BEAT_S, first=BEAT_S, name="role")
    if services.metrics is not None:
        watchdog = Watchdog(services.metrics, services.clock, liveblog.unhealthy_exit_seconds)

        async def watch(_context: Any) -> None:
            exit_if_sick(app, watchdog)

        every = min(30.0, liveblog.unhealthy_exit_seconds / 4)
        jq.run_repeating(watch, interval=every, first=every, name="watchdog")


def exit_if_sick(app: AppType, watchdog: Watchdog) -> bool:
    """Stop the process with EXIT_UNHEALTHY when it has been unhealthy for too long."""
    reason = watchdog.verdict()
    if reason is None or app.bot_data.exit_code:
        return False
    log.error("%s: exiting with code %d for the supervisor to restart", reason, EXIT_UNHEALTHY)
    app.bot_data.exit_code = EXIT_UNHEALTHY
    if app.bot_data.stop is not None:
        app.bot_data.stop.set()  # a deliver worker (run_worker)
    else:
        app.stop_running()  # run_polling / run_webhook: a graceful stop
    return True


def telegram_limiter(liveblog: LiveblogSettings) -> AIORateLimiter:
    """PTB's limiter, a safety net behind the bot's own pacing: never stricter than it.

    No retries by default: delivery reschedules on flood control itself. Replies to
    commands ask for retries per call (handlers/chat.py, REPLY_RETRIES)."""
    gap = liveblog.group_gap_seconds
    per_group = 0.0 if gap == 0 else max(20.0, 60 / gap)  # 0: not limited
    return AIORateLimiter(
        overall_max_rate=max(30, liveblog.global_per_second + 1),
        group_max_rate=per_group,
        max_retries=0,
    )


def build_application(
    settings: Settings, clock: Clock | None = None, with_jobs: bool = True, role: Role = "all"
) -> AppType:
    """The bot, ready for run_polling() or the manual start used by tests and the demo.
    A `deliver` worker has no updater: it never asks Telegram for updates (only one
    process may), see run_worker()."""
    the_clock = clock or SystemClock()

    async def post_init(app: AppType) -> None:
        services = await build_services(app, settings, the_clock, role)
        app.bot_data.services = services
        server = ops_server(services)
        if server is not None:
            await server.start()
            app.bot_data.ops_server = server
        # What start-up loaded (lexicon, places, catalog, every topic's index) lives as
        # long as the process: keep it out of the cyclic collector's full passes, which
        # otherwise walk all of it and held the loop 0.7 s with 500 chats' topics.
        gc.freeze()
        if role != "deliver":
            await set_command_menus(app)
            await set_settings_menu(app, settings)
        touch_heartbeat(services)
        if with_jobs:
            schedule_jobs(app, services, settings.liveblog.delivery_seconds, role)
        log.info("bot ready as @%s (role %s)", app.bot.username, role)

    async def post_shutdown(app: AppType) -> None:
        if app.bot_data.ops_server is not None:
            await app.bot_data.ops_server.stop()
            app.bot_data.ops_server = None
        services = app.bot_data.services
        if services is not None:
            if services.roles is not None:
                with contextlib.suppress(Exception):  # its row goes stale on its own
                    await services.roles.leave()
            if services.poller is not None:
                await services.poller.wait_idle()
            if services.fetcher is not None:
                await services.fetcher.close()
            await services.subscriptions.holder.close()
            await services.storage.close()
            services.subscriptions.recent.close()
            app.bot_data.services = None
        gc.unfreeze()  # what was frozen may be garbage now (an app stopped in-process)

    builder = (
        ApplicationBuilder()
        .token(settings.telegram.bot_token.get_secret_value())
        .base_url(settings.telegram.base_url())
        .context_types(CONTEXT_TYPES)
        .concurrent_updates(PerChatOrder())
        .rate_limiter(telegram_limiter(settings.liveblog))
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    if role == "deliver":
        builder = builder.updater(None)
    if settings.liveblog.paid_broadcast:
        # Up to 1,000 sends a second: httpx's CPU per request would cap the rate well
        # below (see handlers/aiohttp_request.py). getUpdates keeps PTB's own transport.
        builder = builder.request(AiohttpRequest())
    app: AppType = builder.build()
    register_all(app)
    return app


def run_worker(app: AppType) -> None:
    """Run an application without an updater (a deliver worker) until SIGTERM/SIGINT:
    what run_polling does, minus asking Telegram for updates."""
    asyncio.run(_serve(app))


def run_webhook(app: AppType, listen: tuple[str, int], webhook_url: str, secret: str) -> None:
    """Take updates by webhook, through our own listener (bot/webhook_server.py) instead
    of PTB's, which reads a whole request before it checks the secret."""
    asyncio.run(_serve(app, (listen, webhook_url, secret)))


async def _serve(app: AppType, webhook: tuple[tuple[str, int], str, str] | None = None) -> None:
    stop = asyncio.Event()
    app.bot_data.stop = stop
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    async with app:
        if app.post_init is not None:
            await app.post_init(app)
        await app.start()
        listener = None
        try:
            if webhook is not None:
                listener = await start_webhook(app, *webhook)
            await stop.wait()
        finally:
            if listener is not None:
                await listener.stop()
            await app.stop()
            if app.post_shutdown is not None:
                await app.post_shutdown(app)


async def start_webhook(
    app: AppType, listen: tuple[str, int], webhook_url: str, secret: str
) -> WebhookServer:
    """Listen, then tell Telegram where to POST (with the secret it must send back)."""

    async def deliver(data: dict[str, Any]) -> None:
        update = Update.de_json(data, app.bot)
        if update is not None:
            await app.update_queue.put(update)

    path = urlparse(webhook_url).path
    listener = WebhookServer(listen[0], listen[1], path, secret, deliver)
    await listener.start()
    await app.bot.set_webhook(webhook_url, secret_token=secret, allowed_updates=Update.ALL_TYPES)
    return listener
