"""The buttons under an alert (issue 19 item 4) and readers' 👎 (item 5), through the real
bot and the stand-in: "Warum?" explains the match, 👎 is kept with the entry and topic,
"Story stumm" silences a story, "Mehr dazu" brings its updates at once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.delivery.story_choices import apply_story_choices
from storage.records import NewAlert, NewEntry
from tests.delivery.world import World, berlin, world
from tests.helpers import button, buttons, messages

ANNA, BEN, CARL, ADMIN = 4501, 4502, 4503, 4599
DE = {"first_name": "Anna", "language_code": "de"}


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[World]:
    async with world(tmp_path, admin_ids=frozenset({ADMIN})) as it:
        yield it


async def first_alert(w: World, query: str = "Drohnen") -> dict[str, Any]:
    await w.reader.ask(ANNA, f"/abo {query}", **DE)
    await w.step(berlin(4, 1, 30))
    alerts = [m for m in messages(await w.reader.events(ANNA)) if "🔔" in m["text"]]
    assert alerts
    return alerts[0]


async def test_an_alert_offers_why_follow_and_mute(w: World) -> None:
    alert = await first_alert(w)
    rows = alert["data"]["reply_markup"]["inline_keyboard"]
    assert [b["text"] for b in rows[1]] == ["❓ Warum?", "➕ Mehr dazu", "🔇 Story stumm"]
    assert all(len(b["callback_data"].encode()) <= 64 for row in rows for b in row)


async def test_why_names_the_topic_and_the_words_found(w: World) -> None:
    alert = await first_alert(w)
    replies = await w.reader.click(ANNA, alert["message_id"], button(alert, "Warum"), replies=2)
    [why] = messages(replies)
    assert "Warum diese Meldung?" in why["text"]
    assert "Drohnen" in why["text"]
    found = [line for line in why["text"].split("\n") if line.startswith("Gefunden")]
    assert found, why["text"]
    # What the alert showed in bold is what "Warum?" says was found.
    bold = alert["data"]["html"].split("<b>")[2].split("</b>")[0]
    assert bold in " ".join(found)
    assert [label for label, _ in buttons(why)] == ["👎 Passt nicht"]


async def test_thumbs_down_is_kept_with_entry_and_topic_and_counted(w: World) -> None:
    alert = await first_alert(w)
    replies = await w.reader.click(ANNA, alert["message_id"], button(alert, "Warum"), replies=2)
    [why] = messages(replies)
    [answer] = [
        e for e in await w.reader.click(ANNA, why["message_id"], button(why, "👎"))
        if e["kind"] == "callback_answer"
    ]  # fmt: skip
    assert "Vermerkt" in answer["text"]
    again = await w.reader.click(ANNA, why["message_id"], button(why, "👎"))
    assert "Schon vermerkt" in next(e for e in again if e["kind"] == "callback_answer")["text"]
    [(entry_id, kind, topics)] = await w.services.storage.feedback.recent(10)
    [sent] = [a for a in await w.services.storage.alerts.created_since(
        berlin(4, 0, 0), ANNA) if a.message_id == alert["message_id"]]  # fmt: skip
    assert (entry_id, kind, topics) == (sent.entry_id, "down", "Drohnen")
    [stats] = messages(await w.reader.ask(ADMIN, "/stats", first_name="Op"))
    assert "👎 von Lesern" in stats["text"]
    assert ": 1 " in stats["text"].split("👎 von Lesern")[1]


async def test_a_thumbs_down_reaction_counts_too(w: World) -> None:
    alert = await first_alert(w)
    await w.reader.react(ANNA, alert["message_id"], "👎", **DE)
    for _ in range(50):  # the update is handled on the bot's loop
        if await w.services.storage.feedback.recent(10):
            break
        await w.reader.wait_for(ANNA, 1, after=10**9, wait_s=0.05)
    [(_, kind, topics)] = await w.services.storage.feedback.recent(10)
    assert (kind, topics) == ("down", "Drohnen")


async def test_forged_or_foreign_alert_buttons_do_nothing(w: World) -> None:
    alert = await first_alert(w)
    data = button(alert, "Warum")
    other = BEN
    await w.reader.ask(other, "/start", first_name="Ben")
    # The same data pressed in another chat fails its signature check.
    [answer] = [e for e in await w.reader.click(other, alert["message_id"], data)
                if e["kind"] == "callback_answer"]  # fmt: skip
    assert "abgelaufen" in answer["text"]
    assert await w.services.storage.feedback.recent(10) == []


async def _story(w: World) -> tuple[int, int, int]:
    """A source with a story's first entry and a second report of it; their ids."""
    storage, now = w.services.storage, w.clock.now()
    source = await storage.sources.ensure("https://example.org/other", None, 60, now)
    [head, member] = await storage.entries.upsert_many(
        source.source_id,
        [
            NewEntry(
                "h", now, None, "Damm gebrochen", "Ein Damm ist gebrochen.", None, "news", "1"
            ),
            NewEntry("m", now, None, "Dammbruch", "Der Damm brach am Morgen.", None, "news", "2"),
        ],
        now,
    )
    await storage.stories.set_stories([(member.entry.entry_id, head.entry.entry_id)])
    return source.source_id, head.entry.entry_id, member.entry.entry_id


