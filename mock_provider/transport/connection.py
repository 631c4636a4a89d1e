"""HTTP/1.1 over one connection: how the socket server reads requests and writes answers.

Requests are framed by :mod:`.framing` (hand-written, strict, bounded) and the provider's
own :class:`~mock_provider.protocol.http.Request` is built straight from them (no WSGI
environ round trip). Connections are kept alive (RFC 9112 §9.3), which werkzeug's
development server never does: that one answers ``Connection: close`` to everything because
it cannot drain an unread request body. Here every request body is read whole, by its
``Content-Length`` or its chunks (RFC 9112 §6.3, §7.1), before the provider answers, so the
stream always stands at the next request.

Every request gets an answer: anything the framing refuses is answered with RFC 6749-shaped
JSON and the connection closed (lingering, RFC 9112 §9.6, so the answer is not destroyed by
a reset); a bug anywhere below is a JSON ``server_error``. A request's head and body must
arrive within :attr:`Limits.request_timeout` in total (408 otherwise); at most
:attr:`Limits.max_connections` connections are served at once (503 beyond).

Layering: imports ``protocol``, ``faults.queue`` and ``transport.framing`` only; serves any
:class:`~mock_provider.protocol.http.Served`.
"""

from __future__ import annotations

import contextlib
import logging
import math
import socket
import socketserver
import ssl
import struct
import threading
import time
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import unquote, urlsplit

from mock_provider.faults.queue import ConnectionDropped, carry_out
from mock_provider.protocol.errors import sanitize_description
from mock_provider.protocol.http import Headers, Request, Response, Served

from .framing import (
    Closed,
    Reader,
    Refused,
    RequestTimeout,
    content_length,
    parse_head,
    serialize,
)

__all__ = ["IDLE_TIMEOUT", "Limits", "ThreadedServer"]

log = logging.getLogger("mock_provider.server")

#: Seconds a kept-alive connection may wait for its next request before it is closed.
IDLE_TIMEOUT = 60.0
# RFC 9112 §9.6: after a refusal, read (and discard) what the client still sends, for at
# most this long and this much, before closing; closing with unread bytes sends a reset.
_LINGER_SECONDS = 1.0
_LINGER_BYTES = 4 << 20
_SERVER_ERROR = {
    "error": "server_error",
    "error_description": "the mock provider failed unexpectedly; see its log",
}
_NO_STORE = [("Cache-Control", "no-store")]
_NOT_A_URI = "the request target is not a valid URI"


@dataclass(frozen=True)
class Limits:
    """What one server allows its clients.

    Attributes:
        max_connections: connections served at once; one more is answered 503 and closed.
        request_timeout: seconds a request's head and body may take to arrive, in total.
        idle_timeout: seconds a kept-alive connection may wait for its next request.
    """

    max_connections: int = 128
    request_timeout: float = 10.0
    idle_timeout: float = IDLE_TIMEOUT

    def __post_init__(self) -> None:
        if isinstance(self.max_connections, bool) or self.max_connections < 1:
            raise ValueError(f"max_connections must be >= 1, got {self.max_connections!r}")
        if not self.request_timeout > 0 or not self.idle_timeout > 0:
            raise ValueError("request_timeout and idle_timeout must be > 0 seconds")


class ThreadedServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    """One thread per connection, at most ``limits.max_connections`` of them; remembers
    open connections so that stopping ends them."""

    daemon_threads = True  # request threads must not keep the interpreter alive
    allow_reuse_address = True
    # socketserver's default backlog is 5: a burst of connects beyond it waits for SYN
    # retransmits (seconds). The kernel caps this at net.core.somaxconn.
    request_queue_size = max(socket.SOMAXCONN, 128)

    def __init__(
        self,
        host: str,
        port: int,
        target: Served,
        ssl_context: ssl.SSLContext | None,
        limits: Limits | None = None,
    ) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.target = target
        self.ssl_context = ssl_context
        self.limits = limits if limits is not None else Limits()
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._active = 0
        self._refusing = 0
        super().__init__((host, port), _Connection)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._lock:
            busy = self._active >= self.limits.max_connections
            # Refusals linger (up to 1 s each); a flood beyond twice the cap is just closed.
            answer = busy and self._refusing < self.limits.max_connections
            self._active += not busy
            self._refusing += answer
        if answer:
            threading.Thread(target=self._refuse_busy, args=(request,), daemon=True).start()
        elif busy:
            request.close()
        else:
            super().process_request(request, client_address)

    def _refuse_busy(self, sock: socket.socket) -> None:
        """Answer a connection over the cap with 503 and close it (lingering, bounded)."""
        try:
            _refuse_busy(sock, self.limits)
        finally:
            with self._lock:
                self._refusing -= 1

    def shutdown_request(self, request: Any) -> None:
        # The end of every connection process_request counted (served, or failed to start).
        with self._lock:
            self._active -= 1
        super().shutdown_request(request)

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


