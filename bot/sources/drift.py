"""The layout drift alarm: a page whose markup changed under its adapter.

A source "drifts" when it gave entries and now gives none, or when it fails to parse
PARSE_FAILURES polls in a row. Then it is marked "layout changed?" (kept in the
database, shown by /sources and the metrics) with the adapter and the first piece of
the adapter's expected markup that no longer matched, and the operators are told once.
A poll that gives entries again ends the drift. Network failures are not drift: they
are the fetcher's, and /sources shows them as they are.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from bot.clock import Clock
from bot.metrics import Metrics
from bot.sources.detect import ADAPTER_SELECTORS
from bot.sources.model import ParseError, ParseResult
from storage.interfaces import Storage
from storage.records import DriftRecord, SourceRecord

log = logging.getLogger(__name__)

PARSE_FAILURES = 3  # polls in a row that fail to parse before the alarm
MAX_REMEMBERED = 2000  # sources whose last adapter is remembered
EMPTY = "empty"
UNPARSABLE = "unparsable"

Notify = Callable[[SourceRecord, DriftRecord], Awaitable[None]]


@dataclass
class DriftWatch:
    storage: Storage
    clock: Clock
    notify: Notify | None = None
    metrics: Metrics | None = None
    failures: int = PARSE_FAILURES

    def __post_init__(self) -> None:
        self._known: dict[int, DriftRecord] | None = None  # loaded once, kept in step
        # The adapter that last read each source (detected ones have no format set): a
        # page that stops being detected is named by what it was.
        self._adapters: dict[int, str] = {}

    async def known(self) -> dict[int, DriftRecord]:
        if self._known is None:
            self._known = await self.storage.drift.all()
        return self._known

    async def parsed(self, source: SourceRecord, parsed: ParseResult) -> None:
        """A poll that parsed: entries end a drift; none, after entries before, start one."""
        if source.follow_pattern:
            return  # an overview read for its links, not for entries
        known = await self.known()
        if parsed.entries:
            self._remember(source.source_id, parsed.format)
            if source.source_id in known:
                await self._end(source, known)
            return
        if source.source_id in known:
            self._gauge(source, True)
            return
        if not await self.storage.entries.latest(1, source.source_id):
            return  # never gave entries: an empty page, not a changed one
        selector = parsed.missing or "any entry"
        detail = parsed.skip_reason or (parsed.problems[0] if parsed.problems else "no entries")
        await self._drift(source, EMPTY, parsed.format, selector, detail)

    async def unchanged(self, source: SourceRecord) -> None:
        """A "not modified" answer: the page is the last one that parsed. After pages
        that did not parse, that one gave entries: the drift is over."""
        known = await self.known()
        drift = known.get(source.source_id)
        if drift is not None and drift.reason == UNPARSABLE:
            await self._end(source, known)

    async def _end(self, source: SourceRecord, known: dict[int, DriftRecord]) -> None:
        await self.storage.drift.clear(source.source_id)
        known.pop(source.source_id, None)
        self._gauge(source, False)
        log.info("source %s: readable again, layout drift over", source.url)

    async def unparsable(self, source: SourceRecord, error: ParseError, failures: int) -> None:
        """A poll whose page could not be read; `failures` polls in a row so far."""
        if source.follow_pattern or failures < self.failures:
            return
        known = await self.known()
        if source.source_id in known and known[source.source_id].reported_at is not None:
            self._gauge(source, True)
            return  # told once; the row keeps what was found first
        adapter = error.adapter or source.format or self._adapters.get(source.source_id)
        selector = error.selector or ADAPTER_SELECTORS.get(adapter or "", "a known liveblog layout")
        await self._drift(source, UNPARSABLE, adapter or "detection", selector, str(error))

    def _remember(self, source_id: int, adapter: str) -> None:
        self._adapters.pop(source_id, None)
        self._adapters[source_id] = adapter
        while len(self._adapters) > MAX_REMEMBERED:  # the least recently read go first
            del self._adapters[next(iter(self._adapters))]

    async def _drift(
        self, source: SourceRecord, reason: str, adapter: str, selector: str, detail: str
    ) -> None:
        now = self.clock.now()
        record = await self.storage.drift.raise_(
            source.source_id, reason, adapter, selector, detail, now
        )
        known = await self.known()
        known[source.source_id] = record
        self._gauge(source, True)
        if record.reported_at is not None:
            return
        log.warning(
            "source %s: layout changed? %s adapter, %r no longer matched (%s)",
            source.url,
            adapter,
            selector,
            detail[:200],
        )
        if not await self.storage.drift.reported(source.source_id, now):
            return  # another process told the operators already
        known[source.source_id] = replace(record, reported_at=now)
        if self.notify is not None:
            try:
                await self.notify(source, known[source.source_id])
            except Exception:  # telling the operators must never stop polling
                log.exception("source %s: telling the operators about the drift failed", source.url)

    def _gauge(self, source: SourceRecord, drifting: bool) -> None:
        if self.metrics is not None:
            self.metrics.layout_changed(source, drifting)
