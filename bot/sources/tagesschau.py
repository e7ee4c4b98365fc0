"""tagesschau.de liveblog pages (HTML), in both markup shapes seen since 2022.

Recent pages: `div.liveblog--anchor[id]` holds the time (`div.liveblog__datetime`) and
the title (`h2.meldung__subhead`); the entry's `p.textabsatz` paragraphs follow as
siblings until the next anchor. Older pages nest the whole entry inside the anchor.
Walking the document in order handles both. The page head has `p.textabsatz`
paragraphs too (the summary): they come before the first anchor and belong to no entry.

A running blog shows clock-only times ("18:23 Uhr"). Their day comes from the page's
stamp in `.metatextline` ("Stand: 01.03.2022 22:23 Uhr"; a `div` in 2022, a `p` since
2023), else from the JSON-LD `dateModified` / `datePublished`; without either, such
an entry has no time at all (never one made up). See times.date_clocks for entries
after midnight.
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, time
from urllib.parse import urldefrag

import lxml.html
from lxml import etree

from bot.sources.decode import check_payload
from bot.sources.htmltext import check_limits, clean_inline, element_text
from bot.sources.links import unique_links
from bot.sources.model import Entry, Kind, ParseError, ParseResult
from bot.sources.textexport import is_notice_title
from bot.sources.times import (
    date_clocks,
    german_clock,
    local,
    parse_german,
    parse_german_date,
    parse_iso,
)

LIVEBLOG_LINK = re.compile(r"/newsticker/liveblog-[a-z0-9-]+\.html?$")
_FOOTER = re.compile(r"^(Dieses Thema im Programm|Über dieses Thema berichtete)", re.I)


def _text_of(node: etree._Element) -> str:
    return clean_inline("".join(str(t) for t in node.itertext()))


def _classes(node: etree._Element) -> set[str]:
    return set(str(node.get("class") or "").split())


@dataclass
class _Draft:
    anchor: str
    time_text: str = ""
    title: str | None = None
    paragraphs: list[str] = field(default_factory=list)


def parse_document(data: bytes, charset: str | None) -> etree._Element:
    check_payload(data)
    charset = charset or html_charset(data)
    try:
        parser = lxml.html.HTMLParser(encoding=charset)
        root = lxml.html.document_fromstring(data, parser=parser)
    except (etree.ParserError, ValueError, LookupError) as exc:
        raise ParseError(f"not readable as HTML: {exc}") from exc
    check_limits(parser)
    return root


_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,300}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.I
)


def html_charset(data: bytes) -> str:
    """The encoding of a page sent without one in its Content-Type. Bytes that are valid
    UTF-8 are UTF-8 (libxml2 2.14 ignores a `<meta charset>` that follows a long head
    comment, as on the Guardian's pages, and reads them as Latin-1); otherwise the
    page's own `<meta … charset=…>` in its first 8 KB, else Windows-1252."""
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    declared = _META_CHARSET.search(data, 0, 8192)
    if declared:
        name = declared.group(1).decode("ascii", "replace")
        try:
            codecs.lookup(name)
            return name
        except LookupError:
            pass
    return "cp1252"


def looks_like_tagesschau(root: etree._Element) -> bool:
    """An element (not a string in a script) of class liveblog--anchor with an id.
    A Python walk, not one XPath call: that would hold the GIL for a whole 5 MB page."""
    return any(
        "liveblog--anchor" in _classes(node) and node.get("id")
        for node in root.iter()
        if isinstance(node.tag, str) and node.get("class")
    )


def liveblog_links(root: etree._Element, url: str) -> list[str]:
    own = urldefrag(url)[0]
    hrefs = (str(anchor.get("href") or "") for anchor in root.iter("a"))
    return unique_links(hrefs, url, lambda link: link != own and bool(LIVEBLOG_LINK.search(link)))


@dataclass
class _Page:
    stamp: datetime | None = None  # "Stand: …" in .metatextline: the page's last change
    head_time: datetime | None = None  # a dated liveblog__datetime before the first entry


def _page_dates(root: etree._Element) -> tuple[datetime | None, datetime | None]:
    """(modified, published) from the page's JSON-LD (its NewsArticle/LiveBlogPosting)."""
    for block in json_ld_objects(root):
        modified = parse_iso(block.get("dateModified"))
        published = parse_iso(block.get("datePublished"))
        if modified or published:
            return modified, published
    return None, None


def json_ld_objects(root: etree._Element) -> list[dict[str, object]]:
    """The page's top-level JSON-LD objects (lists and @graph flattened one level)."""
    found: list[dict[str, object]] = []
    for script in root.iter("script"):
        if str(script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            value = json.loads(script.text or "")
        except (ValueError, RecursionError):
            continue
        items = value if isinstance(value, list) else [value]
        for item in items[:100]:
            if isinstance(item, dict):
                graph = item.get("@graph")
                members = graph if isinstance(graph, list) else [item]
                found.extend(g for g in members[:100] if isinstance(g, dict))
    return found


def page_stamp(root: etree._Element) -> datetime | None:
    """The page's "Stand: …" (the first `.metatextline`, a `div` or a `p`)."""
    for node in root.iter():
        if isinstance(node.tag, str) and node.get("class") and "metatextline" in _classes(node):
            return stamp_of(_text_of(node))
    return None


def stamp_of(text: str) -> datetime | None:
    """ "Stand: 28.04.2023 17:23 Uhr" → that moment; a date alone → the end of that day."""
    moment = parse_german(text)
    if moment is None and (day := parse_german_date(text)) is not None:
        moment = local(day, time(23, 59))
    return moment


def entry_times(drafts: list[_Draft], page: _Page, root: etree._Element) -> list[datetime | None]:
    """Each entry's time: its own date, else its clock on the page's day."""
    items: list[datetime | time | None] = []
    for draft in drafts:
        full = parse_german(draft.time_text)
        items.append(full if full is not None else german_clock(draft.time_text))
    if not any(isinstance(item, time) for item in items):
        return [item if isinstance(item, datetime) else None for item in items]
    newest = page.stamp or page.head_time
    oldest = None
    if newest is None:
        newest, oldest = _page_dates(root)
    return date_clocks(items, newest, oldest)


ENTRY_PARTS = (
    ("div", "liveblog__datetime"),
    ("h2", "meldung__subhead"),
    ("p", "textabsatz"),
)


def _first_missing(root: etree._Element) -> str | None:
    """The first part of an entry's expected markup that nothing on the page matches."""
    for tag, name in ENTRY_PARTS:
        if not any(name in _classes(node) for node in root.iter(tag)):
            return f"{tag}.{name}"
    return None


def parse_tagesschau(
    data: bytes, url: str, charset: str | None = None, root: etree._Element | None = None
) -> ParseResult:
    root = parse_document(data, charset) if root is None else root
    result = ParseResult("tagesschau")
    title = root.find(".//title")
    result.page_title = _text_of(title) if title is not None else None
    result.links = liveblog_links(root, url)
    page = _Page(stamp=page_stamp(root))
    drafts: list[_Draft] = []
    current: _Draft | None = None
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        classes = _classes(node)
        if "liveblog--anchor" in classes and node.get("id"):
            current = _Draft(str(node.get("id")))
            drafts.append(current)
        elif "liveblog__datetime" in classes:
            text = _text_of(node)
            if current is not None and not current.time_text:
                current.time_text = text
            elif current is None and page.head_time is None:
                page.head_time = parse_german(text)
        elif node.tag in {"h2", "h3"} and "meldung__subhead" in classes and current is not None:
            current.title = current.title or _text_of(node) or None
        elif node.tag == "p" and "textabsatz" in classes:
            if current is None:
                continue  # the page head: summary and teaser lines belong to no entry
            text = element_text(node)
            if text and not _FOOTER.match(text):
                current.paragraphs.append(text)
    result.missing = _first_missing(root) if not any(d.paragraphs for d in drafts) else None
    if not drafts:
        raise ParseError(
            "no liveblog entries (div.liveblog--anchor) on the page",
            selector="div.liveblog--anchor[id]",
        )
    seen: set[str] = set()
    base = urldefrag(url)[0]
    times = entry_times(drafts, page, root)  # linear, cheap: every draft, bounded below
    if any(t is None and german_clock(d.time_text) for d, t in zip(drafts, times, strict=True)):
        result.note("clock-only entry times but no page date (.metatextline, JSON-LD): left out")
    for draft, published in result.bounded(zip(drafts, times, strict=True)):
        with result.item(draft.anchor):
            if draft.time_text and published is None and german_clock(draft.time_text) is None:
                result.note(f"entry {draft.anchor}: unreadable time {draft.time_text!r}")
            kind = Kind.NOTICE if is_notice_title(draft.title) else Kind.NEWS
            entry = Entry(
                draft.anchor,
                published,
                None,
                draft.title,
                "\n\n".join(draft.paragraphs),
                f"{base}#{draft.anchor}",
                kind,
            )
            result.add(entry, seen)
    return result
