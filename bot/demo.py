"""`liveblog-alerts demo`: the whole product offline, in under a minute.

A local Bot API stand-in plays Telegram, a local web server plays tagesschau.de and
n-tv.de (their news feeds, the sample liveblog and an n-tv ticker filling up as the
demo's clock moves through 4 Nov 2024), and the real bot follows both from the source
catalog, as configured with `LIVEBLOG_SOURCES=tagesschau-ukraine,ntv-ukraine` and
LIVEBLOG_ORIGINS pointing both sites at the local server. A reader types commands;
the transcript shows what she typed and what the bot answered and pushed.
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from aiohttp import web
from pydantic import SecretStr

from bot.clock import FakeClock
from bot.config import LiveblogSettings, Settings, TelegramSettings
from bot.devserver import DevServer
from bot.devserver.client import ChatDriver
from bot.devserver.limits import RateLimits
from bot.harness import running_bot
from bot.services import Services
from bot.sources.outlet_samples import NTV_PAGE, ntv_html, ntv_sample_entries
from bot.sources.samples import LiveblogSimulator
from bot.transcript import format_transcript

ANNA, BEN = 4711, 4712
DEMO_TOKEN = "123456:DEMO-token"
BERLIN = ZoneInfo("Europe/Berlin")
PAGE = "/newsticker/liveblog-ukraine-montag-372.html"
NTV_PATH = urlparse(NTV_PAGE).path
FEEDS = {  # the catalog's overview feeds: each names the day's page
    "/index~rss2.xml": "https://www.tagesschau.de" + PAGE,
    "/politik/rss": NTV_PAGE,
}
ORIGINS = ("https://www.tagesschau.de", "https://www.n-tv.de")
DE: dict[str, Any] = {"first_name": "Anna", "language_code": "de"}
EN: dict[str, Any] = {"first_name": "Ben", "language_code": "en"}


def at(hour: int, minute: int) -> datetime:
    return datetime(2024, 11, 4, hour, minute, tzinfo=BERLIN)


class Demo:
    def __init__(self, out: list[str]) -> None:
        self.out = out
        self.clock = FakeClock(at(1, 0))
        self.liveblog = LiveblogSimulator()
        self.ticker = LiveblogSimulator(ntv_sample_entries(), render=ntv_html)
        self.seen: dict[int, int] = {}  # per chat: the last event shown

    async def serve_page(self, _request: web.Request) -> web.Response:
        return web.Response(
            body=self.liveblog.page(self.clock.now()), content_type="text/html", charset="utf-8"
        )

    async def serve_ticker(self, _request: web.Request) -> web.Response:
        return web.Response(
            body=self.ticker.page(self.clock.now()), content_type="text/html", charset="utf-8"
        )

    async def serve_feed(self, request: web.Request) -> web.Response:
        link = FEEDS[request.path]
        feed = (
            "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>News"
            f"</title><item><title>Liveblog</title><link>{link}</link></item></channel></rss>"
        )
        return web.Response(text=feed, content_type="application/rss+xml")

    def say(self, text: str) -> None:
        self.out.append(text)

    async def show_chat(self, reader: ChatDriver, chat_id: int) -> None:
        """What happened in this chat since it was last shown (another chat's turn never
        hides it: Ben's alerts arrive while Anna's chat is on screen)."""
        everything_here = await reader.events(chat_id)
        events = [e for e in everything_here if e["seq"] > self.seen.get(chat_id, 0)]
        if events:
            self.say(format_transcript(events, earlier=everything_here))
            self.seen[chat_id] = events[-1]["seq"]

    async def time_passes(self, services: Services, moment: datetime, note: str) -> None:
        self.clock.set(moment)
        assert services.poller is not None
        assert services.delivery is not None
        await asyncio.gather(*await services.poller.tick())
        await services.delivery.tick()
        self.say(f"\n⏱  {moment:%H:%M} – {note}")

    async def run(self) -> None:
        with tempfile.TemporaryDirectory(prefix="liveblog-demo-") as tmp:
            app = web.Application()
            app.router.add_get(PAGE, self.serve_page)
            app.router.add_get(NTV_PATH, self.serve_ticker)
            for path in FEEDS:
                app.router.add_get(path, self.serve_feed)
            runner = web.AppRunner(app, access_log=None)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            local = f"http://127.0.0.1:{runner.addresses[0][1]}"
            try:
                # Telegram tolerates short bursts in a private chat (a reader typing a few
                # commands in a row); the stand-in's strict mode is for the benchmarks.
                limits = RateLimits(private_burst=20)
                async with DevServer(limits) as telegram, ChatDriver(telegram.url) as reader:
                    settings = Settings(
                        telegram=TelegramSettings(
                            bot_token=SecretStr(DEMO_TOKEN), api_url=telegram.api_url
                        ),
                        liveblog=LiveblogSettings(
                            db=Path(tmp) / "demo.sqlite3",
                            sources=["tagesschau-ukraine", "ntv-ukraine"],
                            origins=dict.fromkeys(ORIGINS, local),
                        ),
                    )
                    async with running_bot(settings, self.clock) as bot:
                        await self.script(reader, bot.bot_data.services)
            finally:
                await runner.cleanup()

    async def script(self, reader: ChatDriver, services: Any) -> None:
        self.say("=== 01:00 – Anna meets the bot (German client); it follows two sources ===")
        await asyncio.gather(*await services.poller.tick())  # the feeds name today's pages
        await asyncio.gather(*await services.poller.tick())  # the bot reads them once
        welcome = (await reader.ask(ANNA, "/start", **DE))[0]
        await reader.ask(ANNA, "/hilfe", **DE)
        await self.show_chat(reader, ANNA)

        self.say("\n=== Anna subscribes by command, taps a catalog button, lists ===")
        await reader.ask(ANNA, "/abo Luftangriffe auf Kiew", **DE)
        await reader.ask(ANNA, "/abo Nordkorea", **DE)
        await self.tap_topic(reader, welcome, "Kursk")
        await reader.ask(ANNA, "/abos", **DE)
        await self.show_chat(reader, ANNA)

        self.say("\n=== Ben (English client) follows drones ===")
        await reader.ask(BEN, "/subscribe drones", **EN)
        await self.show_chat(reader, BEN)

        self.say("\n=== The day goes by; both liveblogs fill up (a tick = poll + deliver) ===")
        await self.time_passes(services, at(1, 30), "a drone attack on Kyiv is reported")
        await self.time_passes(
            services, at(10, 45), "the 10:30 update: Charkiw, Baerbock in Kiew, …"
        )
        await self.time_passes(services, at(23, 40), "the evening: Klitschko, North Korea, …")
        drone = next(
            e for e in self.liveblog.entries if e.title and "Drohnen attackiert" in e.title
        )
        self.liveblog.correct(
            drone.key, drone.text + " Nach ersten Angaben wurden zwei Menschen verletzt."
        )
        await self.time_passes(services, at(23, 50), "tagesschau adds to the 01:26 Kyiv entry")
        self.say("\n--- Anna's chat ---")
        await self.show_chat(reader, ANNA)

        await self.why_and_settings(reader)

        self.say("\n--- Ben's chat (English) ---")
        await self.show_chat(reader, BEN)

        self.say("\n=== Ben previews a search without subscribing ===")
        await reader.ask(BEN, "/preview Baerbock", **EN)
        await self.show_chat(reader, BEN)
        await self.summary(services)

        self.say("\n=== 23:55 – Anna asks for her digest: the day, grouped by topic ===")
        [menu] = [
            e
            for e in await reader.ask(ANNA, "/zusammenfassung", **DE)
            if e["kind"] == "bot_message"
        ]
        now = _button(menu["data"]["reply_markup"]["inline_keyboard"], "🗞 jetzt lesen")
        if now is not None:  # the digest's times as buttons, and one to read it now
            await reader.click(ANNA, menu["message_id"], now, replies=2, **DE)
        await self.show_chat(reader, ANNA)

    async def why_and_settings(self, reader: ChatDriver) -> None:
        """Anna asks why an alert came (the button under it), then opens her settings
        and switches to hourly delivery by tapping."""
        self.say(
            "\n=== Anna taps ❓ Warum? under the Kyiv alert, then changes a setting by tap ==="
        )
        events = await reader.events(ANNA)
        alert = next(e for e in events if e["kind"] == "bot_message" and e["text"].startswith("🔔"))
        why = _button(alert["data"]["reply_markup"]["inline_keyboard"], "❓ Warum?")
        if why is not None:
            await reader.click(ANNA, alert["message_id"], why, replies=2, **DE)
        [menu] = [
            e for e in await reader.ask(ANNA, "/einstellungen", **DE) if e["kind"] == "bot_message"
        ]
        hourly = _button(menu["data"]["reply_markup"]["inline_keyboard"], "stündlich")
        if hourly is not None:
            await reader.click(ANNA, menu["message_id"], hourly, replies=2, **DE)
        await self.show_chat(reader, ANNA)

    async def tap_topic(self, reader: ChatDriver, message: dict[str, Any], name: str) -> None:
        """Tap a topic under the greeting; the catalog opens a theme first when it
        shows themes (the first theme: the war in Ukraine)."""
        keyboard = message["data"]["reply_markup"]["inline_keyboard"]
        data = _button(keyboard, name)
        if data is None:
            events = await reader.click(
                ANNA, message["message_id"], keyboard[0][0]["callback_data"], replies=2, **DE
            )
            markups = [e["data"]["reply_markup"] for e in events if e["kind"] == "bot_markup"]
            data = _button(markups[-1]["inline_keyboard"], name) if markups else None
        if data is None:
            raise RuntimeError(f"the catalog has no button {name!r}")
        await reader.click(ANNA, message["message_id"], data, replies=2, **DE)

    async def summary(self, services: Services) -> None:
        storage = services.storage
        subs = {s.display: s.sub_id for s in await storage.subscriptions.for_chat(ANNA)}
        alerts = await storage.alerts.for_chat(ANNA)
        entries = await storage.entries.get_many([a.entry_id for a in alerts])
        for topic in ("Luftangriffe auf Kiew", "Nordkorea"):
            got = sorted(
                (
                    entries[a.entry_id].published_at or entries[a.entry_id].first_seen_at,
                    entries[a.entry_id].title or entries[a.entry_id].body[:50] + " …",
                )
                for a in alerts
                if subs[topic] in a.sub_ids
            )
            self.say(f"\nAnna's alerts for {topic!r} ({len(got)}, each sent once):")
            self.say("\n".join(f"  {when.astimezone(BERLIN):%H:%M} {title}" for when, title in got))


def _button(keyboard: list[list[dict[str, Any]]], text: str) -> str | None:
    found = (b.get("callback_data") for row in keyboard for b in row if b["text"] == text)
    return next(found, None)


def main() -> int:
    lines: list[str] = []
    asyncio.run(asyncio.wait_for(Demo(lines).run(), timeout=55))
    print("\n".join(lines))
    print("\nDemo finished.")
    return 0
