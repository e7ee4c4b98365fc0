"""Why an alert came: the reader's topics, what each looks for, and the words of the
entry that matched — one short message, whatever the entry or the topics hold.

The matched words are the alert's own spans (what the message showed in bold), so the
answer tells what the matcher really found: a role ("der Kanzler") or a place form
("Kyjiw") shows up as found, next to the topic that looks for the person or the city.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot import texts
from bot.delivery.fit import LIMIT as MAX_MESSAGE

MAX_FOUND = 8  # phrases listed per field
MAX_PHRASE = 60  # characters of one phrase
MAX_LOOKS_FOR = 300  # characters of what one topic looks for


@dataclass(frozen=True)
class TopicWhy:
    name: str
    looks_for: str  # e.g. "Luftangriff + Kiew (Kyjiw, Kyiv …)"


def found_phrases(
    title: str | None, body: str, spans: Sequence[tuple[str, int, int]]
) -> dict[str, list[str]]:
    """The distinct matched phrases of the title and of the text, in reading order."""
    found: dict[str, list[str]] = {"title": [], "body": []}
    for field, start, end in sorted(spans, key=lambda s: (s[0] != "title", s[1])):
        place = "title" if field == "title" else "body"  # the matcher calls the body "text"
        source = (title or "") if place == "title" else body
        if not 0 <= start < end <= len(source):
            continue  # a span from an older text of an edited entry: not shown
        phrase = " ".join(source[start:end].split())[:MAX_PHRASE]
        if phrase and phrase not in found[place] and len(found[place]) < MAX_FOUND:
            found[place].append(phrase)
    return found


def why_text(
    language: str,
    topics: Sequence[TopicWhy],
    title: str | None,
    body: str,
    spans: Sequence[tuple[str, int, int]],
) -> str:
    """The answer to "Warum?" as HTML (every piece escaped by the text layer)."""
    lines = [texts.text(language, "why_header")]
    for topic in topics[:5]:
        lines.append(
            texts.text(
                language,
                "why_topic",
                name=topic.name[:100],
                looks_for=topic.looks_for[:MAX_LOOKS_FOR],
            )
        )
    found = found_phrases(title, body, spans)
    for field, key in (("title", "why_found_title"), ("body", "why_found_text")):
        if found[field]:
            quoted = ", ".join(f"„{p}“" if language == "de" else f"“{p}”" for p in found[field])
            lines.append(texts.text(language, key, words=quoted))
    if not found["title"] and not found["body"]:
        lines.append(texts.text(language, "why_found_none"))
    lines.append(texts.text(language, "why_feedback"))
    # Bounded by the caps above (5 topics, 16 phrases, each cut): far under the limit.
    return "\n".join(lines)[:MAX_MESSAGE]
