"""A digest message: the day's matches grouped by topic, newest first, <= 4096 chars.

An entry matching several topics is listed under the first of them and referenced
under the others ("→ siehe Kiew"), not repeated. When any listed entry is a report
of a party to the conflict, a footer says such claims cannot be verified.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from bot import texts
from bot.bounded import BoundedDict
from bot.delivery.fit import clip, join_capped, shorten, size
from bot.delivery.render import (
    SOURCE_UNITS,
    TITLE_UNITS,
    TOPIC_UNITS,
    _link,
    cut_at_sentence,
    esc,
    matched_paragraph,
    opening_words,
    split_messages,
)

LINE_CHARS = 220
COUNTS_UNITS = 600  # the header's "Kiew 3 · Drohnen 2 …" line
# Entry lines kept for the next digests (thousands of digests list the same day's entries).
# Bounded in count, and the key holds a hash of the entry's text, not the text itself:
# an lru_cache keyed on the whole body kept every long entry alive. Each line is kept
# with its size (what packing the messages adds up) and the entry's facts: one look-up
# an item.
LINE_CACHE_ITEMS = 4096
LINE_CACHE_TTL_S = 26 * 3600.0


class Shown(NamedTuple):
    """What a digest shows of one item, cached: its line (HTML) and the line's size; the
    heading a reference to it shows and that heading's size; whether the entry reports a
    party's claim."""

    line: str
    line_size: int
    heading: str
    heading_size: int
    claim: bool


_LINES: BoundedDict[tuple[object, ...], Shown] = BoundedDict(LINE_CACHE_ITEMS, LINE_CACHE_TTL_S)
# What every digest shows of an entry whatever the chat (its reference heading and that
# heading's size, whether it reports a party's claim), under the same bounds and key.
_FACTS: BoundedDict[tuple[object, ...], tuple[str, int, bool]] = BoundedDict(
    LINE_CACHE_ITEMS, LINE_CACHE_TTL_S
)
# A reference line is "• <i>{heading}</i> {see}": the size of what surrounds the two.
REFERENCE_UNITS = size("• <i></i> ")
# Topic names repeat across thousands of digests; names are short (capped queries).
NAME_CACHE_ITEMS = 2048

# Wording that marks a report as a claim of a party to the conflict.
PARTY_CLAIMS = (
    "nach ukrainischen angaben",
    "nach russischen angaben",
    "ukrainischen angaben",
    "russischen angaben",
    "verteidigungsministerium",
    "generalstab",
    "militärverwaltung",
    "teilte mit",
    "meldet",
    "gab an",
    "according to",
    "claimed",
    "ministry of defence",
)


class DigestItem(NamedTuple):
    """One entry in one chat's digest. A tuple, not a dataclass: a tick of 10,000 chats
    makes 250,000 of them (a frozen dataclass took 1.8 µs each, a tuple 0.3)."""

    entry_id: int
    topics: tuple[str, ...]  # in the chat's subscription order
    title: str | None
    text: str
    url: str | None
    published: datetime | None
    spans: tuple[tuple[str, int, int], ...]
    source: str = ""  # the catalog's label ("n-tv · Ukraine-Ticker")


def _t(language: str, key: str, **values: str | int) -> str:
    """Catalogue texts: the values are escaped there, the result is HTML. The same few
    (counts, "part 2 of 3", the footer) recur in every digest of a tick: cached."""
    return _catalogue_text(language, key, tuple(values.items()))


@lru_cache(maxsize=NAME_CACHE_ITEMS)
def _catalogue_text(language: str, key: str, values: tuple[tuple[str, str | int], ...]) -> str:
    return texts.text(language, f"digest_{key}", **dict(values))


def mentions_party_claim(text: str) -> bool:
    lowered = text.casefold()
    return any(marker in lowered for marker in PARTY_CLAIMS)


def _line(item: DigestItem, zone: ZoneInfo, language: str) -> Shown:
    """What a digest shows of the item, cached (the entry id and a digest of everything
    shown keep an edited entry's new text from meeting an old line)."""
    # Python's str hash is computed once per string object and the day's entries are
    # shared by every chat's items, so this costs next to nothing per digest line.
    content = hash((item.title, item.text, item.url, item.spans, item.source))
    key = (item.entry_id, content, item.published, zone.key, language)
    line = _LINES.get(key)
    if line is None:
        html = _entry_line(
            item.title, item.text, item.url, item.published, item.spans, zone, language, item.source
        )
        line = Shown(html, size(html), *_facts(item))
        _LINES.set(key, line)
    return line


def _facts(item: DigestItem) -> tuple[str, int, bool]:
    """(the heading a reference to the entry shows, its size, whether the entry reports
    a party's claim), cached like the lines: scanning a long body for claims in every
    digest added up."""
    key = (item.entry_id, hash((item.title, item.text)))
    facts = _FACTS.get(key)
    if facts is None:
        heading = clip(item.title or opening_words(item.text, 6), TITLE_UNITS)
        claim = mentions_party_claim(f"{item.title or ''} {item.text}")
        facts = (heading, size(heading), claim)
        _FACTS.set(key, facts)
    return facts


