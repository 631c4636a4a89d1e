"""Bad input never yields a 500, an HTML page or a traceback: every refusal is RFC-shaped JSON.

Every endpoint is sent garbage bodies, headers, methods, queries and paths; each answer must
be a JSON object with a status below 500, and no token may be issued.
"""

from __future__ import annotations

import base64
import json

import httpx
import pytest

from mock_provider import MockProvider

from .conftest import basic

ENDPOINTS = [
    "/oauth/token",
    "/oauth/revoke",
    "/oauth/introspect",
    "/api/me",
    "/.well-known/oauth-authorization-server",
    "/jwks.json",
]
METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "BREW"]
FORM_TYPE = "application/x-www-form-urlencoded"

BODIES = [
    pytest.param(b"", id="empty"),
    pytest.param(b"\x00\xff\xfe\x80", id="binary"),
    pytest.param(b"%", id="lone_percent"),
    pytest.param(b"a=%ZZ&b=%", id="bad_escapes"),
    pytest.param(b"grant_type=%FF%FE", id="escaped_non_utf8"),
    pytest.param(b"=&=&&=", id="empty_names"),
    pytest.param(b"grant_type=client_credentials&" * 500, id="repeated_500_times"),
    pytest.param(b"token=" + b"A" * 200_000, id="huge_value"),
    pytest.param(b'{"grant_type": "client_credentials"}', id="json"),
    pytest.param(b"\r\n\r\n", id="crlf"),
    pytest.param("grant_type=clïent_credentials&scope=ré".encode(), id="raw_utf8"),
    pytest.param(b"grant_type=client_credentials&client_id=%00&client_secret=%00", id="nul"),
]

HEADERS = [
    pytest.param(
        {"Content-Type": "application/x-www-form-urlencoded; charset=latin-1"}, id="ct_latin1"
    ),
    pytest.param({"Content-Type": ";;;"}, id="ct_semicolons"),
    pytest.param({"Content-Type": "multipart/form-data; boundary=x"}, id="ct_multipart"),
    pytest.param({"Authorization": "Basic"}, id="basic_no_credentials"),
    pytest.param({"Authorization": "Basic ===="}, id="basic_padding_only"),
    pytest.param(
        {"Authorization": "Basic " + base64.b64encode(b"\xff:\xfe").decode()}, id="basic_not_utf8"
    ),
    pytest.param(
        {"Authorization": "Basic " + base64.b64encode(b"%ZZ:%").decode()}, id="basic_bad_escapes"
    ),
    pytest.param({"Authorization": "Bearer"}, id="bearer_no_token"),
    pytest.param({"Authorization": "Bearer " + "a" * 10_000}, id="bearer_huge"),
    pytest.param({"Authorization": "Digest username=x"}, id="digest"),
    pytest.param({"Authorization": "   "}, id="blank"),
    pytest.param({"Authorization": "Bearer été".encode()}, id="bearer_non_ascii"),
    pytest.param({"Content-Length": "0"}, id="zero_length"),
]

QUERIES = [
    pytest.param("%ff=%fe", id="non_utf8"),
    pytest.param("a=1&a=2", id="repeated"),
    pytest.param("grant_type=client_credentials&scope=read", id="grant_in_query"),
    pytest.param("access_token=x&access_token=y", id="two_access_tokens"),
    pytest.param("%", id="lone_percent"),
    pytest.param("client_secret=", id="empty_secret"),
]

PATHS = [
    "/",
    "/oauth",
    "/oauth/token/",
    "/OAUTH/TOKEN",
    "/%ff%fe",
    "/..%2f..%2fetc%2fpasswd",
    "/oauth/token%00",
    "//oauth//token",
    "/.well-known/oauth-authorization-server/extra",
    "/api/me/extra",
]


@pytest.fixture(params=["opaque", "jwt"])
def garbage_provider(request: pytest.FixtureRequest) -> MockProvider:
    provider = MockProvider(token_format=request.param)
    provider.add_client("robust", "robust-secret", scopes=("read",))
    return provider


def assert_json_refusal(response: httpx.Response, method: str) -> None:
    """A status below 500, JSON content, and (except for HEAD) a JSON object body."""
    assert response.status_code < 500, (response.status_code, response.text)
    if response.status_code == 200 and response.request.url.path.endswith("/oauth/revoke"):
        # RFC 7009 §2.2: an unknown token is "revoked" with an empty 200.
        assert response.content == b""
        return
    assert response.headers["content-type"] == "application/json"
    if method == "HEAD":
        assert response.content == b""
        return
    text = response.text
    assert "Traceback" not in text
    assert "<html" not in text.lower()
    assert isinstance(json.loads(text), dict)


def _send(
    provider: MockProvider,
    method: str,
    path: str,
    *,
    body: bytes = b"",
    headers: dict[str, str | bytes] | None = None,
    query: str = "",
) -> httpx.Response:
    url = provider.url + path + (f"?{query}" if query else "")
    request = httpx.Request(method, url, content=body, headers=headers or {})
    with httpx.Client(transport=provider.transport()) as http:
        return http.send(request)


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("body", BODIES)
def test_garbage_bodies_on_every_method(
    garbage_provider: MockProvider, path: str, body: bytes
) -> None:
    for method in METHODS:
        for content_type in (FORM_TYPE, "text/plain"):
            headers = {
                "Content-Type": content_type,
                "Authorization": basic("robust", "robust-secret"),
            }
            response = _send(garbage_provider, method, path, body=body, headers=headers)
            assert_json_refusal(response, method)
    # Valid credentials with a broken body still never mint a token.
    assert garbage_provider.tokens == []


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("headers", HEADERS)
def test_garbage_headers(
    garbage_provider: MockProvider, path: str, headers: dict[str, str]
) -> None:
    for method in ("GET", "POST"):
        sent: dict[str, str | bytes] = {"Content-Type": FORM_TYPE, **headers}
        response = _send(
            garbage_provider, method, path, body=b"grant_type=client_credentials", headers=sent
        )
        assert_json_refusal(response, method)
    assert garbage_provider.tokens == []


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("query", QUERIES)
def test_garbage_queries(garbage_provider: MockProvider, path: str, query: str) -> None:
    for method in ("GET", "POST"):
        response = _send(
            garbage_provider,
            method,
            path,
            query=query,
            body=b"",
            headers={"Content-Type": FORM_TYPE},
        )
        assert_json_refusal(response, method)
    assert garbage_provider.tokens == []


@pytest.mark.parametrize("path", PATHS)
def test_unknown_paths_answer_json_404(garbage_provider: MockProvider, path: str) -> None:
    for method in METHODS:
        response = _send(garbage_provider, method, path)
        assert_json_refusal(response, method)
        assert response.status_code == 404


def test_unknown_path_error_names_what_is_served(garbage_provider: MockProvider) -> None:
    response = _send(garbage_provider, "GET", "/nope")
    assert response.json() == {
        "error": "not_found",
        "error_description": "no endpoint at /nope; served: "
        "/.well-known/oauth-authorization-server, /.well-known/oauth-protected-resource/api/me, "
        "/.well-known/openid-configuration, /api/me, /jwks.json, /oauth/authorize, "
        "/oauth/introspect, /oauth/revoke, /oauth/token",
    }
