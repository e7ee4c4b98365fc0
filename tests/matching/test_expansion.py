"""Query expansion: a typed word's other-language word, from the bundled vocabulary and
the real model (bot/matching/expansion.py), and how the resolver searches for it."""

from __future__ import annotations

from bot.matching.expansion import Expansion, expand, expand_word, same_word, vocabulary
from bot.matching.index import TopicIndex
from bot.matching.query import default_resolver


def _found(query: str, expansions: list[Expansion], title: str | None, text: str) -> bool:
    resolved = default_resolver().resolve(query, expansions)
    index = TopicIndex.build([(query, resolved.expr)])
    return bool(index.match(title, text))


def test_the_vocabulary_is_bundled_in_both_languages() -> None:
    vocab = vocabulary()
    assert vocab is not None
    assert vocab.vectors.shape == (len(vocab.words), 384)
    assert vocab.german.any()
    assert (~vocab.german).any()


def test_forms_and_parts_of_the_typed_word_are_no_expansion() -> None:
    assert same_word("Streiks", "Streik")
    assert same_word("Vogelgrippe", "Grippe")  # a part is broader than what was asked
    assert same_word("strikes", "strike")
    assert not same_word("Hochwasser", "floods")


def test_a_word_finds_its_translation() -> None:
    assert expand_word("Krankenhaus") == ["hospital"]
    assert expand_word("Bürgermeister") == ["mayor"]
    assert expand_word("unemployment") == ["Arbeitslosigkeit"]
    assert expand_word("Arbeitslosigkeit") == ["unemployment"]


def test_a_word_spelled_like_another_finds_nothing_spelled_alike() -> None:
    # The small model puts words near words spelled alike: those never pass.
    for word, alike in (("Lawinen", "lawn"), ("Roten", "rotten"), ("Masern", "master")):
        assert alike not in expand_word(word)


def test_words_the_vocabulary_lacks_or_spells_alike_in_both_are_not_expanded() -> None:
    assert expand_word("mpox") == []  # new: the model knows it by its spelling at best
    assert expand_word("sabotage") == []  # no acronym ("SAP") either


def test_empty_and_odd_words_expand_to_nothing() -> None:
    assert expand_word("") == []
    assert expand_word("   ") == []
    assert expand([]) == []
    assert isinstance(expand_word("\x00" * 500), list)


MAYOR = Expansion("Bürgermeister", "mayor")


def test_an_expansion_widens_the_keyword_it_was_found_for() -> None:
    text = "The mayor of Valencia asked residents to stay at home."
    assert not _found("Bürgermeister", [], None, text)
    assert _found("Bürgermeister", [MAYOR], None, text)
    resolved = default_resolver().resolve("Bürgermeister", [MAYOR])
    assert resolved.expansions == (MAYOR,)
    # Shown as typed: the expansion is no part of the topic's name.
    plain = default_resolver().resolve("Bürgermeister")
    assert resolved.display("de", with_hints=False) == plain.display("de", with_hints=False)


def test_an_expansion_for_a_word_not_in_the_query_is_ignored() -> None:
    resolved = default_resolver().resolve("Bürgermeister", [Expansion("Schule", "school")])
    assert resolved.expansions == ()
    index = TopicIndex.build([("q", resolved.expr)])
    assert not index.match(None, "The school was closed on Monday.")


def test_a_catalog_topic_is_not_expanded() -> None:
    assert default_resolver().expansions("Gaza") == []


def test_the_resolver_expands_unknown_words_only() -> None:
    assert default_resolver().expansions("Bürgermeister") == [MAYOR]
    # "Krankenhaus" is a lexicon concept (it knows its words in both languages).
    assert default_resolver().expansions("Krankenhaus") == []
