"""n-tv.de tickers: one article whose entries are headed "+++ HH:MM Headline +++".

Two layouts, both found by document structure (never by a class name that may sit in
a script):
- until ~Nov 2025, inside `div.article__text`: an entry starts with a `<p>` whose first
  child is `<b>+++ 08:40 Headline +++</b>`, then `<br/>` and its first paragraph;
  further `<p>` without such a head belong to the entry above;
- since ~Nov 2025 (Next.js), the article's paragraphs are `p.storyline_paragraph_p__…`
  and its subheads `h2.storyline_subheadline_…` (the hashed suffix changes with every
  build): a head is a subhead, or a paragraph that opens with it, or is nothing else.
The newest entry comes first and has no head of its own: its title is the page's
headline (which n-tv writes as "… +++ 14:05 Title +++"), its body the paragraphs before
the first head. Real evidence: tests/sources/real/ntv-*.json.

Entries carry only a clock time. Their day comes from the clock order (times.date_clocks)
read down from the page's JSON-LD `dateModified` (the ticker's last change, which the
newest entry shares), or, without one, up from its `datePublished`: on a ticker that is
the start of its day, not its last change (the date line under the headline, which on
n-tv's pages shows `datePublished`, reads "03.02.2026, 00:01 Uhr" above entries up to
18:15; tests/sources/real/stored/ntv-ticker-text-2026-*.json).

The headline's head can carry an older entry's title with the newest clock (seen on
5 Feb 2026: "+++ 22:31 <the 22:01 entry's title> +++" above a body on another matter);
the newest entry then gets that clock and no title rather than a wrong one.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, time
from urllib.parse import urldefrag

from lxml import etree

from bot.sources.htmltext import element_text, inline_text
from bot.sources.model import Entry, Kind, ParseError, ParseResult
from bot.sources.tagesschau import json_ld_objects, parse_document
from bot.sources.textexport import is_notice_title
from bot.sources.times import BERLIN, CLOCK_TOLERANCE, date_clocks, local, parse_iso

HEAD = re.compile(r"\+\+\+\s*(\d{1,2})[:.](\d{2})(?:\s*Uhr)?\s+(.*?)\s*\+\+\+", re.S)
OLD_BOX = "article__text"
NEW_PARAGRAPH = "storyline_paragraph"  # p.storyline_paragraph_p__<hash>
NEW_SUBHEAD = "storyline_subheadline"  # h2.storyline_subheadline_subheadline__<hash>
SELECTORS = (f"div.{OLD_BOX} > p", f"p.{NEW_PARAGRAPH}_…", f"h2.{NEW_SUBHEAD}_…")


@dataclass
class _Draft:
    clock: time | None
    title: str
    paragraphs: list[str] = field(default_factory=list)
    moment: datetime | None = None  # the newest entry: the page's own time


def _classes(node: etree._Element) -> list[str]:
    return str(node.get("class") or "").split()


def _has_prefix(node: etree._Element, prefix: str) -> bool:
    return any(name.startswith(prefix) for name in _classes(node))


def head_of(text: str) -> tuple[time, str] | None:
    """(clock, headline) of a "+++ HH:MM Headline +++" that makes up the whole text."""
    match = HEAD.fullmatch(text.strip())
    if match is None:
        return None
    return _clock_title(match)


def _clock_title(match: re.Match[str]) -> tuple[time, str] | None:
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59 or not match.group(3).strip():
        return None
    return time(hour, minute), match.group(3).strip()


def head_in(headline: str) -> tuple[time, str] | None:
    """The head n-tv puts into a ticker's page headline ("Ukraine-Krieg im Liveticker:
    +++ 14:05 Munz: … +++"), or None."""
    match = HEAD.search(headline)
    return _clock_title(match) if match is not None else None


