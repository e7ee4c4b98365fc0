"""Whatever an entry holds, the rendered messages are valid Telegram HTML within limits."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.delivery.render import AlertView, render_alert, render_batch
from bot.devserver.html_check import visible_text
from bot.digest.build import DigestItem, build_digest

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2024, 11, 4, 20, tzinfo=BERLIN)
pieces = st.sampled_from([*"ab <>&;\"'./!?\n Ää🚀", "&amp;", "<b>", "</i>", "Kiew. ", "\n\n"])
hostile = st.lists(pieces, max_size=4000).map("".join)


@st.composite
def views(draw: st.DrawFn) -> AlertView:
    text = draw(hostile)
    title = draw(st.one_of(st.none(), st.text(max_size=300)))
    spans = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["title", "text"]), st.integers(0, 6000), st.integers(0, 6000)
            ),
            max_size=5,
        )
    )
    spans = [(f, min(a, b), max(a, b)) for f, a, b in spans]
    return AlertView(
        1,
        title,
        text,
        draw(st.one_of(st.none(), st.just("https://x.org/#a&b"))),
        NOW,
        tuple(draw(st.lists(st.text(max_size=40), min_size=1, max_size=3))),
        tuple(spans),
        draw(st.text(max_size=50)),
    )


@settings(max_examples=150, deadline=None)
@given(views(), st.sampled_from(["de", "en"]), st.booleans())
def test_alerts_are_valid_html_within_the_limit(
    view: AlertView, language: str, edited: bool
) -> None:
    message = render_alert(view, BERLIN, language, edited)
    assert len(message) <= 4096
    visible_text(message)


@settings(max_examples=60, deadline=None)
@given(st.lists(views(), min_size=1, max_size=40))
def test_batches_and_digests_split_cleanly(many: list[AlertView]) -> None:
    for message in render_batch(many, BERLIN, "de"):
        assert len(message) <= 4096
        visible_text(message)
    items = [
        DigestItem(i, v.topics, v.title, v.text, v.url, v.published, v.spans)
        for i, v in enumerate(many)
    ]
    order = list(dict.fromkeys(t for v in many for t in v.topics))
    for message in build_digest(items, order, BERLIN, "en", NOW, NOW):
        assert len(message) <= 4096
        visible_text(message)
