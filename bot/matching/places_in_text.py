"""How a city is used in a sentence: as the place, or as its government speaking.

"Kiew wies die Vorwürfe zurück", "aus Kiew hieß es", "Kyiv said": the city stands
for the people who govern from it — a speaker or the source of a claim, not the
place where something happened. Such an occurrence does not count as the place.
And "die Hauptstadt", "die Stadt", "the city" refer back to the city the title or an
earlier sentence named (light coreference inside one entry).
"""

from __future__ import annotations

from bot.matching.document import Document

# Verbs (folded word starts) that make the city before them a speaker or an actor.
# German and English, present and past: "Kiew meldet/meldete", "Kyiv says/said".
_ACTOR_VERBS = tuple(
    str.split(
        """sag erklar meld teilt beton warn forder fordert kritisier wies weist bestreit
        bestritt dementier bestatig kundig kundigt wirft warf beschuldig reagier verurteil
        hofft wollt lehnt start spricht sprach geht ging sieht sah
        verlangt ruft rief setzt setzte sprich bezeichn nannte nennt vermutet berichtet
        wertet wertete zweifelt glaubt schlagt schlug kontert bekraftig mahnt mahnte
        say said claim deni deny reject accus announc warn condemn call urge insist respond
        plans planned want hope confirm report stat argu vow pledg threaten demand blam launch
        began begin believ dismiss object offer propos agree insist"""
    )
)
# Auxiliaries between the city and its verb ("Kyiv has said", "Kiew hat … erklärt").
_AUXILIARIES = frozenset(
    {"hat", "hatte", "habe", "has", "had", "have", "did", "does", "would", "could", "also"}
    | {"will", "shall", "may", "might", "again", "erneut", "nun", "jetzt", "now"}
)
# Words before the city that make it a source ("aus Kiew hieß es", "laut Kiew",
# "nach Angaben Kiews", "according to Kyiv", "die Regierung in Kiew").
_SOURCE_BEFORE = frozenset({"aus", "laut", "angaben", "according", "zufolge"})
_GOVERNMENT = frozenset(
    {"regierung", "fuhrung", "staatsfuhrung", "machthaber", "government", "leadership"}
    | {"officials", "behorden", "authorities", "kreise", "kreisen", "according"}
)
_LOCATIVE = frozenset({"in", "im", "at", "near", "nahe", "bei", "to", "um", "around"})
_SOURCE_AFTER = frozenset({"zufolge", "angaben", "officials", "sources"})
# Words that refer back to a city named before ("die Stadt", "the capital").
_ANAPHORS = frozenset({"stadt", "hauptstadt", "metropole", "city", "capital"})
_DETERMINERS = frozenset({"die", "der", "the", "this", "dieser", "diese", "that"})


def speaks(doc: Document, k: int) -> bool:
    """Whether the city at token k stands for its government (speaker or source)."""
    tokens = doc.tokens
    token = tokens[k]
    before = tokens[k - 1] if k and tokens[k - 1].unit == token.unit else None
    if before is not None:
        if before.folded in _SOURCE_BEFORE:
            return True
        if before.folded in _LOCATIVE:  # "Gespräche in Baku": a place, unless …
            head = tokens[k - 2] if k >= 2 else None  # … "die Regierung in Kiew"
            return head is not None and head.unit == token.unit and head.folded in _GOVERNMENT
    for j in range(k + 1, min(k + 5, len(tokens))):
        after = tokens[j]
        if after.unit != token.unit or after.clause != token.clause:
            return False
        if after.folded == "s" and j == k + 1:
            continue  # "Kyiv's officials"
        if after.folded in _SOURCE_AFTER:
            return True
        if after.upper and token.field == "text":
            return False  # a noun or a name follows: not the city's own verb
        if after.folded.startswith(_ACTOR_VERBS):
            return True
        if after.folded not in _AUXILIARIES:
            return False
    return False


def anaphors(doc: Document) -> list[int]:
    """Tokens such as "die Stadt" / "the capital" that refer back, not name anew."""
    tokens = doc.tokens
    found: list[int] = []
    for k in range(1, len(tokens)):
        token = tokens[k]
        if token.folded not in _ANAPHORS or tokens[k - 1].folded not in _DETERMINERS:
            continue
        after = tokens[k + 1] if k + 1 < len(tokens) else None
        if after is not None and after.unit == token.unit and after.upper:
            continue  # "die Stadt Charkiw" names the city itself
        found.append(k)
    return found
