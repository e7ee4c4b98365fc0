"""Sources whose layout seems to have changed (bot/sources/drift.py decides when)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from storage.db import Db
from storage.records import DriftRecord
from storage.timeutil import from_db, to_db

MAX_TEXT = 300  # a selector or an error quoted from a hostile page is cut


def _drift(row: Sequence[Any]) -> DriftRecord:
    since = from_db(row[5])
    assert since is not None
    return DriftRecord(
        source_id=int(row[0]),
        reason=str(row[1]),
        adapter=str(row[2]),
        selector=str(row[3]),
        detail=str(row[4]),
        since=since,
        reported_at=from_db(row[6]),
    )


class SqlDriftRepository:
    def __init__(self, db: Db) -> None:
        self._db = db

    async def all(self) -> dict[int, DriftRecord]:
        rows = await self._db.fetchall(
            "SELECT source_id, reason, adapter, selector, detail, since, reported_at"
            " FROM source_drift ORDER BY source_id"
        )
        return {int(row[0]): _drift(row) for row in rows}

    async def raise_(
        self, source_id: int, reason: str, adapter: str, selector: str, detail: str, now: datetime
    ) -> DriftRecord:
        """Record (or update) a drift; its start and whether it was reported stay."""
        row = await self._db.fetchone(
            "INSERT INTO source_drift (source_id, reason, adapter, selector, detail, since)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (source_id) DO UPDATE SET"
            " reason = excluded.reason, adapter = excluded.adapter,"
            " selector = excluded.selector, detail = excluded.detail"
            " RETURNING source_id, reason, adapter, selector, detail, since, reported_at",
            (
                source_id,
                reason[:MAX_TEXT],
                adapter[:MAX_TEXT],
                selector[:MAX_TEXT],
                detail[:MAX_TEXT],
                to_db(now),
            ),
        )
        assert row is not None
        return _drift(row)

    async def reported(self, source_id: int, now: datetime) -> bool:
        """Mark the drift as told to the operators; False if it already was (or is gone):
        with several pollers only one tells them."""
        changed = await self._db.execute(
            "UPDATE source_drift SET reported_at = ? WHERE source_id = ? AND reported_at IS NULL",
            (to_db(now), source_id),
        )
        return changed > 0

    async def clear(self, source_id: int) -> bool:
        return (
            await self._db.execute("DELETE FROM source_drift WHERE source_id = ?", (source_id,)) > 0
        )
