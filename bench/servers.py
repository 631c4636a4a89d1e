"""Part 2: the socket server against the werkzeug floor, oauth2-mock-server and pytest-iam.

Every server is measured the same way by the same client code: start-up to the first token
(with an ``httpx.Client``), then token requests per second from 1 keep-alive connection and
from 8 threads each with its own (a minimal raw HTTP/1.1 client, :class:`RawClient`, so the
load generator is not the bottleneck). Two families are compared:

* in a thread of the benchmark process (what the ``oauth_server`` fixture does):
  ``provider.serve()`` against a threaded werkzeug server answering a constant token, and
  against the same with keep-alive (``http.server``, the design ``provider.serve()`` uses);
* in a process of its own (how the peers run): ``python -m mock_provider serve``, the werkzeug
  floor script, oauth2-mock-server under node and pytest-iam's Canaille server.
"""

from __future__ import annotations

import base64
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
from common import (
    BENCH,
    PYTHON,
    ROOT,
    Row,
    Settings,
    interleaved,
    median,
    paired_ratio,
    unavailable,
)
from peers import keepalive_floor, werkzeug_floor

from mock_provider import MockProvider, SystemClock

FORM = {"grant_type": "client_credentials"}
NODE_DIR = BENCH / ".node"
NODE_MODULE = NODE_DIR / "node_modules" / "oauth2-mock-server" / "dist" / "index.mjs"
IAM_VENV = BENCH / ".venv-iam"
IAM_PYTHON = IAM_VENV / "bin" / "python"
START_TIMEOUT = 120.0


@dataclass
class Running:
    """A started server: where to ask for tokens, with which credentials, how to stop it."""

    token_url: str
    auth: tuple[str, str]
    stop: Callable[[], None]
    extra: dict[str, Any] = field(default_factory=dict)


def first_token(running: Running, client: httpx.Client) -> None:
    """Fetch one token (on a new connection: the server's port is new)."""
    response = client.post(running.token_url, auth=running.auth, data=FORM)
    if response.status_code != 200:
        raise RuntimeError(f"{running.token_url}: {response.status_code} {response.text}")


def start_provider_thread() -> Running:
    """``provider.serve()`` in this process, as the ``oauth_server`` fixture starts it."""
    provider = MockProvider(clock=SystemClock())
    provider.add_client("bench", "bench-secret")
    server = provider.serve().start()
    return Running(provider.token_url, ("bench", "bench-secret"), server.stop, {"p": provider})


def start_floor_thread() -> Running:
    """The werkzeug floor in a thread of this process."""
    return _threaded(*werkzeug_floor.start())


def start_keepalive_floor_thread() -> Running:
    """The keep-alive ``http.server`` floor in a thread of this process."""
    return _threaded(*keepalive_floor.start())


def _threaded(server: Any, thread: threading.Thread, url: str) -> Running:

    def stop() -> None:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()

    return Running(url, ("bench", "bench-secret"), stop)


def start_process(command: list[str], marker: str = "TOKEN_URL") -> Running:
    """Start a server process and wait for the line announcing its token URL.

    The line is ``TOKEN_URL <url> [client_id secret]``; for ``python -m mock_provider serve``
    it is the "token endpoint" line. The process stops when its stdin closes (or is killed).
    """
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdin is not None
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            raise RuntimeError(f"{command[0]} exited before serving: {command}")
        if marker in line:
            break
    else:  # pragma: no cover - a hung peer
        process.kill()
        raise RuntimeError(f"{command} did not start in {START_TIMEOUT} s")
    words = line.split()
    url = words[-1] if marker != "TOKEN_URL" else words[1]
    auth = (words[2], words[3]) if marker == "TOKEN_URL" and len(words) >= 4 else None

    def stop() -> None:
        assert process.stdin is not None
        process.stdin.close()
        # Ctrl-C as well: `oauthcc serve` runs until interrupted, whatever stdin does.
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    return Running(url, auth or ("bench", "bench-secret"), stop)


def provider_process() -> Running:
    """``python -m mock_provider serve`` with the bench client."""
    return start_process(
        [PYTHON, "-m", "mock_provider", "serve", "--client", "bench:bench-secret"],
        marker="token endpoint",
    )


def floor_process() -> Running:
    """The werkzeug floor as a process."""
    return start_process([PYTHON, str(BENCH / "peers" / "werkzeug_floor.py")])


def node_process() -> Running:
    """oauth2-mock-server under node."""
    return start_process(
        ["node", str(BENCH / "peers" / "oauth2_mock_server.mjs"), str(NODE_MODULE)]
    )


def iam_process() -> Running:
    """pytest-iam's Canaille server, from its own virtualenv."""
    return start_process([str(IAM_PYTHON), str(BENCH / "peers" / "iam_server.py")])


