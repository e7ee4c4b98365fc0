"""What a topic looks for: OR of clauses; a clause is an AND of OR-groups of terms."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.matching.patterns import Pattern


@dataclass(frozen=True, slots=True)
class RoleAlias:
    """A role word that names a person only while they hold the office ("Kremlchef",
    "US-Präsident", "der Kanzler"), judged by the entry's publication date; `None`
    leaves that end open. Not after "former"/"früher", not beside another named person.
    """

    pattern: Pattern
    valid_from: date | None = None
    valid_to: date | None = None  # exclusive: the successor's first day
    # The holder's own name inside a role's term ("Scholz" counts as "the chancellor"
    # while he was): no role-word checks apply to it.
    name: bool = False
    scope: str = ""  # the office's country: "der österreichische Kanzler" is not it

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day < self.valid_to
        )


@dataclass(frozen=True, slots=True)
class Term:
    """A concept from the lexicon, or a keyword / phrase the lexicon does not know."""

    key: str  # "c:kyiv", "k:*austausch", 'p:"kim jong un"' — identity for dedup
    label_de: str  # what the reader is shown
    label_en: str
    patterns: tuple[Pattern, ...]
    hint: tuple[str, ...] = ()  # a few aliases, to show what the concept covers
    # Phrases in which an alias does not count ("aus Kiew", "Kiew meldet": the city
    # standing for its government, not for the place).
    vetoes: tuple[Pattern, ...] = ()
    roles: tuple[RoleAlias, ...] = ()  # offices this concept (a person) held, with dates
    # Named members of a broader concept ("Rutte" in NATO, "Taurus" in missiles): a
    # query naming one of them asks for that one, not for the whole concept.
    members: tuple[Pattern, ...] = ()
    # Whole words of other concepts that start like one of this concept's word-start
    # aliases: the compound's head decides ("waffe*" does not fire on "Waffenruhe").
    not_in: tuple[Pattern, ...] = ()
    kind: str = ""  # "person", "place", "country" … (lexicon concepts only)
    # The country (ISO code) a concept belongs to ("US" for the US election): next to
    # another country ("Präsidentschaftswahl in Polen") its words name that country's.
    scope: str = ""

    def label(self, language: str) -> str:
        return self.label_en if language == "en" else self.label_de


@dataclass(frozen=True, slots=True)
class Clause:
    required: tuple[tuple[Term, ...], ...]  # every group must hit; any term of a group will do
    excluded: tuple[Term, ...] = ()  # none of these anywhere in the entry

    def canonical(self) -> str:
        groups = sorted("|".join(sorted(t.key for t in g)) for g in self.required)
        excluded = sorted(t.key for t in self.excluded)
        return "&".join(groups) + ("!" + "!".join(excluded) if excluded else "")


@dataclass(frozen=True, slots=True)
class TopicExpr:
    clauses: tuple[Clause, ...]
    # Worked out once per expression, on first use: every index build asks each of its
    # topics for both, and one expression serves thousands of subscriptions (hashing a
    # Term hashes all its patterns, so recomputing made builds cost seconds).
    _canonical: str | None = field(default=None, init=False, repr=False, compare=False)
    _terms: frozenset[Term] | None = field(default=None, init=False, repr=False, compare=False)

    def canonical(self) -> str:
        """Equal for topics that match the same entries: the dedup key of the index."""
        if self._canonical is None:
            text = " OR ".join(sorted({c.canonical() for c in self.clauses}))
            object.__setattr__(self, "_canonical", text)  # a cache: the value never changes
            return text
        return self._canonical

    def terms(self) -> frozenset[Term]:
        if self._terms is None:
            found: set[Term] = set()
            for clause in self.clauses:
                for group in clause.required:
                    found.update(group)
                found.update(clause.excluded)
            frozen = frozenset(found)
            object.__setattr__(self, "_terms", frozen)
            return frozen
        return self._terms

    def display(self, language: str = "de", with_hints: bool = True) -> str:
        """ "Luftangriff + Kiew (Kyjiw, Kyiv …)" — what the bot will look for."""
        without, either = ("without", "OR") if language == "en" else ("ohne", "ODER")

        def term(t: Term) -> str:
            if with_hints and t.hint:
                return f"{t.label(language)} ({', '.join(t.hint)} …)"
            return t.label(language)

        parts = []
        for clause in self.clauses:
            groups = [" / ".join(term(t) for t in g) for g in clause.required]
            text = " + ".join(groups)
            if clause.excluded:
                text += " " + " ".join(f"{without} {t.label(language)}" for t in clause.excluded)
            parts.append(text)
        return f" {either} ".join(parts)
