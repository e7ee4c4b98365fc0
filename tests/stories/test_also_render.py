"""The "auch bei" lines: each other outlet with its headline, linked, escaped, capped."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.delivery.fit import LIMIT, size
from bot.delivery.render import AlertView, AlsoLink, also_line, render_alert, render_batch_item

ZONE = ZoneInfo("Europe/Berlin")


def view(also: tuple[AlsoLink, ...], text: str = "Kiew meldet Luftalarm.") -> AlertView:
    return AlertView(
        1,
        "Luftalarm in Kiew",
        text,
        "https://a.test/1",
        datetime(2024, 11, 17, tzinfo=UTC),
        ("Kiew",),
        (),
        "Alpha · Ukraine",
        also,
    )


def test_each_outlet_with_its_headline_linked_and_escaped() -> None:
    line = also_line(
        (
            AlsoLink(
                "n-tv · Ticker", "Explosionen in Kiew <live> & mehr", "https://n.test/a?b=1&c=2"
            ),
            AlsoLink("ZDFheute", "Klitschko: Verletzte", None),
        ),
        "de",
    )
    assert line.splitlines() == [
        '➕ auch bei: n-tv · Ticker: <a href="https://n.test/a?b=1&amp;c=2">'
        "Explosionen in Kiew &lt;live&gt; &amp; mehr</a>",
        "➕ auch bei: ZDFheute: Klitschko: Verletzte",
    ]
    assert also_line((AlsoLink("CNN", "Blasts in Kyiv", None),), "en") == (
        "➕ also at: CNN: Blasts in Kyiv"
    )


def test_a_batch_item_names_the_outlets_only() -> None:
    item = render_batch_item(view((AlsoLink("n-tv", "Explosionen", "https://n.test/"),)), ZONE)
    assert "➕ auch bei: n-tv\n" in item
    assert "Explosionen" not in item


def test_many_long_reports_still_fit_one_message() -> None:
    huge = tuple(AlsoLink("&" * 500, "<b>" * 400, "https://x.test/" + "a" * 900) for _ in range(50))
    html = render_alert(view(huge, "Kiew " * 2_000), ZONE, "de")
    assert size(html) <= LIMIT
    assert "➕ auch bei:" in html
    assert "Kiew" in html  # the alert's own text keeps room
