"""More outlets: n-tv tickers, AP live pages, CNN (JSON-LD + DOM), ZDFheute (JSON-LD).

The fixture pages in fixtures/ follow each outlet's markup as public scrapers document
it; the text in them is written for these tests.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.sources import outlet_samples, samples
from bot.sources.detect import detect_format, parse_payload
from bot.sources.model import ParseError
from bot.sources.times import date_clocks

FIXTURES = Path(__file__).parent / "fixtures"
BERLIN = ZoneInfo("Europe/Berlin")
NTV_URL = "https://www.n-tv.de/politik/06-05-Selenskyj-liveticker-article25312345.html"
AP_URL = "https://apnews.com/live/russia-ukraine-war-updates-11-4-2024"
CNN_URL = "https://edition.cnn.com/europe/live-news/russia-ukraine-war-news-11-04-24/index.html"
ZDF_URL = (
    "https://www.zdf.de/nachrichten/politik/ausland/ukraine-russland-krieg-news-liveblog-100.html"
)
PAGES = {
    "ntv-ukraine-ticker.html": ("ntv", NTV_URL),
    "ap-live-ukraine.html": ("ap", AP_URL),
    "cnn-live-ukraine.html": ("jsonld", CNN_URL),
    "zdfheute-liveblog-ukraine.html": ("jsonld", ZDF_URL),
}


def page(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.mark.parametrize(("name", "expected"), sorted(PAGES.items()))
def test_detection_picks_the_adapter(name: str, expected: tuple[str, str]) -> None:
    assert detect_format(page(name), "text/html; charset=utf-8") == expected[0]


def test_ntv_ticker_entries_days_and_text() -> None:
    result = parse_payload(page("ntv-ukraine-ticker.html"), NTV_URL, "text/html")
    titles = [e.title for e in result.entries]
    assert titles[:2] == [
        "Selenskyj: Russland setzt nordkoreanische Soldaten ein",
        "Drohnenalarm in Kiew",
    ]
    assert len(result.entries) == 8
    when = {e.title: e.published for e in result.entries}
    # datePublished is 5 Nov; reading down, 23:50 follows 00:10: the day before.
    assert when["Drohnenalarm in Kiew"] == datetime(2024, 11, 5, 5, 40, tzinfo=BERLIN)
    assert when["Stromausfälle in der Region Charkiw"] == datetime(
        2024, 11, 5, 0, 10, tzinfo=BERLIN
    )
    assert when["Baerbock sichert weitere Unterstützung zu"] == datetime(
        2024, 11, 4, 23, 50, tzinfo=BERLIN
    )
    # 22:35 below 22:30 is a misordered entry, not another day back.
    assert when["Raketenangriff auf Saporischschja"] == datetime(2024, 11, 4, 22, 35, tzinfo=BERLIN)
    assert when["Scholz telefoniert mit Selenskyj"] == datetime(2024, 11, 4, 21, 5, tzinfo=BERLIN)
    first = result.entries[0]
    assert first.text.startswith("Nach Angaben des ukrainischen Präsidenten")
    assert first.text.endswith("von rund 10.000 Soldaten gesprochen.")  # the next <p> belongs
    assert "ntvAds" not in first.text
    assert "+++" not in first.text
    baerbock = result.entries[4]
    assert baerbock.text.endswith("sagte die Grünen-Politikerin.")
    assert not any("Vortag" in e.text for e in result.entries[:-1])
    assert all(e.url == NTV_URL for e in result.entries)
    assert len({e.key for e in result.entries}) == len(result.entries)
    assert result.page_title is not None
    assert result.page_title.endswith("n-tv.de")


def test_ntv_keys_are_stable_across_polls_and_new_entries() -> None:
    before = parse_payload(page("ntv-ukraine-ticker.html"), NTV_URL).entries
    newer = page("ntv-ukraine-ticker.html").replace(
        b"<p><b>+++ 06:05",
        b"<p><b>+++ 06:30 Neue Angriffe auf Odessa +++</b><br/>Ein Text.</p><p><b>+++ 06:05",
    )
    after = parse_payload(newer, NTV_URL).entries
    assert [e.key for e in after[1:]] == [e.key for e in before]


def test_ntv_day_wraps() -> None:
    clocks: list[datetime | time | None] = [
        time(0, 20),
        time(23, 55),
        time(12, 0),
        time(1, 0),
        time(23, 0),
        time(23, 10),
    ]
    newest = datetime(2024, 11, 5, 0, 25, tzinfo=BERLIN)
    moments = date_clocks(clocks, newest)
    assert [m.date().day for m in moments if m] == [5, 4, 4, 4, 3, 3]
    assert date_clocks([time(1, 0)]) == [None]


def test_ntv_without_json_ld_keeps_entries_without_times() -> None:
    raw = page("ntv-ukraine-ticker.html")
    start = raw.index(b'<script type="application/ld+json">')
    end = raw.index(b"</script>", start) + len(b"</script>")
    result = parse_payload(raw[:start] + raw[end:], NTV_URL)
    assert len(result.entries) == 8
    assert all(e.published is None for e in result.entries)
    assert any("datePublished" in p for p in result.problems)


def test_ap_posts() -> None:
    result = parse_payload(page("ap-live-ukraine.html"), AP_URL)
    assert [e.key for e in result.entries] == [
        "00000192-f81a-d3c5-a5d7-fffb3b0e0000",
        "00000192-f7c0-d3c5-a5d7-fff93a420000",
        "00000192-f77e-d3c5-a5d7-fff970bb0000",
    ]
    kursk = result.entries[0]
    assert kursk.title == "Ukraine says North Korean troops are now fighting in Kursk"
    assert kursk.published == datetime(2024, 11, 4, 9, 28, tzinfo=UTC)
    assert kursk.updated == datetime(2024, 11, 4, 9, 35, tzinfo=UTC)
    assert kursk.text.startswith("KYIV, Ukraine (AP) — Ukrainian President")
    assert "apAds" not in kursk.text
    assert "By ILLIA NOVIKOV" not in kursk.text  # the byline sits outside the body
    assert kursk.url == f"{AP_URL}#{kursk.key}"
    know = result.entries[2]
    assert know.text.split("\n\n") == [
        "Russia is pressing its offensive in eastern Ukraine & the U.S. election is two days away.",
        "Ukraine’s foreign minister visits India.",
        "Germany’s Baerbock is in Kyiv.",
    ]
    assert know.updated is None


def test_cnn_text_comes_from_the_page_and_falls_back_to_json_ld() -> None:
    result = parse_payload(page("cnn-live-ukraine.html"), CNN_URL)
    keys = [e.key for e in result.entries]
    assert keys == ["h_5b2f0c1d7e9a", "h_8c41aa0e2f31", "h_0d7e5c2b9a44"]
    zelensky, drones, kremlin = result.entries
    assert zelensky.title == "North Korean troops have fought in Kursk, Zelensky says"
    assert zelensky.published == datetime(2024, 11, 4, 9, 41, tzinfo=UTC)
    # From the page: typographic quotes and the photo caption, no backslashes.
    assert "“This is a new escalation,” Zelensky said" in zelensky.text
    assert "Ukrainian Presidential Press Service/Reuters" in zelensky.text
    assert "\\" not in zelensky.text
    assert drones.text.endswith("Mayor Vitali Klitschko said on Telegram.")
    # No post on the page for this one: the JSON-LD text.
    assert kremlin.text.startswith("Kremlin spokesman Dmitry Peskov said Moscow")
    assert kremlin.url == f"{CNN_URL}#h_0d7e5c2b9a44"


def test_zdfheute_works_through_the_generic_adapter() -> None:
    result = parse_payload(page("zdfheute-liveblog-ukraine.html"), ZDF_URL)
    assert result.format == "jsonld"
    assert [e.key for e in result.entries] == ["xfd0a3b1e", "xa81c44d2", "x3e9f7c10"]
    kursk = result.entries[0]
    assert kursk.title == "Selenskyj: Nordkoreanische Soldaten kämpfen in Kursk"
    assert kursk.text.split("\n\n") == [
        "Nordkoreanische Soldaten sind nach Angaben von Präsident Selenskyj erstmals in Kämpfe"
        " in der russischen Region Kursk verwickelt.",
        "Südkoreas Geheimdienst spricht von rund 10.000 Soldaten.",
    ]
    assert kursk.published == datetime(2024, 11, 4, 10, 58, tzinfo=BERLIN)
    assert kursk.updated == datetime(2024, 11, 4, 11, 2, tzinfo=BERLIN)


def test_an_unknown_page_names_what_was_looked_for() -> None:
    other = (
        b"<!DOCTYPE html><html><head><title>Ein Artikel</title></head><body><p>x</p></body></html>"
    )
    with pytest.raises(ParseError) as caught:
        parse_payload(other, "https://example.org/artikel.html")
    message = str(caught.value)
    for looked_for in ("liveblog--anchor", "bsp-liveblog-post", "article__text", "LiveBlogPosting"):
        assert looked_for in message


@pytest.mark.parametrize(
    ("fmt", "payload", "message"),
    [
        (
            "ntv",
            b"<html><body><div class='article__text'><p>kein Ticker</p></div></body></html>",
            "+++",
        ),
        ("ntv", b"<html><body><p>+++ 10:00 x +++</p></body></html>", "article__text"),
        (
            "ap",
            b"<html><body><bsp-liveblog-post>x</bsp-liveblog-post></body></html>",
            "data-post-id",
        ),
    ],
)
def test_adapters_say_what_is_missing(fmt: str, payload: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message.replace("+", r"\+")):
        parse_payload(payload, "https://example.org/x", fmt=fmt)


def _mutate(data: bytes, cuts: list[tuple[int, int, bytes]]) -> bytes:
    for start, length, insert in cuts:
        at = start % (len(data) + 1)
        data = data[:at] + insert + data[at + length :]
    return data


SNIPPETS = st.sampled_from(
    [
        b"",
        b"<p><b>+++ 25:99 kaputt +++</b></p>",
        b"<p><b>+++ 07:00 +++</b></p>",
        b"<b>+++ 12:00 lose +++</b>",
        b'<bsp-liveblog-post data-post-id="x" data-posted-date-timestamp="99999999999999999999">',
        b'data-posted-date-timestamp="-5"',
        b"</div></div></div>",
        b'<script type="application/ld+json">{"@type":"LiveBlogPosting","liveBlogUpdate":',
        b'"datePublished":"9999-99-99T99:99"',
        b"\x00\xff\xfe",
        b"<!--",
        b'<article data-post-id="h_8c41aa0e2f31"><div class="live-story-post__content">',
    ]
)


@pytest.mark.parametrize(("name", "expected"), sorted(PAGES.items()))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cuts=st.lists(
        st.tuples(st.integers(0, 20_000), st.integers(0, 400), SNIPPETS), min_size=1, max_size=6
    )
)
def test_mutated_pages_never_crash_and_stay_bounded(
    name: str, expected: tuple[str, str], cuts: list[tuple[int, int, bytes]]
) -> None:
    data = _mutate(page(name), cuts)
    for fmt in (expected[0], None):
        with contextlib.suppress(ParseError):
            result = parse_payload(data, expected[1], "text/html", fmt=fmt)
            assert len(result.entries) <= data.count(b"<") + 1
            for entry in result.entries:
                assert len(entry.text) <= len(data)
                assert len(entry.key) <= 500


def test_a_huge_ticker_is_read_in_one_linear_pass() -> None:
    entry = b"<p><b>+++ %02d:%02d Meldung %d +++</b><br/>Text der Meldung.</p>"
    body = b"".join(entry % (23 - (i // 60) % 24, 59 - i % 60, i) for i in range(5000))
    data = (
        b'<html><head><script type="application/ld+json">'
        b'{"datePublished":"2024-11-05T23:59:00+01:00"}</script></head>'
        b"<body><div class='article__text'>" + body + b"</div></body></html>"
    )
    result = parse_payload(data, NTV_URL)
    assert len(result.entries) == 5000
    assert result.entries[-1].published is not None
    assert result.entries[-1].published.date() < date(2024, 11, 5)


@pytest.mark.parametrize(
    ("fmt", "build"),
    [
        ("ntv", outlet_samples.ntv_html),
        ("ap", outlet_samples.ap_html),
        ("jsonld", outlet_samples.cnn_html),
    ],
)
def test_built_pages_read_back(fmt: str, build: object) -> None:
    titled = [e for e in samples.sample_entries() if e.title and e.published]
    entries = sorted(titled, key=lambda e: e.published or 0, reverse=True)[:20]  # newest first
    payload = build(entries)  # type: ignore[operator]
    assert detect_format(payload) == fmt
    result = parse_payload(payload, samples.PAGE)
    assert [e.title for e in result.entries] == [e.title for e in entries]
    assert [e.text for e in result.entries] == [e.text for e in entries]
    assert [e.published for e in result.entries] == [e.published for e in entries]
