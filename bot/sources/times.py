"""Dates as liveblogs write them, made timezone-aware (local times are Europe/Berlin)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")
_GERMAN = re.compile(
    r"(?:(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})\s*[•·,|-]?\s*)?(?P<H>\d{1,2}):(?P<M>\d{2})\s*Uhr"
)
_DATE_ONLY = re.compile(r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})")
FUTURE_TOLERANCE = timedelta(days=1)
# Years a page may claim at all. Outside them an adapter's own arithmetic (the previous
# day after a clock wrap, a time zone change) overflows datetime: "9999-12-31T23:30-05:00"
# as n-tv's datePublished raised OverflowError out of the adapter, every poll.
SANE_YEARS = range(1900, 3000)


def sane(moment: datetime | None) -> datetime | None:
    """`moment`, or None when its year is one no liveblog writes."""
    return moment if moment is not None and moment.year in SANE_YEARS else None


def local(day: date, clock: time, zone: ZoneInfo = BERLIN) -> datetime:
    """A wall-clock time in `zone`. In the autumn overlap the first (summer) reading wins;
    a time skipped in spring resolves forward, as zoneinfo does with fold=0."""
    return datetime.combine(day, clock, tzinfo=zone)


def parse_german(text: str, default_day: date | None = None) -> datetime | None:
    """ "04.11.2024 • 23:36 Uhr" or "23:36 Uhr" (on default_day) → aware datetime."""
    match = _GERMAN.search(text)
    if not match:
        return None
    try:
        if match.group("d"):
            day = date(int(match.group("y")), int(match.group("m")), int(match.group("d")))
        elif default_day is not None:
            day = default_day
        else:
            return None
        return sane(local(day, time(int(match.group("H")), int(match.group("M")))))
    except ValueError:
        return None


def parse_german_date(text: str) -> date | None:
    match = _DATE_ONLY.search(text)
    if not match:
        return None
    try:
        day = date(int(match.group("y")), int(match.group("m")), int(match.group("d")))
    except ValueError:
        return None
    return day if day.year in SANE_YEARS else None


def parse_iso(text: object) -> datetime | None:
    """ISO 8601 (JSON-LD, JSON Feed); a naive time is taken as Berlin local time."""
    if not isinstance(text, str) or not text.strip():
        return None
    value = text.strip().replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=BERLIN)
    return sane(moment)


def plausible(moment: datetime | None, now: datetime | None = None) -> datetime | None:
    """Drop times too far in the future (a broken clock or feed) or before 1990."""
    if moment is None:
        return None
    current = now or datetime.now(UTC)
    if moment > current + FUTURE_TOLERANCE or moment.year < 1990:
        return None
    return moment


_CLOCK = re.compile(r"(?<![\d.:])(?P<H>\d{1,2})[:.](?P<M>\d{2})\s*Uhr")
CLOCK_TOLERANCE = timedelta(minutes=30)  # a misordered entry, not another day


def german_clock(text: str) -> time | None:
    """ "23:36 Uhr" → 23:36 (a clock time with no date of its own)."""
    match = _CLOCK.search(text)
    if not match:
        return None
    hour, minute = int(match.group("H")), int(match.group("M"))
    return time(hour, minute) if hour < 24 and minute < 60 else None


def date_clocks(
    items: list[datetime | time | None],
    newest: datetime | None = None,
    oldest: datetime | None = None,
    zone: ZoneInfo = BERLIN,
) -> list[datetime | None]:
    """Give clock-only times (newest first, as liveblogs list them) their day.

    `newest` is a moment no entry is later than (the page's "Stand:" or dateModified);
    `oldest` one no entry is earlier than (datePublished, the blog's start). Reading
    down from `newest`, each clock takes the latest day that keeps it at or before
    the entry above (a rise of up to CLOCK_TOLERANCE is a misordered entry); an entry
    with its own date resets the reference. With only `oldest`, the same reading goes
    up from the bottom. With neither, clock-only entries get no time at all.
    Entries after midnight on a page stamped the day before get the next day: the
    reference is a moment, not a date."""
    if newest is not None:
        return _date_down(items, newest.astimezone(zone), zone)
    if oldest is not None:
        return _date_down_reversed(items, oldest.astimezone(zone), zone)
    return [item if isinstance(item, datetime) else None for item in items]


def _date_down(
    items: list[datetime | time | None], reference: datetime, zone: ZoneInfo
) -> list[datetime | None]:
    moments: list[datetime | None] = []
    for item in items:
        if isinstance(item, datetime):
            reference = item.astimezone(zone)
            moments.append(item)
            continue
        if item is None:
            moments.append(None)
            continue
        moment = local(reference.date(), item, zone)
        if moment > reference + CLOCK_TOLERANCE:
            moment = local(reference.date() - timedelta(days=1), item, zone)
        moments.append(sane(moment))
        reference = min(reference, moment)
    return moments


def _date_down_reversed(
    items: list[datetime | time | None], reference: datetime, zone: ZoneInfo
) -> list[datetime | None]:
    moments: list[datetime | None] = []
    for item in reversed(items):
        if isinstance(item, datetime):
            reference = item.astimezone(zone)
            moments.append(item)
            continue
        if item is None:
            moments.append(None)
            continue
        moment = local(reference.date(), item, zone)
        if moment < reference - CLOCK_TOLERANCE:
            moment = local(reference.date() + timedelta(days=1), item, zone)
        moments.append(sane(moment))
        reference = max(reference, moment)
    return moments[::-1]
