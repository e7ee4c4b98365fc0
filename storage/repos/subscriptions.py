"""Subscriptions: what each chat follows, as typed, with its resolved canonical form."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from storage.db import Db, in_chunks
from storage.records import SubscriptionName, SubscriptionRecord
from storage.timeutil import from_db_required, to_db

REMOVED = "subscription removed"
_COLUMNS = (
    "sub_id, chat_id, query, catalog_id, canonical, display, mode, urgent, created_at, expansions"
)
MAX_EXPANSIONS = 12


def _expansions(raw: Any) -> tuple[tuple[str, str], ...]:
    """The stored pairs; anything unreadable counts as none (the words still match)."""
    try:
        pairs = json.loads(raw or "[]")
        return tuple((str(p[0]), str(p[1])) for p in pairs[:MAX_EXPANSIONS] if len(p) == 2)
    except (ValueError, TypeError, IndexError, KeyError):
        return ()


def _dumped(expansions: Sequence[tuple[str, str]]) -> str:
    return json.dumps([list(p) for p in expansions[:MAX_EXPANSIONS]], ensure_ascii=False)


def _sub(row: Sequence[Any]) -> SubscriptionRecord:
    return SubscriptionRecord(
        sub_id=int(row[0]),
        chat_id=int(row[1]),
        query=str(row[2]),
        catalog_id=row[3],
        canonical=str(row[4]),
        display=str(row[5]),
        mode=row[6],
        urgent=bool(row[7]),
        created_at=from_db_required(row[8]),
        expansions=_expansions(row[9]),
    )


class SqlSubscriptionRepository:
    def __init__(self, db: Db) -> None:
        self._db = db

    async def add(
        self,
        chat_id: int,
        query: str,
        catalog_id: str | None,
        canonical: str,
        display: str,
        now: datetime,
        expansions: Sequence[tuple[str, str]] = (),
    ) -> tuple[SubscriptionRecord, bool]:
        """The subscription and whether it is new (the same topic twice is one)."""
        async with self._db.transaction() as conn:
            changed = await conn.execute(
                "INSERT INTO subscriptions (chat_id, query, catalog_id, canonical, display,"
                " created_at, expansions) VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (chat_id, canonical) DO NOTHING",
                (chat_id, query, catalog_id, canonical, display, to_db(now), _dumped(expansions)),
            )
            created = changed > 0
            row = await conn.fetchone(
                f"SELECT {_COLUMNS} FROM subscriptions WHERE chat_id = ? AND canonical = ?",
                (chat_id, canonical),
            )
        assert row is not None  # inserted or already there
        return _sub(row), created

    async def get(self, sub_id: int) -> SubscriptionRecord | None:
        row = await self._db.fetchone(
            f"SELECT {_COLUMNS} FROM subscriptions WHERE sub_id = ?", (sub_id,)
        )
        return _sub(row) if row else None

    async def for_chat(self, chat_id: int) -> list[SubscriptionRecord]:
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM subscriptions WHERE chat_id = ? ORDER BY sub_id", (chat_id,)
        )
        return [_sub(row) for row in rows]

    async def names_for_chats(self, chat_ids: Sequence[int]) -> list[SubscriptionName]:
        """for_chats with only what names the topics (a digest's), in sub_id order."""
        found: list[SubscriptionName] = []
        for chunk, marks in in_chunks(chat_ids):
            found += [
                SubscriptionName(int(r[0]), int(r[1]), r[2], str(r[3]))
                for r in await self._db.fetchall(
                    "SELECT sub_id, chat_id, catalog_id, display FROM subscriptions"
                    f" WHERE chat_id IN ({marks}) ORDER BY sub_id",
                    chunk,
                )
            ]
        return found

    async def for_chats(self, chat_ids: Sequence[int]) -> list[SubscriptionRecord]:
        found: list[SubscriptionRecord] = []
        for chunk, marks in in_chunks(chat_ids):
            found += [
                _sub(row)
                for row in await self._db.fetchall(
                    f"SELECT {_COLUMNS} FROM subscriptions WHERE chat_id IN ({marks})"
                    " ORDER BY sub_id",
                    chunk,
                )
            ]
        return found

    async def count(self, chat_id: int) -> int:
        row = await self._db.fetchone(
            "SELECT COUNT(*) FROM subscriptions WHERE chat_id = ?", (chat_id,)
        )
        return int(row[0]) if row else 0

    async def active(self) -> list[SubscriptionRecord]:
        """Every subscription of every active chat: what the topic index is built from."""
        rows = await self._db.fetchall(
            f"SELECT {', '.join('s.' + c.strip() for c in _COLUMNS.split(','))}"
            " FROM subscriptions s JOIN chats c ON c.chat_id = s.chat_id WHERE c.active = 1"
            " ORDER BY s.sub_id"
        )
        # 100,000 rows take a few hundred milliseconds to convert: not on the event loop.
        return await asyncio.to_thread(lambda: [_sub(row) for row in rows])

    async def remove(self, chat_id: int, sub_id: int) -> bool:
        """End a subscription and what it still holds back: a waiting alert that only this
        topic found is cancelled; one that other topics found too forgets this one."""
        async with self._db.transaction() as conn:
            changed = await conn.execute(
                "DELETE FROM subscriptions WHERE chat_id = ? AND sub_id = ?", (chat_id, sub_id)
            )
            if not changed:
                return False
            waiting = [
                (int(r[0]), [int(s) for s in json.loads(r[1])])
                for r in await conn.fetchall(
                    "SELECT alert_id, sub_ids FROM alerts WHERE chat_id = ? AND status = 'pending'",
                    (chat_id,),
                )
            ]
            for alert_id, sub_ids in waiting:
                if sub_id not in sub_ids:
                    continue
                rest = [s for s in sub_ids if s != sub_id]
                if rest:
                    await conn.execute(
                        "UPDATE alerts SET sub_ids = ? WHERE alert_id = ?",
                        (json.dumps(rest), alert_id),
                    )
                else:
                    await conn.execute(
                        "UPDATE alerts SET status = 'cancelled', last_error = ? WHERE alert_id = ?",
                        (REMOVED, alert_id),
                    )
            return True

    async def set_mode(self, chat_id: int, sub_id: int, mode: str | None) -> bool:
        async with self._db.transaction() as conn:
            changed = await conn.execute(
                "UPDATE subscriptions SET mode = ? WHERE chat_id = ? AND sub_id = ?",
                (mode, chat_id, sub_id),
            )
            return changed > 0

    async def set_expansions(
        self, chat_id: int, sub_id: int, expansions: Sequence[tuple[str, str]]
    ) -> bool:
        async with self._db.transaction() as conn:
            changed = await conn.execute(
                "UPDATE subscriptions SET expansions = ? WHERE chat_id = ? AND sub_id = ?",
                (_dumped(expansions), chat_id, sub_id),
            )
            return changed > 0

    async def set_urgent(self, chat_id: int, sub_id: int, urgent: bool) -> bool:
        async with self._db.transaction() as conn:
            changed = await conn.execute(
                "UPDATE subscriptions SET urgent = ? WHERE chat_id = ? AND sub_id = ?",
                (int(urgent), chat_id, sub_id),
            )
            return changed > 0
