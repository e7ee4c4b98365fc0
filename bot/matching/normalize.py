"""Text folding and tokenising shared by both sides of matching (queries and entries).

Folding: NFKC, case folding, diacritics stripped (ä→a, ß→ss). The same folding on
both sides means "Pjöngjang" and "Pjongjang" meet, and German plural umlauts
(Schlag → Schläge) reduce to a suffix the matcher already accepts.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# A word is a run of letters/digits; apostrophes and hyphens split words, so
# "NASAMS-Luftabwehrsystem" yields both parts and "Korea's" yields "korea", "s".
# Invisible format characters (soft hyphen, zero-width space/non-joiner/joiner, word
# joiner, BOM, bidi controls) inside a word belong to it and are folded away: a soft
# hyphen in "Kiew" must not hide the word.
_HIDDEN = "\u00ad\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff"
_HIDDEN_CHARS = re.compile(f"[{_HIDDEN}]")
WORD = re.compile(rf"[^\W_]+(?:[{_HIDDEN}]+[^\W_]+)*")


@lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    if not word.isascii():
        word = _HIDDEN_CHARS.sub("", word)
    text = unicodedata.normalize("NFKC", word).casefold()
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True, slots=True)
class Token:
    start: int  # offsets into the original string
    end: int
    folded: str


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    for match in WORD.finditer(text):
        folded = fold(match.group())
        if folded:
            tokens.append(Token(match.start(), match.end(), folded))
    return tokens


# Sentence ends: . ! ? (and … ) followed by space and an upper-case letter, a digit or
# a quote. Abbreviations and ordinals ("Nr. 5", "4. November") are guarded below.
_SENTENCE_END = re.compile(r"[.!?…]+[\"'“”»«)]*\s+(?=[\"'„“»«(]?[A-ZÄÖÜ0-9])")
_ABBREVIATIONS = frozenset(
    {
        "dr",
        "nr",
        "ca",
        "bzw",
        "vgl",
        "z",
        "b",
        "u",
        "a",
        "st",
        "mio",
        "mrd",
        "prof",
        "gen",
        "abs",
        "inkl",
        "ggf",
        "evtl",
        "sog",
        "usw",
        "etc",
        "jan",
        "feb",
        "mrz",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "okt",
        "nov",
        "dez",
        "mr",
        "mrs",
        "ms",
        "no",
        "vs",
        "bzgl",
    }
)


def _word_before(text: str, start: int, end: int) -> str:
    """The last word of text[start:end]. Walked back from `end` rather than sliced from
    `start`: a long run of skipped abbreviations ("Nr. A Nr. A …") keeps `start` far
    behind, and slicing from it made splitting quadratic. Each walk stays between two
    sentence ends, so all walks together read the text once."""
    i = end
    while i > start and text[i - 1].isspace():
        i -= 1
    j = i
    while j > start and not text[j - 1].isspace():
        j -= 1
    return text[j:i]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of one paragraph."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        last_word = _word_before(text, start, match.start()).lstrip("(\"'„“").lower()
        if text[match.start()] == "." and (last_word in _ABBREVIATIONS or last_word.isdigit()):
            continue
        spans.append((start, match.end()))
        start = match.end()
    if start < len(text) and text[start:].strip():
        spans.append((start, len(text)))
    return spans


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Character spans of the paragraphs (blank-line or line separated)."""
    spans: list[tuple[int, int]] = []
    for match in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*", text):
        if match.group().strip():
            spans.append((match.start(), match.end()))
    return spans
