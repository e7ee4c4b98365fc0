"""Links found on a page: absolute, de-duplicated in order, and bounded.

A hostile page can carry tens of thousands of links. They are collected in one
linear pass (a dict keeps the first-seen order) and only the first MAX_LINKS
distinct ones are considered at all: a real overview or liveblog page has a few
hundred, and the links that matter (the newest day, the previous day) come early.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from urllib.parse import urldefrag, urljoin

MAX_LINKS = 2000  # distinct links considered per page (a real one has a few hundred)
MAX_LINK_CHARS = 2000  # longer hrefs are no liveblog's address


def absolute_link(base: str, href: str) -> str | None:
    """`href` resolved against `base`, without fragment; None for unusable hrefs."""
    href = href.strip()
    if not href or len(href) > MAX_LINK_CHARS:
        return None
    try:
        return urldefrag(urljoin(base, href))[0]
    except ValueError:  # e.g. "http://[broken" (an unclosed IPv6 literal)
        return None


def unique_links(
    hrefs: Iterable[str],
    base: str,
    keep: Callable[[str], bool] | None = None,
    limit: int = MAX_LINKS,
) -> list[str]:
    """The links among the first `limit` distinct ones of `hrefs` that `keep` accepts,
    absolute, first seen first. Linear: a dict remembers what was seen, in order."""
    seen: dict[str, bool] = {}  # absolute link -> kept
    for href in hrefs:
        if len(seen) >= limit:
            break
        link = absolute_link(base, href)
        if link is not None and link not in seen:
            seen[link] = keep is None or keep(link)
    return [link for link, kept in seen.items() if kept]
