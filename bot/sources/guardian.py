"""The Guardian's live blogs (theguardian.com/…/live/…): one `article#block-<id>` per update.

Markup (dotcom-rendering, src/components/LiveBlockContainer.tsx and LiveBlock.tsx):

    <article id="block-<id>" class="block">
      <header> … <a href="?page=with:block-<id>#block-<id>"> … <time datetime="ISO"> …
        <h2>title</h2> (optional) … contributors … </header>
      the update's elements (paragraphs, lists, quotes, embeds, figures)
      <footer> share button, "Updated at <time datetime="ISO">" (when edited) </footer>
    </article>

A pinned post is shown twice; its copy has no id and is skipped. The page's JSON-LD
LiveBlogPosting is no use here: it gives every update the blog's own headline and
publish time, a bare block id and an `articleBody` cut at 1,000 characters (see
tests/sources/test_guardian.py). Updates with no title get none (the text speaks).
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urldefrag

from lxml import etree

from bot.sources.htmltext import element_text, inline_text
from bot.sources.model import Entry, Kind, ParseError, ParseResult
from bot.sources.tagesschau import parse_document
from bot.sources.textexport import is_notice_title
from bot.sources.times import parse_iso

BLOCK_PREFIX = "block-"
SELECTOR = "article[id^=block-] with a time[datetime]"
_LEFT_OUT = frozenset({"header", "footer", "aside", "button", "gu-island"})


def _blocks(root: etree._Element) -> list[etree._Element]:
    return [
        node
        for node in root.iter("article")
        if str(node.get("id") or "").startswith(BLOCK_PREFIX) and len(str(node.get("id"))) > 6
    ]


def _first_time(node: etree._Element | None) -> datetime | None:
    if node is None:
        return None
    for stamp in node.iter("time"):
        moment = parse_iso(stamp.get("datetime"))
        if moment is not None:
            return moment
    return None


def _child(block: etree._Element, tag: str) -> etree._Element | None:
    return next((c for c in block if isinstance(c.tag, str) and c.tag == tag), None)


def _text(block: etree._Element) -> str:
    """The update's own elements: not its header (time, title, byline) or footer."""
    parts = []
    for child in block:
        if not isinstance(child.tag, str) or child.tag.lower() in _LEFT_OUT:
            continue
        text = element_text(child)
        if text:
            parts.append(text)
    return "\n\n".join(parts)


def _entry(block: etree._Element, page: str) -> Entry:
    block_id = str(block.get("id"))
    key = block_id.removeprefix(BLOCK_PREFIX)[:200]
    header = _child(block, "header")
    published = _first_time(header) or _first_time(block)
    footer = _child(block, "footer")
    updated = _first_time(footer)
    heading = next(iter(header.iter("h2", "h3")), None) if header is not None else None
    title = inline_text(heading) if heading is not None else ""
    kind = Kind.NOTICE if is_notice_title(title) else Kind.NEWS
    return Entry(key, published, updated, title or None, _text(block), f"{page}#{block_id}", kind)


def parse_guardian(
    data: bytes, url: str, charset: str | None = None, root: etree._Element | None = None
) -> ParseResult:
    root = parse_document(data, charset) if root is None else root
    blocks = _blocks(root)
    if not blocks:
        raise ParseError(f"no Guardian live blocks ({SELECTOR})", selector=SELECTOR)
    result = ParseResult("guardian")
    title = root.find(".//title")
    if title is not None:
        result.page_title = inline_text(title) or None
    page = urldefrag(url)[0]
    seen: set[str] = set()
    for block in result.bounded(blocks):
        with result.item(block.get("id")):
            result.add(_entry(block, page), seen)
    return result


def looks_like_guardian(root: etree._Element) -> bool:
    """Live blocks as elements: an article#block-… of class "block" (dotcom-rendering's
    own class for them) or holding a time[datetime]."""
    return any(
        "block" in str(block.get("class") or "").split() or _first_time(block) is not None
        for block in _blocks(root)[:50]
    )
