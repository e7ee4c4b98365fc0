"""Matching one query against the recent entries ("would have found N", previews), off the loop.

Matching up to 2,000 entries takes a good fraction of a second of pure CPU. Run on
the event loop, a few readers typing /abo froze every other chat. Here the work

- is bounded: at most SAMPLE_ENTRIES entries and SAMPLE_CHARS characters of text
  (newest first; a huge entry is matched on its first ENTRY_CHARS characters);
- is cached per (canonical query, entry-set version): ten readers subscribing to
  "Kiew" cost one match, and the version moves on whenever new entries arrive;
- runs on ONE shared worker thread, so a burst of commands queues up instead of
  multiplying threads that would all compete for the GIL with the loop;
- is coalesced: a query already being matched is awaited, not started again.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from bot.bounded import BoundedDict
from bot.matching.expr import TopicExpr
from bot.matching.index import Span, TopicIndex
from storage.records import EntryRecord

SAMPLE_ENTRIES = 2000
SAMPLE_CHARS = 4_000_000
ENTRY_CHARS = 20_000
CACHED_RESULTS = 2048
SAMPLE_MAX_AGE_S = 600.0  # the 7-day window slides even when no entry arrives

T = TypeVar("T")
Loader = Callable[[int], Awaitable[list[EntryRecord]]]


@dataclass(frozen=True)
class Found:
    entry: EntryRecord
    spans: tuple[Span, ...]


@dataclass(frozen=True)
class _Sample:
    version: int
    loaded_at: float  # the loop's monotonic time
    entries: tuple[EntryRecord, ...]
    texts: tuple[tuple[str | None, str], ...]  # (title, body prefix) as matched


def bound_sample(entries: list[EntryRecord]) -> list[tuple[EntryRecord, str | None, str]]:
    """The newest entries that fit the budget, each body cut to ENTRY_CHARS (a prefix:
    spans found in it are valid positions in the full body)."""
    kept: list[tuple[EntryRecord, str | None, str]] = []
    budget = SAMPLE_CHARS
    for entry in entries[:SAMPLE_ENTRIES]:
        title = entry.title[:ENTRY_CHARS] if entry.title else entry.title
        body = entry.body[:ENTRY_CHARS]
        budget -= len(body) + len(title or "")
        if budget < 0:
            break
        kept.append((entry, title, body))
    return kept


class RecentMatcher:
    def __init__(self, load: Loader) -> None:
        self._load = load
        self._version = itertools.count(1)
        self._sample: _Sample | None = None
        self._sample_task: asyncio.Task[_Sample] | None = None
        self._results: BoundedDict[Hashable, object] = BoundedDict(CACHED_RESULTS)
        self._inflight: dict[Hashable, asyncio.Future[object]] = {}
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="recent-match")

    def entries_changed(self) -> None:
        """New or edited entries arrived: the next question sees a fresh sample."""
        self._sample = None

    def close(self) -> None:
        self._worker.shutdown(wait=False, cancel_futures=True)

    async def count(self, expr: TopicExpr) -> int:
        """How many recent entries the expression matches."""
        sample = await self._current()
        found = await self._cached(
            ("count", expr.canonical(), sample.version), lambda: _count(expr, sample)
        )
        assert isinstance(found, int)
        return found

    async def first(self, expr: TopicExpr, limit: int) -> tuple[Found, ...]:
        """The newest `limit` matching entries with their matched spans."""
        sample = await self._current()
        found = await self._cached(
            ("first", expr.canonical(), limit, sample.version),
            lambda: _first(expr, sample, limit),
        )
        assert isinstance(found, tuple)
        return found

    async def _current(self) -> _Sample:
        sample = self._sample
        if sample is not None and asyncio.get_running_loop().time() - sample.loaded_at < (
            SAMPLE_MAX_AGE_S
        ):
            return sample
        if self._sample_task is None or self._sample_task.done():
            self._sample_task = asyncio.ensure_future(self._load_sample())
        return await asyncio.shield(self._sample_task)

    async def _load_sample(self) -> _Sample:
        entries = await self._load(SAMPLE_ENTRIES)
        kept = bound_sample(entries)
        sample = _Sample(
            next(self._version),
            asyncio.get_running_loop().time(),
            tuple(e for e, _, _ in kept),
            tuple((title, body) for _, title, body in kept),
        )
        self._sample = sample
        return sample

    async def _cached(self, key: Hashable, work: Callable[[], object]) -> object:
        found = self._results.get(key)
        if found is not None:
            return found
        running = self._inflight.get(key)
        if running is None:
            loop = asyncio.get_running_loop()
            running = asyncio.ensure_future(loop.run_in_executor(self._worker, work))
            self._inflight[key] = running
            running.add_done_callback(lambda _f: self._inflight.pop(key, None))
        result = await asyncio.shield(running)  # one reader giving up cancels nothing
        self._results.set(key, result)
        return result


def _count(expr: TopicExpr, sample: _Sample) -> int:
    index = TopicIndex.build([("q", expr)])
    return sum(
        1
        for entry, (title, body) in zip(sample.entries, sample.texts, strict=True)
        if index.match(title, body, entry.published_at or entry.first_seen_at)
    )


def _first(expr: TopicExpr, sample: _Sample, limit: int) -> tuple[Found, ...]:
    index = TopicIndex.build([("q", expr)])
    found: list[Found] = []
    for entry, (title, body) in zip(sample.entries, sample.texts, strict=True):
        for match in index.match(title, body, entry.published_at or entry.first_seen_at):
            found.append(Found(entry, match.spans))
        if len(found) >= limit:
            break
    return tuple(found[:limit])
