"""Telling the operators (LIVEBLOG_ADMIN_IDS) once that a source's layout seems changed."""

from __future__ import annotations

import logging
from collections.abc import Collection

from bot import texts
from bot.delivery.messenger import Messenger, SendError
from bot.sources.directory import SourceDirectory
from bot.sources.drift import Notify
from storage.interfaces import Storage
from storage.records import DriftRecord, SourceRecord

log = logging.getLogger(__name__)
MAX_DETAIL = 300


def drift_text(language: str, source: SourceRecord, drift: DriftRecord, name: str) -> str:
    return texts.text(
        language,
        "ops_drift_alert",
        id=source.source_id,
        name=name[:100],
        adapter=drift.adapter,
        selector=drift.selector,
        detail=drift.detail[:MAX_DETAIL],
    )


def drift_notifier(
    storage: Storage, messenger: Messenger, directory: SourceDirectory, admins: Collection[int]
) -> Notify:
    """A message to each operator in their chat's language (German when unknown)."""

    async def notify(source: SourceRecord, drift: DriftRecord) -> None:
        for admin in sorted(admins):
            chat = await storage.chats.get(admin)
            language = chat.language if chat is not None else texts.DEFAULT_LANGUAGE
            name = directory.label(source.source_id, language)
            body = drift_text(language, source, drift, name)
            try:
                await messenger.send(admin, body, body)
            except SendError as exc:  # one operator's chat must not keep the others untold
                log.warning("telling operator %s about %s failed: %s", admin, source.url, exc)

    return notify
