"""What a report says happened, in facts no language owns: the event signature.

Two reports are one development only when they agree on what happened (the kind of
event), where (places as gazetteer ids from seeds/places.tsv, so "Kiew", "Kyiv" and
"Kiewer" are one place), who (lexicon people and names), and how many (a death toll
of 3 and one of 5 are two developments). The signature is read from the lead of an
entry only, so its cost is bounded whatever the entry's length.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from bot.matching.lexicon import LexiconError, default_lexicon
from bot.matching.normalize import fold
from bot.matching.places import PLACE_PREPOSITIONS, default_places
from bot.stories.neutral import concepts_in

MAX_CHARS = 1_500
_WORD = re.compile(r"[^\W_]+(?:[.,]\d+)*(?:-[^\W_]+)*")


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Kinds of event, by folded word starts in German and English. A report of a kind
# another report lacks is another development only when both name a kind (see
# `kinds_clash`); kinds of one family ("Explosionen" and "Drohnenangriff") agree.
_KINDS: dict[str, tuple[str, ...]] = {
    "strike": _words(
        """angriff angegriff attack strike struck beschuss beschoss shelling bombard
        luftangriff airstrike drohne drone rakete missile rocket explosion explod blast
        detonat einschlag luftalarm air-raid luftabwehr flugabwehr"""
    ),
    "shooting": _words("schusse schuss schoss erschoss gunman gunfire shooting shot schutze"),
    "stabbing": _words("messer stabb knife erstoch"),
    "ramming": _words("ramm plough plow raste fuhr drove"),
    "fire": _words("brand feuer fire blaze flammen flames"),
    "truce": _words("waffenruhe waffenstillstand feuerpause ceasefire truce"),
    "flood": _words("hochwasser flut uberschwemm flood deich dammbruch dam levee"),
    "quake": _words("erdbeben beben earthquake quake tremor"),
    "storm": _words("sturm storm hurrikan hurricane orkan tornado unwetter taifun typhoon"),
    "crash": _words("absturz abgesturz crash unfall accident kollision collision entgleis derail"),
    "arrest": _words("festgenommen festnahme verhaftet verhaftung arrest detained gefasst custody"),
    "court": _words("gericht urteil verurteil court sentenc verdict trial prozess anklage indict"),
    "vote": _words("wahl gewahlt election vote voted abstimm ballot referendum"),
    "talks": _words("gesprach treffen verhandl talks meeting summit gipfel telefonat phone"),
    "sanctions": _words("sanktion sanction"),
    "resign": _words("rucktritt zuruckgetreten resign"),
    "hostage": _words("geisel hostage"),
    "protest": _words("protest demonstr kundgebung rally"),
}
# Only whole words: short starts that would also begin unrelated words.
_WHOLE = frozenset(_words("shot fire dam fuhr drove wahl vote beben flut"))

_NUMBER_WORDS = dict(
    zip(
        _words(
            """ein eine einer one zwei two drei three vier four funf five sechs six sieben
            seven acht eight neun nine zehn ten elf eleven zwolf twelve dutzend dozen"""
        ),
        (
            1,
            1,
            1,
            1,
            2,
            2,
            3,
            3,
            4,
            4,
            5,
            5,
            6,
            6,
            7,
            7,
            8,
            8,
            9,
            9,
            10,
            10,
            11,
            11,
            12,
            12,
            12,
            12,
        ),
        strict=True,
    )
)
# Casualty words: a number near one is a toll of that kind.
_TOLL_KINDS: dict[str, tuple[str, ...]] = {
    "dead": _words(
        """tote todesopfer getotet gestorben starben umgekommen leben dead killed died deaths
        death fatalities lives leichen bodies"""
    ),
    "hurt": _words("verletzte verletzt verwundet injured wounded hurt injuries"),
}
# Headline words that announce what has not happened yet: the announcement and the
# event are two developments ("Harris expected to concede" / "Harris concedes").
_AHEAD = frozenset(_words("expected set poised plans plan will soll sollen plant planen erwartet"))
_AHEAD_AFTER = frozenset(_words("to"))  # "expected to", "set to", "plans to"
_AHEAD_ALONE = frozenset(_words("will soll sollen plant planen"))
# Headline words of a denial or rejection: the claim and its denial are two developments.
_DENY = (
    "bestreit",
    "bestritt",
    "dementi",
    "zuruckgewies",
    "weist zuruck",
    "wies zuruck",
    "deni",
    "deny",
    "reject",
    "refut",
)
# Headline words that say this is another one of a kind: a new wave, not a repeat.
_AGAIN = frozenset(
    _words("neue neuen neuer neues new another second zweite zweiten fresh renewed weitere")
)
_TOLL_REACH = 4  # words between a number and its casualty word
_FILLER = frozenset(
    _words(
        """menschen personen people persons mindestens least at rund etwa about more than
        mehr als were wurden seien sind are have has been worden was wurde kamen ums und and
        civilians zivilisten kinder children"""
    )
)


@dataclass(frozen=True, slots=True)
class Signature:
    places: frozenset[str]  # gazetteer keys: "g703448" (Kyiv), "UA"
    countries: frozenset[str]  # the countries of those places
    kinds: frozenset[str]  # kinds of event ("strike", "flood")
    actors: frozenset[str]  # lexicon concepts and name keys that are not places
    persons: frozenset[str]  # the lexicon's people named ("c:selenskyj")
    ahead: bool  # the headline announces ("expected to concede", "soll … treffen")
    again: bool  # the headline says it is a new one ("neuer Raketenbeschuss", "fresh strikes")
    denies: bool  # the headline denies or rejects ("bestreitet", "denies"): a development
    tolls: tuple[tuple[str, int], ...]  # ("dead", 3): counts of casualties
    words: int  # content words read: a short entry carries little evidence

    @property
    def cities(self) -> frozenset[str]:
        return frozenset(p for p in self.places if p.startswith("g"))


def _kind_of(word: str) -> str | None:
    for kind, starts in _KINDS.items():
        for start in starts:
            if word == start or (start not in _WHOLE and word.startswith(start)):
                return kind
    return None


@cache
def _kind_cached(word: str) -> str | None:
    return _kind_of(word)


def _number(word: str) -> int | None:
    if word.isdigit() and len(word) <= 6:
        return int(word)
    return _NUMBER_WORDS.get(word)


def _toll_kind(word: str) -> str | None:
    for kind, words in _TOLL_KINDS.items():
        if any(word.startswith(w) for w in words):
            return kind
    return None


def _tolls(words: list[str]) -> tuple[tuple[str, int], ...]:
    found: dict[str, int] = {}
    for i, word in enumerate(words):
        value = _number(word)
        if value is None or (value == 1 and word in ("ein", "eine", "einer", "one")):
            continue  # "ein Mann wurde verletzt" counts nobody for sure
        for j in range(i + 1, min(i + 1 + _TOLL_REACH, len(words))):
            kind = _toll_kind(words[j])
            if kind is not None:
                found.setdefault(kind, value)  # the first toll of a kind is the news
                break
            if words[j] not in _FILLER:
                break
    return tuple(sorted(found.items()))


def _places(raw: list[str], folded: list[str]) -> tuple[set[str], set[str], set[int]]:
    """Places named (keys), their countries, and the word positions they took."""
    table = default_places()
    places: set[str] = set()
    countries: set[str] = set()
    used: set[int] = set()
    i = 0
    while i < len(folded):
        found = table.find(folded[i : i + 5]) if raw[i][:1].isalpha() else None
        if found is None:
            i += 1
            continue
        place, size = found
        name = " ".join(folded[i : i + size])
        guarded = {fold(g) for g in place.guarded}
        capital = raw[i][:1].isupper()
        if (
            (place.kind != "country" and not capital)  # "essen", "mann": words, not cities
            or (name in guarded and (i == 0 or folded[i - 1] not in PLACE_PREPOSITIONS))
        ):
            i += 1
            continue
        places.add(place.key)
        countries.add(place.country)
        used.update(range(i, i + size))
        i += size
    return places, countries, used


def signature(title: str | None, text: str, stop: frozenset[str]) -> Signature:
    """The facts of an entry's lead (`stop`: words that are never names)."""
    lead = f"{(title or '')[:300]}. {text[:MAX_CHARS]}"
    raw = _WORD.findall(lead)
    folded = [fold(w) for w in raw]
    places, countries, used = _places(raw, folded)
    kinds = {k for w in folded if (k := _kind_cached(w)) is not None}
    concepts = concepts_in(title, text[:MAX_CHARS])
    actors = {"@" + c for c in concepts}
    for i, (word, low) in enumerate(zip(raw, folded, strict=True)):
        if i in used or len(word) < 4 or not word[0].isupper() or low in stop:
            continue
        if not low.isalpha() or _kind_cached(low) or _toll_kind(low):
            continue
        actors.add("~" + low[:5])
    content = sum(1 for w in folded if w not in stop and len(w) > 2)
    head = [fold(w) for w in _WORD.findall(_headline(title, text))]
    return Signature(
        places=frozenset(places),
        countries=frozenset(countries),
        kinds=frozenset(kinds),
        actors=frozenset(actors),
        persons=frozenset(concepts & _person_keys()),
        ahead=_announces(head),
        again=any(w in _AGAIN for w in head),
        denies=any(d in " ".join(head) for d in _DENY),
        tolls=_tolls(folded),
        words=content,
    )


