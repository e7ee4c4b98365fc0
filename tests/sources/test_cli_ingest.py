"""`liveblog-alerts ingest` as a user runs it: twice, the second time printing nothing."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from bot.sources import samples as fixtures
from tests.sources.server import source_server


async def ingest(*args: str, cwd: Path) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "ingest",
        *args,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_ingest_the_sample_twice(tmp_path: Path) -> None:
    db = str(tmp_path / "x.sqlite3")
    code, out, _ = await ingest(str(fixtures.SAMPLE), "--db", db, cwd=tmp_path)
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    drone = next(e for e in lines if e["title"] == "Kiew erneut mit Drohnen attackiert")
    assert drone["published"] == "2024-11-04T01:26:00+01:00"
    assert drone["status"] == "new"
    assert drone["kind"] == "news"
    assert {e["kind"] for e in lines if e["title"] == "Konfliktparteien als Quelle"} == {"notice"}
    assert set(lines[0]) >= {"key", "published", "title", "text", "url", "kind", "status"}
    code, out, _ = await ingest(str(fixtures.SAMPLE), "--db", db, cwd=tmp_path)
    assert (code, out) == (0, "")


async def test_ingest_a_url_with_format_override_and_a_broken_one(tmp_path: Path) -> None:
    db = str(tmp_path / "y.sqlite3")
    async with source_server() as server:
        url = server.set("/feed", fixtures.rss(fixtures.sample_entries()[:3]), "text/plain")
        code, out, _ = await ingest(url, "--format", "feed", "--db", db, cwd=tmp_path)
        assert code == 0
        assert len(out.splitlines()) == 3
        code, out, _ = await ingest(url, "--format", "feed", "--db", db, cwd=tmp_path)
        assert (code, out) == (0, "")
        assert server.hits["/feed"] == 2  # the second was a conditional GET answered 304
        broken = server.set("/broken", b"<html><body>nothing</body></html>")
        code, out, err = await ingest(broken, "--db", db, cwd=tmp_path)
    assert code == 1
    assert out == ""
    assert err.startswith("error:")


async def test_ingest_reads_every_outlet_format(tmp_path: Path) -> None:
    fixtures_dir = Path(__file__).parent / "fixtures"
    expected = {
        "ntv-ukraine-ticker.html": (8, "Selenskyj: Russland setzt nordkoreanische Soldaten ein"),
        "ap-live-ukraine.html": (3, "Ukraine says North Korean troops are now fighting in Kursk"),
        "cnn-live-ukraine.html": (3, "North Korean troops have fought in Kursk, Zelensky says"),
        "zdfheute-liveblog-ukraine.html": (
            3,
            "Selenskyj: Nordkoreanische Soldaten kämpfen in Kursk",
        ),
    }
    db = str(tmp_path / "outlets.sqlite3")
    for name, (count, first_title) in expected.items():
        code, out, err = await ingest(str(fixtures_dir / name), "--db", db, cwd=tmp_path)
        assert code == 0, err
        lines = [json.loads(line) for line in out.splitlines()]
        assert len(lines) == count, name
        assert lines[0]["title"] == first_title
        assert all(line["status"] == "new" for line in lines)
    # A format named on the command line is used as it is.
    ticker = str(fixtures_dir / "ntv-ukraine-ticker.html")
    code, _out, err = await ingest(ticker, "--format", "ap", "--db", db, cwd=tmp_path)
    assert code == 1
    assert "bsp-liveblog-post" in err


async def test_ingest_output_feeds_match(tmp_path: Path) -> None:
    """`ingest` printed `key`, `match` wanted `id`: every line was skipped."""
    code, out, _ = await ingest(
        str(fixtures.SAMPLE), "--db", str(tmp_path / "m.sqlite3"), cwd=tmp_path
    )
    assert code == 0
    lines = tmp_path / "entries.jsonl"
    lines.write_text(out, encoding="utf-8")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "match",
        "--query",
        "Drohnen",
        str(lines),
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    found, err = await process.communicate()
    assert process.returncode == 0
    assert "skipped" not in err.decode()
    matched = [json.loads(line)["id"] for line in found.decode().splitlines()]
    keys = {json.loads(line)["key"]: json.loads(line)["title"] for line in out.splitlines()}
    assert matched
    assert "Kiew erneut mit Drohnen attackiert" in {keys[m] for m in matched}
