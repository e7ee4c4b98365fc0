"""Issue 21, item 3: the webhook listener refuses what is not Telegram's before reading it.

PTB's listener read whole requests (up to 100 MB) before checking the secret: four 95 MB
POSTs without it cost 554 MB. Here a real HTTP client streams such bodies at the bot's
listener; the refusal comes after the headers, the body is not read (the client manages
to send a few socket buffers' worth at most) and the process's memory does not grow.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from bot.webhook_server import MAX_BODY, SECRET_HEADER, WebhookServer

SECRET = "s3cret-token_A"
BIG = 95_000_000
CHUNK = b"x" * 1_000_000
UPDATE = {"update_id": 7, "message": {"message_id": 1, "date": 0, "text": "/start",
                                       "chat": {"id": 5, "type": "private"}}}  # fmt: skip


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096


class Stream:
    """A request body of `size` bytes, counting what the client got to send."""

    def __init__(self, size: int) -> None:
        self.size, self.sent = size, 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while self.sent < self.size:
            chunk = CHUNK[: self.size - self.sent]
            self.sent += len(chunk)
            yield chunk


@pytest.fixture
async def listener() -> AsyncIterator[tuple[WebhookServer, list[dict[str, Any]]]]:
    got: list[dict[str, Any]] = []

    async def deliver(update: dict[str, Any]) -> None:
        got.append(update)

    server = WebhookServer("127.0.0.1", 0, "/tg-updates", SECRET, deliver)
    await server.start()
    try:
        yield server, got
    finally:
        await server.stop()


async def post(url: str, body: Stream, length: bool, **headers: str) -> int | None:
    """The status, or None when the server closed the connection before the client
    finished sending (the refusal may then not reach it: it was still writing)."""
    if length:
        headers["Content-Length"] = str(body.size)
    async with httpx.AsyncClient(timeout=30) as client:
        try:
            response = await client.post(url, content=body, headers=headers)
        except (httpx.WriteError, httpx.RemoteProtocolError, httpx.ReadError):
            return None
    return response.status_code


async def test_a_huge_post_without_the_secret_is_refused_unread(
    listener: tuple[WebhookServer, list[dict[str, Any]]],
) -> None:
    server, got = listener
    before = rss_bytes()
    for headers in ({}, {SECRET_HEADER: "guess"}):
        for _ in range(2):
            body = Stream(BIG)
            status = await post(server.url, body, length=True, **headers)
            assert status in (403, None)
            assert body.sent < 16_000_000, body.sent  # socket buffers, not 95 MB
    grown = rss_bytes() - before
    assert grown < 30_000_000, grown
    assert server.refused == 4
    assert got == []


async def test_bodies_over_the_cap_are_refused_even_with_the_secret(
    listener: tuple[WebhookServer, list[dict[str, Any]]],
) -> None:
    server, got = listener
    declared = Stream(BIG)  # the declared length alone refuses it
    assert await post(server.url, declared, length=True, **{SECRET_HEADER: SECRET}) in (413, None)
    assert declared.sent < 16_000_000
    chunked = Stream(50 * MAX_BODY)  # no length: reading stops at the cap
    assert await post(server.url, chunked, length=False, **{SECRET_HEADER: SECRET}) in (413, None)
    assert chunked.sent < 16_000_000
    assert got == []


async def test_telegrams_updates_get_through_and_garbage_gets_a_clear_answer(
    listener: tuple[WebhookServer, list[dict[str, Any]]],
) -> None:
    server, got = listener
    secret = {SECRET_HEADER: SECRET}
    async with httpx.AsyncClient() as client:
        ok = await client.post(server.url, json=UPDATE, headers=secret)
        assert (ok.status_code, ok.text) == (200, "ok")
        assert got == [UPDATE]
        base = server.url.rsplit("/", 1)[0]
        assert (await client.post(base + "/other", json=UPDATE, headers=secret)).status_code == 404
        assert (await client.get(server.url, headers=secret)).status_code == 405
        assert (await client.post(server.url, content=b"{", headers=secret)).status_code == 400
        not_update = json.dumps({"message": {}}).encode()
        assert (
            await client.post(server.url, content=not_update, headers=secret)
        ).status_code == 400
    await asyncio.sleep(0)
    assert got == [UPDATE]
