"""A malformed RSS/Atom payload is refused at C speed, not after feedparser's loose pass.

feedparser re-reads XML that expat rejects with its regex-based loose parser (~17 µs a
byte: a truncated 1 MB feed held a parsing thread ~17 s, 10 MB minutes), and then the
payload was refused anyway. Bounds are generous (the fast path takes ~0.1 s) and in CPU
time of the parsing thread, scaled by this run's calibration (tests/calibration.py): a
busy machine does not inflate them, the slow path exceeds them tenfold."""

from __future__ import annotations

import time

import pytest

from bot.sources.feeds import parse_feed
from bot.sources.model import ParseError
from bot.sources.wellformed import SLOW_PATH_ITEMS
from tests.calibration import cpu_bound


def _items(n: int) -> bytes:
    return b"".join(
        b"<item><title>Kiew %d</title><guid>g%d</guid><description>Text %d</description></item>"
        % (i, i, i)
        for i in range(n)
    )


def _rss(items: bytes) -> bytes:
    return (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        + items
        + b"</channel></rss>"
    )


@pytest.mark.parametrize(
    "payload",
    [
        _rss(_items(12_000))[:-20],  # a truncated download
        _rss(_items(12_000)) + b"<junk",  # junk after the document
        _rss(_items(6_000) + b"<item><title>&nbsp;</title></item>" + _items(6_000)),  # HTML entity
        _rss(_items(12_000)).replace(b"<channel>", b"<channel><x:y>", 1),  # unbound prefix
    ],
    ids=["truncated", "junk", "html-entity", "unbound-prefix"],
)
def test_a_malformed_megabyte_feed_is_refused_quickly(payload: bytes) -> None:
    assert len(payload) > 900_000
    started = time.thread_time()
    with pytest.raises(ParseError, match="not well-formed"):
        parse_feed(payload, "https://example.org/feed")
    assert time.thread_time() - started < cpu_bound(3.0)


def test_billion_laughs_is_refused_quickly() -> None:
    entities = b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1)) * 10) for i in range(1, 10)
    )
    payload = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol0 "lol">'
        + entities
        + b"]>"
        + _rss(b"<item><title>a</title><guid>1</guid><description>&lol9;</description></item>")[21:]
    )
    started = time.thread_time()
    with pytest.raises(ParseError):
        parse_feed(payload, "https://example.org/feed")
    assert time.thread_time() - started < cpu_bound(1.0)


def test_what_the_strict_pass_reads_still_parses() -> None:
    """The check refuses only what feedparser's strict parser refuses: a feed declared
    UTF-8 but written in Latin-1 (feedparser re-decodes it) and RSS 1.0 still read."""
    latin = _rss(
        b"<item><title>K\xe4se</title><guid>1</guid><description>Kiew</description></item>"
    )
    assert [e.title for e in parse_feed(latin, "https://e.org/").entries] == ["Käse"]
    rdf = (
        b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        b' xmlns="http://purl.org/rss/1.0/"><channel rdf:about="x"><title>t</title></channel>'
        b'<item rdf:about="u1"><title>a</title><link>https://e.org/1</link>'
        b"<description>Kiew</description></item></rdf:RDF>"
    )
    assert [e.text for e in parse_feed(rdf, "https://e.org/").entries] == ["Kiew"]


def _rdf(items: int) -> bytes:
    return (
        b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        b' xmlns="http://purl.org/rss/1.0/"><channel rdf:about="x"><title>t</title></channel>'
        + b"".join(
            b'<item rdf:about="u%d"><title>a%d</title><link>https://e.org/%d</link>'
            b"<description>Kiew</description></item>" % (i, i, i)
            for i in range(items)
        )
        + b"</rdf:RDF>"
    )


def test_a_feed_only_feedparser_reads_is_read_up_to_its_bound() -> None:
    """feedparser costs ~1 ms an item (40,000 RSS 1.0 items: 40 s of a parsing thread);
    a feed of thousands of items in such a dialect gets a clear error instead."""
    assert len(parse_feed(_rdf(SLOW_PATH_ITEMS), "https://e.org/").entries) == SLOW_PATH_ITEMS
    payload = _rdf(30_000)
    started = time.thread_time()
    with pytest.raises(ParseError, match="more than 2000 items"):
        parse_feed(payload, "https://e.org/")
    assert time.thread_time() - started < cpu_bound(3.0)
