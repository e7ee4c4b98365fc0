"""`liveblog-alerts match` and `liveblog-alerts topics`: the matcher from the shell."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from bot.matching.index import TopicIndex
from bot.matching.lexicon import default_lexicon
from bot.matching.query import QueryError, default_resolver


def read_items(path: Path) -> Iterator[dict[str, Any]]:
    """JSON lines with id, title, text. Bad lines are reported and skipped."""
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                yield {
                    "id": item["id"],
                    "title": item.get("title"),
                    "text": str(item.get("text") or ""),
                    "published": _published(item.get("published")),
                }
            except (ValueError, KeyError, TypeError) as exc:
                print(f"{path}:{number}: skipped: {exc}", file=sys.stderr)


def _published(value: Any) -> date | None:
    """The entry's day from an ISO date or timestamp ("2024-11-04T23:36:00+01:00")."""
    if not value:
        return None
    text = str(value).strip()
    for candidate in (text.replace("Z", "+00:00"), text[:10]):
        try:
            return datetime.fromisoformat(candidate).date()
        except ValueError:
            continue
    return None  # an unreadable date: matched as of today, the item is kept


def looks_like_json_lines(path: Path) -> bool:
    with path.open("rb") as handle:
        for line in handle:
            if line.strip():
                return line.lstrip().startswith(b"{")
    return False


def read_source(path: Path) -> list[dict[str, Any]]:
    """Any liveblog file the ingestion layer reads; notices are left out of matching."""
    from bot.sources.detect import parse_payload
    from bot.sources.model import Kind

    parsed = parse_payload(path.read_bytes(), path.resolve().as_uri())
    return [
        {"id": e.key, "title": e.title, "text": e.text, "published": e.published}
        for e in parsed.entries
        if e.kind is Kind.NEWS
    ]


def run_match(query: str, path: Path, language: str = "de") -> int:
    try:
        resolved = default_resolver().resolve_expanded(query)
    except QueryError as exc:
        print(f"error: cannot use the query: {exc}", file=sys.stderr)
        return 2
    index = TopicIndex.build([("q", resolved.expr)])
    index.attach_meaning([("q", query)])
    shown = resolved.display(language)
    from bot.sources.model import ParseError

    try:
        items = list(read_items(path)) if looks_like_json_lines(path) else read_source(path)
    except (OSError, ParseError) as exc:
        print(f"error: cannot read {path}: {exc}", file=sys.stderr)
        return 2
    for item in items:
        for match in index.match(item["title"], item["text"], item["published"]):
            spans = [
                {"field": s.field, "start": s.start, "end": s.end, "term": s.term}
                for s in match.spans
            ]
            print(
                json.dumps({"id": item["id"], "spans": spans, "topic": shown}, ensure_ascii=False)
            )
    if resolved.unused:
        print(f"note: not used: {', '.join(resolved.unused)}", file=sys.stderr)
    return 0


def run_topics(language: str = "de") -> int:
    lexicon = default_lexicon()
    for topic in lexicon.topics.values():
        print(f"{topic.id:22} {topic.name(language):34} {topic.expr.display(language, False)}")
    return 0
