"""Finding 10 (part): a compression bomb cannot grow memory, and polls run a few at a time.

The 5 MB cap was checked after httpx had inflated a whole network chunk (a 500 KB
deflate bomb took the process from 28 to 158 MiB); polls had no concurrency limit.
"""

from __future__ import annotations

import asyncio
import functools
import gzip
import tracemalloc
import zlib
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.sources import samples as fixtures
from bot.sources.fetch import MAX_BYTES, FetchError
from bot.sources.inflate import CappedDecoder, TooLarge
from tests.hostile.sources_world import SourceWorld, source_world

BOMB_MB = 64  # one network chunk of it inflated whole (as httpx did) is 12x the cap


@pytest.fixture
async def world(tmp_path: Path, clock: FakeClock) -> AsyncIterator[SourceWorld]:
    async with source_world(tmp_path, clock) as running:
        yield running


@functools.cache
def bomb(wbits: int) -> bytes:
    """BOMB_MB MiB of zeros, compressed (about 1:1000), built a MiB at a time."""
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    block = b"\0" * (1 << 20)
    parts = [packer.compress(block) for _ in range(BOMB_MB)]
    return b"".join([*parts, packer.flush()])


@pytest.fixture
def traced() -> Iterator[None]:
    tracemalloc.start()
    try:
        yield
    finally:
        tracemalloc.stop()


@pytest.mark.usefixtures("traced")
@pytest.mark.parametrize(
    ("encoding", "wbits"),
    [("gzip", 16 + zlib.MAX_WBITS), ("deflate", zlib.MAX_WBITS), ("deflate", -zlib.MAX_WBITS)],
)
async def test_a_compression_bomb_is_refused_within_the_cap(
    world: SourceWorld, encoding: str, wbits: int
) -> None:
    payload = bomb(wbits)
    assert len(payload) < 100_000
    url = world.server.set("/bomb", payload, headers={"Content-Encoding": encoding})
    tracemalloc.reset_peak()
    before, _ = tracemalloc.get_traced_memory()
    with pytest.raises(FetchError, match="too large") as refused:
        await world.fetcher.fetch(url)
    _, peak = tracemalloc.get_traced_memory()
    assert "decompressed" in str(refused.value)
    # Never much more than the cap itself in memory (httpx alone inflated 64 MiB chunks).
    assert peak - before < 3 * MAX_BYTES, f"peak grew by {(peak - before) >> 20} MiB"


async def test_a_bomb_is_the_sources_error(world: SourceWorld) -> None:
    url = world.server.set("/bomb", bomb(16 + zlib.MAX_WBITS), headers={"Content-Encoding": "gzip"})
    await world.add(url)
    await world.poll_all()
    health = await world.source(url)
    assert health.last_error is not None
    assert "too large" in health.last_error


@pytest.mark.parametrize("encoding", ["gzip", "x-gzip", "deflate"])
async def test_compressed_pages_still_read_in_full(world: SourceWorld, encoding: str) -> None:
    entries = fixtures.sample_entries()[:6]
    page = fixtures.tagesschau_html(entries)
    packed = gzip.compress(page) if "gzip" in encoding else zlib.compress(page)
    url = world.server.set("/page", packed, headers={"Content-Encoding": encoding})
    assert (await world.fetcher.fetch(url)).body == page
    both = gzip.compress(page[:500]) + gzip.compress(page[500:])  # two gzip members
    url = world.server.set("/members", both, headers={"Content-Encoding": "gzip"})
    assert (await world.fetcher.fetch(url)).body == page


async def test_an_encoding_we_did_not_ask_for_is_a_clear_error(world: SourceWorld) -> None:
    url = world.server.set("/br", b"\x1b\x00", headers={"Content-Encoding": "br"})
    with pytest.raises(FetchError, match="unsupported Content-Encoding 'br'"):
        await world.fetcher.fetch(url)


async def test_polls_run_at_most_the_configured_number_at_once(world: SourceWorld) -> None:
    urls = [f"{world.server.url}/stall?n={n}" for n in range(8)]
    await world.add(*urls)
    poller = world.poller(concurrency=3)
    tasks = await poller.tick()
    assert len(tasks) == 8
    for _ in range(3):
        await asyncio.wait_for(world.server.stalled.get(), 10)
    with pytest.raises(TimeoutError):  # a fourth request does not start while three hang
        await asyncio.wait_for(world.server.stalled.get(), 0.5)
    world.server.release.set()
    await poller.wait_idle()
    assert world.server.hits["/stall"] == 8
    assert world.server.max_in_flight == 3
    # Every source was polled in the end (the stand-in answers "late": not a liveblog).
    polled = await world.storage.sources.list_active()
    assert [s.consecutive_failures for s in polled] == [1] * 8


@pytest.mark.parametrize(
    ("encoding", "pack"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw deflate, no zlib header
        ("identity", lambda data: data),
    ],
)
def test_the_decoder_reads_any_chunking_and_stops_at_the_cap(
    encoding: str, pack: Callable[[bytes], bytes]
) -> None:
    page = fixtures.tagesschau_html(fixtures.sample_entries()[:6])
    packed = pack(page)
    decoder = CappedDecoder(encoding, len(page))
    parts = [decoder.feed(b"")]  # an empty first chunk decides nothing
    parts += [decoder.feed(packed[i : i + 7]) for i in range(0, len(packed), 7)]
    assert b"".join([*parts, decoder.flush()]) == page
    tight = CappedDecoder(encoding, len(page) - 1)

    def read_all() -> None:
        for i in range(0, len(packed), 4096):
            tight.feed(packed[i : i + 4096])
        tight.flush()

    with pytest.raises(TooLarge):
        read_all()
    assert tight.size <= len(page) - 1
