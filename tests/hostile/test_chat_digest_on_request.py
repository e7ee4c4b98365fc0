"""Issue 10, finding 10: /digest without argument is for group admins and consumes nothing.

Any group member could post the digest to the whole group, and a digest on request
marked its alerts as digested and moved "since" on: the scheduled digest that evening
said "nothing new", and the daily-mode alerts it should have carried were gone.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage.records import AlertStatus
from tests.delivery.world import World, berlin, world

GROUP, ADMIN, MEMBER = -5101, 77, 88
READER = 5102
DE = {"first_name": "Anna", "language_code": "de"}
ENTRY = "Kiew erneut mit Drohnen attackiert"


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[World]:
    async with world(tmp_path) as the_world:
        yield the_world


async def test_in_groups_only_admins_get_a_digest_on_request(w: World) -> None:
    await w.reader.set_admins(GROUP, [ADMIN])
    group = {"chat_type": "group", "title": "Redaktion", "language_code": "de"}
    await w.reader.ask(GROUP, "/abo Drohnen", user_id=ADMIN, **group)
    await w.step(berlin(4, 1, 30))
    for command in ("/zusammenfassung", "/digest", "/tagesbericht"):
        [refused] = await w.reader.ask(GROUP, command, user_id=MEMBER, **group)
        assert "nur Administratorinnen" in refused["text"]
    [digest] = await w.reader.ask(GROUP, "/zusammenfassung jetzt", user_id=ADMIN, **group)
    assert digest["text"].startswith("🗞 Deine Zusammenfassung")
    assert ENTRY in digest["text"]


async def test_the_scheduled_digest_still_brings_everything(w: World) -> None:
    await w.reader.ask(READER, "/abo Drohnen", **DE)
    await w.reader.ask(READER, "/modus taeglich", **DE)
    await w.reader.ask(READER, "/zusammenfassung 23:45", **DE)
    await w.step(berlin(4, 1, 30))
    await w.step(berlin(4, 10, 45))
    before = await w.services.storage.chats.get(READER)
    assert before is not None

    w.clock.set(berlin(4, 20, 0))
    [looked] = await w.reader.ask(READER, "/zusammenfassung jetzt", **DE)
    assert ENTRY in looked["text"]
    # Nothing consumed: the held alerts still wait, the schedule is unchanged.
    held = await w.services.storage.alerts.for_chat(READER)
    assert held
    assert {a.status for a in held} == {AlertStatus.PENDING}
    after = await w.services.storage.chats.get(READER)
    assert after is not None
    assert (after.next_digest_at, after.last_digest_at) == (
        before.next_digest_at,
        before.last_digest_at,
    )

    w.clock.set(berlin(4, 23, 45))
    assert w.services.digests is not None
    assert await w.services.digests.tick() == 1
    digests = [m for m in await w.bot_messages(READER) if m["text"].startswith("🗞 Deine")]
    assert len(digests) == 2
    assert digests[-1]["text"] == looked["text"]  # the evening digest: the same entries
    assert {a.status for a in await w.services.storage.alerts.for_chat(READER)} == {
        AlertStatus.DIGESTED
    }