def install_node_peer() -> str | None:
    """Install oauth2-mock-server into ``bench/.node`` if needed; return why not, or None."""
    if NODE_MODULE.exists():
        return None
    if shutil.which("node") is None or shutil.which("npm") is None:
        return "node/npm not found on PATH"
    NODE_DIR.mkdir(exist_ok=True)
    result = subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "oauth2-mock-server"],
        cwd=NODE_DIR,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0 or not NODE_MODULE.exists():
        return f"npm install oauth2-mock-server failed: {result.stderr.strip()[-300:]}"
    return None


def install_iam_peer() -> str | None:
    """Create ``bench/.venv-iam`` with pytest-iam if needed; return why not, or None."""
    if IAM_PYTHON.exists():
        check = subprocess.run([str(IAM_PYTHON), "-c", "import pytest_iam"], capture_output=True)
        if check.returncode == 0:
            return None
    steps = [
        [PYTHON, "-m", "venv", str(IAM_VENV)],
        [str(IAM_PYTHON), "-m", "pip", "install", "-q", "pytest-iam"],
    ]
    for step in steps:
        result = subprocess.run(step, capture_output=True, text=True, timeout=900)
        if result.returncode != 0:
            return f"{' '.join(step[-2:])} failed: {result.stderr.strip()[-300:]}"
    return None


