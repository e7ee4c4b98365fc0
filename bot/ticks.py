"""Jobs' ticks as tasks, each bounded in time, and the exit of a process that stays sick.

The JobQueue calls each job every few seconds; the job starts its work as a task and
returns, so a long delivery never makes APScheduler skip (and warn about) the next run.
A tick still running when the next is due is left alone, unless it has run longer than
the limit: then it is abandoned (cancelled) and the next one starts. Every database call
is bounded too (LIVEBLOG_DB_TIMEOUT_SECONDS), so the limit is the last resort for work
stuck somewhere else.

A process whose health check has failed for longer than the configured limit exits
with EXIT_UNHEALTHY, so that its supervisor (Docker's restart policy, systemd, k8s)
starts a fresh one: a stuck process that stays alive helps nobody.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any

from bot.clock import Clock
from bot.metrics import Metrics

log = logging.getLogger(__name__)

EXIT_UNHEALTHY = 3

Work = Callable[[], Coroutine[Any, Any, Any]]


class TickRunner:
    def __init__(
        self,
        create_task: Callable[[Coroutine[Any, Any, Any], str], asyncio.Task[Any]],
        limit_s: float,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self._create_task = create_task
        self.limit_s = limit_s
        self._now = now
        self._running: dict[str, tuple[asyncio.Task[Any], float]] = {}
        self.abandoned: dict[str, int] = {}  # ticks abandoned since the start, per job

    def spawn(self, name: str, work: Work) -> bool:
        """Start `work` as the job's tick unless its previous tick is still within the
        limit; True when a tick was started."""
        current = self._running.get(name)
        if current is not None:
            task, started = current
            if not task.done():
                ran = self._now() - started
                if ran <= self.limit_s:
                    return False
                log.error("%s tick ran %.0f s (limit %.0f s): abandoned", name, ran, self.limit_s)
                task.cancel()
                self.abandoned[name] = self.abandoned.get(name, 0) + 1
        self._running[name] = (self._create_task(work(), name), self._now())
        return True

    def running(self, name: str) -> asyncio.Task[Any] | None:
        current = self._running.get(name)
        return current[0] if current is not None and not current[0].done() else None


class Watchdog:
    """Decides when a process has been unhealthy for too long."""

    def __init__(self, metrics: Metrics, clock: Clock, limit_s: float) -> None:
        self.metrics, self.clock, self.limit_s = metrics, clock, limit_s
        self.sick_since: datetime | None = None

    def verdict(self) -> str | None:
        """None while healthy (or not sick for long); else why the process must exit."""
        health = self.metrics.health()
        now = self.clock.now()
        if health.ok:
            if self.sick_since is not None:
                log.info("healthy again after %.0f s", (now - self.sick_since).total_seconds())
            self.sick_since = None
            return None
        if self.sick_since is None:
            self.sick_since = now
        sick_s = (now - self.sick_since).total_seconds()
        if sick_s < self.limit_s:
            return None
        return f"unhealthy for {sick_s:.0f} s ({health.reason})"
