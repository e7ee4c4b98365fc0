"""Finding 10 (text): an invisible character inside a word does not hide it from
matching, and bidi controls never reach a title, a topic name or any rendered text."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import texts
from bot.delivery.render import AlertView, render_alert, render_batch
from bot.devserver.client import ChatDriver
from bot.matching.index import TopicIndex
from bot.matching.normalize import tokenize
from bot.matching.query import default_resolver
from bot.sources.model import Entry
from bot.text_repair import BIDI_CONTROLS
from tests.hostile.builders import check_message

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2024, 11, 4, 20, tzinfo=BERLIN)
INVISIBLE = ["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]
DE = {"first_name": "Anna", "language_code": "de"}


@pytest.mark.parametrize("hidden", INVISIBLE + list(BIDI_CONTROLS))
def test_a_hidden_character_inside_a_word_does_not_defeat_matching(hidden: str) -> None:
    index = TopicIndex.build([("kyiv", default_resolver().resolve("Luftangriffe auf Kiew").expr)])
    text = f"In der Nacht gab es einen Luftangriff auf Ki{hidden}ew."
    [match] = index.match(None, text)  # straight to the matcher: no model repair first
    [word] = [s for s in match.spans if text[s.start : s.end].startswith("Ki")]
    assert text[word.start : word.end] == f"Ki{hidden}ew"  # the whole word, bold as one
    assert [t.folded for t in tokenize(f"Nord{hidden}korea")] == ["nordkorea"]


def test_stored_entries_lose_hidden_and_bidi_characters() -> None:
    entry = Entry(
        "a", None, None, "Ki\u00adew: \u202eneknurtsnegeR\u202c", "Luft\u200bangriff", None
    )
    assert entry.title == "Kiew: neknurtsnegeR"
    assert entry.text == "Luftangriff"


@settings(max_examples=150, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(["a", " ", "&", *BIDI_CONTROLS]), max_size=80),
    st.lists(
        st.text(alphabet=st.sampled_from(["K", "i", *BIDI_CONTROLS]), max_size=30), max_size=5
    ),
)
def test_no_bidi_control_is_rendered_from_titles_topics_or_labels(
    title: str, topics: list[str]
) -> None:
    view = AlertView(1, title, "Kiew meldet Angriffe.", None, NOW, tuple(topics), (), title)
    for message in [render_alert(view, BERLIN), *render_batch([view], BERLIN)]:
        shown = check_message(message)
        assert not set(BIDI_CONTROLS) & set(shown)
    catalogue = texts.text("de", "unsubscribed", name=title)
    assert not set(BIDI_CONTROLS) & set(catalogue)


async def test_a_query_with_bidi_controls_is_stored_and_shown_without_them(
    reader: ChatDriver, bot: object
) -> None:
    chat = reader
    [answer] = await chat.ask(2301, "/abo \u202eKi\u00adew\u202c Dro\u2066hnen", **DE)
    assert "Abonniert" in answer["text"]
    [listing] = await chat.ask(2301, "/abos", **DE)
    for message in (answer, listing):
        assert not set(BIDI_CONTROLS) & set(message["text"])
        assert "\u00ad" not in message["text"]
    assert "Kiew" in listing["text"]
