"""The hostile day's world: Telegram and the web on their own thread, hostile pages, readers.

The stand-in and the source server run on an event loop of their own (as Telegram and
the outlets are elsewhere): the loop probe then measures the bot's loop alone, and the
stand-in's timestamps of a /start and its answer are not delayed by the bot.
"""

from __future__ import annotations

import asyncio
import json
import threading
import zlib
from collections.abc import Coroutine, Iterator
from contextlib import AbstractAsyncContextManager, contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from bot.devserver import DevServer
from bot.devserver.limits import RateLimits
from bot.sources import samples as fixtures
from bot.sources.model import Entry
from tests.hostile.test_sources_bad_payloads import deep_html, deep_json_feed
from tests.sources.server import SourceServer, source_server

T = TypeVar("T")
MB = 1_000_000
PATTERN = r"/newsticker/liveblog-ukraine-[a-z0-9-]+\.html"
# Relaxed enough that 500 chats are served at once; the strict limits have their own tests.
OPEN_LIMITS = RateLimits(
    global_per_s=100_000, private_per_s=1000, private_burst=1000, group_per_min=100_000
)


class Backstage:
    """The stand-in and the source server, served from a loop in another thread."""

    def __init__(self, limits: RateLimits = OPEN_LIMITS) -> None:
        self.telegram = DevServer(limits, max_long_poll_s=0.2)
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._web_cm: AbstractAsyncContextManager[SourceServer] = source_server()
        self.web: SourceServer | None = None

    def _run(self, work: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(30)

    def __enter__(self) -> Backstage:
        self._thread.start()
        self._run(self.telegram.start())
        self.web = self._run(self._web_cm.__aenter__())
        return self

    def __exit__(self, *exc: object) -> None:
        self._run(self._web_cm.__aexit__(None, None, None))
        self._run(self.telegram.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()


@contextmanager
def backstage() -> Iterator[Backstage]:
    with Backstage() as stage:
        yield stage


def _entry(key: str, when: datetime, title: str | None, text: str, url: str) -> Entry:
    return Entry(key, when, None, title, text, f"{url}#{key}")


def hostile_entries(when: datetime, url: str, round_: int) -> list[Entry]:
    """The issue's odd entries, new keys each round (so each round brings new alerts)."""
    r = f"r{round_}"
    return [
        _entry(f"{r}-kiew", when, "Kiew unter Beschuss", "Kiew. " * 16_000, url),  # 96 KB
        _entry(f"{r}-amp", when, "&" * 1000, "Neue Drohnenangriffe auf Kiew gemeldet.", url),
        _entry(f"{r}-word", when, None, "K" * 5000 + " Selenskyj spricht über Kiew.", url),
        _entry(
            f"{r}-odd",
            when,
            "Ki\u00adew: \u202eLuftalarm\u202c\u0000",
            "Sele\u200dnskyj \ud800 besucht Kursk\u0000 und Ki\u00adew; Nordkor\u00adea schweigt.",
            url,
        ),
    ]


def json_feed_raw(entries: list[Entry], pad: int = 0) -> bytes:
    """A JSON Feed as an outlet might write it: ASCII escapes (lone surrogates survive)."""
    items = [
        {
            "id": e.key,
            "title": e.title,
            "content_text": e.text,
            "url": e.url,
            "date_published": e.published.isoformat() if e.published else None,
        }
        for e in entries
    ]
    document: dict[str, object] = {"version": "https://jsonfeed.org/version/1.1", "items": items}
    if pad:  # an outlet's own extension, megabytes of it: parsed, then ignored
        document["_comments"] = [{"text": "Leserkommentar ohne Belang. " * 20}] * (pad // 580)
    return json.dumps(document, ensure_ascii=True).encode()


def link_soup(count: int, pad_to: int = 0) -> bytes:
    links = "".join(f"<a href='/p/{i}.html'>{i}</a>" for i in range(count))
    body = f"<html><body>{links}</body></html>".encode()
    return body + b"<p>" + b"Text ohne Links. " * max(0, (pad_to - len(body)) // 17) + b"</p>"


def gzip_bomb(megabytes: int = 16) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\0" * (1 << 20)
    return b"".join([*(packer.compress(block) for _ in range(megabytes)), packer.flush()])


class HostileSources:
    """Paths on the source server, and what they serve as the day goes on."""

    def __init__(self, web: SourceServer, secret_file: Path) -> None:
        self.web = web
        self.feed = web.url + "/hostile/feed.json"
        self.big_feed = web.url + "/hostile/big-feed.json"
        self.big_page = web.url + "/newsticker/liveblog-ukraine-gross.html"
        off_host = web.url.replace("127.0.0.1", "localhost")
        self.child = web.url + "/newsticker/liveblog-ukraine-folge.html"
        web.set(
            "/overview",
            "".join(
                f"<a href='{link}'>Liveblog</a>"
                for link in (
                    secret_file.as_uri(),
                    off_host + "/newsticker/liveblog-ukraine-fremd.html",
                    "/newsticker/liveblog-ukraine-folge.html",
                )
            ).encode(),
        )
        secret_file.write_bytes(fixtures.text_export(fixtures.sample_entries()[:3]))
        web.set("/links", link_soup(40_000))
        web.set("/deep.json", deep_json_feed(), "application/feed+json")
        page = fixtures.tagesschau_html(fixtures.sample_entries()[:4])
        cut = page.index(b"<div class='liveblog--anchor' id='id0002'>")
        web.set("/deep.html", page[:cut] + deep_html().encode() + page[cut:])
        web.set("/bomb", gzip_bomb(), headers={"Content-Encoding": "gzip"})
        self.specs = [
            self.feed,
            self.big_feed,
            self.big_page,
            web.url + "/deep.json",
            web.url + "/deep.html",
            web.url + "/bomb",
            f"follow:{web.url}/overview|{PATTERN}",
            f"follow:{web.url}/links|{PATTERN}",
        ]

    def publish(self, when: datetime, round_: int) -> None:
        """Round 0: what the pages held when the bot came (history); later rounds add."""
        odd = [e for r in range(1, round_ + 1) for e in hostile_entries(when, self.feed, r)]
        calm = fixtures.sample_entries()[:2]
        self.web.set("/hostile/feed.json", json_feed_raw(odd + calm), "application/feed+json")
        news = [
            _entry(
                f"b{r}",
                when - timedelta(minutes=r),
                f"Großseite {r}: Drohnen über Kiew",
                "Drohnen über Kiew und Charkiw, meldet die Luftwaffe.",
                self.big_feed,
            )
            for r in range(round_ + 1)
        ]
        self.web.set(
            "/hostile/big-feed.json", json_feed_raw(news, pad=5 * MB), "application/feed+json"
        )
        page = fixtures.tagesschau_html(
            [
                _entry(
                    f"g{r}",
                    when - timedelta(minutes=r),
                    f"Gaza: Lage {r}",
                    "Neue Kämpfe in Gaza, berichtet die Nachrichtenagentur.",
                    self.big_page,
                )
                for r in range(round_ + 1)
            ]
        )
        soup = link_soup(45_000, pad_to=5 * MB - len(page))
        self.web.set(
            "/newsticker/liveblog-ukraine-gross.html",
            page.replace(b"<article>", b"<article>" + soup, 1),
        )
        self.web.set(
            "/newsticker/liveblog-ukraine-folge.html",
            fixtures.tagesschau_html(
                [
                    _entry(f"f{r}", when, f"Folgeseite {r}", "Selenskyj in Kiew.", self.child)
                    for r in range(round_ + 1)
                ]
            ),
        )
