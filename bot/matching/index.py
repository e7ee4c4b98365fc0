"""One Aho-Corasick automaton over every alias and keyword of every active topic.

Cost per entry grows with the hits, not with the number of subscriptions: the scan
is one C call over the entry's folded words; each clause is registered under its
rarest group of terms and is only evaluated when one of those terms was hit.
Identical topics share one expression (deduplicated by canonical form).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import ahocorasick

from bot.matching.aboutness import meaning_needed
from bot.matching.document import Document, prepare
from bot.matching.expr import Clause, RoleAlias, Term, TopicExpr
from bot.matching.meaning import MeaningLayer, Thresholds
from bot.matching.normalize import fold
from bot.matching.patterns import INFLECTIONS, Pattern, Right, tail_ok
from bot.matching.places import default_places
from bot.matching.places_in_text import anaphors, speaks
from bot.matching.roles import role_stands
from bot.matching.scope import foreign
from bot.matching.sense import not_the_topic, sports_report, sporty, team_names

PLACE = "place"  # a city or region: a target of attacks, spoken for by its government
ATTACK = "attack"  # air raids, drones, missiles: need the place as target in the clause
# Concepts that are names: written with a capital wherever they stand for themselves.
NAME_KINDS = frozenset({PLACE, "country", "person"})


@dataclass(frozen=True, slots=True)
class Span:
    field: str  # "title" or "text"
    start: int
    end: int
    term: str  # the term's key, e.g. "c:kyiv"


Proof = list[tuple[int, "Hit"]]  # (term id, occurrence) pairs that satisfied a clause


class TopicMatch:
    """One matched topic expression and every subscription (topic key) that shares it.

    Spans are computed on first use: most matches of a large index are never shown.
    """

    __slots__ = ("_doc", "_proof", "_spans", "_terms", "expr", "topics")

    def __init__(
        self, expr: int, topics: list[Hashable], proof: Proof, doc: Document, terms: list[Term]
    ) -> None:
        self.expr, self.topics = expr, topics
        self._proof, self._doc, self._terms = proof, doc, terms
        self._spans: tuple[Span, ...] | None = None

    def narrowed(self, topics: list[Hashable]) -> TopicMatch:
        """The same match for fewer of its topics (the others were removed)."""
        match = TopicMatch(self.expr, topics, self._proof, self._doc, self._terms)
        match._spans = self._spans
        return match

    @property
    def spans(self) -> tuple[Span, ...]:
        if self._spans is None:
            tokens = self._doc.tokens
            found = {
                Span(
                    tokens[first].field,
                    tokens[first].start,
                    tokens[last].end,
                    self._terms[term_id].key,
                )
                for term_id, (first, last) in self._proof
            }
            self._spans = tuple(sorted(found, key=lambda s: (s.field != "title", s.start)))
        return self._spans


@dataclass
class _Clause:
    expr: int
    groups: tuple[frozenset[int], ...]
    excluded: frozenset[int]
    # A place and an attack: they must meet in one clause ("Während Baerbock in Kiew
    # sprach, meldete Charkiw einen Drohnenangriff" is no attack on Kiew), or the
    # place in the title and the attack in the text.
    targeted: bool = False


Hit = tuple[int, int]  # first and last token index of one occurrence


@dataclass
class TopicIndex:
    """Immutable once built; rebuild (off the event loop) and swap to change it."""

    terms: list[Term] = field(default_factory=list)
    term_ids: dict[str, int] = field(default_factory=dict)
    patterns: list[tuple[int, Pattern]] = field(default_factory=list)
    automaton: ahocorasick.Automaton | None = None
    exprs: list[TopicExpr] = field(default_factory=list)
    expr_ids: dict[str, int] = field(default_factory=dict)
    expr_topics: list[list[Hashable]] = field(default_factory=list)
    clauses: list[_Clause] = field(default_factory=list)
    triggers: dict[int, list[int]] = field(default_factory=dict)
    # Clauses of two or more groups, keyed by the rarest group's terms and then by the
    # second rarest's: a candidate needs both hit, found by one C-level set intersection.
    pair_triggers: dict[int, dict[int, list[int]]] = field(default_factory=dict)
    rarity: Mapping[str, float] = field(default_factory=dict)
    roles: dict[int, RoleAlias] = field(default_factory=dict)  # by pattern id
    # Clauses of two or more groups by each of their terms: an entry that names part of
    # such a topic is a candidate the meaning layer may confirm ("Kämpfe im Sudan" for
    # "Krieg im Sudan").
    partial_triggers: dict[int, list[int]] = field(default_factory=dict)
    meaning: MeaningLayer | None = None
    # What readers typed, by expression: the meaning layer's input (extend_meaning).
    phrasings: dict[int, list[str]] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        topics: Iterable[tuple[Hashable, TopicExpr]],
        rarity: Mapping[str, float] | None = None,
    ) -> TopicIndex:
        index = cls(rarity=rarity or {})
        keys: dict[str, list[int]] = {}
        for topic, expr in topics:
            # Most subscriptions share an expression already registered: one look-up.
            expr_id = index.expr_ids.get(expr.canonical())
            if expr_id is not None:
                index.expr_topics[expr_id].append(topic)
                continue
            for term in expr.terms():
                if term.key not in index.term_ids:
                    term_id = len(index.terms)
                    index.term_ids[term.key] = term_id
                    index.terms.append(term)
                    for pattern in term.patterns:
                        keys.setdefault(pattern.key, []).append(len(index.patterns))
                        index.patterns.append((term_id, pattern))
                    for role in term.roles:
                        keys.setdefault(role.pattern.key, []).append(len(index.patterns))
                        index.roles[len(index.patterns)] = role
                        index.patterns.append((term_id, role.pattern))
                    for veto in term.vetoes:  # negative id: a veto against term_id
                        keys.setdefault(veto.key, []).append(len(index.patterns))
                        index.patterns.append((-term_id - 1, veto))
            index._register(topic, expr)
        automaton = ahocorasick.Automaton()
        for key, pattern_ids in keys.items():
            automaton.add_word(key, tuple(pattern_ids))
        if keys:
            automaton.make_automaton()
            index.automaton = automaton
        return index

    def can_add(self, expr: TopicExpr) -> bool:
        """True when every term is already in the automaton: add() needs no rebuild."""
        return all(term.key in self.term_ids for term in expr.terms())

    def add(self, topic: Hashable, expr: TopicExpr) -> None:
        if not self.can_add(expr):
            raise ValueError("new terms need a rebuild of the automaton")
        self._register(topic, expr)

    def _cost(self, group: frozenset[int]) -> float:
        # Expected hits of a group: the sum over its terms. Unknown terms (keywords)
        # count as rare; calibrated concepts carry their observed frequency.
        return sum(self.rarity.get(self.terms[t].key, 0.01) for t in group)

    def _register(self, topic: Hashable, expr: TopicExpr) -> None:
        canonical = expr.canonical()
        expr_id = self.expr_ids.get(canonical)
        if expr_id is not None:
            self.expr_topics[expr_id].append(topic)
            return
        expr_id = len(self.exprs)
        self.expr_ids[canonical] = expr_id
        self.exprs.append(expr)
        self.expr_topics.append([topic])
        for clause in expr.clauses:
            self._register_clause(expr_id, clause)

    def _register_clause(self, expr_id: int, clause: Clause) -> None:
        groups = tuple(frozenset(self.term_ids[t.key] for t in g) for g in clause.required)
        excluded = frozenset(self.term_ids[t.key] for t in clause.excluded)
        clause_id = len(self.clauses)
        kinds = [{self.terms[t].kind for t in g} for g in groups]
        targeted = {PLACE} in kinds and {ATTACK} in kinds
        self.clauses.append(_Clause(expr_id, groups, excluded, targeted))
        ranked = sorted(groups, key=self._cost)
        if len(ranked) == 1:
            for term_id in ranked[0]:
                self.triggers.setdefault(term_id, []).append(clause_id)
            return
        for term_id in ranked[0]:
            seconds = self.pair_triggers.setdefault(term_id, {})
            for second in ranked[1]:
                seconds.setdefault(second, []).append(clause_id)
        for group in groups:
            for term_id in group:
                self.partial_triggers.setdefault(term_id, []).append(clause_id)

    # ------------------------------------------------------------------ matching
    def scan(self, doc: Document) -> dict[int, list[Hit]]:
        """Every occurrence of every term in the document."""
        hits: dict[int, list[Hit]] = {}
        if self.automaton is None or not doc.tokens:
            return hits
        tokens, offsets, patterns = doc.tokens, doc.token_offsets, self.patterns
        maybe_vetoes: list[tuple[int, Pattern, int, str]] = []
        role_hits: list[tuple[int, Hit, RoleAlias]] = []
        roles = self.roles
        for end, pattern_ids in self.automaton.iter(doc.scan):
            k = doc.token_at(end)
            if k < 0:
                continue
            remainder = tokens[k].folded[end - offsets[k] + 1 :]
            for pattern_id in pattern_ids:
                term_id, pattern = patterns[pattern_id]
                if term_id < 0:  # a veto: checked below, and only for terms that hit
                    maybe_vetoes.append((-term_id - 1, pattern, k, remainder))
                    continue
                role = roles.get(pattern_id)
                if role is not None:  # dated: who held the office that day?
                    day = doc.published or datetime.now(UTC).date()
                    if role.valid_on(day):
                        last = _verify(pattern, doc, k, remainder)
                        if last >= 0 and not (role.scope and _foreign(doc, (k, last), role.scope)):
                            role_hits.append((term_id, (k, last), role))
                    continue
                if pattern.left_compass:
                    start = end - len(pattern.words[0]) + 1 - offsets[k]
                    prefix = tokens[k].folded[:start]
                    if not pattern.left_ok(prefix):
                        continue
                    if prefix and _other_place(self.terms[term_id], tokens[k].folded):
                        continue  # "Südsudan" is no region of Sudan
                if (
                    not tokens[k].upper
                    and doc.cased
                    and remainder in INFLECTIONS
                    and len(pattern.words) == 1
                    and _a_name(self.terms[term_id], pattern)
                ):
                    continue  # a name written small is a word: "turkey" the bird
                last = _verify(pattern, doc, k, remainder)
                if last >= 0 and not (
                    remainder and _inside_other_word(self.terms[term_id], tokens[k].folded)
                ):
                    hits.setdefault(term_id, []).append((k, last))
        vetoed: dict[int, list[Hit]] = {}
        for term_id, pattern, k, remainder in maybe_vetoes:
            if term_id in hits:
                last = _verify(pattern, doc, k, remainder)
                if last >= 0:
                    vetoed.setdefault(term_id, []).append((k, last))
        for term_id, ranges in vetoed.items():
            kept = [
                (first, last)
                for first, last in hits.get(term_id, ())
                if not any(lo <= first and last <= hi for lo, hi in ranges)
            ]
            if kept:
                hits[term_id] = kept
            else:
                hits.pop(term_id, None)
        # A role counts after the names: "Präsident Poroschenko" names someone else.
        for term_id, hit, role in role_hits:
            if role.name or role_stands(doc, hit, hits.get(term_id, ())):
                hits.setdefault(term_id, []).append(hit)
        scoped = [t for t in hits if self.terms[t].scope]
        if scoped:
            _owned_elsewhere(doc, hits, scoped, self.terms)
        places = [t for t in hits if self.terms[t].kind == PLACE]
        if places:
            self._places_in_text(doc, hits, places)
        return hits

    def _places_in_text(self, doc: Document, hits: dict[int, list[Hit]], places: list[int]) -> None:
        """A city as its government's voice is no place; "die Stadt" refers back."""
        for term_id in places:
            kept = [hit for hit in hits[term_id] if not speaks(doc, hit[0])]
            if kept:
                hits[term_id] = kept
            else:
                del hits[term_id]
        named = sorted((hit[0], t) for t in places if t in hits for hit in hits[t])
        if not named:
            return
        starts = [first for first, _ in named]
        for k in anaphors(doc):
            i = bisect_left(starts, k)  # the city named last before the reference
            if i:
                hits[named[i - 1][1]].append((k, k))

    def match_document(self, doc: Document) -> list[TopicMatch]:
        hits = self.scan(doc)
        candidates: set[int] = set()
        hit_set = set(hits)
        triggers, pair_triggers = self.triggers, self.pair_triggers
        for term_id in hits:
            single = triggers.get(term_id)
            if single:
                candidates.update(single)
            pairs = pair_triggers.get(term_id)
            if pairs:
                for second in pairs.keys() & hit_set:
                    candidates.update(pairs[second])
        proofs: dict[int, Proof] = {}
        clauses = self.clauses
        by_unit = _UnitIndex(hits, doc)
        by_clause = _UnitIndex(hits, doc, clauses=True)
        for clause_id in candidates:
            clause = clauses[clause_id]
            # Cheap rejection first: a candidate may still miss a third group.
            if len(clause.groups) > 2 and any(g.isdisjoint(hit_set) for g in clause.groups):
                continue
            proof = _evaluate(clause, hits, by_clause if clause.targeted else by_unit)
            if proof is not None:
                proofs.setdefault(clause.expr, []).extend(proof)
        return [
            TopicMatch(expr_id, self.expr_topics[expr_id], proof, doc, self.terms)
            for expr_id, proof in proofs.items()
        ]

    def attach_meaning(
        self, texts: Iterable[tuple[Hashable, str]], thresholds: Thresholds | None = None
    ) -> None:
        """Give each topic's expression the meaning of what readers typed for it (the
        query, a catalog topic's names): matching then also judges the entry's lead."""
        expr_of = {topic: e for e, topics in enumerate(self.expr_topics) for topic in topics}
        phrasings: dict[int, list[str]] = {}
        for topic, text in texts:
            if topic in expr_of and text.strip():
                known = phrasings.setdefault(expr_of[topic], [])
                if text not in known:
                    known.append(text)
        self.phrasings = phrasings
        self.meaning = MeaningLayer(phrasings.items(), thresholds=thresholds)

    def extend_meaning(self, texts: Iterable[tuple[int, str]]) -> None:
        """What readers typed for topics added in place, by expression id: only those
        expressions' rows are (re)computed, the others' are kept (a burst of additions
        must not embed and calibrate every topic again for each)."""
        if self.meaning is None:
            return
        changed: dict[int, list[str]] = {}
        for expr_id, text in texts:
            known = self.phrasings.get(expr_id, [])
            if text.strip() and text not in known:
                self.phrasings[expr_id] = changed[expr_id] = [*known, text]
        if changed:
            self.meaning = self.meaning.updated(changed.items())

    def match(
        self, title: str | None, text: str, published: date | None = None
    ) -> list[TopicMatch]:
        doc = prepare(title, text, published)
        found = self.match_document(doc)
        # A topic named only as part of another name ("Dynamo Kiew") or as a figure in
        # scare quotes is no match, and the meaning layer must not add it back either.
        misread = {m.expr for m in found if not_the_topic(doc, title, text, m._proof)}
        if found and sports_report(doc):  # "Dynamo Kiew", "the Carolina Hurricanes"
            misread.update(
                m.expr for m in found if not self._sporty(m.expr) and team_names(doc, m._proof)
            )
        found = [m for m in found if m.expr not in misread]
        if self.meaning is None or not len(self.meaning):
            return found
        partial = self._partial(doc)
        # Words off-centre (one later sentence) need a lead that means the topic.
        needs: dict[Hashable, float] = {
            m.expr: need
            for m in found
            if (need := meaning_needed(doc, (hit for _, hit in m._proof))) is not None
        }
        added, dropped = self.meaning.judge(title, text, [m.expr for m in found], partial, needs)
        kept = [m for m in found if m.expr not in dropped]
        return kept + [
            TopicMatch(expr, self.expr_topics[expr], [], doc, self.terms)
            for expr in sorted(e for e in added if isinstance(e, int) and e not in misread)
        ]

    def _sporty(self, expr: int) -> bool:
        """Whether the topic's own words are sports words (the Olympics)."""
        words = [w for term in self.exprs[expr].terms() for p in term.patterns for w in p.words]
        return sporty(words)

    def _partial(self, doc: Document) -> set[Hashable]:
        """Expressions a part of which the entry names."""
        hits = self.scan(doc)
        clauses, partial_triggers = self.clauses, self.partial_triggers
        return {clauses[c].expr for t in hits for c in partial_triggers.get(t, ())}


