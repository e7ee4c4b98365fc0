"""Issue 10, finding 10: the token never reaches a log line, wherever an exception hides it.

The old filter looked only at `str(exc)` of the top-level exception; a token in a
chained cause, in an exception group, in args or in the traceback's source line went
out unredacted.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bot.logs import setup_logging
from tests.conftest import TOKEN

URL = f"https://api.telegram.org/bot{TOKEN}/sendMessage"


@pytest.fixture
def root_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def _chained() -> Exception:
    """A harmless top-level error caused by one that carries the token in several ways."""
    try:
        try:
            raise ConnectionError("request failed", URL, {"url": URL})
        except ConnectionError as inner:
            raise RuntimeError("sending failed") from inner
    except RuntimeError as outer:
        return outer


def _grouped() -> BaseException:
    try:
        raise ExceptionGroup("several sends failed", [ValueError(URL), KeyError(TOKEN)])
    except ExceptionGroup:
        try:
            raise LookupError("while cleaning up")  # __context__ is the group
        except LookupError as later:
            return later


def _token_in_source_line() -> BaseException:
    try:
        raise OSError(f"bot{TOKEN} is down")  # the traceback shows this source line
    except OSError as exc:
        return exc


@pytest.mark.parametrize("make", [_chained, _grouped, _token_in_source_line])
def test_no_token_in_error_logs_with_traceback(
    make: object, root_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    setup_logging(logging.INFO, secrets=[TOKEN])
    error = make()  # type: ignore[operator]
    log = logging.getLogger("bot.delivery.service")
    log.error("handler failed for %s: %s", URL, error, exc_info=error)
    log.exception("plain message with token %s", TOKEN, exc_info=error, stack_info=True)
    output = capsys.readouterr().err
    assert TOKEN not in output
    assert TOKEN.split(":")[1] not in output  # not even the secret half
    # The traceback is still there, redacted, with every chained exception.
    assert "Traceback (most recent call last)" in output
    assert "***" in output
    assert type(error).__name__ in output
    if make is _chained:
        assert "ConnectionError" in output
        assert "The above exception was the direct cause" in output
    if make is _grouped:
        assert "ValueError" in output
        assert "KeyError" in output


def test_a_record_without_secrets_is_unchanged(
    root_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    setup_logging(logging.INFO, secrets=[TOKEN])
    logging.getLogger("bot").warning("poll of %s took %d ms", "tagesschau", 12)
    assert "poll of tagesschau took 12 ms" in capsys.readouterr().err
