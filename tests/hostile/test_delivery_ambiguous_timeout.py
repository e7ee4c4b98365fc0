"""Issue 10, finding 10: a send that timed out after the request went out is retried once.

(A digest is counted as sent: resending it every few minutes repeated it without end.)

When Telegram takes longer to answer than the client waits, the message has often
arrived anyway. Retrying such a send like any network error delivered one alert
five times in one run. Now it goes again at most once; a second ambiguous timeout
marks the alert failed with the reason "ambiguous timeout".
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from telegram.error import TimedOut

from bot.delivery.messenger import AmbiguousSend, Transient
from handlers.telegram_io import translate
from storage.records import AlertStatus
from tests.conftest import TOKEN
from tests.delivery.world import World, berlin, world

ANNA = 4301
SEND_TIMEOUT_S = 0.3
SLOW_S = 0.8  # the stand-in answers (and delivers) after the client gave up


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[World]:
    async with world(tmp_path, send_timeout_s=SEND_TIMEOUT_S) as the_world:
        yield the_world


async def _alerts_received(w: World, at_least: int) -> int:
    """Alerts the reader holds, after the slow answers still on their way have landed."""
    events = await w.reader.wait_for(ANNA, at_least, after=0, kinds=["bot_message"], wait_s=10)
    return sum(1 for e in events if "🔔" in e["text"])


async def _the_alert(w: World) -> tuple[AlertStatus, str | None]:
    rows = await w.services.storage.alerts.for_chat(ANNA)
    assert len(rows) == 1
    return rows[0].status, rows[0].last_error


async def _slow_sends(w: World, times: int) -> None:
    await w.reader.ask(ANNA, "/abo Luftangriffe auf Kiew", first_name="Anna")
    await w.reader.fault("slow", method="sendMessage", chat_id=ANNA, delay_s=SLOW_S, times=times)


async def test_two_ambiguous_timeouts_fail_the_alert(w: World) -> None:
    await _slow_sends(w, times=5)
    await w.step(berlin(4, 1, 30))  # the entry arrives; the send times out
    for minutes in (2, 10, 30, 60):  # later ticks, long after every retry delay
        w.clock.set(berlin(4, 1, 30) + timedelta(minutes=minutes))
        await w.deliver()
    # The subscription reply, then the alert: once, and once more (both arrived late).
    assert await _alerts_received(w, at_least=3) == 2
    assert await _the_alert(w) == (AlertStatus.FAILED, "ambiguous timeout")


async def test_one_ambiguous_timeout_then_success(w: World) -> None:
    await _slow_sends(w, times=1)
    await w.step(berlin(4, 1, 30))
    w.clock.set(berlin(4, 1, 32))
    stats = await w.deliver()
    assert stats.alerts_sent == 1
    assert await _alerts_received(w, at_least=3) == 2
    status, _error = await _the_alert(w)
    assert status is AlertStatus.SENT


async def test_a_digest_that_timed_out_is_not_sent_again_and_again(w: World) -> None:
    await w.reader.ask(ANNA, "/abo Drohnen", first_name="Anna")
    await w.reader.ask(ANNA, "/modus taeglich", first_name="Anna")
    await w.reader.ask(ANNA, "/zusammenfassung 23:45", first_name="Anna")
    await w.step(berlin(4, 10, 45))
    await w.reader.fault("slow", method="sendMessage", chat_id=ANNA, delay_s=SLOW_S, times=5)
    assert w.services.digests is not None
    for moment in (berlin(4, 23, 45), berlin(4, 23, 51), berlin(4, 23, 57), berlin(5, 0, 3)):
        w.clock.set(moment)
        await w.services.digests.tick()
    events = await w.reader.wait_for(ANNA, 4, after=0, kinds=["bot_message"], wait_s=10)
    assert sum(1 for e in events if e["text"].startswith("🗞 Deine")) == 1
    chat = await w.services.storage.chats.get(ANNA)
    assert chat is not None
    assert chat.next_digest_at == berlin(5, 23, 45)  # the schedule moved on


def _timed_out(cause: Exception) -> TimedOut:
    try:
        raise TimedOut from cause
    except TimedOut as exc:
        return exc


def test_only_a_timeout_after_sending_is_ambiguous() -> None:
    request = httpx.Request("POST", f"https://api.telegram.org/bot{TOKEN}/sendMessage")
    never_sent = translate(_timed_out(httpx.ConnectTimeout("connect", request=request)))
    assert type(never_sent) is Transient
    for cause in (
        httpx.ReadTimeout("read", request=request),
        httpx.WriteTimeout("write", request=request),
    ):
        assert isinstance(translate(_timed_out(cause)), AmbiguousSend)


def test_error_texts_never_carry_the_token() -> None:
    error = translate(RuntimeError(f"POST https://api.telegram.org/bot{TOKEN}/x"), (TOKEN,))
    assert TOKEN not in str(error)
    assert "***" in str(error)