def _refuse_busy(sock: socket.socket, limits: Limits) -> None:
    description = (
        f"the mock provider serves at most {limits.max_connections} connections at once "
        "(--max-connections); retry after closing some"
    )
    payload = {"error": "temporarily_unavailable", "error_description": description}
    response = Response.json(503, payload, [*_NO_STORE, ("Retry-After", "1")])
    with contextlib.suppress(OSError):
        sock.sendall(serialize(503, _framed(response, close=True, http10=False), response.body))
        _linger(sock)
    sock.close()


def _linger(sock: socket.socket) -> None:
    """RFC 9112 §9.6: half-close, then drain what the client still sends (bounded)."""
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_WR)
        deadline = time.monotonic() + _LINGER_SECONDS
        drained = 0
        while drained < _LINGER_BYTES:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            sock.settimeout(remaining)
            data = sock.recv(65536)
            if not data:
                return
            drained += len(data)


def _framed(response: Response, *, close: bool, http10: bool) -> list[tuple[str, str]]:
    """The answer's fields plus what framing adds: Content-Length, Connection."""
    fields = response.headers
    status = response.status
    # RFC 9110 §8.6: no Content-Length on 1xx and 204 answers.
    if (status >= 200 and status != 204) and response.header("Content-Length") is None:
        fields = [*fields, ("Content-Length", str(len(response.body)))]
    if close:
        fields = [*fields, ("Connection", "close")]
    elif http10:
        fields = [*fields, ("Connection", "keep-alive")]  # it asked for it (RFC 9112 §9.3)
    return fields