def _paragraph_head(paragraph: etree._Element) -> tuple[time, str, str] | None:
    """(clock, headline, rest of the paragraph) when the paragraph opens an entry: its
    first child is a <b>/<strong> head (old layout), or its whole text is one."""
    if not (paragraph.text or "").strip() and len(paragraph):
        first = paragraph[0]
        if isinstance(first.tag, str) and first.tag.lower() in ("b", "strong"):
            head = head_of(inline_text(first))
            if head is not None:
                return head[0], head[1], _rest(paragraph)
    head = head_of(inline_text(paragraph))
    return (head[0], head[1], "") if head is not None else None


def _rest(paragraph: etree._Element) -> str:
    """The paragraph's text after its head (the <b> is left out, its tail kept)."""
    first = paragraph[0]
    tail = first.tail
    paragraph.remove(first)  # a parsed copy of the page: changing it is safe
    if tail:
        paragraph.text = (paragraph.text or "") + tail
    return element_text(paragraph)


def ticker_blocks(root: etree._Element) -> list[etree._Element] | None:
    """The ticker's paragraphs and subheads in reading order, or None when the page has
    neither layout (the old box, or the new storyline paragraphs)."""
    box = next((n for n in root.iter("div") if OLD_BOX in _classes(n)), None)
    if box is not None:
        return [child for child in box if isinstance(child.tag, str) and child.tag == "p"]
    blocks = [
        node
        for node in root.iter("p", "h2", "h3")
        if _has_prefix(node, NEW_PARAGRAPH) or _has_prefix(node, NEW_SUBHEAD)
    ]
    return blocks or None


def _is_subhead(node: etree._Element) -> bool:
    return node.tag in ("h2", "h3")


def _drafts(blocks: list[etree._Element]) -> tuple[list[str], list[_Draft]]:
    """(paragraphs before the first head, entries with a head)."""
    leading: list[str] = []
    drafts: list[_Draft] = []
    for block in blocks:
        if _is_subhead(block):
            head = head_of(inline_text(block))
            if head is not None:
                drafts.append(_Draft(head[0], head[1]))
                continue
            text = inline_text(block)  # an ordinary subhead: part of the text
        else:
            found = _paragraph_head(block)
            if found is not None:
                drafts.append(_Draft(found[0], found[1]))
                if found[2]:
                    drafts[-1].paragraphs.append(found[2])
                continue
            text = element_text(block)
        if not text:
            continue
        (drafts[-1].paragraphs if drafts else leading).append(text)
    return leading, drafts


def _headline(root: etree._Element) -> str | None:
    """The page's headline: the <h1>, else og:title, else <title>."""
    for node in root.iter("h1"):
        text = inline_text(node)
        if text:
            return text
    for meta in root.iter("meta"):
        if meta.get("property") == "og:title" and (meta.get("content") or "").strip():
            return str(meta.get("content")).strip()
    title = root.find(".//title")
    return inline_text(title) if title is not None else None


@dataclass(frozen=True)
class PageDates:
    published: list[datetime]
    modified: list[datetime]

    def bounds(self, first_clock: time | None) -> tuple[datetime | None, datetime | None]:
        """(newest, oldest) for date_clocks. With a dateModified the latest date is the
        last change. A datePublished alone is the ticker's start when the newest entry's
        clock is later than it on its day (n-tv's daily ticker starts at 00:01, its
        entries run to the evening), else its last change (no entry is later)."""
        if self.modified:
            return max(self.modified + self.published), min(self.published, default=None)
        if not self.published:
            return None, None
        start = min(self.published).astimezone(BERLIN)
        if first_clock is not None and local(start.date(), first_clock) > start + CLOCK_TOLERANCE:
            return None, start
        return max(self.published), None


def page_dates(root: etree._Element) -> PageDates:
    """The ticker's JSON-LD datePublished and dateModified values."""
    dates = PageDates([], [])
    for node in json_ld_objects(root):
        if (moment := parse_iso(node.get("datePublished"))) is not None:
            dates.published.append(moment)
        if (moment := parse_iso(node.get("dateModified"))) is not None:
            dates.modified.append(moment)
    return dates