def _owned_elsewhere(
    doc: Document, hits: dict[int, list[Hit]], scoped: list[int], terms: list[Term]
) -> None:
    """Drop hits of a country's concept that the words around give to another country
    ("die polnische Präsidentschaftswahl" is no US election)."""
    for term_id in scoped:
        scope = terms[term_id].scope
        kept = [hit for hit in hits[term_id] if not _foreign(doc, hit, scope)]
        if kept:
            hits[term_id] = kept
        else:
            del hits[term_id]


def _foreign(doc: Document, hit: Hit, scope: str) -> bool:
    """Whether the words around the hit (in its sentence) name another country."""
    first, last = hit
    tokens = doc.tokens
    unit = tokens[first].unit
    lo, hi = first, last
    while lo > 0 and tokens[lo - 1].unit == unit and first - lo < 3:
        lo -= 1
    while hi + 1 < len(tokens) and tokens[hi + 1].unit == unit and hi - last < 5:
        hi += 1
    words = [tokens[k].folded for k in range(lo, hi + 1)]
    return foreign(words, first - lo, last - lo, scope, default_places())


def _a_name(term: Term, pattern: Pattern) -> bool:
    """Whether the pattern spells a name (a place's, a person's), not an adjective
    listed among a country's aliases ("amerikanisch")."""
    if pattern.words[0].endswith("isch"):
        return False
    return term.kind == "person" or (term.kind in NAME_KINDS and pattern.right is Right.NAME)


