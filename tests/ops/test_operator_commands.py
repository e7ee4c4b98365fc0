"""/sources and /stats as an operator uses them in chat, and as everyone else sees them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from storage.repos.alerts import FINISHED_COUNT_SECONDS
from tests.delivery.world import World, berlin, world

ADMIN, READER = 4301, 4302
DE = {"first_name": "Olga", "language_code": "de"}


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[World]:
    async with world(tmp_path, admin_ids=frozenset({ADMIN})) as it:
        yield it


async def answer(w: World, chat: int, text: str) -> str:
    [reply] = await w.reader.ask(chat, text, **DE)
    return str(reply["text"])


async def test_everyone_else_gets_the_unknown_command_answer(w: World) -> None:
    unknown = await answer(w, READER, "/gibtsnicht")
    for command in ("/sources", "/sources pause 1", "/sources add https://example.org/", "/stats"):
        assert await answer(w, READER, command) == unknown
    assert [s.source_id for s in await w.services.storage.sources.list_active()] == [1]


async def test_operator_output_goes_only_to_a_private_chat(w: World) -> None:
    """Issue 21: /stats and /sources typed by an operator in a group answered there."""
    group = {"chat_type": "group", "title": "Redaktion", "user_id": ADMIN, **DE}
    for command in ("/stats", "/sources", "/sources pause 1", "/sources add https://e.org/"):
        [said] = await w.reader.ask(-4401, command, **group)
        assert said["text"] == "Betriebsbefehle beantworte ich nur im privaten Chat mit mir."
    # Nothing was changed from the group, and the private chat still answers.
    assert [s.source_id for s in await w.services.storage.sources.list_active()] == [1]
    assert "1 · 127.0.0.1" in await answer(w, ADMIN, "/sources")
    assert (await answer(w, ADMIN, "/stats")).startswith("Ausgang")


async def test_operator_lists_adds_pauses_and_resumes_sources(w: World) -> None:
    storage = w.services.storage
    listing = await answer(w, ADMIN, "/sources")
    assert "1 · 127.0.0.1 – ✅ ok, zuletzt erfolgreich 04.11. 01:00" in listing
    other = w.web.set("/other.html", b"<html><body>nothing yet</body></html>", status=500)
    added = await answer(w, ADMIN, f"/sources add {other}")
    assert added.startswith(f"➕ Quelle 2 folgt jetzt: {other}")
    await w.poll()
    listing = await answer(w, ADMIN, "/sources")
    assert "2 · 127.0.0.1 – ⚠️ 1× fehlgeschlagen, zuletzt erfolgreich nie" in listing
    assert "500" in listing  # the source's last error
    assert "⏸ Quelle 1 ist pausiert. " in await answer(w, ADMIN, "/sources pause 1")
    assert [s.source_id for s in await storage.sources.list_active()] == [2]
    assert "1 · 127.0.0.1 – ⏸ pausiert" in await answer(w, ADMIN, "/sources")
    before = await storage.sources.get(1)
    w.clock.advance(timedelta(minutes=5))
    await w.poll()  # a paused source is not polled
    assert await storage.sources.get(1) == before
    assert "wird wieder abgerufen" in await answer(w, ADMIN, "/sources resume 1")
    await w.poll()
    polled = await storage.sources.get(1)
    assert polled is not None
    assert polled.active
    assert polled.last_success_at == w.clock.now()


async def test_operator_mistakes_get_clear_answers_and_change_nothing(w: World) -> None:
    assert "keine http(s)-Adresse" in await answer(w, ADMIN, "/sources add file:///etc/passwd")
    assert "keine http(s)-Adresse" in await answer(w, ADMIN, "/sources add " + "x" * 3000)
    assert "Keine Quelle mit der Nummer 99" in await answer(w, ADMIN, "/sources pause 99")
    assert "Keine Quelle mit der Nummer 99" in await answer(w, ADMIN, "/sources resume 99")
    usage = await answer(w, ADMIN, "/sources frobnicate 1")
    assert usage.startswith("/sources add URL")
    assert await answer(w, ADMIN, "/sources pause eins") == usage
    assert [s.source_id for s in await w.services.storage.sources.list_active()] == [1]


async def test_stats_show_the_outbox_the_rate_and_failures_by_reason(w: World) -> None:
    await w.reader.ask(ADMIN, "/abo Drohnen", **DE)
    await w.reader.fault("retry_after", method="sendMessage", chat_id=ADMIN, retry_after=1)
    await w.step(berlin(4, 1, 30))
    stats = await answer(w, ADMIN, "/stats")
    assert "Ausgang: wartend 1" in stats
    assert "Keine fällige Meldung wartet." in stats  # due again in one second
    assert "Gesendet: 0,0 Meldungen/min (letzte 10 min)" in stats
    assert "Fehler seit dem Start (aufgegeben / erneut versucht): Flutkontrolle 0 / 1" in stats
    w.clock.advance(timedelta(seconds=91))
    assert "Älteste fällige Meldung wartet seit 90 s." in await answer(w, ADMIN, "/stats")
    await w.deliver()
    # Finished alerts are counted at most every FINISHED_COUNT_SECONDS (the counts the
    # metrics refresh keeps): the one just sent shows once they are counted again.
    stats = await answer(w, ADMIN, "/stats")
    assert "Ausgang: leer (Erledigte alle 5 min gezählt)" in stats
    w.clock.advance(timedelta(seconds=FINISHED_COUNT_SECONDS))
    stats = await answer(w, ADMIN, "/stats")
    assert "Ausgang: gesendet 1 (Erledigte alle 5 min gezählt)" in stats  # German words
    assert "Gesendet: 0,1 Meldungen/min" in stats
    assert "Abos: 1 aktiv" in stats


async def test_stats_never_scan_the_whole_outbox(w: World) -> None:
    """Issue 21: every /stats counted the whole outbox (284 ms at 2 M alerts). Between
    two counts of the finished alerts, a /stats reads only the waiting ones (on their
    index), however many were sent."""
    await w.reader.ask(ADMIN, "/abo Drohnen", **DE)
    await w.step(berlin(4, 1, 30))
    db = w.services.storage.db  # type: ignore[attr-defined]  # SqlStorage keeps its Db
    statements: list[str] = []
    real = db.fetchall

    async def recorded(sql: str, *args: object, **kwargs: object) -> object:
        statements.append(sql)
        return await real(sql, *args, **kwargs)

    db.fetchall = recorded
    await answer(w, ADMIN, "/stats")  # the first count of this process's clock
    counted = [s for s in statements if "GROUP BY status" in s]
    assert any("NOT IN ('pending', 'sending')" in s for s in counted), counted
    statements.clear()
    for _ in range(3):
        w.clock.advance(timedelta(seconds=FINISHED_COUNT_SECONDS / 4))
        assert "gesendet 1" in await answer(w, ADMIN, "/stats")
    counted = [s for s in statements if "FROM alerts" in s and "COUNT(" in s]
    assert counted, statements
    assert all("WHERE status IN ('pending', 'sending')" in s for s in counted), counted


async def test_an_added_source_can_be_named_for_readers(w: World) -> None:
    """`/sources add URL` showed readers "auch bei: 127.0.0.1": the answer says what
    readers will see, and a name after the URL is what they see instead."""
    page = w.web.set("/local.html", b"<html><body>nothing yet</body></html>")
    plain = await answer(w, ADMIN, f"/sources add {page}")
    assert "Leser sehen sie als „127.0.0.1“" in plain
    named = await answer(w, ADMIN, f"/sources add {page} Lokales   Blog")
    assert "Leser sehen sie als „Lokales Blog“" in named
    [record] = [s for s in await w.services.storage.sources.list_active() if s.url == page]
    assert w.services.sources.label(record.source_id, "de") == "Lokales Blog"
    assert w.services.sources.label(record.source_id, "en") == "Lokales Blog"
