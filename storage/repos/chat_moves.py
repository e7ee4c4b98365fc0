"""A group becomes a supergroup: everything the old chat id had moves to the new one.

When the supergroup already has a row (someone used the bot there before the move was
handled; updates of different chats run side by side), the two are merged rather than
the old one dropped: settings the supergroup set itself win, every other setting comes
from the old group; subscriptions and waiting alerts move without breaking the
one-per-(chat, canonical) and one-per-(chat, entry) rules, and alerts keep naming their
topics (an old subscription that the supergroup also has is mapped to its twin).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from storage.db import Tx
from storage.records import ChatRecord
from storage.timeutil import to_db


def merge_settings(old: ChatRecord, new: ChatRecord) -> ChatRecord:
    """The supergroup's row with every setting it did not set itself taken from the group."""

    def later(a: datetime | None, b: datetime | None) -> datetime | None:
        return max(a, b) if a and b else a or b

    language, fixed = (
        (new.language, True) if new.language_fixed else (old.language, old.language_fixed)
    )
    quiet = (
        (new.quiet_start, new.quiet_end) if new.quiet_start else (old.quiet_start, old.quiet_end)
    )
    digest = (
        (new.digest_time, new.next_digest_at)
        if new.digest_time
        else (old.digest_time, old.next_digest_at)
    )
    return replace(
        new,
        language=language,
        language_fixed=fixed,
        timezone=new.timezone or old.timezone,
        mode=new.mode if new.mode != "instant" else old.mode,
        quiet_start=quiet[0],
        quiet_end=quiet[1],
        paused_until=new.paused_until or old.paused_until,
        digest_time=digest[0],
        next_digest_at=digest[1],
        last_digest_at=later(old.last_digest_at, new.last_digest_at),
        last_batch_at=later(old.last_batch_at, new.last_batch_at),
        created_at=min(old.created_at, new.created_at),
    )


async def _rows(conn: Tx, sql: str, params: Sequence[Any]) -> list[Any]:
    return list(await conn.fetchall(sql, params))


async def merge_into(conn: Tx, old: ChatRecord, new: ChatRecord, now: datetime) -> None:
    """Inside the caller's transaction: fold the old chat into the existing new one."""
    merged = merge_settings(old, new)
    await conn.execute(
        "UPDATE chats SET chat_type = 'supergroup', language = ?, language_fixed = ?,"
        " timezone = ?, mode = ?, quiet_start = ?, quiet_end = ?, paused_until = ?,"
        " digest_time = ?, next_digest_at = ?, last_digest_at = ?, last_batch_at = ?,"
        " created_at = ?, active = 1, inactive_reason = NULL, inactive_since = NULL,"
        " updated_at = ? WHERE chat_id = ?",
        (
            merged.language,
            int(merged.language_fixed),
            merged.timezone,
            merged.mode,
            merged.quiet_start,
            merged.quiet_end,
            to_db(merged.paused_until),
            merged.digest_time,
            to_db(merged.next_digest_at),
            to_db(merged.last_digest_at),
            to_db(merged.last_batch_at),
            to_db(merged.created_at),
            to_db(now),
            new.chat_id,
        ),
    )
    # Story merging (a column only SQL reads): off in either chat stays off.
    await conn.execute(
        "UPDATE chats SET merge_stories = (SELECT MIN(merge_stories) FROM chats"
        " WHERE chat_id IN (?, ?)) WHERE chat_id = ?",
        (old.chat_id, new.chat_id, new.chat_id),
    )
    twins = {
        str(row[1]): int(row[0])
        for row in await _rows(
            conn, "SELECT sub_id, canonical FROM subscriptions WHERE chat_id = ?", (new.chat_id,)
        )
    }
    mapping: dict[int, int] = {}
    for sub_id, canonical in await _rows(
        conn, "SELECT sub_id, canonical FROM subscriptions WHERE chat_id = ?", (old.chat_id,)
    ):
        twin = twins.get(str(canonical))
        if twin is None:
            await conn.execute(
                "UPDATE subscriptions SET chat_id = ? WHERE sub_id = ?", (new.chat_id, sub_id)
            )
            mapping[int(sub_id)] = int(sub_id)
        else:
            await conn.execute("DELETE FROM subscriptions WHERE sub_id = ?", (sub_id,))
            mapping[int(sub_id)] = twin
    present = {
        int(row[1]): (int(row[0]), str(row[2]), str(row[3]))
        for row in await _rows(
            conn,
            "SELECT alert_id, entry_id, sub_ids, status FROM alerts WHERE chat_id = ?",
            (new.chat_id,),
        )
    }
    for alert_id, entry_id, sub_ids in await _rows(
        conn, "SELECT alert_id, entry_id, sub_ids FROM alerts WHERE chat_id = ?", (old.chat_id,)
    ):
        ids = list(dict.fromkeys(mapping.get(int(s), int(s)) for s in json.loads(sub_ids)))
        found = present.get(int(entry_id))
        if found is None:
            await conn.execute(
                "UPDATE alerts SET chat_id = ?, sub_ids = ? WHERE alert_id = ?",
                (new.chat_id, json.dumps(ids), alert_id),
            )
            continue
        # The supergroup has this entry already: one row, naming the topics of both.
        kept_id, kept_subs, status = found
        if status == "pending":
            union = list(dict.fromkeys([*json.loads(kept_subs), *ids]))
            await conn.execute(
                "UPDATE alerts SET sub_ids = ? WHERE alert_id = ?", (json.dumps(union), kept_id)
            )
        await conn.execute("DELETE FROM alerts WHERE alert_id = ?", (alert_id,))
    # Sources switched off (/quellen): the supergroup's own choice wins, if it made one.
    if not await _rows(conn, "SELECT 1 FROM chat_sources_off WHERE chat_id = ?", (new.chat_id,)):
        await conn.execute(
            "UPDATE chat_sources_off SET chat_id = ? WHERE chat_id = ?", (new.chat_id, old.chat_id)
        )
    await conn.execute("DELETE FROM chats WHERE chat_id = ?", (old.chat_id,))
