"""Unsubscribing that can be taken back ("rückgängig") for a while.

Readers unsubscribe by mistake (a tap on the wrong row of /abos, on the button under an
alert). For UNDO_WINDOW after an unsubscribe one tap puts the topic back exactly as it
was: query, mode, urgency, the sources it was limited to, its forum topic. What it found
meanwhile is not sent afterwards: while it was gone it matched nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.services import Services
from storage.records import SubscriptionRecord, UndoOutcome

UNDO_WINDOW = timedelta(minutes=10)


@dataclass(frozen=True)
class Removed:
    subscription: SubscriptionRecord
    undo_id: int


class Unsubscriber:
    def __init__(self, services: Services) -> None:
        self.svc = services

    async def remove(self, chat_id: int, sub: SubscriptionRecord) -> Removed | None:
        """End `sub` and keep it restorable; None when it was already gone."""
        storage, now = self.svc.storage, self.svc.clock.now()
        limits = await storage.choices.limits_for_subs([sub.sub_id])
        routes = await storage.forum_routes.for_chat(chat_id)
        thread = routes.get(sub.sub_id)
        undo_id = await storage.unsubscribe_undo.keep(
            sub, sorted(limits.get(sub.sub_id, ())), thread, now + UNDO_WINDOW, now
        )
        if not await self.svc.subscriptions.remove(chat_id, sub.sub_id):
            await storage.unsubscribe_undo.drop(undo_id)  # a second tap, or gone meanwhile
            return None
        if thread is not None:  # the route belonged to the subscription: it goes too
            await storage.forum_routes.route(chat_id, sub.sub_id, None)
        return Removed(sub, undo_id)

    async def undo(self, chat_id: int, undo_id: int) -> UndoOutcome:
        """Put the subscription back, once, while the undo's time runs."""
        svc = self.svc
        outcome = await svc.storage.unsubscribe_undo.restore(
            undo_id, chat_id, svc.clock.now(), svc.subscriptions.max_per_chat
        )
        if outcome.subscription is not None:
            await svc.subscriptions.chat_changed(chat_id)  # matching sees it again at once
        return outcome
