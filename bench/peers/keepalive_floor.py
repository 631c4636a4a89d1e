"""The keep-alive static-token floor: ``http.server`` answering every request with one token.

The werkzeug floor closes the connection after every answer (werkzeug's development server
always does), so a keep-alive server beats it on connection set-up alone. This floor is the
same server design as ``provider.serve()`` (``http.server`` parsing, HTTP/1.1 keep-alive, one
buffered write per answer, no Nagle) with no OAuth logic: what the provider's own work costs
on a kept-alive connection is the ratio to it.
"""

from __future__ import annotations

import socketserver
import threading
from http.server import BaseHTTPRequestHandler
from typing import Any

from peers.werkzeug_floor import BODY, HEADERS


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    wbufsize = -1
    disable_nagle_algorithm = True

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.send_response(200)
        for key, value in HEADERS:
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, format: str, *args: Any) -> None:
        return


class _Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True


def start() -> tuple[_Server, threading.Thread, str]:
    """Serve the floor on a free loopback port in a daemon thread; return it and its URL."""
    server = _Server(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    return server, thread, f"http://127.0.0.1:{server.server_address[1]}/oauth/token"
