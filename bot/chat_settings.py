"""Reading what readers type for their settings: modes, quiet hours, durations, zones."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from rapidfuzz import fuzz, process

from bot.matching.normalize import fold

MODES = ("instant", "hourly", "daily")
_MODE_WORDS = {
    "instant": "instant",
    "sofort": "instant",
    "now": "instant",
    "direkt": "instant",
    "hourly": "hourly",
    "stundlich": "hourly",
    "stuendlich": "hourly",
    "stunde": "hourly",
    "daily": "daily",
    "taglich": "daily",
    "taeglich": "daily",
    "digest": "daily",
    "zusammenfassung": "daily",
}
_CLOCK = re.compile(r"^\s*(\d{1,2})(?:[:.](\d{2}))?\s*(?:uhr|h|(am|a\.m\.|pm|p\.m\.))?\s*$", re.I)
_DURATION = re.compile(
    r"^\s*(\d{1,4})\s*(m|min|minuten?|minutes?|h|std|stunden?|hours?|d|t|tage?|days?)?\s*$", re.I
)
MAX_PAUSE = timedelta(days=30)


class SettingError(ValueError):
    """What the reader typed does not fit; `code` picks the message."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail


def parse_mode(text: str) -> str:
    mode = _MODE_WORDS.get(fold(text.strip()))
    if mode is None:
        raise SettingError("bad_mode", text)
    return mode


def parse_clock(text: str) -> str:
    """ "20:00", "7", "7.30 Uhr", "8pm", "8:30 a.m." → "HH:MM"."""
    match = _CLOCK.match(text)
    if not match:
        raise SettingError("bad_time", text)
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    half = (match.group(3) or "").lower().replace(".", "")
    if half:  # 12-hour clock: 12am is midnight, 12pm noon
        if not 1 <= hour <= 12:
            raise SettingError("bad_time", text)
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        raise SettingError("bad_time", text)
    return f"{hour:02d}:{minute:02d}"


def parse_quiet(text: str) -> tuple[str, str] | None:
    """ "23:00-07:00" → ("23:00", "07:00"); "off"/"aus" → None."""
    if fold(text.strip()) in {"off", "aus", "nein", "none", "0"}:
        return None
    parts = re.split(r"\s*(?:-|\u2013|bis|to)\s*", text.strip(), maxsplit=1)
    if len(parts) != 2:
        raise SettingError("bad_quiet", text)
    start, end = parse_clock(parts[0]), parse_clock(parts[1])
    if start == end:
        raise SettingError("bad_quiet", text)
    return start, end


def parse_duration(text: str) -> timedelta:
    """ "2h", "30m", "1d", "90" (minutes) → a duration between 1 minute and 30 days."""
    match = _DURATION.match(text)
    if not match:
        raise SettingError("bad_duration", text)
    amount, unit = int(match.group(1)), fold(match.group(2) or "m")
    if unit.startswith(("h", "s")):
        delta = timedelta(hours=amount)
    elif unit.startswith(("d", "t")):
        delta = timedelta(days=amount)
    else:
        delta = timedelta(minutes=amount)
    if not timedelta(minutes=1) <= delta <= MAX_PAUSE:
        raise SettingError("bad_duration", text)
    return delta


@cache
def _zone_names() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


def parse_timezone(text: str) -> str:
    """An IANA name ("Europe/Berlin"), case-insensitive; else suggestions in the error."""
    wanted = text.strip()
    if len(wanted) > 64 or not wanted:
        raise SettingError("bad_timezone", "")  # the detail lists suggestions: none here
    by_fold = {name.casefold(): name for name in _zone_names()}
    name = by_fold.get(wanted.casefold().replace(" ", "_"))
    if name is None:
        # A bare city ("Berlin", "new york") is accepted when exactly one zone ends with it.
        city = wanted.casefold().replace(" ", "_")
        ends = [n for n in _zone_names() if n.casefold().endswith("/" + city)]
        name = ends[0] if len(ends) == 1 else None
    if name is None:
        close = process.extract(wanted, _zone_names(), scorer=fuzz.WRatio, limit=3, score_cutoff=75)
        raise SettingError("bad_timezone", ", ".join(c[0] for c in close))
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SettingError("bad_timezone", wanted) from exc
    return name


def chat_zone(timezone: str | None, default: ZoneInfo) -> ZoneInfo:
    """A chat's time zone; the default when unset or (after a tzdata change) unknown."""
    if not timezone:
        return default
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return default


def _as_time(text: str) -> time:
    hour, minute = text.split(":")
    return time(int(hour), int(minute))


def in_quiet_hours(moment: datetime, zone: ZoneInfo, start: str, end: str) -> bool:
    """Whether a moment falls into quiet hours given as local wall-clock times."""
    local = moment.astimezone(zone).time().replace(second=0, microsecond=0)
    begin, finish = _as_time(start), _as_time(end)
    if begin < finish:
        return begin <= local < finish
    return local >= begin or local < finish  # wraps over midnight


def quiet_ends_at(moment: datetime, zone: ZoneInfo, end: str) -> datetime:
    """The next time the local clock shows `end` after `moment` (DST-safe)."""
    local = moment.astimezone(zone)
    candidate = datetime.combine(local.date(), _as_time(end), tzinfo=zone)
    if candidate <= local:
        candidate = datetime.combine(local.date() + timedelta(days=1), _as_time(end), tzinfo=zone)
    return candidate
