"""An edit of a huge entry is judged without a quadratic diff on the event loop (4,000
repeated words took 8 s): the diff only ever sees a bounded number of words, and an
entry of ordinary size is decided exactly as before."""

from __future__ import annotations

from difflib import SequenceMatcher

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.delivery import changes
from bot.delivery.changes import EXACT_WORDS, SIMILARITY_THRESHOLD, _words, material_change


def reference(before: str, after: str) -> bool:
    """The rule with a full diff, whatever the size."""
    if changes._NUMBER.findall(before) != changes._NUMBER.findall(after):
        return True
    old, new = _words(before), _words(after)
    if old == new:
        return False
    if len(old) + len(new) <= 4:
        return True
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    changed = sum(
        max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"
    )
    return matcher.ratio() < SIMILARITY_THRESHOLD and changed > 1


@pytest.fixture
def diff_sizes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of words every diff is asked to compare."""
    sizes: list[int] = []

    def counted(junk: None, a: list[str], b: list[str], autojunk: bool) -> SequenceMatcher[str]:
        sizes.append(len(a) + len(b))
        return SequenceMatcher(junk, a, b, autojunk=autojunk)

    monkeypatch.setattr(changes, "SequenceMatcher", counted)
    return sizes


def test_editing_a_huge_entry_diffs_only_a_bounded_part(diff_sizes: list[int]) -> None:
    body = "Kiew meldet Angriffe. " * 5_000  # 15,000 words
    assert not material_change(body, body + "Ein Tippfehler")  # one word more
    rewritten = body[: len(body) // 2] + "Charkiw meldet Explosionen. " * 2_500
    assert material_change(body, rewritten)  # half of it is new
    assert material_change(body, "Neue Lage. " + body[: len(body) // 3])
    assert diff_sizes
    assert max(diff_sizes) <= EXACT_WORDS


words = st.sampled_from(["Kiew", "meldet", "Angriffe", "Charkiw", "und", "die", "Lage"])


@settings(max_examples=200, deadline=None)
@given(st.lists(words, max_size=300), st.lists(words, max_size=300), st.integers(0, 300))
def test_decisions_are_those_of_the_full_diff(head: list[str], tail: list[str], cut: int) -> None:
    before = " ".join(head)
    after = " ".join(head[:cut] + tail)
    assert len(_words(before)) + len(_words(after)) <= EXACT_WORDS
    assert material_change(before, after) == reference(before, after)
