"""The topic lexicon (seeds/topics.toml): concepts with aliases, and catalog topics."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from bot.matching.expr import Clause, RoleAlias, Term, TopicExpr
from bot.matching.normalize import fold
from bot.matching.patterns import Pattern, Right, english_forms, name_patterns, parse_alias
from bot.seeds import seed_path

# Concepts whose plain one-word aliases are names of places: they take adjective and
# demonym forms and start compounds ("Gaza" → Gazastreifen, israelische, Kiewer).
PLACE_KINDS = frozenset({"place", "country"})

# More lexicon files (one per news domain) in topics.d/ beside the main file, read
# after it in name order; an id defined twice is an error.
EXTRA_DIR = "topics.d"
OTHER_THEME = "other"


def default_path() -> Path:
    """LIVEBLOG_LEXICON, else the source tree's seeds/, else ./seeds/ (the Docker image)."""
    return seed_path("LIVEBLOG_LEXICON", "topics.toml")


class LexiconError(ValueError):
    pass


@dataclass(frozen=True)
class CatalogTopic:
    id: str
    name_de: str
    name_en: str
    section: str
    expr: TopicExpr
    theme: str = OTHER_THEME

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_de


@dataclass(frozen=True)
class Theme:
    """A group of catalog topics for the buttons ("Naher Osten", "Naturkatastrophen")."""

    id: str
    name_de: str
    name_en: str

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_de


@dataclass(frozen=True)
class Lexicon:
    concepts: dict[str, Term]
    topics: dict[str, CatalogTopic]
    people: frozenset[str] = frozenset()  # concept ids that name a person
    # Offices as terms of their own ("US-Präsident"): the role words, and each holder's
    # names while they held it. What a query naming the office asks for.
    roles: dict[str, Term] = field(default_factory=dict)
    themes: dict[str, Theme] = field(default_factory=dict)  # in catalog order

    def topics_of(self, theme: str) -> list[CatalogTopic]:
        return [t for t in self.topics.values() if t.theme == theme]

    def topic_by_name(self, name: str) -> CatalogTopic | None:
        """A catalog topic by its id or its German or English name (case/accents folded)."""
        wanted = _fold_phrase(name)
        for topic in self.topics.values():
            if wanted in {
                _fold_phrase(topic.id),
                _fold_phrase(topic.name_de),
                _fold_phrase(topic.name_en),
            }:
                return topic
        return None


def _fold_phrase(text: str) -> str:
    return " ".join(fold(part) for part in text.replace("-", " ").split())


def _plain_word(pattern: Pattern) -> bool:
    return len(pattern.words) == 1 and not pattern.left_any and pattern.right is Right.INFLECT


def _concept(concept_id: str, body: dict[str, Any]) -> Term:
    aliases = body.get("aliases", [])
    adjectives = body.get("adjectives", [])
    members = body.get("members", [])
    if not all(isinstance(x, list) for x in (aliases, adjectives, members)):
        raise LexiconError(f"concept {concept_id!r}: aliases, adjectives, members are lists")
    if not aliases and not members:
        raise LexiconError(f"concept {concept_id!r} has no aliases")
    named = body.get("kind") in PLACE_KINDS
    patterns: list[Pattern] = []
    member_patterns: list[Pattern] = []
    for alias in [*aliases, *adjectives, *members]:
        pattern = parse_alias(str(alias))
        if pattern is None:
            raise LexiconError(f"concept {concept_id!r}: alias {alias!r} has no words")
        if named and _plain_word(pattern) and alias not in adjectives:
            forms = name_patterns(pattern.words[0])
        else:
            forms = [pattern, *english_forms(pattern)]
        patterns.extend(forms)
        if alias in members:
            member_patterns.extend(forms)
    label = str(body.get("de", concept_id))
    shown = dict.fromkeys(str(a).strip("=*") for a in [*aliases, *members])
    hint = tuple(a for a in shown if a.casefold() != label.casefold())[:3]
    vetoes = []
    for phrase in body.get("veto", []):
        veto = parse_alias(str(phrase))
        if veto is None:
            raise LexiconError(f"concept {concept_id!r}: veto {phrase!r} has no words")
        vetoes.append(veto)
    return Term(
        members=tuple(dict.fromkeys(member_patterns)),
        kind=str(body.get("kind", "")),
        scope=str(body.get("scope", "")),
        vetoes=tuple(vetoes),
        key=f"c:{concept_id}",
        label_de=str(body.get("de", concept_id)),
        label_en=str(body.get("en", body.get("de", concept_id))),
        patterns=tuple(dict.fromkeys(patterns)),
        hint=hint,
    )


