"""The answer to "Warum?" for matches through a role or another form of a place (issue 19 item 4):
the real matcher's spans, given to the answer's builder, name the role ("Kremlchef",
"der russische Präsident") or the place form ("Kyjiw") as found, beside the topic that
looks for the person or the city. The answer through the stand-in is tested in
test_alert_actions.py; here the matcher's own resolution is what is checked."""

from __future__ import annotations

from datetime import date

import pytest

from bot.delivery.explain import TopicWhy, why_text
from bot.matching.index import TopicIndex
from bot.matching.query import default_resolver


def why_for(query: str, title: str, text: str, language: str = "de") -> str:
    resolved = default_resolver().resolve_expanded(query)
    index = TopicIndex.build([("q", resolved.expr)])
    [match] = index.match(title, text, date(2024, 11, 4))
    spans = [(s.field, s.start, s.end) for s in match.spans]
    topic = TopicWhy(query, resolved.expr.display(language))
    return why_text(language, [topic], title, text, spans)


def test_a_role_that_stood_for_the_person_is_named_as_found() -> None:
    answer = why_for(
        "Putin",
        "Kremlchef droht dem Westen mit Vergeltung",
        "Der russische Präsident kündigte in Moskau eine Antwort auf die Lieferung "
        "weitreichender Waffen an.",
    )
    assert "Dein Thema <b>Putin</b> sucht: Putin" in answer, answer
    assert "Gefunden im Titel: „Kremlchef“" in answer, answer
    assert "russische Präsident" in answer, answer


def test_a_former_holder_is_not_the_person() -> None:
    resolved = default_resolver().resolve_expanded("Selenskyj")
    index = TopicIndex.build([("q", resolved.expr)])
    text = "Der frühere ukrainische Präsident Poroschenko kritisierte die Regierung scharf."
    assert not list(index.match("Kritik aus Kiew", text, date(2024, 11, 4)))


@pytest.mark.parametrize("language", ["de", "en"])
def test_another_form_of_the_place_is_named_as_found(language: str) -> None:
    answer = why_for(
        "Luftangriffe auf Kiew",
        "Luftalarm in Kyjiw",
        "Russland hat die ukrainische Hauptstadt Kyjiw in der Nacht mit Drohnen und "
        "Raketen angegriffen, teilte die Militärverwaltung mit.",
        language,
    )
    assert "Kyjiw" in answer.split("\n", 2)[2], answer
