"""The source catalog (seeds/sources.toml): what the bot can follow, and how readers see it.

Every source the bot polls belongs to one catalog entry: a configured URL that is not in
the catalog gets an entry of its own (its host as outlet and label), and a daily page
found by following belongs to the entry of the overview that found it. Readers choose
sources, and subscriptions are limited to sources, by catalog id.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from bot.seeds import seed_path
from bot.sources.follow import looks_like_path_pattern

ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,29}$")
MAX_SOURCES = 200  # a catalog is a short list readers scroll through
DEFAULT_FOLLOW_PATTERN = r"/newsticker/liveblog-ukraine-[a-z0-9-]+\.html"  # a whole path
DEFAULTS_WORD = "defaults"  # in LIVEBLOG_SOURCES: the catalog's defaults


class CatalogError(ValueError):
    """The catalog file or a configured source cannot be used; the message says why."""


def default_path() -> Path:
    """LIVEBLOG_CATALOG, else the source tree's seeds/, else ./seeds/ (the Docker image)."""
    return seed_path("LIVEBLOG_CATALOG", "sources.toml")


@dataclass(frozen=True, slots=True)
class CatalogSource:
    id: str
    outlet: str
    label_de: str
    label_en: str
    language: str
    url: str | None = None  # polled as it is
    follow: str | None = None  # an overview whose newest matching link is polled
    pattern: str | None = None
    format: str | None = None
    default: bool = False
    themes: tuple[tuple[str, str, str], ...] = ()  # (slug, German name, English name)
    interval_s: int | None = None  # polled at least this often (pages that keep few entries)

    @property
    def address(self) -> str:
        """The URL (or path) stored and polled for this entry."""
        address = self.follow or self.url
        assert address is not None  # checked when the entry was made
        return address

    def label(self, language: str, theme: str | None = None) -> str:
        base = self.label_en if language == "en" else self.label_de
        if not theme:
            return base
        for slug, name_de, name_en in self.themes:
            if slug == theme:
                return f"{self.outlet} · {name_en if language == 'en' else name_de}"
        return f"{self.outlet} · {theme.replace('-', ' ').title()}"


def _text(raw: dict[str, Any], key: str, where: str, required: bool = True) -> str | None:
    value = raw.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise CatalogError(f"{where}: '{key}' must be a non-empty string")
    return value.strip()


def _themes(raw: object, where: str) -> tuple[tuple[str, str, str], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise CatalogError(f"{where}: 'themes' must be a table")
    themes = []
    for slug, names in raw.items():
        if not isinstance(names, dict) or not isinstance(names.get("de"), str):
            raise CatalogError(f'{where}: theme {slug!r} needs de = "…" (and en)')
        themes.append((str(slug), names["de"], str(names.get("en") or names["de"])))
    return tuple(themes)


def _check_pattern(pattern: str, where: str) -> None:
    """A follow pattern compiles and can match a whole path (which starts with '/'): a
    bare word such as `liveblog-ukraine` would follow nothing, silently."""
    try:
        re.compile(pattern)
    except re.error as exc:
        raise CatalogError(f"{where}: bad pattern: {exc}") from exc
    if not looks_like_path_pattern(pattern):
        raise CatalogError(
            f"{where}: the pattern {pattern!r} must match a link's whole path, starting "
            f"with '/', e.g. {DEFAULT_FOLLOW_PATTERN}"
        )


def entry_from_toml(raw: dict[str, Any]) -> CatalogSource:
    where = f"source {raw.get('id')!r}"
    source_id = _text(raw, "id", where)
    assert source_id is not None
    if not ID.match(source_id):
        raise CatalogError(f"{where}: an id is [a-z0-9-], at most 30 characters")
    url, follow = _text(raw, "url", where, False), _text(raw, "follow", where, False)
    if (url is None) == (follow is None):
        raise CatalogError(f"{where}: give either 'url' or 'follow' (with 'pattern')")
    pattern = _text(raw, "pattern", where, follow is not None)
    if pattern is not None:
        _check_pattern(pattern, where)
    label_de = _text(raw, "label_de", where)
    assert label_de is not None
    return CatalogSource(
        id=source_id,
        outlet=_text(raw, "outlet", where) or source_id,
        label_de=label_de[:60],
        label_en=(_text(raw, "label_en", where, False) or label_de)[:60],
        language=_text(raw, "language", where, False) or "de",
        url=url,
        follow=follow,
        pattern=pattern,
        format=_text(raw, "format", where, False),
        default=bool(raw.get("default", False)),
        themes=_themes(raw.get("themes"), where),
        interval_s=_interval(raw.get("interval"), where),
    )


MIN_INTERVAL_S, MAX_INTERVAL_S = 15, 3600


def _interval(raw: object, where: str) -> int | None:
    if raw is None:
        return None
    if not isinstance(raw, int) or isinstance(raw, bool):
        raise CatalogError(f"{where}: 'interval' is a number of seconds")
    if not MIN_INTERVAL_S <= raw <= MAX_INTERVAL_S:
        raise CatalogError(
            f"{where}: 'interval' must be {MIN_INTERVAL_S} to {MAX_INTERVAL_S} seconds"
        )
    return raw


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:20] or "source"