def _other_place(term: Term, word: str) -> bool:
    """Whether a compass-prefixed word is itself another place's name ("Südsudan",
    "Nordkorea" beside Sudan and Korea), not a region of the term's place."""
    places = default_places()
    whole = places.lookup(word)
    if whole is None:
        return False
    own = places.lookup(term.label_de) or places.lookup(term.label_en)
    return own is None or own.key != whole.key


def _inside_other_word(term: Term, word: str) -> bool:
    """Whether a longer word the term starts is a word of its own: another concept's
    ("Waffenruhe" for "waffe*"), or, for a free keyword, a place ("Wolfsburg" is no
    wolf)."""
    if term.key.startswith("k:") and default_places().is_name(word):
        return not _names_the_place(term, word)
    return _head_decides(term, word)


def _names_the_place(term: Term, word: str) -> bool:
    """Whether the keyword is a word of the place's own names ("Falklands" of the
    Falklandinseln, Falkland Islands; "Wolf" is no word of Wolfsburg's)."""
    place = default_places().lookup(word)
    if place is None:
        return False
    stems = {p.words[0] for p in term.patterns if len(p.words) == 1}
    for name in (place.label_de, place.label_en, *place.aliases):
        for part in name.replace("-", " ").split():
            folded = fold(part.lstrip("="))
            if any(folded.startswith(s) and folded[len(s) :] in INFLECTIONS for s in stems):
                return True
    return False


