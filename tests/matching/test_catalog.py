"""The catalog as a whole: its size, its themes, the topics.d/ files, and EN = DE."""

from __future__ import annotations

import json
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest

from bot.matching.index import TopicIndex
from bot.matching.lexicon import (
    CatalogTopic,
    Lexicon,
    LexiconError,
    default_lexicon,
    load_lexicon,
)
from bot.matching.query import QueryResolver
from tests.matching.test_domains import EXAMPLES

DEV_GOLD = Path(__file__).with_name("dev_gold.jsonl")


def test_the_catalog_is_large_enough() -> None:
    lexicon = default_lexicon()
    assert len(lexicon.concepts) >= 200
    assert len(lexicon.topics) >= 100


def test_every_topic_has_a_theme_and_both_names() -> None:
    lexicon = default_lexicon()
    assert len(lexicon.themes) >= 10
    for topic in lexicon.topics.values():
        assert topic.name_de.strip(), topic.id
        assert topic.name_en.strip(), topic.id
        assert topic.theme in lexicon.themes, topic.id
    for theme in lexicon.themes.values():
        assert theme.name_de.strip()
        assert theme.name_en.strip()
        assert lexicon.topics_of(theme.id), theme.id
    assert next(iter(lexicon.themes)) == "ukraine-war"  # the catalog's first theme


def test_domain_files_are_read_after_the_main_file(tmp_path: Path) -> None:
    main = tmp_path / "topics.toml"
    main.write_text(
        '[concepts.kyiv]\naliases = ["Kiew"]\n[topics.kyiv]\nde = "Kiew"\nmatch = ["kyiv"]\n',
        "utf-8",
    )
    extra = tmp_path / "topics.d"
    extra.mkdir()
    (extra / "a.toml").write_text(
        '[themes.war]\nde = "Krieg"\nen = "War"\ntopics = ["kyiv"]\n'
        '[concepts.gaza]\naliases = ["Gaza"]\n'
        '[topics.gaza]\nde = "Gaza"\nen = "Gaza"\nmatch = ["gaza & kyiv"]\n',
        "utf-8",
    )
    lexicon = load_lexicon(main)
    assert set(lexicon.topics) == {"kyiv", "gaza"}
    assert lexicon.topics["kyiv"].theme == "war"
    assert lexicon.topics["gaza"].theme == "other"  # no theme named: "More topics"
    assert list(lexicon.themes) == ["war", "other"]
    (extra / "b.toml").write_text('[concepts.gaza]\naliases = ["Gasa"]\n', "utf-8")
    with pytest.raises(LexiconError, match="defined twice"):
        load_lexicon(main)


def test_a_topic_with_an_unknown_theme_is_an_error(tmp_path: Path) -> None:
    main = tmp_path / "topics.toml"
    main.write_text(
        '[concepts.a]\naliases = ["Kiew"]\n[topics.a]\nmatch = ["a"]\ntheme = "nowhere"\n',
        "utf-8",
    )
    with pytest.raises(LexiconError, match="unknown theme"):
        load_lexicon(main)


@cache
def _corpus() -> tuple[tuple[str, str | None, str], ...]:
    """The dev gold entries and this repo's own domain examples, both languages."""
    items = []
    with DEV_GOLD.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                item = json.loads(line)
                items.append((str(item["id"]), item.get("title"), str(item["text"])))
    for number, (_topic, text, _expected) in enumerate(EXAMPLES):
        items.append((f"example{number}", None, text))
    return tuple(items)


@cache
def _free_resolver() -> QueryResolver:
    # Without the catalog, a topic's name is read word by word like any query:
    # the test is whether the lexicon understands both names the same way.
    lexicon: Lexicon = default_lexicon()
    return QueryResolver(replace(lexicon, topics={}))


@cache
def _matches() -> dict[tuple[str, str], set[str]]:
    """For every topic and language, the corpus entries its name finds (one index, one pass)."""
    resolver = _free_resolver()
    queries = []
    for topic in default_lexicon().topics.values():
        queries.append(((topic.id, "de"), resolver.resolve(topic.name_de).expr))
        queries.append(((topic.id, "en"), resolver.resolve(topic.name_en).expr))
    index = TopicIndex.build(queries)
    found: dict[tuple[str, str], set[str]] = {key: set() for key, _ in queries}
    for key, title, text in _corpus():
        for match in index.match(title, text):
            for query in match.topics:
                assert isinstance(query, tuple)
                found[query].add(key)
    return found


@pytest.mark.parametrize("topic", list(default_lexicon().topics.values()), ids=lambda t: t.id)
def test_english_and_german_names_find_the_same_entries(topic: CatalogTopic) -> None:
    assert _matches()[(topic.id, "de")] == _matches()[(topic.id, "en")]


def test_the_names_find_entries_at_all() -> None:
    # Guards the test above against passing on two empty sets everywhere.
    found = [key for key, ids in _matches().items() if ids]
    assert len(found) >= 0.8 * len(_matches())


def test_every_office_has_a_name_in_both_languages() -> None:
    for role_id, term in default_lexicon().roles.items():
        assert term.label_de != role_id
        assert term.label_en != role_id
