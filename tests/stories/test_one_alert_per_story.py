"""One alert per story: the same event from a second outlet edits the first alert."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.clock import FakeClock
from bot.config import LiveblogSettings, Settings, TelegramSettings
from bot.devserver import DevServer
from bot.devserver.client import ChatDriver
from bot.devserver.limits import RateLimits
from bot.harness import running_bot
from bot.services import Services
from tests.conftest import TOKEN
from tests.sources.server import SourceServer, source_server

ANNA = 5101
DE = {"first_name": "Anna", "language_code": "de"}
START = datetime(2024, 11, 17, 1, 0, tzinfo=UTC)

CATALOG = """
[[source]]
id = "alpha"
outlet = "Alpha"
label_de = "Alpha · Ukraine"
label_en = "Alpha · Ukraine"
language = "de"
format = "jsonfeed"
url = "{base}/alpha.json"

[[source]]
id = "beta"
outlet = "Beta"
label_de = "Beta · Ticker"
label_en = "Beta · Ticker"
language = "de"
format = "jsonfeed"
url = "{base}/beta.json"
"""

RAID_ALPHA = (
    "Luftalarm in Kiew",
    "In der ukrainischen Hauptstadt Kiew ist in der Nacht Luftalarm ausgelöst worden. "
    "Bürgermeister Klitschko berichtete von Explosionen im Stadtteil Darnyzja, die "
    "Flugabwehr sei im Einsatz. Zwei Menschen seien verletzt worden.",
)
RAID_BETA = (
    "Explosionen in Kiew - Klitschko meldet Verletzte",
    "Russland hat Kiew in der Nacht erneut angegriffen. Im Bezirk Darnyzja waren laut "
    "Bürgermeister Vitali Klitschko Explosionen zu hören, zwei Personen wurden verletzt. "
    "Die Luftabwehr war aktiv.",
)
# Later the same night: a new count of the injured is a development of its own.
TOLL_BETA = (
    "Mehr Verletzte in Kiew",
    "Nach den Explosionen im Bezirk Darnyzja in Kiew ist die Zahl der Verletzten laut "
    "Bürgermeister Vitali Klitschko gestiegen: fünf Menschen wurden verletzt. Die "
    "Luftabwehr war in der Nacht aktiv.",
)
OTHER_BETA = (
    "Baerbock zu Besuch in Kiew",
    "Außenministerin Baerbock ist am Morgen zu einem unangekündigten Besuch in Kiew "
    "eingetroffen. In der ukrainischen Hauptstadt will sie über Winterhilfe sprechen.",
)


def feed(items: list[tuple[str, str, str, datetime]]) -> bytes:
    return json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "Liveblog",
            "items": [
                {
                    "id": key,
                    "url": f"https://news.test/{key}?a=1&b=2",
                    "title": title,
                    "content_text": text,
                    "date_published": at.isoformat(),
                }
                for key, title, text, at in items
            ],
        }
    ).encode()


@dataclass
class TwoOutlets:
    web: SourceServer
    reader: ChatDriver
    clock: FakeClock
    app: Any
    alpha: list[tuple[str, str, str, datetime]]
    beta: list[tuple[str, str, str, datetime]]

    @property
    def services(self) -> Services:
        services: Services | None = self.app.bot_data.services
        assert services is not None
        return services

    def publish(self) -> None:
        self.web.set("/alpha.json", feed(self.alpha), "application/feed+json")
        self.web.set("/beta.json", feed(self.beta), "application/feed+json")

    async def step(self, minutes: int) -> None:
        self.clock.advance(timedelta(minutes=minutes))
        self.publish()
        assert self.services.poller is not None
        await asyncio.gather(*await self.services.poller.tick())
        assert self.services.delivery is not None
        await self.services.delivery.tick()

    async def bot_events(self) -> list[dict[str, Any]]:
        return [
            e
            for e in await self.reader.events(ANNA)
            if e["kind"] in {"bot_message", "bot_edit"} and "🔔" in e["text"]
        ]


@pytest.fixture
async def outlets(tmp_path: Path) -> AsyncIterator[TwoOutlets]:
    clock = FakeClock(START)
    async with (
        DevServer(RateLimits(private_burst=10), max_long_poll_s=0.2) as telegram,
        source_server() as web,
    ):
        catalog = tmp_path / "sources.toml"
        catalog.write_text(CATALOG.format(base=web.url), "utf-8")
        settings = Settings(
            telegram=TelegramSettings(bot_token=SecretStr(TOKEN), api_url=telegram.api_url),
            liveblog=LiveblogSettings(
                db=tmp_path / "stories.sqlite3", catalog=catalog, sources=["alpha", "beta"]
            ),
        )
        old = ("old", "Archiv", "Ein älterer Eintrag ohne Bezug.", START - timedelta(hours=5))
        world = TwoOutlets(web, ChatDriver(telegram.url), clock, None, [old], [old])
        world.publish()
        async with running_bot(settings, clock) as app, world.reader:
            world.app = app
            await world.step(0)  # first polls: history, nothing is pushed
            await world.reader.ask(ANNA, "/abo Kiew", **DE)
            yield world


async def test_second_outlet_is_named_with_its_headline_and_hides_nothing(
    outlets: TwoOutlets,
) -> None:
    at = outlets.clock.now()
    outlets.alpha.append(("a1", *RAID_ALPHA, at + timedelta(minutes=4)))
    await outlets.step(5)
    [first] = await outlets.bot_events()
    assert "Alpha · Ukraine" in first["text"]
    assert "auch bei" not in first["text"]

    outlets.beta.append(("b1", *RAID_BETA, at + timedelta(minutes=20)))
    await outlets.step(20)
    events = await outlets.bot_events()
    assert sorted(e["kind"] for e in events) == ["bot_edit", "bot_message", "bot_message"]
    [edit] = [e for e in events if e["kind"] == "bot_edit"]
    assert edit["message_id"] == first["message_id"]
    # The edit names the other outlet AND its headline, linked to its report.
    assert (
        "➕ auch bei: Beta · Ticker: Explosionen in Kiew - Klitschko meldet Verletzte"
        in edit["text"]
    )
    html = edit["data"]["html"]
    assert '<a href="https://news.test/b1?a=1&amp;b=2">Explosionen in Kiew' in html
    assert "aktualisiert" not in edit["text"]  # the entry did not change, its sources did
    # The second outlet's report is never hidden: it arrives as an alert of its own.
    [second] = [e for e in events if e["kind"] == "bot_message" and e["seq"] != first["seq"]]
    assert "Beta · Ticker" in second["text"]
    assert "Klitschko meldet Verletzte" in second["text"]


async def test_a_new_toll_from_another_outlet_is_a_new_alert(outlets: TwoOutlets) -> None:
    """Another outlet's later report with a new count of the injured is news: its own
    alert, and the first alert is not edited to fold it in."""
    at = outlets.clock.now()
    outlets.alpha.append(("a1", *RAID_ALPHA, at + timedelta(minutes=4)))
    await outlets.step(5)
    outlets.beta.append(("b2", *TOLL_BETA, at + timedelta(minutes=70)))
    await outlets.step(70)
    events = await outlets.bot_events()
    assert [e["kind"] for e in events] == ["bot_message", "bot_message"]
    assert "Mehr Verletzte in Kiew" in events[1]["text"]
    assert all("auch bei" not in e["text"] for e in events)


async def test_a_reader_who_turned_merging_off_gets_no_auch_bei(outlets: TwoOutlets) -> None:
    [answer] = await outlets.reader.ask(ANNA, "/zusammenfuehren aus", **DE)
    assert "Zusammenführen aus" in answer["text"]
    at = outlets.clock.now()
    outlets.alpha.append(("a1", *RAID_ALPHA, at + timedelta(minutes=4)))
    await outlets.step(5)
    outlets.beta.append(("b1", *RAID_BETA, at + timedelta(minutes=20)))
    await outlets.step(20)
    events = await outlets.bot_events()
    assert [e["kind"] for e in events] == ["bot_message", "bot_message"]
    assert all("auch bei" not in e["text"] for e in events)
    [state] = await outlets.reader.ask(ANNA, "/zusammenfuehren", **DE)
    assert "Jetzt: aus" in state["text"]
    [back] = await outlets.reader.ask(ANNA, "/merge on", **DE)
    assert "Zusammenführen an" in back["text"]


async def test_another_event_from_the_second_outlet_is_its_own_alert(
    outlets: TwoOutlets,
) -> None:
    at = outlets.clock.now()
    outlets.alpha.append(("a1", *RAID_ALPHA, at + timedelta(minutes=4)))
    await outlets.step(5)
    outlets.beta.append(("b2", *OTHER_BETA, at + timedelta(minutes=20)))
    await outlets.step(20)
    events = await outlets.bot_events()
    assert [e["kind"] for e in events] == ["bot_message", "bot_message"]
    assert "Beta · Ticker" in events[1]["text"]
    assert all("auch bei" not in e["text"] for e in events)


async def test_a_held_alert_names_both_outlets_when_it_goes(outlets: TwoOutlets) -> None:
    await outlets.reader.ask(ANNA, "/pause 1h", **DE)
    at = outlets.clock.now()
    outlets.alpha.append(("a1", *RAID_ALPHA, at + timedelta(minutes=4)))
    outlets.beta.append(("b1", *RAID_BETA, at + timedelta(minutes=6)))
    await outlets.step(10)
    assert await outlets.bot_events() == []
    await outlets.step(61)
    [batch] = [
        e for e in await outlets.reader.events(ANNA) if "neue Meldungen" in e.get("text", "")
    ]
    # Both reports reach the reader; the merge names the second outlet on the first.
    assert "📰 2 neue Meldungen" in batch["text"]
    assert "Alpha · Ukraine" in batch["text"]
    assert "➕ auch bei: Beta · Ticker" in batch["text"]
    assert "Klitschko meldet Verletzte" in batch["text"]
