"""Countries and cities of the world (seeds/places.tsv), turned into terms on demand.

The table is generated from CLDR and GeoNames by scripts/build_places.py. It is only
a dictionary from names to places: a place becomes a term (and so enters the
automaton) only when a query names it, so 33,000 cities cost a name look-up, not
33,000 automaton patterns.

A place term matches every name of the place in its inflected forms ("Haifas",
"Kiewer", "israelische", "Iranians"), as a compound modifier
("Gazastreifen", "Haifa-Angriff"), but not where that would be another place
("Niger" does not match "Nigeria"). A name that is also an everyday word ("Essen",
"Nice", "Split") counts only after a place preposition ("in Essen", "near Nice") or in
its adjective form ("Essener").
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bot.matching.expr import Term
from bot.matching.normalize import WORD, fold, tokenize
from bot.matching.patterns import INFLECTIONS, Pattern, Right, name_patterns, parse_alias
from bot.seeds import seed_path

# Words before a guarded name that make it a place: "in Essen", "aus Essen", "near Nice".
PLACE_PREPOSITIONS = ("in", "aus", "nach", "bei", "near", "from")
MAX_NAME_WORDS = 5
# Inflected forms ("Haifas") name countries and cities at least this large.
MIN_INFLECTED = 100_000
_ENDINGS = sorted((e for e in INFLECTIONS if e), key=len, reverse=True)


def default_path() -> Path:
    """LIVEBLOG_PLACES, else the source tree's seeds/, else ./seeds/ (the Docker image)."""
    return seed_path("LIVEBLOG_PLACES", "places.tsv")


@dataclass(frozen=True, slots=True)
class Place:
    key: str  # ISO country code, or "g" + GeoNames id for a city
    kind: str  # "country" or "city"
    country: str  # ISO code
    population: int
    label_de: str
    label_en: str
    aliases: tuple[str, ...]  # alias syntax of the lexicon
    guarded: tuple[str, ...]  # names that are everyday words too


def _words(name: str) -> tuple[str, ...]:
    return tuple(t.folded for t in tokenize(name))


def _key(name: str) -> str:
    """The folded words of a name joined by spaces; fast for the common ASCII case."""
    text = name.casefold()
    if not text.isascii():
        text = fold(text)
    return " ".join(WORD.findall(text))


class PlaceTable:
    """Folded name → place. Rows are kept as text and parsed when a place is asked for."""

    def __init__(self, lines: Sequence[str]) -> None:
        self._rows: list[str] = []
        self._by_name: dict[str, int] = {}
        for line in lines:
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.rstrip("\n").split("\t")
            if len(fields) != 8:
                continue
            row = len(self._rows)
            self._rows.append(line)
            for name in (*fields[6].split("|"), *fields[7].split("|")):
                key = _key(name)
                # Countries come first, then cities by population: the first owner wins
                # ("Moscow" is the Russian city, not the one in Idaho).
                if key and key.count(" ") < MAX_NAME_WORDS:
                    self._by_name.setdefault(key, row)
        self._sorted_names = sorted(self._by_name)

    @classmethod
    def load(cls, path: Path | None = None) -> PlaceTable:
        target = path or default_path()
        try:
            return cls(target.read_text("utf-8").splitlines())
        except OSError:
            return cls([])  # no place data: queries fall back to keywords

    def __len__(self) -> int:
        return len(self._rows)

    def place(self, row: int) -> Place:
        fields = self._rows[row].rstrip("\n").split("\t")
        return Place(
            key=fields[0],
            kind=fields[1],
            country=fields[2],
            population=int(fields[3] or 0),
            label_de=fields[4],
            label_en=fields[5],
            aliases=tuple(a for a in fields[6].split("|") if a),
            guarded=tuple(a for a in fields[7].split("|") if a),
        )

    def lookup(self, name: str) -> Place | None:
        """The place a name (in any inflected form: "Haifas", "israelische") stands for."""
        found = self.find(_words(name))
        return found[0] if found and found[1] == len(_words(name)) else None

    def is_name(self, word: str) -> bool:
        """Whether the folded word is, as it stands, the name of a place ("wolfsburg")."""
        return word in self._by_name

    def find(self, words: Sequence[str]) -> tuple[Place, int] | None:
        """The place named by the longest run of folded words at the start, and its length."""
        for size in range(min(len(words), MAX_NAME_WORDS), 0, -1):
            head, last = " ".join(words[: size - 1]), words[size - 1]
            for stem in _stems(last):
                row = self._by_name.get(f"{head} {stem}" if head else stem)
                if row is None:
                    continue
                place = self.place(row)
                # An inflected form names a country or a large city ("Haifas"); after a
                # small town's name it is another word ("Olympics" is no "Olympic").
                if stem == last or place.kind != "city" or place.population >= MIN_INFLECTED:
                    return place, size
        return None

    def longer_names(self, word: str) -> list[str]:
        """Other names that start with this one ("nigeria" for "niger")."""
        found = []
        i = bisect_left(self._sorted_names, word)
        while i < len(self._sorted_names) and self._sorted_names[i].startswith(word):
            name = self._sorted_names[i]
            if name != word and " " not in name:
                found.append(name)
            i += 1
        return found

    def term(self, place: Place) -> Term:
        patterns: list[Pattern] = []
        vetoes: list[Pattern] = []
        for alias in place.aliases:
            pattern = parse_alias(alias)
            if pattern is None:
                continue
            word = pattern.words[0]
            is_name = (
                len(pattern.words) == 1
                and pattern.right is Right.INFLECT
                and alias[:1].isupper()  # names, not the adjectives ("israelisch")
            )
            if not is_name:
                patterns.append(pattern)
                continue
            # A name in all its forms ("Haifas", "Gazastreifen", "Nordgaza") — but not
            # where it starts another place's name ("Niger" is not "Nigerianer").
            patterns.extend(name_patterns(word))
            for other in self.longer_names(word):
                if self._by_name[other] != self._by_name.get(word):
                    vetoes.append(Pattern((other,), False, Right.ANY))
        for name in place.guarded:
            words = _words(name)
            patterns.extend(
                Pattern((prep, *words), False, Right.INFLECT) for prep in PLACE_PREPOSITIONS
            )
        shown = [a.strip("=") for a in place.aliases if a.strip("=") != place.label_de]
        return Term(
            key=f"g:{place.key}",
            label_de=place.label_de,
            label_en=place.label_en,
            patterns=tuple(dict.fromkeys(patterns)),
            hint=tuple(shown[:3]),
            vetoes=tuple(dict.fromkeys(vetoes)),
            kind="place" if place.kind == "city" else "country",
        )


def _stems(word: str) -> list[str]:
    """The word and what is left after one inflection ending (at least three letters)."""
    stems = [word]
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            stems.append(word[: -len(ending)])
    return stems


@cache
def default_places() -> PlaceTable:
    return PlaceTable.load()
