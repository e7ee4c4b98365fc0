"""Trim a saved page for the test data: whole <style> and <svg> elements go, nothing else.

Scripts stay (a page's inline JavaScript is exactly what fooled substring detection);
no text is edited. Usage: python -m tests.sources.real.trim IN.html[.gz] OUT.html.gz
"""

from __future__ import annotations

import gzip
import re
import sys
from pathlib import Path

WHOLE = re.compile(rb"<(style|svg)\b[^>]*>.*?</\1\s*>", re.I | re.S)


def trim(data: bytes) -> bytes:
    return WHOLE.sub(b"", data)


def main(source: str, target: str) -> None:
    raw = Path(source).read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    Path(target).write_bytes(gzip.compress(trim(raw), mtime=0))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
