"""Logging set-up: quiet httpx (its INFO lines carry the token) and redact the token anyway."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every secret replaced by ***."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


class RedactSecrets(logging.Filter):
    """Redacts the whole record before any formatter sees it: defence in depth.

    A secret can hide anywhere an exception carries text: its args, a chained cause
    (`__cause__`, `__context__`), an exception group's members, the traceback's source
    lines. Checking `str(exc)` misses all of those, so the filter renders exactly what a
    formatter would print (message, traceback with every chained exception, stack) and
    redacts that text; the record then carries only the redacted strings.
    """

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if s]
        self._render = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        record.msg, record.args = redact(record.getMessage(), self._secrets), None
        if record.exc_info:
            record.exc_text = self._render.formatException(record.exc_info)
            record.exc_info = None  # formatters print exc_text instead of re-rendering
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self._secrets)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, self._secrets)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line (log shippers parse it). RedactSecrets runs first, so
    the message and the traceback are already redacted text here."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False)


def setup_logging(
    level: int = logging.INFO, secrets: list[str] | None = None, json_lines: bool = False
) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(
        JsonFormatter()
        if json_lines
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    handler.addFilter(RedactSecrets(secrets or []))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL at INFO, and Bot API URLs contain the token.
    for noisy in ("httpx", "httpcore", "apscheduler", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # It logs every flood-control answer as an error with a traceback; delivery
    # reschedules those alerts and logs them itself.
    logging.getLogger("telegram.ext.AIORateLimiter").setLevel(logging.CRITICAL)
