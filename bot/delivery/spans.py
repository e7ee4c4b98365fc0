"""Which match positions an alert keeps: only the few a message can show.

A message shows the paragraph holding the first match in the text (bot.delivery.render),
from its start and at most one message long, with at most MAX_SPANS words in bold. An
entry of 16,000 "Kiew." has 16,000 spans; storing them all in every chat's alert row
made each row hundreds of KiB. Kept here: the first match of the text, the others in
the same part of the same paragraph, and a few title matches, never more than
MAX_SPANS — so a row stays small whatever the entry, and the message looks the same.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable

from bot.delivery.fit import LIMIT

MAX_SPANS = 32
MAX_TITLE_SPANS = 8
Spans = tuple[tuple[str, int, int], ...]

_BREAK = re.compile(r"\n\s*\n")


def paragraph_bounds(text: str) -> tuple[list[int], list[int]]:
    """Starts and ends of the text's paragraphs, as render's matched_paragraph cuts them
    (blank-line separated, blank ones included: only the position lookup needs them)."""
    starts, ends, start = [0], [], 0
    for found in _BREAK.finditer(text):
        ends.append(found.start())
        start = found.end()
        starts.append(start)
    ends.append(len(text))
    return starts, ends


class SpanPicker:
    """For one entry: picks the spans worth keeping. The paragraphs are found once per
    entry, however many topic matches and chats ask."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._bounds: tuple[list[int], list[int]] | None = None

    def _paragraph(self, position: int) -> tuple[int, int]:
        if self._bounds is None:
            self._bounds = paragraph_bounds(self._text)
        starts, ends = self._bounds
        index = max(0, bisect_right(starts, position) - 1)
        return starts[index], ends[index]

    def pick(self, spans: Iterable[tuple[str, int, int]]) -> Spans:
        """At most MAX_SPANS spans: the title's first few, then the text's first match
        and those after it in the part of its paragraph a message can show."""
        title: list[tuple[str, int, int]] = []
        text: list[tuple[str, int, int]] = []
        for span in spans:
            (title if span[0] == "title" else text).append(span)
        kept = sorted(set(title))[:MAX_TITLE_SPANS]
        if text:
            text = sorted(set(text))
            first = text[0][1]
            start, end = self._paragraph(first)
            shown_end = min(end, start + LIMIT)
            for span in text:
                if len(kept) >= MAX_SPANS:
                    break
                if start <= span[1] and span[2] <= shown_end:
                    kept.append(span)
        return tuple(sorted(kept))