def parse_clause(text: str, concepts: dict[str, Term], where: str) -> Clause:
    """'a & b|c & !d' → all of a, (b or c); none of d."""
    required: list[tuple[Term, ...]] = []
    excluded: list[Term] = []

    def lookup(name: str) -> Term:
        term = concepts.get(name.strip())
        if term is None:
            raise LexiconError(f"{where}: unknown concept {name.strip()!r}")
        return term

    for part in text.split("&"):
        part = part.strip()
        if part.startswith("!"):
            excluded.append(lookup(part[1:]))
        elif part:
            required.append(tuple(lookup(name) for name in part.split("|")))
    if not required:
        raise LexiconError(f"{where}: a clause needs at least one concept")
    return Clause(tuple(required), tuple(excluded))


def _day(value: Any, where: str) -> date | None:
    if value is None or (isinstance(value, date) and not hasattr(value, "hour")):
        return value
    raise LexiconError(f"{where}: dates are written 2025-01-20")


def _attach_roles(
    concepts: dict[str, Term], roles: dict[str, Any]
) -> tuple[dict[str, Term], dict[str, Term]]:
    """[roles.<id>]: aliases of an office, and who held it when. Each holder concept
    gets the aliases with its dates, so "der Kanzler" is Scholz in 2024, Merz in 2025;
    and the office becomes a term of its own (role words, holders' names in office)."""
    attached: dict[str, list[RoleAlias]] = {}
    role_terms: dict[str, Term] = {}
    for role_id, body in roles.items():
        where = f"role {role_id!r}"
        patterns = [parse_alias(str(alias)) for alias in body.get("aliases", [])]
        if not patterns or any(p is None for p in patterns):
            raise LexiconError(f"{where} needs aliases with words")
        holders = body.get("holders")
        if not isinstance(holders, list) or not holders:
            raise LexiconError(f"{where} has no holders")
        in_office: list[RoleAlias] = []
        scope = str(body.get("scope", ""))
        for holder in holders:
            concept = str(holder.get("concept", ""))
            if concept not in concepts:
                raise LexiconError(f"{where}: unknown concept {concept!r}")
            start = _day(holder.get("valid_from"), where)
            end = _day(holder.get("valid_to"), where)
            attached.setdefault(concept, []).extend(
                RoleAlias(p, start, end, scope=scope) for p in patterns if p is not None
            )
            in_office.extend(
                RoleAlias(p, start, end, name=True) for p in concepts[concept].patterns
            )
        label = str(body.get("de", role_id))
        role_terms[role_id] = Term(
            key=f"r:{role_id}",
            label_de=label,
            label_en=str(body.get("en", label)),
            patterns=(),
            hint=tuple(dict.fromkeys(concepts[str(h["concept"])].label_de for h in holders))[:3],
            roles=tuple(RoleAlias(p, scope=scope) for p in patterns if p is not None)
            + tuple(in_office),
            kind="role",
        )
    updated = {
        cid: replace(term, roles=term.roles + tuple(attached[cid])) if cid in attached else term
        for cid, term in concepts.items()
    }
    return updated, role_terms


def _themes(data: dict[str, Any]) -> tuple[dict[str, Theme], dict[str, str]]:
    """The themes, and the theme of each topic a theme lists as its member."""
    themes: dict[str, Theme] = {}
    member_of: dict[str, str] = {}
    for theme_id, body in data.get("themes", {}).items():
        themes[theme_id] = Theme(
            theme_id, str(body.get("de", theme_id)), str(body.get("en", theme_id))
        )
        for topic_id in body.get("topics", []):
            member_of[str(topic_id)] = theme_id
    themes.setdefault(OTHER_THEME, Theme(OTHER_THEME, "Weitere Themen", "More topics"))
    return themes, member_of


