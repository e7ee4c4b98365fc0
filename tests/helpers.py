"""Small helpers for end-to-end tests through the stand-in."""

from __future__ import annotations

from typing import Any

from bot.services import Services


def services_of(app: Any) -> Services:
    services: Services | None = app.bot_data.services
    assert services is not None
    return services


def buttons(event: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, callback data) of a message's buttons; a button that opens a page has none."""
    markup = (event.get("data") or {}).get("reply_markup") or {}
    return [
        (b["text"], b.get("callback_data", ""))
        for row in markup.get("inline_keyboard", [])
        for b in row
    ]


def button(event: dict[str, Any], text_part: str) -> str:
    for text, data in buttons(event):
        if text_part in text:
            return data
    raise AssertionError(f"no button with {text_part!r} in {buttons(event)}")


def messages(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in events if e["kind"] in {"bot_message", "bot_edit"}]
