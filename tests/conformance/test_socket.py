"""The same answers over a real socket: each endpoint once, plus raw malformed HTTP."""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest

from mock_provider import ManualClock, MockProvider, ProviderServer

from .conftest import (
    AUTH_FAILED_DESCRIPTION,
    BASIC_CHALLENGE,
    CLIENT_ID,
    CLIENT_SECRET,
    NO_STORE_JSON,
    NOW,
    basic,
)

GRANT = {"grant_type": "client_credentials"}


@pytest.fixture
def served() -> Iterator[tuple[MockProvider, ProviderServer, httpx.Client]]:
    provider = MockProvider(clock=ManualClock(NOW))
    provider.add_client(CLIENT_ID, CLIENT_SECRET, scopes=("read",))
    with provider.serve() as server, httpx.Client(base_url=server.url, timeout=5) as http:
        yield provider, server, http


def _headers(response: httpx.Response) -> dict[str, str]:
    # The socket server adds its own Server, Date and Content-Length headers.
    skip = {"server", "date", "content-length", "connection"}
    return {k: v for k, v in response.headers.items() if k not in skip}


def test_socket_rfc6749_4_4_token(
    served: tuple[MockProvider, ProviderServer, httpx.Client],
) -> None:
    provider, server, http = served
    assert provider.url == server.url
    response = http.post("/oauth/token", data=GRANT, headers={"Authorization": basic()})
    assert response.status_code == 200
    assert _headers(response) == NO_STORE_JSON
    assert response.json() == {
        "access_token": provider.tokens[0].value,
        "token_type": "Bearer",
        "expires_in": 3600,
        "scope": "read",
    }


def test_socket_rfc6749_5_2_invalid_client(
    served: tuple[MockProvider, ProviderServer, httpx.Client],
) -> None:
    _, _, http = served
    response = http.post("/oauth/token", data=GRANT, auth=(CLIENT_ID, "wrong"))
    assert response.status_code == 401
    assert _headers(response) == {**NO_STORE_JSON, "www-authenticate": BASIC_CHALLENGE}
    assert response.json() == {
        "error": "invalid_client",
        "error_description": AUTH_FAILED_DESCRIPTION,
    }


def test_socket_rfc6749_3_2_get_token_is_405(
    served: tuple[MockProvider, ProviderServer, httpx.Client],
) -> None:
    provider, _, http = served
    response = http.get("/oauth/token", params=GRANT, headers={"Authorization": basic()})
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert provider.tokens == []


def test_socket_rfc7662_and_rfc7009_and_rfc6750(
    served: tuple[MockProvider, ProviderServer, httpx.Client],
) -> None:
    provider, _, http = served
    token = http.post("/oauth/token", data=GRANT, headers={"Authorization": basic()}).json()[
        "access_token"
    ]
    bearer = {"Authorization": f"Bearer {token}"}
    introspected = http.post(
        "/oauth/introspect", data={"token": token}, auth=(CLIENT_ID, CLIENT_SECRET)
    )
    assert introspected.status_code == 200
    assert _headers(introspected) == NO_STORE_JSON
    assert introspected.json()["active"] is True
    me = http.get("/api/me", headers=bearer)
    assert me.status_code == 200
    assert me.json()["client_id"] == CLIENT_ID
    revoked = http.post("/oauth/revoke", data={"token": token}, auth=(CLIENT_ID, CLIENT_SECRET))
    assert revoked.status_code == 200
    assert revoked.content == b""
    after = http.get("/api/me", headers=bearer)
    assert after.status_code == 401
    metadata = provider.url + "/.well-known/oauth-protected-resource/api/me"
    assert after.headers["www-authenticate"] == (
        'Bearer realm="mock-oauth", error="invalid_token", '
        f'error_description="the access token was revoked", resource_metadata="{metadata}"'
    )
    inactive = http.post(
        "/oauth/introspect", data={"token": token}, auth=(CLIENT_ID, CLIENT_SECRET)
    )
    assert inactive.json() == {"active": False}


def test_socket_rfc6750_3_1_bare_challenge(
    served: tuple[MockProvider, ProviderServer, httpx.Client],
) -> None:
    provider, _, http = served
    response = http.get("/api/me")
    assert response.status_code == 401
    metadata = provider.url + "/.well-known/oauth-protected-resource/api/me"
    assert response.headers["www-authenticate"] == (
        f'Bearer realm="mock-oauth", resource_metadata="{metadata}"'
    )


def test_socket_rfc8414_metadata(served: tuple[MockProvider, ProviderServer, httpx.Client]) -> None:
    _, server, http = served
    response = http.get("/.well-known/oauth-authorization-server")
    assert response.status_code == 200
    body = response.json()
    assert body["issuer"] == server.url
    assert body["token_endpoint"] == server.url + "/oauth/token"


