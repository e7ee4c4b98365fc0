"""Restart safety: the bot process is SIGKILLed mid-delivery and started again."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from bot.devserver import DevServer
from storage import open_storage
from storage.records import NewAlert, NewEntry

CHATS = [7000 + i for i in range(8)]
PER_CHAT = 3
TOKEN = "123:kill-restart-token"


async def prepare(db: Path) -> None:
    """Chats with a subscription each and matched alerts waiting in the outbox."""
    now = datetime.now(UTC)
    storage = await open_storage(db)
    source = await storage.sources.ensure("https://example.org/liveblog", "tagesschau", 60, now)
    results = await storage.entries.upsert_many(
        source.source_id,
        [
            NewEntry(
                f"k{i}",
                now,
                None,
                f"Eintrag {i}",
                f"Drohnen über Kiew, Meldung {i}.",
                f"https://example.org/liveblog#k{i}",
                "news",
                f"h{i}",
            )
            for i in range(PER_CHAT)
        ],
        now,
    )
    alerts = []
    for chat_id in CHATS:
        await storage.chats.upsert(chat_id, "private", None, "de", now)
        sub, _ = await storage.subscriptions.add(
            chat_id, "Drohnen", "drones", "c:drones", "Drohnen", now
        )
        alerts += [
            NewAlert(chat_id, r.entry.entry_id, (sub.sub_id,), (), False, now) for r in results
        ]
    await storage.alerts.create_many(alerts, now)
    await storage.close()


async def start_bot(server: DevServer, db: Path, cwd: Path) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "LIVEBLOG_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=server.api_url,
        LIVEBLOG_DB=str(db),
        LIVEBLOG_DELIVERY_SECONDS="0.5",
    )
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


async def test_sigkill_mid_delivery_loses_nothing(tmp_path: Path) -> None:
    db = tmp_path / "kill.sqlite3"
    await prepare(db)
    expected = len(CHATS) * PER_CHAT
    async with DevServer(max_long_poll_s=1.0) as server:
        first = await start_bot(server, db, tmp_path)
        try:
            got = await server.control.wait(None, {"bot_message"}, len(CHATS) + 2, 0, 60)
            assert len(got) >= len(CHATS) + 2
        finally:
            first.send_signal(signal.SIGKILL)
            await first.wait()
        assert len(await server.control.wait(None, {"bot_message"}, expected, 0, 0.1)) < expected

        second = await start_bot(server, db, tmp_path)
        try:
            await server.control.wait(None, {"bot_message"}, expected, 0, 60)
        finally:
            second.terminate()
            await second.wait()
        sent = [e for e in server.control.events(None) if e["kind"] == "bot_message"]

    delivered = Counter(
        (e["chat_id"], line)
        for e in sent
        for line in e["text"].splitlines()
        if line.startswith("Eintrag ")
    )
    assert set(delivered) == {(chat, f"Eintrag {i}") for chat in CHATS for i in range(PER_CHAT)}
    duplicates = Counter(chat for (chat, _), count in delivered.items() if count > 1)
    assert all(count <= 1 for count in duplicates.values()), duplicates
