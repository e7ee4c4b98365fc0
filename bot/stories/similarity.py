"""How alike two liveblog entries are: the same event in other words, or another event.

Method (chosen by measuring on tests/stories/story_pairs.jsonl, see the test there):
each entry becomes a bag of weighted terms — Snowball stems of its content words in the
entry's own language, the title's words counted double, numbers as terms of their own,
and the leading and trailing parts of long German compounds so that "Raketenangriff"
meets "Raketen" and "Angriff". Two entries are compared by the cosine of those bags.
Reporting words ("sagte", "according", "Angaben") and function words carry no weight:
two stories share them whatever happened. Only the start of an entry is read, so the
cost per entry is bounded whatever its length.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

import Stemmer

from bot.matching.normalize import fold
from bot.matching.stopwords import ENGLISH, GERMAN

MAX_CHARS = 2_000  # the lead of an entry says what happened; the rest is context
_WORD = re.compile(r"[^\W_]+(?:[.,]\d+)*")
_NUMBER = re.compile(r"^\d+(?:[.,]\d+)*$")

# Words every news report uses, whatever the event: they must not make two stories alike.
_REPORTING_WORDS = (
        "sagte sagt sagten erklärte erklärt teilte mit mitteilte angaben nach zufolge laut "
        "hieß heißt berichtete berichtet meldete meldet demnach zunächst bislang bisher "
        "weiterer weitere weiteren erneut heute gestern morgen nacht uhr seit bei einem einer "
        "sich man kein keine keinen mindestens rund etwa knapp mehrere viele dabei damit "
        "dies diese dieser diesem dieses worden sei seien habe hätten hatte hatten "
        "said says told according reported reports officials official after before also "
        "would could will has had have its their his her they them this that these those "
        "at least about some more than other one two three early late on monday tuesday "
        "wednesday thursday friday saturday sunday montag dienstag mittwoch donnerstag "
        "freitag samstag sonntag"
)
_REPORTING = frozenset(fold(w) for w in _REPORTING_WORDS.split())
_STOP = GERMAN | ENGLISH | _REPORTING

_GERMAN_MARKERS = frozenset({"der", "die", "das", "und", "ist", "nicht", "mit", "den", "von"})
_ENGLISH_MARKERS = frozenset({"the", "and", "is", "of", "to", "was", "with", "that", "for"})

_STEMMERS = {"de": Stemmer.Stemmer("german"), "en": Stemmer.Stemmer("english")}
_COMPOUND_PART = 5  # a German compound also yields its first and last five letters


@dataclass(frozen=True, slots=True)
class StoryPrint:
    """What an entry is about, as weighted terms (comparable across entries)."""

    terms: dict[str, float]
    norm: float
    language: str


def language_of(words: list[str]) -> str:
    german = sum(1 for w in words if w in _GERMAN_MARKERS)
    english = sum(1 for w in words if w in _ENGLISH_MARKERS)
    return "en" if english > german else "de"


@lru_cache(maxsize=50_000)
def _stem(language: str, word: str) -> str:
    return str(_STEMMERS[language].stemWord(word))


def _terms_of(words: list[str], language: str, weight: float, bag: defaultdict[str, float]) -> None:
    for word in words:
        if _NUMBER.match(word):
            bag["#" + re.sub(r"[.,]", "", word)] += 2 * weight
            continue
        if word in _STOP or len(word) < 3:
            continue
        stem = _stem(language, word)
        bag[stem] += weight
        if language == "de" and len(stem) >= 2 * _COMPOUND_PART + 2:
            bag["<" + stem[:_COMPOUND_PART]] += weight / 2
            bag[">" + stem[-_COMPOUND_PART:]] += weight / 2


def fingerprint(title: str | None, text: str) -> StoryPrint:
    title_words = [fold(w) for w in _WORD.findall((title or "")[:300])]
    text_words = [fold(w) for w in _WORD.findall(text[:MAX_CHARS])]
    language = language_of(title_words + text_words)
    bag: defaultdict[str, float] = defaultdict(float)
    _terms_of(title_words, language, 2.0, bag)
    _terms_of(text_words, language, 1.0, bag)
    # Repetition counts, but less than a new shared word: 1 + log(weight) from weight 1 on.
    terms = {term: 1.0 + math.log(w) if w >= 1 else w for term, w in bag.items()}
    norm = math.sqrt(sum(v * v for v in terms.values()))
    return StoryPrint(terms, norm, language)


def similarity(a: StoryPrint, b: StoryPrint) -> float:
    """Cosine of the two term bags: 0 (nothing shared) … 1 (the same words)."""
    if not a.norm or not b.norm:
        return 0.0
    small, large = (a, b) if len(a.terms) <= len(b.terms) else (b, a)
    dot = sum(w * large.terms.get(t, 0.0) for t, w in small.terms.items())
    return dot / (a.norm * b.norm)


# Measured on tests/stories/story_pairs.jsonl (66 labelled pairs, DE and EN): same-event
# pairs score 0.32 to 0.70, different events 0 to 0.39, the hardest being two reports on one
# politician or one place on one day. 0.36 keeps precision first (a wrong merge hides
# news; a missed merge only repeats it).
SAME_STORY_AT = 0.36
STORY_WINDOW_S = 6 * 3600  # "within a few hours": a later report is a new story


# Two short entries can look alike by one shared name ("Kiew"): a near-duplicate shares
# several content words (every same-event pair of the labelled set shares four or more).
MIN_SHARED_WORDS = 4


def shared_words(a: StoryPrint, b: StoryPrint) -> int:
    """Content words (and numbers) in both: compound parts do not count on their own."""
    small, large = (a, b) if len(a.terms) <= len(b.terms) else (b, a)
    return sum(1 for t in small.terms if t[0] not in "<>" and t in large.terms)


def same_story(a: StoryPrint, b: StoryPrint, seconds_apart: float) -> bool:
    return (
        abs(seconds_apart) <= STORY_WINDOW_S
        and similarity(a, b) >= SAME_STORY_AT
        and shared_words(a, b) >= MIN_SHARED_WORDS
    )
