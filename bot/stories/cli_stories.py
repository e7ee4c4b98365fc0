"""`liveblog-alerts stories FILE.jsonl`: the bot's own merger over a stream of entries.

Each line is one entry (`id`, `source`, `published`, `title`, `text`), in time order.
Every entry is stored as the poller stores it (a source per `source`, seen when it was
published) in a throw-away database and linked by the same StoryLinker the alert
pipeline uses, with the same windows and limits; one JSON line per entry says which
story it joined: the id of the story's first entry (its own id when it starts one).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from bot.stories.linker import StoryLinker
from storage import open_storage
from storage.records import NewEntry

MAX_LINE = 200_000  # characters of one line; a longer one is refused, not read whole
MAX_FIELD = 20_000  # characters of a title or text kept (the merger reads the lead)


@dataclass(frozen=True, slots=True)
class StreamEntry:
    id: str
    source: str
    published: datetime
    title: str | None
    text: str


def _when(value: Any) -> datetime:
    text = str(value).strip().replace("Z", "+00:00")
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def read_stream(handle: TextIO, name: str) -> Iterator[StreamEntry]:
    """Valid lines as entries; a bad line is reported on stderr and skipped."""
    for number, line in enumerate(handle, 1):
        if not line.strip():
            continue
        try:
            if len(line) > MAX_LINE:
                raise ValueError(f"line longer than {MAX_LINE} characters")
            item = json.loads(line)
            if not isinstance(item, dict):
                raise ValueError("not a JSON object")
            ident, source = item.get("id"), item.get("source")
            if ident is None or not str(ident).strip():
                raise ValueError("no id")
            if not source or not str(source).strip():
                raise ValueError("no source")
            title = item.get("title")
            yield StreamEntry(
                id=str(ident),
                source=str(source)[:200],
                published=_when(item["published"]),
                title=str(title)[:MAX_FIELD] if title else None,
                text=str(item.get("text") or "")[:MAX_FIELD],
            )
        except (ValueError, KeyError, TypeError) as exc:
            print(f"{name}:{number}: skipped: {exc}", file=sys.stderr)


async def replay(
    entries: Iterator[StreamEntry], out: TextIO, explain: bool = False, db: Path | None = None
) -> int:
    """Link each entry as the pipeline would; prints one line per entry. Returns how many."""
    with tempfile.TemporaryDirectory(prefix="stories-") as scratch:
        storage = await open_storage(db or Path(scratch) / "stories.sqlite3")
        try:
            return await _replay(storage, entries, out, explain)
        finally:
            await storage.close()


async def _replay(storage: Any, entries: Iterator[StreamEntry], out: TextIO, explain: bool) -> int:
    linker = StoryLinker(storage)
    linker.explain = explain
    sources: dict[str, int] = {}
    ids: dict[int, str] = {}  # entry id in the database → id in the file
    seen: set[str] = set()
    count = 0
    for item in entries:
        if item.id in seen:
            print(f"duplicate id {item.id!r}: skipped", file=sys.stderr)
            continue
        seen.add(item.id)
        source_id = sources.get(item.source)
        if source_id is None:
            record = await storage.sources.ensure(f"stream:{item.source}", None, 60, item.published)
            source_id = sources[item.source] = record.source_id
        digest = hashlib.sha256(f"{item.title}\n{item.text}".encode()).hexdigest()
        stored = NewEntry(
            key=item.id[:500],
            published_at=item.published,
            modified_at=None,
            title=item.title,
            body=item.text,
            url=None,
            kind="news",
            content_hash=digest,
        )
        # Seen when published: the poller's windows count from there.
        [result] = await storage.entries.upsert_many(source_id, [stored], item.published)
        entry = result.entry
        ids[entry.entry_id] = item.id
        links = await linker.link([entry])
        story = links.get(entry.entry_id)
        line: dict[str, Any] = {"id": item.id, "story": ids[story] if story else item.id}
        if explain:
            why = linker.explanations.pop(entry.entry_id, {})
            for compared in why.get("compared", ()):
                compared["story"] = ids.get(compared["story"], compared["story"])
            line["explain"] = why
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
        count += 1
    return count


def run_stories(path: str, explain: bool) -> int:
    if path == "-":
        with contextlib.suppress(BrokenPipeError):
            asyncio.run(replay(read_stream(sys.stdin, "stdin"), sys.stdout, explain))
        return 0
    try:
        with (
            Path(path).open(encoding="utf-8", errors="replace") as handle,
            contextlib.suppress(BrokenPipeError),  # `| head` stops reading
        ):
            asyncio.run(replay(read_stream(handle, path), sys.stdout, explain))
    except OSError as exc:
        print(f"error: cannot read {path}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0
