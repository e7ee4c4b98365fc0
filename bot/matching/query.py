"""Free queries: what a reader types, resolved into lexicon concepts and keywords.

Luftangriffe auf Kiew      → Luftangriff + Kiew
air raids on Kyiv          → Luftangriff + Kiew (the same topic)
Gefangenenaustausch        → a concept where the lexicon knows it, else a keyword
"exakte Phrase"            → an exact phrase
-Ausschluss                → entries with it are left out
Kiew OR Charkiw            → either (also ODER, |)
"""

from __future__ import annotations

from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass, replace
from functools import cache

import Stemmer

from bot.matching.compounds import contained, coverage, leftover_parts, part_keyword
from bot.matching.document import Document, prepare
from bot.matching.expansion import Expansion, expand
from bot.matching.expr import Clause, Term, TopicExpr
from bot.matching.index import TopicIndex
from bot.matching.lexicon import Lexicon
from bot.matching.normalize import fold, tokenize
from bot.matching.patterns import Pattern, keyword_patterns
from bot.matching.places import MAX_NAME_WORDS, PlaceTable, default_places
from bot.matching.querywords import (
    is_role,
    names_whole_words,
    pattern_names,
    phrase_term,
    split_query,
)
from bot.matching.splitting import split_compound
from bot.matching.stopwords import ALL as STOPWORDS
from bot.matching.stopwords import QUERY_FILLERS

MAX_QUERY_CHARS = 500
MAX_TERMS = 12
MAX_ALTERNATIVES = 6
Group = tuple[Term, ...]  # any one of these terms
# The patterns of the expansions of the query being resolved, by folded word: one
# resolver serves every caller, threads included, so this is not kept on it.
_EXPANSIONS: ContextVar[dict[str, tuple[Pattern, ...]] | None] = ContextVar(
    "expansions", default=None
)


