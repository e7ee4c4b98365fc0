"""A chat's settings as operations: one place that the chat's commands, its buttons and
the settings page (Mini App) all change them through, so each change has the same
consequences wherever it is made (a new digest time moves the next digest; a time zone
moves it too; per-topic changes reach the topic index)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot import texts
from bot.chat_settings import MODES, SettingError, chat_zone, parse_clock, parse_timezone
from bot.digest.schedule import next_digest_at
from bot.services import Services
from storage.records import ChatRecord, SubscriptionRecord

DEFAULT_DIGEST_TIME = "20:00"
# The choices offered as buttons and on the settings page (anything else can be typed).
QUIET_PRESETS = (("22:00", "07:00"), ("23:00", "07:00"), ("00:00", "06:00"))
DIGEST_TIMES = ("07:00", "12:00", "18:00", "20:00", "22:00")
LIKELY_ZONES = (
    "Europe/Berlin",
    "Europe/Vienna",
    "Europe/Zurich",
    "Europe/London",
    "Europe/Kyiv",
    "America/New_York",
    "UTC",
)


@dataclass(frozen=True)
class TopicView:
    sub_id: int
    name: str
    query: str
    mode: str | None  # None: follows the chat's mode
    urgent: bool


@dataclass(frozen=True)
class SourceView:
    catalog_id: str
    label: str
    on: bool


@dataclass(frozen=True)
class SettingsView:
    chat: ChatRecord
    zone: ZoneInfo
    topics: tuple[TopicView, ...]
    sources: tuple[SourceView, ...]
    merging: bool  # other outlets' reports of one story named on its alert


class ReaderSettings:
    """Reads and changes one chat's settings; the callers check who may."""

    def __init__(self, services: Services) -> None:
        self.svc = services

    async def chat(self, chat_id: int) -> ChatRecord:
        record = await self.svc.storage.chats.get(chat_id)
        if record is None:
            raise SettingError("no_chat")
        return record

    async def view(self, chat_id: int, language: str) -> SettingsView:
        svc = self.svc
        record = await self.chat(chat_id)
        subs = await svc.storage.subscriptions.for_chat(chat_id)
        off = await svc.storage.choices.off_for_chat(chat_id)
        topics = tuple(self._topic(sub, language) for sub in subs)
        sources = tuple(
            SourceView(entry.id, entry.label(language), entry.id not in off)
            for entry in svc.sources.followed
        )
        merging = await svc.storage.stories.merging(chat_id)
        zone = chat_zone(record.timezone, svc.zone)
        return SettingsView(record, zone, topics, sources, merging)

    def _topic(self, sub: SubscriptionRecord, language: str) -> TopicView:
        name = self.svc.subscriptions.topic_name(sub, language)
        return TopicView(sub.sub_id, name, sub.query, sub.mode, sub.urgent)

    async def _sub(self, chat_id: int, sub_id: int) -> SubscriptionRecord:
        for sub in await self.svc.storage.subscriptions.for_chat(chat_id):
            if sub.sub_id == sub_id:
                return sub
        raise SettingError("no_topic")

    # ------------------------------------------------------------------ changes
    async def release_held(self, chat_id: int) -> None:
        """Alerts held for a setting that just changed (quiet hours, a pause, a mode) are
        due now; the next delivery tick plans them again under the new settings, so what
        still has to wait (an hourly batch, the digest) is held again, and nothing else."""
        now = self.svc.clock.now()
        pending = await self.svc.storage.alerts.created_since(now - timedelta(days=30), chat_id)
        held = [a.alert_id for a in pending if a.status == "pending" and a.due_at > now]
        if held:
            await self.svc.storage.alerts.reschedule(held, now, None)

    async def set_mode(self, chat_id: int, mode: str) -> str | None:
        """The chat's delivery mode; daily mode without a digest time gets the default
        one (returned), since a daily mode without a digest would deliver nothing."""
        if mode not in MODES:
            raise SettingError("bad_mode", mode)
        now = self.svc.clock.now()
        await self.svc.storage.chats.set_mode(chat_id, mode, now)
        await self.release_held(chat_id)  # from daily or hourly to sooner: they go now
        if mode != "daily":
            return None
        record = await self.chat(chat_id)
        if record.digest_time:
            return record.digest_time
        await self.set_digest(chat_id, DEFAULT_DIGEST_TIME)
        return DEFAULT_DIGEST_TIME

    async def set_topic_mode(self, chat_id: int, sub_id: int, mode: str | None) -> TopicView:
        if mode is not None and mode not in MODES:
            raise SettingError("bad_mode", mode)
        sub = await self._sub(chat_id, sub_id)
        await self.svc.storage.subscriptions.set_mode(chat_id, sub_id, mode)
        await self.svc.subscriptions.chat_changed(chat_id)  # the record anew, no rebuild
        await self.release_held(chat_id)
        if mode == "daily" and not (await self.chat(chat_id)).digest_time:
            # A daily topic's alerts come only with the digest: without one, never.
            await self.set_digest(chat_id, DEFAULT_DIGEST_TIME)
        return TopicView(sub.sub_id, sub.display, sub.query, mode, sub.urgent)

    async def set_urgent(self, chat_id: int, sub_id: int, urgent: bool) -> TopicView:
        sub = await self._sub(chat_id, sub_id)
        await self.svc.storage.subscriptions.set_urgent(chat_id, sub_id, urgent)
        await self.svc.subscriptions.chat_changed(chat_id)  # the record anew, no rebuild
        await self.release_held(chat_id)
        return TopicView(sub.sub_id, sub.display, sub.query, sub.mode, urgent)

    async def remove_topic(self, chat_id: int, sub_id: int) -> bool:
        await self._sub(chat_id, sub_id)
        return await self.svc.subscriptions.remove(chat_id, sub_id)

    async def set_quiet(self, chat_id: int, window: tuple[str, str] | None) -> None:
        if window is not None:
            start, end = parse_clock(window[0]), parse_clock(window[1])
            if start == end:
                raise SettingError("bad_quiet")
            window = (start, end)
        now = self.svc.clock.now()
        start_at, end_at = window if window is not None else (None, None)
        await self.svc.storage.chats.set_quiet(chat_id, start_at, end_at, now)
        await self.release_held(chat_id)  # planned again under the new window

    async def set_timezone(self, chat_id: int, wanted: str) -> str:
        name = parse_timezone(wanted)
        now = self.svc.clock.now()
        await self.svc.storage.chats.set_timezone(chat_id, name, now)
        record = await self.chat(chat_id)
        if record.digest_time:  # the same local time in the new zone
            following = next_digest_at(record.digest_time, ZoneInfo(name), now)
            await self.svc.storage.chats.set_digest(chat_id, record.digest_time, following, now)
        await self.release_held(chat_id)  # quiet hours may have moved
        return name

    async def set_digest(self, chat_id: int, at: str | None) -> datetime | None:
        """The daily digest's local time (None: no digest); the next digest's moment."""
        now = self.svc.clock.now()
        if at is None:
            if await self.daily(chat_id):
                # Daily alerts come only with the digest: without it they would wait forever.
                raise SettingError("digest_needed")
            await self.svc.storage.chats.set_digest(chat_id, None, None, now)
            return None
        at = parse_clock(at)
        record = await self.chat(chat_id)
        following = next_digest_at(at, chat_zone(record.timezone, self.svc.zone), now)
        await self.svc.storage.chats.set_digest(chat_id, at, following, now)
        return following

    async def daily(self, chat_id: int) -> bool:
        """Whether the chat, or one of its topics, takes its alerts daily (with the digest)."""
        record = await self.chat(chat_id)
        subs = await self.svc.storage.subscriptions.for_chat(chat_id)
        return any((sub.mode or record.mode) == "daily" for sub in subs) or (
            record.mode == "daily" and not subs
        )

    async def set_language(self, chat_id: int, language: str) -> None:
        if language not in texts.LANGUAGES:
            raise SettingError("bad_language", language)
        await self.svc.storage.chats.set_language(chat_id, language, self.svc.clock.now())

    async def set_merging(self, chat_id: int, on: bool) -> None:
        await self.svc.storage.stories.set_merging(chat_id, on)

    async def set_source(self, chat_id: int, catalog_id: str, on: bool) -> None:
        if self.svc.sources.followed_entry(catalog_id) is None:
            raise SettingError("no_source", catalog_id)
        await self.svc.storage.choices.set_enabled(chat_id, catalog_id, on)
