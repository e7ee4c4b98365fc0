"""What the stand-in remembers: chats, pending updates, the bot's messages, faults."""

from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass, field
from typing import Any

BOT_USER: dict[str, Any] = {
    "id": 100000001,
    "is_bot": True,
    "first_name": "Liveblog Alerts",
    "username": "liveblog_alerts_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}


@dataclass
class Fault:
    """An answer to give instead of the real one. times=0 means until cleared."""

    kind: str
    method: str | None = None
    chat_id: int | None = None
    times: int = 1
    retry_after: int = 1
    delay_s: float = 0.0
    skip: int = 0  # let this many matching calls through first

    def applies(self, method: str, chat_id: int | None) -> bool:
        return (self.method is None or self.method == method) and (
            self.chat_id is None or self.chat_id == chat_id
        )


@dataclass
class BotMessage:
    chat_id: int
    message_id: int
    text: str
    html: str
    parse_mode: str | None
    reply_markup: dict[str, Any] | None
    date: int
    edited: bool = False
    paid: bool = False  # sent with allow_paid_broadcast (counted against the paid limit)
    thread_id: int | None = None  # the forum topic it was sent into


@dataclass
class Event:
    """One thing that happened in a chat, for transcripts and assertions."""

    seq: int
    chat_id: int
    kind: str  # user_message | button | bot_message | bot_edit | bot_markup | error
    text: str
    message_id: int | None = None
    user_id: int | None = None
    data: dict[str, Any] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)  # when the stand-in saw it


class DevState:
    def __init__(self) -> None:
        self.chats: dict[int, dict[str, Any]] = {}
        self.users: dict[int, dict[str, Any]] = {}
        self.admins: dict[int, set[int]] = {}
        self.migrated: dict[int, int] = {}
        self.updates: list[dict[str, Any]] = []
        self.messages: dict[tuple[int, int], BotMessage] = {}
        self.events: list[Event] = []
        self.calls: list[dict[str, Any]] = []
        self.faults: list[Fault] = []
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.menu_buttons: dict[str, dict[str, Any]] = {}  # "default" or a chat id
        # Forum supergroups' topics: chat → thread id → "open" | "closed" | "deleted".
        self.topics: dict[int, dict[int, str]] = {}
        self.token: str | None = None  # the bot's, as its last call named it: signs init data
        self.answered_callbacks: dict[str, dict[str, Any]] = {}
        self.callback_chats: dict[str, int] = {}
        self.stats: dict[str, int] = {
            "sent": 0,
            "rate_limited": 0,
            "sent_paid": 0,  # of "sent": with allow_paid_broadcast
            "rate_limited_paid": 0,  # of "rate_limited": with allow_paid_broadcast
        }
        self._update_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._event_seq = itertools.count(1)
        self.changed = asyncio.Condition()

    def next_message_id(self, chat_id: int) -> int:
        counter = self._message_ids.setdefault(chat_id, itertools.count(1))
        return next(counter)

    def chat_json(self, chat_id: int) -> dict[str, Any]:
        return dict(
            self.chats.get(chat_id) or {"id": chat_id, "type": "private", "first_name": "?"}
        )

    def ensure_chat(
        self, chat_id: int, chat_type: str, title: str | None, user: dict[str, Any]
    ) -> None:
        if chat_type == "private":
            chat = {"id": chat_id, "type": "private", "first_name": user["first_name"]}
            if user.get("username"):
                chat["username"] = user["username"]
        else:
            chat = {"id": chat_id, "type": chat_type, "title": title or f"Group {chat_id}"}
        self.chats[chat_id] = chat

    async def add_event(self, event_kind: str, chat_id: int, text: str, **extra: Any) -> Event:
        event = Event(next(self._event_seq), chat_id, event_kind, text, **extra)
        async with self.changed:
            self.events.append(event)
            self.changed.notify_all()
        return event

    async def push_update(self, update: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": next(self._update_ids), **update}
        async with self.changed:
            self.updates.append(update)
            self.changed.notify_all()
        return update

    def take_fault(self, method: str, chat_id: int | None) -> Fault | None:
        for fault in self.faults:
            if fault.applies(method, chat_id):
                if fault.skip > 0:
                    fault.skip -= 1
                    return None
                if fault.times > 0:
                    fault.times -= 1
                    if fault.times == 0:
                        self.faults.remove(fault)
                return fault
        return None

    def bot_message_json(self, message: BotMessage) -> dict[str, Any]:
        body: dict[str, Any] = {
            "message_id": message.message_id,
            "date": message.date,
            "chat": self.chat_json(message.chat_id),
            "from": BOT_USER,
            "text": message.text,
        }
        if message.edited:
            body["edit_date"] = int(time.time())
        if message.reply_markup:
            body["reply_markup"] = message.reply_markup
        if message.thread_id is not None:
            body.update(message_thread_id=message.thread_id, is_topic_message=True)
        return body
