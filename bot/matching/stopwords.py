"""Words a query can do without, in German and English (folded forms)."""

from __future__ import annotations

GERMAN = frozenset(
    ["der", "die", "das", "den", "dem", "des", "ein", "eine", "einer", "eines", "einem", "einen", "und", "oder", "auf", "in", "im", "ins", "an", "am", "zu", "zum", "zur", "von", "vom", "mit", "bei", "beim", "fur", "uber", "unter", "nach", "vor", "aus", "um", "gegen", "durch", "als", "wie", "auch", "nicht", "ist", "sind", "war", "waren", "wird", "werden", "wurde", "hat", "haben", "es", "sie", "er", "wir", "ich", "du", "ihr", "ihre", "ihren", "sein", "seine", "seinen", "so", "noch", "nur", "schon", "mehr", "sehr", "aber", "doch", "dass", "ob", "wenn", "alle", "alles", "neue", "neues", "news", "nachrichten", "meldungen", "zwischen", "sowie", "bitte", "etwas", "was", "wer", "wo"]
)

ENGLISH = frozenset(
    ["the", "a", "an", "of", "on", "in", "at", "to", "for", "from", "with", "by", "and", "or", "about", "over", "into", "onto", "is", "are", "was", "were", "be", "been", "being", "news", "latest", "all", "any", "new", "update", "updates", "please", "what", "who", "where", "some", "between", "against"]
)

ALL = GERMAN | ENGLISH
