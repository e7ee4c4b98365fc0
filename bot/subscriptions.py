"""Subscribing, listing, unsubscribing and previewing: the domain behind the chat."""

from __future__ import annotations

import asyncio
import logging
import zlib
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta
from functools import cached_property

from rapidfuzz import fuzz, process

from bot.clock import Clock
from bot.matching.expansion import Expansion
from bot.matching.expr import TopicExpr
from bot.matching.holder import IndexHolder
from bot.matching.index import Span
from bot.matching.lexicon import Lexicon
from bot.matching.normalize import fold
from bot.matching.query import QueryError, QueryResolver, ResolvedQuery
from bot.recent import RecentMatcher
from bot.text_repair import repair
from storage.interfaces import Storage
from storage.records import EntryRecord, SubscriptionName, SubscriptionRecord

log = logging.getLogger(__name__)

MAX_QUERY_CHARS = 100
RECENT_WINDOW = timedelta(days=7)


@dataclass
class SubscribeOutcome:
    status: str  # "added" | "exists" | "error" | "limit" | "confirm"
    resolved: ResolvedQuery | None = None
    subscription: SubscriptionRecord | None = None
    recent_matches: int = 0
    suggestions: list[str] = field(default_factory=list)
    error: str | None = None  # a QueryError code
    error_detail: str = ""


@dataclass(frozen=True)
class PreviewItem:
    entry: EntryRecord
    spans: tuple[Span, ...]