def _head_decides(term: Term, word: str) -> bool:
    """Whether the word is another concept's own word ("Waffenruhe" for "waffe*")."""
    return any(
        word.startswith(p.words[0]) and tail_ok(p, 0, word[len(p.words[0]) :]) for p in term.not_in
    )


def _verify(pattern: Pattern, doc: Document, k: int, remainder: str) -> int:
    """The last token index of the occurrence starting at token k, or -1."""
    if not tail_ok(pattern, 0, remainder):
        return -1
    words = pattern.words
    if len(words) == 1:
        return k
    tokens = doc.tokens
    if k + len(words) > len(tokens):
        return -1
    unit = tokens[k].unit
    for j in range(1, len(words)):
        token = tokens[k + j]
        word = words[j]
        if token.unit != unit or not token.folded.startswith(word):
            return -1
        if not tail_ok(pattern, j, token.folded[len(word) :]):
            return -1
    return k + len(words) - 1


class _UnitIndex:
    """Per document: where (in which sentence or the title) each hit term occurs.

    Built lazily and shared by all candidate clauses of the document, so checking a
    clause is a few dictionary look-ups rather than a walk over its hits.
    """

    def __init__(self, hits: dict[int, list[Hit]], doc: Document, clauses: bool = False) -> None:
        self._hits, self._tokens = hits, doc.tokens
        self._units: dict[int, dict[int, Proof]] = {}
        self._clauses = clauses  # key by clause (0 = title) instead of sentence

    def of(self, term_id: int) -> dict[int, Proof]:
        units = self._units.get(term_id)
        if units is None:
            units = {}
            tokens = self._tokens
            for hit in self._hits.get(term_id, ()):
                token = tokens[hit[0]]
                unit = token.clause if self._clauses else token.unit
                units.setdefault(unit, []).append((term_id, hit))
            self._units[term_id] = units
        return units

    def of_group(self, group: frozenset[int]) -> dict[int, Proof]:
        if len(group) == 1:
            return self.of(next(iter(group)))
        merged: dict[int, Proof] = {}
        for term_id in group:
            for unit, found in self.of(term_id).items():
                merged.setdefault(unit, []).extend(found)
        return merged


def _evaluate(clause: _Clause, hits: dict[int, list[Hit]], by_unit: _UnitIndex) -> Proof | None:
    """The occurrences proving the clause, or None. All groups must meet in one sentence,
    or in the title plus one sentence; exclusions apply to the whole entry."""
    for term_id in clause.excluded:
        if term_id in hits:
            return None
    groups = clause.groups
    if len(groups) == 1:  # the common case: no sentence bookkeeping needed
        single = [(t, hit) for t in groups[0] if t in hits for hit in hits[t]]
        return single or None
    group_units = [by_unit.of_group(g) for g in groups]
    if not all(group_units):
        return None
    in_title = [0 in g for g in group_units]
    if all(in_title):
        candidates = set().union(*group_units)
    else:
        # A sentence where every group not in the title occurs (C-level set algebra).
        needed = [g.keys() for g, t in zip(group_units, in_title, strict=True) if not t]
        candidates = set(needed[0]).intersection(*needed[1:])
        candidates.discard(0)
        if not candidates:
            return None
    proof: Proof = []
    for unit in sorted(candidates):
        if unit == 0 and not all(in_title):
            continue
        for g in group_units:
            proof.extend(g[unit] if unit in g else g[0])
    return proof or None
