"""Finding 6: one bad character never blocks a source. Text is repaired at the entry
model for every adapter, and the store leaves out alone an item it cannot take."""

from __future__ import annotations

import asyncio
import json
import random
import unicodedata
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.clock import FakeClock
from bot.sources.fetch import Fetcher
from bot.sources.ingest import IngestReport
from bot.sources.model import Entry
from bot.sources.poller import Poller, add_sources
from bot.text_repair import BIDI_CONTROLS
from storage import Storage, open_storage
from storage.records import NewEntry, UpsertStatus
from tests.sources.server import SourceServer, source_server

BAD = "Angriff\ud800 auf\x00 Kiew\x07 \u202egnirelfiL\u202c"
PUBLISHED = "2024-11-04T08:30:00+01:00"


@pytest.fixture
async def server() -> AsyncIterator[SourceServer]:
    async with source_server() as running:
        yield running


@pytest.fixture
async def storage(db_target: str) -> AsyncIterator[Storage]:
    store = await open_storage(db_target)
    yield store
    await store.close()


def json_feed() -> bytes:
    """A JSON Feed whose second item holds a lone surrogate (JSON allows the escape)."""
    items = [
        {
            "id": "ok-1",
            "title": "Lage in Charkiw",
            "content_text": "Ruhig.",
            "date_published": PUBLISHED,
        },
        {"id": "bad\ud800", "title": BAD, "content_text": BAD, "date_published": PUBLISHED},
        {
            "id": "ok-2",
            "title": "Lage in Odesa",
            "content_text": "Strom fällt aus.",
            "date_published": PUBLISHED,
        },
    ]
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": "Blog", "items": items}
    return json.dumps(feed, ensure_ascii=True).encode()


def jsonld_page() -> bytes:
    updates = [
        {
            "@type": "BlogPosting",
            "headline": "Lage in Charkiw",
            "articleBody": "Ruhig.",
            "datePublished": PUBLISHED,
            "url": "https://x.example/blog#a1",
        },
        {
            "@type": "BlogPosting",
            "headline": BAD,
            "articleBody": f"<p>{BAD}</p>",
            "datePublished": PUBLISHED,
            "url": "https://x.example/blog#a2",
        },
    ]
    blog = {"@context": "https://schema.org", "@type": "LiveBlogPosting", "liveBlogUpdate": updates}
    script = json.dumps(blog, ensure_ascii=True)
    return (
        f"<html><head><script type='application/ld+json'>{script}</script></head></html>".encode()
    )


@pytest.mark.parametrize(
    ("payload", "content_type", "stored"),
    [(json_feed, "application/feed+json", 3), (jsonld_page, "text/html", 2)],
)
async def test_a_lone_surrogate_blocks_nothing(
    server: SourceServer, storage: Storage, payload: object, content_type: str, stored: int
) -> None:
    assert callable(payload)
    url = server.set("/blog", payload(), content_type)
    clock = FakeClock(datetime(2024, 11, 4, 9, tzinfo=UTC))
    await add_sources(storage, [url], 60, clock.now())
    reports: list[IngestReport] = []

    async def collect(report: IngestReport) -> None:
        reports.append(report)

    fetcher = Fetcher()
    try:
        poller = Poller(storage, fetcher, clock, collect, random.Random(1))
        await asyncio.gather(*await poller.tick())
    finally:
        await fetcher.close()
    [report] = reports
    assert [r.status for r in report.results] == [UpsertStatus.NEW] * stored
    titles = {e.title for e in await storage.entries.latest(10)}
    assert "Angriff\ufffd auf Kiew gnirelfiL" in titles  # repaired, nothing else changed
    [source] = await storage.sources.list_active()
    assert source.consecutive_failures == 0


async def test_the_store_leaves_out_only_the_item_it_cannot_take(storage: Storage) -> None:
    """Below the model (another caller, an older adapter): one item the database
    refuses is skipped and the others are stored."""
    now = datetime(2024, 11, 4, 9, tzinfo=UTC)
    source = await storage.sources.ensure("https://x.example/", None, 60, now)

    def item(key: str, body: str) -> NewEntry:
        return NewEntry(key, now, None, None, body, None, "news", key)

    results = await storage.entries.upsert_many(
        source.source_id, [item("a", "eins"), item("b", "zwei\ud800"), item("c", "drei")], now
    )
    assert [r.entry.key for r in results] == ["a", "c"]
    assert sorted(e.body for e in await storage.entries.latest(10)) == ["drei", "eins"]


FORBIDDEN = set(BIDI_CONTROLS) | {"\u00ad", "\u200b", "\u200c", "\u2060", "\ufeff"}


@settings(max_examples=300, deadline=None)
@given(st.text(), st.one_of(st.none(), st.text()), st.text())
def test_every_entry_is_storable_text(key: str, title: str | None, text: str) -> None:
    entry = Entry(key, None, None, title, text, "https://x.example/" + key)
    for value in (entry.key, entry.title or "", entry.text, entry.url or ""):
        value.encode("utf-8")  # no lone surrogate left
        assert unicodedata.is_normalized("NFC", value)
        assert not FORBIDDEN & set(value)
        assert all(c in "\n\t" or unicodedata.category(c) != "Cc" for c in value)
    assert entry.hash  # the content hash encodes the text
