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
