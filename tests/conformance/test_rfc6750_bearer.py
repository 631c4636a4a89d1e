"""RFC 6750: the protected "me" API and its bearer-token challenges."""

from __future__ import annotations

import httpx
import pytest

from mock_provider import MockProvider

from .conftest import CLIENT_ID, NOW, fetch_token, headers_of

REALM = 'realm="mock-oauth"'
# RFC 9728 §5.1: every challenge of a protected resource names its metadata.
ME_METADATA = (
    'resource_metadata="https://mock-oauth.test/.well-known/oauth-protected-resource/api/me"'
)
JSON_NO_STORE = {"content-type": "application/json", "cache-control": "no-store"}


def _challenge(
    error: str, description: str, scope: str | None = None, metadata: str | None = None
) -> str:
    scope_part = f', scope="{scope}"' if scope else ""
    metadata_part = f", {metadata}" if metadata else ""
    return (
        f'Bearer {REALM}, error="{error}", error_description="{description}"{scope_part}'
        + metadata_part
    )


def _error_headers(challenge: str) -> dict[str, str]:
    return {
        "content-type": "application/json",
        "cache-control": "no-store",
        "pragma": "no-cache",
        "www-authenticate": challenge,
    }


def test_rfc6750_2_1_valid_token_answers_the_caller(
    http: httpx.Client, provider: MockProvider
) -> None:
    provider.add_client(
        "app-client", "app-secret", scopes=("read",), me={"app": {"id": "app-1", "name": "Demo"}}
    )
    token = http.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=("app-client", "app-secret")
    ).json()["access_token"]
    provider.clock.advance(100)  # type: ignore[attr-defined]
    response = http.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert headers_of(response) == JSON_NO_STORE
    assert response.json() == {
        "sub": "app-client",
        "client_id": "app-client",
        "scope": "read",
        "scopes": ["read"],
        "aud": provider.url,
        "iss": provider.url,
        "iat": NOW,
        "exp": NOW + 3600,
        "expires_in": 3500,
        "app": {"id": "app-1", "name": "Demo"},
    }


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER", "bEaReR"])
def test_rfc6750_2_1_scheme_is_case_insensitive(http: httpx.Client, scheme: str) -> None:
    token = fetch_token(http)
    response = http.get("/api/me", headers={"Authorization": f"{scheme} {token}"})
    assert response.status_code == 200
    assert response.json()["client_id"] == CLIENT_ID


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="no_authorization"),
        pytest.param({"Authorization": "Basic dXNlcjpwYXNz"}, id="other_scheme"),
        pytest.param({"Authorization": ""}, id="empty_authorization"),
    ],
)
def test_rfc6750_3_1_no_credentials_gets_bare_challenge(
    http: httpx.Client, headers: dict[str, str]
) -> None:
    # §3.1: "If the request lacks any authentication information ... the resource server
    # SHOULD NOT include an error code or other error information."
    response = http.get("/api/me", headers=headers)
    assert response.status_code == 401
    assert headers_of(response) == _error_headers(f"Bearer {REALM}, {ME_METADATA}")
    assert response.json() == {
        "error_description": "this resource requires 'Authorization: Bearer <access token>'"
    }


def _unknown(http: httpx.Client, provider: MockProvider) -> tuple[str, str]:
    return "bm90LWEtdG9rZW4", "the access token is unknown"


def _expired(http: httpx.Client, provider: MockProvider) -> tuple[str, str]:
    token = fetch_token(http)
    provider.clock.advance(3600)  # type: ignore[attr-defined]
    return token, "the access token expired"


def _revoked(http: httpx.Client, provider: MockProvider) -> tuple[str, str]:
    token = fetch_token(http)
    provider.revoke(token)
    return token, "the access token was revoked"


def _client_removed(http: httpx.Client, provider: MockProvider) -> tuple[str, str]:
    token = fetch_token(http)
    provider.remove_client(CLIENT_ID)
    return token, "the access token was revoked"


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(_unknown, id="unknown"),
        pytest.param(_expired, id="expired"),
        pytest.param(_revoked, id="revoked"),
        pytest.param(_client_removed, id="client_removed"),
    ],
)
def test_rfc6750_3_1_invalid_token(
    http: httpx.Client, provider: MockProvider, make: object
) -> None:
    token, description = make(http, provider)  # type: ignore[operator]
    response = http.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    # §3.1 invalid_token: "The access token provided is expired, revoked, malformed, or
    # invalid for other reasons. The resource SHOULD respond with the HTTP 401".
    assert response.status_code == 401
    assert headers_of(response) == _error_headers(
        _challenge("invalid_token", description, metadata=ME_METADATA)
    )
    assert response.json() == {"error": "invalid_token", "error_description": description}


