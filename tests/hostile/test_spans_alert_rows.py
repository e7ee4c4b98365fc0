"""Finding 4: an alert keeps only the match positions its message can show, picked once
per entry, so a huge entry for many chats makes small rows and little work."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.delivery import spans as spans_module
from bot.delivery.fit import LIMIT
from bot.delivery.render import AlertView, matched_paragraph, render_alert
from bot.delivery.spans import MAX_SPANS, SpanPicker
from bot.sources.model import content_hash
from storage.records import NewEntry
from tests.delivery.world import BERLIN, World, world

CHATS = 500
ROW_BYTES = 4096


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[World]:
    async with world(tmp_path) as the_world:
        yield the_world


def largest_alert_row(db: Path) -> int:
    """Bytes stored for the largest alert row, every column counted."""
    with sqlite3.connect(db) as conn:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(alerts)")]
        total = " + ".join(f"COALESCE(LENGTH(CAST({c} AS BLOB)), 0)" for c in columns)
        (largest,) = conn.execute(f"SELECT MAX({total}) FROM alerts").fetchone()
    return int(largest)


async def test_a_96_kb_entry_for_500_chats_makes_small_rows_picked_once(
    w: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    svc = w.services
    assert svc.pipeline is not None
    for chat_id in range(9000, 9000 + CHATS):
        await svc.storage.chats.upsert(chat_id, "private", None, "de", w.clock.now())
        outcome = await svc.subscriptions.subscribe(chat_id, "Kiew")
        assert outcome.status == "added"
    w.clock.advance(timedelta(minutes=1))
    looked_up: list[int] = []
    real = spans_module.paragraph_bounds

    def counted(text: str) -> tuple[list[int], list[int]]:
        looked_up.append(len(text))
        return real(text)

    monkeypatch.setattr(spans_module, "paragraph_bounds", counted)
    body = "Kiew. " * 16_000  # 96 KB, 16,000 matches
    [source] = await svc.storage.sources.list_active()
    entry = NewEntry(
        "huge", w.clock.now(), None, "Kiew", body, None, "news", content_hash("Kiew", body)
    )
    await svc.storage.entries.upsert_many(source.source_id, [entry], w.clock.now())
    created = await svc.pipeline.finish_pending()
    assert created == CHATS
    # The entry's paragraphs were looked up once, not once per chat.
    assert looked_up == [len(body)]
    assert largest_alert_row(tmp_path / "world.sqlite3") <= ROW_BYTES
    alerts = await svc.storage.alerts.pending_for_chat(9000, w.clock.now())
    [alert] = alerts
    assert 0 < len(alert.spans) <= MAX_SPANS
    # The message still shows the matches in bold.
    stored = (await svc.storage.entries.get_many([alert.entry_id]))[alert.entry_id]
    view = AlertView(1, stored.title, stored.body, None, None, ("Kiew",), alert.spans, "x")
    body_html = render_alert(view, BERLIN).split("\n\n", 1)[1]
    assert body_html.count("<b>Kiew</b>") == len([s for s in alert.spans if s[0] == "text"])


words = st.sampled_from(["Kiew", "Drohnen", "und", "x" * 30])
separators = st.sampled_from([" ", ". ", "\n", "\n\n", " &\n\n "])


@st.composite
def texts_with_spans(draw: st.DrawFn) -> tuple[str, list[tuple[str, int, int]]]:
    parts = draw(st.lists(st.tuples(words, separators), min_size=1, max_size=400))
    text, spans, position = "", [], 0
    for word, separator in parts:
        if draw(st.booleans()):
            spans.append(("text", position, position + len(word)))
        text += word + separator
        position = len(text)
    title_spans = [("title", a, a + 4) for a in draw(st.lists(st.integers(0, 50), max_size=12))]
    return text, spans + title_spans


@settings(max_examples=150, deadline=None)
@given(texts_with_spans())
def test_picked_spans_show_the_same_paragraph(case: tuple[str, list[tuple[str, int, int]]]) -> None:
    text, spans = case
    picked = SpanPicker(text).pick(spans)
    assert len(picked) <= MAX_SPANS
    assert set(picked) <= set(spans)
    full_paragraph, full_inside = matched_paragraph(text, spans)
    paragraph, inside = matched_paragraph(text, picked)
    assert paragraph == full_paragraph
    # The bold words a message can show are the first ones of the full set.
    assert inside == full_inside[: len(inside)]
    room = MAX_SPANS - len([s for s in picked if s[0] == "title"])
    if len(inside) < min(len(full_inside), room):  # the rest lie beyond what a message shows
        assert full_inside[len(inside)][1] > LIMIT
