"""Readers follow any news, not just the war: /abo through the stand-in, a JSON Feed on
127.0.0.1 with entries from several domains, and the right alerts in the right chats.

The entries are written for this test (not taken from any gold set).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
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
from bot.sources.model import Entry
from bot.sources.samples import json_feed
from tests.conftest import TOKEN
from tests.helpers import services_of
from tests.sources.server import SourceServer, source_server

BERLIN = ZoneInfo("Europe/Berlin")
FEED = "/liveblog/nahost-und-welt.json"
START = datetime(2025, 6, 20, 8, 0, tzinfo=BERLIN)
GAZA, FLOODS, HAIFA, KREMLIN = 5101, 5102, 5103, 5104
DE = {"first_name": "Anna", "language_code": "de"}
EN = {"first_name": "Ben", "language_code": "en"}


def entry(key: str, minutes: int, title: str, text: str) -> Entry:
    published = START + timedelta(minutes=minutes)
    return Entry(key, published, published, title, text, f"https://example.org{FEED}#{key}")


# Already on the page when the bot first polls it: history, never pushed.
OLD = entry(
    "old-1",
    -90,
    "Hilfsgüter für den Gazastreifen",
    "Mehrere Lastwagen mit Lebensmitteln haben den Grenzübergang Kerem Schalom passiert.",
)
NEW = [
    entry(
        "n1",
        30,
        "Gazastreifen: Hilfskonvoi erreicht Chan Junis",
        "Ein Konvoi des Welternährungsprogramms hat nach tagelangem Warten den Süden des "
        "Gazastreifens erreicht. Helfer sprechen von einer verzweifelten Lage in den Lagern.",
    ),
    entry(
        "n2",
        40,
        "Raketen auf Haifa",
        "Bei einem Raketenangriff auf die nordisraelische Hafenstadt Haifa sind nach Angaben "
        "der Rettungsdienste mehrere Menschen verletzt worden. Die Sirenen heulten am Morgen "
        "im gesamten Großraum.",
    ),
    entry(
        "n3",
        50,
        "Überschwemmungen in Norditalien",
        "Nach tagelangem Starkregen sind in der Lombardei ganze Ortschaften überschwemmt. "
        "Tausende Menschen mussten ihre Häuser verlassen, der Pegel des Po steigt weiter.",
    ),
    entry(
        "n4",
        60,
        "Kremlchef empfängt Gäste aus Asien",
        "Der russische Präsident Wladimir Putin hat im Kreml eine Delegation aus Vietnam "
        "empfangen. Es sei um Energie und Handel gegangen, teilte die Präsidialverwaltung mit.",
    ),
    entry(
        "n5",
        70,
        "Haifa feiert sein Hafenfest",
        "Trotz der angespannten Lage hat der Bürgermeister von Haifa das traditionelle "
        "Hafenfest eröffnet. Tausende Besucher kamen an die Promenade.",
    ),
    entry(
        "n6",
        80,
        "Bundestag beschließt Haushalt",
        "Der Bundestag hat den Haushalt für das kommende Jahr mit den Stimmen der "
        "Koalition verabschiedet. Die Opposition kritisierte neue Schulden.",
    ),
    entry(
        "n8",
        85,
        "Kreml weist Bericht zurück",
        "Kremlsprecher Dmitri Peskow hat einen Zeitungsbericht über Truppenverlegungen als "
        "Erfindung bezeichnet. Weitere Angaben machte er nicht.",
    ),
    entry(
        "n9",
        87,
        "Eine Flut von Beschwerden",
        "Beim Bürgeramt ist nach der Umstellung auf das neue Terminsystem eine Flut von "
        "Beschwerden eingegangen. Die Stadt will nachbessern.",
    ),
    entry(
        "n10",
        88,
        "Waffenruhe im Libanon hält",
        "Die Waffenruhe zwischen Israel und der Hisbollah hält nach Angaben von Beobachtern "
        "seit Tagen. In den Grenzdörfern kehren erste Familien zurück.",
    ),
    entry(
        "n7",
        90,
        "Flash floods in Texas",
        "Flash floods swept through several towns in central Texas after a night of torrential "
        "rain. Rescue crews pulled dozens of people from cars and rooftops.",
    ),
]


@dataclass
class Newsroom:
    clock: FakeClock
    web: SourceServer
    reader: ChatDriver
    app: Any

    def publish(self, entries: list[Entry], moment: datetime) -> None:
        self.clock.set(moment)
        self.web.set(FEED, json_feed(entries), "application/feed+json")

    async def poll_and_deliver(self) -> None:
        services = services_of(self.app)
        assert services.poller is not None
        assert services.delivery is not None
        await asyncio.gather(*await services.poller.tick())
        await services.delivery.tick()

    async def alert_titles(self, chat: int) -> list[str]:
        events = await self.reader.events(chat)
        alerts = [e for e in events if e["kind"] == "bot_message" and "🔔" in e["text"]]
        return sorted(a["text"].split("\n")[1] for a in alerts)


@asynccontextmanager
async def newsroom(tmp_path: Path) -> AsyncIterator[Newsroom]:
    clock = FakeClock(START)
    async with (
        DevServer(RateLimits(private_burst=10), max_long_poll_s=0.2) as telegram,
        source_server() as web,
    ):
        url = web.set(FEED, json_feed([OLD]), "application/feed+json")
        settings = Settings(
            telegram=TelegramSettings(bot_token=SecretStr(TOKEN), api_url=telegram.api_url),
            liveblog=LiveblogSettings(db=tmp_path / "news.sqlite3", sources=[url]),
        )
        async with running_bot(settings, clock) as app, ChatDriver(telegram.url) as reader:
            room = Newsroom(clock, web, reader, app)
            await room.poll_and_deliver()  # first poll: the page's history
            yield room


@pytest.fixture
async def room(tmp_path: Path) -> AsyncIterator[Newsroom]:
    async with newsroom(tmp_path) as the_room:
        yield the_room


async def test_replies_explain_what_each_query_looks_for(room: Newsroom) -> None:
    [gaza] = await room.reader.ask(GAZA, "/abo Gaza", **DE)
    assert "Abonniert:" in gaza["text"]
    assert "Gaza" in gaza["text"].split("Ich suche:", 1)[1]
    [floods] = await room.reader.ask(FLOODS, "/abo floods", **EN)
    assert "Subscribed" in floods["text"]
    assert "I look for:" in floods["text"]
    assert "flood" in floods["text"].lower()
    [haifa] = await room.reader.ask(HAIFA, "/abo Angriffe auf Haifa", **DE)
    assert "Abonniert:" in haifa["text"]
    looks_for = haifa["text"].split("Ich suche:", 1)[1]
    assert "Haifa" in looks_for
    assert "angriff" in looks_for.lower()
    [kremlin] = await room.reader.ask(KREMLIN, "/abo Kremlchef", **DE)
    assert "Abonniert:" in kremlin["text"]
    assert "Putin" in kremlin["text"].split("Ich suche:", 1)[1]


async def test_each_chat_gets_its_news_and_only_its_news(room: Newsroom) -> None:
    await room.reader.ask(GAZA, "/abo Gaza", **DE)
    await room.reader.ask(FLOODS, "/abo floods", **EN)
    await room.reader.ask(HAIFA, "/abo Angriffe auf Haifa", **DE)
    await room.reader.ask(KREMLIN, "/abo Kremlchef", **DE)
    room.publish([OLD, *NEW], START + timedelta(minutes=95))
    await room.poll_and_deliver()
    assert await room.alert_titles(GAZA) == ["Gazastreifen: Hilfskonvoi erreicht Chan Junis"]
    assert await room.alert_titles(FLOODS) == [
        "Flash floods in Texas",
        "Überschwemmungen in Norditalien",
    ]
    assert await room.alert_titles(HAIFA) == ["Raketen auf Haifa"]
    assert await room.alert_titles(KREMLIN) == ["Kremlchef empfängt Gäste aus Asien"]