class SubscriptionService:
    def __init__(
        self,
        storage: Storage,
        resolver: QueryResolver,
        holder: IndexHolder,
        clock: Clock,
        max_per_chat: int = 25,
        expand: Callable[[str], Sequence[Expansion]] | None = None,
    ) -> None:
        self.storage, self.resolver, self.holder, self.clock = storage, resolver, holder, clock
        self.max_per_chat = max_per_chat
        # A free query's other-language words (QueryResolver.expansions; the model):
        # found once at subscribe time, on a worker thread, and stored with it.
        self.expand = expand
        # Every active subscription: matching reads it at alert time, so a removed topic
        # stops alerting at once, long before a full index build leaves it out.
        self.by_id: dict[int, SubscriptionRecord] = {}
        self._chat_subs: dict[int, set[int]] = {}
        # Chats that changed while index_topics() loads all topics: read again after it.
        self._dirty: set[int] | None = None
        self._exprs: dict[tuple[str, str | None, tuple[tuple[str, str], ...]], TopicExpr] = {}
        # "Would have found N" and previews: bounded, cached, on a worker thread.
        self.recent = RecentMatcher(self._recent_entries)

    @property
    def lexicon(self) -> Lexicon:
        return self.resolver.lexicon

    # ---------------------------------------------------------------- resolving
    def resolve(self, text: str) -> ResolvedQuery:
        # Invisible and bidi characters never reach a stored query or topic name.
        query = " ".join(repair(text).split())
        if len(query) > MAX_QUERY_CHARS:
            raise QueryError("too_long", str(MAX_QUERY_CHARS))
        return self.resolver.resolve(query)

    def expr_of(self, sub: SubscriptionRecord) -> TopicExpr | None:
        key = (sub.query, sub.catalog_id, sub.expansions)
        if key not in self._exprs:
            topic = self.lexicon.topics.get(sub.catalog_id) if sub.catalog_id else None
            if topic is not None:
                self._exprs[key] = topic.expr
            else:
                try:
                    kept = [Expansion(word, term) for word, term in sub.expansions]
                    self._exprs[key] = self.resolver.resolve(sub.query, kept).expr
                except QueryError:
                    return None  # the lexicon changed under an old query: skip it
        return self._exprs[key]

    async def index_topics(self) -> Iterable[tuple[Hashable, TopicExpr]]:
        """Every active subscription as (sub_id, expression): the holder's loader. The
        walk over all of them (and resolving queries not seen before) runs on a worker
        thread: at 100,000 subscriptions it would hold the event loop for seconds."""
        self._dirty = set()
        try:
            subs = await self.storage.subscriptions.active()
            by_id, chat_subs, pairs = await asyncio.to_thread(self._walk, subs)
        finally:
            dirty, self._dirty = self._dirty, None
        # A chat that changed while the rows were read may be read as it was before:
        # its subscriptions are left out of the map until read again just below.
        for chat_id in dirty:
            for sub_id in chat_subs.pop(chat_id, set()):
                by_id.pop(sub_id, None)
        self.by_id, self._chat_subs = by_id, chat_subs
        if dirty:
            await self.chat_changed(*dirty)
        return pairs

    def _walk(
        self, subs: list[SubscriptionRecord]
    ) -> tuple[
        dict[int, SubscriptionRecord], dict[int, set[int]], list[tuple[Hashable, TopicExpr]]
    ]:
        """The maps of every subscription and each one's expression (a worker thread:
        it touches nothing the loop changes but the expression cache, whose entries are
        the same whoever computes them)."""
        by_id: dict[int, SubscriptionRecord] = {}
        chat_subs: dict[int, set[int]] = {}
        pairs: list[tuple[Hashable, TopicExpr]] = []
        for sub in subs:
            by_id[sub.sub_id] = sub
            chat_subs.setdefault(sub.chat_id, set()).add(sub.sub_id)
            expr = self.expr_of(sub)
            if expr is not None:
                pairs.append((sub.sub_id, expr))
        return by_id, chat_subs, pairs

    def _put(self, sub: SubscriptionRecord) -> None:
        old = self.by_id.get(sub.sub_id)
        if old is not None and old.chat_id != sub.chat_id:
            self._chat_subs.get(old.chat_id, set()).discard(sub.sub_id)
        self.by_id[sub.sub_id] = sub
        self._chat_subs.setdefault(sub.chat_id, set()).add(sub.sub_id)

    def _drop(self, sub_id: int) -> None:
        sub = self.by_id.pop(sub_id, None)
        if sub is not None:
            self._chat_subs.get(sub.chat_id, set()).discard(sub_id)
        self.holder.discard(sub_id)

    async def chat_changed(self, *chat_ids: int) -> None:
        """Chats whose subscriptions count differently now (stopped, removed the bot,
        came back, moved to a supergroup, changed a subscription's mode): read their
        subscriptions again. Nothing is rebuilt: gone topics stop counting at once, new
        ones are added to the index the cheap way (IndexHolder.add)."""
        if self._dirty is not None:
            self._dirty.update(chat_ids)
        fresh: list[SubscriptionRecord] = []
        for chat_id in chat_ids:
            chat = await self.storage.chats.get(chat_id)
            if chat is not None and chat.active:
                fresh += await self.storage.subscriptions.for_chat(chat_id)
        keep = {sub.sub_id for sub in fresh}
        for chat_id in chat_ids:
            for sub_id in self._chat_subs.pop(chat_id, set()) - keep:
                self._drop(sub_id)
        for sub in fresh:
            self._put(sub)
            expr = self.expr_of(sub)
            if expr is not None:
                await self.holder.add(sub.sub_id, expr, sub.chat_id)

    @cached_property
    def _names(self) -> dict[str, str]:
        """Folded catalog names and concept labels → how to show them, for suggestions."""
        names: dict[str, str] = {}
        for topic in self.lexicon.topics.values():
            names[fold(topic.name_de)] = topic.name_de
            names[fold(topic.name_en)] = topic.name_en
        for term in self.lexicon.concepts.values():
            for pattern in term.patterns:
                text = " ".join(pattern.words)
                names.setdefault(text, term.label_de)
        return names

    def suggestions(self, resolved: ResolvedQuery) -> list[str]:
        """Close lexicon names for the query's unknown words (misspellings)."""
        keywords = [t for t in resolved.expr.terms() if t.key.startswith("k:")]
        found: list[str] = []
        for term in keywords:
            for choice, _score, _index in process.extract(
                fold(term.label_de),
                self._names.keys(),
                scorer=fuzz.ratio,
                limit=3,
                score_cutoff=75,
            ):
                shown = self._names[choice]
                if shown not in found:
                    found.append(shown)
        return found[:4]

    # ---------------------------------------------------------------- actions
    async def subscribe(
        self, chat_id: int, text: str, confirmed: bool = False, language: str = "de"
    ) -> SubscribeOutcome:
        try:
            resolved = self.resolve(text)
        except QueryError as exc:
            return SubscribeOutcome("error", error=exc.code, error_detail=exc.detail)
        if await self.storage.subscriptions.count(chat_id) >= self.max_per_chat:
            return SubscribeOutcome("limit", resolved)
        # The typed query names the subscription (one per chat); its expansions widen
        # what it matches.
        canonical = resolved.expr.canonical()
        resolved = await self.expanded(resolved)
        recent = await self.count_recent(resolved.expr)
        only_keywords = all(t.key.startswith("k:") for t in resolved.expr.terms())
        if only_keywords and recent == 0 and not confirmed:
            hints = self.suggestions(resolved)
            if hints:
                return SubscribeOutcome("confirm", resolved, suggestions=hints)
        sub, created = await self.storage.subscriptions.add(
            chat_id,
            resolved.text,
            resolved.catalog_id,
            canonical,
            self.display_name(resolved, language),
            self.clock.now(),
            [(e.word, e.term) for e in resolved.expansions],
        )
        if self._dirty is not None:
            self._dirty.add(chat_id)
        self._put(sub)
        if created:
            await self.holder.add(sub.sub_id, resolved.expr, chat_id)
        else:  # the one subscribed before, with the expansions it kept
            kept = [Expansion(word, term) for word, term in sub.expansions]
            resolved = self.resolver.resolve(resolved.text, kept)
        return SubscribeOutcome("added" if created else "exists", resolved, sub, recent)

    async def expanded(self, resolved: ResolvedQuery) -> ResolvedQuery:
        """The query with its expansions, where there is a model to find them; a query
        the model fails on stays as typed."""
        if self.expand is None or resolved.catalog_id is not None:
            return resolved
        try:
            found = await asyncio.to_thread(self.expand, resolved.text)
        except Exception:  # words still match
            log.exception("expanding %r failed", resolved.text[:100])
            return resolved
        return self.resolver.resolve(resolved.text, found) if found else resolved

    @staticmethod
    def expansion_key(term: str) -> str:
        """A short, stable name of one expansion for a button (fits signed data)."""
        return format(zlib.crc32(term.encode("utf-8")), "x")

    async def drop_expansion(
        self, chat_id: int, sub_id: int, key: str
    ) -> tuple[SubscriptionRecord, str] | None:
        """Stop searching for one expansion of a subscription (the reader's tap in the
        preview): (the subscription now, the term dropped), or None when gone."""
        sub = await self.storage.subscriptions.get(sub_id)
        if sub is None or sub.chat_id != chat_id:
            return None
        dropped = [p for p in sub.expansions if self.expansion_key(p[1]) == key]
        if not dropped:
            return None
        kept = tuple(p for p in sub.expansions if p not in dropped)
        if not await self.storage.subscriptions.set_expansions(chat_id, sub_id, kept):
            return None
        sub = replace(sub, expansions=kept)
        if sub.sub_id in self.by_id:
            self._put(sub)
        expr = self.expr_of(sub)
        if expr is not None:
            # The narrower topic goes in beside; the full build that follows drops the
            # wider one (until then both match, as a removed topic does).
            self.holder.discard(sub.sub_id)
            await self.holder.add(sub.sub_id, expr, chat_id)
            self.holder.request(chat_id)
        return sub, dropped[0][1]

    def display_name(self, resolved: ResolvedQuery, language: str = "de") -> str:
        if resolved.catalog_id:
            return self.lexicon.topics[resolved.catalog_id].name(language)
        return resolved.display(language, with_hints=False)[:200]

    def topic_name(self, sub: SubscriptionRecord | SubscriptionName, language: str) -> str:
        topic = self.lexicon.topics.get(sub.catalog_id) if sub.catalog_id else None
        return topic.name(language) if topic is not None else sub.display

    async def unsubscribe(self, chat_id: int, reference: str) -> SubscriptionRecord | None:
        """By its number in /list, or by (a close match of) its name or query."""
        chosen = await self.find(chat_id, reference)
        if chosen is None:
            return None
        return chosen if await self.remove(chat_id, chosen.sub_id) else None

    async def find(self, chat_id: int, reference: str) -> SubscriptionRecord | None:
        """The subscription a reader means: its number in /list, or its name or query."""
        subs = await self.storage.subscriptions.for_chat(chat_id)
        chosen: SubscriptionRecord | None = None
        ref = reference.strip()
        if ref.isdigit() and 1 <= int(ref) <= len(subs):
            chosen = subs[int(ref) - 1]
        else:
            wanted = fold(ref)
            for sub in subs:
                names = {fold(sub.query), fold(sub.display)}
                topic = self.lexicon.topics.get(sub.catalog_id) if sub.catalog_id else None
                if topic is not None:
                    names |= {fold(topic.name_de), fold(topic.name_en), topic.id}
                if wanted in names:
                    chosen = sub
                    break
        return chosen

    async def remove(self, chat_id: int, sub_id: int) -> bool:
        removed = await self.storage.subscriptions.remove(chat_id, sub_id)
        if removed:
            if self._dirty is not None:
                self._dirty.add(chat_id)
            self._drop(sub_id)  # never a rebuild: matching skips what by_id lacks
        return removed

    async def toggle_catalog(
        self, chat_id: int, topic_id: str, language: str = "de"
    ) -> bool | None:
        """Subscribe to a catalog topic, or unsubscribe when on; None when unknown/limit."""
        topic = self.lexicon.topics.get(topic_id)
        if topic is None:
            return None
        for sub in await self.storage.subscriptions.for_chat(chat_id):
            if sub.catalog_id == topic_id or sub.canonical == topic.expr.canonical():
                await self.remove(chat_id, sub.sub_id)
                return False
        outcome = await self.subscribe(chat_id, topic.name_de, language=language)
        return True if outcome.status in {"added", "exists"} else None

    async def catalog_state(self, chat_id: int) -> set[str]:
        subs = await self.storage.subscriptions.for_chat(chat_id)
        canon = {s.canonical for s in subs}
        return {t.id for t in self.lexicon.topics.values() if t.expr.canonical() in canon}

    # ---------------------------------------------------------------- previews
    async def _recent_entries(self, limit: int) -> list[EntryRecord]:
        return await self.storage.entries.recent_news(self.clock.now() - RECENT_WINDOW, limit)

    def entries_changed(self) -> None:
        """New or edited entries were stored: counts and previews look again."""
        self.recent.entries_changed()

    async def count_recent(self, expr: TopicExpr) -> int:
        return await self.recent.count(expr)

    async def preview(self, text: str, limit: int = 5) -> tuple[ResolvedQuery, list[PreviewItem]]:
        resolved = self.resolve(text)
        found = await self.recent.first(resolved.expr, limit)
        return resolved, [PreviewItem(f.entry, f.spans) for f in found]
