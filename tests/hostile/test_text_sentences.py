"""Sentence splitting looks back a bounded way: a page of "Nr. A Nr. A …" (every period
after an abbreviation, so no sentence ends) is split in linear time, with the same
sentences as a full look back gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.matching import normalize
from bot.matching.normalize import sentence_spans


def reference(text: str) -> list[tuple[int, int]]:
    """The split with an unbounded look back at the word before each period."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in normalize._SENTENCE_END.finditer(text):
        before = text[start : match.start()].rstrip()
        last_word = before.rsplit(None, 1)[-1] if before else ""
        last_word = last_word.lstrip("(\"'„“").lower()
        if text[match.start()] == "." and (
            last_word in normalize._ABBREVIATIONS or last_word.isdigit()
        ):
            continue
        spans.append((start, match.end()))
        start = match.end()
    if start < len(text) and text[start:].strip():
        spans.append((start, len(text)))
    return spans


pieces = st.sampled_from(
    [
        "Nr",
        "Dr",
        "ca",
        "4",
        "2024",
        "Kiew",
        "Angriff",
        "x" * 70,
        "9" * 80,
        ".",
        "!",
        "?",
        "…",
        " ",
        "  ",
        "\n",
        "„",
        "(",
        '"',
        "A",
        "Ä",
        "Z",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(pieces, max_size=120).map("".join))
def test_bounded_look_back_splits_like_the_full_one(text: str) -> None:
    assert sentence_spans(text) == reference(text)


def test_a_long_run_of_abbreviations_is_one_sentence() -> None:
    text = "Nr. A " * 33_000  # 200 KB: the most an entry is matched on
    assert sentence_spans(text) == [(0, len(text))]