class QueryError(ValueError):
    """A query the bot cannot use; `code` picks the reader-facing message."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class ResolvedQuery:
    text: str
    expr: TopicExpr
    catalog_id: str | None
    unused: tuple[str, ...]  # words the bot could not use (stop words, symbols)
    expansions: tuple[Expansion, ...] = ()  # other words searched for beside typed ones

    def display(self, language: str = "de", with_hints: bool = True) -> str:
        return self.expr.display(language, with_hints)


class QueryResolver:
    """Resolves queries against one lexicon; build once, reuse (it holds an index)."""

    def __init__(self, lexicon: Lexicon, places: PlaceTable | None = None) -> None:
        self.lexicon = lexicon
        self.places = places if places is not None else default_places()
        # What a query's words name: concepts by their aliases (not by the offices their
        # people held: "US-Präsident" asks for the office), and offices by their role
        # words. The full terms, with roles, go into the topic.
        self._full: dict[str, Term] = {
            term.key: term for term in (*lexicon.concepts.values(), *lexicon.roles.values())
        }
        naming = [replace(term, roles=()) for term in lexicon.concepts.values()]
        naming += [
            replace(term, roles=tuple(r for r in term.roles if not r.name))
            for term in lexicon.roles.values()
        ]
        self._concepts = TopicIndex.build(
            (term.key, TopicExpr((Clause(((term,),)),))) for term in naming
        )
        self._stems: dict[str, Term] = {}
        german, english = Stemmer.Stemmer("german"), Stemmer.Stemmer("english")
        for term in lexicon.concepts.values():
            for pattern in term.patterns:
                if len(pattern.words) == 1 and not pattern.left_any and len(pattern.words[0]) > 3:
                    word = pattern.words[0]
                    self._stems.setdefault("de:" + german.stemWord(word), term)
                    self._stems.setdefault("en:" + english.stemWord(word), term)
        self._german, self._english = german, english
        self._people = {f"c:{cid}" for cid in lexicon.people}
        self._catalog_by_canonical = {
            topic.expr.canonical(): topic.id for topic in lexicon.topics.values()
        }
        # A query that names one alternative of a catalog topic ("prisoner swap" is the
        # concept behind "Gefangenenaustausch") means the whole topic, with its other
        # phrasings ("Kriegsgefangene ausgetauscht"). Only where that is unambiguous.
        by_clause: dict[str, list[str]] = {}
        for topic in lexicon.topics.values():
            for clause in topic.expr.clauses:
                by_clause.setdefault(clause.canonical(), []).append(topic.id)
        self._catalog_by_clause = {c: ids[0] for c, ids in by_clause.items() if len(ids) == 1}

    def expansions(self, text: str) -> list[Expansion]:
        """Words to search for beside the query's unknown words (its keywords): their
        other language's word, where the model finds one it trusts. Costs one model
        call per keyword: off the event loop."""
        resolved = self.resolve(text)
        if resolved.catalog_id is not None:
            return []  # the catalog's topics know their words in both languages
        words = [
            term.label_de
            for term in resolved.expr.terms()
            if term.key.startswith("k:") and len(tokenize(term.label_de)) == 1
        ]
        return expand(words)

    def resolve_expanded(self, text: str) -> ResolvedQuery:
        """The query with the expansions the model finds for it (the CLI, scoring)."""
        return self.resolve(text, self.expansions(text))

    def resolve(self, text: str, expansions: Sequence[Expansion] = ()) -> ResolvedQuery:
        """The query as a topic; `expansions` (stored with a subscription, each one
        the reader kept) widen the keywords they were found for."""
        token = _EXPANSIONS.set(_by_word(expansions))
        try:
            resolved = self._resolve(text)
        finally:
            _EXPANSIONS.reset(token)
        if not expansions:
            return resolved
        used = {fold(e.word) for e in expansions} & {
            fold(t.label_de) for t in resolved.expr.terms() if t.key.startswith("k:")
        }
        kept = tuple(e for e in expansions if fold(e.word) in used)
        return replace(resolved, expansions=kept) if kept else resolved

    def _resolve(self, text: str) -> ResolvedQuery:
        query = text.strip()
        if not query:
            raise QueryError("empty")
        if len(query) > MAX_QUERY_CHARS:
            raise QueryError("too_long", str(MAX_QUERY_CHARS))
        alternatives = split_query(query)
        if alternatives and not any(a.words or a.phrases for a in alternatives):
            # "-Kiew" alone: a catalog look-up would drop the minus and follow Kiew.
            excluded_only = [w for a in alternatives for w in a.excluded_words + a.excluded_phrases]
            raise QueryError("only_exclusions", " ".join(f"-{w}" for w in excluded_only))
        catalog = self.lexicon.topic_by_name(query)
        if catalog is not None:
            return ResolvedQuery(query, catalog.expr, catalog.id, ())
        unused: list[str] = []
        for alternative in alternatives:
            alternative.words = _without_fillers(alternative.words, unused)
        excluded: list[Term] = []
        clauses: list[tuple[Term, ...]] = []
        splits: dict[Term, tuple[Group, Group]] = {}
        for alternative in alternatives:
            excluded.extend(self._terms(alternative.excluded_words, unused))
            excluded.extend(phrase_term(p) for p in alternative.excluded_phrases if tokenize(p))
            required = self._terms(alternative.words, unused, splits)
            required.extend(phrase_term(p) for p in alternative.phrases if tokenize(p))
            if required:
                clauses.append(tuple(dict.fromkeys(required)))
        if not clauses:
            if unused:
                raise QueryError("only_stopwords", " ".join(unused))
            raise QueryError("no_words")
        if len(clauses) > MAX_ALTERNATIVES or any(len(c) > MAX_TERMS for c in clauses):
            raise QueryError("too_many_terms", str(MAX_TERMS))
        without = tuple(dict.fromkeys(excluded))
        expr = TopicExpr(
            tuple(
                dict.fromkeys(
                    Clause(groups, without)
                    for clause in clauses
                    for groups in _with_parts(clause, splits)
                )
            )
        )
        catalog_id = self._catalog_by_canonical.get(expr.canonical())
        if catalog_id is None and len(expr.clauses) == 1:
            catalog_id = self._catalog_by_clause.get(expr.clauses[0].canonical())
            if catalog_id is not None:
                expr = self.lexicon.topics[catalog_id].expr
        return ResolvedQuery(query, expr, catalog_id, tuple(dict.fromkeys(unused)))

    def _place(
        self, doc: Document, k: int, covered: dict[int, list[Term]]
    ) -> tuple[Term, int] | None:
        """A country or city named from token k on that the lexicon does not know."""
        if doc.tokens[k].folded in STOPWORDS:
            return None
        ahead: list[str] = []
        for j in range(k, min(k + MAX_NAME_WORDS, len(doc.tokens))):
            if j in covered or doc.tokens[j].unit != doc.tokens[k].unit:
                break
            ahead.append(doc.tokens[j].folded)
        found = self.places.find(ahead)
        if found is None:
            return None
        return self.places.term(found[0]), found[1]

    def _named(self, term: Term, doc: Document, source: str, first: int, last: int) -> Term:
        """The term a concept hit stands for: the full concept, or only the named member
        the words spell ("Rutte", "Taurus", "Bundestag") — the same for every concept
        that lists it, so it is one keyword."""
        spelled = tuple(p for p in term.members if pattern_names(p, doc, first, last, whole=True))
        original = source[doc.tokens[first].start : doc.tokens[last].end]
        word = doc.tokens[first].folded
        if not spelled and first == last and term.members:  # "Bundestag|swahl"
            span = coverage(term, word)
            spelled = tuple(p for p in term.members if coverage(term, word, (p,)) == span)
            if span is not None:
                original = word[span[0] : span[1]].capitalize()
        if spelled or term.kind == "country":
            # A city listed by a broader concept ("Beirut" in Lebanon, "Moskau" in Russia):
            # the reader asked for the city, in all its spellings (Moskau = Moscow).
            city = self._city(original)
            if city is not None:
                return city
        if not spelled:
            return self._full.get(term.key, term)
        key = "k:" + "|".join(p.display() for p in spelled)
        return Term(key, original, original, spelled, kind=term.kind)

    def _city(self, words: str) -> Term | None:
        """The city these words name, from the table of places."""
        place = self.places.lookup(words)
        if place is None or place.kind != "city":
            return None
        return self.places.term(place)

    def _whole_concepts(self, word: str) -> list[Term]:
        """The concepts that name this one word as a whole ("gas" → Gas)."""
        doc = prepare(None, word)
        if len(doc.tokens) != 1:
            return []
        return [
            self._full.get(self._concepts.terms[t].key, self._concepts.terms[t])
            for t in self._concepts.scan(doc)
            if names_whole_words(self._concepts.terms[t], doc, 0, 0)
        ]

    def _compound_parts(
        self, doc: Document, kept: list[tuple[int, int, int]]
    ) -> tuple[list[tuple[int, int, int]], dict[int, list[Term]]]:
        """Inside one word: drop a concept that names only a part another concept names
        too ("Friedens|gespräche" is no mere talk), and keep what no concept names as a
        keyword of its own ("Landtag|swahl", "Rüstungs|exporte")."""
        multi = {k for first, last, _ in kept if last > first for k in range(first, last + 1)}
        by_token: dict[int, dict[int, tuple[int, int]]] = {}
        for first, last, term_id in kept:
            if first == last and first not in multi:
                span = coverage(self._concepts.terms[term_id], doc.tokens[first].folded)
                if span is not None:
                    by_token.setdefault(first, {})[term_id] = span
        dropped: set[tuple[int, int]] = set()
        extra: dict[int, list[Term]] = {}
        for k, spans in by_token.items():
            inside = contained(spans)
            dropped.update((k, t) for t in inside)
            kept_spans = [span for t, span in spans.items() if t not in inside]
            mine = {self._concepts.terms[t].key for t in spans}
            for part, modifier in leftover_parts(doc.tokens[k].folded, kept_spans):
                named = self._whole_concepts(part)
                keyword = part_keyword(part, modifier)
                if not named:
                    extra.setdefault(k, []).append(keyword)
                elif not {t.key for t in named} & mine:  # "Gerichts|urteile": one concept
                    # The concept, and the part inside compounds ("Gas|lieferungen").
                    extra.setdefault(k, []).extend(
                        replace(
                            t, key=f"{t.key}&{keyword.key}", patterns=t.patterns + keyword.patterns
                        )
                        for t in named
                    )
        kept = [h for h in kept if (h[0], h[2]) not in dropped or h[1] != h[0]]
        return kept, extra

    def _terms(
        self,
        words: list[str],
        unused: list[str],
        splits: dict[Term, tuple[Group, Group]] | None = None,
    ) -> list[Term]:
        """Concepts where the lexicon knows the words, keywords where it does not; an
        unknown compound's parts go to `splits` ("Ostseekabel": Ostsee, Kabel)."""
        if not words:
            return []
        doc = prepare(None, " ".join(words))
        hits = self._concepts.scan(doc)
        spans = [
            (first, last, term_id)
            for term_id, occurrences in hits.items()
            for first, last in occurrences
        ]
        # Drop a concept hit that lies inside a longer hit of another concept
        # ("Volksrepublik Korea" inside "Demokratische Volksrepublik Korea").
        kept = [
            (first, last, term_id)
            for first, last, term_id in spans
            if not any(
                lo <= first and last <= hi and (hi - lo) > (last - first) and t != term_id
                for lo, hi, t in spans
            )
        ]
        # Where one concept names the whole word ("Waffenlieferungen") and others only
        # a part of it (waffe*, *lieferung), the whole-word concept is what was meant.
        whole = {
            (first, last)
            for first, last, term_id in kept
            if names_whole_words(self._concepts.terms[term_id], doc, first, last)
        }
        kept = [
            (first, last, term_id)
            for first, last, term_id in kept
            if (first, last) not in whole
            or names_whole_words(self._concepts.terms[term_id], doc, first, last)
        ]
        # Several concepts naming the very same words ("Baerbock" is a person and part
        # of "Deutschland"): the most specific one, with the fewest aliases, was meant.
        # (Parts of a compound, "Raketen|angriffe", stay all required.)
        narrowest: dict[tuple[int, int], int] = {}
        for first, last, term_id in kept:
            if (first, last) in whole:
                size = len(self._concepts.terms[term_id].patterns)
                narrowest[(first, last)] = min(narrowest.get((first, last), size), size)
        kept = [
            (first, last, term_id)
            for first, last, term_id in kept
            if (first, last) not in narrowest
            or len(self._concepts.terms[term_id].patterns) == narrowest[(first, last)]
        ]
        kept, extra = self._compound_parts(doc, kept)
        people = {t for *_, t in kept if self._concepts.terms[t].key in self._people}
        if people:  # "Bundeskanzler Scholz": the office describes the person asked for
            kept = [
                (first, last, t)
                for first, last, t in kept
                if t in people
                or (
                    self._concepts.terms[t].kind != "role"
                    and not all(is_role(doc.tokens[k].folded) for k in range(first, last + 1))
                )
            ]
        covered: dict[int, list[Term]] = {}
        for first, last, term_id in sorted(kept):
            term = self._named(self._concepts.terms[term_id], doc, " ".join(words), first, last)
            for k in range(first, last + 1):
                covered.setdefault(k, []).append(term)
        for k, parts in extra.items():
            covered.setdefault(k, []).extend(parts)
        terms: list[Term] = []
        skip_until = -1
        for k, token in enumerate(doc.tokens):
            if k in covered:
                terms.extend(covered[k])
                continue
            if k <= skip_until:  # the later words of a place name ("Tel Aviv")
                continue
            word = token.folded
            original = " ".join(words)[token.start : token.end]
            place = self._place(doc, k, covered)
            if place is not None:
                terms.append(place[0])
                skip_until = k + place[1] - 1
                continue
            if word in STOPWORDS or len(word) < 2 or (word.isdigit() and len(word) < 3):
                unused.append(original)
                continue
            if people and is_role(word):
                # "Außenministerin Baerbock": the role describes the person asked for;
                # requiring it too would miss every sentence that just names her.
                unused.append(original)
                continue
            stemmed = self._stems.get("de:" + self._german.stemWord(word)) or self._stems.get(
                "en:" + self._english.stemWord(word)
            )
            if stemmed is not None:
                terms.append(stemmed)
                continue
            patterns = keyword_patterns(word) + (_EXPANSIONS.get() or {}).get(word, ())
            key = "k:" + "|".join(p.display() for p in patterns)
            terms.append(Term(key, original, original, patterns))
            halves = split_compound(word) if splits is not None else None
            if halves is not None and splits is not None:
                modifier_group, head_group = self._part_groups(original, *halves)
                if modifier_group and head_group:
                    splits[terms[-1]] = (modifier_group, head_group)
        return list(dict.fromkeys(terms))

    def _part_groups(self, original: str, modifier: str, head: str) -> tuple[Group, Group]:
        """What the two parts of a compound name, each read like a query word of its own
        (a concept, a named member, a place, else a keyword), spelled as typed."""
        groups: list[Group] = []
        for part, is_modifier in ((modifier, True), (head, False)):
            shown = _spelled(original, part, at_start=is_modifier)
            found = self._terms([shown], [])
            if is_modifier:  # the modifier also starts other compounds ("Ostsee|küste")
                found = [
                    replace(part_keyword(part, True), label_de=shown, label_en=shown)
                    if t.key.startswith("k:")
                    else t
                    for t in found
                ]
            elif any(t.kind in ("place", "country") for t in found):
                found = [_keyword(part, shown)]  # a head is a noun: "Geflügel|pest"
            groups.append(tuple(found))
        return groups[0], groups[1]


