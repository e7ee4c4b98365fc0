"""Run the real bot inside an existing event loop (tests, the demo): PTB's manual flow."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram import Update

from bot.app import AppType, build_application
from bot.clock import Clock
from bot.config import Settings


@asynccontextmanager
async def running_bot(
    settings: Settings, clock: Clock | None = None, with_jobs: bool = False
) -> AsyncIterator[AppType]:
    """Without jobs, tests and the demo drive polling, delivery and digests themselves."""
    app = build_application(settings, clock, with_jobs)
    async with app:
        # The manual flow does not call post_init (run_polling does): do it here.
        if app.post_init is not None:
            await app.post_init(app)
        await app.start()
        assert app.updater is not None  # built with the default updater
        await app.updater.start_polling(
            poll_interval=0.0,
            timeout=1,
            allowed_updates=Update.ALL_TYPES,
            drop_pending_updates=False,
        )
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()
            if app.post_shutdown is not None:
                await app.post_shutdown(app)
