"""Words a query can do without, in German and English (folded forms)."""

from __future__ import annotations

GERMAN = frozenset(
    [
        "der",
        "die",
        "das",
        "den",
        "dem",
        "des",
        "ein",
        "eine",
        "einer",
        "eines",
        "einem",
        "einen",
        "und",
        "oder",
        "auf",
        "in",
        "im",
        "ins",
        "an",
        "am",
        "zu",
        "zum",
        "zur",
        "von",
        "vom",
        "mit",
        "bei",
        "beim",
        "fur",
        "uber",
        "unter",
        "nach",
        "vor",
        "aus",
        "um",
        "gegen",
        "durch",
        "als",
        "wie",
        "auch",
        "nicht",
        "ist",
        "sind",
        "war",
        "waren",
        "wird",
        "werden",
        "wurde",
        "hat",
        "haben",
        "es",
        "sie",
        "er",
        "wir",
        "ich",
        "du",
        "ihr",
        "ihre",
        "ihren",
        "sein",
        "seine",
        "seinen",
        "so",
        "noch",
        "nur",
        "schon",
        "mehr",
        "sehr",
        "aber",
        "doch",
        "dass",
        "ob",
        "wenn",
        "alle",
        "alles",
        "neue",
        "neues",
        "news",
        "nachrichten",
        "meldungen",
        "zwischen",
        "sowie",
        "bitte",
        "etwas",
        "was",
        "wer",
        "wo",
    ]
)

ENGLISH = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "on",
        "in",
        "at",
        "to",
        "for",
        "from",
        "with",
        "by",
        "and",
        "or",
        "about",
        "over",
        "into",
        "onto",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "news",
        "latest",
        "all",
        "any",
        "new",
        "update",
        "updates",
        "please",
        "what",
        "who",
        "where",
        "some",
        "between",
        "against",
    ]
)

# Function words that would otherwise start compounds as free keywords ("sich" →
# "Sicherheit", "außer" → "Außenminister"): pronouns, modal verbs, adverbs.
FUNCTION_WORDS = frozenset(
    str.split(
        """
    sich ausser ausserdem dann denn dort hier heute gestern morgen jetzt immer wieder
    bereits bisher damit dabei dafur dagegen daher darum davon dazu deshalb jedoch
    kann konnen konnte soll sollen sollte muss mussen musste will wollen wollte darf
    man mich mir dich dir uns euch ihm ihn ihnen dies diese dieser dieses diesem diesen
    jede jeder jedes jeden kein keine keinen keiner einige viele mehrere weitere
    sowohl weder noch nun also zudem laut seit seither wegen trotz ohne gegenuber
    this that these those they them their there here have has had will would could
    should must also than then when while which whose very more most such
    """
    )
)

ALL = GERMAN | ENGLISH | FUNCTION_WORDS

# Words people put around a topic when they ask for news of it ("Lage in Belarus",
# "aktuelle Entwicklungen Syrien", "latest developments on the strike"). They say
# "tell me about", not what the entries must contain: left out while other words remain.
QUERY_FILLERS = frozenset(
    str.split(
        """
        lage situation aktuell aktuelle aktuellen aktuelles aktuellster neueste neuesten
        neuestes neuigkeit neuigkeiten entwicklung entwicklungen info infos information
        informationen thema themen stand gibt gibts neues rund berichte berichterstattung
        liveblog ticker newsticker live eilmeldung eilmeldungen geschehen ereignisse
        current currently development developments coverage everything ongoing recent
        stories story topic today happening happenings situations
        """
    )
)
