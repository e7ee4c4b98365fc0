"""`liveblog-alerts ingest SOURCE`: fetch once, store, print what is new or edited."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.clock import SystemClock
from bot.sources.fetch import Fetcher, FetchError, is_local_path
from bot.sources.ingest import IngestReport, store_payload
from bot.sources.model import ParseError
from storage import open_storage


def source_identity(source: str) -> str:
    """Local files are known by their absolute path, so `./x` and `x` are one source."""
    if is_local_path(source):
        return str(Path(source.removeprefix("file://")).resolve())
    return source


def report_lines(report: IngestReport, zone: ZoneInfo) -> list[str]:
    lines = []
    for result in report.changed:
        entry = result.entry
        published = entry.published_at.astimezone(zone).isoformat() if entry.published_at else None
        lines.append(
            json.dumps(
                {
                    # `id` is what `match` reads (ingest | match works); `key` as before.
                    "id": entry.key,
                    "key": entry.key,
                    "published": published,
                    "title": entry.title,
                    "text": entry.body,
                    "url": entry.url,
                    "kind": entry.kind,
                    "status": result.status.value,
                },
                ensure_ascii=False,
            )
        )
    return lines


async def run_ingest(
    source: str, fmt: str | None, db: str | Path, zone: ZoneInfo, interval_s: int
) -> int:
    clock = SystemClock()
    storage = await open_storage(db)
    fetcher = Fetcher()
    try:
        record = await storage.sources.ensure(source_identity(source), fmt, interval_s, clock.now())
        if fmt and record.format != fmt:
            record = await storage.sources.ensure(record.url, fmt, interval_s, clock.now())
        try:
            fetched = await fetcher.fetch(record.url, record.etag, record.last_modified)
            if fetched.not_modified:
                report = IngestReport(record, None, [])
            else:
                report = await store_payload(storage, clock, record, fetched)
        except (FetchError, ParseError) as exc:
            await storage.sources.record_failure(
                record.source_id, str(exc), clock.now(), clock.now()
            )
            print(f"error: {source}: {exc}", file=sys.stderr)
            return 1
        await storage.sources.record_success(
            record.source_id, fetched.etag, fetched.last_modified, clock.now(), clock.now()
        )
        for line in report_lines(report, zone):
            print(line)
        if report.parsed is not None:
            for problem in report.parsed.problems[:20]:
                print(f"note: {problem}", file=sys.stderr)
        return 0
    finally:
        await fetcher.close()
        await storage.close()
