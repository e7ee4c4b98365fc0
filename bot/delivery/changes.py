"""Is an edit worth editing a sent alert for? Typo fixes are not; new facts are."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from bot.matching.normalize import fold

_WORD = re.compile(r"[^\W_]+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
SIMILARITY_THRESHOLD = 0.95


def _words(text: str) -> list[str]:
    return [fold(w) for w in _WORD.findall(text)]


def material_change(before: str, after: str) -> bool:
    """True when numbers changed or more than about 5 % of the words did.

    Word-level (not character-level) similarity: fixing "Zustimmugn" to "Zustimmung"
    changes one word of a hundred; adding a sentence or a casualty count changes more.
    """
    if _NUMBER.findall(before) != _NUMBER.findall(after):
        return True
    old, new = _words(before), _words(after)
    if old == new:
        return False
    if len(old) + len(new) <= 4:
        return True
    ratio = SequenceMatcher(None, old, new, autojunk=False).ratio()
    changed_words = sum(
        max(i2 - i1, j2 - j1)
        for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
        if tag != "equal"
    )
    return ratio < SIMILARITY_THRESHOLD and changed_words > 1
