"""Subscribing, listing, unsubscribing and the catalog, driven through the stand-in."""

from __future__ import annotations

from bot.devserver import DevServer
from bot.devserver.client import ChatDriver
from tests.helpers import button, buttons, messages, services_of

ANNA = {"first_name": "Anna", "language_code": "de"}
BEN = {"first_name": "Ben", "language_code": "en"}


async def test_subscribe_by_command_in_german(reader: ChatDriver, bot: object) -> None:
    [answer] = await reader.ask(2001, "/abo Luftangriffe auf Kiew", **ANNA)
    assert "Abonniert: Luftangriffe auf Kiew" in answer["text"]
    assert "Ich suche: Luftangriff" in answer["text"]
    assert "Kiew (Kyjiw" in answer["text"]
    assert "letzten 7 Tagen hätte das 0 Meldungen" in answer["text"]
    [again] = await reader.ask(2001, "/abo air raids on Kyiv", **ANNA)
    assert "schon abonniert" in again["text"]


async def test_free_query_in_english_names_unused_words(reader: ChatDriver, bot: object) -> None:
    [answer] = await reader.ask(2002, "/subscribe drones over Odesa", **BEN)
    assert "Subscribed" in answer["text"]
    assert "I look for: drones" in answer["text"]
    assert "Odesa" in answer["text"]
    assert "Not used: over" in answer["text"]


async def test_misspelt_name_gets_suggestions(reader: ChatDriver, bot: object) -> None:
    [answer] = await reader.ask(2003, "/abo Klitschkko", **ANNA)
    assert "Meintest du" in answer["text"]
    assert "Klitschko" in [text for text, _ in buttons(answer)]
    events = await reader.click(2003, answer["message_id"], button(answer, "Klitschko"), replies=2)
    [confirmation] = messages(events)
    assert "Abonniert: Klitschko" in confirmation["text"]


async def test_bad_queries_get_clear_answers(reader: ChatDriver, bot: object) -> None:
    [only_filler] = await reader.ask(2004, "/abo der die das", **ANNA)
    assert "Nur Füllwörter" in only_filler["text"]
    [too_long] = await reader.ask(2004, "/abo " + "Kiew " * 40, **ANNA)
    assert "höchstens 100 Zeichen" in too_long["text"]
    [empty] = await reader.ask(2004, "/abo", **ANNA)
    assert "Was möchtest du abonnieren" in empty["text"]
    assert buttons(empty)  # the catalog, to tap instead


async def test_list_and_unsubscribe_by_number_name_and_button(
    reader: ChatDriver, bot: object
) -> None:
    for query in ("Nordkorea", "Drohnen", "Baerbock"):
        await reader.ask(2005, f"/abo {query}", **ANNA)
    [listing] = await reader.ask(2005, "/abos", **ANNA)
    assert "1. Nordkorea" in listing["text"]
    assert "3. Baerbock" in listing["text"]
    assert "Modus: sofort" in listing["text"]
    [by_number] = await reader.ask(2005, "/abbestellen 2", **ANNA)
    assert "Abo beendet: Drohnen" in by_number["text"]
    [by_name] = await reader.ask(2005, "/abbestellen nordkorea", **ANNA)
    assert "Abo beendet: Nordkorea" in by_name["text"]
    [unknown] = await reader.ask(2005, "/abbestellen Mond", **ANNA)
    assert "finde ich nicht" in unknown["text"]
    [listing] = await reader.ask(2005, "/abos", **ANNA)
    events = await reader.click(2005, listing["message_id"], button(listing, "Baerbock"), replies=2)
    assert any("Abo beendet: Baerbock" in e["text"] for e in events)
    [empty] = await reader.ask(2005, "/abos", **ANNA)
    assert "noch keine Abos" in empty["text"]


async def test_catalog_buttons_toggle_with_a_check_mark(reader: ChatDriver, bot: object) -> None:
    [catalog] = await reader.ask(2006, "/themen", **ANNA)
    themes = [t for t, _ in buttons(catalog)]
    assert themes[:2] == ["Krieg in der Ukraine ▸", "Naher Osten ▸"]
    assert "Naturkatastrophen ▸" in themes
    events = await reader.click(2006, catalog["message_id"], button(catalog, "Ukraine"), replies=1)
    war = next(e for e in events if e["kind"] == "bot_markup")
    assert "1/4" in [t for t, _ in buttons(war)]
    data = button(war, "Luftangriffe auf Kiew")
    events = await reader.click(2006, catalog["message_id"], data, replies=2)
    edited = next(e for e in events if e["kind"] == "bot_markup")
    assert "✓ Luftangriffe auf Kiew" in [t for t, _ in buttons(edited)]
    assert any("Abonniert" in e["text"] for e in events if e["kind"] == "callback_answer")
    back = button(edited, "alle Themen")
    events = await reader.click(2006, catalog["message_id"], back, replies=1)
    overview = next(e for e in events if e["kind"] == "bot_markup")
    assert "Krieg in der Ukraine (1 ✓) ▸" in [t for t, _ in buttons(overview)]
    events = await reader.click(2006, catalog["message_id"], data, replies=2)
    edited = next(e for e in events if e["kind"] == "bot_markup")
    assert "Luftangriffe auf Kiew" in [t for t, _ in buttons(edited)]
    next_page = button(edited, "weiter")
    events = await reader.click(2006, catalog["message_id"], next_page, replies=1)
    page_two = next(e for e in events if e["kind"] == "bot_markup")
    assert "2/4" in [t for t, _ in buttons(page_two)]


