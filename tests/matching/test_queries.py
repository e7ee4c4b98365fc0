"""Query resolution: what the reader sees, what the bot could not use, bad input."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.matching.index import TopicIndex
from bot.matching.lexicon import default_lexicon
from bot.matching.query import QueryError, default_resolver


def test_catalog_names_in_both_languages() -> None:
    resolver = default_resolver()
    assert resolver.resolve("Air raids on Kyiv").catalog_id == "kyiv-air-raids"
    assert resolver.resolve("luftangriffe auf kiew").catalog_id == "kyiv-air-raids"
    # A different phrasing that means the same resolves to the same topic.
    assert resolver.resolve("Angriffe auf Kyjiw").catalog_id == "kyiv-air-raids"


def test_resolved_form_is_shown_and_unused_words_named() -> None:
    resolved = default_resolver().resolve("Drohnen über Odessa und Trudeau")
    shown = resolved.display("de")
    assert "Drohnen" in shown
    assert "Odessa" in shown
    assert "Trudeau" in shown
    assert set(resolved.unused) == {"über", "und"}


def test_whole_word_concept_wins_over_its_parts() -> None:
    resolved = default_resolver().resolve("neue Waffenlieferung")
    assert resolved.catalog_id == "weapons-deliveries"
    assert resolved.display("de", with_hints=False).startswith("Waffenlieferungen ODER")


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("x" * 10_000, "too_long"),
        ("der die das", "only_stopwords"),
        ("?!… ---", "no_words"),
        ("🚀🔥", "no_words"),
    ],
)
def test_unusable_queries_get_a_clear_error(query: str, code: str) -> None:
    with pytest.raises(QueryError) as info:
        default_resolver().resolve(query)
    assert info.value.code == code


@pytest.mark.parametrize(
    "query", ['"unbalanced quote', "a.*b+(c", "مرحبا بالعالم", "Kiew 🚀", "((( OR )))", "-"]
)
def test_odd_queries_get_a_sane_reading(query: str) -> None:
    try:
        resolved = default_resolver().resolve(query)
    except QueryError:
        return
    assert resolved.expr.clauses


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_query_resolves_or_fails_cleanly(query: str) -> None:
    try:
        resolved = default_resolver().resolve(query)
    except QueryError:
        return
    index = TopicIndex.build([("q", resolved.expr)])
    index.match("Titel", query)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=2000), st.one_of(st.none(), st.text(max_size=200)))
def test_any_text_matches_without_error(text: str, title: str | None) -> None:
    index = TopicIndex.build([("q", default_resolver().resolve("Luftangriffe auf Kiew").expr)])
    index.match(title, text)


def test_huge_entries_stay_fast() -> None:
    index = TopicIndex.build([("q", default_resolver().resolve("Nordkorea").expr)])
    text = ("Kiew " * 20_000 + ". ") * 5
    started = time.process_time()
    index.match(None, text)
    # A generous bound that only a catastrophic (quadratic) slowdown would break.
    assert time.process_time() - started < 5


def test_roles_next_to_a_person_describe_rather_than_restrict() -> None:
    resolved = default_resolver().resolve("Außenministerin Baerbock")
    assert resolved.catalog_id == "baerbock"
    assert resolved.unused == ("Außenministerin",)
    # Without a person, a role word is an ordinary keyword.
    assert "Minister" in default_resolver().resolve("Minister Kiew").display("de", False)


def test_the_most_specific_concept_names_a_word() -> None:
    assert default_resolver().resolve("Flugabwehr").catalog_id == "air-defence"
    # Parts of a compound all count: a missile attack needs both.
    shown = default_resolver().resolve("Raketenangriffe").display("de", with_hints=False)
    assert set(shown.split(" + ")) == {"Luftangriff", "Raketen"}


@pytest.mark.parametrize("query", ["Patriot", "Rutte", "Taurus", "Bundestag", "Kupjansk"])
def test_a_named_member_asks_for_itself_not_its_whole_concept(query: str) -> None:
    resolved = default_resolver().resolve(query)
    # Not the broader concept's topic; at most a topic of its own ("Rutte", "Bundestag").
    own = resolved.catalog_id and default_lexicon().topics[resolved.catalog_id].name_de
    assert own in (None, query)
    # (A topic of its own may add other phrasings: "Bundestag ODER Parlament + …".)
    assert resolved.display("de", with_hints=False).split(" ODER ")[0] == query
    index = TopicIndex.build([("q", resolved.expr)])
    assert index.match(None, f"Neue Meldungen zu {query}.")
    assert not index.match(None, "Die NATO und Deutschland liefern Raketen nach Charkiw.")


def test_one_member_listed_by_two_concepts_is_one_keyword() -> None:
    [clause] = default_resolver().resolve("Taurus").expr.clauses
    assert len(clause.required) == 1
