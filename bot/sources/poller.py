"""Poll every due source on its own schedule; one slow or broken source never delays others.

Each due source is polled in a task of its own (never twice at once), at most
`concurrency` at a time (fetching and parsing cost memory and CPU). Success resets
the failure count; a failure backs off exponentially with jitter, up to 30 minutes,
and is kept in the source's health (logged when the state changes, not every poll).
Anything an adapter raises is that source's error. A following source (an overview page or feed
with a URL pattern) discovers the newest liveblog page and polls it as a child; the
previous child is polled for a grace period for late entries, then retired. Children
are only ever http(s) pages on the overview's host (or LIVEBLOG_FOLLOW_HOSTS), redirects
included, and never replace or retire a source the operator configured (follow.py).
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.metrics import Metrics
from bot.sources.catalog import CatalogSource, adhoc_entry
from bot.sources.detect import parse_links
from bot.sources.drift import DriftWatch
from bot.sources.fetch import Fetcher, FetchError
from bot.sources.follow import allowed_hosts, looks_like_path_pattern, match_path, refusal
from bot.sources.ingest import IngestReport, RollOff, is_first_poll, store_payload
from bot.sources.model import ParseError, ParseResult
from bot.sources.workers import off_loop
from storage.interfaces import Storage
from storage.records import SourceRecord

log = logging.getLogger(__name__)

MIN_INTERVAL_S = 15
MAX_BACKOFF_S = 30 * 60
RETIRE_GRACE = timedelta(hours=3)
MAX_THEMES = 20  # pages one follow rule polls at once
POLL_DEADLINE_S = 60.0  # a whole poll (fetch + parse + store) never takes longer
CONCURRENCY = 4  # polls fetching and parsing at once

OnReport = Callable[[IngestReport], Awaitable[None]]


def backoff_seconds(interval_s: int, failures: int, rng: random.Random) -> float:
    """interval · 2^failures, capped at 30 min, with "equal jitter" (half fixed, half random)."""
    ceiling = float(min(MAX_BACKOFF_S, max(interval_s, MIN_INTERVAL_S) * 2 ** min(failures, 16)))
    return ceiling / 2 + rng.uniform(0, ceiling / 2)


def newest_link(parsed: ParseResult, pattern: str, hosts: frozenset[str]) -> str | None:
    """The first link matching the pattern: feeds and overviews list the newest first."""
    return next(iter(newest_links(parsed, pattern, hosts).values()), None)


def newest_links(parsed: ParseResult, pattern: str, hosts: frozenset[str]) -> dict[str | None, str]:
    """The newest followable link per theme (the pattern's `theme` group; None without
    one): http(s) on `hosts`, its whole path matching the pattern (see follow.py).
    Feeds and overviews list the newest first. At most MAX_THEMES themes."""
    regex = re.compile(pattern)
    candidates = [e.url for e in parsed.entries if e.url] + parsed.links
    found: dict[str | None, str] = {}
    for url in candidates:
        if refusal(url, hosts) is not None:
            continue
        match = match_path(regex, url)
        if match is None:
            continue
        theme = match.groupdict().get("theme")
        if theme not in found and len(found) < MAX_THEMES:
            found[theme] = url
    return found


class Poller:
    def __init__(
        self,
        storage: Storage,
        fetcher: Fetcher,
        clock: Clock,
        on_report: OnReport | None = None,
        rng: random.Random | None = None,
        concurrency: int = CONCURRENCY,
        follow_hosts: frozenset[str] = frozenset(),
        metrics: Metrics | None = None,
        drift: DriftWatch | None = None,
    ) -> None:
        self.storage, self.fetcher, self.clock = storage, fetcher, clock
        self.on_report = on_report
        self.rng = rng or random.Random()
        self._slots = asyncio.Semaphore(concurrency)
        self.follow_hosts = follow_hosts  # hosts any followed page may be on (besides its own)
        self._running: dict[int, asyncio.Task[IngestReport | None]] = {}
        self.metrics = metrics
        self.drift = drift  # the layout drift alarm (bot/sources/drift.py)

    async def tick(self) -> list[asyncio.Task[IngestReport | None]]:
        """Start a poll for every due source that is not already being polled."""
        now = self.clock.now()
        await self.storage.sources.retire_due(now)
        started = []
        for source in await self.storage.sources.list_active():
            if source.source_id in self._running:
                continue
            if source.next_poll_at is not None and source.next_poll_at > now:
                continue
            task = asyncio.create_task(self._guarded(source), name=f"poll:{source.source_id}")
            self._running[source.source_id] = task
            task.add_done_callback(self._forget(source.source_id))
            started.append(task)
        if self.metrics is not None:
            self.metrics.tick_done("poll")
        return started

    def _forget(self, source_id: int) -> Callable[[asyncio.Task[IngestReport | None]], None]:
        def done(_task: asyncio.Task[IngestReport | None]) -> None:
            self._running.pop(source_id, None)

        return done

    async def wait_idle(self) -> None:
        """Wait for the polls in flight (tests, shutdown)."""
        while self._running:
            await asyncio.gather(*self._running.values(), return_exceptions=True)

    async def _guarded(self, source: SourceRecord) -> IngestReport | None:
        # The deadline starts once a slot is free: waiting for one is no fault of the source.
        async with self._slots:
            started = time.perf_counter()
            try:
                return await asyncio.wait_for(self.poll(source), POLL_DEADLINE_S)
            except TimeoutError:
                await self._failed(source, f"poll took longer than {POLL_DEADLINE_S:.0f} s")
            except Exception as exc:  # one broken source must not take the poller down
                error = f"internal error: {type(exc).__name__}: {str(exc)[:200]}"
                await self._failed(source, error, exc)
            finally:
                if self.metrics is not None:
                    self.metrics.polled(source, time.perf_counter() - started)
        return None

    async def poll(self, source: SourceRecord) -> IngestReport | None:
        now = self.clock.now()
        try:
            fetched = await self.fetcher.fetch(
                source.url, source.etag, source.last_modified, await self._hosts_for(source)
            )
            if fetched.not_modified:
                report = IngestReport(source, None, [], first_poll=is_first_poll(source))
            elif source.follow_pattern:
                links = await off_loop(parse_links, fetched.body, fetched.url, fetched.content_type)
                report = IngestReport(source, links, [], first_poll=is_first_poll(source))
            else:
                report = await store_payload(self.storage, self.clock, source, fetched)
        except (FetchError, ParseError) as exc:
            failures = await self._failed(source, str(exc))
            if isinstance(exc, ParseError) and self.drift is not None:
                await self._watch(self.drift.unparsable(source, exc, failures), source)
            return None
        next_at = now + timedelta(seconds=max(source.interval_s, MIN_INTERVAL_S))
        etag = fetched.etag or (source.etag if fetched.not_modified else None)
        modified = fetched.last_modified or (source.last_modified if fetched.not_modified else None)
        await self.storage.sources.record_success(source.source_id, etag, modified, now, next_at)
        if failures_before := source.consecutive_failures:
            log.info("source %s: recovered after %d failures", source.url, failures_before)
        if source.follow_pattern and report.parsed is not None:
            await self._follow(source, report.parsed)
        elif report.parsed is not None and self.drift is not None:
            await self._watch(self.drift.parsed(source, report.parsed), source)
        elif fetched.not_modified and self.drift is not None and not source.follow_pattern:
            await self._watch(self.drift.unchanged(source), source)
        if report.changed:
            log.info("source %s: %d new or edited entries", source.url, len(report.changed))
        if report.rolled_off is not None:
            self._rolled_off(source, report.rolled_off)
        if self.on_report is not None:
            try:
                await self.on_report(report)
            except Exception:
                # Not the source's fault, so no backoff: what it stored waits for the
                # alert pipeline's next sweep (storage keeps it marked unmatched).
                log.exception("source %s: creating alerts failed; retried next cycle", source.url)
        return report

    def _rolled_off(self, source: SourceRecord, gap: RollOff) -> None:
        """Entries that rolled off the page between two polls, unseen: counted and logged
        (the catalog polls windowed pages such as ZDFheute's more often for this)."""
        if self.metrics is not None:
            self.metrics.rolled_off(source)
        log.warning(
            "source %s: all %d entries on the page are new and the oldest (%s) is after the"
            " newest seen before (%s): entries in between rolled off the page unseen;"
            " polled every %d s",
            source.url,
            gap.window,
            gap.page_oldest.isoformat() if gap.page_oldest else "time unknown",
            gap.seen_newest.isoformat() if gap.seen_newest else "time unknown",
            source.interval_s,
        )

    async def _watch(self, work: Awaitable[None], source: SourceRecord) -> None:
        """The drift alarm's bookkeeping: its own failure never fails the poll."""
        try:
            await work
        except Exception:
            log.exception("source %s: the layout drift check failed", source.url)

    async def _failed(
        self, source: SourceRecord, error: str, exc: BaseException | None = None
    ) -> int:
        now = self.clock.now()
        delay = backoff_seconds(source.interval_s, source.consecutive_failures + 1, self.rng)
        failures = await self.storage.sources.record_failure(
            source.source_id, error, now, now + timedelta(seconds=delay)
        )
        # Once per state change (healthy -> failing, or a different error): a source that
        # stays broken must not fill the log every minute. Its health keeps the details.
        changed = source.consecutive_failures == 0 or source.last_error != error[:500]
        log.log(
            logging.WARNING if changed else logging.DEBUG,
            "source %s failed (%d in a row, next try in %.0f s): %s",
            source.url,
            failures,
            delay,
            error,
            # A traceback only for our own bugs (not for bad input), and only once.
            exc_info=exc if changed and exc is not None else None,
        )
        return failures

    async def _hosts_for(self, source: SourceRecord) -> frozenset[str] | None:
        """Where a followed page may be fetched from (None: configured, anywhere)."""
        if source.parent_id is None:
            return None
        parent = await self.storage.sources.get(source.parent_id)
        return allowed_hosts(parent.url if parent else "", self.follow_hosts)

    async def _follow(self, parent: SourceRecord, parsed: ParseResult) -> None:
        assert parent.follow_pattern is not None
        hosts = allowed_hosts(parent.url, self.follow_hosts)
        found = newest_links(parsed, parent.follow_pattern, hosts)
        if not found:
            return
        children = await self.storage.sources.children(parent.source_id)
        for theme, newest in found.items():
            await self._follow_theme(parent, theme, newest, children)

    async def _follow_theme(
        self,
        parent: SourceRecord,
        theme: str | None,
        newest: str,
        children: Sequence[SourceRecord],
    ) -> None:
        """Poll the theme's newest page; the theme's previous page retires after a grace."""
        same = [child for child in children if child.theme == theme]
        if any(c.url == newest and c.active and c.retire_at is None for c in same):
            return
        now = self.clock.now()
        configured = await self.storage.sources.find(newest)
        if configured is not None and configured.parent_id is None:
            # The operator's own source: polled as configured, never taken over. The
            # theme's previous page is still done with.
            await self._retire(same, None, now)
            return
        child = await self.storage.sources.add_child(
            parent.source_id, newest, parent.format, parent.interval_s, now
        )
        if child.parent_id != parent.source_id:
            return  # configured meanwhile: storage refused to take it over
        await self.storage.sources.set_catalog(child.source_id, parent.catalog_id, theme)
        log.info("source %s: now following %s", parent.url, newest)
        await self._retire(same, child.source_id, now)

    async def _retire(self, pages: Sequence[SourceRecord], keep: int | None, now: datetime) -> None:
        for old in pages:
            if old.source_id != keep and old.active and old.retire_at is None:
                await self.storage.sources.set_retire_at(old.source_id, now + RETIRE_GRACE)


async def follow_catalog(
    storage: Storage, sources: Sequence[CatalogSource], interval_s: int, now: datetime
) -> list[SourceRecord]:
    """Register the catalog sources to follow, each tied to its catalog id."""
    records = []
    for entry in sources:
        # A follow rule's format hint is for the pages it finds: they inherit it (and
        # its interval: a page that keeps only its newest entries is polled more often).
        every = min(interval_s, entry.interval_s) if entry.interval_s else interval_s
        source = await storage.sources.ensure(entry.address, entry.format, every, now)
        if entry.follow:
            if entry.pattern and not looks_like_path_pattern(entry.pattern):
                log.warning(
                    "source %s: follow pattern %r is matched against a link's whole path"
                    " (e.g. /newsticker/liveblog-ukraine-[a-z0-9-]+\\.html): start it with '/'",
                    entry.address,
                    entry.pattern,
                )
            await storage.sources.set_follow(source.source_id, entry.pattern)
        await storage.sources.set_catalog(source.source_id, entry.id, None)
        records.append(source)
    return records


async def add_sources(storage: Storage, urls: list[str], interval_s: int, now: datetime) -> None:
    """Register configured addresses; `follow:<overview URL>|<regex>` follows daily pages."""
    await follow_catalog(storage, [adhoc_entry(spec) for spec in urls], interval_s, now)
