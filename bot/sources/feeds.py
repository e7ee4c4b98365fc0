"""RSS 2.0 / Atom (feedparser) and JSON Feed 1.1 (plain JSON)."""

from __future__ import annotations

import hashlib
import json
from calendar import timegm
from datetime import UTC, datetime
from typing import Any
from xml.sax import SAXParseException

import feedparser

from bot.sources.decode import check_payload
from bot.sources.htmltext import clean_inline, html_to_text
from bot.sources.model import Entry, Kind, ParseError, ParseResult
from bot.sources.textexport import is_notice_title
from bot.sources.times import parse_iso
from bot.sources.wellformed import check_strict_xml
from bot.sources.xmlfeeds import NotSimpleFeed, parse_simple_feed


def _when(struct: Any) -> datetime | None:
    if not struct:
        return None
    try:
        return datetime.fromtimestamp(timegm(struct), UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def _key(*parts: object) -> str:
    return "f" + hashlib.sha1("|".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:15]


def parse_feed(data: bytes, url: str, charset: str | None = None) -> ParseResult:
    check_payload(data)
    try:
        return parse_simple_feed(data)
    except NotSimpleFeed:
        pass
    headers = {"content-location": url}
    if charset:
        headers["content-type"] = f"text/xml; charset={charset}"
    check_strict_xml(data, headers)  # before feedparser's slow loose pass, not after
    parsed = feedparser.parse(data, response_headers=headers)
    reason = parsed.get("bozo_exception")
    if isinstance(reason, SAXParseException):
        # Broken XML (a truncated download, say): storing what feedparser salvaged
        # would store cut-off entries. Refuse the whole payload; the next poll retries.
        raise ParseError(f"not well-formed XML: {reason}")
    if not parsed.entries:
        if parsed.get("bozo") and reason is not None:
            raise ParseError(f"not a readable RSS/Atom feed: {type(reason).__name__}: {reason}")
        if not parsed.get("feed"):
            raise ParseError("not an RSS/Atom feed")
    result = ParseResult("feed")
    result.page_title = clean_inline(parsed.feed.get("title", "")) or None
    if parsed.get("bozo"):
        result.note(f"feed is not well-formed: {parsed.get('bozo_exception')}")
    seen: set[str] = set()
    for item in result.bounded(parsed.entries):
        with result.item(item.get("id") or item.get("link") or item.get("title")):
            contents = item.get("content") or []
            body = contents[0].get("value", "") if contents else item.get("summary", "")
            title = clean_inline(html_to_text(item.get("title", ""))) or None
            link = item.get("link")
            key = item.get("id") or link or _key(title, dict.get(item, "published"), body[:200])
            # dict.get: feedparser's own get() maps updated<->published with a warning.
            updated = _when(dict.get(item, "updated_parsed"))
            entry = Entry(
                str(key),
                _when(dict.get(item, "published_parsed")) or updated,
                updated,
                title,
                html_to_text(body),
                link,
                Kind.NOTICE if is_notice_title(title) else Kind.NEWS,
            )
            result.add(entry, seen)
    return result


def is_json_feed(data: Any) -> bool:
    return isinstance(data, dict) and str(data.get("version", "")).startswith(
        "https://jsonfeed.org/version/"
    )


def parse_json_feed(data: bytes, url: str, charset: str | None = None) -> ParseResult:
    check_payload(data)
    try:
        document = json.loads(data.decode(charset or "utf-8", errors="replace"))
    except ValueError as exc:
        raise ParseError(f"not valid JSON: {exc}") from exc
    if not is_json_feed(document):
        raise ParseError("JSON without a JSON Feed 'version'")
    items = document.get("items")
    if not isinstance(items, list):
        raise ParseError("JSON Feed without an 'items' list")
    result = ParseResult("jsonfeed", page_title=str(document.get("title") or "") or None)
    seen: set[str] = set()
    for item in result.bounded(items):
        if not isinstance(item, dict):
            result.note("an item is not an object: skipped")
            continue
        with result.item(item.get("id") or item.get("url") or item.get("title")):
            result.add(_json_feed_entry(item), seen)
    return result


def _json_feed_entry(item: dict[str, Any]) -> Entry:
    title = item.get("title")
    title = clean_inline(str(title)) if isinstance(title, str) and title.strip() else None
    if isinstance(item.get("content_text"), str):
        text = "\n\n".join(clean_inline(p) for p in item["content_text"].split("\n\n") if p.strip())
    else:
        text = html_to_text(str(item.get("content_html") or item.get("summary") or ""))
    link = item.get("url") if isinstance(item.get("url"), str) else None
    key = item.get("id") if item.get("id") not in (None, "") else link or _key(title, text[:200])
    return Entry(
        str(key),
        parse_iso(item.get("date_published")),
        parse_iso(item.get("date_modified")),
        title,
        text,
        link,
        Kind.NOTICE if is_notice_title(title) else Kind.NEWS,
    )
