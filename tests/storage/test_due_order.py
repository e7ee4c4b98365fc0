"""Both backends: the delivery tick starts chats with urgent alerts first, then the
longest waiting; chats with nothing due, or inactive, are left out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage import open_storage
from storage.records import NewAlert, NewEntry

NOW = datetime(2024, 11, 4, 12, 0, tzinfo=UTC)


def entry(key: str) -> NewEntry:
    return NewEntry(
        key=key,
        published_at=NOW,
        modified_at=None,
        title="T",
        body=f"body {key}",
        url=f"https://x/#{key}",
        kind="news",
        content_hash=f"h-{key}",
    )


async def test_due_chats_come_urgent_first_then_longest_waiting(db_target: str) -> None:
    store = await open_storage(db_target)
    try:
        source = await store.sources.ensure("https://x/", None, 60, NOW)
        results = await store.entries.upsert_many(
            source.source_id, [entry(str(n)) for n in range(4)], NOW
        )
        e = [r.entry.entry_id for r in results]
        for chat in (10, 20, 30, 40, 50, 60):
            await store.chats.upsert(chat, "private", None, "de", NOW)
        await store.chats.deactivate(60, NOW, "blocked", by_error=True)

        def alert(chat: int, entry_id: int, minutes_ago: int, urgent: bool = False) -> NewAlert:
            due = NOW - timedelta(minutes=minutes_ago)
            return NewAlert(chat, entry_id, (1,), (), urgent, due)

        await store.alerts.create_many(
            [
                alert(10, e[0], 50),  # waiting longest, nothing urgent
                alert(20, e[0], 5),
                alert(20, e[1], 1, urgent=True),  # urgent, though it waited least
                alert(30, e[0], 20),
                alert(40, e[0], -10),  # not due yet
                alert(50, e[0], 30, urgent=True),
                alert(50, e[1], 2),
                alert(60, e[0], 90, urgent=True),  # inactive chat
            ],
            NOW,
        )
        # Urgent chats by their oldest due alert (50: 30 min, 20: 5 min), then the rest.
        assert await store.alerts.due_chat_ids(NOW) == [50, 20, 10, 30]
        sent = await store.alerts.for_chat(50)
        await store.alerts.mark_sent([(a.alert_id, "h") for a in sent if a.urgent], 1, NOW)
        # Chat 50's urgent alert went out: it is now an ordinary chat waiting 2 minutes.
        assert await store.alerts.due_chat_ids(NOW) == [20, 10, 30, 50]
    finally:
        await store.close()
