"""The settings page's words, one TOML file per language beside the chat's texts."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

from bot import texts


@cache
def page_texts(language: str) -> dict[str, str]:
    lang = language if language in texts.LANGUAGES else texts.DEFAULT_LANGUAGE
    path = resources.files("bot") / "texts" / f"webapp.{lang}.toml"
    loaded = tomllib.loads(path.read_text("utf-8"))
    return {str(key): str(value) for key, value in loaded.items()}
