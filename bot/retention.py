"""Retention: the database keeps what readers may still need, not every entry ever seen.

A job deletes, a small batch per transaction, alerts that are done with (sent, failed,
cancelled, digested, no edit to make) and entries nothing points at any more, once both
are older than the configured age. The age never drops below what the bot itself still
reads: a digest looks back a day, an edited entry updates the messages of the last two.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta

from bot.clock import Clock
from bot.delivery.pipeline import EDIT_WINDOW
from bot.digest.service import WINDOW as DIGEST_WINDOW
from storage.interfaces import Storage

log = logging.getLogger(__name__)

# Younger rows are never deleted, whatever the setting: a digest or an edit may read them.
FLOOR = max(EDIT_WINDOW, DIGEST_WINDOW) + timedelta(days=1)
BATCH = 500  # rows per transaction: short locks, other writers go in between
MAX_BATCHES = 40  # per table and run; what is left waits for the next run
# Rows deleted before their space is reclaimed (PostgreSQL's VACUUM, storage/repos/
# retention.py): about a day of a busy liveblog; each VACUUM reads the kept tables,
# which retention keeps at a month's size.
RECLAIM_AFTER = 5_000


@dataclass
class PurgeReport:
    alerts: int = 0
    entries: int = 0

    @property
    def total(self) -> int:
        return self.alerts + self.entries


class Retention:
    def __init__(
        self,
        storage: Storage,
        clock: Clock,
        max_age: timedelta,
        batch: int = BATCH,
        max_batches: int = MAX_BATCHES,
        reclaim_after: int = RECLAIM_AFTER,
    ) -> None:
        self.storage, self.clock = storage, clock
        self.max_age = max(max_age, FLOOR)
        self.batch, self.max_batches = batch, max_batches
        self.reclaim_after = reclaim_after
        self._unreclaimed = 0  # rows deleted since the last reclaim

    async def run(self) -> PurgeReport:
        """One pass: alerts first (an entry goes only once its alerts have)."""
        report = PurgeReport()
        before = self.clock.now() - self.max_age
        for _ in range(self.max_batches):
            deleted = await self.storage.retention.purge_alerts(before, self.batch)
            report.alerts += deleted
            if deleted < self.batch:
                break
            await asyncio.sleep(0)  # let the loop answer chats between batches
        for _ in range(self.max_batches):
            deleted = await self.storage.retention.purge_entries(before, self.batch)
            report.entries += deleted
            if deleted < self.batch:
                break
            await asyncio.sleep(0)
        if report.total:
            log.info(
                "retention: deleted %d alerts and %d entries older than %s",
                report.alerts,
                report.entries,
                before.isoformat(timespec="minutes"),
            )
        self._unreclaimed += report.total
        if self._unreclaimed >= self.reclaim_after:
            try:
                await self.storage.retention.reclaim()
                self._unreclaimed = 0
            except Exception:  # the space waits for the next run (or autovacuum)
                log.exception("retention: reclaiming the deleted rows' space failed")
        return report
