"""Chats on both backends: settings, digests due, leaving and returning, group moves."""

from __future__ import annotations

from datetime import timedelta

from storage import Storage
from storage.records import INACTIVE_ERROR, INACTIVE_REMOVED, AlertStatus
from tests.storage.world import MANY, NOW, alert, at, many_chats, news, source_with

SUPERGROUP = -1001234567890123  # Telegram's supergroup ids need 64 bits


async def test_upsert_creates_then_refreshes_type_and_title_only(store: Storage) -> None:
    made = await store.chats.upsert(-5, "group", "Redaktion", "de", NOW)
    assert (made.chat_type, made.title, made.language, made.active) == (
        "group",
        "Redaktion",
        "de",
        True,
    )
    assert made.created_at == NOW
    await store.chats.set_language(-5, "uk", NOW)
    again = await store.chats.upsert(-5, "supergroup", "Redaktion 2", "en", at(5))
    assert (again.chat_type, again.title) == ("supergroup", "Redaktion 2")
    assert (again.language, again.language_fixed) == ("uk", True)  # the client's language loses
    assert again.created_at == NOW
    assert await store.chats.get(-6) is None


async def test_get_many_in_chunks_with_large_ids(store: Storage) -> None:
    ids = [SUPERGROUP - i for i in range(MANY)]
    await many_chats(store, ids, "supergroup")
    found = await store.chats.get_many([*ids, *ids[:10], 42])  # repeats and an unknown id
    assert sorted(found) == sorted(ids)
    assert found[SUPERGROUP].chat_id == SUPERGROUP
    assert await store.chats.get_many([]) == {}


async def test_every_setting_round_trips(store: Storage) -> None:
    await store.chats.upsert(7, "private", None, "de", NOW)
    await store.chats.set_language(7, "en", NOW, fixed=False)
    await store.chats.set_mode(7, "batch", NOW)
    await store.chats.set_quiet(7, "23:00", "07:00", NOW)
    paused = NOW + timedelta(hours=3, microseconds=17)
    await store.chats.set_paused_until(7, paused, NOW)
    await store.chats.set_timezone(7, "Europe/Kyiv", NOW)
    await store.chats.set_digest(7, "20:00", at(480), NOW)
    await store.chats.set_last_batch(7, at(1))
    chat = await store.chats.get(7)
    assert chat is not None
    assert (chat.language, chat.language_fixed, chat.mode) == ("en", False, "batch")
    assert (chat.quiet_start, chat.quiet_end, chat.timezone) == ("23:00", "07:00", "Europe/Kyiv")
    assert chat.paused_until == paused
    assert (chat.digest_time, chat.next_digest_at) == ("20:00", at(480))
    assert chat.last_batch_at == at(1)
    await store.chats.digest_sent(7, at(480), at(480 + 1440), at(481))
    await store.chats.set_paused_until(7, None, NOW)
    await store.chats.set_quiet(7, None, None, NOW)
    chat = await store.chats.get(7)
    assert chat is not None
    assert (chat.last_digest_at, chat.next_digest_at) == (at(480), at(1920))
    assert (chat.paused_until, chat.quiet_start, chat.quiet_end) == (None, None, None)
    await store.chats.set_digest(7, None, None, NOW)
    chat = await store.chats.get(7)
    assert chat is not None
    assert (chat.digest_time, chat.next_digest_at) == (None, None)


async def test_due_digests_are_active_due_ones_soonest_first(store: Storage) -> None:
    for chat_id, minutes in ((1, 30), (2, 10), (3, 20), (4, 90), (5, None), (6, 5)):
        await store.chats.upsert(chat_id, "private", None, "de", NOW)
        if minutes is not None:
            await store.chats.set_digest(chat_id, "20:00", at(minutes), NOW)
    await store.chats.deactivate(6, NOW, "blocked", by_error=True)
    due = await store.chats.due_digests(at(30))
    assert [c.chat_id for c in due] == [2, 3, 1]  # 4 later, 5 none, 6 inactive
    assert [c.chat_id for c in await store.chats.due_digests(at(30), limit=2)] == [2, 3]
    # A microsecond before a digest is due it is not due.
    assert [
        c.chat_id for c in await store.chats.due_digests(at(10) - timedelta(microseconds=1))
    ] == []


