"""What the hostile source tests share: a local HTTP server, storage, a fetcher, a poller."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bot.clock import FakeClock
from bot.sources.fetch import Fetcher
from bot.sources.ingest import IngestReport
from bot.sources.poller import CONCURRENCY, Poller, add_sources
from storage import Storage, open_storage
from storage.records import SourceRecord
from tests.sources.server import SourceServer, source_server


@dataclass
class SourceWorld:
    server: SourceServer
    storage: Storage
    fetcher: Fetcher
    clock: FakeClock
    reports: list[IngestReport] = field(default_factory=list)

    def poller(
        self, concurrency: int = CONCURRENCY, follow_hosts: frozenset[str] = frozenset()
    ) -> Poller:
        async def collect(report: IngestReport) -> None:
            self.reports.append(report)

        return Poller(
            self.storage,
            self.fetcher,
            self.clock,
            collect,
            random.Random(7),
            concurrency,
            follow_hosts,
        )

    async def add(self, *specs: str) -> None:
        await add_sources(self.storage, list(specs), 60, self.clock.now())

    async def poll_all(self, poller: Poller | None = None) -> Poller:
        poller = poller or self.poller()
        await poller.tick()
        await poller.wait_idle()
        return poller

    async def source(self, url: str) -> SourceRecord:
        for source in await self.storage.sources.list_active():
            if source.url == url:
                return source
        raise AssertionError(f"no active source {url}")


@asynccontextmanager
async def source_world(tmp_path: Path, clock: FakeClock) -> AsyncIterator[SourceWorld]:
    async with source_server() as server:
        storage = await open_storage(tmp_path / "hostile-sources.sqlite3")
        fetcher = Fetcher()
        try:
            yield SourceWorld(server, storage, fetcher, clock)
        finally:
            await fetcher.close()
            await storage.close()
