"""n-tv tickers in the current (Next.js) layout, read from the real text of two ticker
pages of February 2026 (real/stored/ntv-ticker-text-2026-02-*.json, with their origin).

No real capture of a ticker's markup in this layout could be found, so this is the
closest real evidence: the stored text of real ticker pages put into the markup of the
real Next.js article (real/ntv-article-nextjs-2025-12-12.html.gz; its head, the date
line under the headline and the storyline classes are copied from it). The text, the
heads, the headline and the date line are the pages' own. The date line shows the
ticker's datePublished (the real article's "12.12.2025, 05:07 Uhr" is its
datePublished): a daily ticker starts at 00:01, so that is where its entries' day comes
from, not the last change.
"""

from __future__ import annotations

import html
import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.sources.detect import detect_format, parse_payload
from bot.sources.ntv import head_of

BERLIN = ZoneInfo("Europe/Berlin")
STORED = Path(__file__).parent / "real" / "stored"
P_CLASS = (
    "Typography_text-default__P3otY Typography_weight-normal__pqUbH storyline_paragraph_p__qSR5N"
)
H2_CLASS = (
    "Typography_text-xl__yFuoP Typography_weight-bold__uT6mq"
    " storyline_subheadline_subheadline__Y4EJz"
)
SCRIPT = (
    '<script>K5("article.article > .article__wrapper .article__text > p:nth-of-type(4)")</script>'
)


def stored(day: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((STORED / f"ntv-ticker-text-{day}.json").read_text("utf-8"))
    return loaded


def page(text: dict[str, Any], heads_as: str, json_ld: dict[str, str]) -> bytes:
    kicker, headline = html.escape(text["kicker"]), html.escape(text["headline"])
    day, clock = text["date_line"].removesuffix(" Uhr").split(", ")
    body = []
    for paragraph in text["paragraphs"]:
        escaped = html.escape(paragraph)
        if heads_as == "h2" and head_of(paragraph):
            body.append(f'<h2 class="{H2_CLASS}">{escaped}</h2>')
        else:
            body.append(f'<p class="{P_CLASS}">{escaped}</p>')
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", **json_ld}
    return (
        f'<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"/>'
        f"<title>{kicker}: {headline} - ntv.de</title>"
        f'<meta property="og:title" content="{headline}"/>'
        f'<script type="application/ld+json">{json.dumps(ld)}</script>{SCRIPT}</head><body><main>'
        '<h1 class="Typography_text-s__wu_cm Typography_weight-normal__pqUbH'
        f' Typography_color-darkgrey__sZEnP">{kicker}: {headline}</h1>'
        '<div class="article-detail-head_head__EWZfF">'
        '<div class="article-detail-head_wrapper__x2bgp">'
        '<h2 class="article-detail-head_headlines__wHL5h"><span class="Typography_text-s__wu_cm'
        f' Typography_weight-bold__uT6mq Typography_color-red__TcVLo">{kicker}</span>'
        '<span class="Typography_text-xxxl__FMHtv Typography_weight-bold__uT6mq'
        f' article-detail-head_headline__LjYky">{headline}</span></h2>'
        '<div class="article-detail-head_infos__SyRrW">'
        '<div class="article-detail-head_info-wrapper___m8Od">'
        f'<span class="Typography_text-s__wu_cm Typography_weight-normal__pqUbH">{day}, {clock}'
        "<!-- --> Uhr<!-- --> </span></div></div></div></div>"
        f"{''.join(body)}</main></body></html>"
    ).encode()


def start_of(text: dict[str, Any]) -> str:
    """The date line as JSON-LD datePublished (n-tv writes it with its offset)."""
    moment = datetime.strptime(text["date_line"], "%d.%m.%Y, %H:%M Uhr").replace(tzinfo=BERLIN)
    return moment.isoformat()


@pytest.mark.parametrize("heads_as", ["p", "h2"])
def test_a_ticker_of_february_2026(heads_as: str) -> None:
    text = stored("2026-02-03")
    payload = page(text, heads_as, {"datePublished": start_of(text)})
    assert detect_format(payload, "text/html") == "ntv"
    result = parse_payload(payload, text["origin"]["url"], "text/html")
    assert [(e.title, e.published) for e in result.entries] == [
        (
            "Nato beginnt mit Planungen für Arktis-Mission",
            datetime(2026, 2, 3, 18, 15, tzinfo=BERLIN),
        ),
        (
            "Deutschland will 100-Satelliten-Netz zum Schutz vor Russland und China aufbauen",
            datetime(2026, 2, 3, 17, 46, tzinfo=BERLIN),
        ),
    ]
    assert result.entries[0].text.startswith("Die Nato hat mit der militärischen Planung")
    assert result.entries[1].text.endswith("sagt Traut am Rande eines Kongresses in Singapur.")
    assert not any("+++" in e.text or "00:01" in e.text for e in result.entries)


def test_with_the_last_change_too_the_day_is_the_same() -> None:
    text = stored("2026-02-03")
    dates = {"datePublished": start_of(text), "dateModified": "2026-02-03T18:16:02+01:00"}
    result = parse_payload(page(text, "p", dates), text["origin"]["url"], "text/html")
    assert [e.published for e in result.entries] == [
        datetime(2026, 2, 3, 18, 15, tzinfo=BERLIN),
        datetime(2026, 2, 3, 17, 46, tzinfo=BERLIN),
    ]


@pytest.mark.parametrize("heads_as", ["p", "h2"])
def test_a_headline_with_an_older_entrys_title(heads_as: str) -> None:
    """5 Feb 2026: the headline reads "+++ 22:31 <the 22:01 entry's title> +++" above a
    body on another matter. The newest entry keeps the clock and gets no title."""
    text = stored("2026-02-05")
    payload = page(text, heads_as, {"datePublished": start_of(text)})
    result = parse_payload(payload, text["origin"]["url"], "text/html")
    assert [(e.title, e.published) for e in result.entries] == [
        (None, datetime(2026, 2, 5, 22, 31, tzinfo=BERLIN)),
        (
            "USA stellen Sanktionen gegen russische Schattenflotte in Aussicht",
            datetime(2026, 2, 5, 22, 1, tzinfo=BERLIN),
        ),
        (
            'Kiew: Trilaterale Gespräche werden "in kommenden Wochen" fortgesetzt',
            datetime(2026, 2, 5, 21, 30, tzinfo=BERLIN),
        ),
    ]
    assert result.entries[0].text.startswith("Die nächsten Verhandlungen über ein Ende")
    assert len({e.key for e in result.entries}) == 3
