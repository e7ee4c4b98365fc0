"""A source's own later entry is never folded into its own earlier alert.

Stories link transitively: Alpha reports a raid (a1), Beta the same raid (b1, joins a1's
alert as "auch bei: Beta"). When Alpha then posts a follow-up (a2) that reads like Beta's
report, a2 links to the story too, and was attached to the reader's a1 alert: no alert for
a2, and the edit showed nothing new (Alpha is the alert's own outlet). A source's second
entry is news of its own: only another outlet's report of the same event may join."""

from __future__ import annotations

from datetime import timedelta

from tests.stories.test_one_alert_per_story import (  # noqa: F401  (a fixture)
    RAID_ALPHA,
    RAID_BETA,
    TwoOutlets,
    outlets,
)

FOLLOW_UP_ALPHA = (
    "Klitschko: Mehr Verletzte nach Explosionen in Kiew",
    "Nach den Explosionen im Bezirk Darnyzja in Kiew ist die Zahl der Verletzten laut "
    "Bürgermeister Vitali Klitschko auf fünf gestiegen. Die Luftabwehr war in der Nacht aktiv.",
)


async def test_a_follow_up_from_the_first_outlet_is_its_own_alert(
    outlets: TwoOutlets,  # noqa: F811
) -> None:
    at = outlets.clock.now()
    outlets.alpha.append(("a1", *RAID_ALPHA, at + timedelta(minutes=4)))
    await outlets.step(5)
    outlets.beta.append(("b1", *RAID_BETA, at + timedelta(minutes=20)))
    await outlets.step(20)
    outlets.alpha.append(("a2", *FOLLOW_UP_ALPHA, at + timedelta(minutes=40)))
    await outlets.step(20)
    events = await outlets.bot_events()
    messages = [e for e in events if e["kind"] == "bot_message"]
    # a1, b1 (named on a1, and its own alert: merges hide nothing), a2.
    assert len(messages) == 3, [e["text"][:80] for e in events]
    assert "fünf" in messages[2]["text"]