def _by_word(expansions: Sequence[Expansion]) -> dict[str, tuple[Pattern, ...]]:
    """Each typed word's extra patterns: an expansion's own word forms (a phrase for
    words of two or more)."""
    found: dict[str, tuple[Pattern, ...]] = {}
    for expansion in expansions:
        words = tokenize(expansion.term)
        if not words:
            continue
        extra = (
            keyword_patterns(words[0].folded)
            if len(words) == 1
            else phrase_term(expansion.term).patterns
        )
        key = fold(expansion.word)
        found[key] = tuple(dict.fromkeys(found.get(key, ()) + extra))
    return found


def _keyword(word: str, shown: str) -> Term:
    patterns = keyword_patterns(word)
    return Term("k:" + "|".join(p.display() for p in patterns), shown, shown, patterns)


def _spelled(original: str, part: str, at_start: bool) -> str:
    """The stretch of the typed word whose folded form is the part ("Geflügel")."""
    for cut in range(len(original) + 1):
        piece = original[:cut] if at_start else original[cut:]
        if fold(piece) == part:
            return piece if at_start else piece.capitalize()
    return part.capitalize()


def _with_parts(
    clause: tuple[Term, ...], splits: dict[Term, tuple[Group, Group]]
) -> list[tuple[Group, ...]]:
    """The clause's groups as typed, and with each split compound as its two parts
    ("Ostseekabel" OR "Ostsee" + "Kabel" in one sentence)."""
    variants: list[tuple[Group, ...]] = [()]
    for term in clause:
        parts = splits.get(term)
        options: list[tuple[Group, ...]] = [((term,),)] + ([parts] if parts else [])
        variants = [v + o for v in variants for o in options][:MAX_ALTERNATIVES]
    return variants


def _without_fillers(words: list[str], unused: list[str]) -> list[str]:
    """The words without "Lage", "aktuelle", "developments" … while others remain."""
    kept = [w for w in words if fold(w) not in QUERY_FILLERS]
    if not any(fold(w) not in STOPWORDS for w in kept):
        return words
    unused.extend(w for w in words if fold(w) in QUERY_FILLERS)
    return kept


@cache
def default_resolver() -> QueryResolver:
    from bot.matching.lexicon import default_lexicon

    return QueryResolver(default_lexicon())
