"""Stories on both backends: candidates to compare, links, and alerts that gain a source."""

from __future__ import annotations

from datetime import timedelta

from storage import Storage
from storage.records import AlertStatus
from storage.repos.stories import LEAD_CHARS
from tests.storage.world import NOW, alert, at, news


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


async def test_an_alert_for_the_same_story_gains_a_source_instead(store: Storage) -> None:
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
    # Chat 1 has the story: the repeat joins its alert; chat 2 has not: an alert of its own.
    created = await store.alerts.record_matches(
        [alert(1, repeat, story_id=origin), alert(2, repeat, story_id=origin)], [], at(1)
    )
    assert len(created) == 1
    assert await store.alerts.chats_with_alert_for_entry(repeat) == {2}
    joined = await store.alerts.get(sent_alert)
    assert joined is not None
    assert joined.edit_pending  # the sent message shows the new source after an edit
    await store.alerts.record_matches([alert(1, again, story_id=origin)], [], at(2))
    # The same source's next report is news of its own, never folded away.
    [own] = await store.alerts.record_matches([alert(1, origin_next, story_id=origin)], [], at(3))
    assert own != sent_alert
    assert await store.stories.also_sources([sent_alert, created[0], own]) == {
        sent_alert: [second.source_id, third.source_id]
    }
    # Twice the same repeat: added once.
    await store.alerts.record_matches([alert(1, repeat, story_id=origin)], [], at(4))
    assert (await store.stories.also_sources([sent_alert]))[sent_alert] == [
        second.source_id,
        third.source_id,
    ]
    # A cancelled alert no longer stands for the story: the next report is an alert again.
    await store.alerts.cancel(created, "topic gone")
    [fresh] = await store.alerts.record_matches([alert(2, again, story_id=origin)], [], at(5))
    got = await store.alerts.get(fresh)
    assert got is not None
    assert got.status is AlertStatus.PENDING
    assert await store.stories.also_sources([]) == {}
