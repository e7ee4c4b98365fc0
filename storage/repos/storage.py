"""One open database and its repositories, whichever backend holds it."""

from __future__ import annotations

from storage.db import Db
from storage.repos.alerts import SqlAlertRepository
from storage.repos.chats import SqlChatRepository
from storage.repos.choices import SqlSourceChoiceRepository
from storage.repos.confirmations import SqlConfirmationRepository
from storage.repos.drift import SqlDriftRepository
from storage.repos.entries import SqlEntryRepository
from storage.repos.forum_routes import SqlForumRouteRepository
from storage.repos.leases import SqlLeaseRepository
from storage.repos.processes import SqlProcessRepository
from storage.repos.rates import SqlRateRepository
from storage.repos.reader_feedback import SqlFeedbackRepository, SqlStoryChoiceRepository
from storage.repos.retention import SqlRetentionRepository
from storage.repos.sources import SqlSourceRepository
from storage.repos.stories import SqlStoryRepository
from storage.repos.subscriptions import SqlSubscriptionRepository
from storage.repos.unsubscribe_undo import SqlUnsubscribeUndoRepository


class SqlStorage:
    def __init__(self, db: Db) -> None:
        self.db = db
        self.chats = SqlChatRepository(db)
        self.sources = SqlSourceRepository(db)
        self.entries = SqlEntryRepository(db)
        self.subscriptions = SqlSubscriptionRepository(db)
        self.alerts = SqlAlertRepository(db)
        self.choices = SqlSourceChoiceRepository(db)
        self.stories = SqlStoryRepository(db)
        self.confirmations = SqlConfirmationRepository(db)
        self.leases = SqlLeaseRepository(db)
        self.rates = SqlRateRepository(db)
        self.drift = SqlDriftRepository(db)
        self.retention = SqlRetentionRepository(db)
        self.feedback = SqlFeedbackRepository(db)
        self.story_choices = SqlStoryChoiceRepository(db)
        self.forum_routes = SqlForumRouteRepository(db)
        self.unsubscribe_undo = SqlUnsubscribeUndoRepository(db)
        self.processes = SqlProcessRepository(db)

    @property
    def dialect(self) -> str:
        return self.db.dialect

    async def close(self) -> None:
        await self.db.close()
