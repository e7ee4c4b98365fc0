"""Paid broadcasts through the real bot and the stand-in: with LIVEBLOG_PAID_BROADCAST
alerts go with allow_paid_broadcast (and may pass the free overall limit); without it
nothing about the free path changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.config import LiveblogSettings
from bot.devserver.limits import RateLimiter, RateLimits
from tests.delivery.world import World, berlin, world

READERS = (5101, 5102, 5103, 5104, 5105)
DE = {"first_name": "Anna", "language_code": "de"}


async def subscribe_all(w: World) -> None:
    for chat in READERS:
        await w.reader.ask(chat, "/abo Drohnen", **DE)


def send_calls(w: World) -> list[dict[str, object]]:
    return [c["params"] for c in w.telegram.state.calls if c["method"].lower() == "sendmessage"]


async def test_alerts_are_paid_broadcasts_when_the_operator_turns_them_on(
    tmp_path: Path,
) -> None:
    async with world(tmp_path, paid_broadcast=True, paid_broadcast_per_second=500) as w:
        assert w.services.delivery is not None
        paid = w.services.delivery.paid_window
        assert paid is not None
        assert paid.limit == 500
        assert w.services.delivery.window.limit == 29  # edits and digests stay free
        await subscribe_all(w)
        # From now on Telegram allows one free message a second: five alerts in one tick
        # only pass because they are paid for.
        w.telegram.api.limiter = RateLimiter(RateLimits(global_per_s=1, private_burst=10))
        stats = await w.step(berlin(4, 1, 30))
        assert stats.alerts_sent == len(READERS)
        assert stats.retried == 0
        messages = [m for c in READERS for m in await w.bot_messages(c)]
    replies = [m for m in messages if "🔔" not in m["text"]]
    alerts = [m for m in messages if "🔔" in m["text"]]
    assert len(alerts) == len(READERS)
    assert all(a["data"]["paid"] for a in alerts)
    assert replies
    assert not any(r["data"]["paid"] for r in replies)  # answers to /abo are not broadcasts
    assert w.telegram.state.stats["sent_paid"] == len(READERS)
    assert w.telegram.state.stats["rate_limited"] == 0


async def test_without_the_setting_alerts_go_exactly_as_before(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        assert w.services.delivery is not None
        assert w.services.delivery.paid_window is None
        await subscribe_all(w)
        stats = await w.step(berlin(4, 1, 30))
        assert stats.alerts_sent == len(READERS)
        alerts = [m for c in READERS for m in await w.bot_messages(c) if "🔔" in m["text"]]
    assert len(alerts) == len(READERS)
    assert not any(a["data"]["paid"] for a in alerts)
    assert w.telegram.state.stats["sent_paid"] == 0
    assert all("allow_paid_broadcast" not in params for params in send_calls(w))


@pytest.mark.parametrize("rate", [0, 1001])
def test_the_paid_rate_stays_within_telegrams_ceiling(rate: int) -> None:
    with pytest.raises(ValidationError):
        LiveblogSettings(sources=[], paid_broadcast=True, paid_broadcast_per_second=rate)
