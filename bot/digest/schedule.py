"""When a daily digest is next due, in the reader's time zone, DST-safe.

Each chat stores its next due instant (UTC); one minute tick sends every chat whose
instant has passed and stores the following one. Chosen over one JobQueue job per
chat because it is a single indexed query per minute whatever the number of chats
(10,000 APScheduler jobs cost memory and start-up time), and it survives restarts by
construction: the schedule lives in the database.

Wall-clock times that do not exist (02:30 on the spring-forward night) resolve
forward, to 03:30 CEST, so the digest still arrives once; times that exist twice
(02:30 on the autumn night) take the first occurrence, and the next due instant is
always computed after the one just sent, so none arrives twice.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo


def _wall(day: datetime, at: time, zone: ZoneInfo) -> datetime:
    naive = datetime.combine(day.date(), at)
    # Round-trip through UTC to normalise a time in the spring gap (fold=0 reads it
    # with the offset before the change, i.e. one hour later on the clock).
    return naive.replace(tzinfo=zone).astimezone(UTC)


def next_digest_at(digest_time: str, zone: ZoneInfo, after: datetime) -> datetime:
    """The first moment strictly after `after` at which the local clock shows digest_time."""
    hour, minute = (int(part) for part in digest_time.split(":"))
    at = time(hour, minute)
    local = after.astimezone(zone)
    for days in range(0, 3):
        candidate = _wall(local + timedelta(days=days), at, zone)
        if candidate > after:
            return candidate
    raise AssertionError("unreachable: a day always has the time")
