"""The source catalog: the shipped file, bad files, LIVEBLOG_SOURCES, origins, themes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.config import LiveblogSettings
from bot.sources.catalog import (
    CatalogError,
    adhoc_entry,
    default_catalog,
    load_catalog,
    parse_catalog,
)
from bot.sources.follow import looks_like_path_pattern
from bot.sources.model import ParseResult
from bot.sources.origins import OriginMap, parse_origins
from bot.sources.poller import newest_links

GOOD = """
[[source]]
id = "a-one"
outlet = "Outlet A"
label_de = "A · eins"
label_en = "A · one"
language = "de"
url = "https://a.example/live.html"
"""


def test_the_shipped_catalog_is_valid_and_follows_tagesschau_by_default() -> None:
    catalog = default_catalog()
    defaults = [e.id for e in catalog.defaults()]
    assert defaults == ["tagesschau-ukraine", "tagesschau-liveblogs"]
    for entry in catalog.entries:
        assert entry.label("de")
        assert entry.label("en")
        assert len(entry.id) <= 30
        if entry.follow:
            assert entry.pattern is not None
            re.compile(entry.pattern)
            assert looks_like_path_pattern(entry.pattern)  # matched against whole paths


def test_the_theme_rule_groups_tagesschau_liveblogs() -> None:
    entry = default_catalog().get("tagesschau-liveblogs")
    assert entry is not None
    assert entry.pattern is not None
    base = "https://www.tagesschau.de/newsticker/"
    parsed = ParseResult(
        "links",
        links=[
            base + "liveblog-nahost-dienstag-166.html",
            base + "liveblog-ukraine-dienstag-380.html",  # has its own catalog entry
            base + "liveblog-us-wahl-100.html",
            base + "liveblog-nahost-montag-165.html",  # older: the newest comes first
            "https://www.tagesschau.de/inland/liveblog-nahost-1.html",
        ],
    )
    assert newest_links(parsed, entry.pattern, frozenset({"www.tagesschau.de"})) == {
        "nahost": base + "liveblog-nahost-dienstag-166.html",
        "us-wahl": base + "liveblog-us-wahl-100.html",
    }
    assert entry.label("de", "nahost") == "tagesschau · Nahost"
    assert entry.label("en", "nahost") == "tagesschau · Middle East"
    assert entry.label("de", "klima-gipfel") == "tagesschau · Klima Gipfel"


def test_resolve_names_catalog_ids_and_adds_addresses() -> None:
    catalog = default_catalog()
    chosen = catalog.resolve(
        ["tagesschau-ukraine", "https://www.n-tv.de/politik/ticker-article1.html", "seeds/x.txt"]
    )
    assert chosen[0].id == "tagesschau-ukraine"
    assert chosen[1].outlet == "n-tv.de"
    assert chosen[1].label("de") == "n-tv.de"
    assert chosen[1].id.startswith("n-tv-de-")
    assert chosen[2].outlet == "x.txt"
    assert catalog.resolve(None) == catalog.defaults()
    assert catalog.resolve([]) == []
    with pytest.raises(CatalogError, match="neither a catalog id"):
        catalog.resolve(["tagesschau-ukrain"])


def test_follow_specs_keep_working() -> None:
    entry = adhoc_entry("follow:https://example.org/overview|/live/liveblog-[a-z]+")
    assert entry.follow == "https://example.org/overview"
    assert entry.pattern == "/live/liveblog-[a-z]+"
    assert entry.address == "https://example.org/overview"
    with pytest.raises(CatalogError, match="bad pattern"):
        adhoc_entry("follow:https://example.org/overview|(")


def test_a_follow_pattern_that_can_match_no_path_is_refused() -> None:
    """`…|liveblog-ukraine` (the old .env.example's rule) followed nothing, with only a
    warning in the log: it is refused at start, and the message shows a path pattern."""
    with pytest.raises(CatalogError, match=r"whole path, starting with '/'.*/newsticker/"):
        adhoc_entry("follow:https://example.org/overview|liveblog-ukraine")
    in_file = GOOD.replace('url = "https://a.example/live.html"', "")
    with pytest.raises(CatalogError, match="whole path"):
        parse_catalog(in_file + 'follow = "https://a.example/"\npattern = "liveblog"\n')
    assert parse_catalog(in_file + 'follow = "https://a.example/"\npattern = "/liveblog"\n')


def test_defaults_word_adds_to_the_catalog_defaults() -> None:
    """Setting LIVEBLOG_SOURCES used to drop the defaults: `defaults` keeps them."""
    catalog = default_catalog()
    chosen = catalog.resolve(["defaults", "https://example.org/live.rss", "defaults"])
    assert [e.id for e in chosen][:2] == ["tagesschau-ukraine", "tagesschau-liveblogs"]
    assert [e.url for e in chosen][2:] == ["https://example.org/live.rss"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[source]]\nid = 'x'", "'outlet' must be|'url' or 'follow'"),
        (GOOD.replace('id = "a-one"', 'id = "Bad Id!"'), "an id is"),
        (GOOD.replace("url =", "follow ="), "'pattern'"),
        (GOOD + GOOD, "repeats ids"),
        ("[[source", "not valid TOML"),
        (GOOD.replace('url = "https://a.example/live.html"', ""), "either 'url' or 'follow'"),
    ],
)
def test_bad_catalogs_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(CatalogError, match=message):
        parse_catalog(text)


def test_a_catalog_file_can_be_configured(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_text(GOOD, "utf-8")
    catalog = load_catalog(path)
    assert [e.label("en") for e in catalog.entries] == ["A · one"]
    with pytest.raises(CatalogError, match="cannot read"):
        load_catalog(tmp_path / "missing.toml")


def test_unset_sources_mean_the_default_catalog(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LIVEBLOG_SOURCES", raising=False)
    assert LiveblogSettings(_env_file=None).sources is None  # type: ignore[call-arg]
    monkeypatch.setenv("LIVEBLOG_SOURCES", "tagesschau-ukraine, https://x.example/a")
    assert LiveblogSettings(_env_file=None).sources == [  # type: ignore[call-arg]
        "tagesschau-ukraine",
        "https://x.example/a",
    ]
    monkeypatch.setenv("LIVEBLOG_SOURCES", "")
    assert LiveblogSettings(_env_file=None).sources == []  # type: ignore[call-arg]


def test_origins_rewrite_requests_and_map_answers_back() -> None:
    pairs = parse_origins(
        "https://www.tagesschau.de=http://127.0.0.1:8080, https://A.example=http://m"
    )
    origins = OriginMap(pairs)
    page = "https://www.tagesschau.de/newsticker/liveblog-ukraine-montag-372.html?x=1"
    mirrored = origins.outbound(page)
    assert mirrored == "http://127.0.0.1:8080/newsticker/liveblog-ukraine-montag-372.html?x=1"
    assert origins.inbound(mirrored) == page
    assert origins.outbound("https://a.example/p") == "http://m/p"
    assert origins.outbound("https://www.tagesschau.de.evil.example/x") == (
        "https://www.tagesschau.de.evil.example/x"
    )
    assert origins.outbound("/local/file.txt") == "/local/file.txt"
    with pytest.raises(ValueError, match="not <origin>=<origin>"):
        parse_origins("https://www.tagesschau.de")


async def test_sources_no_longer_configured_are_retired(db_target: str) -> None:
    from datetime import UTC, datetime

    from bot.sources.poller import follow_catalog
    from storage import open_storage

    now = datetime(2024, 11, 4, tzinfo=UTC)
    storage = await open_storage(db_target)
    try:
        one = adhoc_entry("follow:https://a.example/feed|/live-[a-z]+\\.html")
        two = adhoc_entry("https://b.example/live.html")
        [a, b] = await follow_catalog(storage, [one, two], 60, now)
        child = await storage.sources.add_child(
            a.source_id, "https://a.example/live-x.html", None, 60, now
        )
        assert await storage.sources.retire_unconfigured([a.source_id, b.source_id]) == 0
        assert await storage.sources.retire_unconfigured([b.source_id]) == 2  # a and its page
        assert [s.url for s in await storage.sources.list_active()] == [b.url]
        [a] = await follow_catalog(storage, [one], 60, now)
        assert await storage.sources.retire_unconfigured([a.source_id]) == 1
        assert {s.source_id for s in await storage.sources.list_active()} == {a.source_id}
        assert child.source_id not in {s.source_id for s in await storage.sources.list_active()}
        assert await storage.sources.retire_unconfigured([]) == 1
        assert await storage.sources.list_active() == []
    finally:
        await storage.close()
