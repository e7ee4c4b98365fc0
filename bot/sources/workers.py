"""Page parsing runs in worker threads, so no page, however large, holds the event loop.

A pool of its own: parsing must not queue behind (or starve) the default executor,
which also resolves host names for httpx. Two threads suit the machines we run on;
lxml releases the GIL while it parses, pure-Python parts share it in small slices.
The poll deadline still applies: an abandoned parse finishes in its thread (all
parsing is bounded by the payload cap and linear), its result is dropped.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="parse")


async def off_loop(work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """`work(*args, **kwargs)` in a parsing thread; the loop stays free meanwhile."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_POOL, functools.partial(work, *args, **kwargs))
