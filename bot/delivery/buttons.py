"""Compact, versioned, signed callback data: a forged or stale button is recognised.

Format: "1:<action>:<arg>:<sig>" — at most 64 bytes. The signature binds the button
to its chat (an HMAC over chat id, action and argument), so data copied into another
chat, or made up, fails the check instead of acting on someone else's subscription.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass

VERSION = "1"
MAX_BYTES = 64
_ACTION = re.compile(r"^[a-z]{1,6}$")
_ARG = re.compile(r"^[A-Za-z0-9_.+-]{0,40}$")


@dataclass(frozen=True)
class ButtonAction:
    action: str
    arg: str


class ButtonCodec:
    def __init__(self, secret: bytes) -> None:
        if not secret:
            raise ValueError("a button secret is needed")
        self._secret = secret

    def _sign(self, chat_id: int, action: str, arg: str) -> str:
        digest = hmac.new(self._secret, f"{chat_id}:{action}:{arg}".encode(), hashlib.sha256)
        return base64.urlsafe_b64encode(digest.digest()[:9]).decode()

    def encode(self, chat_id: int, action: str, arg: str = "") -> str:
        if not _ACTION.match(action) or not _ARG.match(arg):
            raise ValueError(f"bad button {action!r} {arg!r}")
        data = f"{VERSION}:{action}:{arg}:{self._sign(chat_id, action, arg)}"
        assert len(data.encode()) <= MAX_BYTES  # guaranteed by the patterns above
        return data

    def decode(self, chat_id: int, data: str | None) -> ButtonAction | None:
        """The action, or None for anything forged, stale (old version) or malformed."""
        if not data or len(data.encode("utf-8", "replace")) > MAX_BYTES:
            return None
        parts = data.split(":")
        if len(parts) != 4 or parts[0] != VERSION:
            return None
        _, action, arg, signature = parts
        if not _ACTION.match(action) or not _ARG.match(arg):
            return None
        if not hmac.compare_digest(signature, self._sign(chat_id, action, arg)):
            return None
        return ButtonAction(action, arg)


def secret_from(token: str, configured: str | None = None) -> bytes:
    """A configured secret, else one derived from the bot token (never the token itself)."""
    base = configured or token
    return hashlib.sha256(b"liveblog-alerts buttons:" + base.encode()).digest()
