"""tagesschau.de liveblog pages (HTML), in both markup shapes seen since 2022.

Recent pages: `div.liveblog--anchor[id]` holds the time (`div.liveblog__datetime`) and
the title (`h2.meldung__subhead`); the entry's `p.textabsatz` paragraphs follow as
siblings until the next anchor. Older pages nest the whole entry inside the anchor.
Walking the document in order handles both. The page head has `p.textabsatz`
paragraphs too (the "Stand:" line, the summary): they come before the first anchor
and belong to no entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urldefrag

import lxml.html
from lxml import etree

from bot.sources.decode import check_payload
from bot.sources.htmltext import check_limits, clean_inline, element_text
from bot.sources.links import unique_links
from bot.sources.model import Entry, Kind, ParseError, ParseResult
from bot.sources.textexport import is_notice_title
from bot.sources.times import parse_german, parse_german_date

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
    if not charset and b"charset" not in data[:4096].lower():
        # No declaration at all: libxml2 would assume Latin-1; the web today is UTF-8.
        try:
            data.decode("utf-8")
            charset = "utf-8"
        except UnicodeDecodeError:
            charset = "cp1252"
    try:
        parser = lxml.html.HTMLParser(encoding=charset)
        root = lxml.html.document_fromstring(data, parser=parser)
    except (etree.ParserError, ValueError, LookupError) as exc:
        raise ParseError(f"not readable as HTML: {exc}") from exc
    check_limits(parser)
    return root


def liveblog_links(root: etree._Element, url: str) -> list[str]:
    own = urldefrag(url)[0]
    hrefs = (str(anchor.get("href") or "") for anchor in root.iter("a"))
    return unique_links(hrefs, url, lambda link: link != own and bool(LIVEBLOG_LINK.search(link)))


def parse_tagesschau(data: bytes, url: str, charset: str | None = None) -> ParseResult:
    root = parse_document(data, charset)
    result = ParseResult("tagesschau")
    title = root.find(".//title")
    result.page_title = _text_of(title) if title is not None else None
    result.links = liveblog_links(root, url)
    page_day: date | None = None
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
            elif current is None and page_day is None:
                page_day = parse_german_date(text)
        elif node.tag in {"h2", "h3"} and "meldung__subhead" in classes and current is not None:
            current.title = current.title or _text_of(node) or None
        elif node.tag == "p" and "textabsatz" in classes:
            text = element_text(node)
            if current is None:
                if text.startswith("Stand:"):
                    page_day = parse_german_date(text)
                continue
            if text and not _FOOTER.match(text):
                current.paragraphs.append(text)
    if not drafts:
        raise ParseError("no liveblog entries (div.liveblog--anchor) on the page")
    seen: set[str] = set()
    base = urldefrag(url)[0]
    for draft in result.bounded(drafts):
        with result.item(draft.anchor):
            published: datetime | None = parse_german(draft.time_text, page_day)
            if draft.time_text and published is None:
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
