"""Whether a lexical hit is the topic itself, or a word inside some other name, or a
figure of speech in scare quotes.

"Dynamo Kiew", "Ollie Pope", "the Carolina Hurricanes", "SK Sturm": the topic's word
is the last part of a proper name whose first part is another capitalised word in the
middle of a sentence. That reading holds for any query, listed or not, so it is read
off the entry's capitals, not off a list of known clubs.

Kept as hits: a capitalised word before the hit that is a function word ("Die
Vogelgrippe"), the first word of a sentence in English ("Severe storms"), a word
that is part of the same proof ("Donald Trump"), an office or title ("Präsident
Selenskyj", "President Trump", "Chef Musk"), or a person's given name when the topic
itself is a person (its concept knows roles).
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.matching.document import Document
from bot.matching.stopwords import ALL as STOPWORDS
from bot.matching.stopwords import ENGLISH, GERMAN

# Word ends of offices and titles in front of a name ("Außenministerin", "Kremlchef").
_TITLE_ENDS = (
    "prasident",
    "prasidentin",
    "kanzler",
    "kanzlerin",
    "minister",
    "ministerin",
    "chef",
    "chefin",
    "papst",
    "konig",
    "konigin",
    "president",
    "premier",
    "senator",
    "governor",
    "pope",
    "king",
    "queen",
    "boss",
    "leader",
    "general",
    "secretary",
    "sprecher",
    "sprecherin",
    "spokesman",
    "spokeswoman",
    "mr",
    "mrs",
    "ms",
    "dr",
    "herr",
    "frau",
)


_LONGEST_NAME_PART = 10


def _titled(folded: str) -> bool:
    return any(title in folded for title in _TITLE_ENDS)


def inside_name(
    doc: Document, source: str, first: int, proof_tokens: set[int], german: bool
) -> bool:
    """Whether the hit starting at token `first` is the tail of a longer proper name."""
    tokens = doc.tokens
    hit = tokens[first]
    if not hit.upper or first < 2 or not _mid_unit(doc, first - 1):
        return False
    before = tokens[first - 1]
    if before.unit != hit.unit or first - 1 in proof_tokens or not before.upper:
        return False
    if before.folded in STOPWORDS or _titled(before.folded) or before.folded.isdigit():
        return False
    # A long word in front is a German noun in apposition ("Stahlunternehmen
    # Thyssenkrupp"), not the first part of a name.
    if len(before.folded) > _LONGEST_NAME_PART:
        return False
    # Only a space between the two words ("US-Zölle" is a compound, not a name).
    if hit.start - before.end != 1 or source[before.end] != " ":
        return False
    # German writes every noun with a capital ("Gebiet Kursk", "Regierung Trump"): there
    # only an abbreviation in capitals ("SK Sturm", "FC Bayern") opens a name.
    return not german or source[before.start : before.end].isupper()


def _german(doc: Document) -> bool:
    """Whether the entry is written in German (more German than English function words)."""
    words = [t.folded for t in doc.tokens]
    return sum(w in GERMAN for w in words) > sum(w in ENGLISH for w in words)


def _mid_unit(doc: Document, index: int) -> bool:
    """Whether token `index` is not the first word of its sentence (or title)."""
    return doc.tokens[index - 1].unit == doc.tokens[index].unit


# Quotation marks of German, English, French and Swiss typography.
_QUOTES = frozenset("\"'„“”«»‚‘’‹›")


def not_the_topic(
    doc: Document, title: str | None, text: str, proof: Sequence[tuple[int, tuple[int, int]]]
) -> bool:
    """Whether no hit of a proof stands for the topic: each is the tail of another
    name, or its word is set in scare quotes somewhere in the entry (vor einem
    „Flächenbrand" warnen, eine „Flut" an Befehlen): the writer marks it as a figure."""
    if not proof:
        return False
    covered = {i for _, (first, last) in proof for i in range(first, last + 1)}
    figurative = {
        term for term, (first, last) in proof if _quoted(doc, title or "", text, first, last)
    }
    german = _german(doc)
    return all(
        term in figurative
        or inside_name(
            doc,
            (title or "") if doc.tokens[first].field == "title" else text,
            first,
            covered,
            german,
        )
        for term, (first, last) in proof
    )


def _quoted(doc: Document, title: str, text: str, first: int, last: int) -> bool:
    """Whether the words first..last stand alone between quotation marks."""
    start, end = doc.tokens[first], doc.tokens[last]
    if start.field != end.field:
        return False
    source = title if start.field == "title" else text
    before = source[start.start - 1] if start.start > 0 else ""
    after = source[end.end] if end.end < len(source) else ""
    return before in _QUOTES and after in _QUOTES


# Words that only sports reporting uses: an entry with two or more of them is a match
# report, where a capitalised topic word is a club, a team or a player ("Dynamo Kiew",
# "the Carolina Hurricanes", "Sturm Graz", "die Wölfe", "the Avalanche").
_SPORTS_WORDS = frozenset(
    str.split(
        """spieltag spieltags heimsieg heimsiege heimspiel heimspiele auswartsspiel
        auswartssieg tabellenspitze tabellenfuhrer tabellenplatz bundesliga bundesligist
        zweitligist champions league pokal pokalfinale saison trainer torschutze
        halbzeit elfmeter remis abstieg abstiegskampf serienmeister titelverteidiger
        stadion stadions fussball fussballer fussballerin partien kader anpfiff
        innings wicket wickets stumps batsman batter bowler goal goals shootout playoff
        playoffs quarterback touchdown touchdowns yards rushing halftime overtime
        season coach nhl nfl nba mlb fixture striker midfielder defender penalty
        championship semifinal quarterfinal scored"""
    )
)
SPORTS_FRAME = 2  # distinct sports words that make an entry a match report
# Word starts of topics that are sports themselves: those keep their hits.
_SPORTS_TOPICS = ("olymp", "sport", "fussball", "football", "soccer", "liga", "league")


def sports_report(doc: Document) -> bool:
    """Whether the entry reads as sports reporting (two distinct sports words)."""
    found = {t.folded for t in doc.tokens if t.folded in _SPORTS_WORDS}
    return len(found) >= SPORTS_FRAME


def sporty(words: Sequence[str]) -> bool:
    """Whether a topic's own words are sports words ("Olympics", "Bundesliga")."""
    return any(w in _SPORTS_WORDS or w.startswith(_SPORTS_TOPICS) for w in words)


def team_names(doc: Document, proof: Sequence[tuple[int, tuple[int, int]]]) -> bool:
    """Whether every hit of a proof is a capitalised word in a sports report: the name
    of a club or player that contains the topic's word."""
    return bool(proof) and all(doc.tokens[first].upper for _, (first, _) in proof)
