"""Print a chat as a reader would read it: who said what, the bot's buttons, edits."""

from __future__ import annotations

import textwrap
from typing import Any


def _buttons(markup: dict[str, Any] | None) -> list[str]:
    if not markup:
        return []
    rows = []
    for row in markup.get("inline_keyboard", []):
        rows.append("  ".join(f"[ {button.get('text', '')} ]" for button in row))
    return rows


def _label_of(data: str, markups: dict[int, dict[str, Any] | None], message_id: int | None) -> str:
    markup = markups.get(message_id or 0) or {}
    for row in markup.get("inline_keyboard", []):
        for button in row:
            if button.get("callback_data") == data:
                return str(button.get("text", ""))
    return data


def format_event(
    event: dict[str, Any], width: int = 88, markups: dict[int, dict[str, Any] | None] | None = None
) -> str:
    kind = event["kind"]
    if kind == "user_message":
        return f"\n👤 Reader: {event['text']}"
    if kind == "button":
        label = _label_of(event["text"], markups or {}, event.get("message_id"))
        return f"\n👤 Reader taps [ {label} ]"
    if kind in {"bot_message", "bot_edit"}:
        label = "🤖 Bot" if kind == "bot_message" else "✏️  Bot edits its message"
        lines = [f"{label}:"]
        for paragraph in str(event["text"]).split("\n"):
            wrapped = textwrap.wrap(paragraph, width - 4) or [""]
            lines.extend(f"    {line}" for line in wrapped)
        lines.extend(f"    {row}" for row in _buttons(event.get("data", {}).get("reply_markup")))
        return "\n".join(lines)
    if kind == "callback_answer":
        return f"    💬 {event['text']}" if event["text"] else ""
    if kind == "error":
        return f"⚠️  Telegram answered an error: {event['text']}"
    return f"({kind}) {event['text']}"


def format_transcript(
    events: list[dict[str, Any]], earlier: list[dict[str, Any]] | None = None
) -> str:
    """The events as a chat; `earlier` events only lend their buttons' labels."""
    markups: dict[int, dict[str, Any] | None] = {}
    first = events[0]["seq"] if events else 0
    for event in earlier or []:
        if event["seq"] >= first:
            break
        if event["kind"] in {"bot_message", "bot_edit", "bot_markup"}:
            markups[event["message_id"]] = event.get("data", {}).get("reply_markup")
    lines = []
    for event in events:
        if event["kind"] in {"bot_message", "bot_edit", "bot_markup"}:
            markups[event["message_id"]] = event.get("data", {}).get("reply_markup")
        if event["kind"] == "bot_markup":
            continue
        line = format_event(event, markups=markups)
        if line:
            lines.append(line)
    return "\n".join(lines)
