"""Every format adapter, on pages built from the sample, plus hostile and broken input."""

from __future__ import annotations

import contextlib
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.sources import samples as fixtures
from bot.sources.detect import ADAPTERS, detect_format, parse_payload
from bot.sources.model import Kind, ParseError
from bot.sources.textexport import parse_text_export

BERLIN = ZoneInfo("Europe/Berlin")


def test_text_export_reads_the_sample() -> None:
    result = parse_text_export(fixtures.SAMPLE.read_bytes(), fixtures.PAGE)
    news = [e for e in result.entries if e.kind is Kind.NEWS]
    notices = {e.title for e in result.entries if e.kind is Kind.NOTICE}
    assert notices == {
        "Ende des Liveblogs",
        "Konfliktparteien als Quelle",
        "Liveblog vom Sonntag zum Nachlesen",
    }
    drone = next(e for e in news if e.title == "Kiew erneut mit Drohnen attackiert")
    assert drone.published == datetime(2024, 11, 4, 1, 26, tzinfo=BERLIN)
    assert drone.published.isoformat() == "2024-11-04T01:26:00+01:00"
    # Paragraphs that lost their own time line inherit the block's time.
    borrell = next(e for e in news if e.text.startswith("Der EU-Außenbeauftragte"))
    assert borrell.title is None
    assert borrell.published == datetime(2024, 11, 4, 10, 30, tzinfo=BERLIN)
    assert not any("Dieses Thema im Programm" in e.text for e in result.entries)
    assert len({e.key for e in result.entries}) == len(result.entries)


@pytest.mark.parametrize(
    ("fmt", "build"),
    [
        ("tagesschau", fixtures.tagesschau_html),
        ("tagesschau", lambda e: fixtures.tagesschau_html(e, nested=True)),
        ("jsonld", fixtures.jsonld_html),
        ("jsonld", lambda e: fixtures.jsonld_html(e, graph=False)),
        ("feed", fixtures.rss),
        ("feed", fixtures.atom),
        ("jsonfeed", fixtures.json_feed),
        ("text", fixtures.text_export),
    ],
)
def test_every_format_yields_the_sample_entries(fmt: str, build: object) -> None:
    entries = fixtures.sample_entries()
    payload = build(entries)  # type: ignore[operator]
    assert detect_format(payload) == fmt
    result = parse_payload(payload, fixtures.PAGE)
    assert [e.text for e in result.entries] == [e.text for e in entries]
    assert [e.title or None for e in result.entries] == [e.title for e in entries]
    assert [e.published for e in result.entries] == [e.published for e in entries]
    assert all(e.url for e in result.entries)


def test_tagesschau_ignores_the_page_head_and_finds_day_links() -> None:
    result = parse_payload(fixtures.tagesschau_html(fixtures.sample_entries()[:2]), fixtures.PAGE)
    assert not any("Stand:" in e.text for e in result.entries)
    assert result.links == [
        "https://www.tagesschau.de/newsticker/liveblog-ukraine-sonntag-370.html"
    ]
    assert result.entries[0].url == fixtures.PAGE + "#id0000"


def test_tagesschau_time_without_date_uses_the_page_date() -> None:
    page = (
        b"<html><body><p class='metatextline'>Stand: 05.11.2024 08:00 Uhr</p>"
        b"<div class='liveblog--anchor' id='a1'><div class='liveblog__datetime'>07:15 Uhr</div>"
        b"<h2 class='meldung__subhead'>Titel</h2></div>"
        b"<p class='textabsatz'>Text.</p></body></html>"
    )
    [entry] = parse_payload(page, fixtures.PAGE).entries
    assert entry.published == datetime(2024, 11, 5, 7, 15, tzinfo=BERLIN)


def test_jsonld_single_update_and_html_body() -> None:
    result = parse_payload(
        fixtures.jsonld_html(fixtures.sample_entries()[:3], single=True), fixtures.PAGE
    )
    assert len(result.entries) == 1


