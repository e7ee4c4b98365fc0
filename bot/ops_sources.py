"""Operators change the followed sources at runtime: add one, pause or resume one.

Runtime changes last until the next start, which follows LIVEBLOG_SOURCES again (it
re-activates what is configured and retires what is not): the environment stays the
one place that says what a deployment follows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from urllib.parse import urlparse

from bot.sources.catalog import adhoc_entry
from bot.sources.directory import SourceDirectory
from bot.sources.poller import follow_catalog
from storage.interfaces import Storage
from storage.records import SourceRecord

MAX_URL = 2000
MAX_NAME = 60  # a catalog label's size


@dataclass(frozen=True, slots=True)
class SourcesAction:
    """What `/sources …` asked for: list, add (url), pause or resume (source id)."""

    verb: str  # list | add | pause | resume | usage
    url: str | None = None
    source_id: int | None = None
    name: str | None = None  # add: what readers see ("auch bei: …"); default: the host


def parse_sources_args(args: list[str]) -> SourcesAction:
    if not args:
        return SourcesAction("list")
    verb = args[0].lower()
    if verb == "add" and len(args) >= 2:
        name = " ".join(" ".join(args[2:]).split())[:MAX_NAME] or None
        return SourcesAction("add", url=args[1], name=name)
    if verb in ("pause", "resume") and len(args) == 2 and args[1].isdigit() and len(args[1]) < 12:
        return SourcesAction(verb, source_id=int(args[1]))
    return SourcesAction("usage")


def valid_url(url: str) -> bool:
    """Only web addresses: an operator command must not make the bot read local files."""
    if len(url) > MAX_URL or any(ch.isspace() for ch in url):
        return False
    parsed = urlparse(url)
    return parsed.scheme in ("http", "https") and bool(parsed.hostname)


async def add_source(
    storage: Storage,
    directory: SourceDirectory,
    url: str,
    interval_s: int,
    now: datetime,
    name: str | None = None,
) -> SourceRecord:
    """Follow `url` from the next poll tick on (its first poll is history). `name` is
    the label readers see; without one, the host (which may say little: "127.0.0.1")."""
    entry = adhoc_entry(url)
    if name:
        entry = replace(entry, outlet=name[:40], label_de=name, label_en=name)
    [record] = await follow_catalog(storage, [entry], interval_s, now)
    directory.add_entry(entry)
    directory.note(record)
    return record


async def pause_source(storage: Storage, source_id: int) -> int | None:
    """Stop polling the source and the pages it follows; how many stopped (None: unknown)."""
    source = await storage.sources.get(source_id)
    if source is None:
        return None
    children = [c for c in await storage.sources.children(source_id) if c.active]
    for record in (source, *children):
        await storage.sources.set_active(record.source_id, False)
    return 1 + len(children)


async def resume_source(storage: Storage, source_id: int) -> bool:
    """Poll it again, with its current followed pages (not the retired ones)."""
    source = await storage.sources.get(source_id)
    if source is None:
        return False
    await storage.sources.set_active(source_id, True)
    for child in await storage.sources.children(source_id):
        if child.retire_at is None:
            await storage.sources.set_active(child.source_id, True)
    return True
