"""Bytes to text for the plain formats: declared charset, else UTF-8, else Windows-1252."""

from __future__ import annotations

from bot.sources.model import ParseError

MAX_PAYLOAD = 10 * 1024 * 1024


def looks_binary(data: bytes) -> bool:
    head = data[:4096]
    if b"\x00" in head:
        return True
    control = sum(1 for b in head if b < 9 or 13 < b < 32)
    return bool(head) and control / len(head) > 0.05


def check_payload(data: bytes) -> None:
    if not data.strip():
        raise ParseError("the page is empty")
    if len(data) > MAX_PAYLOAD:
        raise ParseError(f"the page is larger than {MAX_PAYLOAD // (1024 * 1024)} MB")
    if looks_binary(data):
        raise ParseError("the content is binary, not text")


def decode_text(data: bytes, charset: str | None = None) -> tuple[str, list[str]]:
    """The text and any problem worth logging (a wrong or missing charset)."""
    problems: list[str] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if charset:
        try:
            return data.decode(charset), problems
        except (LookupError, UnicodeDecodeError):
            problems.append(f"declared charset {charset!r} did not fit: guessed instead")
    try:
        return data.decode("utf-8"), problems
    except UnicodeDecodeError:
        problems.append("not UTF-8: read as Windows-1252")
        return data.decode("cp1252", errors="replace"), problems
