"""/einstellungen: every setting by tapping (issue 19 item 1), through the stand-in."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.delivery.world import World, world
from tests.helpers import button, buttons, messages

ANNA, GROUP, ADMIN, MEMBER = 4601, -4601, 4602, 4603
DE = {"first_name": "Anna", "language_code": "de"}


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[World]:
    async with world(
        tmp_path, metrics_listen="127.0.0.1:0", webapp_url="https://bot.example.org/app"
    ) as it:
        yield it


def marked(message: dict[str, Any]) -> list[str]:
    return [label for label, _ in buttons(message) if label.startswith("✓ ")]


async def tap(w: World, chat: int, message: dict[str, Any], label: str, **user: Any) -> Any:
    events = await w.reader.click(chat, message["message_id"], button(message, label), 2, **user)
    [answer] = [e for e in events if e["kind"] == "callback_answer"]
    edits = [e for e in events if e["kind"] == "bot_edit"]
    return answer, (edits[-1] if edits else None)


async def test_settings_change_by_tapping_with_the_current_choice_marked(w: World) -> None:
    [menu] = messages(await w.reader.ask(ANNA, "/einstellungen", **DE))
    assert "Einstellungen" in menu["text"]
    assert marked(menu) == ["✓ sofort", "✓ 🌙 aus", "✓ 📰 aus", "✓ Berlin", "✓ Deutsch"]
    rows = menu["data"]["reply_markup"]["inline_keyboard"]
    assert rows[-1][0]["web_app"]["url"] == "https://bot.example.org/app/"

    answer, edited = await tap(w, ANNA, menu, "stündlich", **DE)
    assert answer["text"] == "Gespeichert."
    assert "✓ stündlich" in marked(edited)
    _, edited = await tap(w, ANNA, edited, "🌙 23–07", **DE)
    _, edited = await tap(w, ANNA, edited, "📰 07:00", **DE)
    _, edited = await tap(w, ANNA, edited, "London", **DE)
    assert marked(edited) == ["✓ stündlich", "✓ 🌙 23–07", "✓ 📰 07:00", "✓ London", "✓ Deutsch"]
    chat = await w.services.storage.chats.get(ANNA)
    assert chat is not None
    assert (chat.mode, chat.quiet_start, chat.quiet_end, chat.digest_time, chat.timezone) == (
        "hourly", "23:00", "07:00", "07:00", "Europe/London",
    )  # fmt: skip
    assert chat.next_digest_at is not None
    [listing] = messages(await w.reader.ask(ANNA, "/abos", **DE))
    assert "07:00" in listing["text"]

    # A language tap answers, and redraws, in the new language.
    answer, edited = await tap(w, ANNA, edited, "English", **DE)
    assert answer["text"] == "Saved."
    assert "Settings" in edited["text"]
    assert "✓ hourly" in marked(edited)


async def test_daily_mode_by_tap_brings_a_digest_time(w: World) -> None:
    [menu] = messages(await w.reader.ask(ANNA, "/settings", first_name="Ann", language_code="en"))
    _, edited = await tap(w, ANNA, menu, "daily", language_code="en")
    assert "✓ daily" in marked(edited)
    assert "✓ 📰 20:00" in marked(edited)  # daily without a digest would deliver nothing


async def test_in_a_group_only_admins_tap_and_no_page_button(w: World) -> None:
    await w.reader.set_admins(GROUP, [ADMIN])
    [menu] = messages(await w.reader.ask(GROUP, "/einstellungen", user_id=ADMIN, **DE))
    rows = menu["data"]["reply_markup"]["inline_keyboard"]
    assert all("web_app" not in b for row in rows for b in row)
    answer, edited = await tap(w, GROUP, menu, "täglich", user_id=MEMBER, first_name="M")
    assert edited is None
    assert "Admin" in answer["text"]
    chat = await w.services.storage.chats.get(GROUP)
    assert chat is not None
    assert chat.mode == "instant"


async def test_tampered_setting_buttons_change_nothing(w: World) -> None:
    [menu] = messages(await w.reader.ask(ANNA, "/einstellungen", **DE))
    codec = w.services.codec
    for arg in ("m.weekly", "q.2500-0700", "z.99", "l.fr", "d.7", "x.1"):
        data = codec.encode(ANNA, "set", arg)  # signed, but not a choice we offer
        events = await w.reader.click(ANNA, menu["message_id"], data, **DE)
        [answer] = [e for e in events if e["kind"] == "callback_answer"]
        assert "abgelaufen" in answer["text"]
    chat = await w.services.storage.chats.get(ANNA)
    assert chat is not None
    assert (chat.mode, chat.quiet_start, chat.language) == ("instant", None, "de")


async def test_a_setting_command_without_a_value_offers_its_choices(w: World) -> None:
    [answer] = messages(await w.reader.ask(ANNA, "/modus", **DE))
    assert marked(answer) == ["✓ sofort"]
    _, edited = await tap(w, ANNA, answer, "stündlich", **DE)
    assert edited["text"].startswith("✓ Zustellung: stündlich")
    assert marked(edited) == ["✓ stündlich"]
    [quiet] = messages(await w.reader.ask(ANNA, "/ruhe", **DE))
    _, edited = await tap(w, ANNA, quiet, "🌙 22–07", **DE)
    assert marked(edited) == ["✓ 🌙 22–07"]
    [zone] = messages(await w.reader.ask(ANNA, "/zeitzone", **DE))
    assert "✓ Berlin" in marked(zone)
    [lang] = messages(await w.reader.ask(ANNA, "/sprache", **DE))
    _, edited = await tap(w, ANNA, lang, "English", **DE)
    assert marked(edited) == ["✓ English"]
    chat = await w.services.storage.chats.get(ANNA)
    assert chat is not None
    assert (chat.mode, chat.quiet_start, chat.language) == ("hourly", "22:00", "en")


EN = {"first_name": "Ann", "language_code": "en"}
# Each command the issue names, bare, in both languages: (command, the marks it shows).
BARE = {
    "de": [
        ("/einstellungen", ["✓ sofort", "✓ 🌙 aus", "✓ 📰 aus", "✓ Berlin", "✓ Deutsch"]),
        ("/modus", ["✓ sofort"]),
        ("/ruhe", ["✓ 🌙 aus"]),
        ("/zusammenfassung", ["✓ 📰 aus"]),
        ("/zeitzone", ["✓ Berlin"]),
        ("/sprache", ["✓ Deutsch"]),
    ],
    "en": [
        ("/settings", ["✓ instant", "✓ 🌙 off", "✓ 📰 off", "✓ Berlin", "✓ English"]),
        ("/mode", ["✓ instant"]),
        ("/quiet", ["✓ 🌙 off"]),
        ("/digest", ["✓ 📰 off"]),
        ("/timezone", ["✓ Berlin"]),
        ("/lang", ["✓ English"]),
    ],
}


@pytest.mark.parametrize("language", ["de", "en"])
async def test_every_setting_command_answers_a_bare_call_with_marked_choices(
    w: World, language: str
) -> None:
    chat, user = (ANNA, DE) if language == "de" else (ANNA + 10, EN)
    for command, marks in BARE[language]:
        [answer] = messages(await w.reader.ask(chat, command, **user))
        assert marked(answer) == marks, command
        assert len(buttons(answer)) > len(marks), command  # choices besides the current one


async def test_the_digest_by_tapping_and_read_now(w: World) -> None:
    await w.reader.ask(ANNA, "/abo Drohnen", **DE)
    [answer] = messages(await w.reader.ask(ANNA, "/zusammenfassung", **DE))
    assert answer["text"].startswith("Tägliche Zusammenfassung: aus")
    _, edited = await tap(w, ANNA, answer, "📰 18:00", **DE)
    assert marked(edited) == ["✓ 📰 18:00"]
    chat = await w.services.storage.chats.get(ANNA)
    assert chat is not None
    assert chat.digest_time == "18:00"
    assert chat.next_digest_at is not None
    # "Read now" stays under the redrawn answer and sends the digest so far.
    now = button(edited, "jetzt lesen")
    events = await w.reader.click(ANNA, edited["message_id"], now, 2, **DE)
    sent = [e for e in events if e["kind"] == "bot_message"]
    assert sent
    assert sent[0]["text"].startswith(("🗞 Deine Zusammenfassung", "Nichts Neues"))
    [listing] = messages(await w.reader.ask(ANNA, "/abos", **DE))
    assert "18:00" in listing["text"]

    # Daily alerts come only with the digest: its "off" is refused, nothing changes.
    await w.reader.ask(ANNA, "/modus taeglich", **DE)
    [answer] = messages(await w.reader.ask(ANNA, "/zusammenfassung", **DE))
    toast, edited = await tap(w, ANNA, answer, "📰 aus", **DE)
    assert "täglich" in toast["text"]
    chat = await w.services.storage.chats.get(ANNA)
    assert chat is not None
    assert chat.digest_time == "18:00"


async def test_without_a_page_url_the_buttons_are_all_there_is(tmp_path: Path) -> None:
    """No settings page configured: no menu button to a page, no page button; every
    setting is still a tap away."""
    async with world(tmp_path) as plain:
        [menu] = messages(await plain.reader.ask(ANNA, "/einstellungen", **DE))
        rows = menu["data"]["reply_markup"]["inline_keyboard"]
        assert all("web_app" not in b for row in rows for b in row)
        assert marked(menu) == ["✓ sofort", "✓ 🌙 aus", "✓ 📰 aus", "✓ Berlin", "✓ Deutsch"]
        state = await plain.reader.state()
        assert state["menu_buttons"].get("default", {}).get("type") != "web_app"
        _, edited = await tap(plain, ANNA, menu, "täglich", **DE)
        assert "✓ täglich" in marked(edited)
