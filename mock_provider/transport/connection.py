"""HTTP/1.1 over one connection: how the socket server reads requests and writes answers.

:mod:`http.server` parses the request line and headers; the provider's own
:class:`~mock_provider.protocol.http.Request` is built straight from them (no WSGI environ round
trip). Connections are kept alive (RFC 9112 §9.3), which werkzeug's development server never
does: that one answers ``Connection: close`` to everything because it cannot drain an unread
request body. Here every request body is read whole, by its ``Content-Length`` or its chunks
(RFC 9112 §6.3, §7.1), before the provider answers, so the stream always stands at the next
request. Anything the parser refuses is answered with RFC 6749-shaped JSON and the connection
is closed.

Layering: imports ``protocol`` and ``faults.queue`` only; serves any
:class:`~mock_provider.protocol.http.Served`.
"""

from __future__ import annotations

import contextlib
import logging
import re
import socket
import socketserver
import ssl
import struct
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import unquote, urlsplit

from mock_provider.faults.queue import ConnectionDropped, carry_out
from mock_provider.protocol.errors import sanitize_description
from mock_provider.protocol.http import Headers, Request, Response, Served

__all__ = ["IDLE_TIMEOUT", "MAX_BODY", "ThreadedServer"]

log = logging.getLogger("mock_provider.server")

#: The largest request body accepted (1 MiB); a larger one is refused with 413.
MAX_BODY = 1 << 20
#: Seconds a connection may wait for its next request (or a slow body) before it is closed.
IDLE_TIMEOUT = 60.0
_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]{1,8}")
_MAX_TRAILERS = 100
_TOO_LARGE = "the request body is over 1 MiB"


