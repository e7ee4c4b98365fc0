"""A page claiming a date no liveblog writes never breaks its adapter.

n-tv's entries are dated from the page's JSON-LD `datePublished`, one day earlier after
each clock wrap: "9999-12-31T23:30:00-05:00" overflowed when turned into Berlin time, and
year 1 overflowed at the first wrap, raising OverflowError out of the adapter at every
poll. Dates are read only within sane years, in every adapter's shared parsers."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from bot.sources.ap import epoch_ms
from bot.sources.model import Entry
from bot.sources.ntv import parse_ntv
from bot.sources.outlet_samples import ntv_html
from bot.sources.times import parse_german, parse_german_date, parse_iso

# Newest first, across midnight: 00:10 is the ticker's day, 23:50 the day before.
ENTRIES = [
    Entry("a", datetime(2024, 11, 5, 0, 10, tzinfo=UTC), None, "Nach Mitternacht", "Kiew.", None),
    Entry(
        "b", datetime(2024, 11, 4, 22, 50, tzinfo=UTC), None, "Vor Mitternacht", "Charkiw.", None
    ),
]


@pytest.mark.parametrize(
    "claimed",
    ["9999-12-31T23:30:00-05:00", "0001-01-01T00:30:00+00:00", "0001-01-01", "9999-12-31"],
)
def test_an_absurd_ticker_date_leaves_the_entries_undated_not_the_page_broken(
    claimed: str,
) -> None:
    page = ntv_html(ENTRIES).decode()
    hostile = re.sub(r'"datePublished": "[^"]*"', f'"datePublished": "{claimed}"', page)
    assert hostile != page
    parsed = parse_ntv(hostile.encode(), "https://www.n-tv.de/politik/ticker.html")
    assert [e.title for e in parsed.entries] == ["Nach Mitternacht", "Vor Mitternacht"]
    assert all(e.published is None for e in parsed.entries)


def test_the_real_date_still_counts_back_across_midnight() -> None:
    parsed = parse_ntv(ntv_html(ENTRIES), "https://www.n-tv.de/politik/ticker.html")
    days = [e.published.date().isoformat() for e in parsed.entries if e.published]
    assert days == ["2024-11-05", "2024-11-04"]


def test_the_shared_date_parsers_refuse_absurd_years() -> None:
    assert parse_iso("9999-12-31T23:30:00-05:00") is None
    assert parse_iso("0001-01-01") is None
    assert parse_german("01.01.0001 • 00:30 Uhr") is None
    assert parse_german_date("31.12.9999") is None
    assert epoch_ms("253402300799000") is None  # 9999-12-31
    assert parse_iso("2024-11-04T23:36:00+01:00") is not None
    assert epoch_ms("1730760960000") is not None
