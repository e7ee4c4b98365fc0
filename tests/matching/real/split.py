#!/usr/bin/env python3
"""Split the real matching corpus into dev and held-out halves, by source article.

usage: split.py CORPUS.jsonl      writes dev.jsonl and heldout.jsonl beside this file
       split.py --check          checks that dev.jsonl / heldout.jsonl follow the rule

The half of an item depends only on its source article (its URL without scheme, "www."
and query string) and the fixed SEED: sha256(SEED + article) decides, so paragraphs of
one article are always in the same half, adding items never moves old ones, and nobody
can steer an item into a half by looking at how the matcher does on it. The split was
made before any rule was tuned on the corpus.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

SEED = "liveblog-alerts/real-corpus/2026-12-08"
HERE = Path(__file__).resolve().parent


def article_key(url: str) -> str:
    parts = urlsplit(url)
    host = parts.netloc.lower().removeprefix("www.")
    return host + parts.path.rstrip("/")


def half(item: dict[str, Any]) -> str:
    digest = hashlib.sha256((SEED + "|" + article_key(item["url"])).encode()).digest()
    return "dev" if digest[0] % 2 == 0 else "heldout"


def load(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def write(path: Path, items: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for item in items:
            handle.write(json.dumps(item, ensure_ascii=False) + "\n")


def main(argv: list[str]) -> int:
    if argv == ["--check"]:
        bad = [
            (name, it["id"])
            for name in ("dev", "heldout")
            for it in load(HERE / f"{name}.jsonl")
            if half(it) != name
        ]
        for name, item_id in bad:
            print(f"{item_id} is in {name} but its article belongs to the other half")
        return 1 if bad else 0
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    items = load(Path(argv[0]))
    for name in ("dev", "heldout"):
        write(HERE / f"{name}.jsonl", [it for it in items if half(it) == name])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
