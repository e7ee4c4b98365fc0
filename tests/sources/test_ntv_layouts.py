"""n-tv tickers in both layouts, read from the real text of a ticker page.

No real capture of a ticker's markup in the current (Next.js) layout could be found, so
this is the closest real evidence: the stored text of a real ticker page
(real/stored/ntv-ticker-text-2022-03.json, with its origin) put into the markup real
n-tv pages use (the class names are copied from the real article captures
real/ntv-article-*.html.gz). The text and the heads are the page's own.
"""

from __future__ import annotations

import html
import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.sources.detect import detect_format, parse_payload
from bot.sources.ntv import head_of

BERLIN = ZoneInfo("Europe/Berlin")
STORED = json.loads(
    (Path(__file__).parent / "real" / "stored" / "ntv-ticker-text-2022-03.json").read_text("utf-8")
)
URL = STORED["origin"]["url"]
NEW_P = (
    "Typography_text-default__P3otY Typography_weight-normal__pqUbH storyline_paragraph_p__qSR5N"
)
NEW_H2 = (
    "Typography_text-xl__yFuoP Typography_weight-bold__uT6mq"
    " storyline_subheadline_subheadline__Y4EJz"
)
# n-tv's own inline script names the old class (seen in both real captures): detection
# must not take it for a ticker box.
SCRIPT = (
    '<script>K5("article.article > .article__wrapper .article__text > p:nth-of-type(4)")</script>'
)


def _json_ld(modified: str | None) -> str:
    """Both dates, as real n-tv pages carry them: the ticker's day starts at 00:01
    (datePublished, the date line under its headline), its last change is dateModified."""
    if modified is None:
        return ""
    ld = {
        "@context": "http://schema.org",
        "@type": "NewsArticle",
        "datePublished": f"{modified[:10]}T00:01:00{modified[19:]}",
        "dateModified": modified,
    }
    return f"<script type='application/ld+json'>{json.dumps(ld)}</script>"


def page(
    layout: str,
    modified: str | None = None,
    headline: str = STORED["headline"],
    paragraphs: tuple[str, ...] = tuple(STORED["paragraphs"]),
) -> bytes:
    title = f"Ukraine-Krieg im Liveticker: {headline}"
    body = []
    for paragraph in paragraphs:
        text = html.escape(paragraph)
        if layout == "old":
            body.append(f"<p><b>{text}</b></p>" if head_of(paragraph) else f"<p>{text}</p>")
        elif layout == "new-h2" and head_of(paragraph):
            body.append(f'<h2 class="{NEW_H2}">{text}</h2>')
        else:
            body.append(f'<p class="{NEW_P}">{text}</p>')
    if layout == "old":
        article = f"<article class='article'><div class='article__text'>{''.join(body)}</div>"
    else:
        article = f"<main><article><h1>{html.escape(title)}</h1>{''.join(body)}"
    return (
        f"<!DOCTYPE html><html lang='de'><head><meta charset='utf-8'><title>{html.escape(title)}"
        f" - n-tv.de</title>{_json_ld(modified)}{SCRIPT}</head><body>{article}</article>"
        "</body></html>"
    ).encode()


@pytest.mark.parametrize("layout", ["old", "new-p", "new-h2"])
def test_every_entry_and_the_headless_newest_one(layout: str) -> None:
    payload = page(layout)
    assert detect_format(payload, "text/html") == "ntv"
    result = parse_payload(payload, URL, "text/html")
    assert [e.title for e in result.entries] == [
        "Strahlungsmessung in Tschernobyl funktioniert offenbar nicht",
        "Land Berlin fordert Koordination bei Aufnahme unbegleiteter Geflüchteter",
        "Ukraine schließt Häfen an Schwarzem und Asowschem Meer",
        "Tusk will deutlich stärkere NATO-Präsenz in Polen",
    ]
    newest = result.entries[0]
    assert newest.text.startswith("Der staatliche ukrainische Atomkonzern Energoatom warnt")
    assert result.entries[1].text.endswith("diese dann gezielt steuern könne.")
    assert not any("+++" in e.text for e in result.entries)
    assert len({e.key for e in result.entries}) == 4
    assert all(e.published is None for e in result.entries)  # no page date: no made-up time


def test_the_newest_entry_keeps_its_key_once_it_has_a_head() -> None:
    # The next poll: a newer entry on top, the 14:39 one now headed like the others.
    before = parse_payload(page("new-p", "2022-03-07T14:40:00+01:00"), URL).entries
    paragraphs = ("Ein neuer Text.", STORED["headline"], *STORED["paragraphs"])
    newer = page("new-p", "2022-03-07T14:56:00+01:00", "+++ 14:55 Neue Meldung +++", paragraphs)
    after = parse_payload(newer, URL).entries
    assert [e.key for e in after[1:]] == [e.key for e in before]
    assert after[1].published == datetime(2022, 3, 7, 14, 39, tzinfo=BERLIN)


def test_real_articles_are_not_tickers() -> None:
    # Same markup, no heads at all: an article (see real/ntv-article-*.json).
    payload = page("new-p").replace(b"+++", b"")
    with pytest.raises(ValueError, match="without liveblog entries"):
        detect_format(payload, "text/html")
