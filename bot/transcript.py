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


def format_event(event: dict[str, Any], width: int = 88) -> str:
    kind = event["kind"]
    if kind == "user_message":
        return f"\n👤 Reader: {event['text']}"
    if kind == "button":
        return f"\n👤 Reader taps a button ({event['text']})"
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


def format_transcript(events: list[dict[str, Any]]) -> str:
    shown = (format_event(e) for e in events if e["kind"] != "bot_markup")
    return "\n".join(line for line in shown if line)
