"""Message texts, one TOML catalogue per language, apart from the code that sends them.

A text is a string, or a table of plural forms (`{ one = "…", other = "…" }`) chosen by
the `count` value: "1 Meldung", "3 Meldungen" without "Meldung(en)" in any language.
Dates and times are written the language's way (`moment`): "04.11.2024" / "4 Nov 2024".
"""

from __future__ import annotations

import html
import tomllib
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

from bot.text_repair import repair

LANGUAGES = ("de", "en")
DEFAULT_LANGUAGE = "de"
PLURAL_VALUE = "count"  # the value a plural text is chosen by
PLURAL_FORMS = ("one", "other")  # German and English need no more


class TextError(KeyError):
    """A catalogue key that does not exist, or a plural text used without its count."""


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


def plural_form(language: str, count: int) -> str:
    """The CLDR plural category of an integer in German and English: one or other."""
    return "one" if abs(count) == 1 else "other"


def _template(language: str, key: str) -> str | dict[str, str]:
    lang = language if language in LANGUAGES else DEFAULT_LANGUAGE
    found = catalogue(lang).get(key)
    if not isinstance(found, str | dict):
        found = catalogue(DEFAULT_LANGUAGE).get(key)
    if not isinstance(found, str | dict):
        raise TextError(key)
    return found


def text(language: str, key: str, **values: object) -> str:
    """The message `key` in `language`, with every value HTML-escaped (they come from users).
    A plural text takes the form its `count` value asks for."""
    template = _template(language, key)
    if isinstance(template, dict):
        count = values.get(PLURAL_VALUE)
        if not isinstance(count, int):
            raise TextError(f"{key} is plural: give {PLURAL_VALUE}=<int>")
        template = template.get(plural_form(language, count)) or template["other"]
    # Values are repaired too: a bidi override in a topic name must not turn the text.
    escaped = {name: html.escape(repair(str(value)), quote=False) for name, value in values.items()}
    return template.format(**escaped)


def decimal(language: str, value: float, places: int = 1) -> str:
    """A number with its fraction as the language writes it: "0,1" in German, "0.1" in
    English (thousands are not grouped: the figures here are small)."""
    written = f"{value:.{places}f}"
    return written.replace(".", ",") if language == "de" else written


def moment(language: str, when: datetime, zone: ZoneInfo, style: str = "day_time") -> str:
    """`when` in `zone`, written the language's way: style `date` ("04.11.2024" /
    "4 Nov 2024"), `day_time` ("04.11. 12:00" / "4 Nov, 12:00") or `time` ("12:00")."""
    local = when.astimezone(zone)
    formats: dict[str, Any] = catalogue(language if language in LANGUAGES else DEFAULT_LANGUAGE)[
        "dates"
    ]
    months: list[str] = formats["months"]
    pattern: str = formats[style]
    return pattern.format(
        d=local.day,
        m=local.month,
        y=local.year,
        mon=months[local.month - 1],
        H=local.hour,
        M=local.minute,
    )


def command_descriptions(language: str) -> dict[str, str]:
    commands: dict[str, str] = catalogue(language)["commands"]
    return commands
