"""``oauthcc serve`` and ``python -m mock_provider serve`` as real processes.

Each is started on port 0, must print its URL as the first stdout line, serve a token, and
stop cleanly (exit status 0, no traceback) on SIGINT. Every wait is bounded.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

WAIT = 20.0
FIRST_LINE = "Serving mock OAuth provider at http://127.0.0.1:"


def _commands() -> list[object]:
    script = Path(sys.executable).with_name("oauthcc")
    return [
        pytest.param([str(script), "serve"], id="oauthcc_serve"),
        pytest.param([sys.executable, "-m", "mock_provider", "serve"], id="python_m_mock_provider"),
    ]


class _Lines:
    """The lines a process writes to stdout, read by a thread so every wait is bounded."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self._queue: queue.Queue[str | None] = queue.Queue()
        assert process.stdout is not None
        stream = process.stdout
        self.seen: list[str] = []

        def pump() -> None:
            for line in stream:
                self._queue.put(line.rstrip("\n"))
            self._queue.put(None)

        self.thread = threading.Thread(target=pump, daemon=True)
        self.thread.start()

    def next(self) -> str:
        line = self._queue.get(timeout=WAIT)
        assert line is not None, f"the process closed stdout; it printed: {self.seen}"
        self.seen.append(line)
        return line

    def until(self, text: str) -> None:
        while self.next() != text:
            pass

    def rest(self) -> list[str]:
        lines = []
        while (line := self._queue.get(timeout=WAIT)) is not None:
            lines.append(line)
        return lines


Start = Callable[..., tuple[subprocess.Popen[str], _Lines]]


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Start]:
    """Start a process (stdout read line by line); it is killed at teardown if still running."""
    started: list[tuple[subprocess.Popen[str], _Lines]] = []

    def launch(
        args: list[str], env: dict[str, str] | None = None
    ) -> tuple[subprocess.Popen[str], _Lines]:
        process = subprocess.Popen(
            args,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=tmp_path,
            env=env,
        )
        started.append((process, _Lines(process)))
        return started[-1]

    yield launch
    for process, lines in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=WAIT)
        lines.thread.join(timeout=WAIT)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


@pytest.mark.parametrize("command", _commands())
def test_serve_prints_url_serves_a_token_and_stops_on_sigint(
    start: Start, command: list[str]
) -> None:
    process, lines = start(
        [*command, "--port", "0", "--client", "cli-client:cli-secret:read,write"],
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )
    first = lines.next()
    assert first.startswith(FIRST_LINE)
    url = first.removeprefix("Serving mock OAuth provider at ")
    port = url.rsplit(":", 1)[1]
    assert port.isdigit()
    assert first == f"Serving mock OAuth provider at http://127.0.0.1:{port}"
    lines.until("Press Ctrl-C to stop.")
    response = httpx.post(
        f"{url}/oauth/token",
        data={"grant_type": "client_credentials", "scope": "read"},
        auth=("cli-client", "cli-secret"),
        timeout=5,
    )
    assert response.status_code == 200
    assert response.json()["scope"] == "read"
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=WAIT) == 0
    assert lines.rest() == ["Stopped."]
    assert process.stderr is not None
    stderr = process.stderr.read()
    assert "Traceback" not in stderr
    assert stderr == ""
    # The access token never reaches the server's output.
    assert response.json()["access_token"] not in "\n".join(lines.seen)


def test_serve_without_clients_registers_the_demo_client(start: Start) -> None:
    process, lines = start([sys.executable, "-m", "mock_provider", "serve"])
    url = lines.next().removeprefix("Serving mock OAuth provider at ")
    assert "  client demo-client:demo-secret scopes: read write" in [lines.next(), lines.next()]
    lines.until("Press Ctrl-C to stop.")
    response = httpx.post(
        f"{url}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=("demo-client", "demo-secret"),
        timeout=5,
    )
    assert response.json()["scope"] == "read write"
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=WAIT) == 0


@pytest.mark.parametrize("command", _commands())
def test_serve_sigint_right_after_the_first_line_stops_cleanly(
    start: Start, command: list[str]
) -> None:
    # A script that waits for the first line and interrupts at once lands while the
    # banner is still being printed: that too is a clean stop.
    process, lines = start([*command, "--port", "0"])
    assert lines.next().startswith(FIRST_LINE)
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=WAIT) == 0
    assert lines.rest()[-1:] == ["Stopped."]
    assert process.stderr is not None
    assert "Traceback" not in process.stderr.read()