def test_rfc6750_3_1_insufficient_scope(http: httpx.Client, provider: MockProvider) -> None:
    provider.add_resource("admin", "/api/admin", scopes=("admin", "read"))
    token = fetch_token(http, scope="read")
    response = http.get("/api/admin", headers={"Authorization": f"Bearer {token}"})
    # §3.1 insufficient_scope: "The resource server SHOULD respond with the HTTP 403
    # (Forbidden) status code and MAY include the scope attribute".
    assert response.status_code == 403
    description = "this resource needs scope admin read"
    assert headers_of(response) == _error_headers(
        _challenge(
            "insufficient_scope",
            description,
            "admin read",
            ME_METADATA.replace("/api/me", "/api/admin"),
        )
    )
    assert response.json() == {
        "error": "insufficient_scope",
        "error_description": description,
        "scope": "admin read",
    }


def test_rfc6750_3_1_me_scopes_configured_on_the_provider() -> None:
    provider = MockProvider(me_scopes=("profile",))
    provider.add_client("c", "s", scopes=("profile", "other"))
    with httpx.Client(transport=provider.transport(), base_url=provider.url) as http:
        narrow = provider.issue_token("c", scopes=("other",)).value
        wide = provider.issue_token("c").value
        assert http.get("/api/me", headers={"Authorization": f"Bearer {narrow}"}).status_code == 403
        assert http.get("/api/me", headers={"Authorization": f"Bearer {wide}"}).status_code == 200


MALFORMED = (
    "the Authorization header is not 'Bearer' followed by one b64token (RFC 6750 section 2.1)"
)


@pytest.mark.parametrize(
    ("value", "description"),
    [
        pytest.param("Bearer", MALFORMED, id="no_token"),
        pytest.param("Bearer ", MALFORMED, id="empty_token"),
        pytest.param("Bearer a b", MALFORMED, id="two_tokens"),
        pytest.param("Bearer tok,en", MALFORMED, id="comma"),
        pytest.param('Bearer "quoted"', MALFORMED, id="quoted"),
        pytest.param("Bearer a=b", MALFORMED, id="padding_inside"),
    ],
)
def test_rfc6750_3_1_malformed_header_is_invalid_request(
    http: httpx.Client, value: str, description: str
) -> None:
    # §3.1 invalid_request: "The request is missing a required parameter, includes an
    # unsupported parameter or parameter value ... or is otherwise malformed" -> 400.
    response = http.get("/api/me", headers={"Authorization": value})
    assert response.status_code == 400
    assert headers_of(response) == _error_headers(_challenge("invalid_request", description))
    assert response.json() == {"error": "invalid_request", "error_description": description}


def test_rfc6750_3_1_two_authorization_headers(http: httpx.Client) -> None:
    token = fetch_token(http)
    response = http.get(
        "/api/me",
        headers=[("Authorization", f"Bearer {token}"), ("Authorization", f"Bearer {token}")],
    )
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_request",
        "error_description": "more than one Authorization header",
    }


def test_rfc6750_2_3_token_in_query_is_refused(http: httpx.Client) -> None:
    # §2.3 is optional ("SHOULD NOT be used"); this provider accepts the header only.
    token = fetch_token(http)
    response = http.get("/api/me", params={"access_token": token})
    description = (
        "access tokens in the URI query are not accepted here (RFC 6750 section 2.2, section "
        "2.3); send 'Authorization: Bearer <token>'"
    )
    assert response.status_code == 400
    assert headers_of(response) == _error_headers(_challenge("invalid_request", description))
    assert response.json() == {"error": "invalid_request", "error_description": description}


def test_rfc6750_2_2_token_in_form_body_is_refused(
    http: httpx.Client, provider: MockProvider
) -> None:
    provider.add_resource("orders", "/api/orders", methods=("GET", "POST"))
    token = fetch_token(http)
    response = http.post("/api/orders", data={"access_token": token})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_rfc6750_3_1_token_by_two_methods(http: httpx.Client) -> None:
    token = fetch_token(http)
    response = http.get(
        "/api/me", params={"access_token": token}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_request",
        "error_description": "the access token was sent by more than one method "
        "(RFC 6750 section 3.1)",
    }


def test_rfc6750_resource_refuses_other_methods(http: httpx.Client) -> None:
    token = fetch_token(http)
    response = http.post("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 405
    assert response.headers["allow"] == "GET"


def test_rfc6750_custom_resource_body(http: httpx.Client, provider: MockProvider) -> None:
    provider.add_resource("static", "/api/static", body={"ok": True})
    provider.add_resource(
        "dynamic", "/api/dynamic", body=lambda token, client: {"who": token.client_id}
    )
    token = fetch_token(http)
    bearer = {"Authorization": f"Bearer {token}"}
    assert http.get("/api/static", headers=bearer).json() == {"ok": True}
    assert http.get("/api/dynamic", headers=bearer).json() == {"who": CLIENT_ID}
