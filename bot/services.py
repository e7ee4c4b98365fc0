"""The bot's services, reachable from handlers and jobs through typed bot_data."""

from __future__ import annotations

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.config import Settings
from bot.delivery.buttons import ButtonCodec
from bot.delivery.pipeline import AlertPipeline
from bot.delivery.service import DeliveryService
from bot.digest.service import DigestService
from bot.metrics import Metrics
from bot.roles import RoleRegistration
from bot.sources.catalog import Catalog
from bot.sources.directory import SourceDirectory
from bot.sources.fetch import Fetcher
from bot.sources.poller import Poller
from bot.subscriptions import SubscriptionService
from storage.interfaces import Storage


@dataclass
class Services:
    settings: Settings
    storage: Storage
    clock: Clock
    subscriptions: SubscriptionService
    codec: ButtonCodec
    zone: ZoneInfo
    pipeline: AlertPipeline | None = None
    delivery: DeliveryService | None = None
    digests: DigestService | None = None
    poller: Poller | None = None
    fetcher: Fetcher | None = None
    metrics: Metrics | None = None
    sources: SourceDirectory = field(
        default_factory=lambda: SourceDirectory(Catalog(()), ())
    )  # the catalog, what is followed, labels
    # On a shared (PostgreSQL) database: this process's entry in the role registry.
    roles: RoleRegistration | None = None
