"""Two deliver workers' digest ticks at the same minute: each due digest is built and
sent once (the chat is leased for it), and neither worker sends it again afterwards."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.delivery.leases import ChatLeases
from bot.delivery.pacing import ChatPacer
from bot.digest.service import DigestService
from tests.delivery.world import berlin, world

DE = {"first_name": "Anna", "language_code": "de"}
CHATS = (5101, 5102, 5103)


async def test_two_workers_send_each_due_digest_once(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        for chat_id in CHATS:
            await w.reader.ask(chat_id, "/abo Drohnen", **DE)
            await w.reader.ask(chat_id, "/modus taeglich", **DE)
            await w.reader.ask(chat_id, "/zusammenfassung 23:45", **DE)
        await w.step(berlin(4, 1, 30))
        await w.step(berlin(4, 10, 45))
        mine = w.services.digests
        assert mine is not None
        storage = w.services.storage
        workers = [
            DigestService(
                storage,
                mine.messenger,
                mine.subscriptions,
                w.clock,
                mine.default_zone,
                pacer=ChatPacer(),  # each process paces its own sends
                window=mine.window,
                directory=mine.directory,
                leases=ChatLeases(storage, w.clock, owner=name),
            )
            for name in ("worker-a", "worker-b")
        ]
        w.clock.set(berlin(4, 23, 45))
        sent = await asyncio.gather(*(worker.tick() for worker in workers))
        assert sum(sent) == len(CHATS)
        assert sorted(await asyncio.gather(*(worker.tick() for worker in workers))) == [0, 0]
        for chat_id in CHATS:
            digests = [m for m in await w.bot_messages(chat_id) if m["text"].startswith("🗞 Deine")]
            assert len(digests) == 1
            chat = await storage.chats.get(chat_id)
            assert chat is not None
            assert chat.next_digest_at == berlin(5, 23, 45)
        # Every lease was given back: no chat is kept from the other worker.
        assert all(not worker.leases.serving for worker in workers if worker.leases)