def adhoc_entry(spec: str) -> CatalogSource:
    """A configured URL, path or `follow:<url>|<regex>` rule that the catalog lacks."""
    follow: str | None = None
    pattern: str | None = None
    url: str | None = spec
    if spec.startswith("follow:"):
        follow, _, pattern = spec.removeprefix("follow:").partition("|")
        url, pattern = None, pattern or DEFAULT_FOLLOW_PATTERN
        _check_pattern(pattern, f"LIVEBLOG_SOURCES: {spec!r}")
    address = follow or url or ""
    parsed = urlparse(address)
    if parsed.scheme in ("http", "https") and parsed.hostname:
        outlet = parsed.hostname.removeprefix("www.")
    else:
        outlet = Path(parsed.path or address).name or "liveblog"
    digest = hashlib.sha1(spec.encode("utf-8")).hexdigest()[:6]
    return CatalogSource(
        id=f"{_slug(outlet)}-{digest}",
        outlet=outlet[:40],
        label_de=outlet[:60],
        label_en=outlet[:60],
        language="de",
        url=url,
        follow=follow,
        pattern=pattern,
    )


def looks_like_address(spec: str) -> bool:
    return spec.startswith(("follow:", "http://", "https://", "file:", "/", "./", "../")) or (
        "/" in spec or "." in spec
    )


@dataclass(frozen=True)
class Catalog:
    entries: tuple[CatalogSource, ...]

    def get(self, source_id: str | None) -> CatalogSource | None:
        return next((e for e in self.entries if e.id == source_id), None)

    def defaults(self) -> list[CatalogSource]:
        return [e for e in self.entries if e.default]

    def resolve(self, specs: Sequence[str] | None) -> list[CatalogSource]:
        """What to follow: catalog ids and addresses from LIVEBLOG_SOURCES, or (unset)
        the catalog's defaults."""
        if specs is None:
            return self.defaults()
        chosen: list[CatalogSource] = []
        for spec in specs:
            if spec == DEFAULTS_WORD:  # the defaults and more: "defaults,https://…"
                chosen += [e for e in self.defaults() if all(c.id != e.id for c in chosen)]
                continue
            entry = self.get(spec)
            if entry is None and looks_like_address(spec):
                entry = adhoc_entry(spec)
            if entry is None:
                known = ", ".join(e.id for e in self.entries)
                raise CatalogError(
                    f"LIVEBLOG_SOURCES: {spec!r} is neither a catalog id ({known}), "
                    f"'{DEFAULTS_WORD}' nor a URL"
                )
            if all(e.id != entry.id for e in chosen):
                chosen.append(entry)
        return chosen

    def with_entries(self, extra: Iterable[CatalogSource]) -> Catalog:
        known = {e.id for e in self.entries}
        return Catalog(self.entries + tuple(e for e in extra if e.id not in known))


def parse_catalog(text: str) -> Catalog:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"the source catalog is not valid TOML: {exc}") from exc
    raw_sources = data.get("source", [])
    if not isinstance(raw_sources, list) or len(raw_sources) > MAX_SOURCES:
        raise CatalogError(f"the source catalog needs a list of at most {MAX_SOURCES} [[source]]")
    entries = [entry_from_toml(raw) for raw in raw_sources if isinstance(raw, dict)]
    ids = [e.id for e in entries]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise CatalogError(f"the source catalog repeats ids: {', '.join(duplicates)}")
    return Catalog(tuple(entries))


def load_catalog(path: Path) -> Catalog:
    try:
        return parse_catalog(path.read_text("utf-8"))
    except OSError as exc:
        raise CatalogError(f"cannot read the source catalog {path}: {exc.strerror}") from exc


@cache
def default_catalog() -> Catalog:
    return load_catalog(default_path())


def resolve_configured(
    path: Path | None, specs: Sequence[str] | None
) -> tuple[Catalog, list[CatalogSource]]:
    """The catalog (with entries for configured addresses it lacks) and what to follow."""
    catalog = load_catalog(path) if path is not None else default_catalog()
    followed = catalog.resolve(specs)
    return catalog.with_entries(followed), followed
