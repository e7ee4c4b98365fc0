"""When each pending alert may go: mode, quiet hours, pause, urgency, batching.

Pure: given a chat, its due alerts and the time, say what to send now as single
alerts, what to send as one batch, and until when to hold the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.chat_settings import in_quiet_hours, quiet_ends_at
from storage.records import AlertRecord, ChatRecord, SubscriptionRecord

HOUR = timedelta(hours=1)
BATCH_OVER = 3  # more alerts than this due at once go out as a batch, not a flood
_ORDER = {"instant": 0, "hourly": 1, "daily": 2}


@dataclass
class Plan:
    singles: list[AlertRecord] = field(default_factory=list)
    batch: list[AlertRecord] = field(default_factory=list)
    hold: dict[datetime, list[AlertRecord]] = field(default_factory=dict)

    def hold_until(self, moment: datetime, alert: AlertRecord) -> None:
        self.hold.setdefault(moment, []).append(alert)


def effective_mode(
    alert: AlertRecord, chat: ChatRecord, subs: dict[int, SubscriptionRecord]
) -> str:
    """The most immediate mode among the alert's subscriptions (their own or the chat's).
    An alert of no subscription is an update of a story the reader follows ("mehr dazu"
    under an earlier alert): they asked for it at once, whatever the chat's mode."""
    if not alert.sub_ids:
        return "instant"
    modes = [(subs[s].mode or chat.mode) for s in alert.sub_ids if s in subs] or [chat.mode]
    return min(modes, key=lambda m: _ORDER.get(m, 0))


def plan_delivery(
    chat: ChatRecord,
    alerts: list[AlertRecord],
    subs: dict[int, SubscriptionRecord],
    zone: ZoneInfo,
    now: datetime,
) -> Plan:
    plan = Plan()
    if chat.paused_until is not None and chat.paused_until > now:
        for alert in alerts:
            plan.hold_until(chat.paused_until, alert)
        return plan
    quiet = bool(chat.quiet_start and chat.quiet_end) and in_quiet_hours(
        now, zone, chat.quiet_start or "", chat.quiet_end or ""
    )
    ready: list[AlertRecord] = []
    hourly: list[AlertRecord] = []
    for alert in alerts:
        mode = effective_mode(alert, chat, subs)
        if quiet and not alert.urgent:
            plan.hold_until(quiet_ends_at(now, zone, chat.quiet_end or "00:00"), alert)
        elif alert.urgent or mode == "instant":
            ready.append(alert)
        elif mode == "hourly" or chat.next_digest_at is None:
            # Daily without a digest (switched off before /zusammenfassung aus refused
            # it): no day would ever come, so such alerts go hourly instead of piling up.
            hourly.append(alert)
        else:  # daily: the digest delivers it; hold until the digest is due
            plan.hold_until(chat.next_digest_at, alert)
    if hourly:
        next_batch = (chat.last_batch_at + HOUR) if chat.last_batch_at else now
        if next_batch <= now:
            plan.batch.extend(hourly)
        else:
            for alert in hourly:
                plan.hold_until(next_batch, alert)
    # Held alerts come back as one batch; a burst of instant ones too.
    was_held = any(a.due_at > a.created_at + timedelta(seconds=1) for a in ready)
    if plan.batch or len(ready) > BATCH_OVER or (was_held and len(ready) > 1):
        plan.batch.extend(ready)
    else:
        plan.singles.extend(ready)
    return plan
