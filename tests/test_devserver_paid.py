"""The stand-in's paid broadcasts: allow_paid_broadcast has its own overall limit,
the free messages keep theirs, and the per-chat limits hold for both."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from bot.devserver import DevServer
from bot.devserver.client import ChatDriver
from bot.devserver.limits import RateLimiter, RateLimits

TOKEN = "42:abc"


def fill(limiter: RateLimiter, chats: range, now: float, paid: bool) -> list[int]:
    return [limiter.check(chat, "private", now, paid) for chat in chats]


def test_free_messages_stop_at_30_a_second_paid_ones_go_on() -> None:
    limiter = RateLimiter(RateLimits(private_burst=1))
    assert fill(limiter, range(1, 31), 100.0, paid=False) == [0] * 30
    assert limiter.check(31, "private", 100.0) == 1  # the free 30 are used up
    # Paid messages to other chats in the same instant count elsewhere.
    assert fill(limiter, range(31, 131), 100.0, paid=True) == [0] * 100
    assert limiter.check(200, "private", 100.5) == 1  # still no free one
    assert limiter.check(200, "private", 101.0) == 0  # a second later the window slid


def test_paid_messages_have_their_own_ceiling() -> None:
    limiter = RateLimiter(RateLimits(paid_per_s=50, private_burst=1))
    assert fill(limiter, range(1, 51), 10.0, paid=True) == [0] * 50
    assert limiter.check(51, "private", 10.2, paid=True) == 1  # retry_after rounds up to 1 s
    assert limiter.check(51, "private", 10.2, paid=False) == 0  # the free budget is untouched
    assert limiter.check(52, "private", 11.0, paid=True) == 0


def test_the_default_paid_ceiling_is_telegrams_1000() -> None:
    limiter = RateLimiter(RateLimits(private_burst=1))
    assert fill(limiter, range(1, 1001), 0.0, paid=True) == [0] * 1000
    assert limiter.check(1001, "private", 0.999, paid=True) == 1
    assert limiter.check(1001, "private", 1.0, paid=True) == 0


def test_per_chat_limits_hold_for_paid_messages() -> None:
    limiter = RateLimiter(RateLimits(private_burst=1))
    assert limiter.check(7, "private", 5.0, paid=True) == 0
    assert limiter.check(7, "private", 5.5, paid=True) == 1  # 1 a second in a private chat
    assert limiter.check(7, "private", 5.5, paid=False) == 1  # whichever budget pays
    assert limiter.check(7, "private", 6.0, paid=True) == 0
    group = [limiter.check(-9, "group", 20.0 + i, paid=True) for i in range(21)]
    assert group[:20] == [0] * 20
    assert group[20] == 40  # 20 a minute in a group: the first of them leaves at 80 s


def test_no_limits_means_none_for_paid_either() -> None:
    limiter = RateLimiter(RateLimits(paid_per_s=1, enabled=False))
    assert fill(limiter, range(1, 10), 0.0, paid=True) == [0] * 9


async def send(server: DevServer, **params: Any) -> httpx.Response:
    form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    async with httpx.AsyncClient() as client:
        return await client.post(f"{server.api_url}{TOKEN}/sendMessage", data=form)


# Counts sends within wall-clock seconds: run alone, after the parallel part (see Makefile).
@pytest.mark.timing
async def test_http_paid_sends_pass_the_free_limit_and_are_recorded() -> None:
    async with (
        # Frozen: every send in the same second, however slowly a busy machine makes them.
        DevServer(RateLimits(global_per_s=2, paid_per_s=3), limits_clock=lambda: 100.0) as server,
        ChatDriver(server.url) as driver,
    ):
        free = [(await send(server, chat_id=c, text="free")).status_code for c in (1, 2, 3)]
        # PTB sends the flag JSON-encoded in a form field, as here.
        paid = [
            (await send(server, chat_id=c, text="paid", allow_paid_broadcast=True)).status_code
            for c in (4, 5, 6, 7)
        ]
        limited = await send(server, chat_id=8, text="paid", allow_paid_broadcast=True)
        state = await driver.state()
        events = [e for e in await driver.events() if e["kind"] == "bot_message"]
    assert free == [200, 200, 429]
    assert paid == [200, 200, 200, 429]
    assert limited.status_code == 429
    assert limited.json()["parameters"]["retry_after"] == 1
    assert [(e["chat_id"], e["data"]["paid"]) for e in events] == [
        (1, False),
        (2, False),
        (4, True),
        (5, True),
        (6, True),
    ]
    assert state["stats"] == {"sent": 5, "rate_limited": 3, "sent_paid": 3, "rate_limited_paid": 2}
    assert {m.chat_id for m in server.state.messages.values() if m.paid} == {4, 5, 6}
