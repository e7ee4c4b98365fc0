"""The lean rows a digest reads: the same alerts as created_since_for_chats, fewer fields."""

from __future__ import annotations

from datetime import timedelta

from storage import Storage
from storage.timeutil import to_db
from tests.storage.test_alerts import chats_and_entries
from tests.storage.world import MANY, NOW, alert, at


async def test_digest_rows_match_the_full_records(store: Storage) -> None:
    ids = await chats_and_entries(store, 3, 4)
    made = await store.alerts.create_many(
        [alert(1, ids[0], (5, 17)), alert(2, ids[0], (9,)), alert(1, ids[1], ())], NOW
    )
    later = await store.alerts.create_many([alert(3, ids[2], (100_000, 2))], at(1))
    await store.alerts.fail([made[1]], "gone")
    since = NOW - timedelta(microseconds=1)
    full = await store.alerts.created_since_for_chats(since, [1, 2, 3])
    lean = await store.alerts.digest_rows(since, [1, 2, 3])
    expected = [
        (a.alert_id, a.chat_id, a.entry_id, a.sub_ids, a.spans, to_db(a.created_at)) for a in full
    ]
    assert [tuple(r) for r in lean] == expected
    assert [r.alert_id for r in lean] == [made[0], made[2], later[0]]
    assert lean[0].sub_ids == (5, 17)
    assert lean[1].sub_ids == ()
    assert [r.alert_id for r in await store.alerts.digest_rows(NOW, [1, 2, 3])] == later
    assert await store.alerts.digest_rows(since, []) == []


async def test_digest_rows_for_many_chats_in_chunks(store: Storage) -> None:
    [entry_id] = await chats_and_entries(store, MANY, 1)
    made = await store.alerts.create_many(
        [alert(c, entry_id) for c in range(1, MANY + 1)], NOW
    )
    found = await store.alerts.digest_rows(at(-1), list(range(MANY, 0, -1)))
    assert sorted(r.alert_id for r in found) == sorted(made)