async def test_due_digests_page_on_due_time_then_chat_id(store: Storage) -> None:
    for chat_id, minutes in ((5, 0), (3, 0), (9, -2), (4, 1), (7, -2), (8, 0)):
        await store.chats.upsert(chat_id, "private", None, "de", NOW)
        await store.chats.set_digest(chat_id, "20:00", at(20 + minutes), NOW)
    await store.chats.deactivate(5, NOW, "gone")
    first = await store.chats.due_digests(at(20), limit=3)
    assert [c.chat_id for c in first] == [7, 9, 3]  # the same due time: by chat id
    rest = await store.chats.due_digests(at(20), limit=10, after=(at(20), 3))
    assert [c.chat_id for c in rest] == [8]  # 5 is inactive, 4 not due yet
    # Behind the last one there is nothing; one from an earlier due time is not met again.
    assert await store.chats.due_digests(at(20), after=(at(20), 8)) == []
    assert [c.chat_id for c in await store.chats.due_digests(at(20), after=(at(18), 7))] == [
        9,
        3,
        8,
    ]


async def test_deactivate_keeps_the_first_moment_and_reactivate_returns_the_old_state(
    store: Storage,
) -> None:
    await store.chats.upsert(8, "private", None, "de", NOW)
    assert await store.chats.reactivate(8, NOW) is None  # active: nothing to do
    await store.chats.deactivate(8, at(1), "Forbidden: bot was blocked", by_error=True)
    await store.chats.deactivate(8, at(2), "x" * 400, by_error=False)
    gone = await store.chats.get(8)
    assert gone is not None
    assert not gone.active
    assert gone.inactive_since == at(1)  # since the first time, not the latest
    assert gone.inactive_reason == (INACTIVE_REMOVED + "x" * 400)[:300]
    assert not gone.paused_by_error
    await store.chats.deactivate(8, at(3), "chat not found", by_error=True)
    back = await store.chats.reactivate(8, at(4))
    assert back is not None
    assert back.paused_by_error
    assert back.inactive_reason == INACTIVE_ERROR + "chat not found"
    assert back.inactive_detail == "chat not found"
    now_active = await store.chats.get(8)
    assert now_active is not None
    assert (now_active.active, now_active.inactive_reason, now_active.inactive_since) == (
        True,
        None,
        None,
    )
    assert await store.chats.reactivate(8, at(5)) is None
    assert await store.chats.reactivate(999, at(5)) is None


async def test_upsert_brings_a_retired_chat_back(store: Storage) -> None:
    await store.chats.upsert(9, "private", None, "de", NOW)
    await store.chats.deactivate(9, NOW, "left")
    back = await store.chats.upsert(9, "private", None, "de", at(1))
    assert (back.active, back.inactive_reason, back.inactive_since) == (True, None, None)


async def test_migrate_to_a_new_supergroup_carries_everything(store: Storage) -> None:
    await store.chats.upsert(-77, "group", "G", "de", NOW)
    await store.chats.set_mode(-77, "digest", NOW)
    sub, _ = await store.subscriptions.add(-77, "Kiew", None, "c:kyiv", "Kiew", NOW)
    await store.choices.set_enabled(-77, "ts-ukraine", False)
    _, [entry_id] = await source_with(store, "https://x.test/", news("a"))
    [alert_id] = await store.alerts.create_many([alert(-77, entry_id, (sub.sub_id,))], NOW)
    await store.chats.migrate(-77, SUPERGROUP, at(1))
    assert await store.chats.get(-77) is None
    moved = await store.chats.get(SUPERGROUP)
    assert moved is not None
    assert (moved.chat_type, moved.mode, moved.title) == ("supergroup", "digest", "G")
    [moved_sub] = await store.subscriptions.for_chat(SUPERGROUP)
    assert moved_sub.sub_id == sub.sub_id
    moved_alert = await store.alerts.get(alert_id)
    assert moved_alert is not None
    assert moved_alert.chat_id == SUPERGROUP
    assert await store.choices.off_for_chat(SUPERGROUP) == {"ts-ukraine"}
    # Unknown old chat, or the same id: nothing happens.
    await store.chats.migrate(-78, -1009, at(2))
    await store.chats.migrate(SUPERGROUP, SUPERGROUP, at(2))
    assert await store.chats.get(-1009) is None
    assert await store.chats.get(SUPERGROUP) is not None


