"""Every adapter on real captures: each page parses to its expected JSON (real/*.json).

The captures come from public repositories (origin in each JSON). Where no real
liveblog capture of an outlet's current layout exists, the capture is the closest real
evidence (a real article in the new layout, the stored text of a ticker page) and its
JSON says so ("what").
"""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.sources.tagesschau import page_stamp, parse_document
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