class _Refused(Exception):
    """A request the server cannot read; answered with ``status`` and the connection closed."""

    def __init__(self, status: HTTPStatus, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


class ThreadedServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    """One thread per connection; remembers open connections so that stopping ends them."""

    daemon_threads = True  # request threads must not keep the interpreter alive
    allow_reuse_address = True

    def __init__(
        self, host: str, port: int, target: Served, ssl_context: ssl.SSLContext | None
    ) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.target = target
        self.ssl_context = ssl_context
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        super().__init__((host, port), _Handler)

    def opened(self, sock: socket.socket) -> None:
        with self._lock:
            self._open.add(sock)

    def closed(self, sock: socket.socket) -> None:
        with self._lock:
            self._open.discard(sock)

    def end_connections(self) -> None:
        """Shut every open connection, waking the threads that wait on idle ones."""
        with self._lock:
            sockets = list(self._open)
        for sock in sockets:
            # OSError: already closed by the client or by its own thread.
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # socketserver would print a traceback to stderr; a provider bug is logged instead
        # (without request data, which may hold secrets).
        log.error("mock provider server failed on a connection", exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    """Parse requests with :mod:`http.server`, answer them with the provider, keep alive."""

    server: ThreadedServer
    protocol_version = "HTTP/1.1"
    server_version = "mock-oauth-provider"
    timeout = IDLE_TIMEOUT
    # An answer leaves in one segment: buffered (flushed after each request by http.server)
    # and without Nagle's algorithm, which with the client's delayed ACK would hold a
    # kept-alive connection's small writes back by tens of milliseconds.
    wbufsize = -1
    disable_nagle_algorithm = True

    def setup(self) -> None:
        context = self.server.ssl_context
        if context is not None:
            # The handshake happens on the first read, in this connection's own thread, so a
            # client that never completes it cannot stall the accept loop.
            self.request = context.wrap_socket(
                self.request, server_side=True, do_handshake_on_connect=False
            )
        super().setup()
        self.server.opened(self.connection)

    def finish(self) -> None:
        self.server.closed(self.connection)
        with contextlib.suppress(OSError):  # the client is gone; nothing left to flush
            super().finish()
        if self.server.ssl_context is not None:
            self.connection.close()

    def handle(self) -> None:
        try:
            super().handle()
        except OSError:  # the client reset the connection, or TLS failed: nothing to answer
            self.close_connection = True

    def __getattr__(self, name: str) -> Any:
        # Every method reaches the provider, which answers 405 where a method is not allowed.
        if name.startswith("do_"):
            return self._serve
        raise AttributeError(name)

    def _serve(self) -> None:
        try:
            body = self._read_body()
        except _Refused as refused:
            self.send_error(refused.status, refused.description)
            return
        # RFC 9112 §3.2: origin-form ("/path?query") or absolute-form ("http://host/path").
        try:
            target = urlsplit(self.path)
        except ValueError:  # e.g. an unclosed IPv6 literal in an absolute-form target
            self.send_error(HTTPStatus.BAD_REQUEST, "the request target is not a valid URI")
            return
        request = Request(
            method=self.command.upper(),
            path=unquote(target.path, errors="replace") or "/",
            query=target.query,
            headers=Headers(self.headers.items()),
            body=body,
            scheme="https" if self.server.ssl_context is not None else "http",
            host=self.headers.get("Host", ""),
        )
        response = self.server.target.handle(request)
        try:
            carry_out(response)  # a scripted delay, or a dropped connection
        except ConnectionDropped:
            self._reset()
            return
        self._send(response)

    def _read_body(self) -> bytes:
        """The whole request body (RFC 9112 §6.3), leaving the stream at the next request."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            # RFC 9112 §6.1: Transfer-Encoding overrides Content-Length, and the connection
            # must be closed afterwards (the two disagreeing is how requests get smuggled).
            if "Content-Length" in self.headers:
                self.close_connection = True
            return self._read_chunked()
        lengths = set(self.headers.get_all("Content-Length") or ())
        if not lengths:
            return b""
        raw = lengths.pop().strip()
        if lengths or not raw.isdigit():
            # RFC 9112 §6.3 (5): an invalid Content-Length is an unrecoverable framing error.
            raise _Refused(HTTPStatus.BAD_REQUEST, "the Content-Length header is not valid")
        length = int(raw)
        if length > MAX_BODY:
            raise _Refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, _TOO_LARGE)
        body = self.rfile.read(length) if length else b""
        if len(body) < length:
            raise _Refused(HTTPStatus.BAD_REQUEST, "the request body ended before its length")
        return body

    def _read_chunked(self) -> bytes:
        """De-chunk a body (RFC 9112 §7.1), bounded by :data:`MAX_BODY`."""
        body = bytearray()
        while True:
            line = self.rfile.readline(1024)
            size_text = line.split(b";", 1)[0].strip()
            if not _CHUNK_SIZE.fullmatch(size_text):
                raise _Refused(HTTPStatus.BAD_REQUEST, "a chunk size is not valid hexadecimal")
            size = int(size_text, 16)
            if size == 0:
                break
            if len(body) + size > MAX_BODY:
                raise _Refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, _TOO_LARGE)
            chunk = self.rfile.read(size)
            if len(chunk) < size or self.rfile.readline(3) not in (b"\r\n", b"\n"):
                raise _Refused(HTTPStatus.BAD_REQUEST, "the chunked request body is truncated")
            body += chunk
        # RFC 9112 §7.1.2: an optional trailer section, ended by an empty line.
        for _ in range(_MAX_TRAILERS):
            if self.rfile.readline(65537) in (b"\r\n", b"\n", b""):
                return bytes(body)
        raise _Refused(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "too many trailer fields")

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        for key, value in response.headers:
            self.send_header(key, value)
        # RFC 9110 §8.6: no Content-Length on 1xx and 204 answers.
        bodiless = response.status < 200 or response.status == 204
        if not bodiless and response.header("Content-Length") is None:
            self.send_header("Content-Length", str(len(response.body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        elif self.request_version == "HTTP/1.0":
            self.send_header("Connection", "keep-alive")  # it asked for it (RFC 9112 §9.3)
        self.end_headers()
        if self.command != "HEAD" and response.body and not bodiless:
            self.wfile.write(response.body)

    def _reset(self) -> None:
        """Drop the connection with RST, as a crashed load balancer does."""
        self.close_connection = True
        # SO_LINGER with a zero timeout makes close() send RST instead of FIN: the client
        # sees "connection reset by peer".
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Refuse an unreadable request (bad request line, headers or body) with JSON.

        ``http.server`` answers these with an HTML page; the provider promises RFC-shaped
        JSON for every refusal. The connection is closed: the stream cannot be trusted.
        """
        description = sanitize_description(message or explain or "the request is malformed")
        # The message echoes the request line, which may carry a secret in its query.
        log.debug("refused an unreadable request with status %d", code)
        self.close_connection = True
        # http.server writes no status line or headers for what it took as HTTP/0.9 (any
        # unparseable request line); garbage still gets a full HTTP/1.x answer.
        if self.request_version == "HTTP/0.9":
            self.request_version = "HTTP/1.0"
        payload = {"error": "invalid_request", "error_description": description}
        self._send(Response.json(code, payload, {"Cache-Control": "no-store"}))

    def version_string(self) -> str:
        # http.server appends the Python version ("... Python/3.11.7"); the Server header
        # names the provider only.
        return self.server_version

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        # No access log: request lines may carry secrets in their query strings.
        return

    def log_message(self, format: str, *args: Any) -> None:
        # Only the format: http.server's arguments echo the request line.
        log.debug("http: %s", format)
