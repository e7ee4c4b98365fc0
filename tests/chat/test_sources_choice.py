"""Readers choose sources: /quellen toggles them per chat, "@outlet" limits a subscription.

Two sources from a catalog file (a tagesschau page and an n-tv ticker, served on
127.0.0.1); readers talk to the real bot through the stand-in; delivery honours each
chat's choice and each subscription's limit, and alerts carry the catalog's labels.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import SecretStr

from bot.clock import FakeClock
from bot.config import LiveblogSettings, Settings, TelegramSettings
from bot.devserver import DevServer
from bot.devserver.client import ChatDriver
from bot.devserver.limits import RateLimits
from bot.harness import running_bot
from bot.services import Services
from bot.sources.model import Entry
from bot.sources.outlet_samples import ntv_html
from bot.sources.samples import tagesschau_html as tagesschau_page
from tests.conftest import TOKEN
from tests.sources.server import SourceServer, source_server

BERLIN = ZoneInfo("Europe/Berlin")
ANNA, BEN = 5101, 5102
DE: dict[str, Any] = {"first_name": "Anna", "language_code": "de"}
EN: dict[str, Any] = {"first_name": "Ben", "language_code": "en"}
CATALOG = """
[[source]]
id = "ts-ukraine"
outlet = "tagesschau"
label_de = "tagesschau · Ukraine"
label_en = "tagesschau · Ukraine"
language = "de"
url = "{base}/ts.html"
default = true

