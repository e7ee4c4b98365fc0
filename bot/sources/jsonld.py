"""Pages carrying schema.org LiveBlogPosting JSON-LD (ZDFheute, CNN and others).

`liveBlogUpdate` is a list or a single BlogPosting; the LiveBlogPosting may sit in
`@graph` or in a list, and `@type` may be a list. An update's stable id is the anchor
of its `url` or `@id` (`<page>#<anchor>`).

Some pages (CNN) put only headline and time into the JSON-LD and the text into the
page: an element with `data-post-id` equal to the anchor holds a
`.live-story-post__content`. Their text comes from the page, else from the JSON-LD.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urldefrag, urljoin

from bot.sources.htmltext import clean_inline, element_text, html_to_text
from bot.sources.model import Entry, Kind, ParseError, ParseResult
from bot.sources.tagesschau import liveblog_links, parse_document
from bot.sources.textexport import is_notice_title
from bot.sources.times import parse_iso

DOM_CONTENT = "live-story-post__content"


def _types(node: dict[str, Any]) -> set[str]:
    value = node.get("@type")
    items = value if isinstance(value, list) else [value]
    return {str(item).rsplit("/", 1)[-1] for item in items if item}


def _walk(node: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    if depth > 20:
        return
    if isinstance(node, list):
        for item in node:
            yield from _walk(item, depth + 1)
    elif isinstance(node, dict):
        yield node
        for key in ("@graph", "mainEntity", "mainEntityOfPage"):
            if key in node:
                yield from _walk(node[key], depth + 1)


def find_liveblogs(root: Any) -> list[dict[str, Any]]:
    return [node for node in _walk(root) if "LiveBlogPosting" in _types(node)]


def json_ld_blocks(document: Any) -> list[Any]:
    blocks = []
    for script in document.iter("script"):
        if str(script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            blocks.append(json.loads(script.text or ""))
        except ValueError:
            continue
    return blocks


def _text(value: Any) -> str:
    if isinstance(value, list):
        value = "\n\n".join(str(v) for v in value if isinstance(v, str))
    return html_to_text(value) if isinstance(value, str) else ""


def dom_posts(document: Any) -> dict[str, str]:
    """Entry texts in the page body by post id (CNN: `[data-post-id]` holding a
    `.live-story-post__content`): pages whose JSON-LD carries only headline and time."""
    texts: dict[str, str] = {}
    for post in document.xpath("//*[@data-post-id]"):
        post_id = str(post.get("data-post-id") or "").strip()
        if not post_id or post_id in texts:
            continue
        for node in post.iter():
            if isinstance(node.tag, str) and DOM_CONTENT in str(node.get("class") or "").split():
                texts[post_id] = element_text(node)
                break
    return texts


def _entry(
    update: dict[str, Any], page_url: str, dom: dict[str, str] | None = None
) -> Entry | None:
    link = update.get("url") or update.get("@id")
    link = urljoin(page_url, link) if isinstance(link, str) and link.strip() else None
    title = update.get("headline") or update.get("name")
    title = clean_inline(str(title)) if isinstance(title, str) and title.strip() else None
    text = _text(update.get("articleBody") or update.get("text") or update.get("description"))
    if link and urldefrag(link)[1]:
        key = urldefrag(link)[1]
    elif link and link != page_url:
        key = link
    else:
        basis = f"{update.get('datePublished')}|{title}|{text[:200]}"
        key = "j" + hashlib.sha1(basis.encode("utf-8")).hexdigest()[:15]
    if not link:
        link = f"{urldefrag(page_url)[0]}#{key}"
    if dom and dom.get(key):
        text = dom[key]  # the page's own text: the JSON-LD copy may be cut or rewritten
    kind = Kind.NOTICE if is_notice_title(title) else Kind.NEWS
    return Entry(
        key,
        parse_iso(update.get("datePublished")),
        parse_iso(update.get("dateModified")),
        title,
        text,
        link,
        kind,
    )


def echoes_the_page(blog: dict[str, Any], updates: list[Any]) -> bool:
    """Updates that all carry one and the same headline and time (the blog's own, as on
    the Guardian's pages) are no entries: nothing tells them apart but a bare id."""
    items = [u for u in updates if isinstance(u, dict)]
    if len(items) < 2:
        return False
    first = (items[0].get("headline"), parse_iso(items[0].get("datePublished")))
    if any((u.get("headline"), parse_iso(u.get("datePublished"))) != first for u in items):
        return False
    parent = (blog.get("headline"), parse_iso(blog.get("datePublished")))
    return first == parent or first[1] is None or len(items) > 2


def parse_liveblog_json(
    data: Any, url: str, result: ParseResult, dom: dict[str, str] | None = None
) -> None:
    seen: set[str] = set()
    for blog in find_liveblogs(data):
        if result.page_title is None and isinstance(blog.get("headline"), str):
            result.page_title = clean_inline(blog["headline"])
        updates = blog.get("liveBlogUpdate")
        if isinstance(updates, dict):
            updates = [updates]
        if not isinstance(updates, list):
            continue
        if echoes_the_page(blog, updates):
            result.echoed += len(updates)
            continue
        for update in result.bounded(updates):
            if not isinstance(update, dict):
                continue
            with result.item(update.get("@id") or update.get("url") or update.get("headline")):
                entry = _entry(update, url, dom)
                if entry is not None:
                    result.add(entry, seen)


def parse_jsonld(
    data: bytes, url: str, charset: str | None = None, root: Any | None = None
) -> ParseResult:
    document = parse_document(data, charset) if root is None else root
    blocks = json_ld_blocks(document)
    result = ParseResult("jsonld", links=liveblog_links(document, url))
    if not any(find_liveblogs(block) for block in blocks):
        raise ParseError(
            "no schema.org LiveBlogPosting in the page's JSON-LD",
            selector="script[type=application/ld+json] LiveBlogPosting",
        )
    dom = dom_posts(document)
    for block in blocks:
        parse_liveblog_json(block, url, result, dom)
    if result.echoed and not result.entries:
        raise ParseError(
            f"the LiveBlogPosting's {result.echoed} updates all repeat one headline and time"
            " (the page's own): no per-update data to read entries from",
            selector="liveBlogUpdate[].headline/datePublished",
        )
    if result.echoed:
        result.note(f"{result.echoed} JSON-LD updates repeat the page's headline/time: left out")
    return result


def has_liveblog_jsonld(root: Any) -> bool:
    """A LiveBlogPosting in the page's parsed JSON-LD scripts. A script too deeply nested
    to read is passed over here: the adapter then says what is wrong with it."""
    for script in root.iter("script"):
        if str(script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            if find_liveblogs(json.loads(script.text or "")):
                return True
        except (ValueError, RecursionError):
            continue
    return False
