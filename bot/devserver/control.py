"""The control API: play a Telegram user, inject faults, read what the bot sent."""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import itertools
import json
import time
from dataclasses import asdict
from typing import Any
from urllib.parse import quote

from bot.devserver.state import BOT_USER, DevState, Event, Fault
from bot.webapp.initdata import sign

# What Telegram sends as `from` when an anonymous group admin writes.
ANONYMOUS_ADMIN: dict[str, Any] = {
    "id": 1087968824,
    "is_bot": True,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
}
EVENTS_PAGE = 1000  # events in one /control/events answer (clients read on with `after`)
FAULT_KINDS = frozenset({"retry_after", "blocked", "kicked", "parse", "too_long", "server", "slow"})


class Control:
    def __init__(self, state: DevState) -> None:
        self.state = state

    def _user(self, body: dict[str, Any], default_id: int) -> dict[str, Any]:
        user_id = int(body.get("user_id") or default_id)
        user: dict[str, Any] = {
            "id": user_id,
            "is_bot": False,
            "first_name": str(body.get("first_name") or "Leser"),
            "language_code": str(body.get("language_code") or "de"),
        }
        if body.get("username"):
            user["username"] = str(body["username"])
        self.state.users[user_id] = user
        return user

    async def message(self, body: dict[str, Any]) -> dict[str, Any]:
        """A new message; `anonymous`: an anonymous group admin posts as the group (Telegram
        then sends GroupAnonymousBot as `from` and the group itself as `sender_chat`);
        `edit_of`: the user edits their earlier message with that id (an `edited_message`)."""
        chat_id = int(body["chat_id"])
        chat_type = str(body.get("chat_type") or ("private" if chat_id > 0 else "group"))
        user = self._user(body, chat_id if chat_id > 0 else 1)
        self.state.ensure_chat(chat_id, chat_type, body.get("title"), user)
        thread = body.get("thread_id")
        if body.get("forum") or thread is not None:  # a forum supergroup (topics on)
            self.state.chats[chat_id].update(type="supergroup", is_forum=True)
        text = str(body.get("text", ""))
        edit_of = body.get("edit_of")
        now = int(time.time())
        message: dict[str, Any] = {
            "message_id": int(edit_of) if edit_of else self.state.next_message_id(chat_id),
            "date": now,
            "chat": self.state.chat_json(chat_id),
            "from": ANONYMOUS_ADMIN if body.get("anonymous") else user,
            "text": text,
        }
        if thread is not None:  # typed in a forum topic
            message.update(message_thread_id=int(thread), is_topic_message=True)
        if body.get("anonymous"):
            message["sender_chat"] = self.state.chat_json(chat_id)
        if edit_of:
            message["edit_date"] = now
        if text.startswith("/"):
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
            ]
        await self.state.add_event(
            "user_edit" if edit_of else "user_message",
            chat_id,
            text,
            user_id=message["from"]["id"],
            message_id=message["message_id"],
        )
        return await self.state.push_update({"edited_message" if edit_of else "message": message})

    def topic(self, body: dict[str, Any]) -> dict[str, Any]:
        """A forum topic's life: {"chat_id", "action": "create"} → its thread id;
        "close", "reopen", "delete" with "thread_id"."""
        chat_id, action = int(body["chat_id"]), str(body.get("action", "create"))
        topics = self.state.topics.setdefault(chat_id, {})
        if action == "create":
            thread = self.state.next_message_id(chat_id)  # a topic's id is a message id
            topics[thread] = "open"
            chat = self.state.chats.setdefault(chat_id, {"id": chat_id, "title": "Forum"})
            chat.update(type="supergroup", is_forum=True)
            return {"ok": True, "thread_id": thread}
        thread = int(body["thread_id"])
        if thread not in topics or action not in {"close", "reopen", "delete"}:
            raise ValueError("no such topic or action")
        topics[thread] = {"close": "closed", "reopen": "open", "delete": "deleted"}[action]
        return {"ok": True, "thread_id": thread}

    async def reaction(self, body: dict[str, Any]) -> dict[str, Any]:
        """A user sets a reaction on a message (a `message_reaction` update; Telegram sends
        these in private chats, and in groups where the bot is an administrator)."""
        chat_id = int(body["chat_id"])
        message_id = int(body["message_id"])
        if (chat_id, message_id) not in self.state.messages:
            raise ValueError("no such message")
        user = self._user(body, chat_id if chat_id > 0 else 1)
        emoji = [str(e) for e in body.get("emoji", ["👎"])][:3]
        await self.state.add_event(
            "user_reaction", chat_id, " ".join(emoji), user_id=user["id"], message_id=message_id
        )
        return await self.state.push_update(
            {
                "message_reaction": {
                    "chat": self.state.chat_json(chat_id),
                    "message_id": message_id,
                    "user": user,
                    "date": int(time.time()),
                    "old_reaction": [],
                    "new_reaction": [{"type": "emoji", "emoji": e} for e in emoji],
                }
            }
        )

    async def button(self, body: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(body["chat_id"])
        message_id = int(body["message_id"])
        user = self._user(body, chat_id if chat_id > 0 else 1)
        bot_message = self.state.messages.get((chat_id, message_id))
        if bot_message is not None:
            message_json = self.state.bot_message_json(bot_message)
        else:
            message_json = {
                "message_id": message_id,
                "date": 0,
                "chat": self.state.chat_json(chat_id),
                "text": "",
            }
        query_id = f"cq{chat_id}_{message_id}_{len(self.state.events)}"
        self.state.callback_chats[query_id] = chat_id
        await self.state.add_event(
            "button", chat_id, str(body.get("data", "")), user_id=user["id"], message_id=message_id
        )
        return await self.state.push_update(
            {
                "callback_query": {
                    "id": query_id,
                    "from": user,
                    "message": message_json,
                    "chat_instance": str(chat_id),
                    "data": str(body.get("data", "")),
                }
            }
        )

    async def migrate(self, body: dict[str, Any]) -> dict[str, Any]:
        old, new = int(body["chat_id"]), int(body["new_chat_id"])
        chat = self.state.chat_json(old)
        self.state.chats[new] = {**chat, "id": new, "type": "supergroup"}
        self.state.migrated[old] = new
        self.state.admins[new] = set(self.state.admins.get(old, set()))
        # Like Telegram: a service message in each chat, the group's naming its successor
        # and the supergroup's (its first message) naming its predecessor.
        user = self._user({"user_id": 1}, 1)
        update = await self.state.push_update(
            {
                "message": {
                    "message_id": self.state.next_message_id(old),
                    "date": int(time.time()),
                    "chat": chat,
                    "from": user,
                    "migrate_to_chat_id": new,
                }
            }
        )
        await self.state.push_update(
            {
                "message": {
                    "message_id": self.state.next_message_id(new),
                    "date": int(time.time()),
                    "chat": self.state.chat_json(new),
                    "from": user,
                    "migrate_from_chat_id": old,
                }
            }
        )
        return update

    async def membership(self, body: dict[str, Any]) -> dict[str, Any]:
        """The bot's own membership changed: removed ("left"), blocked or banned
        ("kicked"), added or unblocked ("member"); as Telegram's my_chat_member update."""
        chat_id = int(body["chat_id"])
        chat_type = str(body.get("chat_type") or ("private" if chat_id > 0 else "group"))
        user = self._user(body, chat_id if chat_id > 0 else 1)
        self.state.ensure_chat(chat_id, chat_type, body.get("title"), user)

        def member(status: str) -> dict[str, Any]:
            if status not in {"member", "left", "kicked"}:
                raise ValueError(f"unsupported status {status!r}")
            found: dict[str, Any] = {"status": status, "user": BOT_USER}
            if status == "kicked":
                found["until_date"] = 0
            return found

        new, old = str(body.get("status", "member")), str(body.get("old_status", "member"))
        update = {
            "chat": self.state.chat_json(chat_id),
            "from": user,
            "date": int(time.time()),
            "old_chat_member": member(old),
            "new_chat_member": member(new),
        }
        await self.state.add_event("membership", chat_id, new, user_id=user["id"])
        return await self.state.push_update({"my_chat_member": update})

    def add_fault(self, body: dict[str, Any]) -> Fault:
        kind = str(body.get("kind"))
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; one of {sorted(FAULT_KINDS)}")
        fault = Fault(
            kind=kind,
            method=str(body["method"]).lower() if body.get("method") else None,
            chat_id=int(body["chat_id"]) if body.get("chat_id") is not None else None,
            times=int(body.get("times", 1)),
            retry_after=int(body.get("retry_after", 1)),
            delay_s=float(body.get("delay_s", 0.0)),
            skip=int(body.get("skip", 0)),
        )
        self.state.faults.append(fault)
        return fault

    def webapp_launch(self, body: dict[str, Any]) -> dict[str, Any]:
        """What Telegram puts in a Mini App's URL fragment when a user opens it: the init
        data signed with the bot's token (as the bot's calls named it), the client's
        theme. `auth_date` (Unix seconds) may be given to test stale data."""
        if self.state.token is None:
            raise ValueError("the bot has not called the API yet: no token to sign with")
        user = self._user(body, int(body.get("user_id", body.get("chat_id", 1))))
        fields = {
            "query_id": f"AAH{user['id']}",
            "user": json.dumps(user, separators=(",", ":"), ensure_ascii=False),
            "auth_date": str(int(body.get("auth_date", time.time()))),
        }
        init_data = sign(fields, self.state.token)
        theme = body.get("theme") or {}
        fragment = "&".join(
            f"{key}={quote(value, safe='')}"
            for key, value in (
                ("tgWebAppData", init_data),
                ("tgWebAppVersion", "8.0"),
                ("tgWebAppPlatform", "web"),
                ("tgWebAppThemeParams", json.dumps(theme, separators=(",", ":"))),
            )
        )
        return {"ok": True, "init_data": init_data, "fragment": fragment}

    def set_admins(self, body: dict[str, Any]) -> None:
        self.state.admins[int(body["chat_id"])] = {int(uid) for uid in body.get("user_ids", [])}

    def events(
        self, chat_id: int | None, after: int = 0, limit: int = EVENTS_PAGE
    ) -> list[dict[str, Any]]:
        """Up to `limit` events after seq `after`, oldest first: a page, never the whole
        record (tens of thousands of digests made one answer of hundreds of MB)."""
        found: list[dict[str, Any]] = []
        start = bisect.bisect_right(self.state.events, after, key=lambda e: e.seq)
        for event in itertools.islice(self.state.events, start, None):
            if chat_id is None or event.chat_id == chat_id:
                found.append(asdict(event))
                if len(found) >= limit:
                    break
        return found

    async def wait(
        self, chat_id: int | None, kinds: set[str], count: int, after: int, wait_s: float
    ) -> list[dict[str, Any]]:
        """Block until `count` events of the kinds have arrived after seq `after`."""

        def matching() -> list[Event]:
            return [
                e
                for e in self.state.events
                if e.seq > after and e.kind in kinds and (chat_id is None or e.chat_id == chat_id)
            ]

        async with self.state.changed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self.state.changed.wait_for(lambda: len(matching()) >= count), wait_s
                )
            return [asdict(e) for e in matching()]
