"""Forum supergroups: which topic (message_thread_id) a chat's message goes to, and what
happens when that topic is closed or deleted — the message goes to the general topic
with a note, and the route is forgotten, never silence."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from storage.interfaces import Storage
from storage.records import ChatRecord
from storage.repos.forum_routes import ALL

log = logging.getLogger(__name__)


class ForumRouter:
    def __init__(self, storage: Storage) -> None:
        self.storage = storage

    async def thread(self, chat: ChatRecord, sub_ids: Sequence[int] = ()) -> int | None:
        """The topic for a message about these subscriptions (none: the chat's route)."""
        if chat.chat_type != "supergroup":
            return None  # only supergroups have topics: no query for everyone else
        routes = await self.storage.forum_routes.for_chat(chat.chat_id)
        for sub_id in sub_ids:
            if sub_id in routes:
                return routes[sub_id]
        return routes.get(ALL)

    async def gone(self, chat_id: int, thread_id: int) -> None:
        forgotten = await self.storage.forum_routes.forget_thread(chat_id, thread_id)
        log.warning(
            "chat %s: forum topic %s is closed or gone; %d routes now go to the general topic",
            chat_id,
            thread_id,
            forgotten,
        )
