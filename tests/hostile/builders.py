"""Hostile strings and the checks every message builder must pass, shared by the tests."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from hypothesis import strategies as st

from bot.delivery.fit import LIMIT, size
from bot.devserver.html_check import visible_text

T = TypeVar("T")

PIECES = [
    "&",
    "<",
    ">",
    '"',
    "&amp;",
    "<b>",
    "</i>",
    " ",
    "\n",
    "\n\n",
    "\t",
    "Kiew. ",
    "x" * 50,
    "Ä",
    "🚀",
    "𝔘",  # astral: two UTF-16 units
    "\u202e",  # right-to-left override
    "\u200d",  # zero-width joiner
    "\u00ad",  # soft hyphen
    "\ud800",  # a lone surrogate
    "\x00",
]
# Long words, all-entity text, empty and whitespace-only parts, emoji, mixtures.
hostile = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=200).map("".join),
    st.builds(
        lambda char, n: char * n,
        st.sampled_from(["&", "x", "🚀", " ", "<", "\n", '&<>"']),
        st.integers(0, 6000),
    ),
    st.text(max_size=100),
)
short_hostile = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=40).map("".join),
    st.builds(
        lambda char, n: char * n, st.sampled_from(["&", "x", "🚀", " ", '"']), st.integers(0, 300)
    ),
    st.text(max_size=40),
)
# Up to 25 topic names (the most a chat may have), each possibly long and hostile.
topic_names = st.one_of(
    st.lists(short_hostile, max_size=25),
    st.builds(lambda name: [name] * 25, short_hostile),
)


def check_message(message: str) -> str:
    """Fits Telegram's limit and parses as Telegram HTML; returns the visible text."""
    assert len(message) <= LIMIT
    assert size(message) <= LIMIT
    text = visible_text(message)
    assert text.strip(), "Telegram refuses an empty message"
    return text


def finishes(work: Callable[[], T], seconds: float = 10.0) -> T:
    """`work`'s result; fails (instead of hanging the suite) when it never returns.

    The bound is generous: a builder takes milliseconds; only an endless loop meets it."""
    result: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            result.append(work())
        except BaseException as exc:  # handed to the test's thread below
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "the builder never returned (endless loop)"
    if errors:
        raise errors[0]
    return result[0]
