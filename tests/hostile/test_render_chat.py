"""Finding 1 in the chat: /list, the subscribe answer and an alert stay within
Telegram's limit when a reader's topics are long and full of entities."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.delivery.fit import esc, fit_message
from bot.matching.query import default_resolver
from bot.subscriptions import SubscribeOutcome
from handlers.subscribe import ListedSub, list_message, outcome_text
from storage.records import SubscriptionRecord
from tests.delivery.world import World, berlin, world
from tests.hostile.builders import check_message, hostile, short_hostile

DE = {"first_name": "Anna", "language_code": "de"}
ANNA = 4301
NOW = datetime(2024, 11, 4, 9, tzinfo=UTC)


def hostile_query(letter: str) -> str:
    """A query of 100 characters whose quoted phrase keeps raw '&' in the topic name."""
    head = f'Drohnen OR "x{letter}'
    return head + "&" * (99 - len(head)) + '"'


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[World]:
    async with world(tmp_path) as the_world:
        yield the_world


async def test_ten_hostile_topics_list_and_alert(w: World) -> None:
    [answer] = await w.reader.ask(ANNA, f"/abo {hostile_query('a')}", **DE)
    assert "Abonniert" in answer["text"]
    check_message(answer["data"]["html"])
    for letter in "bcdefghij":  # the rest straight away: no waiting out chat flood limits
        outcome = await w.services.subscriptions.subscribe(ANNA, hostile_query(letter))
        assert outcome.status == "added"
    [listing] = await w.reader.ask(ANNA, "/abos", **DE)
    shown = check_message(listing["data"]["html"])
    assert '10. Drohnen ODER "xj&&' in shown
    await w.step(berlin(4, 1, 30))  # the 01:26 entry about drones over Kyiv
    alerts = [m for m in await w.bot_messages(ANNA) if "🔔" in m["text"]]
    assert alerts, "the alert must go out, not loop forever"
    for alert in alerts:
        check_message(alert["data"]["html"])
        assert "Drohnen" in alert["text"]


@st.composite
def listed(draw: st.DrawFn) -> ListedSub:
    return ListedSub(
        draw(short_hostile),
        draw(st.sampled_from([None, "instant", "hourly", "daily"])),
        draw(st.booleans()),
        draw(st.one_of(st.none(), short_hostile)),
    )


@settings(max_examples=100, deadline=None)
@given(st.lists(listed(), max_size=25), st.sampled_from(["de", "en"]), st.booleans())
def test_every_list_fits(subs: list[ListedSub], language: str, with_settings: bool) -> None:
    lines = ["Quellen: alle", "Modus: sofort · Zeitzone: Europe/Berlin"] if with_settings else []
    check_message(list_message(language, subs, lines))


@settings(max_examples=100, deadline=None)
@given(short_hostile, st.sampled_from(["added", "exists"]), st.sampled_from(["de", "en"]))
def test_every_subscribe_answer_fits(display: str, status: str, language: str) -> None:
    resolved = default_resolver().resolve("Drohnen")
    sub = SubscriptionRecord(1, ANNA, "Drohnen", None, "c", display * 30, None, False, NOW)
    outcome = SubscribeOutcome(status, resolved, sub, 3)
    check_message(outcome_text(outcome, language, 25))


@settings(max_examples=100, deadline=None)
@given(hostile)
def test_the_last_guard_turns_any_text_into_a_message_that_fits(text: str) -> None:
    message = fit_message(esc(text) + "x")
    check_message(message)
