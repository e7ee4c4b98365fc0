"""Telegram's init-data signature, checked as its documentation specifies."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from bot.config import LiveblogSettings
from bot.webapp.initdata import InitDataError, sign, validate

TOKEN = "123456:TEST-token-abcdef"
NOW = datetime(2026, 12, 8, 12, 0, tzinfo=UTC)


def fields(user_id: int = 42, at: datetime = NOW, **extra: str) -> dict[str, str]:
    user = {"id": user_id, "first_name": "Anna", "language_code": "de"}
    return {
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps(user),
        "auth_date": str(int(at.timestamp())),
        **extra,
    }


def telegram_signed(data: dict[str, str], token: str = TOKEN) -> str:
    """Written from the documentation, apart from the code under test."""
    check = "\n".join(f"{k}={v}" for k, v in sorted(data.items()))
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    digest = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    return urlencode({**data, "hash": digest})


def test_data_signed_as_documented_is_accepted() -> None:
    user = validate(telegram_signed(fields(signature="abc")), TOKEN, NOW)
    assert (user.user_id, user.first_name, user.language_code) == (42, "Anna", "de")


def test_sign_agrees_with_the_documented_scheme() -> None:
    data = fields()
    assert dict(parse_qsl(sign(data, TOKEN))) == dict(parse_qsl(telegram_signed(data)))


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        (lambda d: d.replace("%22id%22%3A+42", "%22id%22%3A+43"), "bad_signature"),
        (lambda d: d.replace("hash=", "hash=0"), "bad_signature"),
        (lambda d: d.split("&hash=")[0], "bad_signature"),
        (lambda d: d + "&extra=1", "bad_signature"),
        (lambda d: d + "&user=x", "malformed"),
        (lambda d: "", "missing"),
        (lambda d: d + "&x=" + "y" * 5000, "too_long"),
        (lambda d: "%%%", "malformed"),
    ],
)
def test_tampered_data_is_refused(tamper: object, reason: str) -> None:
    signed = telegram_signed(fields())
    with pytest.raises(InitDataError) as caught:
        validate(tamper(signed), TOKEN, NOW)  # type: ignore[operator]
    assert caught.value.reason == reason


def test_another_bots_token_does_not_sign_for_ours() -> None:
    with pytest.raises(InitDataError, match="bad_signature"):
        validate(telegram_signed(fields(), "654321:OTHER-token"), TOKEN, NOW)


def test_stale_and_future_data_are_refused() -> None:
    old = telegram_signed(fields(at=NOW - timedelta(days=2)))
    with pytest.raises(InitDataError, match="expired"):
        validate(old, TOKEN, NOW)
    assert validate(old, TOKEN, NOW, max_age=timedelta(days=3)).user_id == 42
    ahead = telegram_signed(fields(at=NOW + timedelta(hours=1)))
    with pytest.raises(InitDataError, match="expired"):
        validate(ahead, TOKEN, NOW)


def test_signed_data_without_a_user_is_refused() -> None:
    data = fields()
    del data["user"]
    with pytest.raises(InitDataError, match="malformed"):
        validate(telegram_signed(data), TOKEN, NOW)


@given(st.text(max_size=600))
def test_any_string_is_refused_cleanly(text: str) -> None:
    with pytest.raises(InitDataError):
        validate(text, TOKEN, NOW)


def test_the_page_needs_https_and_a_server_to_be_served_from(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="METRICS_LISTEN"):
        LiveblogSettings(db=tmp_path / "x.sqlite3", webapp_url="https://bot.example.org/app")
    with pytest.raises(ValidationError, match="https"):
        LiveblogSettings(
            db=tmp_path / "x.sqlite3", metrics_listen="127.0.0.1:0", webapp_url="http://x/app"
        )
    ok = LiveblogSettings(
        db=tmp_path / "x.sqlite3", metrics_listen="127.0.0.1:0", webapp_url="https://x.org/app/"
    )
    assert ok.webapp_url == "https://x.org/app"
