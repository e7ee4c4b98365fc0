"""Whether a role word in an entry stands for its current holder.

"Der Kremlchef", "the Russian leader", "der ukrainische Staatschef" name Putin and
Selenskyj; the index already checked the entry's date against the holder's term.
Two things still change who is meant, both read off the words around the role:
- a qualifier of time before it ("der frühere ukrainische Präsident", "Ex-Kanzler",
  "the former US president", "then-President") or after it ("President-elect");
- another named person right after it ("der frühere Präsident Poroschenko",
  "US-Präsident Biden" in an entry about Trump): the name wins over the role.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.matching.document import Document
from bot.matching.stopwords import ALL as STOPWORDS

# Folded word starts: früher(e/en), ehemalig(e/en), einstig, damalig, vormalig,
# künftig, designiert, former, future, incoming, ex-.
_NOT_NOW = (
    "fruher",
    "ehemalig",
    "einstig",
    "damalig",
    "vormalig",
    "kunftig",
    "designiert",
    "abgewahlt",
    "former",
    "future",
    "incoming",
    "erstmalig",
)
_NOT_NOW_WORDS = frozenset({"ex", "then", "late", "einst", "damals", "elect"})
_LOOK_BACK = 3


def role_stands(doc: Document, hit: tuple[int, int], names: Sequence[tuple[int, int]]) -> bool:
    """Whether the role at token span `hit` refers to the holder whose name hits are
    `names` (their other occurrences in the entry)."""
    tokens = doc.tokens
    first, last = hit
    unit = tokens[first].unit
    for k in range(first - 1, max(first - _LOOK_BACK, 0) - 1, -1):
        if tokens[k].unit != unit:
            break
        folded = tokens[k].folded
        # Short qualifiers only right before the role: "then-President", not "late on
        # Monday the president"; the adjectives anywhere close ("der frühere ukrainische").
        if folded.startswith(_NOT_NOW) or (k == first - 1 and folded in _NOT_NOW_WORDS):
            return False
    after = last + 1
    if after < len(tokens) and tokens[after].unit == unit:
        token = tokens[after]
        if token.folded == "elect":
            return False
        if token.upper and token.folded not in STOPWORDS and not token.folded.isdigit():
            # A name follows: the holder's own ("Kremlchef Putin") or someone else's.
            return any(lo <= after <= hi for lo, hi in names)
    return True
