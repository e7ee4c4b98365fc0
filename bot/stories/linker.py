"""Linking a new entry to the story another outlet reported shortly before it.

For each new news entry the linker reads the recent entries of the other sources (a
bounded number, and only the lead of each), groups them by story, and asks of each
story's FIRST report whether the new entry is the same development (judge.py): never
of a member, so one wrong link cannot snowball. The comparison runs in a worker thread
(signatures and embeddings cost CPU); what each entry yields is kept in a bounded
cache, since the same recent entries are candidates for many new ones.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from bot import embeddings
from bot.stories.judge import STORY_LIFE_S, Report, Verdict, facts_allow, judge
from bot.stories.signature import signature
from bot.stories.similarity import _STOP, fingerprint
from storage.interfaces import Storage
from storage.records import EntryRecord, StoryCandidate

# Whether a merge may leave a report's own alert out. Measured on real multi-outlet
# streams (issue 20), the old merger linked distinct developments (a new toll, a
# reaction, a second wave) into older alerts: a wrong merge hides news. Until the
# merger meets the acceptance on held-out real streams (pairwise precision >= 0.97,
# <= 1 wrong merge per 100 entries), every report keeps its own alert and a merge only
# adds "auch bei".
MERGE_HIDES_ALERTS = False

CANDIDATES = 300  # recent entries of other sources read for one new entry
MAX_STORIES = 40  # stories whose first report is embedded for one new entry
CACHE_SIZE = 5_000
EMBED_CHARS = 600  # the headline and the lead's first sentences: what happened
EXPLAINED = 12  # stories an explanation lists (the closest first)


def report_text(title: str | None, lead: str) -> str:
    """What is embedded: the headline and the start of the lead, EMBED_CHARS in all."""
    title = " ".join((title or "").split())[:EMBED_CHARS]
    text = f"{title}. {' '.join(lead[: 2 * EMBED_CHARS].split())}" if title else lead
    return text[:EMBED_CHARS]


def make_report(entry_id: int, outlet: str, at: datetime, title: str | None, lead: str) -> Report:
    return Report(
        entry_id=entry_id,
        outlet=outlet,
        at=at,
        text=report_text(title, lead),
        words=fingerprint(title, lead),
        facts=signature(title, lead, _STOP),
    )


class ReportCache:
    """Reports of recent entries by id (bounded; the oldest go first)."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self._size = size
        self._reports: OrderedDict[int, Report] = OrderedDict()

    def get(self, key: int, make: Callable[[], Report]) -> Report:
        found = self._reports.get(key)
        if found is None:
            found = make()
            self._reports[key] = found
            if len(self._reports) > self._size:
                self._reports.popitem(last=False)
        else:
            self._reports.move_to_end(key)
        return found


@dataclass(frozen=True, slots=True)
class Link:
    story: int | None  # the first entry of the story the entry joins, or None
    explain: dict[str, Any]


def _vector(report: Report) -> Any:
    # e5's "query: " side for both reports: the model's recipe for symmetric similarity
    # (paraphrase, bitext). Measured on the dev streams it separates one development from
    # another better than passage against passage (pairwise precision at recall 0.4 of
    # cosine alone 0.94 against 0.81).
    if report.vector is None:
        report.vector = embeddings.queries([report.text])[0]
    return report.vector


def best_story(
    new: Report, stories: dict[int, tuple[Report, list[Report]]], explain: bool = False
) -> Link:
    """The story whose first report the new one repeats, judged directly against it."""
    verdicts: list[tuple[int, Verdict]] = []
    allowed: list[tuple[int, Report, list[Report]]] = []
    for root_id, (root, members) in stories.items():
        refused = facts_allow(new, root, members)
        if refused is None:
            allowed.append((root_id, root, members))
        elif explain:
            verdicts.append((root_id, refused))
    # The closest in time first: the bound on embeddings keeps the likeliest stories.
    allowed.sort(key=lambda s: abs((new.at - s[1].at).total_seconds()))
    best: tuple[float, int] | None = None
    for root_id, root, members in allowed[:MAX_STORIES]:
        cosine = float(embeddings.cosine(_vector(new)[None, :], _vector(root)[None, :])[0, 0])
        verdict = judge(new, root, members, cosine)
        verdicts.append((root_id, verdict))
        if verdict.same and (best is None or cosine > best[0]):
            best = (cosine, root_id)
    why: dict[str, Any] = {}
    if explain:
        ranked = sorted(verdicts, key=lambda v: -(v[1].cosine or -1.0))[:EXPLAINED]
        why = {"compared": [{"story": s, **v.explain()} for s, v in ranked]}
    return Link(best[1] if best else None, why)


