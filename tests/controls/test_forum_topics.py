"""Forum supergroups (issue 19 item 3): an admin routes the group's alerts, or one
subscription's, into a topic; a closed or deleted topic falls back to the general topic
with a note, never to silence. Through the real bot and the stand-in's forum topics."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.delivery.world import World, berlin, world
from tests.helpers import messages

FORUM, PLAIN_GROUP, ADMIN, MEMBER = -1004701, -4702, 4701, 4703
OP = {"user_id": ADMIN, "first_name": "Ada", "language_code": "de"}


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[World]:
    async with world(tmp_path, group_gap_seconds=0.0) as it:
        await it.reader.set_admins(FORUM, [ADMIN])
        await it.reader.set_admins(PLAIN_GROUP, [ADMIN])
        yield it


async def say(w: World, text: str, thread: int | None = None, **user: Any) -> dict[str, Any]:
    where = {"thread_id": thread} if thread is not None else {"forum": True}
    [answer] = messages(await w.reader.ask(FORUM, text, **(user or OP), **where))
    return answer


def alerts(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [m for m in messages(events) if "🔔" in m["text"]]


async def test_alerts_go_into_the_routed_topic_and_replies_answer_there(w: World) -> None:
    news = await w.reader.topic(FORUM)
    await say(w, "/abo Drohnen")
    answer = await say(w, "/hier", thread=news)
    assert "in dieses Thema" in answer["text"]
    assert answer["data"]["thread_id"] == news  # the command was answered in its topic
    await w.step(berlin(4, 1, 30))
    [alert] = alerts(await w.reader.events(FORUM))
    assert alert["data"]["thread_id"] == news


async def test_one_subscription_can_have_its_own_topic(w: World) -> None:
    general_news, kyiv = await w.reader.topic(FORUM), await w.reader.topic(FORUM)
    await say(w, "/abo Luftangriffe auf Kiew")
    await say(w, "/abo Nordkorea")
    await say(w, "/hier", thread=general_news)
    routed = await say(w, "/hier 1", thread=kyiv)
    assert "Luftangriffe auf Kiew" in routed["text"]
    await w.step(berlin(4, 1, 30))
    await w.step(berlin(4, 10, 45))
    sent = alerts(await w.reader.events(FORUM))
    by_thread = {a["data"]["thread_id"] for a in sent if "Kiew" in a["text"].split("\n")[0]}
    assert by_thread == {kyiv}
    others = {a["data"]["thread_id"] for a in sent if "Kiew" not in a["text"].split("\n")[0]}
    assert others <= {general_news}


async def test_a_closed_topic_falls_back_to_the_general_topic_with_a_note(w: World) -> None:
    news = await w.reader.topic(FORUM)
    await say(w, "/abo Drohnen")
    await say(w, "/hier", thread=news)
    await w.reader.topic(FORUM, "close", news)
    await w.step(berlin(4, 1, 30))
    [alert] = alerts(await w.reader.events(FORUM))
    assert alert["data"]["thread_id"] is None
    assert "geschlossen oder gelöscht" in alert["text"]
    assert await w.services.storage.forum_routes.for_chat(FORUM) == {}
    # Later alerts go to the general topic without the note.
    await w.step(berlin(4, 10, 45))
    later = alerts(await w.reader.events(FORUM))[1:]
    assert later
    assert all(a["data"]["thread_id"] is None for a in later)
    assert all("geschlossen" not in a["text"] for a in later)


async def test_only_admins_route_and_only_in_forums(w: World) -> None:
    news = await w.reader.topic(FORUM)
    await say(w, "/hier", thread=news, user_id=MEMBER, first_name="Max")
    assert await w.services.storage.forum_routes.for_chat(FORUM) == {}
    [answer] = messages(await w.reader.ask(PLAIN_GROUP, "/hier", **OP))
    assert "Foren-Gruppen" in answer["text"]
    off = await say(w, "/hier aus", thread=news)
    assert "allgemeine Thema" in off["text"]


async def test_batches_and_the_digest_go_into_the_topic_too_and_a_deleted_one_falls_back(
    w: World,
) -> None:
    news = await w.reader.topic(FORUM)
    await say(w, "/abo Drohnen")
    await say(w, "/abo Luftangriffe auf Kiew")
    await say(w, "/hier", thread=news)
    await say(w, "/modus stuendlich")
    await say(w, "/zusammenfassung 23:45")
    await w.step(berlin(4, 1, 30))
    await w.step(berlin(4, 10, 45))
    await w.step(berlin(4, 12, 0))  # an hour on: the batch
    sent = [m for m in messages(await w.reader.events(FORUM)) if m["kind"] == "bot_message"]
    pushed = [m for m in sent if m["text"].startswith(("🔔", "📰"))]
    assert sum(m["text"].startswith("📰") for m in pushed) >= 2, [m["text"][:40] for m in sent]
    assert {m["data"]["thread_id"] for m in pushed} == {news}
    w.clock.set(berlin(4, 23, 45))
    assert w.services.digests is not None
    assert await w.services.digests.tick() == 1
    [digest] = [
        m for m in messages(await w.reader.events(FORUM)) if "Zusammenfassung –" in m["text"]
    ]
    assert digest["data"]["thread_id"] == news

    # The topic is deleted: the next digest comes to the general topic, with the note.
    await w.reader.topic(FORUM, "delete", news)
    w.clock.set(berlin(5, 23, 45))
    assert await w.services.digests.tick() == 1
    last = messages(await w.reader.events(FORUM))[-1]
    assert last["kind"] == "bot_message"
    assert "geschlossen oder gelöscht" in last["text"], last["text"]
    assert ("🗞" in last["text"]) or ("Nichts Neues" in last["text"]), last["text"]
    assert last["data"]["thread_id"] is None
    assert await w.services.storage.forum_routes.for_chat(FORUM) == {}
