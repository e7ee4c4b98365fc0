"""Which catalog entry each stored source belongs to, and the label readers see for it.

Alerts show the catalog's label ("tagesschau · Ukraine"), never a page title: a daily
page found by following shows its overview's label (or its theme's, for a rule grouped
by theme). A source outside the catalog shows its host.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlparse

from bot.sources.catalog import Catalog, CatalogSource
from storage.interfaces import Storage
from storage.records import SourceRecord

MAX_CACHED = 10_000  # stored sources remembered; beyond that the cache starts over


def _folded(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def host_label(url: str) -> str:
    host = urlparse(url).hostname
    return host.removeprefix("www.")[:60] if host else "Liveblog"


class SourceDirectory:
    def __init__(self, catalog: Catalog, followed: Iterable[CatalogSource]) -> None:
        self.catalog = catalog
        self.followed: tuple[CatalogSource, ...] = tuple(followed)
        self._records: dict[int, SourceRecord] = {}

    def add_entry(self, entry: CatalogSource) -> None:
        """A source added at runtime (/sources add), with the label it was given; one
        added again replaces its earlier entry (a new name)."""
        kept = tuple(e for e in self.catalog.entries if e.id != entry.id)
        self.catalog = Catalog((*kept, entry))

    def note(self, record: SourceRecord) -> None:
        if len(self._records) >= MAX_CACHED:
            self._records.clear()
        self._records[record.source_id] = record

    async def load(self, storage: Storage, source_ids: Iterable[int]) -> None:
        """Make sure the sources are known (a page found by following since the last call)."""
        for source_id in set(source_ids):
            if source_id not in self._records:
                record = await storage.sources.get(source_id)
                if record is not None:
                    self.note(record)

    def catalog_id(self, source_id: int) -> str | None:
        record = self._records.get(source_id)
        return record.catalog_id if record is not None else None

    def label(self, source_id: int, language: str) -> str:
        record = self._records.get(source_id)
        if record is None:
            return "Liveblog"
        entry = self.catalog.get(record.catalog_id)
        if entry is None:
            return host_label(record.url)
        return entry.label(language, record.theme)

    def followed_labels(self, language: str) -> list[str]:
        return [entry.label(language) for entry in self.followed]

    def match_outlet(self, name: str) -> list[CatalogSource]:
        """The followed sources an `@name` means: a catalog id, or an outlet's name
        (any case; "ntv" finds "n-tv")."""
        wanted = _folded(name)
        if not wanted:
            return []
        exact = [e for e in self.followed if _folded(e.id) == wanted]
        return exact or [e for e in self.followed if _folded(e.outlet) == wanted]

    def resolve_refs(self, refs: Iterable[str]) -> tuple[list[str], list[str]]:
        """(catalog ids, names that match no followed source)."""
        ids: list[str] = []
        unknown: list[str] = []
        for ref in refs:
            found = self.match_outlet(ref)
            if not found:
                unknown.append(ref)
            ids += [e.id for e in found if e.id not in ids]
        return ids, unknown

    def followed_entry(self, catalog_id: str) -> CatalogSource | None:
        return next((e for e in self.followed if e.id == catalog_id), None)


MAX_REFS = 10


def split_source_refs(text: str) -> tuple[str, list[str]]:
    """'Gaza @tagesschau @n-tv' → ('Gaza', ['tagesschau', 'n-tv']): the words after @
    name the sources a subscription is limited to."""
    words, refs = [], []
    for word in text.split():
        if word.startswith("@") and len(word) > 1:
            refs.append(word[1:60])
        else:
            words.append(word)
    return " ".join(words), refs[:MAX_REFS]
