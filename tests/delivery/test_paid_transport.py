"""Paid broadcasts send over aiohttp (handlers/aiohttp_request.py): the same answers and
the same error contract as PTB's httpx transport, through the real bot and the stand-in."""

from __future__ import annotations

import socket
from pathlib import Path

import aiohttp
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import ExtBot

from bot.delivery.messenger import AmbiguousSend, Transient
from bot.devserver import DevServer
from bot.devserver.client import ChatDriver
from handlers.aiohttp_request import AiohttpRequest
from handlers.telegram_io import translate
from storage.records import AlertStatus
from tests.conftest import TOKEN
from tests.delivery.world import berlin, world

ANNA = 4401


async def test_the_paid_bot_sends_over_aiohttp_and_a_late_answer_is_ambiguous(
    tmp_path: Path,
) -> None:
    async with world(tmp_path, send_timeout_s=0.3, paid_broadcast=True) as w:
        assert isinstance(w.app.bot.request, AiohttpRequest)
        await w.reader.ask(ANNA, "/abo Luftangriffe auf Kiew", first_name="Anna")
        await w.reader.fault("slow", method="sendMessage", chat_id=ANNA, delay_s=0.8)
        stats = await w.step(berlin(4, 1, 30))
        assert stats.retried == 1
        [alert] = await w.services.storage.alerts.for_chat(ANNA)
        assert alert.status is AlertStatus.PENDING
        assert alert.ambiguous_sends == 1  # it may have arrived: sent again at most once
        w.clock.set(alert.due_at)
        assert (await w.deliver()).alerts_sent == 1
        alerts = await w.reader.wait_for(ANNA, 3, after=0, kinds=["bot_message"], wait_s=10)
    assert sum(1 for e in alerts if "🔔" in e["text"] and e["data"]["paid"]) == 2


async def test_telegrams_errors_come_through_as_ptbs(devserver: DevServer) -> None:
    request = AiohttpRequest()
    bot = ExtBot(TOKEN, base_url=devserver.api_url, request=request)
    async with bot, ChatDriver(devserver.url) as reader:
        sent = await bot.send_message(7, "<b>a &amp; b</b>", parse_mode="HTML")
        assert sent.text == "a & b"
        await reader.fault("retry_after", method="sendMessage", chat_id=7, retry_after=3)
        await reader.fault("blocked", method="sendMessage", chat_id=8)
        errors = []
        for chat_id, text in ((7, "x"), (8, "x"), (9, "<div>")):
            try:
                await bot.send_message(chat_id, text, parse_mode="HTML")
            except Exception as exc:  # each kind is checked below
                errors.append(exc)
    assert [type(e) for e in errors] == [RetryAfter, Forbidden, BadRequest]


async def test_a_refused_connection_is_a_network_error_not_a_timeout() -> None:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]  # nothing listens there once the socket is closed
    request = AiohttpRequest(connect_timeout=2.0)
    await request.initialize()
    try:
        try:
            await request.do_request(f"http://127.0.0.1:{port}/bot{TOKEN}/getMe", "POST")
        except NetworkError as exc:
            error: Exception = exc
    finally:
        await request.shutdown()
    assert not isinstance(error, TimedOut)
    assert type(translate(error, (TOKEN,))) is Transient
    assert TOKEN not in str(translate(error, (TOKEN,)))


def test_only_a_connect_timeout_proves_nothing_was_sent() -> None:
    def timed_out(cause: Exception) -> TimedOut:
        try:
            raise TimedOut from cause
        except TimedOut as exc:
            return exc

    assert type(translate(timed_out(aiohttp.ConnectionTimeoutError()))) is Transient
    assert isinstance(translate(timed_out(aiohttp.SocketTimeoutError())), AmbiguousSend)
