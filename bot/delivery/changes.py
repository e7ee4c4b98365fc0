"""Is an edit worth editing a sent alert for? Typo fixes are not; new facts are."""

from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher

from bot.matching.normalize import fold

_WORD = re.compile(r"[^\W_]+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
SIMILARITY_THRESHOLD = 0.95
EXACT_WORDS = 600  # a differing middle up to this size gets an exact diff


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
    ratio, changed_words = _similarity(old, new)
    return ratio < SIMILARITY_THRESHOLD and changed_words > 1


def _similarity(old: list[str], new: list[str]) -> tuple[float, int]:
    """The word-level similarity ratio and the number of changed words.

    SequenceMatcher is quadratic in the words (an edited entry of 4,000 repeated words
    took 8 s on the event loop). Texts up to EXACT_WORDS words get the exact diff, as
    always. Longer ones first set aside their common start and end (an edit mostly
    appends or fixes a few words), which leaves the diff as it is; a middle still
    longer than EXACT_WORDS is compared as word multisets, linear, which can only
    overrate similarity (a pure reordering of a huge entry is not worth an edit)."""
    total = len(old) + len(new)
    if total <= EXACT_WORDS:
        same, changed = _diff(old, new)
        return 2 * same / total, changed
    start, limit = 0, min(len(old), len(new))
    while start < limit and old[start] == new[start]:
        start += 1
    end = 0
    while end < limit - start and old[-1 - end] == new[-1 - end]:
        end += 1
    old_mid, new_mid = old[start : len(old) - end], new[start : len(new) - end]
    if len(old_mid) + len(new_mid) <= EXACT_WORDS:
        same, changed = _diff(old_mid, new_mid)
    else:
        same = sum((Counter(old_mid) & Counter(new_mid)).values())
        changed = max(len(old_mid), len(new_mid)) - same
    return 2 * (start + end + same) / total, changed


def _diff(old: list[str], new: list[str]) -> tuple[int, int]:
    """SequenceMatcher's matched words and changed words."""
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    same = sum(block.size for block in matcher.get_matching_blocks())
    changed = sum(
        max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"
    )
    return same, changed
