"""Repairing foreign text once, where it comes in: what no reader, matcher or database
should meet.

- Lone surrogates are not text (SQLite and UTF-8 refuse them): they become U+FFFD.
- C0/C1 control characters go, except newline and tab (NUL cuts C strings short).
- Invisible format characters go: soft hyphen, zero-width space and non-joiner, word
  joiner, BOM, and the zero-width joiner except inside an emoji sequence (woman +
  joiner + laptop). Inside a word (Ki, soft hyphen, ew) they hide it from matching.
- Bidi controls go (U+200E/F, U+202A to E, U+2066 to 9): they make a title read backwards
  or disguise what follows.
- NFC, so the same word is always stored the same way.
"""

from __future__ import annotations

import re
import unicodedata

BIDI_CONTROLS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"

_SURROGATE = re.compile("[\ud800-\udfff]")
_DROPPED = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u200b\u200c\u2060\ufeff"
    "\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
_JOINER = re.compile("\u200d")


def _emoji_like(char: str) -> bool:
    return bool(char) and (
        unicodedata.category(char) in {"So", "Sk"} or char == "\ufe0f" or ord(char) >= 0x1F000
    )


def _joiner(found: re.Match[str]) -> str:
    text, at = found.string, found.start()
    before = text[at - 1] if at else ""
    after = text[at + 1] if at + 1 < len(text) else ""
    return found.group() if _emoji_like(before) and _emoji_like(after) else ""


def repair(text: str) -> str:
    """`text` with the characters above replaced or removed, in NFC."""
    text = _SURROGATE.sub("\ufffd", text)
    text = _DROPPED.sub("", text)
    if "\u200d" in text:
        text = _JOINER.sub(_joiner, text)
    return unicodedata.normalize("NFC", text)