def test_socket_rfc9068_jwks_verifies_a_token() -> None:
    from joserfc import jwt
    from joserfc.jwk import KeySet

    provider = MockProvider(token_format="jwt")
    provider.add_client(CLIENT_ID, CLIENT_SECRET)
    with provider.serve() as server, httpx.Client(timeout=5) as http:
        metadata = http.get(provider.metadata_url).json()
        assert metadata["jwks_uri"] == server.url + "/jwks.json"
        keys = KeySet.import_key_set(http.get(metadata["jwks_uri"]).json())
        token = http.post(provider.token_url, data=GRANT, auth=(CLIENT_ID, CLIENT_SECRET)).json()
    decoded = jwt.decode(token["access_token"], keys, algorithms=["RS256"])
    assert decoded.claims["iss"] == provider.url
    assert provider.url.startswith("http://127.0.0.1:")
    assert decoded.header["typ"] == "at+jwt"


def test_socket_chunked_request_body_is_read(
    served: tuple[MockProvider, ProviderServer, httpx.Client],
) -> None:
    _, _, http = served

    def chunks() -> Iterator[bytes]:
        yield b"grant_type="
        yield b"client_credentials"

    response = http.post(
        "/oauth/token",
        content=chunks(),
        headers={"Authorization": basic(), "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.request.headers["transfer-encoding"] == "chunked"
    assert response.status_code == 200


def _raw(server: ProviderServer, payload: bytes) -> bytes:
    parts = urlsplit(server.url)
    assert parts.hostname is not None
    assert parts.port is not None
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as conn:
        conn.sendall(payload)
        conn.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := conn.recv(65536):
            received += chunk
    return received


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        pytest.param(b"GARBAGE\r\n\r\n", 400, id="bad_request_line"),
        pytest.param(b'GET "/\\" HTTP/1.1\r\n\r\n', 404, id="quotes_in_request_line"),
        pytest.param(b"GET / HTTP/9.9\r\n\r\n", 505, id="unsupported_version"),
        pytest.param(
            b"GET /oauth/token HTTP/1.1\r\n" + b"X: y\r\n" * 200 + b"\r\n",
            431,
            id="too_many_headers",
        ),
        pytest.param(
            b"POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
            400,
            id="bad_content_length",
        ),
        pytest.param(
            b"POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n\r\ngrant_type=cli",
            400,
            id="truncated_body",
        ),
        pytest.param(
            b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 40, 400, id="tls_hello"
        ),
        pytest.param(b"GET http://[::1/oauth/token HTTP/1.1\r\nHost: x\r\n\r\n", 400, id="bad_uri"),
    ],
)
def test_socket_malformed_http_gets_json(
    served: tuple[MockProvider, ProviderServer, httpx.Client], payload: bytes, expected: int
) -> None:
    provider, server, _ = served
    # 505 is HTTP's answer to an unsupported version, 431 to too many header fields.
    received = _raw(server, payload)
    head, _, body = received.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    assert status == expected, received
    assert b"content-type: application/json" in head.lower(), received
    assert isinstance(json.loads(body), dict)
    assert b"<html" not in received.lower()
    assert provider.tokens == []


def _request(path: str, body: bytes = b"", extra: str = "") -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: {basic()}\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\n{extra}\r\n"
    )
    return head.encode() + body


def _statuses(received: bytes) -> list[int]:
    # Answers follow each other directly: a JSON body is not terminated by a line break.
    return [int(status) for status in re.findall(rb"HTTP/1\.[01] (\d{3}) ", received)]


def test_socket_rfc9112_9_3_connections_are_kept_alive(
    served: tuple[MockProvider, ProviderServer, httpx.Client],
) -> None:
    provider, _, http = served
    peers = set()
    for _ in range(3):
        response = http.post("/oauth/token", data=GRANT, auth=(CLIENT_ID, CLIENT_SECRET))
        assert response.status_code == 200
        assert "connection" not in response.headers
        peers.add(response.extensions["network_stream"].get_extra_info("client_addr"))
    assert len(peers) == 1  # one TCP connection served all three
    assert len(provider.tokens) == 3


def test_socket_rfc9112_9_3_pipelined_requests_each_get_their_answer(
    served: tuple[MockProvider, ProviderServer, httpx.Client],
) -> None:
    provider, server, _ = served
    token = _request("/oauth/token", b"grant_type=client_credentials")
    # The body of each request is read whole, so the next request line is never mistaken
    # for body bytes (and the last one asks to close, ending the connection).
    received = _raw(server, token + token + _request("/nope", extra="Connection: close\r\n"))
    assert _statuses(received) == [200, 200, 404]
    assert len(provider.tokens) == 2
    assert received.lower().count(b"connection: close") == 1


