"""The operators' views: /sources (sources and their health) and /stats (outbox, rates)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot import texts
from bot.metrics import RATE_MINUTES, Metrics
from bot.sources.directory import SourceDirectory
from storage.records import DriftRecord, SourceRecord
from storage.repos.alerts import FINISHED_COUNT_SECONDS

MAX_LISTED = 40  # sources in one /sources answer (a message holds 4,096 characters)
MAX_ERROR = 120


def _age(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h"


def _word(language: str, kind: str, name: str) -> str:
    """A status or failure reason in the reader's language (an unknown one as it is)."""
    try:
        return texts.text(language, f"ops_{kind}_{name}")
    except texts.TextError:
        return name


def _state(language: str, source: SourceRecord) -> str:
    if not source.active:
        return texts.text(language, "ops_state_paused")
    if source.consecutive_failures:
        return texts.text(language, "ops_state_failing", count=source.consecutive_failures)
    return texts.text(language, "ops_state_ok")


def sources_text(
    language: str,
    sources: Sequence[SourceRecord],
    directory: SourceDirectory,
    zone: ZoneInfo,
    more: bool,
    drifts: Mapping[int, DriftRecord] | None = None,
) -> str:
    if not sources:
        lines = [texts.text(language, "ops_sources_none")]
    else:
        lines = [texts.text(language, "ops_sources_header")]
    for source in sources[:MAX_LISTED]:
        last = (
            texts.moment(language, source.last_success_at, zone)
            if source.last_success_at
            else texts.text(language, "ops_never")
        )
        key = "ops_source_child" if source.parent_id is not None else "ops_source_line"
        directory.note(source)  # the fresh record: its catalog entry gives the label
        name = directory.label(source.source_id, language)
        lines.append(
            texts.text(
                language,
                key,
                id=source.source_id,
                name=name[:100],
                state=_state(language, source),
                last=last,
            )
        )
        if source.active and source.consecutive_failures and source.last_error:
            lines.append(
                texts.text(language, "ops_source_error", error=source.last_error[:MAX_ERROR])
            )
        drift = (drifts or {}).get(source.source_id)
        if drift is not None and source.active:
            lines.append(
                texts.text(
                    language,
                    "ops_source_drift",
                    adapter=drift.adapter,
                    selector=drift.selector[:MAX_ERROR],
                    since=texts.moment(language, drift.since, zone),
                )
            )
    if more or len(sources) > MAX_LISTED:
        lines.append(texts.text(language, "ops_sources_more"))
    lines += ["", texts.text(language, "ops_sources_usage")]
    return "\n".join(lines)


def stats_text(
    language: str,
    counts: dict[str, int],
    oldest_due: datetime | None,
    now: datetime,
    metrics: Metrics | None,
    subscriptions: int,
    feedback: dict[str, int] | None = None,
) -> str:
    outbox = ", ".join(
        f"{_word(language, 'status', status)} {count}" for status, count in sorted(counts.items())
    )
    lines = [
        texts.text(
            language,
            "ops_stats_outbox",
            counts=outbox or texts.text(language, "ops_stats_outbox_empty"),
            minutes=f"{FINISHED_COUNT_SECONDS / 60:g}",
        ),
        texts.text(language, "ops_stats_oldest", age=_age((now - oldest_due).total_seconds()))
        if oldest_due is not None
        else texts.text(language, "ops_stats_oldest_none"),
    ]
    if metrics is not None:
        rate = metrics.sent_rate.per_minute()
        lines.append(
            texts.text(
                language, "ops_stats_rate", rate=texts.decimal(language, rate), minutes=RATE_MINUTES
            )
        )
        reasons = sorted({reason for reason, _ in metrics.failures})
        if reasons:
            parts = [
                f"{_word(language, 'reason', reason)} "
                f"{metrics.failures[reason, False]} / {metrics.failures[reason, True]}"
                for reason in reasons
            ]
            lines.append(texts.text(language, "ops_stats_failures", reasons=", ".join(parts)))
        else:
            lines.append(texts.text(language, "ops_stats_no_failures"))
    lines.append(texts.text(language, "ops_stats_subscriptions", count=subscriptions))
    if feedback is not None:
        lines.append(texts.text(language, "ops_stats_feedback", down=feedback.get("down", 0)))
    return "\n".join(lines)
