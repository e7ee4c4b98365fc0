"""Choose the adapter by content type and content (or as the caller insists)."""

from __future__ import annotations

import json
from collections.abc import Callable

from bot.sources.decode import check_payload
from bot.sources.feeds import is_json_feed, parse_feed, parse_json_feed
from bot.sources.jsonld import has_liveblog_jsonld, parse_jsonld
from bot.sources.model import ParseError, ParseResult
from bot.sources.tagesschau import parse_tagesschau
from bot.sources.textexport import parse_text_export

Adapter = Callable[[bytes, str, str | None], ParseResult]
ADAPTERS: dict[str, Adapter] = {
    "tagesschau": parse_tagesschau,
    "jsonld": parse_jsonld,
    "feed": parse_feed,
    "jsonfeed": parse_json_feed,
    "text": parse_text_export,
}
FORMATS = tuple(ADAPTERS)


def detect_format(data: bytes, content_type: str | None = None, url: str = "") -> str:
    check_payload(data)
    kind = (content_type or "").split(";")[0].strip().lower()
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if "json" in kind or head.startswith(b"{"):
        try:
            if is_json_feed(json.loads(data)):
                return "jsonfeed"
        except ValueError:
            pass
        raise ParseError("JSON that is not a JSON Feed")
    if (any(t in kind for t in ("rss", "atom", "xml")) and "html" not in kind) or head.startswith(
        (b"<?xml", b"<rss", b"<feed", b"<rdf")
    ):
        return "feed"
    if (
        "html" in kind
        or head.startswith((b"<!doctype html", b"<html"))
        or b"<body" in data[:65536].lower()
    ):
        if b"liveblog--anchor" in data:
            return "tagesschau"
        if has_liveblog_jsonld(data):
            return "jsonld"
        raise ParseError("an HTML page without liveblog entries (tagesschau markup or JSON-LD)")
    return "text"


def parse_payload(
    data: bytes,
    url: str,
    content_type: str | None = None,
    fmt: str | None = None,
    charset: str | None = None,
) -> ParseResult:
    """Bytes (+ URL, headers) → entries. Raises ParseError for unreadable payloads."""
    chosen = fmt or detect_format(data, content_type, url)
    adapter = ADAPTERS.get(chosen)
    if adapter is None:
        raise ParseError(f"unknown format {chosen!r}; one of {', '.join(FORMATS)}")
    return adapter(data, url, charset)


def parse_links(data: bytes, url: str, content_type: str | None = None) -> ParseResult:
    """An overview page or feed read only for its links (for following daily liveblogs)."""
    import re
    from urllib.parse import urldefrag, urljoin

    check_payload(data)
    result = ParseResult("links")
    if detect_format_loose(data, content_type) == "feed":
        feed = parse_feed(data, url)
        result.links = [e.url for e in feed.entries if e.url]
        return result
    for match in re.finditer(rb"""href\s*=\s*["']([^"'#>]+)""", data[:MAX_LINK_SCAN]):
        link = urldefrag(urljoin(url, match.group(1).decode("utf-8", "replace").strip()))[0]
        if link not in result.links:
            result.links.append(link)
    return result


MAX_LINK_SCAN = 5 * 1024 * 1024


def detect_format_loose(data: bytes, content_type: str | None) -> str:
    try:
        return detect_format(data, content_type)
    except ParseError:
        return "html"
