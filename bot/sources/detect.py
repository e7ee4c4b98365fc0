"""Choose the adapter by content type and content (or as the caller insists)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TypeVar

from bot.sources.ap import looks_like_ap, parse_ap
from bot.sources.decode import check_payload
from bot.sources.feeds import is_json_feed, parse_feed, parse_json_feed
from bot.sources.jsonld import has_liveblog_jsonld, parse_jsonld
from bot.sources.links import unique_links
from bot.sources.model import ParseError, ParseResult
from bot.sources.ntv import looks_like_ntv, parse_ntv
from bot.sources.tagesschau import parse_tagesschau
from bot.sources.textexport import parse_text_export

Adapter = Callable[[bytes, str, str | None], ParseResult]
ADAPTERS: dict[str, Adapter] = {
    "tagesschau": parse_tagesschau,
    "ntv": parse_ntv,
    "ap": parse_ap,
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
        if looks_like_ap(data):
            return "ap"
        if looks_like_ntv(data):
            return "ntv"
        if has_liveblog_jsonld(data):
            return "jsonld"
        raise ParseError(
            "an HTML page without liveblog entries; looked for tagesschau entries"
            " (div.liveblog--anchor), AP posts (bsp-liveblog-post), an n-tv ticker"
            " (div.article__text with '+++ HH:MM … +++') and schema.org LiveBlogPosting JSON-LD"
        )
    return "text"


def parse_payload(
    data: bytes,
    url: str,
    content_type: str | None = None,
    fmt: str | None = None,
    charset: str | None = None,
) -> ParseResult:
    """Bytes (+ URL, headers) → entries. Raises ParseError for unreadable payloads, and
    for anything else an adapter raises: a hostile page is the source's error, never
    the poller's. CPU-bound: callers on the event loop run it in a worker."""
    chosen = fmt or contain("detecting the format", lambda: detect_format(data, content_type, url))
    adapter = ADAPTERS.get(chosen)
    if adapter is None:
        raise ParseError(f"unknown format {chosen!r}; one of {', '.join(FORMATS)}")
    result = contain(f"the {chosen} adapter", lambda: adapter(data, url, charset))
    if not result.entries and result.skipped:
        # Every item was unreadable: say so instead of reporting an empty page.
        raise ParseError(f"no readable entry: {result.skip_reason}")
    return result


T = TypeVar("T")


def contain(what: str, work: Callable[[], T]) -> T:
    """Run parsing work; whatever it raises becomes a ParseError that names what failed."""
    try:
        return work()
    except ParseError:
        raise
    except RecursionError as exc:  # json and friends on absurdly nested input
        raise ParseError(f"{what}: the document is nested too deeply to read") from exc
    except Exception as exc:  # any other adapter failure is this source's problem only
        raise ParseError(f"{what} failed: {type(exc).__name__}: {str(exc)[:200]}") from exc


def parse_links(data: bytes, url: str, content_type: str | None = None) -> ParseResult:
    """An overview page or feed read only for its links (for following daily liveblogs).

    CPU-bound and linear in the page: callers on the event loop run it in a worker."""
    return contain("reading the page's links", lambda: _parse_links(data, url, content_type))


def _parse_links(data: bytes, url: str, content_type: str | None) -> ParseResult:
    check_payload(data)
    result = ParseResult("links")
    if detect_format_loose(data, content_type) == "feed":
        feed = parse_feed(data, url)
        result.links = unique_links((e.url for e in feed.entries if e.url), url)
        return result
    hrefs = (m.group(1).decode("utf-8", "replace") for m in _HREF.finditer(data, 0, MAX_LINK_SCAN))
    result.links = unique_links(hrefs, url)
    return result


_HREF = re.compile(rb"""href\s*=\s*["']([^"'#>]+)""")
MAX_LINK_SCAN = 5 * 1024 * 1024


def detect_format_loose(data: bytes, content_type: str | None) -> str:
    try:
        return detect_format(data, content_type)
    except ParseError:
        return "html"
