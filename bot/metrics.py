"""What the bot counts for operators: Prometheus instruments, tick health, recent rates.

One `Metrics` per process, on its own registry (tests run several bots in one process).
Labels come only from small closed sets (outcome and failure classes, the configured
sources), so the number of series never grows with readers, entries or messages.
"""

from __future__ import annotations

from collections import Counter as Tally
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from bot.clock import Clock
from storage.records import SourceRecord

# Seconds; Telegram answers a send in ~0.05-0.5 s, flood control and timeouts take longer.
SEND_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
POLL_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
RATE_MINUTES = 10  # /stats shows sends per minute over this many minutes
MAX_SOURCE_LABELS = 200  # a runaway follow rule must not create unbounded series

# Delivery failure classes (bot/delivery/messenger.py) → the reason label.
REASONS = {
    "RetryLater": "flood_control",
    "ChatGone": "chat_gone",
    "ChatMoved": "chat_moved",
    "AmbiguousSend": "ambiguous_timeout",
    "Rejected": "rejected",
    "BadMarkup": "rejected",
    "Transient": "network",
}


def reason_of(exc: BaseException) -> str:
    for cls in type(exc).__mro__:
        if cls.__name__ in REASONS:
            return REASONS[cls.__name__]
    return "other"


@dataclass(frozen=True, slots=True)
class Health:
    ok: bool
    reason: str