def _newest(
    root: etree._Element, leading: list[str], drafts: list[_Draft], moment: datetime | None
) -> _Draft | None:
    """The newest entry (no head of its own), or None when no paragraph comes first or
    the page's headline names an entry that has its head (the leading text is an intro)."""
    if not leading:
        return None
    headline = _headline(root) or ""
    in_head = _head_line(root)
    if in_head is not None:
        if any(in_head == (d.clock, d.title) for d in drafts):
            return None
        if any(in_head[1] == d.title for d in drafts):
            return _Draft(in_head[0], "", list(leading))  # an older entry's title: none
        return _Draft(in_head[0], in_head[1], list(leading))
    if not headline or any(headline == d.title for d in drafts):
        return None
    return _Draft(None, headline, list(leading), moment)


def _head_line(root: etree._Element) -> tuple[time, str] | None:
    """The head in the page's headline or title: a ticker's newest entry."""
    return head_in(_headline(root) or "") or head_in(_title(root))


def _title(root: etree._Element) -> str:
    title = root.find(".//title")
    return inline_text(title) if title is not None else ""


def _moments(
    drafts: list[_Draft], newest: datetime | None, oldest: datetime | None
) -> Iterator[datetime | None]:
    items: list[datetime | time | None] = [d.moment or d.clock for d in drafts]
    yield from date_clocks(items, newest, oldest)


def parse_ntv(
    data: bytes, url: str, charset: str | None = None, root: etree._Element | None = None
) -> ParseResult:
    root = parse_document(data, charset) if root is None else root
    blocks = ticker_blocks(root)
    if blocks is None:
        raise ParseError(
            f"no n-tv ticker text ({', '.join(SELECTORS)})", selector=" | ".join(SELECTORS)
        )
    result = ParseResult("ntv")
    title = root.find(".//title")
    if title is not None:
        result.page_title = inline_text(title) or None
    leading, drafts = _drafts(blocks)
    dates = page_dates(root)
    in_head = _head_line(root)
    first_clock = in_head[0] if in_head else next((d.clock for d in drafts if d.clock), None)
    last_change, start = dates.bounds(first_clock)
    newest = _newest(root, leading, drafts, last_change) if drafts or in_head else None
    if newest is not None:
        drafts.insert(0, newest)
    if not drafts:
        raise ParseError(
            "no n-tv ticker entries ('+++ HH:MM … +++' heads)", selector="'+++ HH:MM … +++' heads"
        )
    if last_change is None and start is None:
        result.note("no JSON-LD datePublished/dateModified: entry times unknown")
    page = urldefrag(url)[0]
    seen: set[str] = set()
    moments = _moments(drafts, last_change, start)
    for draft, when in result.bounded(zip(drafts, moments, strict=True)):
        with result.item(draft.title[:80]):
            result.add(_entry(draft, when, page), seen)
    return result


def _entry(draft: _Draft, when: datetime | None, page: str) -> Entry:
    # The key is the entry's own head (day, clock, title): the same entry on the next
    # poll, headless as the newest or headed further down, gets the same key.
    digest = hashlib.sha1(draft.title.encode("utf-8")).hexdigest()[:10]
    day = when.date().isoformat() if when else "undated"
    clock = draft.clock or (when.timetz() if when else None)
    key = f"{day}-{clock:%H%M}-{digest}" if clock else f"{day}-{digest}"
    kind = Kind.NOTICE if is_notice_title(draft.title) else Kind.NEWS
    text = "\n\n".join(draft.paragraphs)
    return Entry(key, when, None, draft.title or None, text, page, kind)


def looks_like_ntv(root: etree._Element) -> bool:
    """A ticker in either layout: its paragraphs are there and at least one has a head
    (or the headline has: the newest entry's)."""
    blocks = ticker_blocks(root)
    if not blocks:
        return False
    for block in blocks[:2000]:
        text = inline_text(block)
        if "+++" in text and HEAD.search(text) is not None:
            return True
    return _head_line(root) is not None  # a ticker with only its newest entry so far
