"""Stories on both backends: candidates to compare, links, and alerts that gain a source."""

from __future__ import annotations

from datetime import timedelta

from storage import Storage
from storage.records import AlertStatus, NewAlert
from storage.repos.stories import LEAD_CHARS
from tests.storage.world import NOW, alert, alert_row, at, news, source_with


async def test_candidates_are_other_sources_news_in_the_window(store: Storage) -> None:
    mine = await store.sources.ensure("https://mine.test/", None, 60, NOW)
    other = await store.sources.ensure("https://other.test/", None, 60, NOW)
    long_body = "ü" * (LEAD_CHARS + 500)
    await store.entries.upsert_many(
        other.source_id,
        [
            news("old", published=at(-120)),
            news("a", body=long_body, published=at(-10)),
            news("b", published=None),  # first seen NOW counts as its time
            news("c", published=at(-5)),
            news("summary", kind="summary", published=at(-5)),
        ],
        NOW,
    )
    await store.entries.upsert_many(mine.source_id, [news("own", published=at(-1))], NOW)
    found = await store.stories.candidates(at(-60), NOW, mine.source_id)
    assert [c.title for c in found] == ["Titel"] * 3
    keys = {c.entry_id: c for c in found}
    by_key = {e.key: e.entry_id for e in await store.entries.latest(10)}
    assert [c.entry_id for c in found] == [by_key["b"], by_key["c"], by_key["a"]]  # newest first
    assert keys[by_key["a"]].lead == long_body[:LEAD_CHARS]  # characters, not bytes
    assert keys[by_key["b"]].at == NOW
    assert keys[by_key["c"]].at == at(-5)
    assert all(c.source_id == other.source_id and c.story_id is None for c in found)
    assert len(await store.stories.candidates(at(-60), NOW, mine.source_id, limit=1)) == 1
    assert await store.stories.candidates(at(-60), at(-11), mine.source_id) == []
    # Seen before the window: left out even when its date is inside.
    [seen] = await store.entries.upsert_many(
        other.source_id, [news("seen-early", published=at(-3))], at(-90)
    )
    assert seen.entry.entry_id not in {
        c.entry_id for c in await store.stories.candidates(at(-60), NOW, mine.source_id)
    }
    assert seen.entry.entry_id in {
        c.entry_id for c in await store.stories.candidates(at(-90), NOW, mine.source_id)
    }
    assert by_key["old"] in {
        c.entry_id for c in await store.stories.candidates(at(-120), NOW, mine.source_id)
    }
    later = await store.stories.candidates(NOW + timedelta(microseconds=1), at(5), mine.source_id)
    assert later == []


async def test_set_stories_links_once(store: Storage) -> None:
    src = await store.sources.ensure("https://x.test/", None, 60, NOW)
    results = await store.entries.upsert_many(src.source_id, [news("a"), news("b"), news("c")], NOW)
    a, b, c = (r.entry.entry_id for r in results)
    await store.stories.set_stories([(b, a), (c, a)])
    await store.stories.set_stories([(b, c)])  # linked already: the first link stays
    await store.stories.set_stories([])
    other = await store.sources.ensure("https://y.test/", None, 60, NOW)
    found = {
        x.entry_id: x.story_id
        for x in await store.stories.candidates(at(-1), at(1), other.source_id)
    }
    assert found == {a: None, b: a, c: a}


async def test_an_alert_for_the_same_story_gains_a_source_and_hides_nothing(
    store: Storage,
) -> None:
    for chat_id in (1, 2):
        await store.chats.upsert(chat_id, "private", None, "de", NOW)
    first = await store.sources.ensure("https://one.test/", None, 60, NOW)
    second = await store.sources.ensure("https://two.test/", None, 60, NOW)
    third = await store.sources.ensure("https://three.test/", None, 60, NOW)
    [origin, origin_next] = [
        r.entry.entry_id
        for r in await store.entries.upsert_many(first.source_id, [news("o"), news("o2")], NOW)
    ]
    [repeat] = [
        r.entry.entry_id
        for r in await store.entries.upsert_many(second.source_id, [news("r")], NOW)
    ]
    [again] = [
        r.entry.entry_id for r in await store.entries.upsert_many(third.source_id, [news("t")], NOW)
    ]
    await store.stories.set_stories([(repeat, origin), (again, origin), (origin_next, origin)])
    [sent_alert] = await store.alerts.record_matches([alert(1, origin)], [], NOW)
    await store.alerts.mark_sent([(sent_alert, "h")], 77, NOW)
    # Chat 1 has the story: the repeat is named on its alert AND is an alert of its own
    # (a merge never hides news); chat 2 has not: an alert of its own.
    created = await store.alerts.record_matches(
        [alert(1, repeat, story_id=origin), alert(2, repeat, story_id=origin)], [], at(1)
    )
    assert len(created) == 2
    assert await store.alerts.chats_with_alert_for_entry(repeat) == {1, 2}
    joined = await store.alerts.get(sent_alert)
    assert joined is not None
    assert joined.edit_pending  # the sent message shows the new source after an edit
    await store.alerts.record_matches([alert(1, again, story_id=origin)], [], at(2))
    # The same source's next report is news of its own, never folded away.
    [own] = await store.alerts.record_matches([alert(1, origin_next, story_id=origin)], [], at(3))
    assert own != sent_alert
    assert (await store.stories.also_sources([sent_alert, own])) == {
        sent_alert: [second.source_id, third.source_id]
    }
    # Twice the same repeat: named once.
    await store.alerts.record_matches([alert(1, repeat, story_id=origin)], [], at(4))
    assert (await store.stories.also_sources([sent_alert]))[sent_alert] == [
        second.source_id,
        third.source_id,
    ]
    assert await store.stories.also_sources([]) == {}


