"""The offline demo runs through, following two catalog sources, showing their labels and
one story both report."""

from __future__ import annotations

from bot.demo import Demo


async def test_the_demo_follows_two_sources() -> None:
    lines: list[str] = []
    await Demo(lines).run()
    out = "\n".join(lines)
    assert "• tagesschau · Ukraine\n    • n-tv · Ukraine-Ticker" in out
    assert "🕐 01:26 · tagesschau · Ukraine" in out
    # n-tv's 01:40 report of the same drone attack is named on the 01:26 alert: one
    # story. It is not hidden: a merge never suppresses an alert (issue 20).
    assert "🕐 01:26 · tagesschau · Ukraine\n    ➕ auch bei: n-tv · Ukraine-Ticker" in out
    assert "🕐 01:40 · n-tv · Ukraine-Ticker" in out
    assert "Quellen: alle (tagesschau · Ukraine, n-tv · Ukraine-Ticker)" in out
    # Batches and the digest mix sources: every item names its own.
    assert "Zum Eintrag · n-tv · Ukraine-Ticker" in out
    assert "Eintrag · tagesschau · Ukraine" in out
    # Issue 19's acceptance: an alert's "Warum?" and a setting changed by a button.
    why = out.split("👤 Reader taps [ ❓ Warum? ]", 1)[1]
    assert why.split("\n")[2].strip() == "❓ Warum diese Meldung?"
    assert "Dein Thema Luftangriffe auf Kiew sucht" in why
    tapped = out.split("👤 Reader taps [ stündlich ]", 1)[1].split("👤", 1)[0]
    assert "Zustellung: stündlich" in tapped
    assert "[ sofort ]  [ ✓ stündlich ]  [ täglich ]" in tapped
    assert "💬 Gespeichert." in tapped
    # The digest is read by its button under /zusammenfassung's choices.
    assert "👤 Reader taps [ 🗞 jetzt lesen ]\n🤖 Bot:\n    🗞 Deine Zusammenfassung" in out


async def test_the_demo_shows_the_english_reader_s_alerts() -> None:
    """Anna's chat on screen used to move the display past everything else, Ben's
    alerts included: his chat showed only his /preview."""
    lines: list[str] = []
    await Demo(lines).run()
    out = "\n".join(lines)
    ben = out.split("--- Ben's chat (English) ---", 1)[1].split("===", 1)[0]
    assert "🔔 Drones\n    Kiew erneut mit Drohnen attackiert" in ben, ben[:2000]
    assert "[ 🔕 Unsubscribe topic ]" in ben
