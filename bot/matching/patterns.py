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


# Endings that turn a place or people's name into its adjective or demonym, in both
# languages: israelisch(e/en/er/es/em), Iranian(s), Israeli(s), Chinese. Not the
# people's name ("der Syrer" is a man, not Syria); "Kiewer" is an inflection anyway.
ADJECTIVE_ENDINGS = frozenset(
    {"isch", "ische", "ischen", "ischer", "isches", "ischem"}
    | {"esisch", "esische", "esischen", "esischer", "esisches", "esischem"}
    | {"anisch", "anische", "anischen", "anischer", "anisches", "anischem"}
    | {"nisch", "nische", "nischen", "nischer", "nisches", "nischem"}
    | {"ian", "ians", "an", "ans", "ese"}
)
# What a stem taken from an adjective may grow back into: its place name, inflected
# ("eritre|isch" → Eritrea, Eritreas; "syr|isch" → Syrien; "finn|isch" → Finnland).
_NAME_ENDINGS = ("", "a", "e", "o", "ien", "ia", "land", "en", "on")
STEM_TAILS = frozenset(n + i for n in _NAME_ENDINGS for i in ("", "s", "es", "n"))
# English -i demonyms (Israeli, Pakistani) only after longer names: "Krim" is no "Krimi".
_DEMONYM_I = frozenset({"i", "is"})
# Suffixes that make a new word of a stem ("deut|lich", "Rat|ung"): never a compound head.
_DERIVATIONS = tuple(
    str.split(
        """lich ung heit keit bar sam haft ig tum nis ling chen lein itat ier ion ist ismus
        tisier isier tik tisch ly ness ment ity ful less ation ition ierung ieren iert
        isation ization ativ"""
    )
)
# Compass and size prefixes that make a region of a place inside one word.
COMPASS = frozenset(
    {"nord", "sud", "ost", "west", "nordost", "nordwest", "sudost", "sudwest", "zentral"}
    | {"north", "south", "east", "west", "central", "gross", "innen", "alt"}
)
_VOWELS = frozenset("aeiouy")
MIN_COMPOUND_HEAD = 4  # "Gaza|krieg", "Gaza|streifen"; shorter rests are endings, not words


class Right(StrEnum):
    INFLECT = "inflect"
    EXACT = "exact"
    ANY = "any"
    # A name: its inflections, its adjective forms, and any compound it starts
    # ("Gaza" → Gazas, Gazastreifen, Gazakrieg; not "Gazaisch…"-like derivations).
    NAME = "name"
    # A derived stem that only counts with an adjective ending ("syr" → syrisch).
    ADJECTIVE = "adjective"
    # A stem read off an adjective: the place name or the adjective ("iran" → Iran,
    # Irans, iranische; "eritre" → Eritrea).
    STEM = "stem"


@dataclass(frozen=True, slots=True)
class Pattern:
    """One way a term shows in text: word tokens plus how the ends may extend."""

    words: tuple[str, ...]
    left_any: bool  # the first word may end a longer word (compound head / part)
    right: Right  # what may follow the last word inside its token
    # The first word may follow a compass prefix inside its word ("Nordgaza", "Ostukraine").
    left_compass: bool = False

    @property
    def key(self) -> str:
        """The automaton key: a leading space anchors it at a word start."""
        return self.words[0] if self.left_any or self.left_compass else " " + self.words[0]

    def display(self) -> str:
        text = " ".join(self.words)
        if self.right is Right.EXACT:
            return f'"{text}"'
        left = "*" if self.left_any else "^" if self.left_compass else ""
        right = {Right.ANY: "*", Right.NAME: "+", Right.ADJECTIVE: "~", Right.STEM: "%"}.get(
            self.right, ""
        )
        return left + text + right

    def left_ok(self, prefix: str) -> bool:
        """Whether the part of the token before the first word is acceptable."""
        return not prefix or self.left_any or (self.left_compass and prefix in COMPASS)


def inflects(remainder: str) -> bool:
    return remainder in INFLECTIONS


def english_forms(pattern: Pattern) -> list[Pattern]:
    """English plurals and past forms that change a final -y: "casualty" → casualties,
    "party" → parties, "deny" → denied (the other endings are inflections already)."""
    last = pattern.words[-1]
    if pattern.right is not Right.INFLECT or len(last) < 4 or not last.endswith("y"):
        return []
    if last[-2] in "aeiou":  # "delay" → delays: a plain ending
        return []
    return [Pattern((*pattern.words[:-1], last[:-1] + "ie"), pattern.left_any, Right.INFLECT)]


def compound_head(remainder: str) -> bool:
    """Whether what follows a modifier inside one word reads as a word of its own."""
    return len(remainder) >= MIN_COMPOUND_HEAD and not remainder.startswith(_DERIVATIONS)


