"""The alert outbox: one row per (chat, entry), moved through its delivery states."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from storage.db import Db, in_chunks
from storage.records import AlertRecord, AlertStatus, DigestAlert, NewAlert
from storage.repos.stories import attach_to_story
from storage.timeutil import from_db, from_db_required, to_db

# How stale the counts of finished alerts (sent, failed, …) in outbox_counts may be.
FINISHED_COUNT_SECONDS = 300.0

_COLUMNS = (
    "alert_id, chat_id, entry_id, sub_ids, spans, urgent, status, due_at, attempts, last_error,"
    " message_id, sent_at, sent_hash, edit_pending, digested_at, created_at, ambiguous_sends,"
    " message_chat_id"
)


def _spans(text: str) -> tuple[tuple[str, int, int], ...]:
    if text == "[]":  # most alerts: a digest reads tens of thousands of rows
        return ()
    return tuple((str(f), int(a), int(b)) for f, a, b in json.loads(text))


def _sub_ids(text: str) -> tuple[int, ...]:
    # Always written by json.dumps of a list of ints ("[3, 17]"): split, don't parse JSON
    # (a digest tick decodes 250,000 of these).
    inner = text.strip()[1:-1]
    return tuple(map(int, inner.split(","))) if inner.strip() else ()


def _alert(row: Sequence[Any]) -> AlertRecord:
    # Positional, in the record's field order: a digest tick decodes 25 rows a chat,
    # and keyword arguments cost a third more here.
    return AlertRecord(
        int(row[0]),  # alert_id
        int(row[1]),  # chat_id
        int(row[2]),  # entry_id
        _sub_ids(row[3]),
        _spans(row[4]),
        bool(row[5]),  # urgent
        AlertStatus(row[6]),
        from_db_required(row[7]),  # due_at
        int(row[8]),  # attempts
        row[9],  # last_error
        row[10],  # message_id
        from_db(row[11]),  # sent_at
        row[12],  # sent_hash
        bool(row[13]),  # edit_pending
        from_db(row[14]),  # digested_at
        from_db_required(row[15]),  # created_at
        int(row[16]),  # ambiguous_sends
        row[17],  # message_chat_id
    )


class SqlAlertRepository:
    def __init__(self, db: Db) -> None:
        self._db = db
        self._finished: tuple[datetime, dict[str, int]] | None = None  # (counted at, counts)

    async def _select(self, where: str, params: Sequence[Any]) -> list[AlertRecord]:
        return [
            _alert(row)
            for row in await self._db.fetchall(
                f"SELECT {_COLUMNS} FROM alerts WHERE {where}", params
            )
        ]

    async def _set_many(self, ids: Sequence[int], assignments: str, *values: Any) -> int:
        # `assignments` is always a constant from this module, never user input.
        changed = 0
        async with self._db.transaction() as conn:
            for chunk, marks in in_chunks(ids):
                changed += await conn.execute(
                    f"UPDATE alerts SET {assignments} WHERE alert_id IN ({marks})",
                    (*values, *chunk),
                )
        return changed

    async def create_many(self, alerts: Sequence[NewAlert], now: datetime) -> list[int]:
        """Insert; an alert for a (chat, entry) that already has one is skipped."""
        return await self.record_matches(alerts, (), now)

    async def record_matches(
        self, alerts: Sequence[NewAlert], matched: Sequence[tuple[int, str]], now: datetime
    ) -> list[int]:
        """Insert the alerts and mark the (entry id, content hash) pairs matched, in one
        transaction: an entry leaves the waiting state only with its alerts written. A
        version edited meanwhile (another hash) keeps waiting."""
        created: list[int] = []
        async with self._db.transaction() as conn:
            for entry_id, content_hash in matched:
                await conn.execute(
                    "UPDATE entries SET match_pending = 0 WHERE entry_id = ? AND content_hash = ?",
                    (entry_id, content_hash),
                )
            for alert in alerts:
                if await attach_to_story(conn, alert, now):
                    continue  # the chat has this story already and the merge may hide it
                row = await conn.fetchone(
                    "INSERT INTO alerts (chat_id, entry_id, sub_ids, spans, urgent, status,"
                    " due_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (chat_id, entry_id) DO NOTHING RETURNING alert_id",
                    (
                        alert.chat_id,
                        alert.entry_id,
                        json.dumps(list(alert.sub_ids)),
                        json.dumps([list(s) for s in alert.spans]),
                        int(alert.urgent),
                        AlertStatus.PENDING.value,
                        to_db(alert.due_at),
                        to_db(now),
                    ),
                )
                if row is not None:
                    created.append(int(row[0]))
        return created

    async def get(self, alert_id: int) -> AlertRecord | None:
        found = await self._select("alert_id = ?", (alert_id,))
        return found[0] if found else None

    async def due_chat_ids(self, now: datetime, limit: int = 100_000) -> list[int]:
        """Chats with alerts due, in the order delivery starts them: chats with an urgent
        alert first, then the longest waiting (a long outbox must not keep an urgent
        alert behind thousands of others)."""
        return [
            int(row[0])
            for row in await self._db.fetchall(
                "SELECT a.chat_id FROM alerts a JOIN chats c ON c.chat_id = a.chat_id"
                " WHERE a.status = 'pending' AND a.due_at <= ? AND c.active = 1"
                " GROUP BY a.chat_id ORDER BY MAX(a.urgent) DESC, MIN(a.due_at), a.chat_id"
                " LIMIT ?",
                (to_db(now), max(1, limit)),
            )
        ]

    async def pending_for_chat(
        self, chat_id: int, now: datetime, limit: int = 1000
    ) -> list[AlertRecord]:
        # Left to itself SQLite picks alerts_by_status_due and walks every due alert of
        # every chat (2 ms a chat with 20,000 waiting: a fan-out grew quadratic); one
        # chat's alerts are few. PostgreSQL's planner weighs the two indexes itself.
        hint = " INDEXED BY alerts_by_chat_created" if self._db.dialect == "sqlite" else ""
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM alerts{hint}"
            " WHERE chat_id = ? AND status = 'pending' AND due_at <= ?"
            " ORDER BY created_at, alert_id LIMIT ?",
            (chat_id, to_db(now), limit),
        )
        return [_alert(row) for row in rows]

    async def pending_for_chats(
        self, chat_ids: Sequence[int], now: datetime, limit: int = 1000
    ) -> dict[int, list[AlertRecord]]:
        """pending_for_chat for many chats in one query per chunk: a fan-out serves
        thousands of chats with one alert each, and a query per chat cost more than
        reading them. Each chat keeps its own limit and order."""
        hint = " INDEXED BY alerts_by_chat_created" if self._db.dialect == "sqlite" else ""
        found: dict[int, list[AlertRecord]] = {c: [] for c in chat_ids}
        for chunk, marks in in_chunks(chat_ids):
            rows = await self._db.fetchall(
                f"SELECT {_COLUMNS} FROM (SELECT {_COLUMNS}, ROW_NUMBER() OVER"
                " (PARTITION BY chat_id ORDER BY created_at, alert_id) AS n"
                f" FROM alerts{hint} WHERE chat_id IN ({marks}) AND status = 'pending'"
                " AND due_at <= ?) AS due WHERE n <= ? ORDER BY chat_id, created_at, alert_id",
                (*chunk, to_db(now), limit),
            )
            for row in rows:
                record = _alert(row)
                found[record.chat_id].append(record)
        return found

    async def claim(self, alert_ids: Sequence[int]) -> None:
        await self._set_many(alert_ids, "status = 'sending', attempts = attempts + 1")

    async def mark_sent(
        self, sent: Sequence[tuple[int, str]], message_id: int | None, now: datetime
    ) -> None:
        async with self._db.transaction() as conn:
            for alert_id, sent_hash in sent:
                await conn.execute(
                    "UPDATE alerts SET status = 'sent', message_id = ?, sent_at = ?, sent_hash = ?,"
                    " last_error = NULL, message_chat_id = chat_id WHERE alert_id = ?",
                    (message_id, to_db(now), sent_hash, alert_id),
                )

    async def record_sends(
        self, claims: Sequence[int], sent: Sequence[tuple[int, str, int | None, datetime]]
    ) -> None:
        """Claims and sent marks (alert id, content hash, message id, sent at) of many
        chats in one transaction: the same rows `claim` and `mark_sent` write, without
        a transaction (and its round trips) per alert."""
        async with self._db.transaction() as conn:
            for chunk, marks in in_chunks(claims):
                await conn.execute(
                    "UPDATE alerts SET status = 'sending', attempts = attempts + 1"
                    f" WHERE alert_id IN ({marks})",
                    chunk,
                )
            if sent:
                await conn.executemany(
                    "UPDATE alerts SET status = 'sent', message_id = ?, sent_at = ?,"
                    " sent_hash = ?, last_error = NULL, message_chat_id = chat_id"
                    " WHERE alert_id = ?",
                    [
                        (message_id, to_db(at), sent_hash, alert_id)
                        for alert_id, sent_hash, message_id, at in sent
                    ],
                )

    async def reschedule(
        self, alert_ids: Sequence[int], due_at: datetime, error: str | None
    ) -> None:
        await self._set_many(
            alert_ids, "status = 'pending', due_at = ?, last_error = ?", to_db(due_at), error
        )

    async def fail(self, alert_ids: Sequence[int], error: str) -> None:
        await self._set_many(alert_ids, "status = 'failed', last_error = ?", error[:500])

    async def reschedule_ambiguous(
        self, alert_ids: Sequence[int], due_at: datetime, error: str
    ) -> None:
        await self._set_many(
            alert_ids,
            "status = 'pending', due_at = ?, last_error = ?, ambiguous_sends = ambiguous_sends + 1",
            to_db(due_at),
            error[:500],
        )

    async def cancel(self, alert_ids: Sequence[int], reason: str) -> None:
        """Waiting alerts that must not go out any more (their topic is gone)."""
        await self._set_many(
            alert_ids,
            "status = CASE WHEN status = 'pending' THEN 'cancelled' ELSE status END,"
            " last_error = CASE WHEN status = 'pending' THEN ? ELSE last_error END",
            reason[:500],
        )

    async def cancel_chat(self, chat_id: int, reason: str) -> int:
        async with self._db.transaction() as conn:
            changed = await conn.execute(
                "UPDATE alerts SET status = 'cancelled', last_error = ? WHERE chat_id = ?"
                " AND status IN ('pending', 'sending')",
                (reason[:500], chat_id),
            )
            return changed

    async def reset_in_flight(self) -> int:
        """After a crash: sends that never confirmed go again (at most one per chat)."""
        async with self._db.transaction() as conn:
            changed = await conn.execute(
                "UPDATE alerts SET status = 'pending' WHERE status = 'sending'"
            )
            return changed

    async def claim_edits(
        self, wall: datetime, until: datetime, limit: int = 200
    ) -> list[AlertRecord]:
        """Edits to make, each claimed until `until` (real time), so one worker of several
        makes it; an edit whose worker died is claimed again when its claim expires."""
        lock = " FOR UPDATE SKIP LOCKED" if self._db.dialect == "postgresql" else ""
        async with self._db.transaction() as tx:
            rows = await tx.fetchall(
                "UPDATE alerts SET edit_lease_until = ? WHERE alert_id IN (SELECT alert_id"
                " FROM alerts WHERE edit_pending = 1 AND (edit_lease_until IS NULL OR"
                f" edit_lease_until <= ?) ORDER BY alert_id LIMIT ?{lock})"
                " AND edit_pending = 1 AND (edit_lease_until IS NULL OR edit_lease_until <= ?)"
                f" RETURNING {_COLUMNS}",
                (to_db(until), to_db(wall), limit, to_db(wall)),
            )
        return sorted((_alert(row) for row in rows), key=lambda a: a.alert_id)

    async def sent_for_entry(self, entry_id: int, since: datetime) -> list[AlertRecord]:
        return await self._select(
            "entry_id = ? AND status = 'sent' AND message_id IS NOT NULL AND sent_at >= ?",
            (entry_id, to_db(since)),
        )

    async def for_entry(self, entry_id: int) -> list[AlertRecord]:
        """Every chat's alert for an entry, whatever its status (an edit matches again)."""
        return await self._select("entry_id = ? ORDER BY alert_id", (entry_id,))

    async def rematch(
        self, changes: Sequence[tuple[int, tuple[int, ...], tuple[tuple[str, int, int], ...]]]
    ) -> None:
        """An edited entry's fresh match: (alert id, subscriptions, spans) for each alert."""
        if not changes:
            return
        async with self._db.transaction() as tx:
            await tx.executemany(
                "UPDATE alerts SET sub_ids = ?, spans = ? WHERE alert_id = ?",
                [
                    (json.dumps(list(sub_ids)), json.dumps([list(s) for s in spans]), alert_id)
                    for alert_id, sub_ids, spans in changes
                ],
            )

    async def chats_with_alert_for_entry(self, entry_id: int) -> set[int]:
        return {
            int(row[0])
            for row in await self._db.fetchall(
                "SELECT chat_id FROM alerts WHERE entry_id = ?", (entry_id,)
            )
        }

    async def set_edit_pending(self, alert_ids: Sequence[int], pending: bool = True) -> None:
        await self._set_many(alert_ids, "edit_pending = ?", int(pending))

    async def edits_pending(self, limit: int = 200) -> list[AlertRecord]:
        return await self._select("edit_pending = 1 ORDER BY alert_id LIMIT ?", (limit,))

    async def mark_edited(
        self,
        alert_id: int,
        sent_hash: str | None,
        error: str | None,
        message_id: int | None = None,
    ) -> None:
        """`message_id`: the edit went out as a new message (the old one was gone, or
        in the group this chat was before it became a supergroup)."""
        done = "edit_pending = 0, edit_lease_until = NULL, sent_hash = COALESCE(?, sent_hash),"
        if message_id is None:
            await self._set_many([alert_id], done + " last_error = ?", sent_hash, error)
            return
        await self._set_many(
            [alert_id],
            done + " last_error = ?, message_id = ?, message_chat_id = chat_id",
            sent_hash,
            error,
            message_id,
        )

    async def created_since(self, since: datetime, chat_id: int | None = None) -> list[AlertRecord]:
        """Matches since a moment (digests), oldest first; failed and cancelled left out."""
        where = "created_at > ? AND status NOT IN ('failed', 'cancelled')"
        params: list[Any] = [to_db(since)]
        if chat_id is not None:
            where += " AND chat_id = ?"
            params.append(chat_id)
        return await self._select(where + " ORDER BY chat_id, created_at, alert_id", params)

    async def created_since_for_chats(
        self, since: datetime, chat_ids: Sequence[int]
    ) -> list[AlertRecord]:
        """created_since for a group of chats (digests are built a chunk at a time)."""
        found: list[AlertRecord] = []
        for chunk, marks in in_chunks(chat_ids):
            found += await self._select(
                f"chat_id IN ({marks}) AND created_at > ?"
                " AND status NOT IN ('failed', 'cancelled') ORDER BY chat_id, created_at, alert_id",
                (*chunk, to_db(since)),
            )
        return found

    async def digest_rows(self, since: datetime, chat_ids: Sequence[int]) -> list[DigestAlert]:
        """created_since_for_chats with only what a digest shows, decoded cheaply."""
        found: list[DigestAlert] = []
        for chunk, marks in in_chunks(chat_ids):
            rows = await self._db.fetchall(
                "SELECT alert_id, chat_id, entry_id, sub_ids, spans, created_at FROM alerts"
                f" WHERE chat_id IN ({marks}) AND created_at > ?"
                " AND status NOT IN ('failed', 'cancelled') ORDER BY chat_id, created_at, alert_id",
                (*chunk, to_db(since)),
            )
            found += [
                DigestAlert(int(r[0]), int(r[1]), int(r[2]), _sub_ids(r[3]), _spans(r[4]), r[5])
                for r in rows
            ]
        return found

    async def mark_digested(self, alert_ids: Sequence[int], now: datetime) -> None:
        """Delivered with a digest: held ones count as delivered, sent ones just remember it."""
        await self._set_many(
            alert_ids,
            "digested_at = ?, status = CASE WHEN status IN ('pending', 'sending')"
            " THEN 'digested' ELSE status END",
            to_db(now),
        )

    async def for_chat(self, chat_id: int, limit: int = 200) -> list[AlertRecord]:
        """The chat's alerts in any state, newest first."""
        return await self._select("chat_id = ? ORDER BY alert_id DESC LIMIT ?", (chat_id, limit))

    async def status_counts(self) -> dict[str, int]:
        return {
            str(row[0]): int(row[1])
            for row in await self._db.fetchall(
                "SELECT status, COUNT(*) FROM alerts GROUP BY status"
            )
        }

    async def outbox_counts(self, now: datetime) -> dict[str, int]:
        """status_counts for /metrics and /stats, cheap at any outbox size: the waiting
        states are counted on the (status, due_at) index every time; the finished ones,
        which only grow with what was sent and need a scan of them, at most every
        FINISHED_COUNT_SECONDS of the caller's clock (`now`): a refresh every 15 s and an
        operator's every /stats must not read the whole table."""
        live = {
            str(row[0]): int(row[1])
            for row in await self._db.fetchall(
                "SELECT status, COUNT(*) FROM alerts WHERE status IN ('pending', 'sending')"
                " GROUP BY status"
            )
        }
        cached = self._finished
        age = (now - cached[0]).total_seconds() if cached is not None else -1.0
        if cached is None or not 0 <= age <= FINISHED_COUNT_SECONDS:  # or the clock went back
            finished = {
                str(row[0]): int(row[1])
                for row in await self._db.fetchall(
                    "SELECT status, COUNT(*) FROM alerts"
                    " WHERE status NOT IN ('pending', 'sending') GROUP BY status"
                )
            }
            cached = self._finished = (now, finished)
        return {**cached[1], **live}

    async def oldest_due(self, now: datetime) -> datetime | None:
        row = await self._db.fetchone(
            "SELECT MIN(due_at) FROM alerts WHERE status = 'pending' AND due_at <= ?",
            (to_db(now),),
        )
        return from_db(row[0]) if row and row[0] else None
