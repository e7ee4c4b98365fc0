"""Finding 7 at the storage seam: an entry waits for matching until the transaction that
writes its alerts, and only for the version that was matched."""

from __future__ import annotations

from datetime import UTC, datetime

from storage import open_storage
from storage.records import NewAlert, NewEntry

NOW = datetime(2024, 11, 4, 12, 0, tzinfo=UTC)


def version(body: str, digest: str) -> NewEntry:
    return NewEntry("k", NOW, None, "Titel", body, "https://x.test/#k", "news", digest)


async def test_only_the_matched_version_leaves_the_waiting_state(db_target: str) -> None:
    store = await open_storage(db_target)
    try:
        source = await store.sources.ensure("https://x.test/", None, 60, NOW)
        await store.chats.upsert(1, "private", None, "de", NOW)
        sub, _ = await store.subscriptions.add(1, "Kiew", None, "c:kyiv", "Kiew", NOW)
        [stored] = await store.entries.upsert_many(source.source_id, [version("eins", "h1")], NOW)
        [waiting] = await store.entries.awaiting_match(0)
        assert (waiting.entry.content_hash, waiting.edit) == ("h1", False)
        # Edited while the pipeline was matching version h1: recording h1 leaves h2 waiting,
        # still as new (it never got its alerts).
        await store.entries.upsert_many(source.source_id, [version("zwei", "h2")], NOW)
        alert = NewAlert(1, stored.entry.entry_id, (sub.sub_id,), (), False, NOW)
        assert (
            len(await store.alerts.record_matches([alert], [(stored.entry.entry_id, "h1")], NOW))
            == 1
        )
        [again] = await store.entries.awaiting_match(0)
        assert (again.entry.content_hash, again.edit) == ("h2", False)
        # A repeated sweep writes no second row for the same chat and entry.
        assert (
            await store.alerts.record_matches([alert], [(stored.entry.entry_id, "h2")], NOW) == []
        )
        assert await store.entries.awaiting_match(0) == []
        assert len(await store.alerts.for_chat(1)) == 1
        # Edited after it was matched: waiting again, as an edit.
        await store.entries.upsert_many(source.source_id, [version("drei", "h3")], NOW)
        [edit] = await store.entries.awaiting_match(0)
        assert (edit.entry.content_hash, edit.edit) == ("h3", True)
        assert await store.entries.awaiting_match(edit.entry.entry_id) == []
    finally:
        await store.close()


async def test_a_first_poll_backlog_never_waits(db_target: str) -> None:
    store = await open_storage(db_target)
    try:
        source = await store.sources.ensure("https://x.test/", None, 60, NOW)
        await store.entries.upsert_many(source.source_id, [version("eins", "h1")], NOW, match=False)
        assert await store.entries.awaiting_match(0) == []
    finally:
        await store.close()