async def test_a_trusted_merge_hides_the_repeat(store: Storage) -> None:
    await store.chats.upsert(1, "private", None, "de", NOW)
    _, [origin] = await source_with(store, "https://one.test/", news("o"))
    _, [repeat, later] = await source_with(store, "https://two.test/", news("r"), news("l"))
    await store.stories.set_stories([(repeat, origin), (later, origin)])
    [first] = await store.alerts.record_matches([alert(1, origin)], [], NOW)
    hidden = NewAlert(1, repeat, (), (), False, NOW, origin, story_hides=True)
    assert await store.alerts.record_matches([hidden], [], at(1)) == []
    assert await store.stories.also_sources([first]) == {first: [(await source_of(store, repeat))]}
    # A cancelled alert no longer stands for the story: the next report is an alert again.
    await store.alerts.cancel([first], "topic gone")
    again = NewAlert(1, later, (), (), False, NOW, origin, story_hides=True)
    [fresh] = await store.alerts.record_matches([again], [], at(2))
    got = await store.alerts.get(fresh)
    assert got is not None
    assert got.status is AlertStatus.PENDING


async def test_the_next_page_of_one_follow_rule_is_the_same_outlet(store: Storage) -> None:
    """A daily page's successor (another source of the same follow rule) is that outlet's
    next news: never named as "auch bei" on the previous day's alert."""
    await store.chats.upsert(1, "private", None, "de", NOW)
    rule = await store.sources.ensure("https://outlet.test/overview", None, 60, NOW)
    monday = await store.sources.add_child(rule.source_id, "https://outlet.test/mo", None, 60, NOW)
    tuesday = await store.sources.add_child(rule.source_id, "https://outlet.test/di", None, 60, NOW)
    [origin] = [
        r.entry.entry_id
        for r in await store.entries.upsert_many(monday.source_id, [news("m")], NOW)
    ]
    [follow_up] = [
        r.entry.entry_id
        for r in await store.entries.upsert_many(tuesday.source_id, [news("t")], NOW)
    ]
    await store.stories.set_stories([(follow_up, origin)])
    [first] = await store.alerts.record_matches([alert(1, origin)], [], NOW)
    await store.alerts.mark_sent([(first, "h")], 77, NOW)
    hidden = NewAlert(1, follow_up, (), (), False, NOW, origin, story_hides=True)
    assert len(await store.alerts.record_matches([hidden], [], at(1))) == 1
    assert await store.stories.also_sources([first]) == {}
    assert not (await alert_row(store, first)).edit_pending


async def source_of(store: Storage, entry_id: int) -> int:
    entries = await store.entries.get_many([entry_id])
    return entries[entry_id].source_id


async def test_merging_is_per_chat_and_survives_a_move_into_a_known_supergroup(
    store: Storage,
) -> None:
    for chat_id in (-1, -1001, -2, -1002):
        await store.chats.upsert(chat_id, "group", None, "de", NOW)
    assert await store.stories.merging(-1)  # on by default
    assert await store.stories.merging(404)  # an unknown chat too
    await store.stories.set_merging(-1, False)
    assert not await store.stories.merging(-1)
    assert await store.stories.merging(-2)
    # Into a supergroup the bot knows: the group's "off" is kept.
    await store.chats.migrate(-1, -1001, at(1))
    assert not await store.stories.merging(-1001)
    # Into one it does not: the row moves with its setting.
    await store.stories.set_merging(-2, False)
    await store.chats.delete(-1002)
    await store.chats.migrate(-2, -1002, at(2))
    assert not await store.stories.merging(-1002)
