"""The text layer: both catalogues complete and alike, plural forms, dates per language."""

from __future__ import annotations

import re
import string
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot import texts
from bot.delivery.render import AlertView, render_batch
from bot.digest.build import DigestItem, build_digest

BERLIN = ZoneInfo("Europe/Berlin")
SECTIONS = ("commands", "dates")


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def messages(language: str) -> dict[str, Any]:
    return {k: v for k, v in texts.catalogue(language).items() if k not in SECTIONS}


def forms(value: Any) -> list[str]:
    return list(value.values()) if isinstance(value, dict) else [value]


def test_both_catalogues_have_the_same_texts_with_the_same_placeholders() -> None:
    german, english = messages("de"), messages("en")
    assert set(german) == set(english)
    for key, value in german.items():
        other = english[key]
        assert isinstance(value, dict) == isinstance(other, dict), key
        assert set.union(*map(fields, forms(value))) == set.union(*map(fields, forms(other))), key


def test_plural_texts_have_every_form_and_are_chosen_by_count() -> None:
    for language in texts.LANGUAGES:
        for key, value in messages(language).items():
            if isinstance(value, dict):
                assert set(value) == set(texts.PLURAL_FORMS), (language, key)
    assert texts.text("de", "digest_counts", count=1) == "1 Meldung"
    assert texts.text("de", "digest_counts", count=2) == "2 Meldungen"
    assert texts.text("en", "digest_counts", count=1) == "1 entry"
    assert texts.text("en", "digest_counts", count=0) == "0 entries"
    assert "hätte das 1 Meldung gefunden" in texts.text("de", "recent_count", count=1)
    assert "would have found 1 entry." in texts.text("en", "recent_count", count=1)
    with pytest.raises(texts.TextError, match="plural"):
        texts.text("de", "digest_counts")


def test_no_text_hedges_a_plural_with_brackets() -> None:
    """"Abo(s)", "Seite(n)", "entries" after a 1: the plural forms say it properly."""
    hedge = re.compile(r"\w\((?:s|n|en|e)\)")
    for language in texts.LANGUAGES:
        for key, value in messages(language).items():
            for form in forms(value):
                assert not hedge.search(form.replace("http(s)", "")), (language, key, form)


def test_one_entry_is_singular_in_batches_and_digests() -> None:
    now = datetime(2024, 11, 4, 18, 0, tzinfo=UTC)
    view = AlertView(1, "Titel", "Text über Kiew.", None, now, ("Kiew",), (), "tagesschau")
    [german] = render_batch([view], BERLIN, "de")
    assert german.startswith("📰 1 neue Meldung zu deinen Themen")
    [english] = render_batch([view], BERLIN, "en")
    assert english.startswith("📰 1 new entry on your topics")
    item = DigestItem(1, ("Kiew",), "Titel", "Text über Kiew.", None, now, (), "tagesschau")
    [digest] = build_digest([item], ["Kiew"], BERLIN, "en", now, now)
    assert "\n1 entry: Kiew 1" in digest
    assert "4 Nov 2024" in digest


def test_dates_are_written_the_language_s_way() -> None:
    moment = datetime(2024, 3, 4, 8, 5, tzinfo=UTC)
    assert texts.moment("de", moment, BERLIN, "date") == "04.03.2024"
    assert texts.moment("de", moment, BERLIN) == "04.03. 09:05"
    assert texts.moment("en", moment, BERLIN, "date") == "4 Mar 2024"
    assert texts.moment("en", moment, BERLIN) == "4 Mar, 09:05"
    assert texts.moment("en", moment, ZoneInfo("America/New_York"), "time") == "03:05"
