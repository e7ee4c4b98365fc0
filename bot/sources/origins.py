"""Fetch an origin from somewhere else (a mirror, a cache, a local copy): LIVEBLOG_ORIGINS.

Sources keep their public URLs (in the database, in links readers get); only the request
goes to the mirror, and what comes back is read as if it came from the public origin,
so the links a page holds and the entry links built from it stay public.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit


def _origin(url: str) -> str | None:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def parse_origins(text: str) -> dict[str, str]:
    """'https://www.tagesschau.de=http://127.0.0.1:8080, …' → {public: mirror}."""
    pairs: dict[str, str] = {}
    for item in text.split(","):
        if not item.strip():
            continue
        public, sep, mirror = item.partition("=")
        left, right = _origin(public), _origin(mirror)
        if not sep or left is None or right is None:
            raise ValueError(f"LIVEBLOG_ORIGINS: {item.strip()!r} is not <origin>=<origin>")
        pairs[left] = right
    return pairs


class OriginMap:
    def __init__(self, pairs: Mapping[str, str] | None = None) -> None:
        self._out = {k.lower(): v.lower() for k, v in (pairs or {}).items()}
        self._in = {v: k for k, v in self._out.items()}

    @staticmethod
    def _swap(url: str, table: Mapping[str, str]) -> str:
        origin = _origin(url)
        if origin is None or origin not in table:
            return url
        return table[origin] + url.strip()[len(origin) :]

    def outbound(self, url: str) -> str:
        """Where to send the request for a public URL."""
        return self._swap(url, self._out)

    def inbound(self, url: str) -> str:
        """The public URL for a URL the mirror answered (after redirects)."""
        return self._swap(url, self._in)

    def __bool__(self) -> bool:
        return bool(self._out)
