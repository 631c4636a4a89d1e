"""The socket server's HTTP/1.1 framing: every request gets an answer, raw bytes on loopback.

Each test is named after the RFC 9112 / 9110 section it holds the server to; the limits
(request deadline, connection cap, backlog) after what they bound.
"""

from __future__ import annotations

import json
import logging
import re
import socket
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from mock_provider import ManualClock, MockProvider, ProviderServer
from mock_provider.protocol.http import Request, Response
from mock_provider.transport.connection import ThreadedServer

from .conftest import CLIENT_ID, CLIENT_SECRET, NOW, basic

METADATA = b"GET /.well-known/oauth-authorization-server HTTP/1.1\r\nHost: x\r\n"


@pytest.fixture
def server() -> Iterator[ProviderServer]:
    provider = MockProvider(clock=ManualClock(NOW))
    provider.add_client(CLIENT_ID, CLIENT_SECRET)
    with provider.serve() as running:
        yield running


def _address(server: ProviderServer) -> tuple[str, int]:
    parts = urlsplit(server.url)
    assert parts.hostname is not None
    assert parts.port is not None
    return parts.hostname, parts.port


def _read_all(conn: socket.socket) -> bytes:
    received = b""
    while chunk := conn.recv(65536):
        received += chunk
    return received


def _raw(server: ProviderServer, payload: bytes) -> bytes:
    with socket.create_connection(_address(server), timeout=5) as conn:
        conn.sendall(payload)
        conn.shutdown(socket.SHUT_WR)
        return _read_all(conn)


def _statuses(received: bytes) -> list[int]:
    return [int(status) for status in re.findall(rb"HTTP/1\.1 (\d{3}) ", received)]


def _answer(received: bytes) -> tuple[int, bytes, dict[str, object]]:
    head, _, body = received.partition(b"\r\n\r\n")
    assert b"content-type: application/json" in head.lower(), received
    return int(head.split(b" ", 2)[1]), head.lower(), json.loads(body)


@pytest.mark.parametrize(
    ("length", "status"),
    [
        pytest.param("²".encode("latin-1"), 400, id="superscript_two_latin1"),
        pytest.param("²".encode(), 400, id="superscript_two_utf8"),
        pytest.param("٣".encode(), 400, id="arabic_indic_three"),
        pytest.param(b"1_0", 400, id="underscore"),
        pytest.param(b"+5", 400, id="plus_sign"),
        pytest.param(b"9" * 5000, 413, id="five_thousand_digits"),
    ],
)
def test_socket_rfc9112_6_3_content_length_is_ascii_digits(
    server: ProviderServer, length: bytes, status: int
) -> None:
    # Field values are latin-1: b"\xb2" is "²", which str.isdigit() accepts and int() then
    # refuses (a dropped connection and a traceback, before); int() also refuses over
    # 4,300 digits.
    payload = b"POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Length: " + length + b"\r\n\r\n"
    answered, head, body = _answer(_raw(server, payload))
    assert answered == status
    assert b"connection: close" in head
    assert body["error"] == "invalid_request"


def test_socket_rfc9112_2_3_request_without_version_is_refused_and_closed(
    server: ProviderServer,
) -> None:
    # HTTP/0.9 has no status line: answering it with a bare body on a connection the
    # client keeps alive would glue the next answer onto it.
    received = _raw(
        server,
        b"GET /.well-known/oauth-authorization-server\r\nConnection: keep-alive\r\n\r\n"
        + METADATA
        + b"\r\n",
    )
    assert _statuses(received) == [400]
    _, head, body = _answer(received)
    assert b"connection: close" in head
    assert body == {
        "error": "invalid_request",
        "error_description": "the request line is not 'METHOD target HTTP/1.1'",
    }


def test_socket_rfc9112_2_2_empty_lines_before_the_request_line_are_ignored(
    server: ProviderServer,
) -> None:
    received = _raw(
        server, b"\r\n" + METADATA + b"\r\n" + b"\r\n\r\n" + METADATA + b"Connection: close\r\n\r\n"
    )
    assert _statuses(received) == [200, 200]


@pytest.mark.parametrize(
    ("payload", "description"),
    [
        pytest.param(
            METADATA + b"X-Folded: a\r\n  b\r\n\r\n",
            "a header field is folded (obs-fold)",
            id="5_2_obs_fold",
        ),
        pytest.param(
            METADATA + b"X-Space : a\r\n\r\n",
            "a header field is not 'name: value'",
            id="5_1_space_before_colon",
        ),
        pytest.param(
            METADATA + b"X-Nul: a\x00b\r\n\r\n",
            "a header field value has CR, LF or NUL",
            id="9110_5_5_nul_in_value",
        ),
        pytest.param(
            METADATA + b"X-Cr: a\rb\r\n\r\n",
            "a header field value has CR, LF or NUL",
            id="9110_5_5_bare_cr_in_value",
        ),
        pytest.param(
            b"G\xe9T / HTTP/1.1\r\n\r\n", "the request method is not a token", id="3_1_method"
        ),
        pytest.param(
            b"GET / HTTP/1.1 extra\r\n\r\n",
            "the request line is not 'METHOD target HTTP/1.1'",
            id="3_four_words",
        ),
        pytest.param(
            b"GET / http/1.1\r\n\r\n",
            "the request line has no valid HTTP version",
            id="2_3_version_is_case_sensitive",
        ),
        pytest.param(
            b"POST /oauth/token HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
            "only chunked transfer coding is served",
            id="6_1_unknown_transfer_coding",
        ),
    ],
)
def test_socket_rfc9112_refuses_malformed_heads_with_json(
    server: ProviderServer, payload: bytes, description: str
) -> None:
    status, head, body = _answer(_raw(server, payload))
    assert status in (400, 501)
    assert b"connection: close" in head
    assert body == {"error": "invalid_request", "error_description": description}


