"""Each news domain of the catalog on sentences of its own: what it finds, what it leaves."""

from __future__ import annotations

import pytest

from bot.matching.index import TopicIndex
from bot.matching.lexicon import default_lexicon
from bot.matching.query import default_resolver

# (catalog topic, text, whether the topic matches it)
EXAMPLES: list[tuple[str, str, bool]] = [
    # Middle East
    ("gaza", "Im nördlichen Gazastreifen wurden erneut Gefechte gemeldet.", True),
    ("gaza", "Hilfsorganisationen warnen vor Seuchen in Chan Junis.", True),
    ("gaza", "Rafah crossing remained closed on Sunday.", True),
    ("gaza", "Die Gaza-Stadt liegt in Trümmern.", True),
    ("gaza", "Die Gazelle ist ein scheues Tier.", False),
    ("hostages", "Die Angehörigen der Geiseln demonstrierten in Tel Aviv.", True),
    ("hostages", "Three hostages were handed over to the Red Cross.", True),
    ("hostages", "Die Regierung hält an ihrem Kurs fest.", False),
    ("gaza-ceasefire", "Die Waffenruhe im Gazastreifen hält seit drei Tagen.", True),
    ("gaza-ceasefire", "Hamas accepted the ceasefire proposal, mediators said.", True),
    ("gaza-ceasefire", "Die Waffenruhe in der Ostukraine wurde gebrochen.", False),
    ("hezbollah", "Die Hisbollah feuerte Raketen auf Nordisrael.", True),
    ("lebanon", "Israelische Kampfjets griffen Ziele im Südlibanon an.", True),
    ("lebanon", "Lebanese officials reported casualties.", True),
    ("israel", "Die israelische Armee meldete einen Vorstoß.", True),
    ("israel", "Israeli troops entered the camp.", True),
    ("houthis", "Huthi-Rebellen griffen ein Frachtschiff im Roten Meer an.", True),
    ("west-bank", "Bei einer Razzia in Dschenin wurden drei Menschen getötet.", True),
    ("attacks-on-israel", "Raketenangriff auf Tel Aviv: Sirenen im Zentrum.", True),
    ("attacks-on-israel", "Raketenangriff auf Charkiw: Sirenen im Zentrum.", False),
    # German politics
    ("bundestag", "Der Bundestag stimmte über das Gesetz ab.", True),
    ("german-election", "Die Bundestagswahl findet im Februar statt.", True),
    ("german-election", "Germany's snap election is set for February 23.", True),
    ("german-election", "Die Wahl in Moldau ist entschieden.", False),
    ("coalition", "Die Koalitionsverhandlungen von Union und SPD stocken.", True),
    ("cdu-csu", "Die CDU legte in den Umfragen zu.", True),
    ("cdu-csu", "Die Europäische Union verlängert die Sanktionen.", False),
    ("greens", "Die Grünen stellen ihr Wahlprogramm vor.", True),
    ("greens", "Die grüne Wiese vor dem Kanzleramt ist gesperrt.", False),
    ("afd", "Die AfD scheiterte mit ihrem Antrag.", True),
    ("budget", "Der Streit über die Schuldenbremse geht weiter.", True),
    # US politics
    ("us-election", "Die US-Präsidentschaftswahl entscheidet sich in den Swing States.", True),
    ("us-congress", "The Senate confirmed the nominee on Tuesday.", True),
    ("tariffs", "Trump kündigte neue Strafzölle auf Stahl an.", True),
    ("tariffs", "Washington imposed tariffs on Chinese goods.", True),
    ("tariffs", "Der Zollbeamte wurde befördert.", False),
    ("us-supreme-court", "The Supreme Court ruled against the administration.", True),
    # Natural disasters and climate
    ("floods", "Nach tagelangem Starkregen stehen ganze Dörfer unter Wasser: Hochwasser.", True),
    ("floods", "Flash floods swept through the valley overnight.", True),
    ("floods", "Eine Flut von Anfragen erreichte das Ministerium.", False),
    ("storms", "Hurrikan Milton trifft auf die Küste Floridas.", True),
    ("storms", "Ein Sturm der Entrüstung folgte auf die Rede.", False),
    ("earthquakes", "Ein Erdbeben der Stärke 7 erschütterte die Region.", True),
    ("earthquakes", "A 6.1 magnitude quake struck off the coast.", True),
    ("wildfires", "Waldbrände wüten im Süden Kaliforniens.", True),
    ("wildfires", "Firefighters battled wildfires near Athens.", True),
    ("climate-conference", "Die Weltklimakonferenz in Baku ging ohne Einigung zu Ende.", True),
    ("climate-conference", "Negotiators at COP29 agreed on a new finance goal.", True),
    ("emissions", "Die CO2-Emissionen sanken im vergangenen Jahr.", True),
    # Migration
    ("asylum", "Die Zahl der Asylanträge ist gesunken.", True),
    ("asylum", "Asylum seekers will be processed at the border.", True),
    ("deportations", "Ein Abschiebeflug nach Afghanistan ist gestartet.", True),
    ("mediterranean", "Vor Lampedusa ist ein Boot mit Migranten gekentert.", True),
    ("border-controls", "Die Bundespolizei weitet die Grenzkontrollen aus.", True),
    # Economy and energy
    ("inflation", "Die Inflationsrate sank im Oktober auf 2,0 Prozent.", True),
    ("energy-prices", "Die Strompreise für Haushalte steigen erneut.", True),
    ("strikes", "Verdi ruft zum Warnstreik im Nahverkehr auf.", True),
    ("strikes", "Russian strikes on the power grid left thousands without heat.", False),
    ("interest-rates", "Die EZB senkt den Leitzins erneut.", True),
    ("interest-rates", "The refugees were fed by volunteers.", False),
    # Courts, security, health
    ("courts", "Das Gericht verurteilte den Angeklagten zu drei Jahren Haft.", True),
    ("arrests", "Bei einer Razzia wurden vier Verdächtige festgenommen.", True),
    ("arrests", "Air raid sirens sounded across the capital.", False),
    ("terror", "Nach dem Anschlag auf den Weihnachtsmarkt ermittelt die Bundesanwaltschaft.", True),
    ("pandemics", "Die Zahl der Mpox-Infektionen steigt.", True),
    ("who", "Who is going to pay for it?", False),
    ("who", "Die Weltgesundheitsorganisation warnt vor einer Ausbreitung.", True),
    # World, NATO and EU
    ("nato-summit", "Beim NATO-Gipfel in Den Haag ging es um Verteidigungsausgaben.", True),
    ("nato-summit", "NATO leaders met in The Hague.", True),
    ("defence-spending", "Die Verteidigungsausgaben sollen auf fünf Prozent steigen.", True),
    ("arms-exports", "Die Bundesregierung genehmigte Rüstungsexporte nach Israel.", True),
    ("russia-sanctions", "Die EU beschließt ein neues Sanktionspaket gegen Russland.", True),
    ("russia-sanctions", "Die EU beschließt neue Sanktionen gegen den Iran.", False),
    ("un", "Der UN-Sicherheitsrat kommt zu einer Dringlichkeitssitzung zusammen.", True),
    ("turkey", "Die türkische Regierung kritisierte den Beschluss.", True),
]


@pytest.mark.parametrize(("topic", "text", "expected"), EXAMPLES)
def test_catalog_topics_on_examples(topic: str, text: str, expected: bool) -> None:
    expr = default_lexicon().topics[topic].expr
    assert bool(TopicIndex.build([(topic, expr)]).match(None, text)) is expected


@pytest.mark.parametrize(
    ("query", "topic"),
    [
        ("Gaza", "gaza"),
        ("floods", "floods"),
        ("Hochwasser", "floods"),
        ("Geiseln", "hostages"),
        ("hostages", "hostages"),
        ("Bundestagswahl", "german-election"),
        ("Waffenruhe Gaza", "gaza-ceasefire"),
    ],
)
def test_queries_find_their_catalog_topic(query: str, topic: str) -> None:
    assert default_resolver().resolve(query).catalog_id == topic
