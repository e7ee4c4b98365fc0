"""Content-Encoding undone by us, with a cap on the decoded size.

httpx inflates each network chunk whole before the caller can count it: a 500 KB
deflate bomb (about 1:1000) grew the process from 28 to 158 MiB. The fetcher reads
the raw stream instead and inflates here with zlib's `max_length`, so no more than
the cap (plus one byte) is ever produced, whatever the compression ratio.
"""

from __future__ import annotations

import zlib


class TooLarge(Exception):
    """The decoded body would exceed the cap."""


class UnsupportedEncoding(Exception):
    """A Content-Encoding we did not ask for and cannot decode."""


class _Identity:
    def feed(self, data: bytes, room: int) -> bytes:
        if len(data) > room:
            raise TooLarge
        return data

    def flush(self, room: int) -> bytes:
        return b""


class _Inflate:
    """gzip (wbits 16+15) or deflate, zlib-wrapped or raw (servers send both)."""

    def __init__(self, gzip: bool) -> None:
        self._gzip = gzip
        self._wbits = 16 + zlib.MAX_WBITS if gzip else zlib.MAX_WBITS
        self._z = zlib.decompressobj(self._wbits)
        self._started = False

    def feed(self, data: bytes, room: int) -> bytes:
        if not self._started and not self._gzip and data:
            self._started = True
            try:
                return self._drain(data, room)
            except zlib.error:  # no zlib header: raw deflate, as some servers send it
                self._z = zlib.decompressobj(-zlib.MAX_WBITS)
        return self._drain(data, room)

    def _drain(self, data: bytes, room: int) -> bytes:
        out: list[bytes] = []
        produced = 0
        pending = data
        while pending:
            piece = self._z.decompress(pending, room - produced + 1)
            produced += len(piece)
            if produced > room:
                raise TooLarge
            out.append(piece)
            pending = self._z.unconsumed_tail
            if self._z.eof and self._gzip and self._z.unused_data:
                pending = self._z.unused_data  # a further gzip member
                self._z = zlib.decompressobj(self._wbits)
        return b"".join(out)

    def flush(self, room: int) -> bytes:
        rest = self._z.flush()
        if len(rest) > room:
            raise TooLarge
        return rest


class CappedDecoder:
    """Feed raw chunks, get decoded bytes; raises TooLarge past `cap` decoded bytes."""

    def __init__(self, content_encoding: str | None, cap: int) -> None:
        coding = (content_encoding or "identity").strip().lower()
        if coding in ("", "identity"):
            self._step: _Identity | _Inflate = _Identity()
        elif coding in ("gzip", "x-gzip"):
            self._step = _Inflate(gzip=True)
        elif coding == "deflate":
            self._step = _Inflate(gzip=False)
        else:  # we ask for gzip and deflate only (br, zstd, or a chain of several)
            raise UnsupportedEncoding(coding[:40])
        self.cap = cap
        self.size = 0

    def feed(self, data: bytes) -> bytes:
        return self._count(self._step.feed(data, self.cap - self.size))

    def flush(self) -> bytes:
        return self._count(self._step.flush(self.cap - self.size))

    def _count(self, decoded: bytes) -> bytes:
        self.size += len(decoded)
        return decoded
