"""The plain-text export of a liveblog (the sample in seeds/).

Layout: header lines (page title, "liveblog", headline, "Stand: …", summary), then
blocks that start with a time line ("04.11.2024 • 23:36 Uhr") and a title line, then
paragraphs. The export lost some entries' own time lines and titles: every further
paragraph of a block is an entry of its own that inherits the block's time. A short
line without closing punctuation inside a block titles the next paragraph (boxes such
as "Konfliktparteien als Quelle"). Known boxes and the footer are notices, not news.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, datetime

from bot.sources.decode import check_payload, decode_text
from bot.sources.model import Entry, Kind, ParseError, ParseResult
from bot.sources.times import parse_german, parse_german_date

_TIME_LINE = re.compile(r"^\s*(?:\d{1,2}\.\d{1,2}\.\d{4}\s*[•·,|-]?\s*)?\d{1,2}:\d{2}\s*Uhr\s*$")
_STAND = re.compile(r"^\s*Stand:\s*(.+)$")
NOTICE_TITLES = (
    re.compile(r"^Ende des Liveblogs?$", re.I),
    re.compile(r"^Konfliktparteien als Quelle$", re.I),
    re.compile(r"^Liveblog vom .+ zum Nachlesen$", re.I),
    re.compile(r"^Zum Nachlesen", re.I),
    re.compile(r"^Hinweis", re.I),
)
_FOOTER = re.compile(r"^(Dieses Thema im Programm|Über dieses Thema berichtete)", re.I)


def is_notice_title(title: str | None) -> bool:
    return bool(title) and any(p.search(title.strip()) for p in NOTICE_TITLES)  # type: ignore[union-attr]


def _is_title_line(line: str) -> bool:
    stripped = line.strip()
    return (
        0 < len(stripped) <= 120
        and stripped[-1] not in '.!?:;"“”»…)'
        and not _FOOTER.match(stripped)
    )


def _key(stamp: str, title: str | None, text: str) -> str:
    basis = f"{stamp}|{title or ''}|{' '.join(text.split()[:12])}"
    return "t" + hashlib.sha1(basis.encode("utf-8")).hexdigest()[:15]


def _entry(stamp: str, published: datetime | None, title: str | None, text: str, url: str) -> Entry:
    key = _key(stamp, title, text)
    kind = Kind.NOTICE if is_notice_title(title) else Kind.NEWS
    return Entry(key, published, None, title, text, f"{url}#{key}", kind)


def parse_text_export(data: bytes, url: str, charset: str | None = None) -> ParseResult:
    check_payload(data)
    text, problems = decode_text(data, charset)
    result = ParseResult("text", problems=problems)
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    chunks = [line for line in lines if line]
    first_time = next((i for i, line in enumerate(chunks) if _TIME_LINE.match(line)), None)
    if first_time is None:
        raise ParseError("no time lines like '04.11.2024 • 23:36 Uhr': not a liveblog export")
    header = chunks[:first_time]
    result.page_title = header[0] if header else None
    page_day: date | None = None
    for line in header:
        stand = _STAND.match(line)
        if stand:
            page_day = parse_german_date(stand.group(1))
    seen: set[str] = set()
    stamp, published, pending_title = "", None, None
    for line in chunks[first_time:]:
        if result.full:  # the rest is left unread (lines are not entries: counted as one)
            result.left_out()
            break
        if _TIME_LINE.match(line):
            stamp = line
            published = parse_german(line, page_day)
            if published is None:
                result.note(f"unreadable time line {line!r}")
            elif page_day is None:
                page_day = published.date()
            pending_title = None
            continue
        if _FOOTER.match(line):
            continue
        if pending_title is None and _is_title_line(line):
            pending_title = line
            continue
        result.add(_entry(stamp, published, pending_title, line, url), seen)
        pending_title = None
    if pending_title is not None:
        result.add(_entry(stamp, published, pending_title, "", url), seen)
    return result
