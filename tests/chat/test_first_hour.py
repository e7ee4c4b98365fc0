"""A new reader's first hour (issue 18), through the stand-in as Telegram would drive it:
settings that explain themselves, plain text, a second tap, the answers' wording."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.clock import FakeClock
from bot.config import LiveblogSettings, Settings, TelegramSettings
from bot.devserver import DevServer
from bot.devserver.client import ChatDriver
from bot.harness import running_bot
from handlers.subscribe import ListedSub, list_message
from tests.conftest import TOKEN
from tests.helpers import button, services_of

ANNA = {"first_name": "Anna", "language_code": "de"}
BEN = {"first_name": "Ben", "language_code": "en"}


def texts_of(events: list[dict[str, object]]) -> list[str]:
    return [str(e.get("text") or "") for e in events]


async def test_only_exclusions_are_refused_not_followed(reader: ChatDriver, bot: object) -> None:
    """`/abo -Kiew` subscribed to Kiew: the minus fell away in the catalog look-up."""
    [answer] = await reader.ask(5001, "/abo -Kiew", **ANNA)
    assert "Nur Ausschlüsse (-Kiew)" in answer["text"]
    assert "/abo Ukraine -Kiew" in answer["text"]
    assert await services_of(bot).storage.subscriptions.for_chat(5001) == []
    [english] = await reader.ask(5002, '/subscribe -"air raid" -Kyiv', **BEN)
    assert english["text"].startswith("Only exclusions")
    [preview] = await reader.ask(5002, "/preview -Kyiv", **BEN)
    assert preview["text"].startswith("Only exclusions (-Kyiv)")


async def test_daily_mode_keeps_its_digest(reader: ChatDriver, bot: object) -> None:
    """`/modus taeglich` then `/zusammenfassung aus`: nothing was ever delivered again."""
    await reader.ask(5003, "/modus taeglich", **ANNA)
    [refused] = await reader.ask(5003, "/zusammenfassung aus", **ANNA)
    assert "ohne sie kämen sie nie" in refused["text"]
    chat = await services_of(bot).storage.chats.get(5003)
    assert chat is not None
    assert chat.digest_time == "20:00"
    assert chat.next_digest_at is not None
    await reader.ask(5003, "/modus sofort", **ANNA)
    [off] = await reader.ask(5003, "/zusammenfassung aus", **ANNA)
    assert off["text"] == "Tägliche Zusammenfassung aus."


async def test_settings_without_a_value_say_what_is_set(reader: ChatDriver, bot: object) -> None:
    [zone] = await reader.ask(5004, "/zeitzone", **ANNA)
    assert zone["text"].startswith("Deine Zeitzone: Europe/Berlin (jetzt 10:00 Uhr).")
    assert "/zeitzone Europe/Berlin" in zone["text"]
    [quiet] = await reader.ask(5004, "/ruhe", **ANNA)
    assert quiet["text"].startswith("Du hast keine Ruhezeit eingestellt.")
    await reader.ask(5004, "/ruhe 22:00-06:30", **ANNA)
    [quiet] = await reader.ask(5004, "/ruhe", **ANNA)
    assert quiet["text"].startswith("Deine Ruhezeit jetzt: 22:00–06:30.")
    [mode] = await reader.ask(5004, "/modus", **ANNA)
    assert mode["text"].startswith("Dein Modus jetzt: sofort.")
    [lang] = await reader.ask(5005, "/lang", **BEN)
    assert lang["text"].startswith("I speak English with you.")
    [pause] = await reader.ask(5004, "/pause", **ANNA)  # used to pause two hours, silently
    assert pause["text"].startswith("Keine Pause: Meldungen kommen wie eingestellt.")
    await reader.ask(5004, "/pause 2h", **ANNA)
    [pause] = await reader.ask(5004, "/pause", **ANNA)
    assert pause["text"].startswith("Pausiert bis 04.11. 12:00")
    [hourly] = await reader.ask(5004, "/modus stündlich", **ANNA)
    assert "Die erste Meldung kommt sofort, danach sammle ich" in hourly["text"]


async def test_digest_now_and_twelve_hour_times(reader: ChatDriver, bot: object) -> None:
    """The English usage offered `/digest now`, which only repeated the usage; `/digest
    8pm` was not understood."""
    await reader.ask(5006, "/subscribe drones", **BEN)
    [now] = await reader.ask(5006, "/digest now", **BEN)
    assert "Nothing new on your topics" in now["text"] or "Your digest" in now["text"]
    [evening] = await reader.ask(5006, "/digest 8pm", **BEN)
    assert evening["text"].startswith("🗞 Daily digest at 20:00 (Europe/Berlin)")
    assert "The next one arrives 4 Nov, 20:00." in evening["text"]  # English date
    [noon] = await reader.ask(5006, "/digest 12:30 p.m.", **BEN)
    assert "Daily digest at 12:30" in noon["text"]
    [bad] = await reader.ask(5006, "/digest 13pm", **BEN)
    assert bad["text"].startswith("Digest: <code>") or bad["text"].startswith("Digest: /digest")


async def test_plain_text_gets_an_answer(reader: ChatDriver, bot: object) -> None:
    [offer] = await reader.ask(5007, "Nordkorea", **ANNA)
    assert "Soll ich dir Meldungen zu „Nordkorea“ schicken?" in offer["text"]
    data = button(offer, "„Nordkorea“ abonnieren")
    [done] = await reader.click(5007, offer["message_id"], data, **ANNA)
    assert "✅ Abonniert: Nordkorea" in done["text"]
    [hello] = await reader.ask(5007, "hallo bot", **ANNA)
    assert hello["text"].startswith("Hallo! Ich verstehe Befehle")
    [english] = await reader.ask(5008, "hi there", **BEN)
    assert english["text"].startswith("Hello! I understand commands")
    # In a group people talk to each other: no answer.
    assert await reader.ask(-5009, "Nordkorea", wait_s=1, **ANNA) == []


async def test_a_second_tap_on_delete_answers_calmly(reader: ChatDriver, bot: object) -> None:
    await reader.ask(5010, "/abo Nordkorea", **ANNA)
    [confirm] = await reader.ask(5010, "/stopp", **ANNA)
    yes = button(confirm, "Ja, alles löschen")
    await reader.click(5010, confirm["message_id"], yes, replies=2, **ANNA)
    again = await reader.click(5010, confirm["message_id"], yes, **ANNA)
    answers = [e for e in again if e["kind"] == "callback_answer"]
    assert answers
    assert "Schon erledigt" in str(answers[0].get("text") or answers[0].get("data"))
    everything = await reader.events(5010)
    assert not any("schiefgelaufen" in t for t in texts_of(everything))
    assert [e for e in everything if e["kind"] == "error"] == []  # no needless edit either


async def test_unsubscribe_hint_names_a_topic_the_chat_has(
    reader: ChatDriver, bot: object
) -> None:
    await reader.ask(5011, "/abo Nordkorea", **ANNA)
    await reader.ask(5011, "/abo Gaza", **ANNA)
    await reader.ask(5011, "/abbestellen Nordkorea", **ANNA)
    [hint] = await reader.ask(5011, "/abbestellen", **ANNA)
    assert "/abbestellen Gaza" in hint["text"]
    assert "Nordkorea" not in hint["text"]
    await reader.ask(5011, "/abbestellen Gaza", **ANNA)
    [none] = await reader.ask(5011, "/abbestellen", **ANNA)
    assert none["text"].startswith("Du hast noch keine Abos.")


async def test_a_group_list_is_the_group_s(reader: ChatDriver, bot: object) -> None:
    [empty] = await reader.ask(-5012, "/abos", chat_type="group", title="Team", **ANNA)
    assert empty["text"].startswith("Diese Gruppe hat noch keine Abos.")
    [which] = await reader.ask(
        -5012, "/abbestellen", chat_type="group", title="Team", anonymous=True, **ANNA
    )
    assert which["text"].startswith("Diese Gruppe hat noch keine Abos.")
    listed = list_message("de", [ListedSub("Kiew", None, False)], [], group=True)
    assert listed.startswith("<b>Abos dieser Gruppe</b>\n1. Kiew")
    assert list_message("en", [ListedSub("Kyiv", None, False)], [], group=True).startswith(
        "<b>This group's subscriptions</b>"
    )


@pytest.fixture
async def two_tagesschau_blogs(
    tmp_path: Path, clock: FakeClock
) -> AsyncIterator[tuple[ChatDriver, object]]:
    """The default catalog's two tagesschau sources (not polled: no jobs run)."""
    async with DevServer(max_long_poll_s=0.2) as server:
        settings = Settings(
            telegram=TelegramSettings(bot_token=SecretStr(TOKEN), api_url=server.api_url),
            liveblog=LiveblogSettings(
                db=tmp_path / "t.sqlite3", sources=["tagesschau-ukraine", "tagesschau-liveblogs"]
            ),
        )
        async with running_bot(settings, clock) as app, ChatDriver(server.url) as driver:
            yield driver, app


async def test_an_unknown_outlet_lists_each_outlet_once(
    two_tagesschau_blogs: tuple[ChatDriver, object],
) -> None:
    reader, _app = two_tagesschau_blogs
    [answer] = await reader.ask(5013, "/abo Gaza @spiegel", **ANNA)
    assert "„spiegel“" in answer["text"]
    assert answer["text"].count("@tagesschau") == 1