async def test_every_theme_opens_with_its_topics(reader: ChatDriver, bot: object) -> None:
    [catalog] = await reader.ask(2010, "/topics", **BEN)
    assert "Middle East ▸" in [t for t, _ in buttons(catalog)]
    for label, data in buttons(catalog):
        assert len(data.encode()) <= 64
        events = await reader.click(2010, catalog["message_id"], data, replies=1)
        shown = next(e for e in events if e["kind"] == "bot_markup")
        names = [t for t, _ in buttons(shown)]
        assert "◀ all themes" in names, label
        assert len(names) > 1, label
        assert all(len(d.encode()) <= 64 for _, d in buttons(shown))
    middle_east = button(catalog, "Middle East")
    events = await reader.click(2010, catalog["message_id"], middle_east, replies=1)
    shown = next(e for e in events if e["kind"] == "bot_markup")
    assert "Hostages" in [t for t, _ in buttons(shown)]


async def test_forged_and_foreign_buttons_expire(reader: ChatDriver, bot: object) -> None:
    [catalog] = await reader.ask(2007, "/themen", **ANNA)
    for forged in (
        "1:tog:kyiv-air-raids.0:AAAAAAAAAAAA",
        "garbage",
        "0:x:y:z",
        "1:unsub:1:" + "A" * 40,
    ):
        [answer] = await reader.click(2007, catalog["message_id"], forged)
        assert answer["kind"] == "callback_answer"
        assert "abgelaufen" in answer["text"]
    # A genuine button copied into another chat is not valid there.
    [other] = await reader.ask(2008, "/themen", **ANNA)
    [answer] = await reader.click(2008, other["message_id"], button(catalog, "Naher Osten"))
    assert "abgelaufen" in answer["text"]


async def test_subscription_limit(reader: ChatDriver, bot: object) -> None:
    services_of(bot).subscriptions.max_per_chat = 2
    await reader.ask(2009, "/abo Nordkorea", **ANNA)
    await reader.ask(2009, "/abo Drohnen", **ANNA)
    [answer] = await reader.ask(2009, "/abo Baerbock", **ANNA)
    assert "schon 2 Abos" in answer["text"]


async def test_group_admins_only(reader: ChatDriver, devserver: DevServer, bot: object) -> None:
    group = {"chat_type": "group", "title": "Redaktion"}
    await reader.set_admins(-5001, [77])
    [refused] = await reader.ask(-5001, "/abo Nordkorea", user_id=78, **group, **ANNA)
    assert "nur Administratorinnen" in refused["text"]
    [accepted] = await reader.ask(
        -5001, "/abo@liveblog_alerts_bot Nordkorea", user_id=77, **group, **ANNA
    )
    assert "Abonniert: Nordkorea" in accepted["text"]
    [listing] = await reader.ask(-5001, "/abos", user_id=78, **group, **ANNA)
    assert "1. Nordkorea" in listing["text"]  # reading is fine for everyone
    [answer] = await reader.click(
        -5001, listing["message_id"], button(listing, "Nordkorea"), user_id=78, **ANNA
    )
    assert "nur Administratorinnen" in answer["text"]


async def test_group_migration_keeps_the_data(reader: ChatDriver, bot: object) -> None:
    group = {"chat_type": "group", "title": "Redaktion"}
    await reader.set_admins(-5002, [77])
    await reader.ask(-5002, "/abo Nordkorea", user_id=77, **group, **ANNA)
    await reader.migrate(-5002, -1005002)
    await reader.set_admins(-1005002, [77])
    [listing] = await reader.ask(
        -1005002, "/abos", user_id=77, chat_type="supergroup", title="Redaktion", **ANNA
    )
    assert "1. Nordkorea" in listing["text"]


async def test_stop_deletes_everything_after_confirmation(reader: ChatDriver, bot: object) -> None:
    await reader.ask(2010, "/abo Nordkorea", **ANNA)
    [confirm] = await reader.ask(2010, "/stopp", **ANNA)
    events = await reader.click(
        2010, confirm["message_id"], button(confirm, "Abbrechen"), replies=2
    )
    assert any("Nichts gelöscht" in e["text"] for e in events)
    events = await reader.click(2010, confirm["message_id"], button(confirm, "Ja"), replies=2)
    assert any("Alles gelöscht" in e["text"] for e in events)
    storage = services_of(bot).storage
    assert await storage.chats.get(2010) is None
    assert await storage.subscriptions.for_chat(2010) == []