async def test_story_mute_silences_waiting_and_later_alerts(w: World) -> None:
    storage, now = w.services.storage, w.clock.now()
    await storage.chats.upsert(ANNA, "private", None, "de", now)
    sub, _ = await storage.subscriptions.add(ANNA, "Damm", None, "k:damm", "Damm", now)
    _, head, member = await _story(w)
    await storage.alerts.create_many([NewAlert(ANNA, member, (sub.sub_id,), (), False, now)], now)
    await storage.story_choices.choose(ANNA, head, "mute", now + timedelta(hours=24), now)
    assert await storage.story_choices.cancel_pending(ANNA, head) == 1
    # Cancelled alerts are no longer the chat's matches: nothing waits to go out.
    assert await storage.alerts.created_since(now - timedelta(hours=1), ANNA) == []
    assert await storage.alerts.due_chat_ids(now + timedelta(days=1)) == []


async def test_new_alerts_follow_the_chats_story_choices(w: World) -> None:
    storage, now = w.services.storage, w.clock.now()
    for chat in (ANNA, BEN, CARL):
        await storage.chats.upsert(chat, "private", None, "de", now)
    _, head, member = await _story(w)
    until = now + timedelta(hours=24)
    await storage.story_choices.choose(ANNA, head, "mute", until, now)
    await storage.story_choices.choose(BEN, head, "follow", until, now)
    await storage.story_choices.choose(CARL, head, "follow", now - timedelta(minutes=1), now)
    matched = [NewAlert(chat, member, (7,), (("text", 0, 4),), False, now) for chat in (ANNA, BEN)]
    kept = await apply_story_choices(storage, matched, [(member, head)], now)
    # Muted: nothing. Followed: the match comes at once (no topic's mode holds it).
    assert [(a.chat_id, a.sub_ids, a.spans) for a in kept] == [(BEN, (), (("text", 0, 4),))]
    # A followed story's report that matched no topic still reaches its follower;
    # a choice that ran out (CARL's) no longer counts.
    unmatched = await apply_story_choices(storage, [], [(member, head)], now)
    assert [(a.chat_id, a.entry_id, a.sub_ids) for a in unmatched] == [(BEN, member, ())]
    # An entry of another story is untouched.
    elsewhere = member + 1000
    other = [NewAlert(ANNA, elsewhere, (7,), (), False, now)]
    assert await apply_story_choices(storage, other, [(elsewhere, None)], now) == other


async def test_story_buttons_store_the_choice_for_the_story(w: World) -> None:
    alert = await first_alert(w)
    await w.reader.click(ANNA, alert["message_id"], button(alert, "Mehr dazu"))
    [sent] = [a for a in await w.services.storage.alerts.created_since(
        berlin(4, 0, 0), ANNA) if a.message_id == alert["message_id"]]  # fmt: skip
    story = await w.services.storage.story_choices.story_of(sent.entry_id)
    assert story is not None
    chosen = await w.services.storage.story_choices.active([ANNA], [story], w.clock.now())
    assert chosen == {(ANNA, story): "follow"}
    await w.reader.click(ANNA, alert["message_id"], button(alert, "Story stumm"))
    chosen = await w.services.storage.story_choices.active([ANNA], [story], w.clock.now())
    assert chosen == {(ANNA, story): "mute"}
    later = w.clock.now() + timedelta(hours=25)
    assert await w.services.storage.story_choices.active([ANNA], [story], later) == {}
