"""`make image-test`, after the image is built: run each role of the image against the
Bot API stand-in and the machine's PostgreSQL, and check that it really works.

For each case the containers run on the host's network (podman, runc) with a liveblog
served from this process (a JSON Feed on 127.0.0.1), and a reader in the stand-in: every
container's /healthz must answer 200 and `liveblog-alerts health` (the image's
HEALTHCHECK) exit 0, also through the heartbeat file; the reader subscribes, a matching
entry appears on the page, and its alert must reach the reader through the container(s).
No container may log a traceback. Cases: `run` (role all, SQLite in a volume, the
image's default command) and `run --role ingest` + `run --role deliver` (PostgreSQL in a
throw-away schema).

Prints one line per step and a JSON summary; exits non-zero on the first failure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bot.devserver import DevServer  # noqa: E402
from bot.devserver.client import ChatDriver  # noqa: E402
from bot.sources.samples import sample_entries  # noqa: E402

TOKEN = "123456:IMAGE-test-token"
PODMAN_RUN = [
    "podman", "--runtime", "runc", "run", "-d", "--network", "host",
    "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=4096:4096",
    # The HEALTHCHECK's timer needs systemd, which this machine lacks; the check itself
    # (`liveblog-alerts health`) is run below with `podman exec`.
    "--no-healthcheck",
]  # fmt: skip
WAIT_S = 120.0


class Feed:
    """A liveblog as a JSON Feed that the test adds entries to."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []
        self.polls = 0
        self._lock = threading.Lock()
        feed = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with feed._lock:
                    feed.polls += 1
                    body = json.dumps(
                        {
                            "version": "https://jsonfeed.org/version/1.1",
                            "title": "Liveblog (image test)",
                            "items": list(reversed(feed.items)),
                        }
                    ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/feed+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/ticker.json"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def add(self, key: str, title: str | None, text: str) -> None:
        with self._lock:
            self.items.append(
                {
                    "id": key,
                    "title": title or "",
                    "content_text": text,
                    "url": f"{self.url}#{key}",
                    "date_published": datetime.now(UTC).isoformat(timespec="seconds"),
                }
            )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def podman(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["podman", *args], capture_output=True, text=True, check=check)


def step(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


class Failure(Exception):
    pass


@contextmanager
def containers() -> Iterator[list[str]]:
    names: list[str] = []
    try:
        yield names
    finally:
        for name in names:
            podman("rm", "-f", "-t", "5", name, check=False)


def start(
    names: list[str], image: str, name: str, env: dict[str, str], args: list[str], volume: str = ""
) -> None:
    command = [*PODMAN_RUN, "--name", name]
    for key, value in env.items():
        command += ["-e", f"{key}={value}"]
    if volume:
        command += ["-v", f"{volume}:/data"]
    subprocess.run([*command, image, *args], check=True, capture_output=True, text=True)
    names.append(name)
    step(f"started {name}: {' '.join(args) or '(default command)'}")


async def wait_healthy(name: str, port: int) -> float:
    began = time.monotonic()
    async with httpx.AsyncClient() as client:
        while time.monotonic() - began < WAIT_S:
            state = podman("inspect", "-f", "{{.State.Running}}", name, check=False).stdout
            if state.strip() != "true":
                raise Failure(f"{name} stopped:\n{podman('logs', name, check=False).stderr}")
            try:
                response = await client.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
                if response.status_code == 200:
                    return time.monotonic() - began
            except httpx.TransportError:
                pass
            await asyncio.sleep(1)
    raise Failure(f"{name}: /healthz not 200 within {WAIT_S:.0f} s")


def health_command(name: str, heartbeat_only: bool = False) -> str:
    """`liveblog-alerts health` inside the container: what the HEALTHCHECK runs; with
    heartbeat_only, through the heartbeat file rather than /healthz."""
    command = ["exec"]
    if heartbeat_only:
        command += ["-e", "LIVEBLOG_METRICS_LISTEN="]
    done = podman(*command, name, "liveblog-alerts", "health", check=False)
    if done.returncode != 0:
        raise Failure(f"{name}: health exited {done.returncode}: {done.stdout}{done.stderr}")
    return done.stdout.strip()


def no_errors(name: str) -> int:
    """No traceback and no ERROR line in the container's (JSON) log; its line count."""
    logs = podman("logs", name, check=False)
    text = logs.stdout + logs.stderr
    lines = [line for line in text.splitlines() if line.strip()]
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            record = {"level": "?", "message": line}
        if not isinstance(record, dict):
            record = {"level": "?", "message": line}
        level = str(record.get("level", ""))
        if level in ("ERROR", "CRITICAL") or record.get("exception") or "Traceback" in line:
            raise Failure(f"{name} logged an error:\n{line[:4000]}")
    return len(lines)


async def subscribe_and_alert(
    reader: ChatDriver, feed: Feed, chat_id: int, polls_before: int
) -> float:
    """/start, /abo Drohnen; a drone report appears on the page; its alert must come."""
    replies = await reader.ask(chat_id, "/start", wait_s=60, first_name="Image")
    if not replies:
        raise Failure("no answer to /start")
    replies = await reader.ask(chat_id, "/abo Drohnen", wait_s=60, first_name="Image")
    if not replies or "Drohnen" not in json.dumps(replies, ensure_ascii=False):
        raise Failure(f"/abo Drohnen: unexpected answer {replies!r}")
    step(f"chat {chat_id}: subscribed")
    # The source's first poll is history: wait until it was polled before adding news.
    began = time.monotonic()
    while feed.polls <= polls_before:
        if time.monotonic() - began > WAIT_S:
            raise Failure("the liveblog was never polled")
        await asyncio.sleep(0.5)
    report = next(e for e in sample_entries() if "Drohnen attackiert" in (e.title or ""))
    feed.add(f"drones-{chat_id}-{uuid.uuid4().hex[:6]}", report.title, report.text)
    added = time.monotonic()
    step(f"chat {chat_id}: a drone report is on the page")
    events = await reader.events(chat_id)
    mark = events[-1]["seq"] if events else 0
    while time.monotonic() - added < WAIT_S:
        for event in await reader.wait_for(chat_id, 1, after=mark, wait_s=10):
            mark = max(mark, event["seq"])
            if "Drohnen attackiert" in json.dumps(event, ensure_ascii=False):
                return time.monotonic() - added
    raise Failure(f"chat {chat_id}: no alert within {WAIT_S:.0f} s of the report")


def base_env(server: DevServer, feed: Feed) -> dict[str, str]:
    return {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": server.api_url,
        "LIVEBLOG_SOURCES": feed.url,
        "LIVEBLOG_POLL_SECONDS": "15",
        "LIVEBLOG_DELIVERY_SECONDS": "1",
        "LIVEBLOG_LOG_JSON": "true",
    }


async def case_all(image: str, server: DevServer, reader: ChatDriver) -> dict[str, Any]:
    feed = Feed()
    feed.add("intro", "Liveblog", sample_entries()[0].text)
    volume = f"lb-image-test-{uuid.uuid4().hex[:6]}"
    port = free_port()
    try:
        with containers() as names:
            env = {**base_env(server, feed), "LIVEBLOG_METRICS_LISTEN": f"127.0.0.1:{port}"}
            start(names, image, "lb-test-all", env, [], volume)  # the image's CMD: `run`
            ready = await wait_healthy("lb-test-all", port)
            step(f"lb-test-all: /healthz 200 after {ready:.1f} s")
            alert_s = await subscribe_and_alert(reader, feed, 4242, 0)
            step(f"lb-test-all: alert arrived {alert_s:.1f} s after the report appeared")
            user = podman("exec", "lb-test-all", "id", "-un").stdout.strip()
            if user != "liveblog":
                raise Failure(f"lb-test-all runs as {user!r}, not as liveblog")
            shipped = podman("exec", "lb-test-all", "ls", "/app").stdout.split()
            if shipped != ["seeds"]:
                raise Failure(f"/app holds {shipped}: only seeds/ belongs there")
            step("lb-test-all: runs as liveblog; /app holds seeds/ only")
            checks = [health_command("lb-test-all"), health_command("lb-test-all", True)]
            step(f"lb-test-all: health: {' / '.join(checks)}")
            step(f"lb-test-all: {no_errors('lb-test-all')} log lines, no error")
    finally:
        podman("volume", "rm", "-f", volume, check=False)
        feed.server.shutdown()
    return {
        "role": "all",
        "db": "sqlite",
        "healthz_s": round(ready, 1),
        "alert_s": round(alert_s, 1),
    }


async def drop_schema(pg: str, schema: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(pg)
    try:
        await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    finally:
        await conn.close()


async def case_workers(
    image: str, server: DevServer, reader: ChatDriver, pg: str
) -> dict[str, Any]:
    feed = Feed()
    feed.add("intro", "Liveblog", sample_entries()[0].text)
    schema = f"image_{uuid.uuid4().hex[:10]}"
    db = f"{pg}{'&' if '?' in pg else '?'}schema={schema}"
    ports = {"ingest": free_port(), "deliver": free_port()}
    result: dict[str, Any] = {"role": "ingest + deliver", "db": "postgresql"}
    try:
        with containers() as names:
            for role, port in ports.items():
                env = {
                    **base_env(server, feed),
                    "LIVEBLOG_DB": db,
                    "LIVEBLOG_METRICS_LISTEN": f"127.0.0.1:{port}",
                }
                start(names, image, f"lb-test-{role}", env, ["run", "--role", role])
            for role, port in ports.items():
                ready = await wait_healthy(f"lb-test-{role}", port)
                result[f"{role}_healthz_s"] = round(ready, 1)
                step(f"lb-test-{role}: /healthz 200 after {ready:.1f} s")
            alert_s = await subscribe_and_alert(reader, feed, 4343, 0)
            result["alert_s"] = round(alert_s, 1)
            step(f"ingest + deliver: alert arrived {alert_s:.1f} s after the report appeared")
            for role in ports:
                name = f"lb-test-{role}"
                checks = [health_command(name), health_command(name, True)]
                step(f"{name}: health: {' / '.join(checks)}")
                step(f"{name}: {no_errors(name)} log lines, no error")
    finally:
        feed.server.shutdown()
        await drop_schema(pg, schema)
    return result


async def main_async(args: argparse.Namespace) -> int:
    results: list[dict[str, Any]] = []
    async with (
        DevServer(host="127.0.0.1", max_long_poll_s=1.0) as server,
        ChatDriver(server.url) as reader,
    ):
        try:
            results.append(await case_all(args.image, server, reader))
            results.append(await case_workers(args.image, server, reader, args.pg))
        except Failure as failure:
            step(f"FAILED: {failure}")
            print(json.dumps({"image": args.image, "passed": False, "cases": results}))
            return 1
    print(json.dumps({"image": args.image, "passed": True, "cases": results}))
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    image = os.environ.get("IMAGE", "localhost/liveblog-alerts:test")
    parser.add_argument("--image", default=image)
    parser.add_argument(
        "--pg",
        default=os.environ.get("LIVEBLOG_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test"),
    )
    sys.exit(asyncio.run(main_async(parser.parse_args())))


if __name__ == "__main__":
    main()