OutletName = Callable[[str], str | None]  # catalog id → the outlet's name


class StoryLinker:
    def __init__(self, storage: Storage, outlet_name: OutletName | None = None) -> None:
        self.storage = storage
        self._outlet_name = outlet_name
        self._outlets: dict[int, str] = {}
        self._cache = ReportCache()
        self.explanations: dict[int, dict[str, Any]] = {}  # filled when `explain` is set
        self.explain = False

    async def outlet(self, source_id: int) -> str:
        """A source's outlet: its catalog entry's outlet ("tagesschau" for every
        tagesschau entry), else its follow rule, else itself. Every page of one follow
        rule is one outlet: a daily page's successor is never "another outlet"."""
        found = self._outlets.get(source_id)
        if found is None:
            found = f"source:{source_id}"
            record = await self.storage.sources.get(source_id)
            if record is not None and record.catalog_id:
                name = self._outlet_name(record.catalog_id) if self._outlet_name else None
                found = f"outlet:{name.casefold()}" if name else f"catalog:{record.catalog_id}"
            elif record is not None:
                found = f"source:{record.parent_id or record.source_id}"
            if len(self._outlets) > 10_000:
                self._outlets.clear()
            self._outlets[source_id] = found
        return found

    async def link(self, entries: Sequence[EntryRecord]) -> dict[int, int]:
        """Entry id → story id for the new entries that repeat another outlet's story."""
        window = timedelta(seconds=STORY_LIFE_S)
        work: list[tuple[EntryRecord, str, list[tuple[StoryCandidate, str]]]] = []
        for entry in entries:
            if entry.kind != "news":
                continue
            at = entry.published_at or entry.first_seen_at
            found = await self.storage.stories.candidates(
                at - window, at + window, entry.source_id, CANDIDATES
            )
            own = await self.outlet(entry.source_id)
            # Only entries stored before this one can be its story's first report.
            earlier = [
                (c, await self.outlet(c.source_id)) for c in found if c.entry_id < entry.entry_id
            ]
            work.append((entry, own, earlier))
        if not any(candidates for _, _, candidates in work):
            return {}
        links = await asyncio.to_thread(self._compare, work)
        await self.storage.stories.set_stories(list(links.items()))
        return links

    def _report(self, candidate: StoryCandidate, outlet: str) -> Report:
        c = candidate
        return self._cache.get(
            c.entry_id, partial(make_report, c.entry_id, outlet, c.at, c.title, c.lead)
        )

    def _compare(
        self, work: list[tuple[EntryRecord, str, list[tuple[StoryCandidate, str]]]]
    ) -> dict[int, int]:
        links: dict[int, int] = {}
        for entry, own, candidates in work:
            at = entry.published_at or entry.first_seen_at
            new = self._cache.get(
                entry.entry_id,
                partial(make_report, entry.entry_id, own, at, entry.title, entry.body),
            )
            # Group by story; a link made earlier in this batch counts as stored.
            by_id = {c.entry_id: (c, outlet) for c, outlet in candidates}
            stories: dict[int, tuple[Report, list[Report]]] = {}
            for candidate, outlet in candidates:
                root_id = links.get(candidate.entry_id) or candidate.story_id
                if root_id is None:
                    stories.setdefault(candidate.entry_id, (self._report(candidate, outlet), []))
                    continue
                if root_id not in by_id:
                    continue  # its first report is past the story's life
                _root, members = stories.setdefault(root_id, (self._report(*by_id[root_id]), []))
                members.append(self._report(candidate, outlet))
            link = best_story(new, stories, self.explain) if stories else Link(None, {})
            if self.explain:
                self.explanations[entry.entry_id] = link.explain
            if link.story is not None:
                links[entry.entry_id] = link.story
        return links
