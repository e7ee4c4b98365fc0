"""What every format adapter produces: entries, plus the page's links and problems."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TypeVar

from bot.text_repair import repair

T = TypeVar("T")
MAX_PROBLEM_CHARS = 300  # a problem quotes ids and times from the page: a 100 KB id is cut


class Kind(StrEnum):
    NEWS = "news"
    NOTICE = "notice"  # "Ende des Liveblogs", source disclaimers: stored, never matched


class ParseError(ValueError):
    """The payload cannot be read as the format at all (nothing is stored).

    `selector` names the first piece of the expected markup that matched nothing (for
    the layout drift alarm); `adapter` the adapter that raised it (set by detect)."""

    def __init__(self, message: str, selector: str | None = None) -> None:
        super().__init__(message)
        self.selector = selector
        self.adapter: str | None = None


def content_hash(title: str | None, text: str) -> str:
    normal = re.sub(r"\s+", " ", f"{title or ''}\n{text}").strip()
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Entry:
    key: str
    published: datetime | None
    updated: datetime | None
    title: str | None
    text: str
    url: str | None
    kind: Kind = Kind.NEWS

    def __post_init__(self) -> None:
        # Every adapter's text is repaired here, once: a lone surrogate in one item of a
        # JSON feed must not make the whole source unstorable, and invisible or bidi
        # characters must not hide words from matching or reach a reader.
        object.__setattr__(self, "key", repair(self.key))
        object.__setattr__(self, "title", repair(self.title) if self.title else self.title)
        object.__setattr__(self, "text", repair(self.text))
        object.__setattr__(self, "url", repair(self.url) if self.url else self.url)

    @property
    def hash(self) -> str:
        return content_hash(self.title, self.text)


MAX_ENTRIES = 10_000  # per page: a liveblog day holds a few hundred; bounds storing, matching
MAX_PROBLEMS = 50  # kept per page: enough to say what is wrong, bounded for a hostile page


@dataclass
class ParseResult:
    format: str
    entries: list[Entry] = field(default_factory=list)
    page_title: str | None = None
    links: list[str] = field(default_factory=list)  # other liveblog pages (previous/next day)
    problems: list[str] = field(default_factory=list)  # recoverable oddities, for the log
    skipped: int = 0  # items that could not be read at all (see `item`)
    overflow: int = 0  # entries beyond MAX_ENTRIES, left out
    skip_reason: str = ""  # why the first unreadable item was skipped
    echoed: int = 0  # JSON-LD updates left out: they only repeat the page's headline/time
    missing: str | None = None  # the first expected piece of markup that matched nothing

    def note(self, problem: str) -> None:
        """Record a problem (the first MAX_PROBLEMS of a page are kept, each cut short):
        every item of a hostile page may be odd, and each problem is a log line."""
        if len(self.problems) < MAX_PROBLEMS:
            cut = (
                problem if len(problem) <= MAX_PROBLEM_CHARS else problem[:MAX_PROBLEM_CHARS] + "…"
            )
            self.problems.append(cut)

    @property
    def full(self) -> bool:
        return len(self.entries) >= MAX_ENTRIES

    def bounded(self, items: Iterable[T]) -> Iterator[T]:
        """The page's items until MAX_ENTRIES entries are kept; the rest are only counted.

        Building an entry costs ~0.1 ms (text, repair, hash): a 5 MB page of 60,000 tiny
        items held a parsing thread 5-20 s to build entries that `add` then threw away."""
        for item in items:
            if self.full:
                self.left_out()
                continue
            yield item

    def left_out(self) -> None:
        """Count one item beyond MAX_ENTRIES (the first one is noted)."""
        if not self.overflow:
            self.note(f"more than {MAX_ENTRIES} entries: the first {MAX_ENTRIES} are kept")
        self.overflow += 1

    @contextmanager
    def item(self, label: object) -> Iterator[None]:
        """Read one item of the page: if that fails, skip it with a problem that says why.
        One unreadable item (absurdly nested HTML, odd data) never costs the others."""
        try:
            yield
        except Exception as exc:  # any failure is this item's, named in the problem
            reason = str(exc) if isinstance(exc, ParseError) else type(exc).__name__
            if isinstance(exc, RecursionError):
                reason = "nested too deeply to read"
            name = str(label)
            name = name if len(name) <= 80 else "…" + name[-79:]  # ids differ at the end
            problem = f"item {name!r} skipped: {reason[:200]}"
            self.skip_reason = self.skip_reason or problem
            self.skipped += 1
            self.note(problem)

    def add(self, entry: Entry, seen: set[str]) -> None:
        """Keep the first entry of a key: a page repeating an id must not flip-flop."""
        if not entry.text.strip() and not (entry.title or "").strip():
            self.note(f"entry {entry.key!r} is empty: skipped")
            return
        if entry.key in seen:
            self.note(f"duplicate entry id {entry.key!r}: kept the first")
            return
        if self.full:
            self.left_out()
            return
        seen.add(entry.key)
        self.entries.append(entry)