@lru_cache(maxsize=NAME_CACHE_ITEMS)
def _topic_label(name: str) -> str:
    return clip(name, TOPIC_UNITS)


@lru_cache(maxsize=NAME_CACHE_ITEMS)
def _section_head(name: str) -> tuple[str, int]:
    head = f"<b>🏷 {_topic_label(name)}</b>"
    return head, size(head)


@lru_cache(maxsize=64)
def _heading(language: str, now: datetime, zone: ZoneInfo) -> str:
    """The digest's first line: the same for every chat of a tick in a zone."""
    return _t(language, "header", date=texts.moment(language, now, zone, "date"))


@lru_cache(maxsize=NAME_CACHE_ITEMS)
def _see(language: str, home: str) -> tuple[str, int]:
    see = _t(language, "see", topic=shorten(home, TOPIC_UNITS))
    return see, size(see)


def _entry_line(
    title: str | None,
    text: str,
    url: str | None,
    published: datetime | None,
    spans: tuple[tuple[str, int, int], ...],
    zone: ZoneInfo,
    language: str,
    source: str = "",
) -> str:
    when = published.astimezone(zone).strftime("%H:%M") if published else "–"
    paragraph, _spans = matched_paragraph(text, spans)
    snippet = cut_at_sentence(paragraph.split("\n", 1)[0], LINE_CHARS)
    link = " · ".join(
        p for p in (_link(url, _t(language, "open")), clip(source, SOURCE_UNITS)) if p
    )
    # Without a title the line starts with the text itself (no opening words twice).
    head = f"• {when} <b>{clip(title, TITLE_UNITS)}</b>\n" if title else f"• {when} "
    return f"{head}{esc(snippet)}" + (f" {link}" if link else "")


def _blocks(
    names: Sequence[str],
    sections: dict[str, list[Shown]],
    references: dict[str, list[tuple[Shown, str]]],
    language: str,
) -> tuple[list[str], list[int]]:
    """The topic sections as blocks to pack, with their sizes added up from the cached
    lines' (measuring every block again cost a third of a digest)."""
    blocks: list[str] = []
    sizes: list[int] = []
    for name in names:
        head, head_size = _section_head(name)
        lines, units = [head], [head_size]
        for shown in sections.get(name, []):
            lines.append(shown.line)
            units.append(shown.line_size)
        for shown, home in references.get(name, []):
            see, see_size = _see(language, home)
            lines.append(f"• <i>{shown.heading}</i> {see}")
            units.append(REFERENCE_UNITS + shown.heading_size + see_size)
        # A topic section is one block; a huge one is split into entry-sized blocks.
        block = "\n".join(lines)
        if len(block) <= 3500:
            blocks.append(block)
            sizes.append(sum(units) + len(lines) - 1)  # and a newline between lines
        else:
            blocks.extend(lines)
            sizes.extend(units)
    return blocks, sizes


def build_digest(
    items: Sequence[DigestItem],
    topic_order: Sequence[str],
    zone: ZoneInfo,
    language: str,
    now: datetime,
    since: datetime,
) -> list[str]:
    if not items:
        return [_t(language, "empty", since=texts.moment(language, since, zone))]
    order = {name: i for i, name in enumerate(topic_order)}
    last = len(order)  # topics not in the order go after the others, as they come
    sections: dict[str, list[Shown]] = {}
    references: dict[str, list[tuple[Shown, str]]] = {}
    claims = False
    for item in sorted(items, key=lambda i: i.published or now, reverse=True):
        shown = _line(item, zone, language)  # the one cache look-up for the item
        claims = claims or shown.claim
        topics = item.topics
        # Most items name one or two topics: ranked without a sort (250,000 a tick).
        if len(topics) == 2:
            first, second = topics
            if order.get(second, last) < order.get(first, last):
                topics = (second, first)
        elif len(topics) > 2:
            topics = tuple(sorted(topics, key=lambda t: order.get(t, last)))
        home = topics[0]
        sections.setdefault(home, []).append(shown)
        for other in topics[1:]:
            references.setdefault(other, []).append((shown, home))
    names = sorted(set(sections) | set(references), key=lambda t: order.get(t, last))
    tallies = [len(sections.get(name, [])) + len(references.get(name, [])) for name in names]
    counts = join_capped(
        [f"{_topic_label(name)} {n}" for name, n in zip(names, tallies, strict=True)],
        " · ",
        COUNTS_UNITS,
    )
    header = (
        _heading(language, now, zone)
        + "\n"
        + _t(language, "counts", count=len(items))
        + ": "
        + counts
    )
    blocks, sizes = _blocks(names, sections, references, language)
    if claims:
        footer = _t(language, "footer")
        blocks.append(footer)
        sizes.append(size(footer))
    messages = split_messages(header, blocks, continued="🗞 …", sizes=sizes)
    if len(messages) > 1:
        messages = [
            m.replace("🗞 …", _t(language, "more", part=i + 1, parts=len(messages)), 1) if i else m
            for i, m in enumerate(messages)
        ]
    return messages
