"""A small client for the stand-in's control API: plays the reader in tests and the demo."""

from __future__ import annotations

from typing import Any

import httpx

from bot.devserver.control import EVENTS_PAGE


class ChatDriver:
    """Types into chats and reads what the bot sent, over the control API."""

    def __init__(self, server_url: str) -> None:
        self._http = httpx.AsyncClient(base_url=server_url, timeout=130.0)
        self.last_seq = 0

    async def close(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> ChatDriver:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _post(self, path: str, body: dict[str, Any]) -> Any:
        response = await self._http.post(path, json=body)
        response.raise_for_status()
        return response.json()

    async def say(self, chat_id: int, text: str, **user: Any) -> dict[str, Any]:
        """Inject a message (or command) from a user into a chat."""
        result: dict[str, Any] = await self._post(
            "/control/message", {"chat_id": chat_id, "text": text, **user}
        )
        return result

    async def edit(self, chat_id: int, message_id: int, text: str, **user: Any) -> dict[str, Any]:
        """The user edits their earlier message `message_id` (Telegram's `edited_message`)."""
        return await self.say(chat_id, text, edit_of=message_id, **user)

    async def press(self, chat_id: int, message_id: int, data: str, **user: Any) -> dict[str, Any]:
        result: dict[str, Any] = await self._post(
            "/control/button", {"chat_id": chat_id, "message_id": message_id, "data": data, **user}
        )
        return result

    async def fault(self, kind: str, **where: Any) -> None:
        await self._post("/control/faults", {"kind": kind, **where})

    async def set_admins(self, chat_id: int, user_ids: list[int]) -> None:
        await self._post("/control/admins", {"chat_id": chat_id, "user_ids": user_ids})

    async def migrate(self, chat_id: int, new_chat_id: int) -> None:
        await self._post("/control/migrate", {"chat_id": chat_id, "new_chat_id": new_chat_id})

    async def membership(
        self, chat_id: int, status: str, old_status: str = "member", **user: Any
    ) -> dict[str, Any]:
        """The bot was removed ("left"), blocked ("kicked") or added back ("member")."""
        result: dict[str, Any] = await self._post(
            "/control/membership",
            {"chat_id": chat_id, "status": status, "old_status": old_status, **user},
        )
        return result

    async def events(self, chat_id: int | None = None, after: int = 0) -> list[dict[str, Any]]:
        """Every event after seq `after`, read a page at a time."""
        found: list[dict[str, Any]] = []
        while True:
            params = {"after": str(found[-1]["seq"] if found else after)}
            if chat_id is not None:
                params["chat_id"] = str(chat_id)
            response = await self._http.get("/control/events", params=params)
            response.raise_for_status()
            page: list[dict[str, Any]] = response.json()
            found += page
            if len(page) < EVENTS_PAGE:
                return found

    async def wait_for(
        self,
        chat_id: int | None,
        count: int = 1,
        after: int | None = None,
        kinds: list[str] | None = None,
        wait_s: float = 10.0,
    ) -> list[dict[str, Any]]:
        """Wait (event-driven, on the server) for `count` bot events after `after`."""
        body: dict[str, Any] = {
            "chat_id": chat_id,
            "count": count,
            "timeout": wait_s,
            "after": self.last_seq if after is None else after,
        }
        if kinds:
            body["kinds"] = kinds
        result: list[dict[str, Any]] = await self._post("/control/wait", body)
        return result

    async def ask(
        self, chat_id: int, text: str, replies: int = 1, wait_s: float = 10.0, **user: Any
    ) -> list[dict[str, Any]]:
        """Say something and wait for the bot's replies to it."""
        events = await self.events()
        mark = events[-1]["seq"] if events else 0
        await self.say(chat_id, text, **user)
        got = await self.wait_for(chat_id, replies, after=mark, wait_s=wait_s)
        if got:
            self.last_seq = max(self.last_seq, got[-1]["seq"])
        return got

    async def click(
        self,
        chat_id: int,
        message_id: int,
        data: str,
        replies: int = 1,
        wait_s: float = 10.0,
        **user: Any,
    ) -> list[dict[str, Any]]:
        """Press a button and wait for the bot's reactions (answer, edits, messages)."""
        events = await self.events()
        mark = events[-1]["seq"] if events else 0
        await self.press(chat_id, message_id, data, **user)
        got = await self.wait_for(chat_id, replies, after=mark, wait_s=wait_s)
        if got:
            self.last_seq = max(self.last_seq, got[-1]["seq"])
        return got

    async def topic(self, chat_id: int, action: str = "create", thread_id: int = 0) -> int:
        """Create ("create"), "close", "reopen" or "delete" a forum topic; its thread id."""
        body: dict[str, Any] = {"chat_id": chat_id, "action": action}
        if action != "create":
            body["thread_id"] = thread_id
        result = await self._post("/control/topic", body)
        return int(result["thread_id"])

    async def react(self, chat_id: int, message_id: int, emoji: str = "👎", **user: Any) -> None:
        """React to a message (a `message_reaction` update for the bot)."""
        await self._post(
            "/control/reaction",
            {"chat_id": chat_id, "message_id": message_id, "emoji": [emoji], **user},
        )

    async def webapp_launch(self, user_id: int, **fields: Any) -> dict[str, Any]:
        """The signed launch data Telegram gives a Mini App that `user_id` opens."""
        result: dict[str, Any] = await self._post("/control/webapp", {"user_id": user_id, **fields})
        return result

    async def state(self) -> dict[str, Any]:
        response = await self._http.get("/control/state")
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result
