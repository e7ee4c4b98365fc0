"""Only a well-formed http(s) link becomes an href: no other scheme, no quote breaking
out of the attribute, nothing longer than a link may be, and no raw whitespace (an entry
URL with a line break or space made an href Telegram refuses)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.delivery.render import AlertView, render_alert, render_batch
from tests.hostile.builders import check_message

BERLIN = ZoneInfo("Europe/Berlin")


def view(url: str) -> AlertView:
    moment = datetime(2024, 11, 4, 9, tzinfo=UTC)
    return AlertView(1, "Titel", "Kiew meldet Luftalarm.", url, moment, ("Kiew",), (), "Quelle")


def hrefs(message: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', message)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<b>x</b>",
        "file:///etc/passwd",
        " https://example.org/",
        "https://example.org/a b",
        "https://example.org/\n/x",
        "https://example.org/\t",
        "https://example.org/\u2028x",
        "https://example.org/\u202ex",
        "https://example.org/" + "a" * 4096,
    ],
)
def test_no_href_for_a_link_no_reader_should_follow(url: str) -> None:
    for message in [render_alert(view(url), BERLIN, "de"), *render_batch([view(url)], BERLIN)]:
        check_message(message)
        assert hrefs(message) == []


@pytest.mark.parametrize(
    ("url", "href"),
    [
        ("https://example.org/live#e1", "https://example.org/live#e1"),
        ('https://example.org/"onclick="x', "https://example.org/&quot;onclick=&quot;x"),
        ("https://example.org/?a=1&b=<2>", "https://example.org/?a=1&amp;b=&lt;2&gt;"),
    ],
)
def test_a_good_link_is_kept_and_escaped(url: str, href: str) -> None:
    message = render_alert(view(url), BERLIN, "de")
    check_message(message)
    assert hrefs(message) == [href]