def _heads_decide(concepts: dict[str, Term], bodies: dict[str, Any]) -> dict[str, Term]:
    """For each word-start alias ("waffe*"), the whole words other concepts own that it
    would otherwise reach ("Waffenruhe", "Waffenstillstand" are a ceasefire), plus the
    concept's listed `not_heads` ("waffe*" + "ruhe" is no weapon)."""
    stems = {
        cid: [
            p.words[0]
            for p in term.patterns
            if len(p.words) == 1 and not p.left_any and p.right is Right.ANY
        ]
        for cid, term in concepts.items()
    }
    owned = [
        (cid, p)
        for cid, term in concepts.items()
        for p in term.patterns
        if len(p.words) == 1 and not p.left_any and p.right is not Right.EXACT
    ]
    updated: dict[str, Term] = {}
    for cid, term in concepts.items():
        blocked = [
            p
            for other, p in owned
            if other != cid
            and any(p.words[0].startswith(s) and len(p.words[0]) > len(s) + 2 for s in stems[cid])
        ]
        for head in bodies.get(cid, {}).get("not_heads", []):
            blocked.extend(Pattern((s + fold(str(head)),), False, Right.ANY) for s in stems[cid])
            blocked.extend(
                Pattern((s + link + fold(str(head)),), False, Right.ANY)
                for s in stems[cid]
                for link in ("n", "s", "en", "es")
            )
        updated[cid] = replace(term, not_in=tuple(dict.fromkeys(blocked))) if blocked else term
    return updated


def parse_lexicon(data: dict[str, Any]) -> Lexicon:
    concepts = {cid: _concept(cid, body) for cid, body in data.get("concepts", {}).items()}
    concepts = _heads_decide(concepts, data.get("concepts", {}))
    concepts, roles = _attach_roles(concepts, data.get("roles", {}))
    themes, member_of = _themes(data)
    topics: dict[str, CatalogTopic] = {}
    for topic_id, body in data.get("topics", {}).items():
        clauses = body.get("match")
        if not isinstance(clauses, list) or not clauses:
            raise LexiconError(f"topic {topic_id!r} has no match")
        expr = TopicExpr(
            tuple(parse_clause(str(c), concepts, f"topic {topic_id!r}") for c in clauses)
        )
        topics[topic_id] = CatalogTopic(
            id=topic_id,
            name_de=str(body.get("de", topic_id)),
            name_en=str(body.get("en", body.get("de", topic_id))),
            section=str(body.get("section", "other")),
            expr=expr,
            theme=str(body.get("theme") or member_of.get(topic_id, OTHER_THEME)),
        )
        if topics[topic_id].theme not in themes:
            raise LexiconError(f"topic {topic_id!r}: unknown theme {topics[topic_id].theme!r}")
    people = frozenset(
        cid for cid, body in data.get("concepts", {}).items() if body.get("kind") == "person"
    )
    used = {t.theme for t in topics.values()}
    themes = {tid: theme for tid, theme in themes.items() if tid in used}
    return Lexicon(concepts, topics, people, roles=roles, themes=themes)


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise LexiconError(f"cannot read the lexicon {path}: {exc}") from exc


def load_lexicon(path: Path | None = None) -> Lexicon:
    """The main file, then every topics.d/*.toml beside it, merged table by table."""
    target = path or default_path()
    data = _read(target)
    extra = target.parent / EXTRA_DIR
    for part in sorted(extra.glob("*.toml")) if extra.is_dir() else ():
        for table, entries in _read(part).items():
            if not isinstance(entries, dict):
                raise LexiconError(f"{part.name}: {table!r} must be a table")
            merged = data.setdefault(table, {})
            for key, body in entries.items():
                if key in merged:
                    raise LexiconError(f"{part.name}: {table}.{key} is defined twice")
                merged[key] = body
    return parse_lexicon(data)


@cache
def default_lexicon() -> Lexicon:
    return load_lexicon()
