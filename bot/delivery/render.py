"""Alerts and batches as Telegram HTML: every foreign string escaped, <= 4096 characters.

Messages are assembled from escaped pieces, and long text is cut on plain text before
escaping (at a sentence end, with "…"), so a tag or an entity is never broken.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot import texts
from bot.matching.normalize import sentence_spans

LIMIT = 4096
SNIPPET_CHARS = 600  # per entry in a batch or digest

_KEYS = {
    "edited": "alert_edited",
    "open": "alert_open",
    "batch": "batch_header",
    "batch_more": "batch_more",
}


@dataclass(frozen=True)
class AlertView:
    """Everything an alert shows, already chosen by the caller."""

    entry_id: int
    title: str | None
    text: str
    url: str | None
    published: datetime | None
    topics: tuple[str, ...]
    spans: tuple[tuple[str, int, int], ...]
    source_name: str


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def _label(language: str, key: str, **values: object) -> str:
    return texts.text(language, _KEYS[key], **values)


def opening_words(text: str, words: int = 10) -> str:
    parts = text.split()
    head = " ".join(parts[:words])
    return head + (" …" if len(parts) > words else "")


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in re.finditer(r"\n\s*\n", text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def matched_paragraph(
    text: str, spans: Sequence[tuple[str, int, int]]
) -> tuple[str, list[tuple[int, int]]]:
    """The paragraph holding the first match in the text (else the first), with the
    matches inside it as offsets relative to the paragraph."""
    paragraphs = _paragraphs(text) or [(0, len(text))]
    text_spans = sorted((a, b) for f, a, b in spans if f == "text")
    chosen = paragraphs[0]
    if text_spans:
        first = text_spans[0][0]
        chosen = next((p for p in paragraphs if p[0] <= first < p[1]), paragraphs[0])
    start, end = chosen
    inside = [(a - start, b - start) for a, b in text_spans if start <= a and b <= end]
    return text[start:end], inside


def cut_at_sentence(text: str, budget: int) -> str:
    """At most `budget` characters, ending at a sentence boundary where one fits."""
    if len(text) <= budget:
        return text
    room = max(1, budget - 2)
    best = 0
    for _start, end in sentence_spans(text):
        if end <= room:
            best = end
        else:
            break
    if best == 0:  # no sentence fits: cut at a word
        best = text.rfind(" ", 0, room)
        best = best if best > 0 else room
    return text[:best].rstrip() + " …"


def highlight(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """Escape `text`, wrapping the (non-overlapping) spans in <b>."""
    out, position = [], 0
    for start, end in sorted(spans):
        if start < position or end > len(text):
            continue
        out.append(esc(text[position:start]))
        out.append(f"<b>{esc(text[start:end])}</b>")
        position = end
    out.append(esc(text[position:]))
    return "".join(out)


def _clock(moment: datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%H:%M") if moment else ""


def _link(url: str | None, label: str) -> str:
    if not url or not url.startswith(("http://", "https://")):
        return ""
    return f'<a href="{html.escape(url, quote=True)}">{esc(label)}</a>'


def _heading(view: AlertView) -> str:
    return view.title or opening_words(view.text)


def render_alert(
    view: AlertView, zone: ZoneInfo, language: str = "de", edited: bool = False
) -> str:
    badges = " · ".join(esc(t) for t in view.topics)
    lines = [f"🔔 {badges}"]
    if edited:
        lines.append(_label(language, "edited"))
    lines.append(f"<b>{esc(_heading(view))}</b>")
    meta = " · ".join(p for p in (_clock(view.published, zone), esc(view.source_name)) if p)
    if meta:
        lines.append(f"🕐 {meta}")
    footer = _link(view.url, _label(language, "open"))
    paragraph, spans = matched_paragraph(view.text, view.spans)
    frame = "\n".join(lines) + "\n\n" + "\n\n" + footer
    budget = LIMIT - len(frame) - 16
    # Escaping can only lengthen text; shrink the plain text until the HTML fits.
    body_text = paragraph
    while True:
        body = highlight(body_text, [s for s in spans if s[1] <= len(body_text)])
        if len(body) <= budget:
            break
        body_text = cut_at_sentence(paragraph, max(1, int(len(body_text) * budget / len(body)) - 4))
        if body_text.endswith(" …"):
            spans = [s for s in spans if s[1] <= len(body_text) - 2]
    message = "\n".join(lines) + "\n\n" + body + ("\n\n" + footer if footer else "")
    if len(message) > LIMIT:  # only a pathological title gets here: drop the body
        message = "\n".join(lines)[: LIMIT - len(footer) - 4] + "\n\n" + footer
    return message


def snippet_budget(count: int) -> int:
    """Shorter snippets for bigger batches: 200 alerts make a few messages, not 40."""
    if count > 50:
        return 140
    if count > 10:
        return 280
    return SNIPPET_CHARS


def render_batch_item(
    view: AlertView, zone: ZoneInfo, language: str = "de", budget: int = SNIPPET_CHARS
) -> str:
    paragraph, spans = matched_paragraph(view.text, view.spans)
    snippet = cut_at_sentence(paragraph, budget)
    kept = [s for s in spans if s[1] <= len(snippet) - (2 if snippet.endswith(" …") else 0)]
    # Without a title the snippet speaks for itself (no opening words twice).
    title = f" <b>{esc(view.title)}</b>" if view.title else ""
    head = f"• {_clock(view.published, zone)}{title}"
    topics = esc(" · ".join(view.topics))
    link = _link(view.url, _label(language, "open"))
    topic_line = f"\n<i>{topics}</i>" if topics else ""
    return f"{head}{topic_line}\n{highlight(snippet, kept)}" + (f"\n{link}" if link else "")


# Room kept free in every message for the "continued (2/3)" label swapped in later.
LABEL_ROOM = 100


def _fit(item: str, room: int) -> str:
    """An item as is when it fits; otherwise its plain text, cut and escaped (a cut
    through markup would break a tag)."""
    if len(item) <= room:
        return item
    plain = to_plain(item)
    cut = max(1, room // 2)
    while True:
        piece = esc(plain[:cut].rstrip()) + " …"
        if len(piece) <= room or cut <= 1:
            return piece
        cut //= 2


def pack_messages(
    header: str, items: Sequence[str], continued: str = ""
) -> list[tuple[str, list[int]]]:
    """Pack items into messages of at most LIMIT characters, splitting only between
    items; each message comes with the indexes of the items it holds."""
    budget = LIMIT - LABEL_ROOM
    packed: list[tuple[str, list[int]]] = []
    current, held = header, list[int]()
    for index, item in enumerate(items):
        piece = _fit(item, budget - len(header) - 2)
        candidate = f"{current}\n\n{piece}" if current else piece
        if len(candidate) > budget and held:
            packed.append((current, held))
            current, held = (f"{continued}\n\n{piece}" if continued else piece), [index]
        else:
            current = candidate
            held.append(index)
    if held:
        packed.append((current, held))
    return packed


def split_messages(header: str, items: Sequence[str], continued: str = "") -> list[str]:
    return [message for message, _ in pack_messages(header, items, continued)]


def _number_parts(
    packed: list[tuple[str, list[int]]], placeholder: str, label: Callable[[int, int], str]
) -> list[tuple[str, list[int]]]:
    if len(packed) < 2:
        return packed
    return [
        (message.replace(placeholder, label(i + 1, len(packed)), 1) if i else message, held)
        for i, (message, held) in enumerate(packed)
    ]


def render_batch_parts(
    views: Sequence[AlertView], zone: ZoneInfo, language: str = "de"
) -> list[tuple[str, list[int]]]:
    """The batch as messages, each with the indexes of the views it shows."""
    budget = snippet_budget(len(views))
    items = [render_batch_item(v, zone, language, budget) for v in views]
    header = _label(language, "batch", n=len(views))
    packed = pack_messages(header, items, continued="📰 …")
    return _number_parts(
        packed, "📰 …", lambda part, parts: _label(language, "batch_more", part=part, parts=parts)
    )


def render_batch(views: Sequence[AlertView], zone: ZoneInfo, language: str = "de") -> list[str]:
    return [message for message, _ in render_batch_parts(views, zone, language)]


_TAG = re.compile(r"<[^>]+>")


def to_plain(message: str) -> str:
    """The same message without markup (the fallback when Telegram rejects our HTML)."""
    return html.unescape(_TAG.sub("", message))[:LIMIT]
