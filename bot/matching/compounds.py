"""Compounds in queries: which concept names which part of one word, and what is left.

"Friedensgespräche": peace talks spell the whole word, "talks" only its head, so the
reader meant peace talks. "Landtagswahl": the lexicon knows "Wahl" but not "Landtag";
the modifier is kept as a word of its own, so the topic is not every election.
"Rüstungsexporte": weapons name the modifier; the head "Export" decides what the word
means and is required too.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.matching.expr import Term
from bot.matching.patterns import (
    INFLECTIONS,
    Pattern,
    Right,
    compound_tail,
    keyword_patterns,
    tail_ok,
)
from bot.matching.splitting import nouns

# Linking elements between the parts of a German compound (Landtag|s|wahl).
_LINKS = ("es", "en", "s", "n", "e")
MIN_MODIFIER = 3  # "Gas|lieferungen"
MIN_HEAD = 4  # "Rüstungs|exporte"


def coverage(term: Term, word: str, only: Sequence[Pattern] = ()) -> tuple[int, int] | None:
    """The stretch of the folded word that the term's one-word patterns (or `only`)
    spell; an ending that belongs to a part ("Lieferung|en") is covered with it."""
    best: tuple[int, int] | None = None
    for pattern in only or (*term.patterns, *(role.pattern for role in term.roles)):
        if len(pattern.words) != 1:
            continue
        stem = pattern.words[0]
        inside = pattern.left_any or pattern.left_compass
        start = word.find(stem) if inside else (0 if word.startswith(stem) else -1)
        while start >= 0:
            rest = word[start + len(stem) :]
            if pattern.left_ok(word[:start]) and tail_ok(pattern, 0, rest):
                # An ending belongs to the part ("Lieferung|en"); a compound head not.
                end = (
                    len(word) if rest in INFLECTIONS or _ends(pattern, rest) else start + len(stem)
                )
                # All the term's patterns together: "Gerichts|urteile" is one concept's.
                best = (start, end) if best is None else (min(best[0], start), max(best[1], end))
            start = word.find(stem, start + 1) if inside else -1
    return best


def _ends(pattern: Pattern, rest: str) -> bool:
    """Whether the rest after the pattern is an ending rather than another word."""
    return pattern.right in (Right.INFLECT, Right.EXACT, Right.ADJECTIVE, Right.STEM) or (
        pattern.right is Right.NAME and not compound_tail(rest)
    )


def contained(spans: dict[int, tuple[int, int]]) -> set[int]:
    """Terms whose stretch lies strictly inside another term's stretch of the word."""
    return {
        a
        for a, (lo, hi) in spans.items()
        for b, (lo2, hi2) in spans.items()
        if a != b and lo2 <= lo and hi <= hi2 and (hi2 - lo2) > (hi - lo)
    }


def leftover_parts(word: str, spans: Sequence[tuple[int, int]]) -> list[tuple[str, bool]]:
    """The modifier before (True), or the head after (False), what the concepts cover."""
    if not spans:
        return []
    first = min(lo for lo, _ in spans)
    last = max(hi for _, hi in spans)
    parts: list[tuple[str, bool]] = []
    modifier = _unlink(word[:first], at_end=True)
    if len(modifier) >= MIN_MODIFIER:
        parts.append((modifier, True))
    head = _unlink(word[last:], at_end=False)
    if len(head) >= MIN_HEAD and compound_tail(word[last:]) and compound_tail(head):
        parts.append((head, False))
    return parts


def part_keyword(part: str, modifier: bool) -> Term:
    """A compound's part the lexicon does not know, as a keyword: a modifier in its own
    forms and starting other compounds ("Gas" → Gaslieferung), a head as any keyword."""
    patterns = (Pattern((part,), False, Right.NAME),) if modifier else keyword_patterns(part)
    key = "k:" + "|".join(p.display() for p in patterns)
    return Term(key, part, part, patterns)


def _unlink(part: str, at_end: bool) -> str:
    """Drop one linking element where the part meets the covered stretch ("Landtag|s"),
    unless the part is a noun as it stands ("Bahn", not "Bah|n")."""
    if part in nouns():
        return part
    for link in _LINKS:
        if at_end and part.endswith(link) and len(part) - len(link) >= MIN_MODIFIER:
            return part[: -len(link)]
        if not at_end and part.startswith(link) and len(part) - len(link) >= MIN_HEAD:
            return part[len(link) :]
    return part
