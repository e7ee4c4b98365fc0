"""Readers' feedback, story choices and forum routes on both backends."""

from __future__ import annotations

from datetime import timedelta

from storage import Storage
from storage.repos.forum_routes import ALL
from tests.storage.world import NOW, alert, at, many_chats, news, source_with


async def test_feedback_is_kept_once_per_chat_entry_and_kind(store: Storage) -> None:
    await many_chats(store, [1, 2])
    _, [first, second] = await source_with(store, "https://a.test/", news("a"), news("b"))
    assert await store.feedback.add(1, first, "down", "Kiew | Drohnen", "button", NOW)
    assert not await store.feedback.add(1, first, "down", "Kiew", "reaction", at(1))
    assert await store.feedback.add(2, first, "down", "x" * 2_000, "reaction", at(2))
    assert await store.feedback.add(1, second, "down", "Kiew", "button", at(-60 * 24 * 8))
    assert await store.feedback.counts_since(NOW - timedelta(days=7)) == {"down": 2}
    recent = await store.feedback.recent(2)
    assert [(e, k) for e, k, _ in recent] == [(first, "down"), (first, "down")]
    assert len(recent[0][2]) == 500  # topics are bounded


async def test_story_choices_last_until_their_time_and_one_per_story(store: Storage) -> None:
    await many_chats(store, [1, 2, 3])
    _, [head, member, other] = await source_with(
        store, "https://a.test/", news("h"), news("m"), news("o")
    )
    await store.stories.set_stories([(member, head)])
    assert await store.story_choices.story_of(member) == head
    assert await store.story_choices.story_of(head) == head
    assert await store.story_choices.story_of(10**9) is None
    await store.story_choices.choose(1, head, "follow", at(60), NOW)
    await store.story_choices.choose(1, head, "mute", at(60), NOW)  # replaces the follow
    await store.story_choices.choose(2, head, "follow", at(60), NOW)
    await store.story_choices.choose(3, head, "follow", at(-1), NOW)  # already over
    active = await store.story_choices.active([1, 2, 3], [head, other], NOW)
    assert active == {(1, head): "mute", (2, head): "follow"}
    assert await store.story_choices.followers([head, other], NOW) == {head: {2}}
    assert await store.story_choices.active([1, 2], [head], at(61)) == {}


async def test_muting_a_story_cancels_its_waiting_alerts_only(store: Storage) -> None:
    await many_chats(store, [1, 2])
    _, [head, member, other] = await source_with(
        store, "https://a.test/", news("h"), news("m"), news("o")
    )
    await store.stories.set_stories([(member, head)])
    await store.alerts.create_many(
        [alert(1, head), alert(1, member), alert(1, other), alert(2, member)], NOW
    )
    assert await store.story_choices.cancel_pending(1, head) == 2
    left = {(a.chat_id, a.entry_id) for a in await store.alerts.created_since(at(-1))}
    assert left == {(1, other), (2, member)}


async def test_an_alert_is_found_by_its_sent_message(store: Storage) -> None:
    await many_chats(store, [1])
    _, [entry] = await source_with(store, "https://a.test/", news("a"))
    [alert_id] = await store.alerts.create_many([alert(1, entry)], NOW)
    await store.alerts.mark_sent([(alert_id, "h")], 77, NOW)
    assert await store.story_choices.alert_for_message(1, 77) == alert_id
    assert await store.story_choices.alert_for_message(1, 78) is None
    assert await store.story_choices.alert_for_message(2, 77) is None


async def test_forum_routes_per_chat_and_subscription(store: Storage) -> None:
    await many_chats(store, [-1001, -1002], "supergroup")
    await store.forum_routes.route(-1001, ALL, 5)
    await store.forum_routes.route(-1001, 9, 7)
    await store.forum_routes.route(-1001, 9, 8)  # moved
    await store.forum_routes.route(-1002, ALL, 8)
    assert await store.forum_routes.for_chat(-1001) == {ALL: 5, 9: 8}
    assert await store.forum_routes.forget_thread(-1001, 8) == 1
    assert await store.forum_routes.for_chat(-1001) == {ALL: 5}
    assert await store.forum_routes.for_chat(-1002) == {ALL: 8}  # another chat's topic 8
    await store.forum_routes.route(-1001, ALL, None)
    assert await store.forum_routes.for_chat(-1001) == {}
    await store.forum_routes.clear(-1002)
    assert await store.forum_routes.for_chat(-1002) == {}
