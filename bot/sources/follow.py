"""Which links a followed overview may turn into sources, and where their fetches may go.

A followed overview is foreign input: every link on it that matches the pattern
would be fetched on its own schedule, its text pushed to readers. So a followed
page must be http(s), on the overview's own host (or a host the operator listed in
LIVEBLOG_FOLLOW_HOSTS), and must never redirect elsewhere (the fetcher checks every
hop). The pattern is matched against the link's whole path (`re.fullmatch`), for
example `/newsticker/liveblog-ukraine-[a-z0-9-]+\\.html`: an unanchored search let
`file:///…/liveblog-ukraine` or `http://10.0.0.1/?liveblog-ukraine` through.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

SCHEMES = frozenset({"http", "https"})


def host_of(url: str) -> str:
    """The URL's host name, lower case ('' when it has none or cannot be read)."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:  # an unclosed IPv6 literal and the like
        return ""


def allowed_hosts(overview_url: str, extra: Iterable[str] = ()) -> frozenset[str]:
    """The overview's own host plus the hosts the operator listed."""
    hosts = {host.strip().lower() for host in extra if host.strip()}
    own = host_of(overview_url)
    return frozenset(hosts | {own} if own else hosts)


def refusal(url: str, hosts: frozenset[str]) -> str | None:
    """Why a followed page at `url` must not be fetched, or None when it may."""
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return "followed link refused: not a readable URL"
    if scheme not in SCHEMES:
        return f"followed link refused: scheme {scheme or 'none'!r} is not http(s)"
    host = host_of(url)
    if host not in hosts:
        return f"followed link refused: host {host or 'none'!r} is not the overview's"
    return None


def match_path(regex: re.Pattern[str], url: str) -> re.Match[str] | None:
    """The pattern matched against the whole path of the link (query and fragment aside)."""
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    return regex.fullmatch(path)


def looks_like_path_pattern(pattern: str) -> bool:
    """Path patterns start with '/' (a bare word like `liveblog-ukraine` matches nothing)."""
    return pattern.removeprefix("^").startswith(("/", ".*"))
