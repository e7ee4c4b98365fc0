"""tagesschau pages whose entries carry only a clock time ("18:23 Uhr"): every entry gets
the page's day, from `.metatextline` ("Stand: …", a div in 2022, a p since 2023), else
from the JSON-LD dates; never a time from nowhere. The markup is the real one (see
real/tagesschau-article-2023-04-28.json); the entry texts here are placeholders."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.sources.detect import parse_payload
from bot.sources.times import date_clocks

BERLIN = ZoneInfo("Europe/Berlin")
URL = "https://www.tagesschau.de/newsticker/liveblog-ukraine-dienstag-100.html"


def page(head: str, clocks: list[str], json_ld: str = "") -> bytes:
    entries = "".join(
        f"<div class='liveblog--anchor' id='e{i}'><div class='liveblog__datetime'>{clock}</div>"
        f"<h2 class='meldung__subhead'>Meldung {i}</h2></div><p class='textabsatz'>Text {i}.</p>"
        for i, clock in enumerate(clocks)
    )
    script = f"<script type='application/ld+json'>{json_ld}</script>" if json_ld else ""
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'>{script}</head><body><article>"
        f"{head}<p class='textabsatz'>Die Lage am Dienstag.</p>{entries}</article></body></html>"
    ).encode()


@pytest.mark.parametrize("tag", ["div", "p"])
def test_clock_only_entries_get_the_stamp_day(tag: str) -> None:
    head = f"<{tag} class='metatextline'>Stand: 05.11.2024 18:40 Uhr</{tag}>"
    result = parse_payload(page(head, ["18:23 Uhr", "12:05 Uhr", "06:10 Uhr"]), URL)
    assert [e.published for e in result.entries] == [
        datetime(2024, 11, 5, 18, 23, tzinfo=BERLIN),
        datetime(2024, 11, 5, 12, 5, tzinfo=BERLIN),
        datetime(2024, 11, 5, 6, 10, tzinfo=BERLIN),
    ]
    assert all(e.published is not None for e in result.entries)


def test_entries_after_midnight_and_before_it() -> None:
    # Stamped just after midnight: the newest entries are on the 6th, the rest on the 5th.
    head = "<p class='metatextline'>Stand: 06.11.2024 00:20 Uhr</p>"
    clocks = ["00:15 Uhr", "23:50 Uhr", "23:55 Uhr", "21:00 Uhr"]  # 23:55 is misordered
    result = parse_payload(page(head, clocks), URL)
    assert [e.published for e in result.entries] == [
        datetime(2024, 11, 6, 0, 15, tzinfo=BERLIN),
        datetime(2024, 11, 5, 23, 50, tzinfo=BERLIN),
        datetime(2024, 11, 5, 23, 55, tzinfo=BERLIN),
        datetime(2024, 11, 5, 21, 0, tzinfo=BERLIN),
    ]


def test_dated_entries_reset_the_day() -> None:
    head = "<p class='metatextline'>Stand: 06.11.2024 09:00 Uhr</p>"
    clocks = ["08:30 Uhr", "05.11.2024 • 22:10 Uhr", "20:00 Uhr"]
    result = parse_payload(page(head, clocks), URL)
    assert [e.published for e in result.entries] == [
        datetime(2024, 11, 6, 8, 30, tzinfo=BERLIN),
        datetime(2024, 11, 5, 22, 10, tzinfo=BERLIN),
        datetime(2024, 11, 5, 20, 0, tzinfo=BERLIN),
    ]


def test_json_ld_dates_are_the_fallback() -> None:
    modified = '{"@type":"NewsArticle","dateModified":"2024-11-05T17:00:00+01:00"}'
    result = parse_payload(page("", ["16:45 Uhr", "09:00 Uhr"], modified), URL)
    assert [e.published for e in result.entries] == [
        datetime(2024, 11, 5, 16, 45, tzinfo=BERLIN),
        datetime(2024, 11, 5, 9, 0, tzinfo=BERLIN),
    ]
    # Only the blog's start known: read up from the oldest entry (past midnight: next day).
    started = '{"@type":"NewsArticle","datePublished":"2024-11-05T06:00:00+01:00"}'
    result = parse_payload(page("", ["00:30 Uhr", "22:00 Uhr", "06:15 Uhr"], started), URL)
    assert [e.published for e in result.entries] == [
        datetime(2024, 11, 6, 0, 30, tzinfo=BERLIN),
        datetime(2024, 11, 5, 22, 0, tzinfo=BERLIN),
        datetime(2024, 11, 5, 6, 15, tzinfo=BERLIN),
    ]


def test_no_page_date_means_no_time_not_a_made_up_one() -> None:
    result = parse_payload(page("", ["18:23 Uhr"]), URL)
    [entry] = result.entries
    assert entry.published is None
    assert any("no page date" in p for p in result.problems)


def test_date_clocks_without_reference_keeps_only_real_dates() -> None:
    own = datetime(2024, 11, 5, 10, 0, tzinfo=BERLIN)
    assert date_clocks([time(9, 0), own, None]) == [None, own, None]
