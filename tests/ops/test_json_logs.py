"""JSON log lines: one object per line, redacted like the plain ones."""

from __future__ import annotations

import io
import json
import logging

from bot.logs import JsonFormatter, RedactSecrets

TOKEN = "123:json-secret-token"


def test_json_lines_carry_message_and_traceback_redacted() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactSecrets([TOKEN]))
    log = logging.getLogger("test.json")
    log.addHandler(handler)
    log.propagate = False
    try:
        log.warning('calling %s with "quotes"\nand a line break', f"/bot{TOKEN}/getMe")
        try:
            raise RuntimeError(f"https://api.telegram.org/bot{TOKEN}/sendMessage failed")
        except RuntimeError:
            log.exception("send failed")
    finally:
        log.removeHandler(handler)
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["level"] == "WARNING"
    assert first["logger"] == "test.json"
    assert first["message"] == 'calling /bot***/getMe with "quotes"\nand a line break'
    assert second["message"] == "send failed"
    assert "RuntimeError: https://api.telegram.org/bot***/sendMessage" in second["exception"]
    assert TOKEN not in stream.getvalue()
