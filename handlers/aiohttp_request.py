"""PTB's requests over aiohttp instead of httpx, for paid broadcasts.

Why: at 1,000 sends a second the HTTP client is the bot's largest cost. Measured on the
2-core dev machine against the stand-in in another process: httpx spends ~0.8-0.9 ms of
CPU per request (httpcore's pool also grows dearer with every open connection: ~2.9 ms
with 64 sends in flight), aiohttp ~0.2 ms. At the free ~30/s that makes no difference,
so the default transport stays PTB's own HTTPXRequest (bot/app.py picks).

PTB's error contract is kept: timeouts become TimedOut (chained to aiohttp's
ConnectionTimeoutError when the request never left, which handlers/telegram_io.py reads),
everything else NetworkError.
"""

from __future__ import annotations

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

_Timeout = ODVInput[float]  # a float, None, or PTB's "not given" marker


class AiohttpRequest(BaseRequest):
    """A PTB request backend over one aiohttp session (opened in initialize())."""

    def __init__(
        self,
        connection_pool_size: int = 256,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read, self._write = read_timeout, write_timeout
        self._connect, self._pool = connect_timeout, pool_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    def _timeout(self, read: _Timeout, connect: _Timeout, pool: _Timeout) -> aiohttp.ClientTimeout:
        read_s = self._read if isinstance(read, DefaultValue) else read
        connect_s = self._connect if isinstance(connect, DefaultValue) else connect
        pool_s = self._pool if isinstance(pool, DefaultValue) else pool
        # aiohttp's `connect` covers waiting for a pooled connection and connecting.
        both = None if connect_s is None or pool_s is None else connect_s + pool_s
        return aiohttp.ClientTimeout(
            total=None, connect=both, sock_connect=connect_s, sock_read=read_s
        )

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: _Timeout = BaseRequest.DEFAULT_NONE,
        write_timeout: _Timeout = BaseRequest.DEFAULT_NONE,  # aiohttp has no write timeout
        connect_timeout: _Timeout = BaseRequest.DEFAULT_NONE,
        pool_timeout: _Timeout = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        if request_data is not None and request_data.contains_files:
            # The bot sends text only; uploads would need multipart encoding here.
            raise NetworkError("AiohttpRequest sends no files")
        data = request_data.json_parameters if request_data is not None else None
        try:
            async with self._session.request(
                method,
                url,
                data=data,
                timeout=self._timeout(read_timeout, connect_timeout, pool_timeout),
            ) as response:
                return response.status, await response.read()
        except TimeoutError as err:  # aiohttp's timeouts are TimeoutErrors too
            if isinstance(err, aiohttp.ConnectionTimeoutError):
                raise TimedOut("Connect or pool timeout: the request was *not* sent") from err
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{err.__class__.__name__}: {err}") from err
