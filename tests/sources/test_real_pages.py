"""Every adapter on real captures: each page parses to its expected JSON (real/*.json).

The captures come from public repositories (origin in each JSON). Where no real
liveblog capture of an outlet's current layout exists, the capture is the closest real
evidence (a real article in the new layout, the stored text of a ticker page) and its
JSON says so ("what").
"""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.sources.detect import parse_payload
from bot.sources.model import ParseError
from bot.sources.tagesschau import html_charset, page_stamp, parse_document
from tests.sources.real import expected

NAMES = expected.names()


def test_there_is_a_capture_per_catalog_outlet() -> None:
    outlets = {name.split("-")[0] for name in NAMES}
    assert {"tagesschau", "ntv", "zdfheute", "guardian", "ap"} <= outlets


@pytest.mark.parametrize("name", NAMES)
def test_real_capture_parses_to_its_expected_json(name: str) -> None:
    spec = expected.spec(name)
    want = spec["expect"]
    got = expected.actual(name)
    assert got.get("format") == want.get("format")
    if "error" in want:
        assert "error" in got, f"{name}: expected an error, got {got.get('count')} entries"
        assert want["error"] in got["error"]
        return
    assert "error" not in got, got.get("error")
    assert got["count"] == want["count"]
    assert got["page_title"] == want["page_title"]
    for number, (seen, wanted) in enumerate(zip(got["entries"], want["entries"], strict=True)):
        assert seen == wanted, f"{name}: entry {number} differs"


@pytest.mark.parametrize("name", [n for n in NAMES if "page_stamp" in expected.spec(n)])
def test_page_stamp_is_read_from_the_metatextline(name: str) -> None:
    root = parse_document(expected.capture_bytes(name), None)
    stamp = page_stamp(root)
    assert stamp == datetime.fromisoformat(expected.spec(name)["page_stamp"])


@pytest.mark.parametrize("name", [n for n in NAMES if "other_formats" in expected.spec(n)])
def test_other_adapters_refuse_what_they_cannot_read(name: str) -> None:
    """A capture read with another adapter than its own: e.g. the Guardian's JSON-LD,
    whose updates all repeat the blog's headline and time, is no source of entries."""
    data = expected.capture_bytes(name)
    spec = expected.spec(name)
    for fmt, phrase in spec["other_formats"].items():
        with pytest.raises(ParseError) as caught:
            parse_payload(data, spec["url"], spec.get("content_type"), fmt)
        assert phrase in str(caught.value)


def test_a_utf8_page_is_read_as_utf8_whatever_libxml2_guesses() -> None:
    """The Guardian's page declares UTF-8 in a <meta> after a long comment; libxml2
    alone read it as Latin-1 ("âstraightforwardâ")."""
    data = expected.capture_bytes("guardian-live-2023-05-15")
    assert html_charset(data) == "utf-8"
    root = parse_document(data, None)
    assert "‘straightforward’" in str(root.findtext(".//title"))


def test_a_page_that_is_not_utf8_keeps_its_declared_charset() -> None:
    page = "<html><head><meta charset='iso-8859-15'><title>Grüße €</title></head></html>"
    data = page.encode("iso-8859-15")
    assert html_charset(data) == "iso-8859-15"
    assert parse_document(data, None).findtext(".//title") == "Grüße €"
    assert html_charset("<p>Grüße</p>".encode("cp1252")) == "cp1252"
