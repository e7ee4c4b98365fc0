"""Telegram Mini App init data: who opened the page, as Telegram signed it.

Telegram hands a Mini App a query string (`initData`) and signs it with the bot's
token (core.telegram.org/bots/webapps, "Validating data received via the Mini App"):
  secret_key = HMAC_SHA256(key="WebAppData", msg=bot_token)
  hash       = hex(HMAC_SHA256(key=secret_key, msg=data_check_string))
where data_check_string is every received field except `hash`, sorted by key, as
"key=value" lines joined by "\n". Whoever does not know the token cannot produce a
valid hash, so a valid hash proves the user id inside. `auth_date` bounds how long a
captured string stays usable.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlencode

MAX_INIT_DATA = 4_096  # Telegram's strings are a few hundred bytes; anything far larger is not
DEFAULT_MAX_AGE = timedelta(hours=24)
_FUTURE_SLACK = timedelta(minutes=5)  # clocks of Telegram's servers and ours may differ a little


class InitDataError(ValueError):
    """The init data is missing, malformed, forged or too old; `reason` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class WebAppUser:
    user_id: int
    first_name: str
    language_code: str | None
    auth_date: datetime


def _secret(token: str) -> bytes:
    return hmac.new(b"WebAppData", token.encode("utf-8"), hashlib.sha256).digest()


def _check_string(fields: Mapping[str, str]) -> str:
    return "\n".join(f"{key}={fields[key]}" for key in sorted(fields) if key != "hash")


def sign(fields: Mapping[str, str], token: str) -> str:
    """The init data Telegram would hand over for these fields (the stand-in's side)."""
    digest = hmac.new(_secret(token), _check_string(fields).encode("utf-8"), hashlib.sha256)
    return urlencode({**fields, "hash": digest.hexdigest()})


def validate(
    init_data: str, token: str, now: datetime, max_age: timedelta = DEFAULT_MAX_AGE
) -> WebAppUser:
    """The user who opened the Mini App, or InitDataError."""
    if not init_data or len(init_data) > MAX_INIT_DATA:
        raise InitDataError("missing" if not init_data else "too_long")
    try:
        pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=True)
    except ValueError as exc:
        raise InitDataError("malformed") from exc
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise InitDataError("malformed")  # a repeated key could mean two readings of one string
    received = fields.get("hash", "")
    expected = hmac.new(_secret(token), _check_string(fields).encode("utf-8"), hashlib.sha256)
    if not hmac.compare_digest(received.encode("ascii", "replace"), expected.hexdigest().encode()):
        raise InitDataError("bad_signature")
    try:
        auth_date = datetime.fromtimestamp(int(fields["auth_date"]), UTC)
        user = json.loads(fields["user"])
        user_id = int(user["id"])
    except (KeyError, ValueError, TypeError, OverflowError, OSError) as exc:
        raise InitDataError("malformed") from exc
    if auth_date > now + _FUTURE_SLACK or now - auth_date > max_age:
        raise InitDataError("expired")
    language = user.get("language_code")
    return WebAppUser(
        user_id=user_id,
        first_name=str(user.get("first_name", ""))[:64],
        language_code=language[:8] if isinstance(language, str) else None,
        auth_date=auth_date,
    )