async def test_migrate_into_an_existing_supergroup_merges(store: Storage) -> None:
    old, new = -31, SUPERGROUP
    await store.chats.upsert(old, "group", "G", "de", NOW)
    await store.chats.upsert(new, "supergroup", "G", "de", at(1))
    await store.chats.set_language(old, "uk", NOW)
    await store.chats.set_timezone(old, "Europe/Kyiv", NOW)
    await store.chats.set_quiet(new, "22:00", "06:00", NOW)
    await store.chats.set_quiet(old, "23:00", "07:00", NOW)
    await store.chats.set_digest(old, "20:00", at(500), NOW)
    await store.chats.set_last_batch(old, at(3))
    await store.chats.set_last_batch(new, at(2))
    await store.chats.deactivate(new, at(1), "left")
    kyiv_old, _ = await store.subscriptions.add(old, "Kiew", None, "c:kyiv", "Kiew", NOW)
    drones, _ = await store.subscriptions.add(old, "Drohnen", None, "c:drones", "Drohnen", NOW)
    kyiv_new, _ = await store.subscriptions.add(new, "Kyiv", None, "c:kyiv", "Kyiv", NOW)
    _, [e1, e2, e3] = await source_with(store, "https://x.test/", news("a"), news("b"), news("c"))
    await store.alerts.create_many(
        [
            alert(old, e1, (kyiv_old.sub_id, drones.sub_id)),
            alert(old, e2, (drones.sub_id,)),
            alert(old, e3, (kyiv_old.sub_id,)),
            alert(new, e1, (kyiv_new.sub_id,)),
            alert(new, e3, (kyiv_new.sub_id,)),
        ],
        NOW,
    )
    [sent_e3] = [a for a in await store.alerts.for_chat(new) if a.entry_id == e3]
    await store.alerts.mark_sent([(sent_e3.alert_id, "h")], 5, NOW)
    await store.choices.set_enabled(old, "ts-ukraine", False)
    await store.choices.set_enabled(new, "ntv-ukraine", False)

    await store.chats.migrate(old, new, at(4))

    assert await store.chats.get(old) is None
    merged = await store.chats.get(new)
    assert merged is not None
    assert (merged.language, merged.language_fixed, merged.timezone) == ("uk", True, "Europe/Kyiv")
    assert (merged.quiet_start, merged.quiet_end) == ("22:00", "06:00")  # its own choice wins
    assert (merged.digest_time, merged.next_digest_at) == ("20:00", at(500))
    assert merged.last_batch_at == at(3)
    assert merged.created_at == NOW
    assert merged.active
    subs = {s.canonical: s for s in await store.subscriptions.for_chat(new)}
    assert sorted(subs) == ["c:drones", "c:kyiv"]
    assert subs["c:kyiv"].sub_id == kyiv_new.sub_id
    assert subs["c:drones"].sub_id == drones.sub_id
    by_entry = {a.entry_id: a for a in await store.alerts.for_chat(new)}
    assert sorted(by_entry) == sorted([e1, e2, e3])  # one row per entry
    assert by_entry[e1].sub_ids == (kyiv_new.sub_id, drones.sub_id)  # both topics named
    assert by_entry[e2].sub_ids == (drones.sub_id,)
    assert by_entry[e3].sub_ids == (kyiv_new.sub_id,)  # sent already: left as it was
    assert by_entry[e3].status is AlertStatus.SENT
    assert await store.alerts.for_chat(old) == []
    assert await store.choices.off_for_chat(new) == {"ntv-ukraine"}
    assert await store.choices.off_for_chats([old]) == {}


async def test_delete_forgets_the_chat_and_what_it_had(store: Storage) -> None:
    await store.chats.upsert(11, "private", None, "de", NOW)
    await store.chats.upsert(12, "private", None, "de", NOW)
    sub, _ = await store.subscriptions.add(11, "Kiew", None, "c:kyiv", "Kiew", NOW)
    other, _ = await store.subscriptions.add(12, "Kiew", None, "c:kyiv", "Kiew", NOW)
    await store.choices.set_limit(sub.sub_id, ["ts-ukraine"])
    await store.choices.set_enabled(11, "ts-ukraine", False)
    _, [entry_id] = await source_with(store, "https://x.test/", news("a"))
    await store.alerts.create_many([alert(11, entry_id, (sub.sub_id,)), alert(12, entry_id)], NOW)
    await store.chats.delete(11)
    assert await store.chats.get(11) is None
    assert await store.subscriptions.for_chat(11) == []
    assert await store.alerts.for_chat(11) == []
    assert await store.choices.limits_for_subs([sub.sub_id]) == {}
    assert await store.choices.off_for_chat(11) == set()
    assert [s.sub_id for s in await store.subscriptions.for_chat(12)] == [other.sub_id]
    assert len(await store.alerts.for_chat(12)) == 1
