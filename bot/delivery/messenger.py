"""What delivery needs from a chat platform, in domain terms (no `telegram` here).

The Telegram implementation (handlers/telegram_io.py) translates PTB's exceptions
into these errors, so the delivery rules can be read and tested on their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Button:
    text: str
    data: str  # callback data, at most 64 bytes (buttons.py signs and checks it)
    web_app: str | None = None  # instead of data: an https page to open (private chats only)


Keyboard = tuple[tuple[Button, ...], ...]


class SendError(Exception):
    """Base of everything a send can run into."""


class RetryLater(SendError):
    """Flood control: wait exactly this long, then send again (nothing is dropped)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"flood control: retry after {seconds:g} s")
        self.seconds = seconds


class ChatGone(SendError):
    """The reader blocked the bot, or it was removed from the group."""


class ChatMoved(SendError):
    """The group became a supergroup with a new id."""

    def __init__(self, new_chat_id: int) -> None:
        super().__init__(f"chat migrated to {new_chat_id}")
        self.new_chat_id = new_chat_id


class BadMarkup(SendError):
    """Telegram could not parse our HTML: resend once as plain text."""


class Rejected(SendError):
    """A permanent refusal for this message (too long, not found …): do not retry it."""


class Transient(SendError):
    """5xx, timeouts, network trouble: retry later with backoff."""


class AmbiguousSend(Transient):
    """The request went out but no answer came back in time: the message may have
    arrived. Sent again at most once, so a reader sees an alert at most twice."""


class NotModified(SendError):
    """An edit that changes nothing."""


class ThreadGone(SendError):
    """The forum topic a message was routed to was deleted or closed: the chat is there,
    the topic is not (sent again to the group's general topic, never dropped)."""


class MessageGone(SendError):
    """The message to edit is not in the chat: a group that became a supergroup keeps
    its old messages behind (the supergroup's ids are new), or it was deleted."""


class Messenger(Protocol):
    async def send(
        self,
        chat_id: int,
        html: str | None,
        text: str,
        keyboard: Keyboard | None = None,
        paid: bool = False,
        thread_id: int | None = None,
    ) -> int:
        """Send `html` (or, when None, the plain `text`); returns the message id.
        `paid`: a paid broadcast, allowed past the free overall rate (costs Stars).
        `thread_id`: a forum topic of the group (None: its general topic)."""
        ...

    async def edit(
        self, chat_id: int, message_id: int, html: str, keyboard: Keyboard | None = None
    ) -> None: ...