def compound_tail(remainder: str) -> bool:
    """A compound head after a modifier, not an ending ("Gaza|streifen", not "iran|ischen")."""
    return (
        remainder not in INFLECTIONS
        and remainder not in ADJECTIVE_ENDINGS
        and compound_head(remainder)
    )


def _tail_ok(remainder: str, right: Right, word: str) -> bool:
    if right is Right.INFLECT:
        return remainder in INFLECTIONS
    if right is Right.ANY:
        return True
    if right is Right.EXACT:
        return remainder == ""
    if remainder in ADJECTIVE_ENDINGS or (remainder in _DEMONYM_I and len(word) >= 5):
        return True
    if right is Right.STEM:
        return remainder in STEM_TAILS
    # NAME: inflected, or the modifier of a compound ("Gaza|streifen"). After a short
    # name ending in a consonant, a rest starting with a vowel is more often a longer
    # word that only begins like the name ("Krim|inalität") than a compound.
    if right is not Right.NAME:
        return False
    if remainder in INFLECTIONS:
        return True
    vowel_joint = remainder[:1] in _VOWELS and word[-1:] not in _VOWELS
    return compound_head(remainder) and not (vowel_joint and len(word) <= 4)


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


def _adjective_stems(base: str) -> list[str]:
    """Stems a place name sheds before its adjective ending (Ukraine → ukrain|isch,
    Syrien → syr|isch, Finnland → finn|isch, China → chin|esisch, Schweden → schwed|isch)."""
    stems: list[str] = []
    if base[-1:] in ("a", "e", "o", "i", "y"):
        stems.append(base[:-1])
    for ending in ("ien", "ia", "enland", "land", "en", "on"):
        if base.endswith(ending):
            stems.append(base[: -len(ending)])
    return [s for s in dict.fromkeys(stems) if len(s) >= 3 and s != base]


def name_patterns(base: str, compass: bool = True) -> list[Pattern]:
    """A single-word name in all its forms: inflected, adjective, compound modifier and
    (long names only) after a compass prefix ("Nordgaza")."""
    patterns = [Pattern((base,), False, Right.NAME, compass and len(base) >= 4)]
    patterns.extend(Pattern((stem,), False, Right.ADJECTIVE) for stem in _adjective_stems(base))
    return patterns


_ADJECTIVE_SUFFIXES = ("esisch", "anisch", "isch", "ian", "ese")


def _strip_inflection(word: str) -> str:
    for ending in _LONGEST_FIRST:
        if ending and word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


def keyword_patterns(word: str) -> tuple[Pattern, ...]:
    """A free keyword the lexicon does not know, made word-form aware.

    A word of four letters or more is read like a name: inflected, as the modifier of
    a compound ("Gaza" → Gazastreifen), in its adjective forms (Israel → israelische);
    long enough to be a noun of its own (five letters) it may also end a compound
    ("Austausch" → Gefangenenaustausch). A typed plural or case form adds its base
    ("Streiks" → Streik). An adjective asks for its place too ("iranische" → Iran).
    Short words stay whole words: "Rat" is no "Rathaus".
    """
    base = _strip_inflection(word)
    if len(base) < 4:
        return (Pattern((base,), False, Right.INFLECT),)
    for suffix in _ADJECTIVE_SUFFIXES:
        stem = base[: -len(suffix)]
        if base.endswith(suffix) and len(stem) >= 3:
            # "israelisch" → israelisch(e/en…) and the place it names: "Israel", "Israels".
            return (Pattern((base,), False, Right.INFLECT), Pattern((stem,), False, Right.STEM))
    # The word as typed: a name in all its forms; a noun of five letters or more may
    # also end a compound. Its stripped base adds the plain word ("Streiks" → Streik),
    # and compounds only where the base is long enough to be a noun of its own
    # ("gehen" is no "Geh|eimdienst").
    long_base = len(base) >= 5
    patterns = name_patterns(word)
    if long_base:
        patterns[0] = Pattern((word,), True, Right.NAME)
    if base != word:
        patterns.append(Pattern((base,), long_base, Right.NAME if long_base else Right.INFLECT))
    patterns.extend(english_forms(Pattern((word,), False, Right.INFLECT)))
    return tuple(dict.fromkeys(patterns))


def tail_ok(pattern: Pattern, index: int, remainder: str) -> bool:
    """Whether the rest of the text token after alias word `index` is acceptable."""
    last = index == len(pattern.words) - 1
    word = pattern.words[index]
    if last or pattern.right is Right.EXACT:
        return _tail_ok(remainder, pattern.right, word)
    return _tail_ok(remainder, Right.INFLECT, word)
