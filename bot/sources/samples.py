"""Pages of every supported format, built from the sample liveblog's own entries.

Used by the offline demo (a liveblog that fills up as the demo's clock moves), the
tests and the benchmarks. LiveblogSimulator shows what the page held at a moment.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from bot.sources.model import Entry
from bot.sources.textexport import parse_text_export

SAMPLE = Path(__file__).resolve().parents[2] / "seeds" / "tagesschau-liveblog-2024-11-04.txt"
PAGE = "https://www.tagesschau.de/newsticker/liveblog-ukraine-montag-372.html"


def sample_entries(count: int | None = None) -> list[Entry]:
    entries = parse_text_export(SAMPLE.read_bytes(), PAGE).entries
    if count is None:
        return entries
    # Repeat the sample with distinct keys and times to reach `count` entries.
    out: list[Entry] = []
    for i in range(count):
        base = entries[i % len(entries)]
        assert base.published is not None
        out.append(
            Entry(
                f"{base.key}-{i}",
                base.published - timedelta(minutes=i),
                None,
                base.title,
                base.text,
                base.url,
                base.kind,
            )
        )
    return out


def _when(moment: datetime | None) -> str:
    return moment.strftime("%d.%m.%Y • %H:%M Uhr") if moment else ""


def tagesschau_html(
    entries: list[Entry],
    nested: bool = False,
    extra_head: str = "",
    anchors: dict[str, str] | None = None,
) -> bytes:
    """Recent markup (paragraphs as siblings after the anchor) or the older nested one."""
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Liveblog: Krieg gegen die "
        f"Ukraine</title>{extra_head}</head><body><article>",
        "<p class='metatextline'>Stand: 04.11.2024 23:36 Uhr</p>",
        "<p class='textabsatz'>Russlands Präsident Putin trifft Nordkoreas Außenministerin.</p>",
        "<a href='/newsticker/liveblog-ukraine-sonntag-370.html'>Liveblog vom Sonntag</a>",
    ]
    for i, entry in enumerate(entries):
        anchor = (anchors or {}).get(entry.key, f"id{i:04d}")
        head = f"<div class='liveblog__datetime'>{_when(entry.published)}</div>" + (
            f"<h2 class='meldung__subhead'>{html.escape(entry.title)}</h2>" if entry.title else ""
        )
        paragraphs = "".join(
            f"<p class='textabsatz'>{html.escape(p)}</p>" for p in entry.text.split("\n\n")
        )
        if nested:
            parts.append(f"<div class='liveblog--anchor' id='{anchor}'>{head}{paragraphs}</div>")
        else:
            parts.append(f"<div class='liveblog--anchor' id='{anchor}'>{head}</div>{paragraphs}")
    parts.append("<p class='textabsatz'>Dieses Thema im Programm: Deutschlandfunk</p>")
    parts.append("</article></body></html>")
    return "".join(parts).encode("utf-8")


def jsonld_html(entries: list[Entry], single: bool = False, graph: bool = True) -> bytes:
    updates = [
        {
            "@type": "BlogPosting",
            "headline": entry.title or "",
            "articleBody": "".join(f"<p>{html.escape(p)}</p>" for p in entry.text.split("\n\n")),
            "datePublished": entry.published.isoformat() if entry.published else None,
            "url": f"{PAGE}#{entry.key}",
        }
        for entry in entries
    ]
    blog = {
        "@type": ["LiveBlogPosting", "NewsArticle"],
        "headline": "Liveblog Ukraine",
        "liveBlogUpdate": updates[0] if single else updates,
    }
    data = (
        {"@context": "https://schema.org", "@graph": [{"@type": "WebPage"}, blog]}
        if graph
        else blog
    )
    script = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    return (
        f"<html><head><script type='application/ld+json'>{script}</script></head>"
        "<body><p>Liveblog</p></body></html>"
    ).encode()


def _rfc822(moment: datetime | None) -> str:
    return moment.strftime("%a, %d %b %Y %H:%M:%S %z") if moment else ""


def rss(entries: list[Entry]) -> bytes:
    items = "".join(
        f"<item><guid>{PAGE}#{e.key}</guid><title>{html.escape(e.title or '')}</title>"
        f"<link>{PAGE}#{e.key}</link><description>{html.escape(e.text)}</description>"
        f"<pubDate>{_rfc822(e.published)}</pubDate></item>"
        for e in entries
    )
    return (
        f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Liveblog</title>"
        f"<link>{PAGE}</link>{items}</channel></rss>"
    ).encode()


def atom(entries: list[Entry]) -> bytes:
    items = "".join(
        f"<entry><id>{PAGE}#{e.key}</id><title>{html.escape(e.title or '')}</title>"
        f"<link href='{PAGE}#{e.key}'/><content type='html'>{html.escape(e.text)}</content>"
        f"<updated>{e.published.isoformat() if e.published else ''}</updated></entry>"
        for e in entries
    )
    return (
        f"<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'>"
        f"<title>Liveblog</title><id>{PAGE}</id>{items}</feed>"
    ).encode()


def json_feed(entries: list[Entry]) -> bytes:
    return json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "Liveblog",
            "items": [
                {
                    "id": e.key,
                    "title": e.title,
                    "content_text": e.text,
                    "url": f"{PAGE}#{e.key}",
                    "date_published": e.published.isoformat() if e.published else None,
                }
                for e in entries
            ],
        },
        ensure_ascii=False,
    ).encode("utf-8")


def text_export(entries: list[Entry]) -> bytes:
    lines = ["Liveblog", "liveblog", "Krieg gegen die Ukraine", "Stand: 04.11.2024 23:36 Uhr", ""]
    for entry in entries:
        lines += [_when(entry.published), ""]
        if entry.title:
            lines += [entry.title, ""]
        lines += [entry.text, ""]
    return "\n".join(lines).encode("utf-8")


class LiveblogSimulator:
    """The sample liveblog as it looked at a given moment (entries appear over time).

    The "… zum Nachlesen" teaser to the previous day's blog is shown from midnight on,
    as on the real pages; corrections can be applied to an entry's text.
    """

    def __init__(
        self,
        entries: list[Entry] | None = None,
        render: Callable[[list[Entry]], bytes] | None = None,
    ) -> None:
        self.entries = list(entries or sample_entries())
        self.corrections: dict[str, str] = {}
        self.render = render  # another outlet's markup; tagesschau's by default

    def _visible_at(self, entry: Entry) -> datetime | None:
        if entry.published is None:
            return None
        if entry.title and entry.title.endswith("zum Nachlesen"):
            return entry.published.replace(hour=0, minute=0)
        return entry.published

    def correct(self, key: str, text: str) -> None:
        self.corrections[key] = text

    def page(self, moment: datetime) -> bytes:
        shown = []
        for entry in self.entries:
            visible = self._visible_at(entry)
            if visible is not None and visible <= moment:
                text = self.corrections.get(entry.key, entry.text)
                shown.append(
                    Entry(
                        entry.key, entry.published, None, entry.title, text, entry.url, entry.kind
                    )
                )
        # Newest first, as liveblogs show them; the anchor ids stay stable per entry.
        shown.sort(key=lambda e: e.published or moment, reverse=True)
        if self.render is not None:
            return self.render(shown)
        return tagesschau_html(
            shown, anchors={e.key: f"e{self.entries.index(self._orig(e)):03d}" for e in shown}
        )

    def _orig(self, entry: Entry) -> Entry:
        return next(e for e in self.entries if e.key == entry.key)
