"""Real captures and their expected output, in the way publisher-parser projects keep
test data (a saved page plus a JSON of what must come out of it).

Each capture is `<name>.html.gz` (or `.txt.gz`) next to `<name>.json`:

    {"origin": {"repository": …, "path": …, "commit": …, "note": …},
     "url": the page's address, "content_type": …,
     "what": what the page is and what it shows about the adapter,
     "force_format": the adapter a catalog entry names (optional),
     "expect": {"format": adapter detection picks, or null when none applies,
                "error": a phrase of the ParseError (pages without entries),
                "count": N, "page_title": …,
                "entries": [{"key", "title", "published", "updated", "text_start"}]}}

`text_start` is the first words of the entry's text (at most WORDS of them). The JSON
is written with `python -m tests.sources.real.expected NAME` from the adapter's output
and then checked by hand against the page before it is committed: a change in it is
a change in what readers get.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path
from typing import Any

from bot.sources.detect import detect_format, parse_payload
from bot.sources.model import Entry, ParseError

HERE = Path(__file__).parent
WORDS = 12


def capture_bytes(name: str) -> bytes:
    shared = spec(name).get("file")  # a real capture kept elsewhere in the repository
    if shared:
        return (HERE.parents[2] / shared).read_bytes()
    for suffix in (".html.gz", ".txt.gz", ".json.gz"):
        path = HERE / f"{name}{suffix}"
        if path.exists():
            return gzip.decompress(path.read_bytes())
    raise FileNotFoundError(name)


def spec(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((HERE / f"{name}.json").read_text("utf-8"))
    return loaded


def names() -> list[str]:
    return sorted(p.name.removesuffix(".json") for p in HERE.glob("*.json"))


def text_start(text: str) -> str:
    return " ".join(text.split()[:WORDS])


def entry_view(entry: Entry) -> dict[str, Any]:
    return {
        "key": entry.key,
        "title": entry.title,
        "published": entry.published.isoformat() if entry.published else None,
        "updated": entry.updated.isoformat() if entry.updated else None,
        "text_start": text_start(entry.text),
    }


def actual(name: str) -> dict[str, Any]:
    """What the adapters make of the capture now, in the JSON's shape."""
    page = spec(name)
    data = capture_bytes(name)
    content_type = page.get("content_type")
    out: dict[str, Any] = {}
    try:
        out["format"] = detect_format(data, content_type, page["url"])
    except ParseError as exc:
        out["format"] = None
        out["error"] = str(exc)
    # A catalog source may name its format (format = "ntv"): the page is then read
    # with that adapter whatever detection says.
    chosen = page.get("force_format") or out["format"]
    if chosen is None:
        return out
    try:
        result = parse_payload(data, page["url"], content_type, chosen)
    except ParseError as exc:
        out["error"] = str(exc)
        return out
    out.pop("error", None)
    out["count"] = len(result.entries)
    out["page_title"] = result.page_title
    out["entries"] = [entry_view(e) for e in result.entries]
    return out


def write(name: str) -> None:
    """Fill the JSON's "expect" from the adapter's output (review the diff by hand)."""
    page = spec(name)
    page["expect"] = actual(name)
    text = json.dumps(page, ensure_ascii=False, indent=2) + "\n"
    (HERE / f"{name}.json").write_text(text, "utf-8")


if __name__ == "__main__":
    for wanted in sys.argv[1:]:
        if wanted == "--write":
            continue
        if "--write" in sys.argv:
            write(wanted)
        else:
            print(json.dumps(actual(wanted), ensure_ascii=False, indent=2))
