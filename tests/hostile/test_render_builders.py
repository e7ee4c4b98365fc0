"""Finding 1: every message builder terminates and fits 4,096 characters, whatever
the entry, the feed or the readers' topic names hold."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import texts
from bot.delivery.render import (
    AlertView,
    render_alert,
    render_batch_item,
    render_batch_parts,
    split_messages,
)
from bot.digest.build import DigestItem, build_digest
from bot.matching.query import default_resolver
from tests.hostile.builders import check_message, finishes, hostile, short_hostile, topic_names

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2024, 11, 4, 20, tzinfo=BERLIN)
URL = "https://www.tagesschau.de/liveblog.html#a1"


def view(
    title: str | None = "Titel",
    text: str = "Kiew meldet Angriffe.",
    topics: tuple[str, ...] = ("Kiew",),
    source: str = "tagesschau",
    url: str | None = URL,
    spans: tuple[tuple[str, int, int], ...] = (),
) -> AlertView:
    return AlertView(1, title, text, url, NOW, topics, spans, source)


# ------------------------------------------------------------- the reported triggers
def test_a_title_of_a_thousand_ampersands() -> None:
    for edited in (False, True):  # an edit goes through the same builder
        message = finishes(lambda e=edited: render_alert(view(title="&" * 1000), BERLIN, "de", e))
        check_message(message)
        assert "Kiew meldet Angriffe." in message  # the body is still there


def test_no_title_and_a_first_word_of_five_thousand_characters() -> None:
    text = "x" * 5000 + " Kiew wurde angegriffen."
    message = finishes(lambda: render_alert(view(title=None, text=text), BERLIN))
    shown = check_message(message)
    assert "…" in shown


def test_ten_topic_names_quoting_ampersands() -> None:
    """What `/abo Ukraine OR "xa&&&…"` ten times makes of the topic line."""
    resolver = default_resolver()
    names = []
    for letter in "abcdefghij":
        query = f'Ukraine OR "x{letter}' + "&" * (98 - len('Ukraine OR "xa')) + '"'
        names.append(resolver.resolve(query).display("de", with_hints=False)[:200])
    assert all(name.count("&") > 50 for name in names)
    message = finishes(lambda: render_alert(view(topics=tuple(names)), BERLIN))
    shown = check_message(message)
    assert shown.startswith("🔔 Ukraine")
    assert "Kiew meldet Angriffe." in shown
    batch = finishes(lambda: render_batch_parts([view(topics=tuple(names))] * 3, BERLIN))
    for part, _held in batch:
        check_message(part)


def test_a_huge_entry_of_one_paragraph_keeps_its_first_sentences() -> None:
    text = "Kiew meldet Angriffe. " * 5000
    message = finishes(lambda: render_alert(view(text=text, spans=(("text", 0, 4),)), BERLIN))
    shown = check_message(message)
    assert shown.count("Kiew meldet Angriffe.") > 100
    assert "<b>Kiew</b>" in message


# ------------------------------------------------------------- every builder, any input
@st.composite
def views(draw: st.DrawFn) -> AlertView:
    text = draw(hostile)
    spans = draw(
        st.lists(
            st.tuples(st.sampled_from(["title", "text"]), st.integers(0, 6000), st.integers(0, 60)),
            max_size=40,
        )
    )
    return AlertView(
        draw(st.integers(1, 10**6)),
        draw(st.one_of(st.none(), hostile)),
        text,
        draw(st.one_of(st.none(), st.just(URL), st.just("https://x.org/?" + "&" * 2000))),
        draw(st.one_of(st.none(), st.just(NOW))),
        tuple(draw(topic_names)),
        tuple((f, a, a + n) for f, a, n in spans),
        draw(short_hostile),
    )


PROPERTY = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Many views per example: fewer examples keep the suite fast (each is still hostile).
PROPERTY_MANY = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY
@given(views(), st.sampled_from(["de", "en"]), st.booleans())
def test_every_alert_and_edit_fits(alert: AlertView, language: str, edited: bool) -> None:
    check_message(render_alert(alert, BERLIN, language, edited))


@PROPERTY_MANY
@given(st.lists(views(), min_size=1, max_size=30), st.sampled_from(["de", "en"]))
def test_every_batch_fits(many: list[AlertView], language: str) -> None:
    parts = render_batch_parts(many, BERLIN, language)
    assert sorted(i for _, held in parts for i in held) == list(range(len(many)))
    for message, _held in parts:
        check_message(message)


@PROPERTY_MANY
@given(st.lists(views(), min_size=0, max_size=30), topic_names, st.sampled_from(["de", "en"]))
def test_every_digest_fits(many: list[AlertView], order: list[str], language: str) -> None:
    items = [
        DigestItem(i, v.topics or ("?",), v.title, v.text, v.url, v.published, v.spans)
        for i, v in enumerate(many)
    ]
    for message in build_digest(items, order, BERLIN, language, NOW, NOW):
        check_message(message)


@PROPERTY
@given(st.lists(views(), min_size=1, max_size=5), short_hostile, st.sampled_from(["de", "en"]))
def test_every_preview_fits(many: list[AlertView], form: str, language: str) -> None:
    """/vorschau and /neueste: items without topics under a header quoting the query."""
    items = [render_batch_item(v, BERLIN, language) for v in many]
    header = texts.text(language, "preview_header", form=form * 20)
    for message in split_messages(header, items):
        check_message(message)
