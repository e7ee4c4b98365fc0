"""/start and /help end to end: the reader types into the stand-in, PTB answers over HTTP."""

from __future__ import annotations

from bot.devserver import DevServer
from bot.devserver.client import ChatDriver


async def test_start_in_german_by_default(reader: ChatDriver, bot: object) -> None:
    replies = await reader.ask(1001, "/start", first_name="Anna", language_code="de")
    assert len(replies) == 1
    assert replies[0]["kind"] == "bot_message"
    assert "Willkommen bei Liveblog-Alerts, Anna!" in replies[0]["text"]
    assert "<b>" in replies[0]["data"]["html"]


async def test_start_in_english_for_english_clients(reader: ChatDriver, bot: object) -> None:
    replies = await reader.ask(1002, "/start", first_name="Ben", language_code="en-GB")
    assert "Welcome to Liveblog Alerts, Ben!" in replies[0]["text"]


async def test_second_start_greets_a_returning_reader(reader: ChatDriver, bot: object) -> None:
    await reader.ask(1003, "/start", first_name="Anna")
    replies = await reader.ask(1003, "/start", first_name="Anna")
    assert "wieder da" in replies[0]["text"]


async def test_help_has_a_german_alias(reader: ChatDriver, bot: object) -> None:
    german = await reader.ask(1004, "/hilfe")
    english = await reader.ask(1005, "/help", language_code="en")
    assert "So funktioniert's" in german[0]["text"]
    assert "How it works" in english[0]["text"]


async def test_hostile_name_is_escaped(reader: ChatDriver, bot: object) -> None:
    replies = await reader.ask(1006, "/start", first_name="<b>Eve</b> & <script>")
    assert "&lt;b&gt;Eve&lt;/b&gt; &amp; &lt;script&gt;" in replies[0]["data"]["html"]
    assert "<b>Eve</b> & <script>" in replies[0]["text"]


async def test_unknown_command_gets_an_answer(reader: ChatDriver, bot: object) -> None:
    replies = await reader.ask(1007, "/frobnicate now", language_code="en")
    assert "don't know that command" in replies[0]["text"]


async def test_group_start_with_bot_mention(reader: ChatDriver, bot: object) -> None:
    replies = await reader.ask(
        -2001,
        "/start@liveblog_alerts_bot",
        chat_type="group",
        title="Newsroom",
        user_id=55,
        first_name="Chef",
    )
    assert "Willkommen" in replies[0]["text"]


async def test_command_menus_in_both_languages(devserver: DevServer, bot: object) -> None:
    menus = devserver.state.commands
    german = next(v for k, v in menus.items() if k.endswith("|de"))
    english = next(v for k, v in menus.items() if k.endswith("|en"))
    assert {c["command"] for c in german} >= {"start", "hilfe"}
    assert {c["command"] for c in english} >= {"start", "help"}


async def test_unknown_commands_for_other_bots_are_ignored_in_groups(
    reader: ChatDriver, bot: object
) -> None:
    group = {"chat_type": "group", "title": "Redaktion", "user_id": 9}
    await reader.say(-3001, "/roll@dice_bot", **group)
    await reader.say(-3001, "/frobnicate", **group)
    [answer] = await reader.ask(-3001, "/frobnicate@liveblog_alerts_bot", **group)
    assert "kenne ich nicht" in answer["text"]
    events = await reader.events(-3001)
    assert [e["kind"] for e in events].count("bot_message") == 1
