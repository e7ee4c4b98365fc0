"""Alerts and batches as Telegram HTML: every foreign string escaped, <= 4096 characters.

Messages are assembled from escaped pieces, each capped before layout (bot.delivery.fit),
and long text is cut on plain text before escaping (at a sentence end, with "…"), so a
tag or an entity is never broken and the layout needs no loop to fit.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot import texts
from bot.delivery.fit import (
    LIMIT,
    clean,
    clip,
    esc,
    fitting_prefix,
    join_capped,
    size,
    to_plain,
)
from bot.matching.normalize import sentence_spans

__all__ = ["LIMIT", "esc", "to_plain"]

SNIPPET_CHARS = 600  # per entry in a batch or digest
# Caps on every part, in escaped UTF-16 units: a message adds up to well below LIMIT
# before its body, whatever the entry or the topic names hold.
TOPIC_UNITS = 64  # one topic name
TOPICS_UNITS = 400  # the whole topic line ("+N" for the names that do not fit)
TITLE_UNITS = 400
SOURCE_UNITS = 64
# "auch bei: n-tv · Ticker: <headline>" — the other outlets' reports of one story, each
# with its headline (linked): a merge names what the other outlet wrote, never hides it.
ALSO_UNITS = 1_600
ALSO_HEADLINE_UNITS = 200
ALSO_BATCH_UNITS = 200  # in a batch only the outlets: their reports are items of their own
URL_UNITS = 1024  # a longer link is left out rather than cut (a cut URL is wrong)
MAX_HIGHLIGHTS = 32
_TAG_UNITS = len("<b></b>")

_KEYS = {
    "edited": "alert_edited",
    "open": "alert_open",
    "also": "alert_also",
    "batch": "batch_header",
    "batch_more": "batch_more",
}


@dataclass(frozen=True)
class AlsoLink:
    """Another outlet's report of the alert's story."""

    label: str  # the outlet as readers see it ("n-tv · Ukraine-Ticker")
    headline: str  # its title, else its opening words
    url: str | None


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
    also: tuple[AlsoLink, ...] = ()  # other outlets' reports of the same story


def _label(language: str, key: str, **values: object) -> str:
    return texts.text(language, _KEYS[key], **values)


def opening_words(text: str, words: int = 10) -> str:
    # Only the start of the text is looked at: callers cap the result anyway.
    parts = text[:2000].split()
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
    if budget < 3:  # no room for a word and " …"
        return "…"[:budget]
    room = budget - 2
    best = 0
    # Sentences beyond the budget do not matter: only its prefix is looked at (with
    # the two characters a sentence end looks ahead at: a quote and a capital).
    for _start, end in sentence_spans(text[: room + 2]):
        if end <= room:
            best = end
        else:
            break
    if best == 0:  # no sentence fits: cut at a word
        best = text.rfind(" ", 0, room)
        best = best if best > 0 else room
    return text[:best].rstrip() + " …"


def body_html(
    text: str, spans: Sequence[tuple[int, int]], room: int, chars: int | None = None
) -> str:
    """`text` escaped with its spans in bold, at most `room` units (and, if given, at
    most `chars` characters of text), cut at a sentence where one fits.

    One pass: the cut is chosen on the plain text from the escaped weight of its
    characters, with room kept for the <b> tags and " …", so nothing is retried."""
    kept = sorted(spans)[:MAX_HIGHLIGHTS]
    room_for_text = room - _TAG_UNITS * len(kept) - 2
    if room_for_text <= 0:
        return ""
    fits = fitting_prefix(text, room_for_text)
    if chars is not None:
        fits = min(fits, chars)
    shown = text if fits >= len(text) else cut_at_sentence(text, fits)
    visible = len(shown) - (2 if shown.endswith(" …") and shown != text else 0)
    return highlight(shown, [s for s in kept if s[1] <= visible])


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


def _href(url: str | None) -> str:
    """The escaped link target, or "" when the URL cannot be a link."""
    if not url or not url.startswith(("http://", "https://")):
        return ""
    href = html.escape(url, quote=True)
    if size(href) > URL_UNITS or clean(url) != url or any(c.isspace() for c in url):
        # Too long to show, or holding characters no link may hold: a raw space or line
        # break in an href makes Telegram refuse the message's markup ("Wrong HTTP URL").
        return ""
    return href


def _link(url: str | None, label: str) -> str:
    href = _href(url)
    return f'<a href="{href}">{esc(label)}</a>' if href else ""


def topic_line(topics: Sequence[str]) -> str:
    """The topic names, each and all together capped, as escaped HTML."""
    names = [clip(t, TOPIC_UNITS) for t in topics[:100]]
    return join_capped(names, " · ", TOPICS_UNITS)


def _heading(view: AlertView) -> str:
    title = view.title if view.title and view.title.strip() else None
    return clip(title or opening_words(view.text), TITLE_UNITS)


def render_alert(
    view: AlertView, zone: ZoneInfo, language: str = "de", edited: bool = False
) -> str:
    if view.topics:
        lines = [f"🔔 {topic_line(view.topics)}"]
        if edited:
            lines.append(_label(language, "edited"))
    else:  # edited into something none of the reader's topics matches any more
        lines = [texts.text(language, "alert_unmatched")]
    lines.append(f"<b>{_heading(view)}</b>")
    source = clip(view.source_name, SOURCE_UNITS)
    meta = " · ".join(p for p in (_clock(view.published, zone), source) if p)
    if meta:
        lines.append(f"🕐 {meta}")
    if view.also:
        lines.append(also_line(view.also, language))
    head = "\n".join(lines)
    footer = _link(view.url, _label(language, "open"))
    paragraph, spans = matched_paragraph(view.text, view.spans)
    # Every part above is capped, so the room left is large whatever the entry holds.
    room = LIMIT - size(head) - size(footer) - 4
    body = body_html(paragraph, spans, room)
    message = head + ("\n\n" + body if body else "") + ("\n\n" + footer if footer else "")
    return message if size(message) <= LIMIT else clip(to_plain(message), LIMIT)


def also_line(items: Sequence[AlsoLink], language: str, headlines: bool = True) -> str:
    """The story's other reports, one line each: "auch bei: n-tv · Ticker: <headline>"
    (the headline linked to the report), capped whatever the items hold. Without
    `headlines` (a batch item) one line names the outlets only."""
    if not headlines:
        names = join_capped(
            [clip(item.label, SOURCE_UNITS) for item in items[:20]], " · ", ALSO_BATCH_UNITS
        )
        return _also_label(language, names)
    lines: list[str] = []
    for item in items[:20]:
        label = clip(item.label, SOURCE_UNITS)
        headline = clip(item.headline, ALSO_HEADLINE_UNITS)
        href = _href(item.url)
        if headline:
            shown = f'<a href="{href}">{headline}</a>' if href else headline
            label = f"{label}: {shown}"
        lines.append(_also_label(language, label))
    return join_capped(lines, "\n", ALSO_UNITS)


def _also_label(language: str, names: str) -> str:
    # The names are escaped HTML already; the catalogue would escape them once more. The
    # placeholder is a private-use character: catalogue values are repaired, and a
    # control character would not survive that.
    return _label(language, "also", sources="\ue000").replace("\ue000", names, 1)


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
    # At most `budget` characters of text, and twice that in escaped units, so an item
    # of "&&&…" stays as bounded as one of letters.
    snippet = body_html(paragraph, spans, 2 * budget, chars=budget)
    # Without a title the snippet speaks for itself (no opening words twice).
    title = f" <b>{clip(view.title, TITLE_UNITS)}</b>" if view.title else ""
    head = f"• {_clock(view.published, zone)}{title}"
    topics = topic_line(view.topics)
    # Batches mix sources: each item says where it comes from, beside its link.
    source = clip(view.source_name, SOURCE_UNITS)
    link = " · ".join(p for p in (_link(view.url, _label(language, "open")), source) if p)
    topics_html = f"\n<i>{topics}</i>" if topics else ""
    also = f"\n{also_line(view.also, language, headlines=False)}" if view.also else ""
    return f"{head}{topics_html}{also}\n{snippet}" + (f"\n{link}" if link else "")


# Room kept free in every message for the "continued (2/3)" label swapped in later.
LABEL_ROOM = 100


def _fit(item: str, room: int, known: int | None = None) -> tuple[str, int]:
    """An item as is when it fits; otherwise its plain text, cut and escaped (a cut
    through markup would break a tag). With its size (`known`: already measured)."""
    measured = size(item) if known is None else known
    if measured <= room:
        return item, measured
    cut = clip(to_plain(item), room)
    return cut, size(cut)


def pack_messages(
    header: str, items: Sequence[str], continued: str = "", sizes: Sequence[int] | None = None
) -> list[tuple[str, list[int]]]:
    """Pack items into messages of at most LIMIT characters, splitting only between
    items; each message comes with the indexes of the items it holds. `sizes`: the
    items' sizes when the caller knows them (a digest adds up its cached lines')."""
    budget = LIMIT - LABEL_ROOM
    header, header_size = _fit(header, budget // 2)
    continued, continued_size = _fit(continued, LABEL_ROOM)
    room = budget - max(header_size, continued_size) - 2
    packed: list[tuple[str, list[int]]] = []
    # Sizes are added up, not measured on the growing message (that re-encoded it once
    # per item): a concatenation's UTF-16 units are the sum of its parts'. `used` is 0
    # exactly when the message so far is empty (then no separator goes before a piece).
    parts, used, held = [header], header_size, list[int]()
    for index, item in enumerate(items):
        piece, cost = _fit(item, room, None if sizes is None else sizes[index])
        grown = used + 2 + cost if used else cost
        if grown > budget and held:
            packed.append(("\n\n".join(parts), held))
            if continued:
                parts, used = [continued, piece], continued_size + 2 + cost
            else:
                parts, used = [piece], cost
            held = [index]
        else:
            if used:
                parts.append(piece)
            else:
                parts = [piece]
            used = grown
            held.append(index)
    if held:
        packed.append(("\n\n".join(parts), held))
    return packed


def split_messages(
    header: str, items: Sequence[str], continued: str = "", sizes: Sequence[int] | None = None
) -> list[str]:
    return [message for message, _ in pack_messages(header, items, continued, sizes)]


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
    header = _label(language, "batch", count=len(views))
    packed = pack_messages(header, items, continued="📰 …")
    return _number_parts(
        packed, "📰 …", lambda part, parts: _label(language, "batch_more", part=part, parts=parts)
    )


def with_note(parts: list[tuple[str, list[int]]], note: str) -> list[tuple[str, list[int]]]:
    """The batch with a closing note (escaped HTML) under its last message, when it fits
    there; a note never costs a message of its own."""
    if not parts or not note:
        return parts
    last, held = parts[-1]
    joined = last + "\n\n" + note
    return [*parts[:-1], (joined, held)] if size(joined) <= LIMIT else parts


def render_batch(views: Sequence[AlertView], zone: ZoneInfo, language: str = "de") -> list[str]:
    return [message for message, _ in render_batch_parts(views, zone, language)]
