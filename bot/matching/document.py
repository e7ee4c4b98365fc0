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
    clause: int = 0  # 0 = title; text clauses are numbered on from 1 (see _clauses)


@dataclass
class Document:
    tokens: list[DocToken]
    scan: str  # " tok1 tok2 … " — one space before and after every token
    token_offsets: list[int]  # where each token starts in `scan`
    units: int
    published: date | None = None  # decides who holds a role ("der Kanzler")
    # Written in both cases: only then does a lower-case word say "no name" ("turkey").
    cased: bool = True

    def token_at(self, scan_index: int) -> int:
        """The index of the token covering position `scan_index` of the scan string."""
        return bisect_right(self.token_offsets, scan_index) - 1


# Words that open a clause of their own ("Während Baerbock in Kiew sprach, meldete
# Charkiw …": the attack is not in the clause that names Kiew).
_SUBORDINATORS = frozenset(
    {"wahrend", "weil", "obwohl", "nachdem", "bevor", "wahrenddessen", "sodass", "damit"}
    | {"while", "whereas", "although", "because", "after", "before", "whilst"}
)
# After a comma these continue the clause: a relative clause about the noun before
# ("Kiew, das in der Nacht angegriffen wurde") or the next item of a list.
_RELATIVES = frozenset(
    {"der", "die", "das", "dem", "den", "deren", "dessen", "which", "where", "wo", "who"}
)
_LIST_WORDS = frozenset({"und", "oder", "sowie", "and", "or"})
_HARD_BREAKS = frozenset(";:()[]–—")


def _clauses(sentence: str, tokens: list[Token], first: int) -> list[int]:
    """A clause number for each token of one sentence, starting at `first`."""
    numbers: list[int] = []
    clause = first
    for i, tok in enumerate(tokens):
        if i:
            gap = sentence[tokens[i - 1].end : tok.start]
            hard = any(c in _HARD_BREAKS for c in gap) or " - " in gap
            comma = "," in gap and not _continues(sentence, tokens, i)
            if hard or comma or tok.folded in _SUBORDINATORS:
                clause += 1
        numbers.append(clause)
    return numbers


def _continues(sentence: str, tokens: list[Token], i: int) -> bool:
    """Whether the words after a comma carry on the clause before it."""
    tok = tokens[i]
    if tok.folded in _RELATIVES or tok.folded in _LIST_WORDS:
        return True
    if not sentence[tok.start].isupper():
        return False
    if i + 1 == len(tokens):
        return True
    # "auf Kiew, Charkiw und Odessa": a name followed by a comma or "und" is a list item.
    following = tokens[i + 1]
    return "," in sentence[tok.end : following.start] or following.folded in _LIST_WORDS


def _tokens_of(field: str, text: str, first_unit: int) -> tuple[list[DocToken], int]:
    result: list[DocToken] = []
    unit = first_unit
    clause = 1
    for p_index, (p_start, p_end) in enumerate(paragraphs(text)):
        paragraph = text[p_start:p_end]
        for s_start, s_end in sentence_spans(paragraph):
            sentence = paragraph[s_start:s_end]
            tokens: list[Token] = tokenize(sentence)
            offset = p_start + s_start
            numbers = _clauses(sentence, tokens, clause)
            for tok, number in zip(tokens, numbers, strict=True):
                start = tok.start + offset
                upper = text[start].isupper()
                result.append(
                    DocToken(
                        field, start, tok.end + offset, tok.folded, unit, p_index, upper, number
                    )
                )
            clause = (numbers[-1] if numbers else clause) + 1
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
    cased = any(t.upper for t in tokens) and not all(t.upper for t in tokens)
    return Document(tokens, "".join(pieces), offsets, units, published, cased)
