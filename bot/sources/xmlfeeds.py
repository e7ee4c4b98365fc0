"""A fast path for well-formed RSS 2.0 and Atom 1.0: lxml, no network, no entities.

feedparser is thorough but slow (about 130 ms for 500 items); most real feeds are
well-formed, so they go through lxml here (about 10x faster) and only the odd ones
(RSS 0.9x, RDF, broken XML) fall back to feedparser.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from email.utils import parsedate_to_datetime

from lxml import etree

from bot.sources.htmltext import clean_inline, html_to_text
from bot.sources.model import Entry, Kind, ParseResult
from bot.sources.textexport import is_notice_title
from bot.sources.times import parse_iso, sane

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"


class NotSimpleFeed(Exception):
    """Not a well-formed RSS 2.0 / Atom document: let feedparser try."""


def _text(node: etree._Element | None) -> str:
    return "".join(str(t) for t in node.itertext()) if node is not None else ""


def _rfc822(text: str) -> datetime | None:
    if not text.strip():
        return None
    try:
        moment = parsedate_to_datetime(text.strip())
    except (TypeError, ValueError, IndexError):
        return parse_iso(text)
    return sane(moment) if moment.tzinfo else None


def _key(*parts: object) -> str:
    return "f" + hashlib.sha1("|".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:15]


def _entry(
    key: str,
    title: str,
    body: str,
    link: str | None,
    published: datetime | None,
    updated: datetime | None,
) -> Entry:
    heading = clean_inline(html_to_text(title)) or None
    return Entry(
        key,
        published or updated,
        updated,
        heading,
        html_to_text(body),
        link,
        Kind.NOTICE if is_notice_title(heading) else Kind.NEWS,
    )


def parse_simple_feed(data: bytes) -> ParseResult:
    try:
        # A parser per call: parsing runs in worker threads, and parsers are not shared.
        parser = etree.XMLParser(
            resolve_entities=False, no_network=True, huge_tree=False, recover=False
        )
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise NotSimpleFeed(str(exc)) from exc
    result = ParseResult("feed")
    seen: set[str] = set()
    if root.tag == "rss":
        channel = root.find("channel")
        if channel is None:
            raise NotSimpleFeed("rss without channel")
        result.page_title = clean_inline(_text(channel.find("title"))) or None
        for item in result.bounded(channel.iterfind("item")):
            with result.item(_text(item.find("guid")) or _text(item.find("link"))):
                title, link = _text(item.find("title")), _text(item.find("link")).strip() or None
                body = _text(item.find(CONTENT)) or _text(item.find("description"))
                published = _rfc822(_text(item.find("pubDate")))
                guid = _text(item.find("guid")).strip()
                key = guid or link or _key(title, published, body[:200])
                result.add(_entry(key, title, body, link, published, None), seen)
        return result
    if root.tag == f"{ATOM}feed":
        result.page_title = clean_inline(_text(root.find(f"{ATOM}title"))) or None
        for item in result.bounded(root.iterfind(f"{ATOM}entry")):
            with result.item(_text(item.find(f"{ATOM}id"))):
                title = _text(item.find(f"{ATOM}title"))
                links = item.findall(f"{ATOM}link")
                alternate = [x for x in links if x.get("rel", "alternate") == "alternate"]
                chosen = (alternate or links)[:1]
                href = chosen[0].get("href") if chosen else None
                body = _text(item.find(f"{ATOM}content")) or _text(item.find(f"{ATOM}summary"))
                published = parse_iso(_text(item.find(f"{ATOM}published")))
                updated = parse_iso(_text(item.find(f"{ATOM}updated")))
                atom_id = _text(item.find(f"{ATOM}id")).strip()
                key = atom_id or href or _key(title, updated, body[:200])
                result.add(_entry(key, title, body, href, published, updated), seen)
        return result
    raise NotSimpleFeed(f"root element {root.tag!r}")
