"""The words of a query: alternatives and exclusions, phrases, role words, and which
lexicon patterns spell which words (used by the resolver in bot/matching/query.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.matching.document import Document
from bot.matching.expr import Term
from bot.matching.normalize import tokenize
from bot.matching.patterns import Pattern, Right, compound_tail, tail_ok

_OR_WORDS = frozenset({"OR", "ODER", "|"})
_CHUNK = re.compile(r'(-?)"([^"]*)(?:"|$)|(\S+)')


@dataclass
class Alternative:
    words: list[str]
    phrases: list[str]
    excluded_words: list[str]
    excluded_phrases: list[str]


ROLES = (
    "prasident",
    "minister",
    "kanzler",
    "burgermeister",
    "chef",
    "sprecher",
    "president",
    "chancellor",
    "mayor",
    "secretary",
    "spokes",
    "general",
    "machthaber",
    "diktator",
    "staatschef",
    "regierungschef",
    "premier",
    "leader",
    "frau",
    "herr",
)


def is_role(word: str) -> bool:
    """A title or office ("Bundesaußenministerin", "Präsident", "foreign minister")."""
    return any(role in word for role in ROLES)


def names_whole_words(term: Term, doc: Document, first: int, last: int) -> bool:
    """Whether one of the term's word-start, word-end patterns covers exactly these tokens
    (a name's compound, "Kreml|chef", is a word of its own, not the name)."""
    return any(
        pattern_names(pattern, doc, first, last)
        for pattern in (*term.patterns, *(role.pattern for role in term.roles))
    )


def pattern_names(
    pattern: Pattern, doc: Document, first: int, last: int, whole: bool = False
) -> bool:
    """Whether the pattern spells exactly tokens first…last (word start to word end;
    `whole`: a head pattern too, as long as it starts the word)."""
    if (pattern.left_any and not whole) or pattern.right is Right.ANY:
        return False
    if len(pattern.words) != last - first + 1:
        return False
    return all(
        doc.tokens[first + j].folded.startswith(word)
        and tail_ok(pattern, j, doc.tokens[first + j].folded[len(word) :])
        and not compound_tail(doc.tokens[first + j].folded[len(word) :])
        for j, word in enumerate(pattern.words)
    )


def phrase_term(phrase: str) -> Term:
    words = tuple(tok.folded for tok in tokenize(phrase))
    pattern = Pattern(words, False, Right.EXACT)
    shown = f'"{phrase.strip()}"'
    return Term(f"p:{pattern.display()}", shown, shown, (pattern,))


def split_query(query: str) -> list[Alternative]:
    alternatives = [Alternative([], [], [], [])]
    for match in _CHUNK.finditer(query):
        negated, phrase, chunk = match.group(1), match.group(2), match.group(3)
        current = alternatives[-1]
        if phrase is not None:
            (current.excluded_phrases if negated else current.phrases).append(phrase)
        elif chunk in _OR_WORDS:
            alternatives.append(Alternative([], [], [], []))
        elif chunk.startswith("-") and len(chunk) > 1:
            current.excluded_words.append(chunk[1:])
        else:
            current.words.append(chunk)
    return [
        a for a in alternatives if a.words or a.phrases or a.excluded_words or a.excluded_phrases
    ]
