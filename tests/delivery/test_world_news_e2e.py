"""News beyond the war, through the real bot and the stand-in: places the lexicon does
not list (Haifa, Valencia), new domains (Gaza, floods) and an office (Kremlchef)."""

from __future__ import annotations

from pathlib import Path

from bot.sources.model import Entry
from tests.delivery.world import World, berlin, world

ANNA = 4201
DE = {"first_name": "Anna", "language_code": "de"}

NEWS = [
    (
        "Raketenalarm im Norden Israels",
        "Bei einem Raketenangriff der Hisbollah auf Haifa wurden zwei Menschen leicht "
        "verletzt. Die Feuerwehr löschte mehrere Brände im Hafengebiet.",
    ),
    (
        "Drohne trifft Wohnhaus",
        "Bei einem Drohnenangriff auf Tel Aviv wurde ein Wohnhaus beschädigt.",
    ),
    (
        "Vermittler beraten in Kairo",
        "Unterhändler aus Katar und Ägypten bemühen sich um eine Feuerpause im "
        "Gazastreifen. Eine Einigung gilt als schwierig.",
    ),
    (
        "Flash floods in Valencia",
        "Torrential rain caused flash floods around Valencia overnight; rescuers are "
        "searching for people missing in the water.",
    ),
    (
        "Oder tritt über die Ufer",
        "Nach tagelangem Dauerregen steigt der Pegel weiter; mehrere Orte in Polen sind "
        "überschwemmt.",
    ),
    (
        "Anträge stapeln sich",
        "Eine Flut von Anträgen auf Wohngeld erreicht die Ämter in Valencia und Berlin.",
    ),
]


def _publish_news(w: World) -> None:
    for number, (title, text) in enumerate(NEWS):
        key = f"world{number}"
        w.liveblog.entries.append(
            Entry(key, berlin(5, 9, number), None, title, text, f"https://example.org/#{key}")
        )


def _delivered(messages: list[dict[str, object]]) -> str:
    """All alert and batch texts (more than three alerts at once come as one batch)."""
    return "\n".join(str(m["text"]) for m in messages if str(m["text"])[:1] in {"🔔", "📰"})


async def test_places_and_domains_beyond_the_war(tmp_path: Path) -> None:
    async with world(tmp_path, start=berlin(5, 8, 0)) as w:
        for query, shown in [
            ("Angriffe auf Haifa", "Haifa"),
            ("floods", "Hochwasser"),
            ("Gaza", "Gaza"),
        ]:
            [answer] = await w.reader.ask(ANNA, f"/abo {query}", **DE)
            assert shown in answer["text"], answer["text"]
        _publish_news(w)
        await w.step(berlin(5, 9, 30))
        delivered = _delivered(await w.bot_messages(ANNA))
    for title in (
        "Raketenalarm im Norden Israels",
        "Vermittler beraten in Kairo",
        "Flash floods in Valencia",
        "Oder tritt über die Ufer",
    ):
        assert title in delivered
    assert "Drohne trifft Wohnhaus" not in delivered  # Tel Aviv, not Haifa
    assert "Anträge stapeln sich" not in delivered  # a flood of applications


async def test_an_office_finds_its_holder(tmp_path: Path) -> None:
    async with world(tmp_path) as w:
        [answer] = await w.reader.ask(ANNA, "/abo Kremlchef", **DE)
        assert "Kremlchef" in answer["text"]
        await w.step(berlin(4, 23, 40))
        delivered = _delivered(await w.bot_messages(ANNA))
    # Putin, named as the Russian president in the sample, is the Kremlin chief in 2024.
    assert "Putin" in delivered