class RawClient:
    """A minimal HTTP/1.1 keep-alive client sending one pre-encoded token request.

    The load generator must cost far less than the servers it measures: with 8 threads each
    driving an ``httpx.Client``, the benchmark process itself was the bottleneck (a sampling
    profile showed our server process holding the GIL only 19% of the time). This client
    encodes the request once and parses just the status line and ``Content-Length``, and
    reconnects when a server closes the connection (werkzeug's does after every answer, and
    pytest-iam's ``wsgiref`` server answers in HTTP/1.0).
    """

    def __init__(self, running: Running) -> None:
        url = urlsplit(running.token_url)
        assert url.hostname is not None
        self.address = (url.hostname, url.port or 80)
        credentials = base64.b64encode(":".join(running.auth).encode()).decode()
        body = b"grant_type=client_credentials"
        self.request = (
            f"POST {url.path or '/'} HTTP/1.1\r\nHost: {url.netloc}\r\n"
            f"Authorization: Basic {credentials}\r\nAccept: application/json\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode() + body
        self.sock: socket.socket | None = None
        self.connections = 0

    def post(self) -> int:
        """Send the token request and read the whole answer; return its status."""
        if self.sock is None:
            self.sock = socket.create_connection(self.address, timeout=30)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.connections += 1
        self.sock.sendall(self.request)
        data = b""
        while b"\r\n\r\n" not in data:
            data += self._recv()
        head, _, body = data.partition(b"\r\n\r\n")
        length = _CONTENT_LENGTH.search(head)
        if length is None:
            raise RuntimeError(f"no Content-Length in {head[:200]!r}")
        while len(body) < int(length.group(1)):
            body += self._recv()
        # HTTP/1.1 closes on "Connection: close"; HTTP/1.0 unless it says keep-alive.
        if _CLOSE.search(head) or (head.startswith(b"HTTP/1.0") and not _KEEP.search(head)):
            self.close()
        return int(head.split(b" ", 2)[1])

    def _recv(self) -> bytes:
        assert self.sock is not None
        chunk = self.sock.recv(65536)
        if not chunk:
            raise RuntimeError("the server closed the connection mid-answer")
        return chunk

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


_CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:\s*(\d+)", re.IGNORECASE)
_CLOSE = re.compile(rb"\r\nconnection:\s*close", re.IGNORECASE)
_KEEP = re.compile(rb"\r\nconnection:\s*keep-alive", re.IGNORECASE)


def requests_per_second(running: Running, total: int, clients: int) -> float:
    """Token requests per second from ``clients`` threads, each with its own keep-alive
    connection (a :class:`RawClient`)."""
    per_client = max(1, total // clients)
    barrier = threading.Barrier(clients + 1)
    errors: list[BaseException] = []

    def work() -> None:
        client = RawClient(running)
        try:
            client.post()  # connect
            barrier.wait()
            for _ in range(per_client):
                status = client.post()
                if status != 200:
                    raise RuntimeError(f"status {status}")
        except BaseException as exc:
            errors.append(exc)
            barrier.abort()
        finally:
            client.close()

    threads = [threading.Thread(target=work, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=START_TIMEOUT)
    start = time.perf_counter()
    for thread in threads:
        thread.join(timeout=600)
    elapsed = time.perf_counter() - start
    if errors:
        raise RuntimeError(f"load failed: {errors[0]!r}")
    return per_client * clients / elapsed


def start_up(starter: Callable[[], Running], client: httpx.Client) -> Callable[[], float]:
    """A repetition measuring seconds from nothing to a first token, then stopping.

    The httpx client exists beforehand (creating one loads a CA bundle, which costs tens of
    milliseconds whichever server answers); its connection to the new port is timed.
    """

    def run() -> float:
        begin = time.perf_counter()
        running = starter()
        first_token(running, client)
        elapsed = time.perf_counter() - begin
        running.stop()
        return elapsed

    return run


SUBJECTS: dict[str, tuple[str, Callable[[], Running]]] = {
    "oauthcc-thread": ("pytest-oauthcc provider.serve() (thread)", start_provider_thread),
    "floor-thread": ("werkzeug static token (thread)", start_floor_thread),
    "keepalive-thread": (
        "http.server keep-alive static token (thread)",
        start_keepalive_floor_thread,
    ),
    "oauthcc-process": ("pytest-oauthcc `python -m mock_provider serve`", provider_process),
    "floor-process": ("werkzeug static token (process)", floor_process),
    "node": ("oauth2-mock-server (node)", node_process),
    "iam": ("pytest-iam (Canaille)", iam_process),
}


def measure_servers(settings: Settings) -> list[Row]:
    """Part 2: start-up and requests per second for every available server."""
    rows: list[Row] = []
    names = [
        "oauthcc-thread",
        "floor-thread",
        "keepalive-thread",
        "oauthcc-process",
        "floor-process",
    ]
    if settings.peers:
        for name, install in (("node", install_node_peer), ("iam", install_iam_peer)):
            why = install()
            if why is None:
                names.append(name)
            else:
                rows.append(unavailable("2", "socket server", SUBJECTS[name][0], why))
    with httpx.Client(timeout=30) as client:
        start_samples = interleaved(
            settings.server_repeats,
            {name: start_up(SUBJECTS[name][1], client) for name in names},
        )
    running = {name: SUBJECTS[name][1]() for name in names}
    try:
        load: dict[str, dict[str, list[float]]] = {}
        for clients in (1, 8):
            load[str(clients)] = interleaved(
                settings.server_repeats,
                {name: _load(running[name], settings.server_requests, clients) for name in names},
            )
    finally:
        for server in running.values():
            server.stop()
    rows += _start_rows(names, start_samples)
    rows += _load_rows(names, load)
    return rows


def _load(running: Running, total: int, clients: int) -> Callable[[], float]:
    return lambda: requests_per_second(running, total, clients)


def _start_rows(names: list[str], samples: dict[str, list[float]]) -> list[Row]:
    rows = []
    for name in names:
        value = median(samples[name])
        baseline = "floor-thread" if name.endswith("thread") else "floor-process"
        rows.append(
            Row(
                "2",
                "start-up to first token",
                SUBJECTS[name][0],
                value,
                "s",
                baseline=SUBJECTS[baseline][0] if name != baseline else "",
                baseline_value=median(samples[baseline]) if name != baseline else None,
                ratio=paired_ratio(samples[name], samples[baseline]) if name != baseline else None,
                target="< 50 ms" if name == "oauthcc-thread" else "",
                met=value < 0.05 if name == "oauthcc-thread" else None,
                note="includes interpreter start-up" if "process" in name else "",
                samples=samples[name],
            )
        )
    return rows


def _load_rows(names: list[str], load: dict[str, dict[str, list[float]]]) -> list[Row]:
    rows = []
    for clients, samples in load.items():
        measurement = f"token req/s, {clients} keep-alive client{'s' if clients != '1' else ''}"
        for name in names:
            value = median(samples[name])
            comparisons = _comparisons(name, samples)
            if not comparisons:
                rows.append(Row("2", measurement, SUBJECTS[name][0], value, "req/s"))
            for baseline, minimum in comparisons:
                base = median(samples[baseline])
                r = paired_ratio(samples[name], samples[baseline])
                rows.append(
                    Row(
                        "2",
                        measurement,
                        SUBJECTS[name][0],
                        value,
                        "req/s",
                        baseline=SUBJECTS[baseline][0],
                        baseline_value=base,
                        ratio=r,
                        target=f">= {minimum}x" if minimum else "",
                        met=(r is not None and r >= minimum) if minimum else None,
                        samples=samples[name],
                    )
                )
    return rows


def _comparisons(name: str, samples: dict[str, list[float]]) -> list[tuple[str, float]]:
    """Which baselines a server is compared with, and the target ratio (0: none)."""
    if name == "oauthcc-thread":
        # Issue 16: 0.7x of the same server design answering a constant token.
        return [("floor-thread", 0.9), ("keepalive-thread", 0.7)]
    if name == "keepalive-thread":
        return [("floor-thread", 0.0)]
    if name == "oauthcc-process":
        pairs = [("floor-process", 0.9)]
        if "node" in samples:
            pairs.append(("node", 2.0))
        if "iam" in samples:
            pairs.append(("iam", 0.0))
        return pairs
    if name in ("node", "iam"):
        return [("floor-process", 0.0)]
    return []