def test_socket_rfc9112_9_6_refusal_with_unread_bytes_is_not_reset(
    server: ProviderServer,
) -> None:
    # The body is refused before it is read (413) while the client is still uploading it;
    # closing with those bytes arriving would answer them with RST (the client's upload
    # fails, and an answer not yet sent is discarded). Lingering, the server reads them.
    head = b"POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n"
    with socket.create_connection(_address(server), timeout=5) as conn:
        conn.sendall(head + b"x" * (256 << 10))
        received = b""
        while not received.endswith(b"}"):
            received += conn.recv(65536)
        for _ in range(8):  # BrokenPipeError / ConnectionResetError without lingering
            conn.sendall(b"x" * (64 << 10))
        conn.shutdown(socket.SHUT_WR)
        received += _read_all(conn)
    status, _, body = _answer(received)
    assert status == 413
    assert body["error_description"] == "the request body is over 1 MiB"


class _Broken:
    """A served target with a bug: every request raises."""

    def handle(self, request: Request) -> Response:
        raise RuntimeError("a bug in the target")

    def bind_url(self, url: str) -> None:
        return None


def test_socket_a_bug_is_a_json_server_error_not_a_closed_connection(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR, "mock_provider"), ProviderServer(_Broken()) as running:
        received = _raw(running, METADATA + b"Connection: close\r\n\r\n")
    status, _, body = _answer(received)
    assert status == 500
    assert body == {
        "error": "server_error",
        "error_description": "the mock provider failed unexpectedly; see its log",
    }
    assert [r.getMessage() for r in caplog.records] == ["mock provider failed on a request"]


def test_slow_client_is_cut_at_the_request_deadline_not_per_read() -> None:
    # One byte every 20 ms keeps every single read well under any per-read timeout; the
    # deadline for the whole head is 0.3 s, so the server answers 408 long before the
    # 400-byte head could be complete (8 s at this pace).
    provider = MockProvider(clock=ManualClock(NOW))
    head = METADATA + b"X-Slow: " + b"y" * 300 + b"\r\n\r\n"
    with (
        provider.serve(request_timeout=0.3) as running,
        socket.create_connection(_address(running), timeout=5) as conn,
    ):
        received, sent = b"", 0
        conn.settimeout(0.02)  # the pace: a bounded wait on the socket, not a sleep
        while sent < len(head) and not received:
            conn.sendall(head[sent : sent + 1])
            sent += 1
            try:
                received = conn.recv(65536)
            except TimeoutError:
                continue
        conn.settimeout(5)
        received += _read_all(conn)
    assert sent < len(head)
    status, head_of_answer, body = _answer(received)
    assert status == 408
    assert b"connection: close" in head_of_answer
    assert body["error_description"] == "the request took over 0.3 s"


def test_connections_over_the_cap_are_refused_with_503() -> None:
    provider = MockProvider(clock=ManualClock(NOW))
    with provider.serve(max_connections=2) as running:
        address = _address(running)
        with (
            socket.create_connection(address, timeout=5) as first,
            socket.create_connection(address, timeout=5) as second,
        ):
            for conn in (first, second):  # both are being served (kept alive)
                conn.sendall(METADATA + b"\r\n")
                assert conn.recv(65536).startswith(b"HTTP/1.1 200 OK\r\n")
            status, head, body = _answer(_raw(running, METADATA + b"\r\n"))
            assert status == 503
            assert b"connection: close" in head
            assert b"retry-after: 1" in head
            assert body == {
                "error": "temporarily_unavailable",
                "error_description": "the mock provider serves at most 2 connections at once "
                "(--max-connections); retry after closing some",
            }
            first.sendall(METADATA + b"Connection: close\r\n\r\n")
            assert _statuses(_read_all(first)) == [200]


def test_a_burst_of_200_connects_is_answered() -> None:
    # With socketserver's backlog of 5, a burst like this waited seconds on SYN retransmits.
    assert ThreadedServer.request_queue_size >= 128
    provider = MockProvider(clock=ManualClock(NOW))
    provider.add_client(CLIENT_ID, CLIENT_SECRET)
    body = b"grant_type=client_credentials"
    token = (
        f"POST /oauth/token HTTP/1.1\r\nHost: x\r\nAuthorization: {basic()}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\nConnection: close\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    with provider.serve(max_connections=256) as running:
        address = _address(running)
        conns = [socket.create_connection(address, timeout=10) for _ in range(200)]
        try:
            for conn in conns:
                conn.sendall(token)
            statuses = [_statuses(_read_all(conn)) for conn in conns]
        finally:
            for conn in conns:
                conn.close()
    assert statuses == [[200]] * 200
    assert len(provider.tokens) == 200
