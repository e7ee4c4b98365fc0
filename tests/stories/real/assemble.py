"""Build the dev and held-out streams from the hand-labelled news days in days/.

    python tests/stories/real/assemble.py          # rewrite dev.jsonl and heldout.jsonl
    python tests/stories/real/assemble.py --check  # exit 1 if they are out of date

Each file in days/ is one news day of real liveblog entries (several outlets, German
and English), labelled by hand (LABELLING.md). The split is by news day, fixed here
before any tuning: a day is either dev or held-out, never both.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
DAYS = HERE / "days"

# The split, by news day. Decided when the days were collected, before any merger
# was run on them; do not move a day after seeing scores.
DEV_DAYS = (
    "2022-10-10",
    "2023-05-14",
    "2024-11-06",
    "2025-06-16",
    "2025-06-17",
    "2025-06-19",
    "2025-06-24",
)
HELDOUT_DAYS = (
    "2023-10-07",
    "2023-10-08",
    "2023-10-09",
    "2024-04-14",
    "2024-12-08",
    "2025-06-14",
    "2025-06-15",
    "2025-06-22",
    "2025-06-23",
)

FIELDS = ("id", "source", "outlet", "lang", "published", "title", "text", "url", "origin", "story")
OPTIONAL = ("note",)
MAX_TEXT = 600
ORIGIN = "stored copy of the page (search tool, pages corpus)"


def load_day(day: str) -> list[dict[str, str]]:
    rows = []
    path = DAYS / f"{day}.jsonl"
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        row.setdefault("origin", ORIGIN)
        row["day"] = day
        row["_where"] = f"{path.name}:{n}"
        rows.append(row)
    return rows


def problems(rows: Sequence[dict[str, str]]) -> list[str]:
    """Everything that makes a stream unusable or a label unsound."""
    out = []
    seen: set[str] = set()
    story_day: dict[str, str] = {}
    for r in rows:
        where = r["_where"]
        for f in FIELDS:
            if f not in r:
                out.append(f"{where}: missing {f}")
        extra = set(r) - set(FIELDS) - set(OPTIONAL) - {"day", "_where"}
        if extra:
            out.append(f"{where}: unknown fields {sorted(extra)}")
        if r["id"] in seen:
            out.append(f"{where}: duplicate id {r['id']}")
        seen.add(r["id"])
        if r["lang"] not in ("de", "en"):
            out.append(f"{where}: lang {r['lang']!r}")
        if not (r.get("title") or r.get("text")):
            out.append(f"{where}: neither title nor text")
        if len(r.get("text", "")) > MAX_TEXT:
            out.append(f"{where}: text longer than {MAX_TEXT} characters")
        try:
            when = datetime.fromisoformat(r["published"])
            if when.tzinfo is None:
                out.append(f"{where}: published without a time zone")
        except ValueError:
            out.append(f"{where}: published {r['published']!r} is not ISO 8601")
        if not r["url"].startswith("http"):
            out.append(f"{where}: url {r['url']!r}")
        # A story never spans two news days: the split by day must not cut a story.
        first = story_day.setdefault(r["story"], r["day"])
        if first != r["day"]:
            out.append(f"{where}: story {r['story']} also on {first}")
    return out


def stream(days: Iterable[str]) -> list[dict[str, str]]:
    rows = [r for day in days for r in load_day(day)]
    # Stable: entries with the same time keep the order they have in their day file.
    rows.sort(key=lambda r: datetime.fromisoformat(r["published"]))
    return rows


def dump(rows: Sequence[dict[str, str]]) -> str:
    keep = (*FIELDS, *OPTIONAL)
    return "".join(
        json.dumps({k: r[k] for k in keep if k in r}, ensure_ascii=False) + "\n" for r in rows
    )


def stats() -> str:
    """Counts per split, day, outlet and language, as a Markdown table."""
    lines = ["| split | day | entries | de | en | outlets | stories | stories with 2+ entries |"]
    lines.append("|---|---|---|---|---|---|---|---|")
    for name, days in (("dev", DEV_DAYS), ("held-out", HELDOUT_DAYS)):
        for day in days:
            rows = load_day(day)
            stories: dict[str, int] = {}
            for r in rows:
                stories[r["story"]] = stories.get(r["story"], 0) + 1
            de = sum(r["lang"] == "de" for r in rows)
            lines.append(
                f"| {name} | {day} | {len(rows)} | {de} | {len(rows) - de} "
                f"| {len({r['outlet'] for r in rows})} | {len(stories)} "
                f"| {sum(1 for n in stories.values() if n > 1)} |"
            )
    outlets: dict[str, int] = {}
    for day in (*DEV_DAYS, *HELDOUT_DAYS):
        for r in load_day(day):
            key = f"{r['outlet']} ({r['lang']})"
            outlets[key] = outlets.get(key, 0) + 1
    lines.append("")
    lines.append("| outlet | entries |")
    lines.append("|---|---|")
    lines.extend(f"| {k} | {v} |" for k, v in sorted(outlets.items(), key=lambda kv: -kv[1]))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only check; write nothing")
    parser.add_argument("--stats", action="store_true", help="print counts for the README")
    args = parser.parse_args(argv)
    if args.stats:
        print(stats())
        return 0
    on_disk = sorted(p.stem for p in DAYS.glob("*.jsonl"))
    unsplit = set(on_disk) - set(DEV_DAYS) - set(HELDOUT_DAYS)
    both = set(DEV_DAYS) & set(HELDOUT_DAYS)
    if unsplit or both:
        print(f"days not in exactly one split: {sorted(unsplit | both)}", file=sys.stderr)
        return 1
    status = 0
    for name, days in (("dev", DEV_DAYS), ("heldout", HELDOUT_DAYS)):
        rows = stream(days)
        bad = problems(rows)
        for p in bad:
            print(p, file=sys.stderr)
        text = dump(rows)
        target = HERE / f"{name}.jsonl"
        if args.check:
            if bad or not target.exists() or target.read_text(encoding="utf-8") != text:
                print(f"{target.name} is out of date or invalid", file=sys.stderr)
                status = 1
        elif bad:
            status = 1
        else:
            target.write_text(text, encoding="utf-8")
            print(f"{target.name}: {len(rows)} entries")
    return status


if __name__ == "__main__":
    sys.exit(main())
