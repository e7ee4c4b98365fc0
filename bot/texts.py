"""Message texts, one TOML catalogue per language, apart from the code that sends them."""

from __future__ import annotations

import html
import tomllib
from functools import cache
from importlib import resources
from typing import Any

from bot.text_repair import repair

LANGUAGES = ("de", "en")
DEFAULT_LANGUAGE = "de"


@cache
def catalogue(language: str) -> dict[str, Any]:
    path = resources.files("bot") / "texts" / f"{language}.toml"
    loaded: dict[str, Any] = tomllib.loads(path.read_text("utf-8"))
    return loaded


def pick_language(code: str | None) -> str:
    """German first; English for readers whose Telegram speaks English (or anything else)."""
    if not code:
        return DEFAULT_LANGUAGE
    base = code.split("-")[0].lower()
    if base in LANGUAGES:
        return base
    return "en" if base else DEFAULT_LANGUAGE


def text(language: str, key: str, **values: object) -> str:
    """The message `key` in `language`, with every value HTML-escaped (they come from users)."""
    lang = language if language in LANGUAGES else DEFAULT_LANGUAGE
    template = catalogue(lang).get(key)
    if not isinstance(template, str):
        template = catalogue(DEFAULT_LANGUAGE)[key]
    # Values are repaired too: a bidi override in a topic name must not turn the text.
    escaped = {name: html.escape(repair(str(value)), quote=False) for name, value in values.items()}
    return template.format(**escaped)


def command_descriptions(language: str) -> dict[str, str]:
    commands: dict[str, str] = catalogue(language)["commands"]
    return commands
