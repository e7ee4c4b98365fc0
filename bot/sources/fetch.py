"""Polite fetching: conditional GET, timeouts, a size cap, few redirects, a real UA.

The size cap holds for the decoded body: we read the raw stream and inflate it
ourselves (inflate.py), so a compression bomb cannot grow memory past the cap."""

from __future__ import annotations

import asyncio
import contextlib
import zlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import httpx

from bot import __version__
from bot.sources.follow import refusal
from bot.sources.inflate import CappedDecoder, TooLarge, UnsupportedEncoding
from bot.sources.origins import OriginMap

USER_AGENT = (
    f"liveblog-alerts/{__version__} (+https://github.com/liveblog-alerts; Telegram news bot)"
)
MAX_BYTES = 5 * 1024 * 1024
TIMEOUT = httpx.Timeout(15.0, connect=5.0)
MAX_REDIRECTS = 5


class FetchError(Exception):
    """The source could not be fetched; the message is safe for logs and health."""


@dataclass(frozen=True)
class FetchResult:
    url: str  # after redirects
    status: int  # 200, or 304 for "not modified"
    body: bytes
    content_type: str | None
    charset: str | None
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def is_local_path(source: str) -> bool:
    return urlparse(source).scheme in ("", "file")


def new_client() -> httpx.AsyncClient:
    return httpx.AsyncClient(
        timeout=TIMEOUT,
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
    )


class Fetcher:
    """One shared httpx client for every source (connection reuse, one pool)."""

    def __init__(
        self,
        client: httpx.AsyncClient | None = None,
        max_bytes: int = MAX_BYTES,
        origins: OriginMap | None = None,
    ):
        self._client = client or new_client()
        self._owns_client = client is None
        self.max_bytes = max_bytes
        self.origins = origins or OriginMap()

    async def close(self) -> None:
        if self._owns_client:
            await self._client.aclose()

    async def fetch(
        self,
        source: str,
        etag: str | None = None,
        last_modified: str | None = None,
        hosts: frozenset[str] | None = None,
    ) -> FetchResult:
        """GET `source`. With `hosts` (a page found by following an overview) only
        http(s) on those hosts is fetched, and every redirect hop must stay on them."""
        if hosts is not None:
            _check_followed(source, hosts)
        if is_local_path(source):
            return await self._read_file(source)
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            request = self._client.build_request(
                "GET", self.origins.outbound(source), headers=headers
            )
            # Redirects are followed here, hop by hop, so that each one can be checked.
            for _hop in range(MAX_REDIRECTS + 1):
                async with contextlib.aclosing(
                    await self._client.send(request, stream=True, follow_redirects=False)
                ) as response:
                    if response.next_request is None:
                        return await self._complete(response)
                    request = response.next_request
                if hosts is not None:
                    _check_followed(self.origins.inbound(str(request.url)), hosts, "redirect: ")
            raise FetchError(f"more than {MAX_REDIRECTS} redirects")
        except httpx.TimeoutException as exc:
            raise FetchError(f"timed out ({type(exc).__name__})") from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"network error: {type(exc).__name__}: {exc}") from exc
        except httpx.InvalidURL as exc:
            raise FetchError(f"invalid URL: {exc}") from exc

    async def _complete(self, response: httpx.Response) -> FetchResult:
        if response.status_code == 304:
            return self._result(response, b"")
        if response.status_code >= 400:
            raise FetchError(f"HTTP {response.status_code} from {_host(response.url)}")
        return self._result(response, await self._read_body(response))

    async def _read_body(self, response: httpx.Response) -> bytes:
        """The body, decoded by us from the raw stream so that the cap holds for what we
        keep in memory (see inflate.py), not only for what came over the wire."""
        cap = self.max_bytes
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > cap:
            raise FetchError(f"response too large: {int(declared)} bytes exceed the {cap} byte cap")
        try:
            decoder = CappedDecoder(response.headers.get("Content-Encoding"), cap)
        except UnsupportedEncoding as exc:
            raise FetchError(f"unsupported Content-Encoding {str(exc)!r}") from exc
        chunks: list[bytes] = []
        received = 0
        try:
            async for raw in response.aiter_raw():
                received += len(raw)
                if received > cap:  # abort the stream: never buffer a huge page
                    raise FetchError(f"response too large: over the {cap} byte cap")
                chunks.append(decoder.feed(raw))
            chunks.append(decoder.flush())
        except TooLarge as exc:
            raise FetchError(
                f"response too large: over the {cap} byte cap once decompressed"
            ) from exc
        except zlib.error as exc:
            raise FetchError(f"broken compressed response: {exc}") from exc
        return b"".join(chunks)

    def _result(self, response: httpx.Response, body: bytes) -> FetchResult:
        content_type = response.headers.get("Content-Type")
        return FetchResult(
            url=self.origins.inbound(str(response.url)),
            status=response.status_code,
            body=body,
            content_type=content_type,
            charset=response.charset_encoding,
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
        )

    async def _read_file(self, source: str) -> FetchResult:
        path = Path(urlparse(source).path if source.startswith("file:") else source)
        try:
            body = await asyncio.to_thread(_read_capped, path, self.max_bytes)
        except OSError as exc:
            raise FetchError(f"cannot read {path}: {exc.strerror or exc}") from exc
        return FetchResult(str(path), 200, body, None, None, None, None)


def _read_capped(path: Path, cap: int) -> bytes:
    with path.open("rb") as handle:
        body = handle.read(cap + 1)
    if len(body) > cap:
        raise FetchError(f"file exceeds the {cap} byte cap")
    return body


def _check_followed(url: str, hosts: frozenset[str], context: str = "") -> None:
    reason = refusal(url, hosts)
    if reason is not None:
        raise FetchError(context + reason)


def _host(url: httpx.URL) -> str:
    return url.host or "source"
