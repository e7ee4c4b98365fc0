"""Golden files: how the sample's entries look as alerts, as a batch and as a digest.

Run with UPDATE_GOLDEN=1 to rewrite the files after an intended change, then review
the diff like any other code change.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.delivery.render import AlertView, render_alert, render_batch
from bot.devserver.html_check import visible_text
from bot.digest.build import DigestItem, build_digest
from bot.matching.index import TopicIndex
from bot.matching.lexicon import default_lexicon
from bot.sources.model import Kind
from bot.sources.samples import sample_entries

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2024, 11, 4, 23, 59, tzinfo=BERLIN)


def sample_views() -> list[AlertView]:
    """Every news entry of the sample with the catalog topics it matches."""
    topics = default_lexicon().topics
    index = TopicIndex.build([(t.id, t.expr) for t in topics.values()])
    views = []
    for number, entry in enumerate(e for e in sample_entries() if e.kind is Kind.NEWS):
        matches = index.match(entry.title, entry.text, entry.published)
        names = tuple(topics[str(t)].name_de for m in matches for t in m.topics)
        spans = tuple(sorted({(s.field, s.start, s.end) for m in matches for s in m.spans}))
        views.append(
            AlertView(
                number,
                entry.title,
                entry.text,
                entry.url,
                entry.published,
                names or ("Liveblog",),
                spans,
                "tagesschau",
            )
        )
    return views


def check_golden(name: str, rendered: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") or not path.exists():
        path.write_text(rendered, encoding="utf-8")
    assert rendered == path.read_text(encoding="utf-8"), f"{name} differs from the golden file"


def test_sample_alerts_match_the_golden_file() -> None:
    rendered = [render_alert(v, BERLIN, "de") for v in sample_views()]
    for message in rendered:
        assert len(message) <= 4096
        visible_text(message)  # Telegram would parse it
    check_golden("sample_alerts.de.html", "\n\n----------\n\n".join(rendered) + "\n")


def test_sample_batch_matches_the_golden_file() -> None:
    messages = render_batch(sample_views(), BERLIN, "en")
    for message in messages:
        assert len(message) <= 4096
        visible_text(message)
    check_golden("sample_batch.en.html", "\n\n----------\n\n".join(messages) + "\n")


def test_sample_digest_matches_the_golden_file() -> None:
    views = sample_views()
    items = [
        DigestItem(
            v.entry_id, v.topics, v.title, v.text, v.url, v.published, v.spans, v.source_name
        )
        for v in views
    ]
    order = list(dict.fromkeys(t for v in views for t in v.topics))
    messages = build_digest(items, order, BERLIN, "de", NOW, NOW.replace(hour=0))
    for message in messages:
        assert len(message) <= 4096
        visible_text(message)
    check_golden("sample_digest.de.html", "\n\n----------\n\n".join(messages) + "\n")


@pytest.mark.parametrize("size", [1, 5000, 20000])
def test_long_entries_are_cut_at_a_sentence_with_the_link_kept(size: int) -> None:
    text = ("Ein Satz über <Kiew> & Drohnen. " * size).strip()
    view = AlertView(
        1,
        "Titel",
        text,
        "https://example.org/#a",
        NOW,
        ("Drohnen",),
        (("text", 13, 19),),
        "tagesschau",
    )
    message = render_alert(view, BERLIN, "de")
    assert len(message) <= 4096
    assert visible_text(message)
    assert message.endswith('<a href="https://example.org/#a">Zum Eintrag</a>')
    if size > 1:
        assert "… \n" in message or message.count("…") >= 1
