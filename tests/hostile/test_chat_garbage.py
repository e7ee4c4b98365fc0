"""Issue 10: nonsense after any command and tampered button data.

Every command, given garbage (10 kB, control characters, only emoji, a long word,
bidi overrides), answers with one clear, short message and never with the generic
error; made-up, tampered or oversized callback data answers "expired" and changes
nothing. The commands are taken from the registered handlers, so a new command is
covered the day it is added.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram.ext import ApplicationBuilder, CommandHandler

from bot import texts
from bot.devserver import DevServer
from bot.devserver.client import ChatDriver
from handlers import register_all
from tests.helpers import button, messages, services_of


def _command_handlers() -> list[CommandHandler[Any, Any]]:
    """Every registered command handler, from a bot built only to look at them."""
    app = ApplicationBuilder().token("1:inspect").updater(None).build()
    register_all(app)
    handlers = [h for group in app.handlers.values() for h in group]
    return [h for h in handlers if isinstance(h, CommandHandler)]


COMMANDS = sorted({n for h in _command_handlers() for n in h.commands})
# One name per handler for the full garbage matrix (aliases run the same code; the
# random test below samples every name).
ONE_EACH = sorted(min(h.commands) for h in _command_handlers())
GARBAGE = {
    "10kb": "Kiew " * 2048,
    "control": "\x00\x01\x07\x1b[31mrot\x1b[0m\x7f\u200b\u2028\u0085 Kiew",
    "emoji": "🔥💥🚀🇺🇦👍🏽" * 20,
    "emoji_short": "🔥💥🚀",
    "long_word": "Donaudampfschifffahrtsgesellschaftskapitän" * 40,
    "bidi": "\u202eweiK\u202c \u2066ab\u2069 <b>&amp;</b> \"'",
}
ECHO = 60  # an answer may quote a little of the input, never all of it
SHORT = 1024  # the longest answer (/hilfe) is about 900 characters
FAILED = texts.text("de", "error")
# What must never reach a reader: controls, bidi overrides, invisible characters.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def _check_answer(text: str, what: str, garbage: str) -> None:
    assert text.strip(), f"{what}: empty answer"
    assert len(text) <= SHORT, f"{what}: {len(text)} characters"
    assert FAILED not in text, f"{what}: {text[:200]}"
    assert not UNSAFE.search(text), f"{what}: {text[:200]!r}"
    if len(garbage) > ECHO:
        assert garbage[:ECHO] not in text, f"{what} echoes the input"


def test_the_commands_are_all_there() -> None:
    assert {"abo", "abbestellen", "vorschau", "zeitzone", "zusammenfassung", "stopp"} <= set(
        COMMANDS
    )


@pytest.mark.parametrize("kind", sorted(GARBAGE))
async def test_every_command_answers_garbage_clearly(
    kind: str, reader: ChatDriver, devserver: DevServer, bot: Any
) -> None:
    garbage = GARBAGE[kind]
    for number, name in enumerate(ONE_EACH):
        chat = 8000 + number  # one reader per command: no rate limit in the way
        got = messages(await reader.ask(chat, f"/{name} {garbage}", language_code="de"))
        assert got, f"/{name} {kind}: no answer"
        for answer in got:
            _check_answer(answer["text"], f"/{name} {kind}", garbage)
    # Flood control answers are fine (replies wait them out); nothing else may fail.
    errors = [
        e for e in await reader.events() if e["kind"] == "error" and "retry after" not in e["text"]
    ]
    assert errors == []


# ------------------------------------------------------------------ buttons
EXPIRED = "Dieser Knopf ist abgelaufen"


async def _press(reader: ChatDriver, chat: int, message_id: int, data: str) -> list[str]:
    """Press a button; the texts of the callback answers that came back."""
    got = await reader.click(chat, message_id, data)
    return [e["text"] for e in got if e["kind"] == "callback_answer"]


def _tampered(data: str) -> list[str]:
    version, action, arg, signature = data.split(":")
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    return [
        f"{version}:{action}:{arg}:{flipped}",  # a forged signature
        f"{version}:{action}:{arg}9:{signature}",  # another argument, same signature
        f"{version}:{'mute' if action != 'mute' else 'stop'}:{arg}:{signature}",  # other action
        f"2:{action}:{arg}:{signature}",  # a version we never made
        data + ":",
        data + "x" * 60,  # over 64 bytes
        "x" * 10_000,
        "",
        "\x00\u202e🔥:::",
        ":".join(["1"] * 40),
    ]


async def test_tampered_buttons_expire_and_change_nothing(reader: ChatDriver, bot: Any) -> None:
    chat, other = 8601, 8602
    await reader.ask(chat, "/abo Kiew")
    [listing] = await reader.ask(chat, "/abos")
    remove = button(listing, "Kiew")
    [confirm] = await reader.ask(chat, "/stopp")
    delete_all = button(confirm, "löschen")
    for data in [*_tampered(remove), *_tampered(delete_all)]:
        answers = await _press(reader, chat, listing["message_id"], data)
        assert len(answers) == 1, data
        assert answers[0].startswith(EXPIRED), (data, answers)
    # A real button copied into another chat is someone else's: it has expired there.
    await reader.ask(other, "/start")
    for data in (remove, delete_all):
        answers = await _press(reader, other, 1, data)
        assert answers[0].startswith(EXPIRED)
    subs = await services_of(bot).storage.subscriptions.for_chat(chat)
    assert [s.query for s in subs] == ["Kiew"]
    assert await services_of(bot).storage.chats.get(chat) is not None
    assert await services_of(bot).storage.chats.get(other) is not None


# ------------------------------------------------------------------ random input
_examples = itertools.count()
hostile_text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)) | st.sampled_from("\x00\u202e🔥&<>"),
    max_size=300,
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(name=st.sampled_from(sorted(COMMANDS)), args=hostile_text)
async def test_random_commands_get_an_answer(
    reader: ChatDriver, bot: Any, name: str, args: str
) -> None:
    chat = 8700 + next(_examples)  # a fresh reader each time: no rate limit in the way
    got = messages(await reader.ask(chat, f"/{name} {args}"))
    assert got, f"/{name} {args!r}: no answer"
    for answer in got:
        _check_answer(answer["text"], f"/{name} {args!r}", args)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=hostile_text | st.builds(lambda s: "1:" + s, hostile_text))
async def test_random_button_data_expires(reader: ChatDriver, bot: Any, data: str) -> None:
    chat = 8900 + next(_examples)
    [greeting] = await reader.ask(chat, "/start")
    answers = await _press(reader, chat, greeting["message_id"], data)
    assert len(answers) == 1
    assert answers[0].startswith(EXPIRED)
