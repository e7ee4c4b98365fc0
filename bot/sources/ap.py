"""AP live pages (apnews.com/live/…): one `bsp-liveblog-post` element per entry.

Markup (as public scrapers of AP document it): `<bsp-liveblog-post class="LiveBlogPost"
data-post-id="…" data-posted-date-timestamp="<epoch ms>" [data-updated-date-timestamp]>`
with the headline in `.LiveBlogPost-headline` and the text in `.LiveBlogPost-body`.
The post id is the stable entry key and the link's anchor.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urldefrag

from lxml import etree

from bot.sources.htmltext import clean_inline, element_text, inline_text
from bot.sources.model import Entry, Kind, ParseError, ParseResult
from bot.sources.tagesschau import parse_document
from bot.sources.textexport import is_notice_title
from bot.sources.times import sane

POST_TAG = "bsp-liveblog-post"


def epoch_ms(value: object) -> datetime | None:
    text = str(value or "").strip()
    if not text.isdigit() or len(text) > 15:
        return None
    try:
        return sane(datetime.fromtimestamp(int(text) / 1000, UTC))
    except (OverflowError, OSError, ValueError):
        return None


def _first_with_class(post: etree._Element, name: str) -> etree._Element | None:
    for node in post.iter():
        if isinstance(node.tag, str) and name in str(node.get("class") or "").split():
            return node
    return None


def _post(post: etree._Element, page: str) -> Entry:
    post_id = clean_inline(str(post.get("data-post-id") or ""))[:200]
    if not post_id:
        raise ParseError("a post without data-post-id")
    headline = _first_with_class(post, "LiveBlogPost-headline")
    body = _first_with_class(post, "LiveBlogPost-body")
    title = (
        clean_inline("".join(str(t) for t in headline.itertext())) if headline is not None else ""
    )
    text = element_text(body) if body is not None else ""
    published = epoch_ms(post.get("data-posted-date-timestamp"))
    updated = epoch_ms(post.get("data-updated-date-timestamp"))
    kind = Kind.NOTICE if is_notice_title(title) else Kind.NEWS
    return Entry(post_id, published, updated, title or None, text, f"{page}#{post_id}", kind)


def parse_ap(
    data: bytes, url: str, charset: str | None = None, root: etree._Element | None = None
) -> ParseResult:
    root = parse_document(data, charset) if root is None else root
    posts = [n for n in root.iter(POST_TAG) if n.get("data-post-id") is not None]
    if not posts:
        raise ParseError(
            f"no AP live posts ({POST_TAG}[data-post-id])", selector=f"{POST_TAG}[data-post-id]"
        )
    result = ParseResult("ap")
    title = root.find(".//title")
    if title is not None:
        result.page_title = inline_text(title) or None
    page = urldefrag(url)[0]
    seen: set[str] = set()
    for post in result.bounded(posts):
        with result.item(post.get("data-post-id")):
            result.add(_post(post, page), seen)
    return result


def looks_like_ap(root: etree._Element) -> bool:
    """A live post element with its id (a parsed element, not text in a script)."""
    return any(post.get("data-post-id") is not None for post in root.iter(POST_TAG))
