"""Readers' choices about a story, made from an alert's buttons, applied to new alerts:
a muted story brings the chat nothing more; a followed story brings every new entry of
it, matched or not, as an alert of no topic (the delivery policy sends those at once)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from storage.interfaces import Storage
from storage.records import NewAlert


async def apply_story_choices(
    storage: Storage,
    alerts: list[NewAlert],
    new_entries: Sequence[tuple[int, int | None]],
    now: datetime,
) -> list[NewAlert]:
    """`new_entries`: (entry id, the story the linker put it in or None) of this batch's
    new news entries. One query for the chats' choices, one for the stories' followers."""
    story_of = {entry_id: story or entry_id for entry_id, story in new_entries}
    stories = sorted(set(story_of.values()))
    if not stories:
        return alerts
    chosen = await storage.story_choices.active(sorted({a.chat_id for a in alerts}), stories, now)
    kept: list[NewAlert] = []
    for alert in alerts:
        kind = chosen.get((alert.chat_id, story_of.get(alert.entry_id, alert.entry_id)))
        if kind == "mute":
            continue
        # Followed: the update comes at once, whatever the topic's mode.
        kept.append(replace(alert, sub_ids=()) if kind == "follow" else alert)
    followers = await storage.story_choices.followers(stories, now)
    have = {(a.chat_id, a.entry_id) for a in alerts}
    for entry_id, story in story_of.items():
        for chat_id in sorted(followers.get(story, ())):
            if (chat_id, entry_id) not in have:
                kept.append(NewAlert(chat_id, entry_id, (), (), False, now))
    return kept
