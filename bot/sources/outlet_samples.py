"""Pages in other outlets' markup (n-tv, AP, CNN), built from entries.

For the benchmarks (500-entry pages), the demo (an n-tv ticker filling up over a day)
and tests. The markup follows what the adapters read; see bot/sources/ntv.py, ap.py
and jsonld.py for where it comes from.
"""

from __future__ import annotations

import html
import json
from datetime import UTC, datetime
from pathlib import Path

from bot.sources.model import Entry
from bot.sources.ntv import parse_ntv
from bot.sources.samples import PAGE
from bot.sources.times import BERLIN

NTV_SAMPLE = Path(__file__).resolve().parents[2] / "seeds" / "ntv-ukraine-ticker-2024-11-04.html"
NTV_PAGE = "https://www.n-tv.de/politik/Der-Krieg-in-der-Ukraine-im-Liveticker-liveticker-article25310000.html"


def ntv_sample_entries() -> list[Entry]:
    """The n-tv sample ticker of 4 Nov 2024 (seeds/), as the adapter reads it."""
    return parse_ntv(NTV_SAMPLE.read_bytes(), NTV_PAGE).entries


def _headline(entry: Entry) -> str:
    if entry.title:
        return entry.title
    words = entry.text.split()
    return " ".join(words[:8]) + (" …" if len(words) > 8 else "")


def _paragraphs(text: str) -> list[str]:
    return [html.escape(p) for p in text.split("\n\n") if p.strip()]


def ntv_html(entries: list[Entry], published: datetime | None = None) -> bytes:
    """An n-tv ticker: newest first; the JSON-LD date is the newest entry's time. As on
    the real pages, the newest entry has no head of its own: the page title carries it."""
    newest = published or next((e.published for e in entries if e.published), None)
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Liveticker"}
    if newest is not None:
        ld["datePublished"] = newest.astimezone(BERLIN).isoformat()
    heads = [f"+++ {_clock(entry)} {html.escape(_headline(entry))} +++" for entry in entries]
    title = f"Ukraine-Krieg im Liveticker: {heads[0]}" if heads else "Liveticker"
    parts = [
        "<!DOCTYPE html><html lang='de'><head><meta charset='utf-8'>",
        f"<title>{title} - n-tv.de</title>",
        f"<script type='application/ld+json'>{json.dumps(ld)}</script></head>",
        "<body><article class='article'><div class='article__text'>",
    ]
    for number, (entry, head) in enumerate(zip(entries, heads, strict=True)):
        first, *rest = _paragraphs(entry.text) or [""]
        parts.append(f"<p>{first}</p>" if number == 0 else f"<p><b>{head}</b><br/>{first}</p>")
        parts.extend(f"<p>{p}</p>" for p in rest)
    parts.append("</div></article></body></html>")
    return "".join(parts).encode("utf-8")


def _clock(entry: Entry) -> str:
    return entry.published.astimezone(BERLIN).strftime("%H:%M") if entry.published else "00:00"


def _epoch_ms(moment: datetime | None) -> str:
    return str(int(moment.astimezone(UTC).timestamp() * 1000)) if moment else ""


def ap_html(entries: list[Entry]) -> bytes:
    posts = "".join(
        f"<bsp-liveblog-post class='LiveBlogPost' data-post-id='{html.escape(e.key, quote=True)}'"
        f" data-posted-date-timestamp='{_epoch_ms(e.published)}'>"
        f"<h2 class='LiveBlogPost-headline'>{html.escape(_headline(e))}</h2>"
        "<div class='LiveBlogPost-body'><div class='RichTextStoryBody RichTextBody'>"
        + "".join(f"<p>{p}</p>" for p in _paragraphs(e.text))
        + "</div></div></bsp-liveblog-post>"
        for e in entries
    )
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Live updates | AP News</title>"
        f"</head><body><main class='Page-main'>{posts}</main></body></html>"
    ).encode()


def cnn_html(entries: list[Entry]) -> bytes:
    """JSON-LD with headline and time only; the text in `[data-post-id]` posts."""
    updates = [
        {
            "@type": "BlogPosting",
            "headline": _headline(e),
            "url": f"{PAGE}#h_{e.key}",
            "datePublished": e.published.isoformat() if e.published else None,
        }
        for e in entries
    ]
    blog = {"@context": "https://schema.org", "@type": "LiveBlogPosting", "liveBlogUpdate": updates}
    script = json.dumps(blog, ensure_ascii=False).replace("</", "<\\/")
    posts = "".join(
        f"<article class='live-story-post' data-post-id='h_{html.escape(e.key, quote=True)}'>"
        "<h2 class='live-story-post__headline'></h2><div class='live-story-post__content'>"
        + "".join(f"<p class='paragraph'>{p}</p>" for p in _paragraphs(e.text))
        + "</div></article>"
        for e in entries
    )
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Live updates | CNN</title>"
        f"<script type='application/ld+json'>{script}</script></head>"
        f"<body><div class='live-story__items-container'>{posts}</div></body></html>"
    ).encode()
