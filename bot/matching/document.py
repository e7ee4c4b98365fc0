"""An entry prepared for matching: folded tokens in one scan string, with their units.

Units: the title is unit 0; every sentence of the text is a unit of its own, and
knows its paragraph, so a topic's concepts can be required to meet in one
sentence (or in the title plus a sentence) and never across paragraphs.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime

from bot.matching.normalize import Token, paragraphs, sentence_spans, tokenize

TITLE = "title"
TEXT = "text"
MAX_CHARS = 200_000  # a longer entry is cut: matching cost stays bounded


@dataclass(frozen=True, slots=True)
class DocToken:
    field: str
    start: int
    end: int
    folded: str
    unit: int  # 0 = title, 1.. = sentences of the text
    paragraph: int  # -1 for the title
    upper: bool  # written with a capital: a name (or, in German, any noun)


@dataclass
class Document:
    tokens: list[DocToken]
    scan: str  # " tok1 tok2 … " — one space before and after every token
    token_offsets: list[int]  # where each token starts in `scan`
    units: int
    published: date | None = None  # decides who holds a role ("der Kanzler")

    def token_at(self, scan_index: int) -> int:
        """The index of the token covering position `scan_index` of the scan string."""
        return bisect_right(self.token_offsets, scan_index) - 1


def _tokens_of(field: str, text: str, first_unit: int) -> tuple[list[DocToken], int]:
    result: list[DocToken] = []
    unit = first_unit
    for p_index, (p_start, p_end) in enumerate(paragraphs(text)):
        paragraph = text[p_start:p_end]
        for s_start, s_end in sentence_spans(paragraph):
            tokens: list[Token] = tokenize(paragraph[s_start:s_end])
            offset = p_start + s_start
            for tok in tokens:
                start = tok.start + offset
                upper = text[start].isupper()
                result.append(
                    DocToken(field, start, tok.end + offset, tok.folded, unit, p_index, upper)
                )
            unit += 1
    return result, unit


def prepare(title: str | None, text: str, published: date | None = None) -> Document:
    if isinstance(published, datetime):  # the day as the source wrote it
        published = published.date()
    tokens: list[DocToken] = []
    if title:
        for word in tokenize(title[:1000]):
            upper = title[word.start].isupper()
            tokens.append(DocToken(TITLE, word.start, word.end, word.folded, 0, -1, upper))
    body, units = _tokens_of(TEXT, text[:MAX_CHARS], 1)
    tokens.extend(body)
    offsets: list[int] = []
    pieces: list[str] = [" "]
    position = 1
    for tok in tokens:
        offsets.append(position)
        pieces.append(tok.folded)
        pieces.append(" ")
        position += len(tok.folded) + 1
    return Document(tokens, "".join(pieces), offsets, units, published)
