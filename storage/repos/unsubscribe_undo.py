"""Unsubscribes that can be taken back for a while ("rückgängig").

Unsubscribing keeps what the subscription was: its query and names, mode, urgency and
creation time, the sources it was limited to and the forum topic it went to. Restoring
puts all of it back as a subscription (with a new id: ids are never reused, and the topic
index forgets a removed id for good). Restoring claims the row first, in the same
transaction, so two taps restore once. Bounded: rows whose time ran out are deleted as
new ones come, and a chat keeps only its newest few.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from storage.db import Db, Tx
from storage.records import SubscriptionRecord, UndoOutcome
from storage.repos.subscriptions import _COLUMNS, _dumped, _expansions, _sub
from storage.timeutil import to_db

MAX_PER_CHAT = 25


def _snapshot(sub: SubscriptionRecord, sources: Sequence[str], thread_id: int | None) -> str:
    return json.dumps(
        {
            "query": sub.query,
            "catalog_id": sub.catalog_id,
            "canonical": sub.canonical,
            "display": sub.display,
            "mode": sub.mode,
            "urgent": sub.urgent,
            "created_at": to_db(sub.created_at),
            "sources": sorted(sources),
            "thread_id": thread_id,
            # The other-language terms the reader kept (removed ones stay removed).
            "expansions": [list(pair) for pair in sub.expansions],
        }
    )


class SqlUnsubscribeUndoRepository:
    def __init__(self, db: Db) -> None:
        self._db = db

    async def keep(
        self,
        sub: SubscriptionRecord,
        sources: Sequence[str],
        thread_id: int | None,
        until: datetime,
        now: datetime,
    ) -> int:
        """Keep what `sub` is, restorable until `until`; the undo's id (for its button)."""
        async with self._db.transaction() as tx:
            row = await tx.fetchone(
                "INSERT INTO unsubscribe_undo (chat_id, snapshot, until) VALUES (?, ?, ?)"
                " RETURNING undo_id",
                (sub.chat_id, _snapshot(sub, sources, thread_id), to_db(until)),
            )
            assert row is not None  # an INSERT … RETURNING returns its row
            await tx.execute("DELETE FROM unsubscribe_undo WHERE until < ?", (to_db(now),))
            await tx.execute(
                "DELETE FROM unsubscribe_undo WHERE chat_id = ? AND undo_id NOT IN ("
                " SELECT undo_id FROM unsubscribe_undo WHERE chat_id = ?"
                " ORDER BY undo_id DESC LIMIT ?)",
                (sub.chat_id, sub.chat_id, MAX_PER_CHAT),
            )
            return int(row[0])

    async def drop(self, undo_id: int) -> None:
        """An undo kept for an unsubscribe that did not happen after all."""
        async with self._db.transaction() as tx:
            await tx.execute("DELETE FROM unsubscribe_undo WHERE undo_id = ?", (undo_id,))

    async def restore(
        self, undo_id: int, chat_id: int, now: datetime, max_per_chat: int
    ) -> UndoOutcome:
        """Put the subscription back as it was, once, while its time runs."""
        async with self._db.transaction() as tx:
            claimed = await tx.execute(
                "UPDATE unsubscribe_undo SET restored = 1"
                " WHERE undo_id = ? AND chat_id = ? AND restored = 0 AND until >= ?",
                (undo_id, chat_id, to_db(now)),
            )
            row = await tx.fetchone(
                "SELECT snapshot, restored, until FROM unsubscribe_undo"
                " WHERE undo_id = ? AND chat_id = ?",
                (undo_id, chat_id),
            )
            if row is None:
                return UndoOutcome("gone")
            kept: dict[str, Any] = json.loads(str(row[0]))
            display = str(kept["display"])
            if not claimed:
                status = "already" if int(row[1]) else "expired"
                return UndoOutcome(status, display)
            outcome = await self._put_back(tx, chat_id, kept, max_per_chat)
            if outcome.status != "restored":  # nothing changed: the undo stays possible
                await tx.execute(
                    "UPDATE unsubscribe_undo SET restored = 0 WHERE undo_id = ?", (undo_id,)
                )
            return outcome

    async def _put_back(
        self, tx: Tx, chat_id: int, kept: dict[str, Any], max_per_chat: int
    ) -> UndoOutcome:
        display = str(kept["display"])
        count = await tx.fetchone(
            "SELECT COUNT(*) FROM subscriptions WHERE chat_id = ?", (chat_id,)
        )
        if count is not None and int(count[0]) >= max_per_chat:
            return UndoOutcome("limit", display)
        added = await tx.execute(
            "INSERT INTO subscriptions (chat_id, query, catalog_id, canonical, display, mode,"
            " urgent, created_at, expansions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (chat_id, canonical) DO NOTHING",
            (
                chat_id,
                kept["query"],
                kept["catalog_id"],
                kept["canonical"],
                display,
                kept["mode"],
                int(bool(kept["urgent"])),
                kept["created_at"],
                _dumped(_expansions(json.dumps(kept.get("expansions", [])))),
            ),
        )
        if not added:
            return UndoOutcome("exists", display)
        row = await tx.fetchone(
            f"SELECT {_COLUMNS} FROM subscriptions WHERE chat_id = ? AND canonical = ?",
            (chat_id, kept["canonical"]),
        )
        assert row is not None  # inserted just now, in this transaction
        sub = _sub(row)
        for catalog_id in kept["sources"]:
            await tx.execute(
                "INSERT INTO subscription_sources (sub_id, catalog_id) VALUES (?, ?)",
                (sub.sub_id, str(catalog_id)),
            )
        if kept["thread_id"] is not None:
            await tx.execute(
                "INSERT INTO forum_routes (chat_id, sub_id, thread_id) VALUES (?, ?, ?)"
                " ON CONFLICT (chat_id, sub_id) DO UPDATE SET thread_id = excluded.thread_id",
                (chat_id, sub.sub_id, int(kept["thread_id"])),
            )
        return UndoOutcome("restored", display, sub)
