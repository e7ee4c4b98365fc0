"""Capping foreign text before layout, so every part of a message has a known maximum.

Every part a message shows (topic names, titles, source labels, queries, snippets) is
cut here, on plain text, to a size measured in its escaped form: the cut can never
fall inside an entity or a tag, and a layout that adds up capped parts fits by
construction instead of by shrinking until it does.

Sizes are UTF-16 code units, which is what Telegram counts (an astral emoji counts
two); the HTML is never shorter than the text a reader sees, so a message whose
HTML fits always fits.
"""

from __future__ import annotations

import html
import re

from bot.text_repair import repair

LIMIT = 4096
ELLIPSIS = "…"


def clean(text: str) -> str:
    """Text without what must never reach a reader: bidi overrides (they can make a title
    read backwards), invisible format and control characters, lone surrogates."""
    return repair(text)


def size(text: str) -> int:
    """Length in UTF-16 code units (Telegram's measure)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def _weight(char: str, escaped: bool) -> int:
    if escaped:
        if char == "&":
            return 5  # &amp;
        if char in "<>":
            return 4  # &lt; &gt;
    return 2 if ord(char) > 0xFFFF else 1


def units(text: str, escaped: bool = True) -> int:
    """`text`'s size in units, escaped if asked: what fitting_prefix adds up, at C speed."""
    if not escaped:
        return size(text)
    return size(text) + 4 * text.count("&") + 3 * (text.count("<") + text.count(">"))


def fitting_prefix(text: str, limit: int, escaped: bool = True) -> int:
    """How many characters of `text` fit in `limit` units (escaped if asked).

    Looks at no more than `limit` characters: the cost is bounded by the limit,
    never by the text."""
    used = 0
    for index, char in enumerate(text[: max(0, limit)]):
        used += _weight(char, escaped)
        if used > limit:
            return index
    return min(len(text), max(0, limit))


def shorten(text: str, limit: int, escaped: bool = True) -> str:
    """`text` cleaned and, when it is longer, cut (at a word where one is near) with
    "…" so that it takes at most `limit` units — escaped ones unless told otherwise."""
    if limit <= 0:
        return ""
    head = clean(text[: limit + 1])
    # Most parts fit whole: one count at C speed instead of a walk over the characters.
    if len(text) <= limit + 1 and units(head, escaped) <= limit:
        return head
    end = fitting_prefix(head, limit - 1, escaped)  # room for the ellipsis
    # A word boundary close to the cut reads better, unless it would lose much.
    space = head.rfind(" ", max(end - 24, end * 2 // 3), end)
    if space > 0:
        end = space
    return head[:end].rstrip() + ELLIPSIS


def clip(text: str, limit: int) -> str:
    """Escaped HTML of `text`, at most `limit` units."""
    return esc(shorten(text, limit))


def join_capped(parts: list[str], separator: str, limit: int) -> str:
    """HTML parts joined while they fit in `limit`; the rest counted as "+N"."""
    out: list[str] = []
    used = 0
    gap = size(separator)
    for index, part in enumerate(parts):
        more = f" +{len(parts) - index}"
        cost = size(part) + (gap if out else 0)
        # Keep room for the "+N" (ASCII: its length is its size) unless this is the last part.
        reserve = 0 if index == len(parts) - 1 else len(more)
        if used + cost + reserve > limit:
            return separator.join(out) + more if out else more.strip()
        out.append(part)
        used += cost
    return separator.join(out)


_TAG = re.compile(r"<[^>]+>")


def to_plain(message: str) -> str:
    """The same message without markup (the fallback when Telegram rejects our HTML)."""
    return shorten(html.unescape(_TAG.sub("", message)), LIMIT, escaped=False)


def fit_message(message: str) -> str:
    """A last guard for texts assembled from catalogue templates and capped values:
    the message as is when it fits, else its plain text cut and escaped."""
    if size(message) <= LIMIT:
        return message
    return clip(to_plain(message), LIMIT)
