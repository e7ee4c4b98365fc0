"""A page with far more items than MAX_ENTRIES costs no more than MAX_ENTRIES entries.

Every adapter built an entry for every item (text, repair, hash: ~0.1 ms each) and only
then dropped those past the cap: a 5 MB RSS page of 60,000 tiny items held a parsing
thread 20 s, a JSON Feed of 100,000 items 6 s, a text export 10 s. And problems were
appended past the page's bound (an implausible time per entry: one log line each, quoting
ids of any length). The cap is lowered here so the pages stay small and the test fast."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from bot.sources import model
from bot.sources.detect import ADAPTERS
from bot.sources.fetch import FetchResult
from bot.sources.ingest import prepare
from bot.sources.model import MAX_PROBLEMS, Entry
from bot.sources.outlet_samples import ap_html, ntv_html
from bot.sources.samples import (
    atom,
    jsonld_html,
    rss,
    sample_entries,
    tagesschau_html,
    text_export,
)

CAP = 12
ITEMS = 40

PAGES = {
    "tagesschau": tagesschau_html,
    "ntv": ntv_html,
    "ap": ap_html,
    "jsonld": jsonld_html,
    "rss": rss,
    "atom": atom,
    "text": text_export,
}
FORMAT = {"rss": "feed", "atom": "feed"}


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The keys of every entry an adapter builds, with the cap lowered to CAP."""
    monkeypatch.setattr(model, "MAX_ENTRIES", CAP)
    keys: list[str] = []
    repair_fields = Entry.__post_init__

    def counted(self: Entry) -> None:
        keys.append(self.key)
        repair_fields(self)

    monkeypatch.setattr(Entry, "__post_init__", counted)
    return keys


def _distinct(count: int) -> list[Entry]:
    """Entries with distinct titles (the n-tv adapter keys an entry by its headline)."""
    return [
        Entry(e.key, e.published, None, f"Meldung {i}: {e.title or 'Kiew'}", e.text, e.url)
        for i, e in enumerate(sample_entries(count))
    ]


@pytest.mark.parametrize("name", sorted(PAGES))
def test_items_past_the_cap_are_counted_not_built(name: str, built: list[str]) -> None:
    page = PAGES[name](_distinct(ITEMS))
    built.clear()  # the samples themselves are entries
    parsed = ADAPTERS[FORMAT.get(name, name)](page, "https://example.org/live", None)
    assert len(parsed.entries) == CAP
    assert parsed.overflow >= 1
    assert len(built) <= CAP + 1  # the text export notices the cap one entry late at most


def test_json_feed_items_past_the_cap_are_not_read(built: list[str]) -> None:
    items = [{"id": str(i), "content_text": f"Kiew {i}"} for i in range(ITEMS)] + ["x"] * 500
    page = json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": items}).encode()
    parsed = ADAPTERS["jsonfeed"](page, "https://example.org/feed.json", None)
    assert len(parsed.entries) == CAP
    assert len(built) == CAP
    assert len(parsed.problems) <= MAX_PROBLEMS  # 500 non-objects were 500 problems


def test_problems_stay_bounded_in_number_and_length() -> None:
    """Every entry with a time years ahead and an id of 5,000 characters: a page's problems
    (each a log line) stay few and short."""
    future = datetime.now(UTC) + timedelta(days=3650)
    items = [
        {
            "id": f"{i}-" + "x" * 5000,
            "content_text": f"Kiew {i}",
            "date_published": future.isoformat(),
        }
        for i in range(200)
    ]
    page = json.dumps({"version": "https://jsonfeed.org/version/1.1", "items": items}).encode()
    fetched = FetchResult(
        url="https://example.org/feed.json",
        status=200,
        body=page,
        content_type="application/feed+json",
        charset=None,
        etag=None,
        last_modified=None,
    )
    parsed, entries = prepare(fetched, None, datetime.now(UTC))
    assert len(entries) == 200
    assert all(e.published_at is None for e in entries)  # implausible times dropped
    assert 1 <= len(parsed.problems) <= MAX_PROBLEMS
    assert max(len(p) for p in parsed.problems) <= 400
