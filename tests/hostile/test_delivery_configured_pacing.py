"""The configured pacing is the one used, and alerts, digests and replies share it.

Found by the hostile-day replay: once ChatPacer got a length (to bound it), an empty
pacer was falsy, so `pacer or ChatPacer()` threw the configured one away. Delivery then
paced every chat at the default 1.05 s / 3.1 s whatever the settings said, and alerts
and digests no longer shared one pacer (a digest could follow an alert within the gap).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr
from telegram.ext import AIORateLimiter

from bot.app import telegram_limiter
from bot.clock import FakeClock
from bot.config import LiveblogSettings, Settings, TelegramSettings
from bot.devserver import DevServer
from bot.harness import running_bot
from bot.services import Services
from tests.conftest import TOKEN


async def test_the_app_paces_as_configured_with_one_shared_pacer(
    devserver: DevServer, tmp_path: Path, clock: FakeClock
) -> None:
    settings = Settings(
        telegram=TelegramSettings(bot_token=SecretStr(TOKEN), api_url=devserver.api_url),
        liveblog=LiveblogSettings(
            db=tmp_path / "paced.sqlite3",
            sources=[],
            private_gap_seconds=0.25,
            group_gap_seconds=0.0,
            global_per_second=200,
        ),
    )
    async with running_bot(settings, clock) as app:
        services: Services | None = app.bot_data.services
        assert services is not None
        assert services.delivery
        assert services.digests
        pacer = services.delivery.pacer
        assert (pacer.gap(True), pacer.gap(False)) == (0.25, 0.0)
        assert services.digests.pacer is pacer
        assert services.digests.window is services.delivery.window
        assert services.delivery.window.limit == 200
        assert isinstance(app.bot.rate_limiter, AIORateLimiter)


def test_ptbs_limiter_follows_the_settings() -> None:
    """PTB's limiter is a safety net, never stricter than our own pacing."""
    default = telegram_limiter(LiveblogSettings(sources=[]))
    assert default._base_limiter is not None
    assert default._base_limiter.max_rate == 30
    assert default._group_max_rate == 20
    relaxed = telegram_limiter(
        LiveblogSettings(sources=[], global_per_second=500, group_gap_seconds=0.0)
    )
    assert relaxed._base_limiter is not None
    assert relaxed._base_limiter.max_rate == 501
    assert relaxed._group_max_rate == 0
