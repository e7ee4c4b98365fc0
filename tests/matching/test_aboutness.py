"""Aboutness: words in one later sentence of an entry about something else are a
passing mention; the title, the lead or several sentences make the topic central.
Texts are real newsroom paragraphs (tests/matching/real/dev.jsonl, sources there)."""

from __future__ import annotations

from bot.matching.aboutness import LATER_OBLIQUE_Z, meaning_needed, oblique
from bot.matching.document import prepare
from bot.matching.index import TopicIndex
from bot.matching.query import default_resolver

# onvista.de, 2024-12-09 (r0408): the bitcoin rally; Trump's election in one clause.
BITCOIN = (
    "Der Bitcoin befindet sich jetzt seit knapp zwei Jahren auf Höhenflug. Seit Ende 2022 "
    "legte der Kurs um rund 500 Prozent zu. Jüngster Treiber der Rally war die Wahl von "
    "Donald Trump zum US-Präsidenten. Seitdem legte der Kurs um mehr als 40 Prozent zu."
)
# earthpressnews.com, 2024-02-10 (r0083): a landslide; an earthquake named in passing.
LANDSLIDE = (
    "Etwa 28 Menschen kamen am Dienstag ums Leben, als das Goldgräberdorf Masara in der "
    "Provinz Davao de Oro von einem massiven Erdrutsch heimgesucht wurde. Hunderte Retter "
    "hatten nach mindestens 77 Menschen gesucht, die beim Erdbeben am Samstag vermisst wurden."
)


def _spans(doc_title: str | None, text: str, *words: str) -> list[tuple[int, int]]:
    doc = prepare(doc_title, text)
    return [(k, k) for k, t in enumerate(doc.tokens) if t.folded in words]


def test_words_in_the_title_or_in_two_sentences_suffice() -> None:
    doc = prepare("Trump und der Bitcoin", BITCOIN)
    assert meaning_needed(doc, _spans("Trump und der Bitcoin", BITCOIN, "trump")) is None
    doc = prepare(None, BITCOIN)
    assert meaning_needed(doc, _spans(None, BITCOIN, "kurs")) is None  # sentences 2 and 4


def test_words_in_the_lead_suffice() -> None:
    doc = prepare(None, BITCOIN)
    assert meaning_needed(doc, _spans(None, BITCOIN, "bitcoin")) is None
    assert meaning_needed(doc, []) is None


def test_a_later_name_after_a_preposition_needs_meaning() -> None:
    doc = prepare(None, BITCOIN)
    assert meaning_needed(doc, _spans(None, BITCOIN, "trump")) == LATER_OBLIQUE_Z


def test_the_subject_of_a_later_sentence_is_central() -> None:
    # ntv.de-style liveblog line: the person acts; no preposition governs the name.
    text = "Die Lage bleibt angespannt. Am Abend sagte Merz, er bedauere das."
    doc = prepare(None, text)
    assert meaning_needed(doc, _spans(None, text, "merz")) is None


def test_prepositions_and_genitives_over_titles_and_given_names() -> None:
    cases = {
        "Er ist ein Berater des künftigen US-Präsidenten Trump.": True,
        "He became a close ally of US President Donald Trump.": True,
        "Es kam wegen einer schweren Dürre zu Engpässen.": True,
        "US-Präsident Trump lobte Generalsekretär Rutte.": False,
        "Gestern hat Trump das Dekret unterschrieben.": False,
    }
    for text, expected in cases.items():
        doc = prepare(None, text)
        first = next(k for k, t in enumerate(doc.tokens) if t.folded in ("trump", "durre"))
        assert oblique(doc, first) is expected, text


def _topics(queries: list[str], text: str) -> set[str]:
    resolver = default_resolver()
    index = TopicIndex.build([(q, resolver.resolve(q).expr) for q in queries])
    index.attach_meaning((q, q) for q in queries)
    return {str(t) for m in index.match(None, text) for t in m.topics}


def test_a_passing_mention_is_no_match_and_the_subject_is() -> None:
    assert _topics(["Trump", "Bitcoin"], BITCOIN) == {"Bitcoin"}
    found = _topics(["Erdbeben", "earthquakes", "Erdrutsch"], LANDSLIDE)
    assert found == {"Erdrutsch"}


def test_without_the_meaning_layer_words_decide() -> None:
    resolver = default_resolver()
    index = TopicIndex.build([("Trump", resolver.resolve("Trump").expr)])
    assert [m.topics for m in index.match(None, BITCOIN)] == [["Trump"]]
