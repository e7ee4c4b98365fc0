"""Alias patterns: how a lexicon alias or a free keyword meets the words of a text.

Compact syntax (used in seeds/topics.toml):
    Kiew            a name in its inflected forms: Kiew, Kiews, Kiewer
    *angriff        a compound head: Angriff, Luftangriffe, Drohnenangriffs — not Angriffskrieg
    nordkorea*      a word start: Nordkoreas, nordkoreanische, Nordkoreaner
    *drohne*        anywhere in a word: Drohnen, Kampfdrohne, Drohnenproduktion
    =Kim Jong Un    an exact phrase (case and accents folded, no other forms)
Multi-word aliases inflect every word ("Demokratischen Volksrepublik Korea").
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.matching.normalize import tokenize

# Endings German and English add to a name or noun (umlauts are folded away already).
INFLECTIONS = frozenset(
    {"", "s", "es", "e", "en", "n", "er", "ern", "ers", "em", "ens", "ns", "nen", "ed", "d", "ing"}
)
_LONGEST_FIRST = sorted(INFLECTIONS, key=len, reverse=True)


class Right(StrEnum):
    INFLECT = "inflect"
    EXACT = "exact"
    ANY = "any"


@dataclass(frozen=True, slots=True)
class Pattern:
    """One way a term shows in text: word tokens plus how the ends may extend."""

    words: tuple[str, ...]
    left_any: bool  # the first word may end a longer word (compound head / part)
    right: Right  # what may follow the last word inside its token

    @property
    def key(self) -> str:
        """The automaton key: a leading space anchors it at a word start."""
        return self.words[0] if self.left_any else " " + self.words[0]

    def display(self) -> str:
        text = " ".join(self.words)
        if self.right is Right.EXACT:
            return f'"{text}"'
        return ("*" if self.left_any else "") + text + ("*" if self.right is Right.ANY else "")


def inflects(remainder: str) -> bool:
    return remainder in INFLECTIONS


def _tail_ok(remainder: str, right: Right) -> bool:
    if right is Right.ANY:
        return True
    if right is Right.EXACT:
        return remainder == ""
    return remainder in INFLECTIONS


def parse_alias(spec: str) -> Pattern | None:
    """Read the compact alias syntax; None when nothing word-like is left."""
    text = spec.strip()
    exact = text.startswith("=")
    if exact:
        text = text[1:]
    left_any = text.startswith("*")
    right_any = text.endswith("*") and len(text) > 1
    words = tuple(tok.folded for tok in tokenize(text.strip("*")))
    if not words:
        return None
    if exact:
        return Pattern(words, False, Right.EXACT)
    return Pattern(words, left_any, Right.ANY if right_any else Right.INFLECT)


def keyword_pattern(word: str) -> Pattern:
    """A free keyword the lexicon does not know, made word-form aware.

    Strip one inflection ending (keeping at least four letters) to get the base, then
    let the base end a compound when it is long enough to be a noun of its own
    ("Austausch" finds "Gefangenenaustausch"); short words stay whole words.
    """
    base = word
    for ending in _LONGEST_FIRST:
        if ending and word.endswith(ending) and len(word) - len(ending) >= 4:
            base = word[: -len(ending)]
            break
    return Pattern((base,), len(base) >= 5, Right.INFLECT)


def tail_ok(pattern: Pattern, index: int, remainder: str) -> bool:
    """Whether the rest of the text token after alias word `index` is acceptable."""
    last = index == len(pattern.words) - 1
    if last or pattern.right is Right.EXACT:
        return _tail_ok(remainder, pattern.right)
    return _tail_ok(remainder, Right.INFLECT)