class MinuteRate:
    """Events per minute over the last few minutes, in a fixed number of buckets."""

    def __init__(self, clock: Clock, minutes: int = RATE_MINUTES) -> None:
        self._clock, self._minutes = clock, minutes
        self._buckets: dict[int, int] = {}

    def _minute(self) -> int:
        return int(self._clock.now().timestamp() // 60)

    def add(self, count: int = 1) -> None:
        minute = self._minute()
        self._buckets[minute] = self._buckets.get(minute, 0) + count
        for old in [m for m in self._buckets if m <= minute - self._minutes]:
            del self._buckets[old]

    def per_minute(self) -> float:
        """Average over the window's full minutes and the current one."""
        minute = self._minute()
        total = sum(n for m, n in self._buckets.items() if m > minute - self._minutes)
        return total / self._minutes


class Metrics:
    def __init__(self, clock: Clock, stale_after_s: float = 300.0) -> None:
        self.clock = clock
        self.stale_after = timedelta(seconds=stale_after_s)
        self.health_jobs: tuple[str, ...] = ("poll", "delivery")
        self.started_at = clock.now()
        self.last_tick: dict[str, datetime] = {}
        self.registry = CollectorRegistry()
        r = self.registry
        self.entries = Counter(
            "liveblog_entries_ingested", "Entries stored by polls", ["kind"], registry=r
        )
        self.matches = Counter("liveblog_matches", "Alerts created by matching", registry=r)
        self.sent = Counter("liveblog_alerts_sent", "Alerts delivered", registry=r)
        self.messages = Counter("liveblog_messages_sent", "Messages sent to chats", registry=r)
        self.failed = Counter(
            "liveblog_alerts_failed", "Alerts given up or cancelled", ["reason"], registry=r
        )
        self.retried = Counter(
            "liveblog_alerts_retried", "Alerts rescheduled after a failure", ["reason"], registry=r
        )
        self.send_seconds = Histogram(
            "liveblog_send_seconds", "Time one send took", buckets=SEND_BUCKETS, registry=r
        )
        self.poll_seconds = Histogram(
            "liveblog_poll_seconds",
            "Time one source's poll took",
            ["source"],
            buckets=POLL_BUCKETS,
            registry=r,
        )
        self.outbox = Gauge("liveblog_outbox_alerts", "Alerts by status", ["status"], registry=r)
        self.oldest_due = Gauge(
            "liveblog_outbox_oldest_due_seconds",
            "Age of the oldest alert that is due and not sent",
            registry=r,
        )
        self.source_failures = Gauge(
            "liveblog_source_consecutive_failures", "Failed polls in a row", ["source"], registry=r
        )
        self.source_success_age = Gauge(
            "liveblog_source_last_success_seconds",
            "Seconds since the source's last good poll (-1: never)",
            ["source"],
            registry=r,
        )
        self.rolled = Counter(
            "liveblog_source_rolled_off",
            "Polls that found only new entries on a page that keeps its newest few: entries"
            " between polls were missed",
            ["source"],
            registry=r,
        )
        self.layout = Gauge(
            "liveblog_source_layout_changed",
            "1 while the source's page seems to have changed its layout (no entries any more)",
            ["source"],
            registry=r,
        )
        self.tick_age = Gauge(
            "liveblog_tick_age_seconds", "Seconds since the last finished tick", ["job"], registry=r
        )
        self.sent_rate = MinuteRate(clock)
        self.failures: Tally[tuple[str, bool]] = Tally()  # (reason, retried) since start
        self._source_labels: set[str] = set()
        # What the last refresh read from the database; ages are computed per scrape.
        self._oldest_due: datetime | None = None
        self._sources: list[SourceRecord] = []

    # ------------------------------------------------------------------ recording
    def tick_done(self, job: str) -> None:
        self.last_tick[job] = self.clock.now()

    def delivered(self, alerts: int) -> None:
        self.messages.inc()
        self.sent.inc(alerts)
        self.sent_rate.add(alerts)

    def send_failed(self, exc: BaseException, alerts: int, retried: bool) -> None:
        reason = reason_of(exc)
        (self.retried if retried else self.failed).labels(reason).inc(alerts)
        self.failures[reason, retried] += alerts

    def source_label(self, source: SourceRecord) -> str:
        label = source.catalog_id or f"source-{source.source_id}"
        if label in self._source_labels or len(self._source_labels) < MAX_SOURCE_LABELS:
            self._source_labels.add(label)
            return label
        return "other"

    def polled(self, source: SourceRecord, seconds: float) -> None:
        self.poll_seconds.labels(self.source_label(source)).observe(seconds)

    def rolled_off(self, source: SourceRecord) -> None:
        self.rolled.labels(self.source_label(source)).inc()

    def layout_changed(self, source: SourceRecord, drifting: bool) -> None:
        self.layout.labels(self.source_label(source)).set(1 if drifting else 0)

    # ------------------------------------------------------------------ reading
    def refresh(
        self,
        counts: dict[str, int],
        oldest_due: datetime | None,
        sources: Iterable[SourceRecord],
    ) -> None:
        """Keep the database's state for the gauges (read every few seconds by the ops
        server, never per scrape: a scrape costs no query however often it comes)."""
        for status, count in counts.items():
            self.outbox.labels(status).set(count)
        self._oldest_due = oldest_due
        self._sources = list(sources)
        self.scraped()

    def scraped(self) -> None:
        """The gauges that are ages: computed from what was kept, at the scrape's moment."""
        now = self.clock.now()
        oldest_due = self._oldest_due
        self.oldest_due.set(max(0.0, (now - oldest_due).total_seconds()) if oldest_due else 0.0)
        for source in self._sources:
            label = self.source_label(source)
            self.source_failures.labels(label).set(source.consecutive_failures)
            age = (now - source.last_success_at).total_seconds() if source.last_success_at else -1
            self.source_success_age.labels(label).set(age)
        for job in ("poll", "delivery"):
            self.tick_age.labels(job).set(self._age(job).total_seconds())

    def _age(self, job: str) -> timedelta:
        return self.clock.now() - self.last_tick.get(job, self.started_at)

    def health(self, jobs: Iterable[str] | None = None) -> Health:
        """Unhealthy when a job has not completed a tick for longer than allowed (the
        start counts as a tick, so a bot gets that long to finish its first one). By
        default the jobs this process runs (`health_jobs`: an ingest process does not
        deliver, a deliver worker does not poll)."""
        stuck = []
        for job in self.health_jobs if jobs is None else jobs:
            age = self._age(job)
            if age > self.stale_after:
                stuck.append(f"no {job} tick for {age.total_seconds():.0f} s")
        if stuck:
            return Health(False, "; ".join(stuck))
        return Health(True, "ok")
