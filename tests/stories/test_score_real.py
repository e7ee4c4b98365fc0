"""The real-stream scorer: its metric functions on hand-made labels, and a whole run
of score_real.py on the real streams with stand-in commands (singletons, one story).
The real streams themselves are checked for shape and for being assembled from days/.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import pytest

from tests.stories import score_real
from tests.stories.real import assemble
from tests.stories.score_real import bcubed, missed_pairs, pairwise, replay_links, wrong_per_100

REAL = Path(__file__).resolve().parent / "real"

# a, b, c: one story; d, e: another; f alone.
GOLD = {"a": "s1", "b": "s1", "c": "s1", "d": "s2", "e": "s2", "f": "s3"}
LANG = {"a": "de", "b": "en", "c": "de", "d": "en", "e": "de", "f": "en"}
ORDER = ["a", "b", "c", "d", "e", "f"]


def test_pairwise_perfect_prediction() -> None:
    pred = {"a": "a", "b": "a", "c": "a", "d": "d", "e": "d", "f": "f"}
    m = pairwise(GOLD, pred)
    assert (m.true_pos, m.false_pos, m.false_neg) == (4, 0, 0)
    assert m.precision == 1.0
    assert m.recall == 1.0


def test_pairwise_counts_a_wrong_merge_and_a_split() -> None:
    # c split off its story, f merged into d's story.
    pred = {"a": "a", "b": "a", "c": "c", "d": "d", "e": "d", "f": "d"}
    m = pairwise(GOLD, pred)
    # gold pairs: ab ac bc de -> predicted: ab, de (tp 2); ac, bc missed (fn 2);
    # predicted df, ef are wrong (fp 2).
    assert (m.true_pos, m.false_pos, m.false_neg) == (2, 2, 2)
    assert m.precision == pytest.approx(0.5)
    assert m.recall == pytest.approx(0.5)
    assert m.f1 == pytest.approx(0.5)


def test_pairwise_cross_language_keeps_only_mixed_pairs() -> None:
    pred = {"a": "a", "b": "a", "c": "c", "d": "d", "e": "d", "f": "f"}
    m = pairwise(GOLD, pred, keep=LANG, cross_only=True)
    # mixed gold pairs: ab (de-en), bc (en-de), de (en-de); ac is de-de.
    # predicted: ab yes, bc no, de yes.
    assert (m.true_pos, m.false_pos, m.false_neg) == (2, 0, 1)


def test_pairwise_all_singletons_has_no_precision() -> None:
    m = pairwise(GOLD, {k: k for k in GOLD})
    assert m.precision is None
    assert m.recall == 0.0
    assert m.f1 is None


def test_missing_ids_are_their_own_story() -> None:
    m = pairwise(GOLD, {"a": "a", "b": "a"})
    assert (m.true_pos, m.false_pos, m.false_neg) == (1, 0, 3)


def test_bcubed_on_a_known_example() -> None:
    # One predicted cluster {a,b,c,d}, e and f alone.
    pred = {"a": "a", "b": "a", "c": "a", "d": "a", "e": "e", "f": "f"}
    m = bcubed(GOLD, pred)
    # precision: a,b,c 3/4 each; d 1/4; e 1; f 1 -> (2.25+0.25+2)/6 = 0.75
    # recall: a,b,c 1; d 1/2; e 1/2; f 1 -> 5/6
    assert m.precision == pytest.approx(0.75)
    assert m.recall == pytest.approx(5 / 6)


def test_bcubed_singletons_and_one_big_story() -> None:
    singles = bcubed(GOLD, {k: k for k in GOLD})
    assert singles.precision == 1.0
    assert singles.recall == pytest.approx((3 * (1 / 3) + 2 * (1 / 2) + 1) / 6)
    lumped = bcubed(GOLD, dict.fromkeys(GOLD, "a"))
    assert lumped.recall == 1.0
    assert lumped.precision == pytest.approx((3 * 3 / 6 + 2 * 2 / 6 + 1 / 6) / 6)


def test_replay_links_judge_each_link_by_its_head() -> None:
    pred = {"a": "a", "b": "a", "c": "a", "d": "a", "e": "d", "f": "f"}
    links = replay_links(ORDER, GOLD, pred)
    assert [(link.entry, link.head, link.right) for link in links] == [
        ("b", "a", True),
        ("c", "a", True),
        ("d", "a", False),  # d's story is s2, a's is s1
        ("e", "d", True),  # e joins d: both s2, even though d itself was merged wrongly
    ]
    assert wrong_per_100(links, len(ORDER)) == pytest.approx(100 / 6)


def test_a_link_to_a_later_or_unknown_entry_is_wrong() -> None:
    links = replay_links(ORDER, GOLD, {"a": "b", "d": "zz"})
    assert [(link.entry, link.right) for link in links] == [("a", False), ("d", False)]


def test_missed_pairs_in_stream_order() -> None:
    pred = {"a": "a", "b": "a", "c": "c", "d": "d", "e": "e", "f": "f"}
    assert missed_pairs(ORDER, GOLD, pred) == [("a", "c"), ("b", "c"), ("d", "e")]


# ---- the real streams -----------------------------------------------------------------


def test_real_streams_are_assembled_from_the_days_and_valid() -> None:
    assert assemble.main(["--check"]) == 0


@pytest.mark.parametrize("name", ["dev", "heldout"])
def test_real_stream_shape(name: str) -> None:
    rows = score_real.load_stream(REAL / f"{name}.jsonl")
    assert len({r["id"] for r in rows}) == len(rows)
    assert {r["lang"] for r in rows} == {"de", "en"}
    assert len({r["outlet"] for r in rows}) >= 3
    assert all(r["url"].startswith("http") for r in rows)


def _stand_in(body: str) -> str:
    """A trivial merger written here, run the way the real command is run."""
    return f"{shlex.quote(sys.executable)} -c {shlex.quote(body)}"


SINGLETONS = _stand_in(
    "import sys, json\n"
    "for line in open(sys.argv[1], encoding='utf-8'):\n"
    "    e = json.loads(line)\n"
    "    print(json.dumps({'id': e['id'], 'story': e['id']}))\n"
)
ONE_STORY = _stand_in(
    "import sys, json\n"
    "head = None\n"
    "for line in open(sys.argv[1], encoding='utf-8'):\n"
    "    e = json.loads(line)\n"
    "    assert 'story' not in e and 'note' not in e\n"
    "    head = head or e['id']\n"
    "    print(json.dumps({'id': e['id'], 'story': head}))\n"
)


def test_scorer_runs_a_command_that_keeps_every_entry_apart() -> None:
    rows = score_real.load_stream(REAL / "dev.jsonl")
    result = score_real.score(rows, score_real.run_command(SINGLETONS, rows))
    assert result["links"] == 0
    assert result["wrong_per_100"] == 0.0
    pair = result["pairwise"]
    assert isinstance(pair, score_real.PRF)
    assert pair.true_pos == 0
    assert pair.false_neg > 0
    assert isinstance(result["missed_pairs"], list)
    assert len(result["missed_pairs"]) == pair.false_neg


def test_scorer_runs_a_command_that_merges_everything() -> None:
    rows = score_real.load_stream(REAL / "dev.jsonl")
    result = score_real.score(rows, score_real.run_command(ONE_STORY, rows))
    gold = {r["id"]: r["story"] for r in rows}
    first_story = gold[rows[0]["id"]]
    expected_wrong = sum(1 for r in rows[1:] if r["story"] != first_story)
    wrong = result["wrong_links"]
    assert isinstance(wrong, list)
    assert len(wrong) == expected_wrong
    assert result["links"] == len(rows) - 1
    pair = result["pairwise"]
    assert isinstance(pair, score_real.PRF)
    assert pair.recall == 1.0
    assert pair.precision is not None
    assert pair.precision < 0.5


def test_scorer_cli_prints_the_figures(capsys: pytest.CaptureFixture[str]) -> None:
    assert score_real.main([str(REAL / "heldout.jsonl"), "--cmd", SINGLETONS]) == 0
    out = capsys.readouterr().out
    assert "pairwise, cross-language" in out
    assert "B-cubed" in out
    assert "wrong merges per 100 entries" in out
    assert "-- missed pairs" in out


def test_scorer_reports_a_failing_command() -> None:
    rows = score_real.load_stream(REAL / "heldout.jsonl")
    with pytest.raises(SystemExit, match="command failed"):
        score_real.run_command(_stand_in("raise SystemExit(3)"), rows)
