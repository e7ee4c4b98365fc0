"""From a fetched payload to stored entries: parse, sanity-check, upsert in one go."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from bot.clock import Clock
from bot.sources.detect import parse_payload
from bot.sources.fetch import FetchResult
from bot.sources.model import Entry, ParseResult
from bot.sources.times import plausible
from bot.sources.workers import off_loop
from bot.text_repair import repair
from storage.interfaces import Storage
from storage.records import NewEntry, SourceRecord, UpsertResult, UpsertStatus

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RollOff:
    """A page that holds only its newest entries (ZDFheute: ~20) showed nothing seen
    before: whatever was published between `seen_newest` and `page_oldest` rolled off
    the page between two polls, unseen."""

    window: int  # entries on the page
    seen_newest: datetime | None  # the newest entry stored before this poll
    page_oldest: datetime | None  # the oldest entry on the page now


@dataclass
class IngestReport:
    source: SourceRecord
    parsed: ParseResult | None
    results: list[UpsertResult] = field(default_factory=list)
    first_poll: bool = False  # the source's first successful poll: delivery pushes nothing
    rolled_off: RollOff | None = None

    @property
    def changed(self) -> list[UpsertResult]:
        return [r for r in self.results if r.status is not UpsertStatus.UNCHANGED]


def is_first_poll(source: SourceRecord) -> bool:
    """A source the operator just added: its backlog is history and pushes nothing. A
    daily page found by following is news from its first poll on."""
    return source.first_polled_at is None and source.parent_id is None


def to_new_entry(entry: Entry, now: datetime, parsed: ParseResult) -> NewEntry:
    published = plausible(entry.published, now)
    if entry.published is not None and published is None:
        parsed.note(f"entry {entry.key!r}: implausible time {entry.published.isoformat()}")
    return NewEntry(
        key=entry.key[:500],
        published_at=published,
        modified_at=plausible(entry.updated, now),
        title=entry.title[:1000] if entry.title else None,
        body=entry.text[:100_000],
        url=entry.url[:2000] if entry.url else None,
        kind=entry.kind.value,
        content_hash=entry.hash,
    )


_LOGGED: dict[int, frozenset[str]] = {}  # source id -> problems of its last parsed poll
_LOGGED_SOURCES = 1000


def _log_problems(source: SourceRecord, problems: list[str]) -> None:
    """A page's problems as warnings, each once while it lasts: a liveblog page changes
    every few minutes, and one odd item must not repeat in the log at every poll."""
    before = _LOGGED.pop(source.source_id, frozenset())
    for problem in problems:
        log.log(
            logging.DEBUG if problem in before else logging.WARNING,
            "source %s: %s",
            source.url,
            problem,
        )
    _LOGGED[source.source_id] = frozenset(problems)
    while len(_LOGGED) > _LOGGED_SOURCES:  # the least recently parsed go first
        del _LOGGED[next(iter(_LOGGED))]


def prepare(
    fetched: FetchResult, fmt: str | None, now: datetime
) -> tuple[ParseResult, list[NewEntry]]:
    """Parse a fetch and shape its entries for storage: CPU work only, run off the loop."""
    parsed = parse_payload(fetched.body, fetched.url, fetched.content_type, fmt, fetched.charset)
    return parsed, [to_new_entry(entry, now, parsed) for entry in parsed.entries]


async def store_payload(
    storage: Storage, clock: Clock, source: SourceRecord, fetched: FetchResult
) -> IngestReport:
    """Parse and store one fetch. Raises ParseError before anything is written."""
    parsed, new_entries = await off_loop(prepare, fetched, source.format, clock.now())
    first = is_first_poll(source)
    # A first poll's backlog is history: stored as already matched, it pushes nothing.
    results = await storage.entries.upsert_many(
        source.source_id, new_entries, clock.now(), match=not first
    )
    _log_problems(source, parsed.problems)
    if parsed.page_title and not source.name:
        await storage.sources.set_name(source.source_id, repair(parsed.page_title)[:200])
    rolled = await rolled_off(storage, source, results) if not first else None
    return IngestReport(source, parsed, results, first_poll=first, rolled_off=rolled)


MIN_WINDOW = 2  # a page of one entry says nothing about a window


async def rolled_off(
    storage: Storage, source: SourceRecord, results: list[UpsertResult]
) -> RollOff | None:
    """A gap: every entry on the page is new although the source gave entries before,
    and (where times are known) the page's oldest entry is newer than the newest seen.
    Costs a query only when every entry is new, which a steady blog never does."""
    if source.first_polled_at is None or len(results) < MIN_WINDOW:
        return None
    if any(r.status is not UpsertStatus.NEW for r in results):
        return None
    fresh = {r.entry.entry_id for r in results}
    before = [
        e
        for e in await storage.entries.latest(len(fresh) + 1, source.source_id)
        if e.entry_id not in fresh
    ]
    if not before:
        return None  # nothing seen before: a first page, not a gap
    seen_newest = before[0].published_at
    times = [r.entry.published_at for r in results if r.entry.published_at is not None]
    page_oldest = min(times, default=None)
    if seen_newest is not None and page_oldest is not None and page_oldest <= seen_newest:
        return None  # the page reaches back to what was seen: new entries, no gap
    return RollOff(len(results), seen_newest, page_oldest)
