"""The Bot API methods, answered with Telegram's JSON shapes and error texts."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bot.devserver.html_check import EntityParseError, visible_text
from bot.devserver.limits import RateLimiter
from bot.devserver.state import BOT_USER, BotMessage, DevState
from bot.devserver.webhook import WebhookPusher

MAX_TEXT = 4096
MAX_CALLBACK_DATA = 64


class ApiError(Exception):
    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


def ok(result: Any) -> dict[str, Any]:
    return {"ok": True, "result": result}


# Fields PTB sends JSON-encoded; everything else (text above all) stays a string, so
# a message that reads "true" or "123" is not turned into a boolean or a number.
_JSON_FIELDS = frozenset(
    {
        "chat_id",
        "menu_button",
        "message_id",
        "offset",
        "limit",
        "timeout",
        "user_id",
        "reply_markup",
        "commands",
        "scope",
        "link_preview_options",
        "entities",
        "allowed_updates",
        "disable_notification",
        "show_alert",
        "cache_time",
        "drop_pending_updates",
        "disable_web_page_preview",
        "protect_content",
        "reply_parameters",
        "allow_paid_broadcast",
    }
)


def decode_params(raw: dict[str, str]) -> dict[str, Any]:
    """PTB sends form fields; its non-string values arrive JSON-encoded."""
    params: dict[str, Any] = {}
    for key, value in raw.items():
        if key in _JSON_FIELDS and isinstance(value, str):
            try:
                params[key] = json.loads(value)
                continue
            except ValueError:
                pass
        params[key] = value
    return params


def _chat_id(params: dict[str, Any]) -> int:
    try:
        return int(params["chat_id"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ApiError(400, "Bad Request: chat not found") from exc


def _check_markup(markup: Any, private: bool = True) -> dict[str, Any] | None:
    if markup in (None, ""):
        return None
    if not isinstance(markup, dict):
        raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    for row in markup.get("inline_keyboard", []):
        for button in row:
            if "web_app" in button:
                url = str((button.get("web_app") or {}).get("url", ""))
                if not private:  # Telegram opens Mini Apps from inline buttons only there
                    raise ApiError(400, "Bad Request: BUTTON_TYPE_INVALID")
                if not url.startswith("https://"):
                    raise ApiError(400, "Bad Request: BUTTON_URL_INVALID")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
    return markup


def _paid(params: dict[str, Any]) -> bool:
    """allow_paid_broadcast: the bot pays Stars to pass the free overall limit."""
    value = params.get("allow_paid_broadcast")
    return value is True or (isinstance(value, str) and value.lower() in ("true", "1"))


def _render(params: dict[str, Any]) -> tuple[str, str]:
    raw = str(params.get("text", ""))
    if params.get("parse_mode") == "HTML":
        try:
            text = visible_text(raw)
        except EntityParseError as exc:
            raise ApiError(400, f"Bad Request: can't parse entities: {exc}") from exc
    else:
        text = raw
    if not text.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    if len(text) > MAX_TEXT:
        raise ApiError(400, "Bad Request: message is too long")
    return raw, text


class BotApi:
    def __init__(
        self, state: DevState, limiter: RateLimiter, max_long_poll_s: float = 50.0
    ) -> None:
        self.state = state
        self.limiter = limiter
        self.max_long_poll_s = max_long_poll_s
        self.webhook = WebhookPusher(state)
        self.methods: dict[str, Callable[[dict[str, Any]], Awaitable[Any]]] = {
            "getme": self.get_me,
            "getupdates": self.get_updates,
            "sendmessage": self.send_message,
            "editmessagetext": self.edit_message_text,
            "editmessagereplymarkup": self.edit_message_reply_markup,
            "answercallbackquery": self.answer_callback_query,
            "setmycommands": self.set_my_commands,
            "getmycommands": self.get_my_commands,
            "deletemycommands": self.delete_my_commands,
            "setchatmenubutton": self.set_chat_menu_button,
            "getchatmenubutton": self.get_chat_menu_button,
            "deletewebhook": self.delete_webhook,
            "setwebhook": self.set_webhook,
            "getwebhookinfo": self.get_webhook_info,
            "close": self.simple_true,
            "logout": self.simple_true,
            "sendchataction": self.simple_true,
            "deletemessage": self.delete_message,
            "getchat": self.get_chat,
            "getchatmember": self.get_chat_member,
            "getchatadministrators": self.get_chat_administrators,
        }

    async def call(self, method: str, params: dict[str, Any]) -> Any:
        handler = self.methods.get(method.lower())
        if handler is None:
            raise ApiError(404, "Not Found: method not found")
        chat_id = params.get("chat_id")
        fault = self.state.take_fault(method.lower(), int(chat_id) if chat_id is not None else None)
        if fault is not None:
            await self._apply_fault(fault)
        return await handler(params)

    async def _apply_fault(self, fault: Any) -> None:
        kind = fault.kind
        if kind == "slow":
            await asyncio.sleep(fault.delay_s)
            return
        if kind == "retry_after":
            raise ApiError(
                429,
                f"Too Many Requests: retry after {fault.retry_after}",
                {"retry_after": fault.retry_after},
            )
        if kind == "blocked":
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if kind == "kicked":
            raise ApiError(403, "Forbidden: bot was kicked from the group chat")
        if kind == "parse":
            raise ApiError(400, "Bad Request: can't parse entities: Unsupported start tag")
        if kind == "too_long":
            raise ApiError(400, "Bad Request: message is too long")
        if kind == "server":
            raise ApiError(502, "Bad Gateway")
        raise ApiError(500, f"Internal Server Error: unknown fault {kind}")

    def _target_chat(self, params: dict[str, Any]) -> int:
        chat_id = _chat_id(params)
        if chat_id in self.state.migrated:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": self.state.migrated[chat_id]},
            )
        return chat_id

    async def simple_true(self, params: dict[str, Any]) -> bool:
        return True

    async def get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return BOT_USER

    async def set_webhook(self, params: dict[str, Any]) -> bool:
        url = str(params.get("url") or "")
        if not url:  # Telegram: an empty url removes the webhook
            await self.webhook.stop()
            return True
        if not url.startswith(("http://", "https://")):
            raise ApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided")
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        if params.get("drop_pending_updates") in (True, "true", "True"):
            self.state.updates.clear()
        await self.webhook.set(url, str(secret) if secret is not None else None)
        return True

    async def delete_webhook(self, params: dict[str, Any]) -> bool:
        await self.webhook.stop()
        if params.get("drop_pending_updates") in (True, "true", "True"):
            self.state.updates.clear()
        return True

    async def get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": self.webhook.url or "",
            "has_custom_certificate": False,
            "pending_update_count": len(self.state.updates),
        }

    async def get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook.url is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active;"
                " use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        limit = max(1, min(int(params.get("limit") or 100), 100))
        timeout = max(0.0, min(float(params.get("timeout") or 0), self.max_long_poll_s))
        state = self.state
        async with state.changed:
            state.updates = [u for u in state.updates if u["update_id"] >= offset]
            if not state.updates and timeout:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(
                        state.changed.wait_for(lambda: bool(state.updates)), timeout
                    )
            return state.updates[:limit]

    async def send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._target_chat(params)
        html, text = _render(params)
        chat_type = self.state.chat_json(chat_id).get("type", "private")
        markup = _check_markup(params.get("reply_markup"), chat_type == "private")
        thread = self._thread(chat_id, params.get("message_thread_id"))
        paid = _paid(params)
        retry_after = self.limiter.check(
            chat_id, str(chat_type), self.limiter.now(), paid
        )
        if retry_after:
            self.state.stats["rate_limited"] += 1
            if paid:
                self.state.stats["rate_limited_paid"] += 1
            raise ApiError(
                429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
            )
        message = BotMessage(
            chat_id,
            self.state.next_message_id(chat_id),
            text,
            html,
            params.get("parse_mode"),
            markup,
            int(time.time()),
            paid=paid,
            thread_id=thread,
        )
        self.state.messages[(chat_id, message.message_id)] = message
        self.state.stats["sent"] += 1
        if paid:
            self.state.stats["sent_paid"] += 1
        await self.state.add_event(
            "bot_message",
            chat_id,
            text,
            message_id=message.message_id,
            data={"html": html, "reply_markup": markup, "paid": paid, "thread_id": thread},
        )
        return self.state.bot_message_json(message)

    def _thread(self, chat_id: int, raw: Any) -> int | None:
        """A message's forum topic, refused as Telegram refuses it when closed or gone."""
        if raw in (None, ""):
            return None
        thread = int(raw)
        status = self.state.topics.get(chat_id, {}).get(thread)
        if status == "closed":
            raise ApiError(400, "Bad Request: TOPIC_CLOSED")
        if status != "open":
            raise ApiError(400, "Bad Request: message thread not found")
        return thread

    def _existing(self, params: dict[str, Any]) -> BotMessage:
        chat_id = self._target_chat(params)
        message = self.state.messages.get((chat_id, int(params.get("message_id") or 0)))
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        return message

    async def edit_message_text(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._existing(params)
        html, text = _render(params)
        markup = _check_markup(params.get("reply_markup"))
        if html == message.html and markup == message.reply_markup:
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message "
                "content and reply markup are exactly the same as a current content "
                "and reply markup of the message",
            )
        message.text, message.html, message.reply_markup = text, html, markup
        message.edited = True
        await self.state.add_event(
            "bot_edit",
            message.chat_id,
            text,
            message_id=message.message_id,
            data={"html": html, "reply_markup": markup},
        )
        return self.state.bot_message_json(message)

    async def edit_message_reply_markup(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._existing(params)
        markup = _check_markup(params.get("reply_markup"))
        if markup == message.reply_markup:
            raise ApiError(400, "Bad Request: message is not modified")
        message.reply_markup = markup
        await self.state.add_event(
            "bot_markup",
            message.chat_id,
            message.text,
            message_id=message.message_id,
            data={"reply_markup": markup},
        )
        return self.state.bot_message_json(message)

    async def delete_message(self, params: dict[str, Any]) -> bool:
        message = self._existing(params)
        del self.state.messages[(message.chat_id, message.message_id)]
        await self.state.add_event(
            "bot_delete", message.chat_id, message.text, message_id=message.message_id
        )
        return True

    async def answer_callback_query(self, params: dict[str, Any]) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        self.state.answered_callbacks[query_id] = params
        chat_id = self.state.callback_chats.get(query_id)
        if chat_id is not None:
            await self.state.add_event(
                "callback_answer",
                chat_id,
                str(params.get("text") or ""),
                data={"show_alert": bool(params.get("show_alert"))},
            )
        return True

    def _command_scope_key(self, params: dict[str, Any]) -> str:
        scope = params.get("scope") or {"type": "default"}
        return f"{json.dumps(scope, sort_keys=True)}|{params.get('language_code') or ''}"

    async def set_chat_menu_button(self, params: dict[str, Any]) -> bool:
        button = params.get("menu_button") or {"type": "default"}
        kinds = {"commands", "web_app", "default"}
        if not isinstance(button, dict) or button.get("type") not in kinds:
            raise ApiError(400, "Bad Request: menu button is invalid")
        if button["type"] == "web_app":
            url = str((button.get("web_app") or {}).get("url", ""))
            if not url.startswith("https://") or not 1 <= len(str(button.get("text", ""))) <= 64:
                raise ApiError(400, "Bad Request: WEB_APP_URL_INVALID")
        chat_id = params.get("chat_id")
        self.state.menu_buttons["default" if chat_id is None else str(chat_id)] = button
        return True

    async def get_chat_menu_button(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = params.get("chat_id")
        found = self.state.menu_buttons.get(str(chat_id)) if chat_id is not None else None
        return found or self.state.menu_buttons.get("default") or {"type": "commands"}

    async def set_my_commands(self, params: dict[str, Any]) -> bool:
        commands = params.get("commands") or []
        if not isinstance(commands, list) or len(commands) > 100:
            raise ApiError(400, "Bad Request: commands are invalid")
        for command in commands:
            name = str(command.get("command", ""))
            if not (1 <= len(name) <= 32) or not all(
                c in "abcdefghijklmnopqrstuvwxyz0123456789_" for c in name
            ):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        self.state.commands[self._command_scope_key(params)] = commands
        return True

    async def get_my_commands(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        return self.state.commands.get(self._command_scope_key(params), [])

    async def delete_my_commands(self, params: dict[str, Any]) -> bool:
        self.state.commands.pop(self._command_scope_key(params), None)
        return True

    async def get_chat(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._target_chat(params)
        if chat_id not in self.state.chats:
            raise ApiError(400, "Bad Request: chat not found")
        return self.state.chat_json(chat_id)

    def _member(self, chat_id: int, user_id: int) -> dict[str, Any]:
        user = self.state.users.get(user_id, {"id": user_id, "is_bot": False, "first_name": "?"})
        if user_id in self.state.admins.get(chat_id, set()):
            return {
                "status": "administrator",
                "user": user,
                "can_be_edited": False,
                "is_anonymous": False,
                "can_manage_chat": True,
                "can_delete_messages": True,
                "can_manage_video_chats": True,
                "can_restrict_members": True,
                "can_promote_members": False,
                "can_change_info": True,
                "can_invite_users": True,
                "can_post_stories": False,
                "can_edit_stories": False,
                "can_delete_stories": False,
            }
        return {"status": "member", "user": user}

    async def get_chat_member(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._target_chat(params)
        return self._member(chat_id, int(params.get("user_id") or 0))

    async def get_chat_administrators(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        chat_id = self._target_chat(params)
        return [self._member(chat_id, uid) for uid in sorted(self.state.admins.get(chat_id, set()))]