def _headline(title: str | None, text: str) -> str:
    """The title, else the lead's first sentence: what the report says happened."""
    if title and title.strip():
        return title[:300]
    end = min(
        (i for i in (text.find(". "), text.find("! "), text.find("? ")) if i > 0), default=200
    )
    return text[: min(end, 300)]


def _announces(words: list[str]) -> bool:
    for i, word in enumerate(words):
        if word in _AHEAD_ALONE:
            return True
        if word in _AHEAD and i + 1 < len(words) and words[i + 1] in _AHEAD_AFTER:
            return True
    return False


def tolls_clash(a: Signature, b: Signature) -> bool:
    """Both give a toll of one kind and the counts differ: a new toll is news."""
    other = dict(b.tolls)
    return any(kind in other and other[kind] != count for kind, count in a.tolls)


def new_toll(new: Signature, story: Sequence[Signature]) -> bool:
    """The new report gives a toll no report of the story gave (a first or another
    count of the dead or hurt): that is news of its own, never folded into the story."""
    told = {toll for report in story for toll in report.tolls}
    return any(toll not in told for toll in new.tolls)


def places_clash(a: Signature, b: Signature) -> bool:
    """Both name cities and share none, or name countries and share none."""
    if a.cities and b.cities and not (a.cities & b.cities):
        return True
    return bool(a.countries and b.countries and not (a.countries & b.countries))


def persons_clash(a: Signature, b: Signature) -> bool:
    """Both name people and share none: another person's statement or visit is another
    development ("Baerbock verspricht …" and "Scholz sagt …")."""
    return bool(a.persons and b.persons and not (a.persons & b.persons))


@cache
def _person_keys() -> frozenset[str]:
    try:
        lexicon = default_lexicon()
    except (LexiconError, OSError):
        return frozenset()
    return frozenset(f"c:{key}" for key, term in lexicon.concepts.items() if term.kind == "person")


def kinds_clash(a: Signature, b: Signature) -> bool:
    return bool(a.kinds and b.kinds and not (a.kinds & b.kinds))
