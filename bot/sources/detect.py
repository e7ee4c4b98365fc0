"""Choose the adapter by content type and content (or as the caller insists)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Protocol, TypeVar

from lxml import etree

from bot.sources.ap import looks_like_ap, parse_ap
from bot.sources.decode import check_payload
from bot.sources.feeds import is_json_feed, parse_feed, parse_json_feed
from bot.sources.guardian import looks_like_guardian, parse_guardian
from bot.sources.jsonld import has_liveblog_jsonld, parse_jsonld
from bot.sources.links import unique_links
from bot.sources.model import ParseError, ParseResult
from bot.sources.ntv import looks_like_ntv, parse_ntv
from bot.sources.tagesschau import looks_like_tagesschau, parse_document, parse_tagesschau
from bot.sources.textexport import parse_text_export

Adapter = Callable[[bytes, str, str | None], ParseResult]


class HtmlAdapter(Protocol):
    """An adapter for HTML pages; it reuses the document detection already parsed."""

    def __call__(
        self, data: bytes, url: str, charset: str | None = None, root: etree._Element | None = None
    ) -> ParseResult: ...


HTML_ADAPTERS: dict[str, HtmlAdapter] = {
    "tagesschau": parse_tagesschau,
    "ntv": parse_ntv,
    "ap": parse_ap,
    "jsonld": parse_jsonld,
    "guardian": parse_guardian,
}
ADAPTERS: dict[str, Adapter] = {
    "tagesschau": parse_tagesschau,
    "ntv": parse_ntv,
    "ap": parse_ap,
    "guardian": parse_guardian,
    "jsonld": parse_jsonld,
    "feed": parse_feed,
    "jsonfeed": parse_json_feed,
    "text": parse_text_export,
}
FORMATS = tuple(ADAPTERS)
# What detection looks for, per HTML adapter: the first thing a changed page lacks.
ADAPTER_SELECTORS = {
    "tagesschau": "div.liveblog--anchor[id]",
    "ap": "bsp-liveblog-post[data-post-id]",
    "guardian": "article[id^=block-] with a time[datetime]",
    "ntv": "div.article__text > p | p.storyline_paragraph_… with '+++ HH:MM … +++'",
    "jsonld": "script[type=application/ld+json] LiveBlogPosting",
}


def detect_format(data: bytes, content_type: str | None = None, url: str = "") -> str:
    return _detect(data, content_type, None)[0]


def _detect(
    data: bytes, content_type: str | None, charset: str | None
) -> tuple[str, etree._Element | None]:
    """The format, and for an HTML page its parsed document (adapters reuse it)."""
    check_payload(data)
    kind = (content_type or "").split(";")[0].strip().lower()
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if "json" in kind or head.startswith(b"{"):
        try:
            if is_json_feed(json.loads(data)):
                return "jsonfeed", None
        except ValueError:
            pass
        raise ParseError("JSON that is not a JSON Feed")
    if (any(t in kind for t in ("rss", "atom", "xml")) and "html" not in kind) or head.startswith(
        (b"<?xml", b"<rss", b"<feed", b"<rdf")
    ):
        return "feed", None
    if (
        "html" in kind
        or head.startswith((b"<!doctype html", b"<html"))
        or b"<body" in data[:65536].lower()
    ):
        root = parse_document(data, charset)
        return detect_html(root), root
    return "text", None


def detect_html(root: etree._Element) -> str:
    """Which adapter reads the page, by its document structure: elements and parsed
    JSON-LD, never a class name or a word that may sit in a script."""
    if looks_like_tagesschau(root):
        return "tagesschau"
    if looks_like_ap(root):
        return "ap"
    if looks_like_guardian(root):
        return "guardian"  # before JSON-LD: the Guardian's carries no per-update data
    if looks_like_ntv(root):
        return "ntv"
    if has_liveblog_jsonld(root):
        return "jsonld"
    raise ParseError(
        "an HTML page without liveblog entries; looked for tagesschau entries"
        " (div.liveblog--anchor), AP posts (bsp-liveblog-post), Guardian blocks"
        " (article#block-… with a time), an n-tv ticker"
        " (div.article__text or p.storyline_paragraph_… with '+++ HH:MM … +++')"
        " and schema.org LiveBlogPosting JSON-LD"
    )


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
    root: etree._Element | None = None
    if fmt:
        chosen = fmt
    else:
        chosen, root = contain("detecting the format", lambda: _detect(data, content_type, charset))
    adapter = ADAPTERS.get(chosen)
    if adapter is None:
        raise ParseError(f"unknown format {chosen!r}; one of {', '.join(FORMATS)}")
    html = HTML_ADAPTERS.get(chosen)
    try:
        if html is not None and root is not None:
            result = contain(f"the {chosen} adapter", lambda: html(data, url, charset, root))
        else:
            result = contain(f"the {chosen} adapter", lambda: adapter(data, url, charset))
    except ParseError as exc:
        exc.adapter = exc.adapter or chosen  # for the layout drift alarm
        raise
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
    """Feed or not, for reading links: an HTML page is never parsed for it."""
    check_payload(data)
    kind = (content_type or "").split(";")[0].strip().lower()
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if (any(t in kind for t in ("rss", "atom", "xml")) and "html" not in kind) or head.startswith(
        (b"<?xml", b"<rss", b"<feed", b"<rdf")
    ):
        return "feed"
    return "html"
