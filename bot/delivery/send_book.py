"""Group commit for the outbox's bookkeeping around each send (claim before, sent after).

A paid fan-out serves dozens of chats at once, each writing a claim and a sent mark
per alert: a transaction each cost more CPU than the send itself. Here every chat
still waits for its own write before it goes on (before sending, before its next
alert), so the guarantee is unchanged: a crash duplicates at most the message in
flight per chat. What changes is that the writes of all chats that arrive while one
transaction runs go together in the next one. Nothing waits on a timer: a write that
finds the book idle goes at the next turn of the loop.

If a combined transaction fails, each write is tried again alone, so one chat's bad
row fails that chat's write only, as it would without batching.

A message that went out but whose 'sent' could not be written (the database timed out
or was unreachable) is known to have arrived: it is kept in `unconfirmed` and written
before anything re-queues what is still 'sending', so that a database outage alone
never sends it twice.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime

from storage.interfaces import AlertRepository

Sent = tuple[int, str, int | None, datetime]  # alert id, content hash, message id, sent at


@dataclass
class _Write:
    claims: list[int] = field(default_factory=list)
    sent: list[Sent] = field(default_factory=list)
    done: asyncio.Future[None] | None = None


class SendBook:
    def __init__(self, alerts: AlertRepository) -> None:
        self._alerts = alerts
        self._queue: list[_Write] = []
        self._flusher: asyncio.Task[None] | None = None
        self.transactions = 0  # combined transactions written (for benchmarks and tests)
        # Sent, not yet recorded: bounded by the sends in flight when the database failed
        # (no claim, no send while it stays down).
        self.unconfirmed: dict[int, Sent] = {}

    async def claim(self, alert_ids: list[int]) -> None:
        await self._submit(_Write(claims=alert_ids))

    async def mark_sent(
        self, sent: list[tuple[int, str]], message_id: int | None, now: datetime
    ) -> None:
        rows = [(a, h, message_id, now) for a, h in sent]
        try:
            await self._submit(_Write(sent=rows))
        except Exception:
            self.unconfirmed.update((row[0], row) for row in rows)
            raise

    async def confirm_unconfirmed(self) -> int:
        """Write the sends the database missed; raises while it still fails."""
        rows = list(self.unconfirmed.values())
        if rows:
            await self._submit(_Write(sent=rows))
            for row in rows:
                self.unconfirmed.pop(row[0], None)
        return len(rows)

    async def _submit(self, write: _Write) -> None:
        if not write.claims and not write.sent:
            return
        write.done = asyncio.get_running_loop().create_future()
        self._queue.append(write)
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        # Shielded: a chat cancelled while waiting leaves its write to finish for the
        # others in the same transaction (the rows are the same either way).
        await asyncio.shield(write.done)

    async def _flush(self) -> None:
        batch: list[_Write] = []
        try:
            while self._queue:
                batch, self._queue = self._queue, []
                try:
                    await self._write(batch)
                except TimeoutError as exc:
                    # The database did not answer: no row of the batch is to blame, and
                    # trying each alone would wait out one timeout per chat in turn.
                    for write in batch:
                        _resolve(write, exc)
                except Exception:
                    for write in batch:  # alone, so only a bad write fails
                        await self._write_one(write)
                else:
                    for write in batch:
                        _resolve(write, None)
        except BaseException as exc:  # cancelled (shutdown): nobody may wait forever
            for write in batch + self._queue:
                _resolve(write, exc if isinstance(exc, Exception) else RuntimeError(str(exc)))
            self._queue = []
            raise

    async def _write(self, batch: list[_Write]) -> None:
        self.transactions += 1
        await self._alerts.record_sends(
            [a for w in batch for a in w.claims], [s for w in batch for s in w.sent]
        )

    async def _write_one(self, write: _Write) -> None:
        try:
            await self._write([write])
        except Exception as exc:
            _resolve(write, exc)
        else:
            _resolve(write, None)


def _resolve(write: _Write, error: Exception | None) -> None:
    if write.done is None or write.done.done():
        return
    if error is None:
        write.done.set_result(None)
    else:
        write.done.set_exception(error)
