"""n-tv.de tickers: one article whose entries are paragraphs headed "+++ HH:MM Headline +++".

Markup (as public scrapers of n-tv document it): inside `div.article__text`, an entry
starts with a `<p>` whose first child is `<b>+++ 08:40 Headline +++</b>`, followed by
`<br/>` and the entry's first paragraph; further `<p>` without such a head belong to
the entry above. The newest entry comes first.

Entries carry only a clock time. The day comes from the page's JSON-LD `datePublished`
(the ticker's date, which the newest entry shares) and from the clock order: reading
down, times fall; a time later than the one above means the day before (a wrap past
midnight). A rise of at most WRAP_TOLERANCE is a misordered entry, not a day.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urldefrag

from lxml import etree

from bot.sources.htmltext import element_text, inline_text
from bot.sources.jsonld import json_ld_blocks
from bot.sources.model import Entry, Kind, ParseError, ParseResult
from bot.sources.tagesschau import parse_document
from bot.sources.textexport import is_notice_title
from bot.sources.times import BERLIN, local, parse_iso

HEAD = re.compile(r"^\+\+\+\s*(\d{1,2})[:.](\d{2})(?:\s*Uhr)?\s+(.*?)\s*\+\+\+$", re.S)
HEAD_HINT = re.compile(rb"\+\+\+\s*\d{1,2}[:.]\d{2}")
WRAP_TOLERANCE = timedelta(minutes=30)


@dataclass
class _Draft:
    clock: time
    title: str
    paragraphs: list[str] = field(default_factory=list)


def _classes(node: etree._Element) -> set[str]:
    return set(str(node.get("class") or "").split())


def ticker_date(blocks: list[Any]) -> date | None:
    """The ticker's date: the first JSON-LD object with a readable `datePublished`."""
    stack = list(blocks)
    for _ in range(1000):  # bounded walk over the blocks and their @graph lists
        if not stack:
            break
        node = stack.pop(0)
        if isinstance(node, list):
            stack[:0] = node[:100]
        elif isinstance(node, dict):
            published = parse_iso(node.get("datePublished"))
            if published is not None:
                return published.astimezone(BERLIN).date()
            if isinstance(node.get("@graph"), list):
                stack[:0] = node["@graph"][:100]
    return None


def _head(paragraph: etree._Element) -> tuple[time, str] | None:
    """(clock, headline) when the paragraph opens an entry."""
    if (paragraph.text or "").strip() or len(paragraph) == 0:
        return None
    first = paragraph[0]
    if not isinstance(first.tag, str) or first.tag.lower() not in ("b", "strong"):
        return None
    match = HEAD.match(inline_text(first))
    if match is None:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute), match.group(3)


def _rest(paragraph: etree._Element) -> str:
    """The paragraph's text after its head (the <b> is left out, its tail kept)."""
    first = paragraph[0]
    tail = first.tail
    paragraph.remove(first)  # a parsed copy of the page: changing it is safe
    if tail:
        paragraph.text = (paragraph.text or "") + tail
    return element_text(paragraph)


def _drafts(box: etree._Element) -> list[_Draft]:
    drafts: list[_Draft] = []
    for child in box:
        if not isinstance(child.tag, str) or child.tag.lower() != "p":
            continue
        head = _head(child)
        if head is not None:
            drafts.append(_Draft(head[0], head[1]))
            rest = _rest(child)
            if rest:
                drafts[-1].paragraphs.append(rest)
        elif drafts:
            text = element_text(child)
            if text:
                drafts[-1].paragraphs.append(text)
    return drafts


def date_drafts(drafts: list[_Draft], first_day: date | None) -> list[datetime | None]:
    """Each entry's time: the ticker's day, one day earlier after each wrap."""
    if first_day is None:
        return [None] * len(drafts)
    day, previous = first_day, None
    moments: list[datetime | None] = []
    for draft in drafts:
        minutes = draft.clock.hour * 60 + draft.clock.minute
        if previous is not None and minutes > previous:
            if minutes - previous > WRAP_TOLERANCE.total_seconds() // 60:
                day -= timedelta(days=1)
                previous = minutes
        else:
            previous = minutes
        moments.append(local(day, draft.clock))
    return moments


def parse_ntv(data: bytes, url: str, charset: str | None = None) -> ParseResult:
    root = parse_document(data, charset)
    box = next((n for n in root.iter("div") if "article__text" in _classes(n)), None)
    if box is None:
        raise ParseError("no n-tv ticker text (div.article__text)")
    result = ParseResult("ntv")
    title = root.find(".//title")
    if title is not None:
        result.page_title = inline_text(title) or None
    drafts = _drafts(box)
    if not drafts:
        raise ParseError("no n-tv ticker entries ('+++ HH:MM … +++' paragraphs)")
    first_day = ticker_date(json_ld_blocks(root))
    if first_day is None:
        result.note("no JSON-LD datePublished: entry times unknown")
    page = urldefrag(url)[0]
    seen: set[str] = set()
    for draft, moment in result.bounded(zip(drafts, date_drafts(drafts, first_day), strict=True)):
        with result.item(draft.title[:80]):
            digest = hashlib.sha1(draft.title.encode("utf-8")).hexdigest()[:10]
            day = moment.date().isoformat() if moment else "undated"
            key = f"{day}-{draft.clock:%H%M}-{digest}"
            kind = Kind.NOTICE if is_notice_title(draft.title) else Kind.NEWS
            entry = Entry(key, moment, None, draft.title, "\n\n".join(draft.paragraphs), page, kind)
            result.add(entry, seen)
    return result


def looks_like_ntv(data: bytes) -> bool:
    return b"article__text" in data and HEAD_HINT.search(data) is not None
