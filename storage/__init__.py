"""Everything that touches the database: migrations and repositories."""

from storage.factory import open_storage
from storage.interfaces import ChatRepository, EntryRepository, SourceRepository, Storage

__all__ = ["ChatRepository", "EntryRepository", "SourceRepository", "Storage", "open_storage"]