[[source]]
id = "ntv-ukraine"
outlet = "n-tv"
label_de = "n-tv · Ukraine-Ticker"
label_en = "n-tv · Ukraine ticker"
language = "de"
format = "ntv"
url = "{base}/ntv.html"
default = true
"""


def at(hour: int, minute: int) -> datetime:
    return datetime(2024, 11, 4, hour, minute, tzinfo=BERLIN)


def entry(key: str, when: datetime, title: str, text: str) -> Entry:
    return Entry(key, when, None, title, text, None)


OLD_TS = entry("t0", at(7, 0), "Lage im Osten", "Die Front bleibt umkämpft.")
OLD_NTV = entry("n0", at(7, 5), "Lage im Osten", "Schwere Kämpfe im Donbass.")
T1 = entry("t1", at(10, 0), "Drohnenangriff auf Kiew", "Russland hat Kiew mit Drohnen angegriffen.")
N1 = entry("n1", at(10, 5), "Luftalarm in Kiew", "In Kiew heulen die Sirenen.")
N2 = entry("n2", at(10, 10), "Angriff auf Charkiw", "Russische Gleitbomben treffen Charkiw.")


@dataclass
class Two:
    web: SourceServer
    reader: ChatDriver
    clock: FakeClock
    services: Services

    async def poll_and_deliver(self) -> None:
        assert self.services.poller is not None
        assert self.services.delivery is not None
        for task in await self.services.poller.tick():
            await task
        await self.services.delivery.tick()

    async def alerts(self, chat_id: int) -> list[str]:
        events = await self.reader.events(chat_id)
        return [e["text"] for e in events if e["kind"] == "bot_message" and "🔔" in e["text"]]


@pytest.fixture
async def two(tmp_path: Path) -> AsyncIterator[Two]:
    clock = FakeClock(at(9, 0))
    async with (
        source_server() as web,
        DevServer(RateLimits(private_burst=20), max_long_poll_s=0.2) as telegram,
        ChatDriver(telegram.url) as reader,
    ):
        web.set("/ts.html", tagesschau_html([OLD_TS]))
        web.set("/ntv.html", ntv_html([OLD_NTV]))
        catalog = tmp_path / "sources.toml"
        catalog.write_text(CATALOG.replace("{base}", web.url), "utf-8")
        settings = Settings(
            telegram=TelegramSettings(bot_token=SecretStr(TOKEN), api_url=telegram.api_url),
            liveblog=LiveblogSettings(db=tmp_path / "two.sqlite3", catalog=catalog),
        )
        async with running_bot(settings, clock) as app:
            the = Two(web, reader, clock, app.bot_data.services)
            await the.poll_and_deliver()  # first polls: history
            yield the


def tagesschau_html(entries: list[Entry]) -> bytes:
    return tagesschau_page(entries, anchors={e.key: e.key for e in entries})  # stable ids


def buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    rows = message["data"]["reply_markup"]["inline_keyboard"]
    return [(b["text"], b["callback_data"]) for row in rows for b in row]


async def test_readers_choose_sources_and_limit_subscriptions(two: Two) -> None:
    reader = two.reader
    [menu] = await reader.ask(ANNA, "/quellen", **DE)
    assert [text for text, _ in buttons(menu)] == [
        "✓ tagesschau · Ukraine",
        "✓ n-tv · Ukraine-Ticker",
    ]
    tagesschau = buttons(menu)[0][1]
    assert len(tagesschau.encode()) <= 64
    answers = await reader.click(ANNA, menu["message_id"], tagesschau, replies=2, **DE)
    assert any(e.get("text") == "Quelle aus: tagesschau · Ukraine" for e in answers), answers
    await reader.ask(ANNA, "/abo Kiew", **DE)
    [listing] = await reader.ask(ANNA, "/abos", **DE)
    assert "Quellen: n-tv · Ukraine-Ticker" in listing["text"]

    [english] = await reader.ask(BEN, "/feeds", **EN)
    assert [text for text, _ in buttons(english)][1] == "✓ n-tv · Ukraine ticker"
    await reader.ask(BEN, "/subscribe Kyiv", **EN)
    got = await reader.ask(BEN, "/subscribe Kharkiv @tagesschau", replies=2, **EN)
    assert got[-1]["text"] == "Only from: tagesschau · Ukraine"
    [ben_list] = await reader.ask(BEN, "/list", **EN)
    listed = ben_list["text"].replace("Charkiw", "Kharkiv")
    assert "Kharkiv · instant · only tagesschau · Ukraine" in listed
    assert "Sources: all (tagesschau · Ukraine, n-tv · Ukraine ticker)" in ben_list["text"]
    [unknown] = await reader.ask(BEN, "/subscribe Gaza @bild", **EN)
    assert "bild" in unknown["text"]
    assert "@tagesschau" in unknown["text"]

    two.clock.set(at(10, 15))
    two.web.set("/ts.html", tagesschau_html([T1, OLD_TS]))
    two.web.set("/ntv.html", ntv_html([N2, N1, OLD_NTV]))
    await two.poll_and_deliver()

    anna = await two.alerts(ANNA)
    assert len(anna) == 1, anna  # tagesschau is off for Anna
    assert "Luftalarm in Kiew" in anna[0]
    assert "· n-tv · Ukraine-Ticker" in anna[0]
    ben = await two.alerts(BEN)
    assert len(ben) == 2, ben  # Kharkiv from n-tv is not for a tagesschau-only topic
    assert any("Drohnenangriff auf Kiew" in a and "· tagesschau · Ukraine" in a for a in ben)
    assert any("Luftalarm in Kiew" in a and "· n-tv · Ukraine ticker" in a for a in ben)
    assert not any("Charkiw" in a for a in ben)

    # Anna switches tagesschau back on: its next entries reach her again.
    [menu] = await reader.ask(ANNA, "/quellen", **DE)
    assert buttons(menu)[0][0] == "✗ tagesschau · Ukraine"
    await reader.click(ANNA, menu["message_id"], buttons(menu)[0][1], replies=2, **DE)
    t2 = entry("t2", at(10, 30), "Kiew meldet Stromausfälle", "In Kiew fällt der Strom aus.")
    two.clock.set(at(10, 35))
    two.web.set("/ts.html", tagesschau_html([t2, T1, OLD_TS]))
    await two.poll_and_deliver()
    anna = await two.alerts(ANNA)
    assert len(anna) == 2, anna  # the new entry only: what she missed while off stays missed
    assert "Stromausfälle" in anna[1]
    assert "tagesschau · Ukraine" in anna[1]


async def test_a_forged_source_button_is_refused(two: Two) -> None:
    [menu] = await two.reader.ask(ANNA, "/quellen", **DE)
    forged = buttons(menu)[0][1].replace("ts-ukraine", "ntv-ukraine")
    answers = await two.reader.click(ANNA, menu["message_id"], forged, **DE)
    assert any("abgelaufen" in str(e.get("text")) for e in answers), answers
    assert await two.services.storage.choices.off_for_chat(ANNA) == set()


async def test_source_choices_move_with_a_group_that_becomes_a_supergroup(db_target: str) -> None:
    from storage import open_storage

    now = at(9, 0)
    storage = await open_storage(db_target)
    try:
        for chat_id in (-1, -2, -100):
            await storage.chats.upsert(chat_id, "group", "G", "de", now)
        await storage.choices.set_enabled(-1, "ts-ukraine", False)
        await storage.choices.set_enabled(-2, "ts-ukraine", False)
        await storage.chats.migrate(-1, -1001, now)  # the supergroup is new: moved along
        assert await storage.choices.off_for_chat(-1001) == {"ts-ukraine"}
        await storage.choices.set_enabled(-100, "ntv-ukraine", False)
        await storage.chats.migrate(-2, -100, now)  # both known: the supergroup's choice wins
        assert await storage.choices.off_for_chat(-100) == {"ntv-ukraine"}
        assert await storage.choices.off_for_chats([-1, -2]) == {}
    finally:
        await storage.close()
