"""`liveblog-alerts stories`: the bot's own merger over a stream, one line per entry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main

PAIRS = Path(__file__).parent / "story_pairs.jsonl"


def entries() -> dict[str, dict[str, str]]:
    found = {}
    for line in PAIRS.read_text("utf-8").splitlines():
        item = json.loads(line)
        for side in ("a", "b"):
            found[item["id"] + side] = item[side]
    return found


def stream(tmp_path: Path, ids: list[str], extra: list[str] = ()) -> Path:  # type: ignore[assignment]
    known = entries()
    lines = [
        json.dumps(
            {
                "id": ident,
                "source": known[ident]["source"],
                "published": known[ident]["published"],
                "title": known[ident]["title"],
                "text": known[ident]["text"],
            },
            ensure_ascii=False,
        )
        for ident in ids
    ]
    path = tmp_path / "stream.jsonl"
    path.write_text("\n".join([*lines, *extra]) + "\n", "utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[list[dict[str, object]], str]:
    assert main(["stories", *args]) == 0
    out, err = capsys.readouterr()
    return [json.loads(line) for line in out.splitlines()], err


def test_one_line_per_entry_naming_its_story(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # s01: one air raid on Kyiv from two outlets; s02a: another raid earlier that night.
    path = stream(tmp_path, ["s02a", "s01a", "s01b"], ['{"id": "broken"', '{"id": "x"}'])
    lines, err = run(capsys, str(path))
    assert lines == [
        {"id": "s02a", "story": "s02a"},
        {"id": "s01a", "story": "s01a"},
        {"id": "s01b", "story": "s01a"},
    ]
    assert "stream.jsonl:4: skipped" in err
    assert "stream.jsonl:5: skipped" in err


def test_explain_says_why(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines, _ = run(capsys, str(stream(tmp_path, ["s01a", "s01b"])), "--explain")
    [compared] = lines[1]["explain"]["compared"]  # type: ignore[index]
    assert compared["story"] == "s01a"
    assert compared["same"] is True
    assert compared["cosine"] > 0.8
    assert "g703448" in compared["shared"]["places"]  # Kyiv, by its gazetteer id


def test_one_outlet_is_never_merged_with_itself(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = stream(tmp_path, ["s01a", "s01b"])
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    rows[1]["source"] = rows[0]["source"]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", "utf-8")
    lines, _ = run(capsys, str(path))
    assert [line["story"] for line in lines] == ["s01a", "s01b"]


def test_a_missing_file_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["stories", str(tmp_path / "nope.jsonl")]) == 2
    assert "cannot read" in capsys.readouterr().err
