"""What an entry says in terms no language owns: the lexicon's concepts and names.

Two reports of one event in German and in English share almost no word stems
("Erdbeben"/"earthquake", "Papst"/"Pope"), so across languages the stems cannot tell the
same event from another. What both do share is what the topic lexicon already knows in
both languages (concept ids: Kiew/Kyiv, Gefangene/prisoners, Erdbeben/earthquake), the
numbers, and proper names, which keep their first letters across languages
("Damaskus"/"Damascus", "Magdeburger"/"Magdeburg").
"""

from __future__ import annotations

from functools import cache

from bot.matching.document import prepare
from bot.matching.expr import Clause, TopicExpr
from bot.matching.index import TopicIndex
from bot.matching.lexicon import LexiconError, default_lexicon
from bot.matching.normalize import fold

NAME_KEY = 5  # a name is known by its first five letters in either language
_MIN_NAME = 4  # shorter capitalised words are mostly articles and sentence starts


@cache
def _concept_index() -> TopicIndex | None:
    """Every lexicon concept as a one-term topic (built once; None without a lexicon)."""
    try:
        lexicon = default_lexicon()
    except (LexiconError, OSError):
        return None  # no lexicon: names and numbers still compare
    return TopicIndex.build(
        (key, TopicExpr((Clause(((term,),)),))) for key, term in lexicon.concepts.items()
    )


def concepts_in(title: str | None, text: str) -> set[str]:
    """Keys of the lexicon concepts the entry mentions (the caller bounds the text)."""
    index = _concept_index()
    if index is None:
        return set()
    return {index.terms[term_id].key for term_id in index.scan(prepare(title, text))}


def name_key(word: str, stop: frozenset[str]) -> str | None:
    """A capitalised content word's language-neutral key, else None."""
    if len(word) < _MIN_NAME or not word[0].isupper():
        return None
    folded = fold(word)
    if folded in stop or not folded.isalpha():
        return None
    return "~" + folded[:NAME_KEY]
