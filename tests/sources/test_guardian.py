"""The Guardian's live blogs, from the real data of a real live blog.

No saved live-blog page of theguardian.com could be found in public repositories. The
closest real evidence: the Guardian's own frontend data for a real live blog (19 Feb
2021; its blocks, their ids, times, titles and HTML, and the page's JSON-LD exactly as
the page carries it), kept by the Guardian in guardian/dotcom-rendering
(real/stored/guardian-live-2021-02-19.json names path and commit). The page here puts
those blocks into the markup dotcom-rendering renders them in (LiveBlockContainer.tsx,
FirstPublished.tsx, LastUpdated.tsx); the text, ids and times are the blog's own.
"""

from __future__ import annotations

import html
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.sources.detect import detect_format, parse_payload
from bot.sources.model import ParseError

STORED: dict[str, Any] = json.loads(
    (Path(__file__).parent / "real" / "stored" / "guardian-live-2021-02-19.json").read_text("utf-8")
)
URL = STORED["webURL"]


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat().replace("+00:00", ".000Z")


def _element(element: dict[str, Any]) -> str:
    kind = element["type"]
    if kind in ("TextBlockElement", "TweetBlockElement"):
        return str(element.get("html") or "")
    if kind == "ImageBlockElement":
        caption = html.escape(element.get("caption") or "")
        credit = html.escape(element.get("credit") or "")
        return f"<figure><picture><img src='x.jpg'/></picture><figcaption><span>{caption}</span> {credit}</figcaption></figure>"  # noqa: E501
    return f"<figure><gu-island name='{kind}' props='{{}}'></gu-island></figure>"


def _block(block: dict[str, Any], pinned: bool = False) -> str:
    first, last = block["blockFirstPublished"], block.get("blockLastUpdated")
    title = f"<h2>{html.escape(block['title'])}</h2>" if block.get("title") else ""
    updated = (
        f"<div>Updated at&nbsp;<time datetime='{_iso(last)}'>{_clock(last)}</time></div>"
        if last and last > first
        else ""
    )
    ident = "" if pinned else f" id='block-{block['id']}'"
    return (
        f"<article{ident} class='block'><header><div><a href='?page=with:block-{block['id']}"
        f"#block-{block['id']}' data-ignore='global-link-styling'><span><gu-island"
        f" name='RelativeTime' props='{{}}'><time datetime='{_iso(first)}' data-locale='en-GB'>"
        f"{block['blockFirstPublishedDisplay']}</time></gu-island></span><span>"
        f"{block['blockFirstPublishedDisplay']}</span></a></div>{title}</header>"
        + "".join(_element(e) for e in block["elements"])
        + "<footer><gu-island name='ShareButton' props='{}'><button>Share</button></gu-island>"
        f"{updated}</footer></article>"
    )


def _clock(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%H.%M GMT")


def page(blocks: list[dict[str, Any]] | None = None, pinned: bool = True) -> bytes:
    chosen = STORED["blocks"] if blocks is None else blocks
    linked = "".join(
        f"<script type='application/ld+json'>{json.dumps(item)}</script>"
        for item in STORED["linkedData"]
    )
    pin = _block(chosen[0], pinned=True) if pinned and chosen else ""
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(STORED['webTitle'])} | Science | The Guardian</title>{linked}"
        "<script>window.guardian={config:{page:{isLive:true}}};"
        " document.querySelector('article#block-x time')</script>"
        f"</head><body><main><div id='pinned-post'>{pin}</div><div id='liveblog-body'>"
        + "".join(_block(b) for b in chosen)
        + "</div></main></body></html>"
    ).encode()


def test_blocks_with_their_own_ids_times_and_titles() -> None:
    payload = page()
    assert detect_format(payload, "text/html") == "guardian"
    result = parse_payload(payload, URL, "text/html")
    assert result.format == "guardian"
    blocks = STORED["blocks"]
    assert [e.key for e in result.entries] == [b["id"] for b in blocks]  # the pinned copy: once
    assert [e.published for e in result.entries] == [
        datetime.fromtimestamp(b["blockFirstPublished"] / 1000, UTC) for b in blocks
    ]
    summary, tbt = result.entries[0], result.entries[1]
    assert summary.title == "Summary"
    assert summary.updated == datetime.fromtimestamp(1613763519, UTC)
    assert summary.text.startswith("That’s it for our live coverage of Nasa’s celebratory")
    assert "The rover is “healthy” and undergoing systems testing." in summary.text
    assert tbt.title is None
    assert tbt.text == "#TBT"
    assert tbt.updated is None  # "last updated" a second before first published: not shown
    assert "Share" not in summary.text
    assert "GMT" not in summary.text
    assert summary.url == f"{URL}#block-{blocks[0]['id']}"
    assert len({e.published for e in result.entries}) == len(blocks)


def test_images_keep_their_caption() -> None:
    result = parse_payload(page(), URL)
    last = result.entries[-1]  # an image-only block
    assert last.key == "6030066b8f08bdbed283be4b"
    caption = STORED["blocks"][-1]["elements"][0]["caption"]
    assert caption
    assert caption.split()[0] in last.text


def test_the_pages_json_ld_carries_no_per_update_data() -> None:
    # What the Guardian's JSON-LD holds, read by the generic path: every update has the
    # blog's headline and publish time. Those are no entries.
    updates = STORED["linkedData"][0]["liveBlogUpdate"]
    assert len({(u["headline"], u["datePublished"]) for u in updates}) == 1
    assert all(len(u["articleBody"]) <= 1000 for u in updates)
    with pytest.raises(ParseError, match="repeat one headline and time") as caught:
        parse_payload(page(), URL, fmt="jsonld")
    assert caught.value.selector is not None
    assert caught.value.adapter == "jsonld"


def test_no_blocks_names_the_selector() -> None:
    with pytest.raises(ParseError) as caught:
        parse_payload(page(blocks=[]), URL, fmt="guardian")
    assert caught.value.selector == "article[id^=block-] with a time[datetime]"
    assert caught.value.adapter == "guardian"


def test_blocks_are_found_even_before_their_times_render() -> None:
    # The relative time is an island: should a page come without it, the blocks are
    # still the Guardian's (class "block"), their times unknown rather than made up.
    payload = page().replace(b"<time datetime=", b"<span data-datetime=")
    assert detect_format(payload, "text/html") == "guardian"
    result = parse_payload(payload, URL)
    assert len(result.entries) == len(STORED["blocks"])
    assert all(e.published is None for e in result.entries)