def test_hostile_html_is_stripped_and_entities_decoded() -> None:
    page = (
        b"<html><body><div class='liveblog--anchor' id='x'><div class='liveblog__datetime'>"
        b"04.11.2024 \xe2\x80\xa2 12:00 Uhr</div><h2 class='meldung__subhead'>A &amp; B</h2></div>"
        b"<p class='textabsatz'>Kiew &lt;3 <script>alert('x')</script><style>p{}</style>"
        b"<b>fett</b> &#8211; &auml;</p></body></html>"
    )
    [entry] = parse_payload(page, fixtures.PAGE).entries
    assert entry.title == "A & B"
    assert entry.text == "Kiew <3 fett \u2013 ä"


def test_duplicate_ids_keep_the_first() -> None:
    entries = fixtures.sample_entries()[:2]
    page = fixtures.json_feed(entries).replace(entries[1].key.encode(), entries[0].key.encode())
    result = parse_payload(page, fixtures.PAGE)
    assert len(result.entries) == 1
    assert any("duplicate" in p for p in result.problems)


@pytest.mark.parametrize(
    "payload",
    [
        b"",
        b"   \n",
        b"\x00\x01\x02\x03binary\x00" * 50,
        b"<html><body><p>no blog</p></body></html>",
        b'{"not": "a feed"}',
        b"<?xml version='1.0'?><rss><channel><item>",
        b"just some text",
    ],
)
def test_unreadable_payloads_raise_parse_error(payload: bytes) -> None:
    with pytest.raises(ParseError):
        parse_payload(payload, fixtures.PAGE)


def test_wrong_charset_is_survived() -> None:
    latin = fixtures.text_export(fixtures.sample_entries()[:3]).decode("utf-8").encode("cp1252")
    result = parse_payload(latin, fixtures.PAGE)
    assert any("Windows-1252" in p for p in result.problems)
    assert "ä" in "".join(e.text for e in result.entries) or result.entries


def test_future_and_broken_dates_are_not_trusted() -> None:
    feed = fixtures.json_feed(fixtures.sample_entries()[:1]).replace(b"2024-11-04", b"2099-11-04")
    [entry] = parse_payload(feed, fixtures.PAGE).entries
    from bot.sources.times import plausible

    assert entry.published is not None
    assert plausible(entry.published, datetime(2024, 11, 5, tzinfo=BERLIN)) is None


@pytest.mark.parametrize("fmt", sorted(ADAPTERS))
@settings(max_examples=60, deadline=None)
@given(payload=st.binary(max_size=3000))
def test_adapters_never_crash_on_random_bytes(fmt: str, payload: bytes) -> None:
    with contextlib.suppress(ParseError):
        parse_payload(payload, fixtures.PAGE, fmt=fmt)


@pytest.mark.parametrize("fmt", sorted(ADAPTERS))
@settings(max_examples=40, deadline=None)
@given(text=st.text(max_size=2000))
def test_adapters_never_crash_on_random_text(fmt: str, text: str) -> None:
    with contextlib.suppress(ParseError):
        parse_payload(text.encode("utf-8"), fixtures.PAGE, fmt=fmt)


def test_rdf_and_old_rss_fall_back_to_feedparser() -> None:
    rdf = (
        b"<?xml version='1.0'?><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'"
        b" xmlns='http://purl.org/rss/1.0/'><channel><title>T</title></channel>"
        b"<item rdf:about='https://x/1'><title>Kiew</title><link>https://x/1</link>"
        b"<description>Ein Text.</description></item></rdf:RDF>"
    )
    [entry] = parse_payload(rdf, fixtures.PAGE).entries
    assert (entry.title, entry.text, entry.url) == ("Kiew", "Ein Text.", "https://x/1")


def test_external_entities_are_never_resolved() -> None:
    evil = (
        b"<?xml version='1.0'?><!DOCTYPE rss [<!ENTITY xxe SYSTEM 'file:///etc/passwd'>]>"
        b"<rss version='2.0'><channel><title>T</title><item><guid>1</guid>"
        b"<title>x</title><description>a &xxe; b</description></item></channel></rss>"
    )
    try:
        result = parse_payload(evil, fixtures.PAGE)
    except ParseError:
        return
    assert "root:" not in "".join(e.text for e in result.entries)