def test_socket_rfc9112_9_3_http_1_0_and_close_requests_are_closed(
    served: tuple[MockProvider, ProviderServer, httpx.Client],
) -> None:
    _, server, _ = served
    received = _raw(server, b"GET /.well-known/oauth-authorization-server HTTP/1.0\r\n\r\n")
    assert _statuses(received) == [200]
    assert b"connection: close" in received.lower()


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        pytest.param(
            b"POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n"
            b"\r\ngrant",
            400,
            id="conflicting_content_lengths",
        ),
        pytest.param(
            b"POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
            400,
            id="negative_content_length",
        ),
        pytest.param(
            b"POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n",
            413,
            id="body_over_1_mib",
        ),
        pytest.param(
            b"POST /oauth/token HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"zz\r\ngrant\r\n0\r\n\r\n",
            400,
            id="chunk_size_not_hex",
        ),
        pytest.param(
            b"POST /oauth/token HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"200000\r\n",
            413,
            id="chunked_body_over_1_mib",
        ),
        pytest.param(
            b"POST /oauth/token HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"10\r\ngrant",
            400,
            id="truncated_chunk",
        ),
    ],
)
def test_socket_rfc9112_6_3_unreadable_bodies_are_refused_with_json(
    served: tuple[MockProvider, ProviderServer, httpx.Client], payload: bytes, expected: int
) -> None:
    provider, server, _ = served
    received = _raw(server, payload)
    head, _, body = received.partition(b"\r\n\r\n")
    assert _statuses(head) == [expected], received
    assert b"connection: close" in head.lower()
    assert json.loads(body)["error"] == "invalid_request"
    assert provider.tokens == []


def test_socket_rfc9112_7_1_chunked_body_with_trailer_keeps_the_connection(
    served: tuple[MockProvider, ProviderServer, httpx.Client],
) -> None:
    provider, server, _ = served
    chunked = (
        f"POST /oauth/token HTTP/1.1\r\nHost: x\r\nAuthorization: {basic()}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n"
        "b;ext=1\r\ngrant_type=\r\n12\r\nclient_credentials\r\n0\r\nX-Trailer: 1\r\n\r\n"
    ).encode()
    received = _raw(server, chunked + _request("/nope", extra="Connection: close\r\n"))
    assert _statuses(received) == [200, 404]
    assert len(provider.tokens) == 1


def test_socket_stop_ends_idle_kept_alive_connections() -> None:
    provider = MockProvider(clock=ManualClock(NOW))
    server = provider.serve().start()
    parts = urlsplit(server.url)
    assert parts.hostname is not None
    assert parts.port is not None
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as conn:
        conn.sendall(b"GET /.well-known/oauth-authorization-server HTTP/1.1\r\nHost: x\r\n\r\n")
        received = b""
        while b"}" not in received:
            received += conn.recv(65536)
        server.stop()
        # The idle connection is shut, not left open with nobody answering.
        assert conn.recv(65536) == b""


def test_socket_rfc9110_10_1_1_expect_100_continue_is_answered(
    served: tuple[MockProvider, ProviderServer, httpx.Client],
) -> None:
    provider, server, _ = served
    received = _raw(
        server,
        _request(
            "/oauth/token",
            b"grant_type=client_credentials",
            extra=("Expect: 100-continue\r\nConnection: close\r\n"),
        ),
    )
    assert _statuses(received) == [100, 200]
    assert len(provider.tokens) == 1


def test_socket_rfc9112_3_2_2_absolute_form_target_is_routed(
    served: tuple[MockProvider, ProviderServer, httpx.Client],
) -> None:
    provider, server, _ = served
    target = f"{server.url}/oauth/token"
    received = _raw(
        server,
        _request(target, b"grant_type=client_credentials", extra="Connection: close\r\n"),
    )
    assert _statuses(received) == [200]
    assert provider.requests[0].path == "/oauth/token"


def test_socket_rfc9110_9_3_2_head_has_headers_and_no_body(
    served: tuple[MockProvider, ProviderServer, httpx.Client],
) -> None:
    *_, http = served
    get = http.get("/.well-known/oauth-authorization-server")
    head = http.head("/.well-known/oauth-authorization-server")
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == get.headers["content-length"]
    # The connection survived the bodiless answer and serves the next request.
    assert http.get("/.well-known/oauth-authorization-server").json() == get.json()
