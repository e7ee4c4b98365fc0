"""HOST:PORT settings (the metrics server, the webhook listener)."""

from __future__ import annotations


def parse_listen(value: str) -> tuple[str, int]:
    """'HOST:PORT' (or ':PORT' for 127.0.0.1; '[::1]:PORT' for IPv6) → (host, port)."""
    host, sep, port = value.strip().rpartition(":")
    if not sep or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ValueError(f"expected HOST:PORT, got {value!r}")
    return host.strip("[]") or "127.0.0.1", int(port)


def local_url(host: str, port: int) -> str:
    """A URL this machine reaches the listener at (a wildcard host means loopback)."""
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