class _Connection(socketserver.BaseRequestHandler):
    """Serve requests on one connection until it closes, is idle, or must be closed."""

    server: ThreadedServer

    def setup(self) -> None:
        sock: socket.socket = self.request
        context = self.server.ssl_context
        if context is not None:
            # The handshake happens on the first read, in this connection's own thread, so a
            # client that never completes it cannot stall the accept loop.
            sock = context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        # An answer leaves in one write and without Nagle's algorithm, which with the
        # client's delayed ACK would hold a kept-alive connection's answers back by tens of
        # milliseconds.
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = sock
        self.reader = Reader(sock)
        self.server.opened(sock)

    def finish(self) -> None:
        self.server.closed(self.sock)
        with contextlib.suppress(OSError):
            self.sock.close()

    def handle(self) -> None:
        limits = self.server.limits
        reader = self.reader
        try:
            while reader.wait(limits.idle_timeout):
                reader.deadline = time.monotonic() + limits.request_timeout
                if not self._serve_one():
                    if reader.buffer:  # pipelined requests after a close: no reset for them
                        _linger(self.sock)
                    return
        except OSError:  # the client reset the connection, or TLS failed: nothing to answer
            return

    def _serve_one(self) -> bool:
        """Read one request and answer it; whether the connection stays open."""
        reader = self.reader
        try:
            head = parse_head(reader.read_head())
            headers = Headers(head.fields)
            close = _wants_close(headers, head.version)
            body, must_close = self._read_body(headers, head.version)
        except Refused as refused:
            self._refuse(refused.status, refused.description)
            return False
        except RequestTimeout:
            timeout = self.server.limits.request_timeout
            self._refuse(HTTPStatus.REQUEST_TIMEOUT, f"the request took over {timeout:g} s")
            return False
        except Closed:
            return False
        reader.deadline = math.inf
        close = close or must_close
        response = self._answer(head.method, head.target, headers, body)
        try:
            carry_out(response)  # a scripted delay, or a dropped connection
        except ConnectionDropped:
            self._reset()
            return False
        fields = _framed(response, close=close, http10=head.version == "HTTP/1.0")
        status = response.status
        send_body = head.method != "HEAD" and (status >= 200 and status != 204)
        self.sock.sendall(serialize(status, fields, response.body if send_body else b""))
        return not close

    def _read_body(self, headers: Headers, version: str) -> tuple[bytes, bool]:
        """The whole request body (RFC 9112 §6.3), and whether the connection must close."""
        codings = ",".join(headers.get_all("Transfer-Encoding")).lower()
        if codings:
            # RFC 9112 §6.1: Transfer-Encoding overrides Content-Length, and the connection
            # must be closed afterwards (the two disagreeing is how requests get smuggled).
            if [c.strip() for c in codings.split(",")] != ["chunked"]:
                # RFC 9112 §6.3 (4): chunked must be the final coding; others are not served.
                raise Refused(HTTPStatus.NOT_IMPLEMENTED, "only chunked transfer coding is served")
            self._continue(headers, version)
            return self.reader.read_chunked(), "Content-Length" in headers
        lengths = headers.get_all("Content-Length")
        if not lengths:
            return b"", False
        length = content_length(lengths)
        if not length:
            return b"", False
        self._continue(headers, version)
        return self.reader.read_exact(length), False

    def _continue(self, headers: Headers, version: str) -> None:
        # RFC 9110 §10.1.1: a client that sent Expect: 100-continue waits for this.
        expect = headers.get("Expect")
        if expect is not None and expect.lower() == "100-continue" and version == "HTTP/1.1":
            self.sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")

    def _answer(self, method: str, target: str, headers: Headers, body: bytes) -> Response:
        """The provider's answer; a bug below is a JSON ``server_error``, never a closed
        connection or a traceback on stderr."""
        try:
            # RFC 9112 §3.2: origin-form ("/path?query") or absolute-form ("http://host/").
            if target[:1] == "/" and target[1:2] != "/" and "#" not in target:
                path, _, query = target.partition("?")  # what urlsplit does, faster
            else:
                try:
                    parts = urlsplit(target)
                except ValueError:  # e.g. an unclosed IPv6 literal in an absolute-form target
                    return _refusal(HTTPStatus.BAD_REQUEST, _NOT_A_URI)
                path, query = parts.path, parts.query
            request = Request(
                method=method.upper(),
                path=unquote(path, errors="replace") or "/",
                query=query,
                headers=headers,
                body=body,
                scheme="https" if self.server.ssl_context is not None else "http",
                host=headers.get("Host") or "",
            )
            return self.server.target.handle(request)
        except Exception:
            # Logged without request data (it may hold secrets).
            log.error("mock provider failed on a request", exc_info=True)
            return Response.json(500, _SERVER_ERROR, _NO_STORE)

    def _refuse(self, status: int, description: str) -> None:
        """Answer an unreadable request with JSON, then close lingering (RFC 9112 §9.6)."""
        # The description never echoes the request (it may carry a secret).
        log.debug("refused an unreadable request with status %d", status)
        response = _refusal(status, description)
        with contextlib.suppress(OSError):
            fields = _framed(response, close=True, http10=False)
            self.sock.sendall(serialize(status, fields, response.body))
            _linger(self.sock)

    def _reset(self) -> None:
        """Drop the connection with RST, as a crashed load balancer does."""
        # SO_LINGER with a zero timeout makes close() send RST instead of FIN: the client
        # sees "connection reset by peer".
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()


def _refusal(status: int, description: str) -> Response:
    payload = {"error": "invalid_request", "error_description": sanitize_description(description)}
    return Response.json(status, payload, _NO_STORE)


def _wants_close(headers: Headers, version: str) -> bool:
    """RFC 9112 §9.3: HTTP/1.1 stays open unless ``close``; 1.0 only with ``keep-alive``."""
    options = headers.get_all("Connection")
    tokens = {t.strip().lower() for v in options for t in v.split(",")} if options else set()
    if version == "HTTP/1.0":
        return "keep-alive" not in tokens
    return "close" in tokens
