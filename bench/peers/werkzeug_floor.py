"""The static-token floor: a threaded werkzeug server answering every request with one token.

This is what a hand-written pytest-httpserver handler does (``respond_with_json``), with no
OAuth logic at all. Run as a process it prints ``TOKEN_URL <url>`` and stops when stdin closes;
:func:`start` serves it in a thread of the calling process.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

TOKEN = {
    "access_token": "static-bench-token-0123456789abcdef0123456789",
    "token_type": "Bearer",
    "expires_in": 3600,
}
BODY = json.dumps(TOKEN).encode()
HEADERS = [
    ("Content-Type", "application/json"),
    ("Cache-Control", "no-store"),
    ("Content-Length", str(len(BODY))),
]


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Answer any request with the constant token."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    if length:
        environ["wsgi.input"].read(length)
    start_response("200 OK", HEADERS)
    return [BODY]


class _Quiet(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return


def start() -> tuple[BaseWSGIServer, threading.Thread, str]:
    """Serve the floor on a free loopback port in a daemon thread; return it and its URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_Quiet)
    server.daemon_threads = True  # type: ignore[attr-defined]
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    return server, thread, f"http://127.0.0.1:{server.server_port}/oauth/token"


def main() -> None:
    """Serve until stdin closes."""
    server, thread, url = start()
    print(f"TOKEN_URL {url}", flush=True)
    sys.stdin.read()
    server.shutdown()
    thread.join(timeout=5)


if __name__ == "__main__":
    main()
